/**
 * NATS plumbing for the cluster: the connection (TLS, credentials, reconnecting forever), KV buckets, JSON
 * values, and a watch that survives server restarts (it resumes after the last revision it saw). This is the
 * only module of the cluster that touches the NATS client (`@nats-io/*` 3.x) directly; the rest of the cluster
 * sees the `NatsConnection` and `KV` types re-exported here.
 */
import { readFileSync } from 'node:fs';
import {
  ClosedConnectionError,
  ConnectionError,
  DrainingConnectionError,
  InvalidArgumentError,
  NoRespondersError,
  PermissionViolationError,
  RequestError,
  TimeoutError,
  connect,
  credsAuthenticator,
  nkeyAuthenticator,
  type Authenticator,
  type NatsConnection,
  type NodeConnectionOptions,
  type Subscription,
} from '@nats-io/transport-node';
import { jetstream, jetstreamManager, JetStreamApiError, type JetStreamOptions } from '@nats-io/jetstream';
import { Kvm, type KV, type KvWatchEntry } from '@nats-io/kv';
import { silentLog, type Log } from '../actors/index.js';
import { natsSettingsForUrl, type NatsSettings } from '../worker/nats-config.js';

export type { KV, NatsConnection, NatsSettings, Subscription };

/** What went wrong with a request, when the NATS client (not the responder) failed it. */
export type NatsRequestFailure = 'timeout' | 'no-responders' | 'max-payload' | 'connection';

export function natsRequestFailure(e: unknown): NatsRequestFailure | undefined {
  if (e instanceof TimeoutError) return 'timeout';
  if (e instanceof NoRespondersError || (e instanceof RequestError && e.isNoResponders())) return 'no-responders';
  if (e instanceof InvalidArgumentError && /max_payload/i.test(e.message)) return 'max-payload';
  if (e instanceof RequestError || e instanceof ClosedConnectionError || e instanceof ConnectionError || e instanceof DrainingConnectionError || e instanceof PermissionViolationError) {
    return 'connection';
  }
  return undefined;
}

export interface NatsConnectOptions {
  /** Where and how to connect (a plain URL string: an open server). */
  readonly nats: NatsSettings | string;
  /** Connection name shown by the server. */
  readonly name: string;
  /** Client ping interval; the connection counts as lost after 2 missed pongs. */
  readonly pingIntervalMs?: number;
  /** Give up on the first connection after this long (later disconnections reconnect forever). */
  readonly timeoutMs?: number;
}

/** Settings as given, or an open server at a URL string. */
export const natsSettingsOf = (s: NatsSettings | string): NatsSettings => (typeof s === 'string' ? natsSettingsForUrl(s) : s);

/** The authenticator of the settings; key files are read at each (re)connect, so rotated credentials apply. */
function authOf(settings: NatsSettings): Partial<NodeConnectionOptions> {
  const auth = settings.auth;
  switch (auth.kind) {
    case 'none':
      return {};
    case 'user':
      return { user: auth.user, pass: auth.password };
    case 'token':
      return { token: auth.token };
    case 'nkey':
      return { authenticator: nkeyAuthenticator(() => new TextEncoder().encode(readFileSync(auth.seedFile, 'utf8').trim())) as Authenticator };
    case 'creds':
      return { authenticator: credsAuthenticator(() => readFileSync(auth.credsFile)) as Authenticator };
  }
}

/** Connects (waits for the first connection up to the timeout); later disconnections reconnect forever. */
export async function connectNats(options: NatsConnectOptions): Promise<NatsConnection> {
  const settings = natsSettingsOf(options.nats);
  try {
    return await connect({
      servers: [...settings.servers],
      name: options.name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      reconnectJitter: 100,
      pingInterval: options.pingIntervalMs ?? 2000,
      maxPingOut: 2,
      timeout: options.timeoutMs ?? 5000,
      waitOnFirstConnect: false,
      ...(settings.tls ? { tls: { ...settings.tls } } : {}),
      ...authOf(settings),
    });
  } catch (e) {
    throw new NatsConnectError(settings, e);
  }
}

/** The first connection failed: says which servers and, where the client told, why (credentials, certificate). */
export class NatsConnectError extends Error {
  override readonly name = 'NatsConnectError';
  constructor(settings: NatsSettings, cause: unknown) {
    super(`cannot connect to NATS at ${settings.servers.join(', ')}${settings.auth.kind === 'none' ? '' : ` as ${authName(settings)}`}: ${describeConnectFailure(cause)}`, { cause });
  }
}

