/**
 * This worker's writes to the status bucket (Kafka Connect's KafkaStatusBackingStore, writer side): writes to
 * one key go out in order, one at a time; a failed write is logged, never thrown (the next status replaces it).
 * `writeSafely` is Kafka's putSafe: a stopping worker's UNASSIGNED never overwrites what a newer owner wrote.
 */
import type { Log } from '../actors/index.js';
import { encodeJson } from './nats.js';
import { canWriteSafely, type StatusValue } from './status-state.js';

/** The part of a NATS KV bucket the writer uses. */
export interface StatusBucket {
  put(key: string, value: Uint8Array): Promise<unknown>;
  delete(key: string): Promise<unknown>;
}

export class StatusWriter {
  readonly #kv: StatusBucket;
  readonly #workerId: string;
  readonly #log: Log;
  readonly #pending = new Map<string, Promise<void>>();

  constructor(kv: StatusBucket, workerId: string, log: Log) {
    this.#kv = kv;
    this.#workerId = workerId;
    this.#log = log;
  }

  write(key: string, value: StatusValue): void {
    this.#chain(key, async () => {
      await this.#kv.put(key, encodeJson(value));
    });
  }

  /** UNASSIGNED at `generation`, unless the status held is another worker's of a newer generation. */
  writeSafely(key: string, held: StatusValue | undefined, generation: number): void {
    if (!canWriteSafely(held, this.#workerId, generation)) return;
    this.write(key, { state: 'UNASSIGNED', trace: null, worker_id: this.#workerId, generation });
  }

  delete(key: string): void {
    this.#chain(key, async () => {
      await this.#kv.delete(key);
    });
  }

  /** Resolves when every write asked for so far is done. */
  async flush(): Promise<void> {
    await Promise.all([...this.#pending.values()]);
  }

  #chain(key: string, job: () => Promise<void>): void {
    const previous = this.#pending.get(key) ?? Promise.resolve();
    const next = previous.then(job).catch((e: unknown) => this.#log.warn({ key, err: e }, 'status write failed'));
    this.#pending.set(key, next);
    void next.then(() => {
      if (this.#pending.get(key) === next) this.#pending.delete(key);
    });
  }
}
