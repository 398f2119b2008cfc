/**
 * The REST server: node:http / node:https listeners, the router, Kafka Connect's error shape, JSON-only bodies
 * (415 otherwise), basic auth, CORS, the exposure check (no unauthenticated non-loopback listener), the
 * connectors persisted across restarts, and a 90 s request timeout (Kafka's).
 *
 *   const rest = await RestServer.start({ herder });   // after herder.start()
 *   rest.urls   // ['http://127.0.0.1:8083']
 *   await rest.stop();
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { withTimeout } from '../async/index.js';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { silentLog, type Log } from '../actors/index.js';
import { BadPathError, type Router } from './router.js';
import { HTTP_404, HTTP_405, HTTP_415, RestError, toRestError } from './errors.js';
import { buildRouter, type RestHerder, type RestResponse, type RouteDef } from './resources.js';
import { checkExposure, parseRestSettings, RestConfigError, type Listener, type RestSettings } from './config.js';
import { BasicAuth, UNAUTHORIZED_MESSAGE } from './basic-auth.js';
import { ConnectorStore, connectorsFileFor } from './connector-store.js';
import { LoggerLevels } from './loggers.js';
import { MetricsCollector } from './metrics.js';
import { addUiRoutes, uiRedirect } from './ui.js';

export interface RestServerOptions {
  /** A started herder. */
  readonly herder: RestHerder;
  /** The worker config to read the REST keys from (default: the herder's). */
  readonly worker?: Readonly<Record<string, string>>;
  /**
   * Logs requests and problems; when it is a pino logger, `PUT /admin/loggers/root` changes its level, and named
   * loggers take effect when it was made by `sluice` (src/cli/logger.ts; see loggers.ts).
   */
  readonly log?: Log;
  /**
   * Where connectors created over REST are kept across restarts. Default: `<offset.storage.file.filename>.connectors.json`
   * when the worker has an offsets file; null: not kept.
   */
  readonly connectorsFile?: string | null;
  /** Kafka's herder request timeout (default 90 000 ms). */
  readonly requestTimeoutMs?: number;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const JSON_TYPE = 'application/json';

/** `application/json`, `application/json; charset=utf-8`, `application/vnd.foo+json`. */
export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const type = header.split(';')[0]!.trim().toLowerCase();
  return type === JSON_TYPE || (type.startsWith('application/') && type.endsWith('+json'));
}

/** Bodies past MAX_BODY_BYTES: answered 413 and the connection closed after the answer. */
function tooLarge(): RestError {
  return new RestError(413, `HTTP 413 Request Entity Too Large (more than ${MAX_BODY_BYTES} bytes)`, { Connection: 'close' });
}

/**
 * The body, at most MAX_BODY_BYTES. A larger declared Content-Length is refused before reading anything; a larger
 * chunked body once past the limit, with the rest discarded rather than the socket torn down (which would reset
 * the connection before the client reads the 413).
 */
function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
    req.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        req.off('data', onData);
        chunks.length = 0;
        req.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text; invalid UTF-8 is a 400 (decoding it with U+FFFD would silently change names and values). */
function bodyText(body: Buffer): string {
  try {
    return utf8.decode(body);
  } catch {
    throw new RestError(400, 'Cannot parse the request body as JSON: the body is not valid UTF-8');
  }
}

export class RestServer {
  readonly herder: RestHerder;
  readonly settings: RestSettings;
  readonly store: ConnectorStore | null;
  readonly loggers: LoggerLevels;
  readonly metrics: MetricsCollector;
  readonly #log: Log;
  readonly #auth: BasicAuth | null;
  readonly #router: Router<RouteDef>;
  readonly #servers: Array<{ server: Server; listener: Listener; url: string }> = [];
  readonly #timeoutMs: number;
  #sampler: NodeJS.Timeout | undefined;
  #ready = false;