const authName = (s: NatsSettings): string =>
  s.auth.kind === 'user' ? `user ${s.auth.user}` : s.auth.kind === 'token' ? 'a token' : s.auth.kind === 'nkey' ? `the NKey of ${s.auth.seedFile}` : s.auth.kind === 'creds' ? `the credentials of ${s.auth.credsFile}` : 'nobody';

/** The client's message with its cause (TLS errors carry the certificate problem in the cause). */
function describeConnectFailure(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur instanceof Error; i++) {
    const code = (cur as { code?: unknown }).code;
    const text = `${cur.message}${typeof code === 'string' && !cur.message.includes(code) ? ` (${code})` : ''}`;
    if (!parts.includes(text)) parts.push(text);
    cur = cur.cause;
  }
  return parts.join(': ') || String(e);
}

/**
 * Logs the connection's losses and recoveries (which server, and on a NATS cluster which node it moved to) until
 * it closes. Reconnecting is the client's job; this only tells the operator.
 */
export function logConnectionEvents(nc: NatsConnection, log: Log): void {
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') log.warn({ server: s.server }, 'NATS connection lost; reconnecting');
      else if (s.type === 'reconnect') log.info({ server: s.server }, 'NATS connection restored');
      else if (s.type === 'error' || s.type === 'staleConnection') log.warn({ status: s.type, ...('error' in s ? { err: s.error } : {}) }, 'NATS connection problem');
    }
  })().catch(() => {});
}

export interface BucketOptions {
  /** Values kept per key (1: only the latest, like a compacted topic). */
  readonly history?: number;
  /** Entries older than this (ms) are removed by the server (membership heartbeats). */
  readonly ttlMs?: number;
}

const jsOptionsOf = (settings: NatsSettings | undefined): JetStreamOptions =>
  settings?.jetstream.domain ? { domain: settings.jetstream.domain } : settings?.jetstream.apiPrefix ? { apiPrefix: settings.jetstream.apiPrefix } : {};

/** JetStream answers that mean "not yet": a cluster still electing its leaders, or no peers placed yet. */
const JS_NOT_READY = new Set([10008 /* temporarily unavailable */, 10005 /* no suitable peers for placement */]);

function bucketNotReady(e: unknown): boolean {
  if (e instanceof JetStreamApiError) return JS_NOT_READY.has(e.code);
  const failure = natsRequestFailure(e);
  return failure === 'timeout' || failure === 'no-responders' || failure === 'connection';
}

/** The NATS server cannot hold the bucket as asked: says which key to change. */
export class BucketError extends Error {
  override readonly name = 'BucketError';
  constructor(bucket: string, replicas: number, cause: unknown) {
    const why = (cause as Error).message;
    const hint = cause instanceof JetStreamApiError && cause.code === 10074 ? ` (nats.kv.replicas=${replicas} needs a NATS cluster; use 1 on a single server)` : '';
    super(`cannot open the KV bucket ${bucket} with ${replicas} replica(s): ${why}${hint}`, { cause });
  }
}

/**
 * Opens a KV bucket, creating it when missing (file storage, `nats.kv.replicas` replicas). An existing bucket
 * is used as it is (its replicas are not changed). While JetStream is not ready (a NATS cluster electing its
 * leaders right after it started, a request timing out meanwhile) it tries again for up to `readyTimeoutMs`.
 */
export async function openBucket(
  nc: NatsConnection,
  name: string,
  options: BucketOptions = {},
  settings?: NatsSettings,
  retry: { readyTimeoutMs?: number; log?: Log } = {},
): Promise<KV> {
  const kvm = new Kvm(jetstream(nc, jsOptionsOf(settings)));
  const replicas = settings?.kvReplicas ?? 1;
  const deadline = Date.now() + (retry.readyTimeoutMs ?? 60_000);
  for (let attempt = 1; ; attempt++) {
    try {
      return await kvm.create(name, {
        history: options.history ?? 1,
        replicas,
        ...(options.ttlMs ? { ttl: options.ttlMs } : {}),
      });
    } catch (e) {
      if (!bucketNotReady(e) || Date.now() > deadline) throw new BucketError(name, replicas, e);
      (retry.log ?? silentLog).warn({ bucket: name, attempt, err: e }, 'JetStream not ready for the bucket yet; retrying');
      await new Promise((r) => setTimeout(r, Math.min(250 * attempt, 2000)));
    }
  }
}

