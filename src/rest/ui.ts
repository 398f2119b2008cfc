/**
 * The web dashboard at `/ui/`: the static bundle `scripts/build-ui.mjs` writes to `<package root>/dist/ui`, and
 * the dashboard's own endpoints under `/ui/api/`:
 *
 *   GET /ui/api/state                          the snapshot (ui-state.ts)
 *   GET /ui/api/events                         Server-Sent Events: a `state` event at once, then every second
 *                                              when something changed (at least every 5 s)
 *   GET /ui/api/connectors/{c}/config          the config with PASSWORD values `[hidden]` (ui-config.ts)
 *
 * Everything else the dashboard does goes through the Kafka Connect endpoints. These routes sit behind the same
 * listeners, basic auth and exposure check as the rest of the API (server.ts checks before routing).
 */
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Router } from './router.js';
import type { RestHerder, RestResponse, RouteDef } from './resources.js';
import type { EventSink } from './tap.js';
import { RestError, toRestError } from './errors.js';
import { UiState, type UiSnapshot } from './ui-state.js';
import { shownConfig } from './ui-config.js';

/** Where the build puts the bundle: dist/ui below the package root (this file is src/rest/ or dist/rest/). */
export const UI_DIR = fileURLToPath(new URL('../../dist/ui/', import.meta.url));

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** The bundle's assets have a content hash in their names (app-<hash>.js), so they never change under a name. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

/** Sends a state event at most this often, and at least every KEEP_MS even when nothing changed. */
const TICK_MS = 1000;
const KEEP_MS = 5000;

/**
 * The file a `/ui/{name}` request may read, with its content type and caching, or null: only plain names of the
 * known text types (no `/`, `\`, `..`, leading dot, or NUL — percent-decoding happened before), so nothing outside
 * the bundle folder can be reached.
 */
export function staticFile(name: string): { file: string; type: string; cacheControl: string } | null {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || name.includes('..')) return null;
  const type = TYPES[extname(name)];
  if (!type) return null;
  return { file: name, type, cacheControl: name === 'index.html' ? 'no-cache' : IMMUTABLE };
}

/** `/ui` → `/ui/` (the page's relative asset URLs need the slash; the router itself ignores trailing slashes). */
export function uiRedirect(rawPath: string, rawQuery: string): RestResponse | null {
  if (rawPath !== '/ui') return null;
  return { status: 301, headers: { Location: `/ui/${rawQuery === '' ? '' : `?${rawQuery}`}` } };
}

export interface UiContext {
  readonly herder: RestHerder;
  /** The bundle folder (default UI_DIR). */
  readonly dir?: string;
}

export function addUiRoutes(router: Router<RouteDef>, ctx: UiContext): UiRoutes {
  const dir = ctx.dir ?? UI_DIR;
  const state = new UiState(ctx.herder);
  const get = (path: string, handler: RouteDef['handler']) =>
    router.add('GET', path, { handler, group: 'regular', jsonOnly: false, readsBody: false });

  const serve = async (name: string): Promise<RestResponse> => {
    const f = staticFile(name);
    if (!f) throw new RestError(404, 'HTTP 404 Not Found');
    let text: string;
    try {
      text = await readFile(join(dir, f.file), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      if (name !== 'index.html') throw new RestError(404, 'HTTP 404 Not Found');
      throw new RestError(503, `The dashboard is not built (no ${join(dir, 'index.html')}): run npm run build`);
    }
    return { status: 200, text, headers: { ...SECURITY_HEADERS, 'Content-Type': f.type, 'Cache-Control': f.cacheControl } };
  };

  get('/ui', () => serve('index.html'));
  get('/ui/{file}', (req) => serve(req.params['file']!));
  get('/ui/api/state', () => ({ status: 200, body: state.snapshot(), headers: { 'Cache-Control': 'no-store' } }));
  get('/ui/api/events', () => ({ status: 200, headers: { 'X-Accel-Buffering': 'no' }, events: (sink) => streamState(state, sink) }));
  get('/ui/api/connectors/{connector}/config', (req) => {
    let config;
    try {
      config = ctx.herder.connectorConfig(req.params['connector']!);
    } catch (e) {
      throw toRestError(e);
    }
    return { status: 200, body: shownConfig(ctx.herder.registry, config), headers: { 'Cache-Control': 'no-store' } };
  });
  return { state };
}

export interface UiRoutes {
  readonly state: UiState;
}

/** Pushes snapshots until the client goes away. */
export async function streamState(state: Pick<UiState, 'snapshot'>, sink: EventSink, tickMs = TICK_MS, keepMs = KEEP_MS): Promise<void> {
  let last = '';
  let lastSent = 0;
  while (!sink.closed.aborted) {
    let snapshot: UiSnapshot;
    try {
      snapshot = state.snapshot();
    } catch {
      return; // the herder is stopping
    }
    const { at: _at, ...content } = snapshot;
    const key = JSON.stringify(content);
    if (key !== last || snapshot.at - lastSent >= keepMs) {
      last = key;
      lastSent = snapshot.at;
      if (!sink.event('state', snapshot)) await Promise.race([sink.drained(), aborted(sink.closed)]);
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, tickMs);
      function done() {
        clearTimeout(timer);
        sink.closed.removeEventListener('abort', done);
        resolve();
      }
      sink.closed.addEventListener('abort', done, { once: true });
    });
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
}
