/** A worker with its REST server in this process, and a small HTTP client for black-box tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StandaloneHerder } from '../../../src/worker/standalone-herder.js';
import { RestServer, type RestServerOptions } from '../../../src/rest/index.js';

export interface TestWorker {
  readonly herder: StandaloneHerder;
  readonly rest: RestServer;
  readonly base: string;
  stop(): Promise<void>;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `sluice-rest-${prefix}-`));
}

/** Starts a standalone worker (in-process transport unless `bootstrap.servers` is given) with REST on a free port. */
export async function startWorker(
  worker: Record<string, string> = {},
  options: Omit<RestServerOptions, 'herder'> = {},
): Promise<TestWorker> {
  const herder = new StandaloneHerder({
    worker: { listeners: 'http://127.0.0.1:0', 'offset.flush.interval.ms': '500', ...worker },
  });
  await herder.start();
  let rest: RestServer;
  try {
    rest = await RestServer.start({ herder, ...options });
  } catch (e) {
    await herder.stop();
    throw e;
  }
  return {
    herder,
    rest,
    base: rest.urls[0]!,
    async stop() {
      await rest.stop();
      await herder.stop();
    },
  };
}

export interface ApiResponse<T = any> {
  readonly status: number;
  readonly body: T;
  readonly text: string;
  readonly headers: Headers;
}

export interface ApiOptions {
  /** Default application/json when there is a body. */
  readonly contentType?: string | null;
  readonly auth?: string;
  /** Sent as is (no JSON encoding). */
  readonly raw?: string;
}

export async function api<T = any>(base: string, method: string, path: string, body?: unknown, options: ApiOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = {};
  const payload = options.raw ?? (body === undefined ? undefined : JSON.stringify(body));
  const ct = options.contentType === undefined ? (payload !== undefined ? 'application/json' : null) : options.contentType;
  if (ct) headers['content-type'] = ct;
  if (options.auth) headers['authorization'] = options.auth;
  const res = await fetch(base + path, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
  const text = await res.text();
  let parsed: unknown = undefined;
  if (text !== '' && (res.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
  return { status: res.status, body: parsed as T, text, headers: res.headers };
}

export async function eventually<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 20_000, everyMs = 50): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    try {
      last = await fn();
      if (last) return last as NonNullable<T>;
    } catch {
      // try again
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The state line of a connector: "RUNNING RUNNING" (connector then tasks). */
export async function states(base: string, name: string): Promise<string> {
  const r = await api(base, 'GET', `/connectors/${encodeURIComponent(name)}/status`);
  if (r.status !== 200) return `HTTP ${r.status}`;
  return [r.body.connector.state, ...r.body.tasks.map((t: { state: string }) => t.state)].join(' ');
}

export async function waitForStates(base: string, name: string, expected: string, timeoutMs = 20_000): Promise<void> {
  await eventually(async () => (await states(base, name)) === expected, `${name} to be "${expected}"`, timeoutMs);
}