  private constructor(options: RestServerOptions, settings: RestSettings) {
    this.herder = options.herder;
    this.settings = settings;
    this.#log = options.log ?? silentLog;
    this.#timeoutMs = options.requestTimeoutMs ?? 90_000;
    this.#auth = settings.basicAuthFile ? BasicAuth.fromFile(settings.basicAuthFile) : null;
    const file =
      options.connectorsFile !== undefined
        ? options.connectorsFile
        : this.herder.settings.offsetFile
          ? connectorsFileFor(this.herder.settings.offsetFile)
          : null;
    this.store = file ? new ConnectorStore(file) : null;
    this.loggers = new LoggerLevels(options.log, { classOf: (connector) => connectorClassOf(this.herder, connector) });
    this.metrics = new MetricsCollector(this.herder, { rateWindowMs: rateWindowOf(options.worker ?? this.herder.settings.raw) });
    this.#router = buildRouter({
      herder: this.herder,
      settings,
      store: this.store,
      loggers: this.loggers,
      metrics: this.metrics,
      isReady: () => this.#ready,
    });
    addUiRoutes(this.#router, { herder: this.herder });
  }

  /**
   * Checks the settings (a non-loopback listener without credentials is refused: RestConfigError), starts every
   * listener, then creates the connectors kept from an earlier run. Throws RestConfigError for a bad setting.
   */
  static async start(options: RestServerOptions): Promise<RestServer> {
    const settings = parseRestSettings(options.worker ?? options.herder.settings.raw);
    await checkExposure(settings);
    const rest = new RestServer(options, settings);
    try {
      await rest.#listen();
      await rest.#restoreConnectors();
    } catch (e) {
      await rest.stop();
      throw e;
    }
    rest.#ready = true;
    rest.#sampler = setInterval(() => {
      try {
        rest.metrics.sample();
      } catch {
        // the herder is stopping
      }
    }, 5000);
    rest.#sampler.unref();
    return rest;
  }

  /** The base URL of every listener, with the port it is bound to (`http://127.0.0.1:8083`). */
  get urls(): string[] {
    return this.#servers.map((s) => s.url);
  }

  get ready(): boolean {
    return this.#ready;
  }

  async stop(): Promise<void> {
    clearInterval(this.#sampler);
    this.#ready = false;
    await Promise.all(
      this.#servers.map(
        ({ server }) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections?.();
          }),
      ),
    );
    this.#servers.length = 0;
  }

  async #listen(): Promise<void> {
    let tls: { cert: Buffer; key: Buffer } | null = null;
    if (this.settings.tls) {
      try {
        tls = { cert: readFileSync(this.settings.tls.certFile), key: readFileSync(this.settings.tls.keyFile) };
      } catch (e) {
        throw new RestConfigError(`cannot read the REST TLS certificate or key: ${(e as Error).message}`);
      }
    }
    for (const listener of this.settings.listeners) {
      const handler = (req: IncomingMessage, res: ServerResponse) => void this.#handle(listener, req, res);
      const server = listener.protocol === 'https' ? createHttpsServer({ cert: tls!.cert, key: tls!.key }, handler) : createHttpServer(handler);
      server.keepAliveTimeout = 30_000;
      await new Promise<void>((resolve, reject) => {
        server.once('error', (e: NodeJS.ErrnoException) =>
          reject(new RestConfigError(`cannot listen on ${listener.uri}: ${e.code === 'EADDRINUSE' ? 'the address is in use' : e.message}`)),
        );
        if (listener.host === '') server.listen(listener.port, () => resolve());
        else server.listen(listener.port, listener.host, () => resolve());
      });
      const address = server.address() as AddressInfo;
      const host = listener.host === '' ? 'localhost' : listener.host.includes(':') ? `[${listener.host}]` : listener.host;
      const url = `${listener.protocol}://${host}:${address.port}`;
      this.#servers.push({ server, listener, url });
      this.#log.info({ url, admin: listener.admin, regular: listener.regular }, 'REST API listening');
    }
  }

  async #restoreConnectors(): Promise<void> {
    if (!this.store) return;
    const stored = await this.store.load();
    for (const c of stored) {
      if (this.herder.connectors().includes(c.name)) {
        this.#log.warn({ connector: c.name, file: this.store.path }, 'a connector of that name exists already (from a pipeline file); the one kept from the REST API is not started');
        continue;
      }
      try {
        await this.herder.addConnector(c.name, c.config, c.initial_state);
        this.#log.info({ connector: c.name, state: c.initial_state }, 'connector created over REST restored');
      } catch (e) {
        this.#log.error({ connector: c.name, err: e }, 'connector kept from the REST API could not be created again; kept in the file');
      }
    }
  }

  async #handle(listener: Listener, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    let status = 500;
    try {
      const response = await this.#respond(listener, req);
      status = response.status;
      this.#send(req, res, response);
    } catch (e) {
      const err = toRestError(e);
      status = err.status;
      if (err.status >= 500) this.#log.error({ method: req.method, url: req.url, err: e }, 'REST request failed');
      this.#send(req, res, { status: err.status, body: err.body, headers: err.headers });
    } finally {
      this.#log.debug({ method: req.method, url: req.url, status, ms: Date.now() - started }, 'REST request');
    }
  }

  #cors(req: IncomingMessage): Record<string, string> {
    const origin = this.settings.allowOrigin;
    if (origin === '') return {};
    const headers: Record<string, string> = { 'Access-Control-Allow-Origin': origin === '*' ? '*' : origin };
    if (origin !== '*') headers['Vary'] = 'Origin';
    if (req.method === 'OPTIONS') {
      headers['Access-Control-Allow-Methods'] = this.settings.allowMethods || 'GET,POST,HEAD';
      headers['Access-Control-Allow-Headers'] = req.headers['access-control-request-headers'] ?? 'X-Requested-With,Content-Type,Accept,Origin,Authorization';
    }
    return headers;
  }

  async #respond(listener: Listener, req: IncomingMessage): Promise<RestResponse> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    const cors = this.#cors(req);
    if (method === 'OPTIONS' && this.settings.allowOrigin !== '') return { status: 204, headers: cors };

    if (this.#auth && this.#auth.check(req.headers.authorization) === null) {
      await drain(req);
      throw new RestError(401, UNAUTHORIZED_MESSAGE, { 'WWW-Authenticate': 'Basic realm="sluice"', ...cors });
    }
    const redirect = uiRedirect(rawPath, q < 0 ? '' : url.slice(q + 1));
    if (redirect) {
      await drain(req);
      return redirect;
    }

    let match;
    try {
      match = this.#router.match(method === 'HEAD' ? 'GET' : method, rawPath);
    } catch (e) {
      if (e instanceof BadPathError) throw new RestError(404, HTTP_404);
      throw e;
    }
    if (match.kind === 'not-found' || (match.kind === 'found' && !servedBy(listener, match.handler))) {
      await drain(req);
      throw new RestError(404, HTTP_404);
    }
    if (match.kind === 'method-not-allowed') {
      await drain(req);
      throw new RestError(405, HTTP_405, { Allow: match.allowed.join(', ') });
    }
    const route = match.handler;
    const contentType = req.headers['content-type'];
    const body = await readBody(req);
    if (route.jsonOnly && ((contentType !== undefined && !isJsonContentType(contentType)) || (route.readsBody && !isJsonContentType(contentType)))) {
      throw new RestError(415, HTTP_415);
    }
    let parsed: unknown;
    if (route.readsBody) {
      const text = bodyText(body).trim();
      if (text !== '') {
        try {
          parsed = JSON.parse(text);
        } catch (e) {
          throw new RestError(400, `Cannot parse the request body as JSON: ${(e as Error).message}`);
        }
      }
    }
    const host = req.headers.host ?? `${listener.host || 'localhost'}:${listener.port}`;
    const response = await withTimeout(
      Promise.resolve().then(() =>
        route.handler({ method, params: match.params, query, body: parsed, baseUrl: `${listener.protocol}://${host}` }),
      ),
      this.#timeoutMs,
      () => new RestError(500, 'Request timed out'),
    );
    return Object.keys(cors).length > 0 ? { ...response, headers: { ...cors, ...response.headers } } : response;
  }

  #send(req: IncomingMessage, res: ServerResponse, r: RestResponse): void {
    if (res.headersSent) return;
    if (r.events) return this.#stream(req, res, r);
    const headers: Record<string, string> = { ...r.headers };
    let payload: string | undefined;
    if (r.text !== undefined) payload = r.text;
    else if (r.body !== undefined && r.status !== 204) {
      payload = JSON.stringify(r.body);
      headers['Content-Type'] ??= 'application/json';
    }
    if (payload !== undefined) headers['Content-Length'] = String(Buffer.byteLength(payload));
    else if (r.status !== 204 && r.status !== 304) headers['Content-Length'] = '0';
    res.writeHead(r.status, headers);
    res.end(req.method === 'HEAD' ? undefined : payload);
  }

  /** A Server-Sent Events response: written until the stream settles or the client goes away. */
  #stream(req: IncomingMessage, res: ServerResponse, r: RestResponse): void {
    res.writeHead(r.status, { ...r.headers, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    res.flushHeaders(); // the client sees the stream start even when no event comes for a while
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    const closed = new AbortController();
    res.on('close', () => {
      clearInterval(keepAlive);
      closed.abort();
    });
    const sink = {
      event: (name: string, data: unknown) => res.write(sseEvent(name, data)),
      drained: () => new Promise<void>((resolve) => res.once('drain', () => resolve())),
      closed: closed.signal,
    };
    r.events!(sink)
      .catch((e: unknown) => this.#log.warn({ url: req.url, err: e }, 'REST event stream failed'))
      .finally(() => {
        clearInterval(keepAlive);
        res.end();
      });
  }
}

/** The bytes of one Server-Sent Event. */
export function sseEvent(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}\n\n`;
}

/** The full class name of a connector's plugin (for class-namespace loggers); undefined if it is gone. */
function connectorClassOf(herder: RestHerder, connector: string): string | undefined {
  try {
    const cls = herder.connectorConfig(connector)['connector.class'];
    return cls ? herder.registry.resolve(cls).className : undefined;
  } catch {
    return undefined;
  }
}

function servedBy(listener: Listener, route: RouteDef): boolean {
  return route.group === 'admin' ? listener.admin : listener.regular;
}

async function drain(req: IncomingMessage): Promise<void> {
  if (req.readableEnded) return;
  req.resume();
  await new Promise<void>((resolve) => {
    req.once('end', resolve);
    req.once('error', () => resolve());
    req.once('close', () => resolve());
  });
}

function rateWindowOf(worker: Readonly<Record<string, string>>): number {
  const window = Number(worker['metrics.sample.window.ms'] ?? 30_000);
  const samples = Number(worker['metrics.num.samples'] ?? 2);
  const ms = window * samples;
  return Number.isFinite(ms) && ms > 0 ? ms : 60_000;
}
