/**
 * The producer of the kafkajs adapter. kafkajs is used for what it does well — connections (TLS, SASL),
 * metadata, broker discovery — while this file and produce-rounds.ts do what Kafka's Java producer does for a
 * Kafka Connect source:
 * it partitions (murmur2 for keyed records, sticky for null keys), encodes one v2 record batch per partition
 * (produce-request.ts; kafkajs's own encoder is quadratic in the send size and allocation-heavy), sends one
 * request per broker at a time (max.in.flight.requests.per.connection=1, Kafka Connect's ordering), retries a
 * failed partition batch with backoff until delivery.timeout.ms has passed since the send started, and derives
 * per-record offsets from each batch's base offset.
 *
 * This file queues sends (linger.ms, merging queued sends in call order); delivering one is produce-rounds.ts, which
 * the transactional producer (transactional-producer.ts, exactly-once sources) shares; kafkajs's own producers are
 * not used.
 */
import type { Kafka } from 'kafkajs';
import type { KafkaProducer, ProducedRecordMetadata, ProducerRecord } from '../client.js';
import type { ProducerSettings } from '../client-settings.js';
import { parseClientSettings } from '../client-settings.js';
import { sleep } from '../../../async/index.js';
import { RecordPartitioner, compressor, recordBytes } from './record-routing.js';
import { MAX_MERGED_RECORDS, ProduceRounds, createCluster, type KjsCluster } from './produce-rounds.js';

export { KafkaProduceError } from './produce-error.js';
export { planRounds } from './produce-rounds.js';

interface Job {
  readonly records: readonly ProducerRecord[];
  readonly enqueued: number;
  readonly resolve: (md: ProducedRecordMetadata[]) => void;
  readonly reject: (e: unknown) => void;
}

export class KafkajsProducer implements KafkaProducer {
  readonly #cluster: KjsCluster;
  readonly #settings: ProducerSettings;
  readonly #rounds: ProduceRounds;
  readonly #queue: Job[] = [];
  #draining = false;

  constructor(kafka: Kafka, settings: ProducerSettings = parseClientSettings('producer').producer) {
    this.#settings = settings;
    this.#cluster = createCluster(kafka);
    this.#rounds = new ProduceRounds({
      cluster: this.#cluster,
      settings,
      partitioner: new RecordPartitioner(this.#cluster, settings.batchSize),
      codec: settings.compression !== 'none' ? compressor(settings.compression) : undefined,
    });
  }

  connect(): Promise<void> {
    return this.#cluster.connect();
  }

  /**
   * Sends queue here: while a round of requests is in flight, the next sends accumulate and go out together, in
   * call order — what Kafka's own producer does with max.in.flight.requests.per.connection=1.
   */
  send(records: readonly ProducerRecord[]): Promise<ProducedRecordMetadata[]> {
    if (records.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.#queue.push({ records, enqueued: Date.now(), resolve, reject });
      if (!this.#draining) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      while (this.#queue.length > 0) {
        await this.#linger();
        let take = 1;
        let size = this.#queue[0]!.records.length;
        while (take < this.#queue.length && size + this.#queue[take]!.records.length <= MAX_MERGED_RECORDS) {
          size += this.#queue[take++]!.records.length;
        }
        const jobs = this.#queue.splice(0, take);
        const all = jobs.length === 1 ? jobs[0]!.records : jobs.flatMap((j) => j.records);
        try {
          const metadata = await this.#rounds.deliver(all, jobs[0]!.enqueued);
          let i = 0;
          for (const j of jobs) {
            j.resolve(jobs.length === 1 ? metadata : metadata.slice(i, i + j.records.length));
            i += j.records.length;
          }
        } catch (e) {
          for (const j of jobs) j.reject(e);
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  /** linger.ms: with less than batch.size queued, wait for more until linger.ms after the oldest send. */
  async #linger(): Promise<void> {
    const { lingerMs, batchSize } = this.#settings;
    if (lingerMs <= 0) return;
    for (;;) {
      const wait = this.#queue[0]!.enqueued + lingerMs - Date.now();
      if (wait <= 0) return;
      if (queuedAtLeast(this.#queue, batchSize)) return;
      await sleep(Math.min(wait, 1));
    }
  }

  async disconnect(): Promise<void> {
    await this.#cluster.disconnect();
  }
}

function queuedAtLeast(queue: readonly Job[], bytes: number): boolean {
  let n = 0;
  for (const j of queue) {
    for (const r of j.records) {
      n += recordBytes(r);
      if (n >= bytes) return true;
    }
  }
  return false;
}

/** Consecutive runs of records whose estimated size stays within `maxBytes` (a single larger record stands alone). */
export function chunkByBytes<T extends ProducerRecord>(records: readonly T[], maxBytes: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const r of records) {
    const n = recordBytes(r);
    if (current.length > 0 && size + n > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(r);
    size += n;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
