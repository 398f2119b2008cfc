/**
 * A client of a Confluent-compatible schema registry's REST API: the calls the converters make. Several URLs
 * fail over in order (a connection error moves to the next, as Confluent's RestService does); answers 408, 429,
 * 502, 503 and 504 are retried `max.retries` times with backoff. A registry that cannot be reached at all is a
 * RetriableException (the task's `errors.retry.timeout` decides how long to wait); an error answer is a
 * RegistryResponseError carrying the registry's status, error code and message.
 */
import http from 'node:http';
import https from 'node:https';
import { RetriableException } from '../../data/index.js';
import { StoreProblem, loadKeyMaterial, loadTrustMaterial, storeKeyProblems } from '../../tls/index.js';
import { ConverterConfigException } from '../config.js';
import type { RegisteredSchema, SchemaReference, SchemaType } from './format.js';
import type { RegistryClientSettings } from './serde-config.js';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
const RETRIED_STATUSES = new Set([408, 429, 502, 503, 504]);

/** The registry answered with an error: `errorCode` is Confluent's (40401, 40403, 409, 42201, …). */
export class RegistryResponseError extends Error {
  override readonly name = 'RegistryResponseError';
  constructor(readonly status: number, readonly errorCode: number, readonly registryMessage: string, readonly url: string) {
    super(`${registryMessage}; error code: ${errorCode} (HTTP ${status} from ${url})`);
  }
}

/** No registry URL answered. */
export class RegistryUnavailableError extends RetriableException {
  override readonly name = 'RegistryUnavailableError';
}

export interface SubjectVersion {
  readonly subject: string;
  readonly id: number;
  readonly version: number;
  readonly schema: RegisteredSchema;
}

interface WireSchema {
  schema: string;
  schemaType?: string;
  references?: SchemaReference[];
}

function toWire(s: RegisteredSchema): WireSchema {
  const body: WireSchema = { schema: s.schema };
  if (s.schemaType !== 'AVRO') body.schemaType = s.schemaType;
  if (s.references && s.references.length > 0) body.references = [...s.references];
  return body;
}

function fromWire(body: { schema?: unknown; schemaType?: unknown; references?: unknown }): RegisteredSchema {
  const schemaType = (typeof body.schemaType === 'string' ? body.schemaType : 'AVRO') as SchemaType;
  const references = Array.isArray(body.references) ? (body.references as SchemaReference[]) : [];
  return { schemaType, schema: String(body.schema ?? ''), references };
}

const enc = encodeURIComponent;

export class RegistryClient {
  readonly #settings: RegistryClientSettings;
  readonly #agent: http.Agent;
  readonly #tls: https.AgentOptions;
  /** The URL that answered last: tried first next time. */
  #preferred = 0;

