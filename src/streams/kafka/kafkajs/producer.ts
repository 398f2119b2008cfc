/**
 * The producer of the kafkajs adapter. kafkajs is used for what it does well — connections (TLS, SASL),
 * metadata, broker discovery — while this file does what Kafka's Java producer does for a Kafka Connect source:
 * it partitions (murmur2 for keyed records, sticky for null keys), encodes one v2 record batch per partition
 * (produce-request.ts; kafkajs's own encoder is quadratic in the send size and allocation-heavy), sends one
 * request per broker at a time (max.in.flight.requests.per.connection=1, Kafka Connect's ordering), retries a
 * failed partition batch with backoff until delivery.timeout.ms has passed since the send started, and derives
 * per-record offsets from each batch's base offset.
 *
 * The transactional producer (transactional-producer.ts, exactly-once sources) reuses this file's rounds and encoder
 * with a producer id, epoch and sequences; kafkajs's own transactional producer is not used.
 */
import { createRequire } from 'node:module';
import type { Kafka } from 'kafkajs';
import type { KafkaProducer, ProducedRecordMetadata, ProducerRecord } from '../client.js';
import type { ProducerSettings } from '../client-settings.js';
import { parseClientSettings } from '../client-settings.js';
import { sleep } from '../../../async/index.js';
import { KafkaProduceError } from './produce-error.js';
import { RecordPartitioner, compressor, recordBytes, type KjsPartitionMetadata } from './record-routing.js';
import { COMPRESSION_CODES, decodeProduceResponse, encodeProduceRequest, encodeRecordBatch } from './produce-request.js';

const require = createRequire(import.meta.url);
const { createErrorFromCode } = require('kafkajs/src/protocol/error.js') as {
  createErrorFromCode(code: number): Error & { retriable: boolean; type: string; code: number };
};

const PRODUCE_API_KEY = 0;
/** v3 is the first with v2 record batches; v7 the last whose response has no per-record errors. */
const MIN_PRODUCE_VERSION = 3;
const MAX_PRODUCE_VERSION = 7;
const REQUEST_TIMEOUT_MS = 30_000;
const RETRY_BACKOFF_MS = 100;
const RETRY_BACKOFF_MAX_MS = 1000;
/** Most records merged from queued sends into one round of requests. */
const MAX_MERGED_RECORDS = 20_000;
/** Below the broker's default message.max.bytes (1048588), leaving room for batch and request framing. */
const MAX_REQUEST_BYTES = 900 * 1024;

/** kafkajs internals this file relies on (kafkajs 2.2.4, pinned). */
interface KjsBroker {
  readonly versions: Record<number, { minVersion: number; maxVersion: number }> | null;
}
interface KjsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  isConnected(): boolean;
  refreshMetadata(): Promise<void>;
  refreshMetadataIfNecessary(): Promise<void>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  findTopicPartitionMetadata(topic: string): KjsPartitionMetadata[];
  findBroker(args: { nodeId: string }): Promise<KjsBroker>;
}

function privateSymbol(obj: object, description: string): symbol {
  for (let o: object | null = obj; o; o = Object.getPrototypeOf(o) as object | null) {
    const s = Object.getOwnPropertySymbols(o).find((x) => x.description === description);
    if (s) return s;
  }
  throw new Error(`kafkajs internals changed: no ${description} (this adapter needs kafkajs 2.2.4)`);
}

export { KafkaProduceError } from './produce-error.js';

/** The records of one partition that go in one batch, and where they landed. */
interface Item {
  readonly topic: string;
  readonly partition: number;
  /** Indices into the send's records, in send order. */
  readonly indices: number[];
  bytes: number;
  batch?: Buffer;
  now?: number;
  baseOffset?: number;
  logAppendTime?: number;
}

interface Job {
  readonly records: readonly ProducerRecord[];
  readonly enqueued: number;
  readonly resolve: (md: ProducedRecordMetadata[]) => void;
  readonly reject: (e: unknown) => void;
}

export class KafkajsProducer implements KafkaProducer {
  readonly #cluster: KjsCluster;
  readonly #settings: ProducerSettings;
  #sendRequest: symbol | undefined;
  readonly #partitioner: RecordPartitioner;
  readonly #queue: Job[] = [];
  #draining = false;
  #codec: ((records: Buffer) => Promise<Buffer>) | undefined;

