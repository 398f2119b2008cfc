/**
 * The registry's HTTP(S) server on node:http / node:https: one listener (`http://host:port` or `https://…` with a
 * PEM certificate and key), optional basic auth, JSON bodies in Confluent's media types, and Confluent's error shape
 * `{"error_code": N, "message": "…"}` for every failure. A listener other machines can reach is refused without
 * basic auth unless `allowInsecure` (Sluice's rule for its REST API too).
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { RegistryError } from '../errors.js';
import { silentLogger, type StreamLogger } from '../../streams/kafka/client.js';
import type { SchemaRegistry } from '../schema-registry.js';
import { BasicAuth } from './basic-auth.js';
import { pathSegments, type RouteMatch, type RouteResponse } from './router.js';
import { registryRoutes } from './routes.js';

export interface RegistryServerOptions {
  readonly registry: SchemaRegistry;
  /** `http://host:port` or `https://host:port` (Confluent's `listeners`, one of them); default http://127.0.0.1:8081; port 0: any free one. */
  readonly listener?: string;
  /** PEM certificate (chain) and key, for an https listener. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** user → password: every request must carry one of them (HTTP basic auth). */
  readonly basicAuth?: ReadonlyMap<string, string>;
  /** Serve a listener reachable from other machines without basic auth. */
  readonly allowInsecure?: boolean;
  readonly log?: StreamLogger;
}

export class RegistryServerConfigError extends Error {
  override readonly name = 'RegistryServerConfigError';
}

export const DEFAULT_LISTENER = 'http://127.0.0.1:8081';
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
const ACCEPTED_BODY_TYPES = ['application/vnd.schemaregistry.v1+json', 'application/vnd.schemaregistry+json', 'application/json', 'application/octet-stream'];

interface Listener {
  readonly scheme: 'http' | 'https';
  /** '' binds every interface. */
  readonly host: string;
  readonly port: number;
}

export function parseListener(text: string): Listener {
  const m = /^(https?):\/\/(\[[^\]]*\]|[^:/]*)(?::(\d+))?\/?$/i.exec(text.trim());
  if (!m) throw new RegistryServerConfigError(`listener ${JSON.stringify(text)} is not http://host:port or https://host:port`);
  const port = m[3] === undefined ? 8081 : Number(m[3]);
  if (port > 65535) throw new RegistryServerConfigError(`listener ${text}: port ${port} is out of range`);
  return { scheme: m[1]!.toLowerCase() as 'http' | 'https', host: m[2]!.replace(/^\[|\]$/g, ''), port };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function errorBody(status: number, code: number, message: string): RouteResponse {
  return { status, json: { error_code: code, message } };
}

export class RegistryServer {
  readonly #server: Server;
  readonly url: string;

  private constructor(server: Server, url: string) {
    this.#server = server;
    this.url = url;
  }

  static async start(options: RegistryServerOptions): Promise<RegistryServer> {
    const listener = parseListener(options.listener ?? DEFAULT_LISTENER);
    if (listener.scheme === 'https' && !options.tls) throw new RegistryServerConfigError(`listener ${options.listener}: https needs a TLS certificate and key`);
    if (listener.scheme === 'http' && options.tls) throw new RegistryServerConfigError(`listener ${options.listener}: a TLS certificate is given for an http listener (use https://)`);
    if (!isLoopback(listener.host) && !options.basicAuth && !options.allowInsecure) {
      throw new RegistryServerConfigError(
        `listener ${options.listener} is reachable from other machines and no authentication is configured; ` +
          'turn on basic auth, listen on 127.0.0.1, or allow it explicitly (--allow-insecure, sluice.registry.allow.insecure=true)',
      );
    }
    const log = options.log ?? silentLogger;
    const auth = options.basicAuth ? new BasicAuth(options.basicAuth) : null;
    const routes = registryRoutes(options.registry);
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      void respond(req, res).catch((e) => {
        log.error({ err: e }, 'schema registry request failed while answering');
        res.destroy();
      });
    };

    async function answer(req: IncomingMessage): Promise<RouteResponse> {
      if (auth && auth.check(req.headers.authorization) === null) return errorBody(401, 401, 'Unauthorized');
      const url = new URL(req.url ?? '/', 'http://registry');
      const segments = pathSegments(url.pathname);
      const match: RouteMatch = segments ? routes.match(req.method ?? 'GET', segments) : { kind: 'not-found' };
      if (match.kind === 'not-found') return errorBody(404, 404, 'HTTP 404 Not Found');
      if (match.kind === 'method-not-allowed') return errorBody(405, 405, 'HTTP 405 Method Not Allowed');
      const body = await readBody(req);
      if ('error' in body) return body.error;
      try {
        return await match.handler({ params: match.params, query: url.searchParams, body: body.value });
      } catch (e) {
        if (e instanceof RegistryError) {
          if (e.status >= 500) log.error({ err: e, method: req.method, path: url.pathname }, 'schema registry request failed');
          return errorBody(e.status, e.code, e.message);
        }
        log.error({ err: e, method: req.method, path: url.pathname }, 'schema registry request failed');
        return errorBody(500, 500, (e as Error).message);
      }
    }

    async function respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const out = await answer(req);
      const text = 'raw' in out ? out.raw : JSON.stringify(out.json);
      const status = out.status ?? 200;
      const headers: Record<string, string | number> = { 'Content-Type': contentType(req.headers.accept), 'Content-Length': Buffer.byteLength(text) };
      if (status === 401) headers['WWW-Authenticate'] = 'Basic realm="SchemaRegistry"';
      res.writeHead(status, headers);
      res.end(text);
    }

    const server = listener.scheme === 'https' ? createHttpsServer({ cert: options.tls!.cert, key: options.tls!.key }, handler) : createHttpServer(handler);
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) =>
        reject(
          new RegistryServerConfigError(
            e.code === 'EADDRINUSE' ? `listener ${listener.scheme}://${listener.host}:${listener.port}: the address is in use` : `listener ${listener.scheme}://${listener.host}:${listener.port}: ${e.message}`,
            { cause: e },
          ),
        ),
      );
      server.listen(listener.port, listener.host === '' ? undefined : listener.host, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    const host = listener.host === '' || listener.host === '0.0.0.0' || listener.host === '::' ? '127.0.0.1' : listener.host.includes(':') ? `[${listener.host}]` : listener.host;
    const url = `${listener.scheme}://${host}:${port}`;
    log.info({ url }, 'schema registry listening');
    return new RegistryServer(server, url);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }
}

/** Confluent answers in its own media type unless the client asks for plain JSON only. */
function contentType(accept: string | undefined): string {
  if (!accept || accept.includes('application/vnd.schemaregistry') || accept.includes('*/*') || !accept.includes('application/json')) return CONTENT_TYPE;
  return 'application/json';
}

async function readBody(req: IncomingMessage): Promise<{ value: unknown } | { error: RouteResponse }> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) {
    req.resume();
    return { error: errorBody(413, 413, `The request body is larger than ${MAX_BODY_BYTES} bytes`) };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return { error: errorBody(413, 413, `The request body is larger than ${MAX_BODY_BYTES} bytes`) };
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return { value: undefined };
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== '' && !ACCEPTED_BODY_TYPES.includes(type)) return { error: errorBody(415, 415, 'HTTP 415 Unsupported Media Type') };
  try {
    return { value: JSON.parse(text) };
  } catch (e) {
    return { error: errorBody(400, 400, `Unrecognized JSON in the request body: ${(e as Error).message}`) };
  }
}