  constructor(settings: RegistryClientSettings) {
    this.#settings = settings;
    const https_ = settings.urls.some((u) => u.startsWith('https:'));
    const { trust, key } = https_ ? tlsMaterial(settings.ssl) : {};
    const verifyHost = (settings.ssl['ssl.endpoint.identification.algorithm'] ?? 'https').trim() !== '';
    this.#tls = {
      ...(trust ? { ca: trust.ca } : {}),
      ...(key ?? {}),
      ...(verifyHost ? {} : { checkServerIdentity: () => undefined }),
    };
    this.#agent = https_ ? new https.Agent({ keepAlive: true, ...this.#tls }) : new http.Agent({ keepAlive: true });
  }

  get urls(): readonly string[] {
    return this.#settings.urls;
  }

  /** Registers (or finds) `schema` under `subject`: its id. */
  async register(subject: string, schema: RegisteredSchema, normalize = false): Promise<number> {
    const body = await this.#request<{ id: number }>('POST', `/subjects/${enc(subject)}/versions${normalize ? '?normalize=true' : ''}`, toWire(schema));
    return body.id;
  }

  /** The id and version of `schema` under `subject` (40401 / 40403 when it is not registered there). */
  async lookup(subject: string, schema: RegisteredSchema, normalize = false): Promise<SubjectVersion> {
    const body = await this.#request<{ subject: string; id: number; version: number; schema: string; schemaType?: string }>(
      'POST',
      `/subjects/${enc(subject)}${normalize ? '?normalize=true' : ''}`,
      toWire(schema),
    );
    return { subject: body.subject, id: body.id, version: body.version, schema: fromWire(body) };
  }

  /** The schema with this id (40403 when there is none). */
  async schemaById(id: number): Promise<RegisteredSchema> {
    return fromWire(await this.#request<WireSchema>('GET', `/schemas/ids/${id}`));
  }

  /** A version of a subject, or its latest. */
  async subjectVersion(subject: string, version: number | 'latest'): Promise<SubjectVersion> {
    const body = await this.#request<{ subject: string; id: number; version: number; schema: string; schemaType?: string; references?: unknown }>(
      'GET',
      `/subjects/${enc(subject)}/versions/${version}`,
    );
    return { subject: body.subject, id: body.id, version: body.version, schema: fromWire(body) };
  }

  close(): void {
    this.#agent.destroy();
  }

  async #request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const urls = this.#settings.urls;
    let lastError: unknown;
    for (let n = 0; n < urls.length; n++) {
      const index = (this.#preferred + n) % urls.length;
      const base = urls[index]!;
      let attempt = 0;
      for (;;) {
        let answer: { status: number; text: string };
        try {
          answer = await this.#send(method, base + path, payload);
        } catch (e) {
          lastError = e;
          break;
        }
        if (RETRIED_STATUSES.has(answer.status) && attempt < this.#settings.maxRetries) {
          const wait = Math.min(this.#settings.retriesWaitMs * 2 ** attempt, this.#settings.retriesMaxWaitMs);
          attempt++;
          await new Promise((r) => setTimeout(r, wait));
          continue;
        }
        this.#preferred = index;
        if (answer.status >= 200 && answer.status < 300) return (answer.text === '' ? {} : JSON.parse(answer.text)) as T;
        if (RETRIED_STATUSES.has(answer.status)) {
          lastError = new RegistryUnavailableError(`schema registry ${base} answered HTTP ${answer.status} ${attempt + 1} times`);
          break;
        }
        throw errorOf(answer, base + path);
      }
    }
    if (lastError instanceof RegistryUnavailableError) throw lastError;
    throw new RegistryUnavailableError(
      `no schema registry answered (${urls.join(', ')}): ${lastError instanceof Error ? lastError.message : String(lastError)}`,
      { cause: lastError },
    );
  }

  #send(method: string, url: string, payload: Buffer | undefined): Promise<{ status: number; text: string }> {
    const { auth, requestHeaders, connectTimeoutMs, readTimeoutMs } = this.#settings;
    const headers: Record<string, string> = { Accept: `${CONTENT_TYPE}, application/json`, ...requestHeaders };
    if (payload) {
      headers['Content-Type'] = CONTENT_TYPE;
      headers['Content-Length'] = String(payload.length);
    }
    if (auth.userInfo !== undefined) headers.Authorization = `Basic ${Buffer.from(auth.userInfo).toString('base64')}`;
    if (auth.bearerToken !== undefined) headers.Authorization = `Bearer ${auth.bearerToken}`;
    if (auth.logicalCluster !== undefined) headers['target-sr-cluster'] = auth.logicalCluster;
    if (auth.identityPoolId !== undefined) headers['Confluent-Identity-Pool-Id'] = auth.identityPoolId;
    const target = new URL(url);
    const lib = target.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = lib.request(target, { method, headers, agent: this.#agent, ...(target.protocol === 'https:' ? this.#tls : {}) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      const connectTimer = setTimeout(() => req.destroy(new Error(`connecting to ${target.host} timed out after ${connectTimeoutMs} ms`)), connectTimeoutMs || 2 ** 31 - 1);
      req.on('socket', (socket) => {
        const connected = () => clearTimeout(connectTimer);
        if (socket.connecting) socket.once('connect', connected);
        else connected();
      });
      req.setTimeout(readTimeoutMs || 0, () => req.destroy(new Error(`no answer from ${target.host} within ${readTimeoutMs} ms`)));
      req.on('error', (e) => {
        clearTimeout(connectTimer);
        reject(e);
      });
      req.on('close', () => clearTimeout(connectTimer));
      req.end(payload);
    });
  }
}

/** The trust and key stores of `schema.registry.ssl.*`; a bad store is refused on its `schema.registry.ssl.` key. */
function tlsMaterial(ssl: Readonly<Record<string, string>>): { trust?: ReturnType<typeof loadTrustMaterial>; key?: ReturnType<typeof loadKeyMaterial> } {
  const refuse = (key: string, reason: string): never => {
    throw new ConverterConfigException(`schema.registry.${key}`, ssl[key] ?? '', reason);
  };
  for (const p of [...storeKeyProblems('truststore', ssl), ...storeKeyProblems('keystore', ssl)]) refuse(p.key, p.reason);
  try {
    return { trust: loadTrustMaterial(ssl), key: loadKeyMaterial(ssl) };
  } catch (e) {
    if (e instanceof StoreProblem) return refuse(e.problem.key, e.problem.reason);
    throw e;
  }
}

function errorOf(answer: { status: number; text: string }, url: string): RegistryResponseError {
  let code = answer.status * 100 + 1;
  let message = answer.text || `HTTP ${answer.status}`;
  try {
    const body = JSON.parse(answer.text) as { error_code?: unknown; message?: unknown };
    if (typeof body.error_code === 'number') code = body.error_code;
    if (typeof body.message === 'string') message = body.message;
  } catch {
    // not JSON (a proxy's page): keep the text
  }
  return new RegistryResponseError(answer.status, code, message, url);
}