  constructor(kafka: Kafka, settings: ProducerSettings = parseClientSettings('producer').producer) {
    this.#settings = settings;
    const create = (kafka as unknown as Record<symbol, (o: object) => KjsCluster>)[privateSymbol(kafka, 'private:Kafka:createCluster')]!;
    this.#cluster = create.call(kafka, { allowAutoTopicCreation: true, maxInFlightRequests: null });
    this.#partitioner = new RecordPartitioner(this.#cluster, settings.batchSize);
    if (settings.compression !== 'none') this.#codec = compressor(settings.compression);
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
          const metadata = await this.#deliver(all, jobs[0]!.enqueued);
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

  async #deliver(records: readonly ProducerRecord[], started: number): Promise<ProducedRecordMetadata[]> {
    const deadline = started + this.#settings.deliveryTimeoutMs;
    const topics = [...new Set(records.map((r) => r.topic))];
    const retry = new RetryState(this.#settings, deadline, topics);
    const partitions = new Int32Array(records.length);
    for (;;) {
      try {
        await retry.bounded(this.#cluster.addMultipleTargetTopics(topics));
        await retry.bounded(this.#cluster.refreshMetadataIfNecessary());
        this.#partitioner.assign(records, partitions);
        break;
      } catch (e) {
        await retry.failed(e, () => this.#recover());
      }
    }
    const metadata: ProducedRecordMetadata[] = new Array(records.length);
    for (const round of planRounds(records, partitions, Math.min(this.#settings.maxRequestSize, MAX_REQUEST_BYTES))) {
      await this.#sendRound(records, round, retry);
      for (const item of round) {
        const ts = item.logAppendTime !== undefined && item.logAppendTime >= 0 ? item.logAppendTime : null;
        const acked = this.#settings.acks !== 0;
        item.indices.forEach((ri, k) => {
          metadata[ri] = {
            topic: item.topic,
            partition: item.partition,
            offset: acked ? item.baseOffset! + k : -1,
            timestamp: ts ?? records[ri]!.timestamp ?? item.now!,
          };
        });
      }
    }
    return metadata;
  }


  /** Sends one round (at most one batch per partition), one request per leader at a time, retrying what fails. */
  async #sendRound(records: readonly ProducerRecord[], round: Item[], retry: RetryState): Promise<void> {
    let pending = round;
    for (;;) {
      const failed: Item[] = [];
      let cause: unknown;
      let byLeader: Map<number, Item[]>;
      try {
        byLeader = this.#groupByLeader(pending);
      } catch (e) {
        await retry.failed(e, () => this.#recover());
        continue;
      }
      await Promise.all(
        [...byLeader].map(async ([leader, items]) => {
          for (const request of chunkItems(items, Math.min(this.#settings.maxRequestSize, MAX_REQUEST_BYTES))) {
            try {
              const errors = await this.#produce(records, leader, request, retry);
              for (const [item, error] of errors) {
                failed.push(item);
                cause = error;
              }
            } catch (e) {
              if (!isRetriable(e)) throw e;
              failed.push(...request);
              cause = e;
            }
          }
        }),
      );
      if (failed.length === 0) return;
      await retry.failed(cause, () => this.#recover(), failed);
      pending = failed;
    }
  }

  #groupByLeader(items: readonly Item[]): Map<number, Item[]> {
    const byLeader = new Map<number, Item[]>();
    for (const item of items) {
      const p = this.#cluster.findTopicPartitionMetadata(item.topic).find((m) => m.partitionId === item.partition);
      if (!p) throw new KafkaProduceError(`partition ${item.partition} of topic ${item.topic} is not in the metadata`, [item.topic], true);
      if (p.leader < 0) throw new KafkaProduceError(`partition ${item.topic}-${item.partition} has no leader`, [item.topic], true);
      let list = byLeader.get(p.leader);
      if (!list) byLeader.set(p.leader, (list = []));
      list.push(item);
    }
    return byLeader;
  }

  /** One Produce request; resolves with the partitions that failed with a retriable error. */
  async #produce(records: readonly ProducerRecord[], leader: number, items: readonly Item[], retry: RetryState): Promise<Array<[Item, Error]>> {
    const broker = await retry.bounded(this.#cluster.findBroker({ nodeId: String(leader) }));
    const range = broker.versions?.[PRODUCE_API_KEY];
    const version = Math.min(range?.maxVersion ?? MIN_PRODUCE_VERSION, MAX_PRODUCE_VERSION);
    if (version < MIN_PRODUCE_VERSION) {
      throw new KafkaProduceError(`broker ${leader} does not support Produce v${MIN_PRODUCE_VERSION} (Kafka 0.11+)`, topicsOf(items), false);
    }
    const byTopic = new Map<string, Array<{ partition: number; batch: Buffer }>>();
    for (const item of items) {
      if (!item.batch) {
        item.now = Date.now();
        item.batch = await encodeRecordBatch(records, item.indices, item.indices.length, {
          compression: COMPRESSION_CODES[this.#settings.compression],
          ...(this.#codec ? { compress: this.#codec } : {}),
          now: item.now,
        });
      }
      let list = byTopic.get(item.topic);
      if (!list) byTopic.set(item.topic, (list = []));
      list.push({ partition: item.partition, batch: item.batch });
    }
    const body = encodeProduceRequest({
      transactionalId: null,
      acks: this.#settings.acks,
      timeoutMs: REQUEST_TIMEOUT_MS,
      topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
    });
    const acks = this.#settings.acks;
    const send = (broker as unknown as Record<symbol, (r: object) => Promise<unknown>>)[this.#sendRequestSymbol(broker)]!;
    const response = (await send.call(broker, {
      request: {
        apiKey: PRODUCE_API_KEY,
        apiVersion: version,
        apiName: 'Produce',
        expectResponse: () => acks !== 0,
        // kafkajs's connection takes anything shaped like its Encoder.
        encode: async () => ({ buf: body, buffer: body, size: () => body.length }),
      },
      response: {
        decode: async (payload: Buffer) => {
          const r = decodeProduceResponse(payload, version);
          return { ...r, clientSideThrottleTime: version >= 6 ? r.throttleTimeMs : 0 };
        },
        parse: async (decoded: unknown) => decoded,
      },
    })) as ReturnType<typeof decodeProduceResponse> | undefined;
    if (acks === 0 || !response) return [];
    const results = new Map<string, { errorCode: number; baseOffset: number; logAppendTime: number }>();
    for (const t of response.topics) for (const p of t.partitions) results.set(`${t.topic}\0${p.partition}`, p);
    const failed: Array<[Item, Error]> = [];
    for (const item of items) {
      const r = results.get(`${item.topic}\0${item.partition}`);
      if (!r) throw new KafkaProduceError(`no produce response for ${item.topic}-${item.partition}`, [item.topic], false);
      if (r.errorCode === 0) {
        item.baseOffset = r.baseOffset;
        item.logAppendTime = r.logAppendTime;
        continue;
      }
      const error = createErrorFromCode(r.errorCode);
      if (!error.retriable) {
        throw new KafkaProduceError(`producing ${item.indices.length} records to ${item.topic}-${item.partition} failed: ${error.message} (${error.type})`, [item.topic], false, { cause: error });
      }
      failed.push([item, error]);
    }
    return failed;
  }

  #sendRequestSymbol(broker: KjsBroker): symbol {
    return (this.#sendRequest ??= privateSymbol(broker, 'private:Broker:sendRequest'));
  }

  /** Before a retry: reconnect if every connection is gone, and reload the metadata (leaders may have moved). */
  async #recover(): Promise<void> {
    if (!this.#cluster.isConnected()) await this.#cluster.connect();
    await this.#cluster.refreshMetadata();
  }

  async disconnect(): Promise<void> {
    await this.#cluster.disconnect();
  }
}

/** Retries of one send: backoff, retries, delivery.timeout.ms since the send started. */
class RetryState {
  #attempts = 0;
  constructor(
    readonly settings: ProducerSettings,
    readonly deadline: number,
    readonly topics: readonly string[],
  ) {}

  /** `p`, or a delivery timeout error once the deadline passes first (connecting to a broker that is down). */
  bounded<T>(p: Promise<T>): Promise<T> {
    const left = this.deadline - Date.now();
    if (left > 2_000_000_000) return p;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeadlinePassed()), Math.max(0, left));
    });
    p.catch(() => {});
    return Promise.race([p, expired]).finally(() => clearTimeout(timer));
  }

  /** Throws when `error` is not retriable or no retry is left; otherwise waits the backoff and runs `recover`. */
  async failed(error: unknown, recover: () => Promise<void>, items?: readonly Item[]): Promise<void> {
    for (;;) {
      if (!isRetriable(error)) throw error;
      const where = items ? ` (${describe(items)})` : '';
      if (++this.#attempts > this.settings.retries) {
        throw new KafkaProduceError(`producing to ${this.topics.join(', ')}${where} failed after retries=${this.settings.retries}: ${messageOf(error)}`, this.topics, true, { cause: error });
      }
      const backoff = Math.min(RETRY_BACKOFF_MAX_MS, RETRY_BACKOFF_MS * 2 ** Math.min(this.#attempts - 1, 10));
      if (error instanceof DeadlinePassed || Date.now() + backoff >= this.deadline) {
        throw new KafkaProduceError(
          `producing to ${this.topics.join(', ')}${where} did not succeed within delivery.timeout.ms=${this.settings.deliveryTimeoutMs}: ${messageOf(error)}`,
          this.topics,
          true,
          { cause: error },
        );
      }
      await sleep(backoff);
      try {
        await this.bounded(recover());
        return;
      } catch (e) {
        error = e;
      }
    }
  }
}

class DeadlinePassed extends Error {
  override readonly name = 'DeadlinePassed';
  constructor() {
    super('the broker did not answer in time');
  }
}

function messageOf(e: unknown): string {
  return e instanceof DeadlinePassed ? 'the broker could not be reached' : e instanceof Error ? e.message : String(e);
}

function describe(items: readonly Item[]): string {
  const parts = items.slice(0, 5).map((i) => `${i.topic}-${i.partition}`);
  return `partitions ${parts.join(', ')}${items.length > 5 ? ', …' : ''}`;
}

function topicsOf(items: readonly Item[]): string[] {
  return [...new Set(items.map((i) => i.topic))];
}

/**
 * Whether a send may be retried: broker errors Kafka marks retriable, and everything on the way to a broker
 * (refused or closed connections, request timeouts, missing metadata) except authentication and configuration.
 */
function isRetriable(e: unknown): boolean {
  if (e instanceof DeadlinePassed) return true;
  if (e instanceof KafkaProduceError) return e.retriable;
  if (!(e instanceof Error)) return false;
  const name = e.name;
  if (name === 'KafkaJSProtocolError') return (e as { retriable?: boolean }).retriable === true || (e as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION';
  if (name === 'KafkaJSSASLAuthenticationError' || name === 'KafkaJSNonRetriableError' || name === 'KafkaJSInvalidArgument') return false;
  if (name === 'KafkaJSNumberOfRetriesExceeded') return true;
  return name.startsWith('KafkaJS') || /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH/.test(e.message);
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


/**
 * Splits a send into rounds: each round holds at most one batch per partition (Produce v3+ takes one record
 * batch per partition), a batch stays within `maxBytes` (unless one record alone is larger), and a partition's
 * batches go in successive rounds, so order per partition is kept.
 */
export function planRounds(records: readonly ProducerRecord[], partitions: Int32Array, maxBytes: number): Item[][] {
  const queues = new Map<string, Item[]>();
  const current = new Map<string, Item>();
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const p = partitions[i]!;
    const key = `${r.topic}\0${p}`;
    const n = recordBytes(r);
    let item = current.get(key);
    if (!item || (item.indices.length > 0 && item.bytes + n > maxBytes)) {
      item = { topic: r.topic, partition: p, indices: [], bytes: 0 };
      current.set(key, item);
      let q = queues.get(key);
      if (!q) queues.set(key, (q = []));
      q.push(item);
    }
    item.indices.push(i);
    item.bytes += n;
  }
  const rounds: Item[][] = [];
  for (const q of queues.values()) q.forEach((item, k) => (rounds[k] ??= []).push(item));
  return rounds;
}

/** Consecutive runs of items whose bytes stay within `maxBytes` (a single larger item stands alone): one request each. */
function chunkItems(items: readonly Item[], maxBytes: number): Item[][] {
  const out: Item[][] = [];
  let cur: Item[] = [];
  let size = 0;
  for (const item of items) {
    if (cur.length > 0 && size + item.bytes > maxBytes) {
      out.push(cur);
      cur = [];
      size = 0;
    }
    cur.push(item);
    size += item.bytes;
  }
  if (cur.length > 0) out.push(cur);
  return out;
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