/** Deletes a bucket (its stream); a bucket that does not exist is fine. */
export async function deleteBucket(nc: NatsConnection, name: string, settings?: NatsSettings): Promise<void> {
  const jsm = await jetstreamManager(nc, jsOptionsOf(settings));
  try {
    await jsm.streams.delete(`KV_${name}`);
  } catch (e) {
    if (!/not found/i.test((e as Error).message)) throw e;
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const encodeJson = (v: unknown): Uint8Array => encoder.encode(JSON.stringify(v));

export function decodeJson(bytes: Uint8Array): unknown {
  if (bytes.length === 0) return null;
  return JSON.parse(decoder.decode(bytes));
}

/** A compare-and-set that lost: the key changed since the revision given (or exists, for a create). */
export function isWrongLastSequence(e: unknown): boolean {
  if (e instanceof JetStreamApiError && e.code === 10071) return true;
  return /wrong last sequence/i.test((e as Error | undefined)?.message ?? '');
}

/** One change of a watched bucket, in stream order. */
export interface KvChange {
  readonly key: string;
  /** The parsed JSON value; null for a delete or purge. */
  readonly value: unknown;
  readonly revision: number;
  readonly deleted: boolean;
}

/**
 * Follows a bucket: every current value first (`start()` resolves once they were delivered), then every change.
 * When the server goes away or the watch ends for any reason, it watches again from the revision after the last
 * one it saw, so no change is missed (with history 1 only the latest value of each key is still there, which is
 * all a replica needs). Changes are delivered one at a time, in revision order.
 */
/**
 * How many entries the watch had to deliver when it began. The 3.x client dropped v2's `initializedFn`; it
 * keeps the count it uses for `isUpdate` on its push consumer, read here. Without it, an empty bucket counts as
 * nothing pending and any other waits for the first entry with nothing pending after it.
 */
async function pendingAtStart(iter: object, kv: KV): Promise<number | undefined> {
  const consumer = (iter as { _data?: { info?: (cached: boolean) => Promise<{ num_pending: number }> } })._data;
  if (typeof consumer?.info === 'function') return (await consumer.info(true)).num_pending;
  return (await kv.status()).values === 0 ? 0 : undefined;
}

export class KvFollower {
  readonly #kv: KV;
  readonly #onChange: (change: KvChange) => void;
  readonly #log: Log;
  readonly #name: string;
  #last = 0;
  #stopped = false;
  #iterator: { stop(): void } | undefined;
  #retry: NodeJS.Timeout | undefined;
  #initialized: (() => void) | undefined;

  constructor(kv: KV, name: string, onChange: (change: KvChange) => void, log: Log = silentLog) {
    this.#kv = kv;
    this.#name = name;
    this.#onChange = onChange;
    this.#log = log;
  }

  /** The last revision delivered. */
  get revision(): number {
    return this.#last;
  }

  start(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#initialized = resolve;
      void this.#loop();
    });
  }

  /** Drops the current watch and watches again from the last revision (a watch that may be stuck after an outage). */
  rewatch(): void {
    this.#iterator?.stop();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retry);
    this.#iterator?.stop();
    this.#initialized?.();
  }

  async #loop(): Promise<void> {
    let backoff = 100;
    while (!this.#stopped) {
      try {
        const iter = await this.#kv.watch(this.#last > 0 ? { resumeFromRevision: this.#last + 1 } : {});
        this.#iterator = iter;
        if (this.#stopped) {
          iter.stop();
          break;
        }
        backoff = 100;
        if ((await pendingAtStart(iter, this.#kv)) === 0) this.#markInitialized();
        for await (const e of iter) {
          if (this.#stopped) break;
          this.#deliver(e);
          // The last of the values there when the watch began (nothing pending after it): the replica is current.
          if (e.delta === 0 || e.isUpdate) this.#markInitialized();
        }
        if (!this.#stopped) this.#log.warn({ bucket: this.#name, revision: this.#last }, 'KV watch ended; watching again');
      } catch (e) {
        if (this.#stopped) break;
        this.#log.warn({ bucket: this.#name, err: e, revision: this.#last }, 'KV watch failed; retrying');
      }
      if (this.#stopped) break;
      await new Promise<void>((resolve) => {
        this.#retry = setTimeout(resolve, backoff);
      });
      backoff = Math.min(backoff * 2, 2000);
    }
  }

  #markInitialized(): void {
    const done = this.#initialized;
    this.#initialized = undefined;
    done?.();
  }

  #deliver(e: KvWatchEntry): void {
    if (e.revision <= this.#last) return; // replayed after a resume
    this.#last = e.revision;
    const deleted = e.operation !== 'PUT';
    let value: unknown = null;
    if (!deleted) {
      try {
        value = decodeJson(e.value);
      } catch (err) {
        this.#log.warn({ bucket: this.#name, key: e.key, err }, 'KV value is not JSON; ignored');
        return;
      }
    }
    try {
      this.#onChange({ key: e.key, value, revision: e.revision, deleted });
    } catch (err) {
      this.#log.error({ bucket: this.#name, key: e.key, err }, 'KV change handler failed');
    }
  }
}

