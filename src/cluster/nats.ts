/**
 * NATS plumbing for the cluster: the connection (reconnecting forever), KV buckets, JSON values, and a watch
 * that survives server restarts (it resumes after the last revision it saw). This is the only module of the
 * cluster that touches the `nats` client's KV API directly.
 */
import { connect, type KV, type KvEntry, type NatsConnection } from 'nats';
import { silentLog, type Log } from '../actors/index.js';

export type { KV, NatsConnection };

export interface NatsConnectOptions {
  /** One or more `nats://host:port` URLs (comma-separated in the worker config). */
  readonly servers: string | readonly string[];
  /** Connection name shown by the server. */
  readonly name: string;
  /** Client ping interval; the connection counts as lost after 2 missed pongs. */
  readonly pingIntervalMs?: number;
  /** Give up on the first connection after this long (later disconnections reconnect forever). */
  readonly timeoutMs?: number;
}

export async function connectNats(options: NatsConnectOptions): Promise<NatsConnection> {
  const servers = typeof options.servers === 'string' ? options.servers.split(',').map((s) => s.trim()).filter(Boolean) : [...options.servers];
  return connect({
    servers,
    name: options.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    reconnectJitter: 100,
    pingInterval: options.pingIntervalMs ?? 2000,
    maxPingOut: 2,
    timeout: options.timeoutMs ?? 5000,
    waitOnFirstConnect: false,
  });
}

export interface BucketOptions {
  /** Values kept per key (1: only the latest, like a compacted topic). */
  readonly history?: number;
  /** Entries older than this (ms) are removed by the server (membership heartbeats). */
  readonly ttlMs?: number;
}

/** Opens a KV bucket, creating it when missing (file storage, one replica). */
export async function openBucket(nc: NatsConnection, name: string, options: BucketOptions = {}): Promise<KV> {
  const js = nc.jetstream();
  return js.views.kv(name, {
    history: options.history ?? 1,
    ...(options.ttlMs ? { ttl: options.ttlMs } : {}),
  });
}

/** Deletes a bucket (its stream); a bucket that does not exist is fine. */
export async function deleteBucket(nc: NatsConnection, name: string): Promise<void> {
  const jsm = await nc.jetstreamManager();
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
  const err = e as { api_error?: { err_code?: number }; message?: string };
  return err?.api_error?.err_code === 10071 || /wrong last sequence/i.test(err?.message ?? '');
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
        const iter = await this.#kv.watch({
          ...(this.#last > 0 ? { resumeFromRevision: this.#last + 1 } : {}),
          initializedFn: () => this.#markInitialized(),
        });
        this.#iterator = iter;
        if (this.#stopped) {
          iter.stop();
          break;
        }
        backoff = 100;
        for await (const e of iter) {
          if (this.#stopped) break;
          this.#deliver(e);
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

  #deliver(e: KvEntry): void {
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

