/**
 * How both producers of the kafkajs adapter deliver one (merged) send, as Kafka's Java producer does for a Kafka
 * Connect source: partition every record, split the send into rounds of at most one v2 record batch per partition
 * (a partition's batches in successive rounds, so its order is kept), send each round as one Produce request per
 * leader at a time, retry the partitions that failed with backoff until `retries` or delivery.timeout.ms since the
 * send started, and give every record its offset from its batch's base offset.
 *
 * The plain producer (producer.ts) sends batches without a producer id. The transactional one
 * (transactional-producer.ts) passes `transactional`: each batch gets its producer id, epoch and sequence once (a
 * retried batch keeps them), the round's partitions join the transaction first, and a fenced epoch ends the send.
 */
import { createRequire } from 'node:module';
import type { Kafka } from 'kafkajs';
import { ProducerFencedError, type ProducedRecordMetadata, type ProducerRecord } from '../client.js';
import type { ProducerSettings } from '../client-settings.js';
import { sleep } from '../../../async/index.js';
import { KafkaProduceError } from './produce-error.js';
import { COMPRESSION_CODES, decodeProduceResponse, encodeProduceRequest, encodeRecordBatch } from './produce-request.js';
import { recordBytes, type KjsPartitionMetadata, type RecordPartitioner } from './record-routing.js';

const require = createRequire(import.meta.url);
export const { createErrorFromCode } = require('kafkajs/src/protocol/error.js') as {
  createErrorFromCode(code: number): Error & { retriable: boolean; type: string; code: number };
};

const PRODUCE_API_KEY = 0;
/** v3 is the first with v2 record batches; v7 the last whose response has no per-record errors. */
const MIN_PRODUCE_VERSION = 3;
const MAX_PRODUCE_VERSION = 7;
const REQUEST_TIMEOUT_MS = 30_000;
export const RETRY_BACKOFF_MS = 100;
export const RETRY_BACKOFF_MAX_MS = 1000;
/** Most records merged from queued sends into one delivery. */
export const MAX_MERGED_RECORDS = 20_000;
/** Below the broker's default message.max.bytes (1048588), leaving room for batch and request framing. */
const MAX_REQUEST_BYTES = 900 * 1024;
export const INVALID_PRODUCER_EPOCH = 47;
export const PRODUCER_FENCED = 90;

/** kafkajs internals the producers rely on (kafkajs 2.2.4, pinned). */
export interface KjsBroker {
  readonly versions: Record<number, { minVersion: number; maxVersion: number }> | null;
}
export interface KjsCluster<B extends KjsBroker = KjsBroker> {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  isConnected(): boolean;
  refreshMetadata(): Promise<void>;
  refreshMetadataIfNecessary(): Promise<void>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  findTopicPartitionMetadata(topic: string): KjsPartitionMetadata[];
  findBroker(args: { nodeId: string }): Promise<B>;
}

export function privateSymbol(obj: object, description: string): symbol {
  for (let o: object | null = obj; o; o = Object.getPrototypeOf(o) as object | null) {
    const s = Object.getOwnPropertySymbols(o).find((x) => x.description === description);
    if (s) return s;
  }
  throw new Error(`kafkajs internals changed: no ${description} (this adapter needs kafkajs 2.2.4)`);
}

/** A kafkajs cluster (connections, metadata) of `kafka`'s configuration, without a kafkajs producer around it. */
export function createCluster<C extends KjsCluster>(kafka: Kafka): C {
  const create = (kafka as unknown as Record<symbol, (o: object) => C>)[privateSymbol(kafka, 'private:Kafka:createCluster')]!;
  return create.call(kafka, { allowAutoTopicCreation: true, maxInFlightRequests: null });
}

/** The records of one partition that go in one batch, and where they landed. */
export interface Item {
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

/** What a transactional producer adds to a delivery. */
export interface TransactionalRounds {
  readonly transactionalId: string;
  /** The producer id, epoch and first sequence of a new batch of `item` (taken once per batch). */
  batchIdentity(item: Item): { producerId: bigint; producerEpoch: number; baseSequence: number };
  /** Before the first round: the partitions of the send join the transaction. */
  beforeRounds(rounds: readonly Item[][]): Promise<void>;
}

export interface ProduceRoundsOptions {
  readonly cluster: KjsCluster;
  readonly settings: ProducerSettings;
  readonly partitioner: RecordPartitioner;
  readonly codec: ((records: Buffer) => Promise<Buffer>) | undefined;
  /** Whether an error may be retried (default `isRetriable`). */
  readonly retriable?: (e: unknown) => boolean;
  readonly transactional?: TransactionalRounds;
}

export class ProduceRounds {
  readonly #o: ProduceRoundsOptions;
  readonly #acks: number;
  readonly #retriable: (e: unknown) => boolean;
  #sendRequest: symbol | undefined;

  constructor(options: ProduceRoundsOptions) {
    this.#o = options;
    this.#acks = options.transactional ? -1 : options.settings.acks;
    this.#retriable = options.retriable ?? isRetriable;
  }

  /** Delivers `records` (a send, or sends merged in call order); `started`: when the oldest of them was sent. */
  async deliver(records: readonly ProducerRecord[], started: number): Promise<ProducedRecordMetadata[]> {
    const { cluster, settings } = this.#o;
    const topics = [...new Set(records.map((r) => r.topic))];
    const retry = new RetryState(settings, started + settings.deliveryTimeoutMs, topics, this.#retriable);
    const partitions = new Int32Array(records.length);
    for (;;) {
      try {
        await retry.bounded(cluster.addMultipleTargetTopics(topics));
        await retry.bounded(cluster.refreshMetadataIfNecessary());
        this.#o.partitioner.assign(records, partitions);
        break;
      } catch (e) {
        await retry.failed(e, () => this.#recover());
      }
    }
    const maxBytes = Math.min(settings.maxRequestSize, MAX_REQUEST_BYTES);
    const rounds = planRounds(records, partitions, maxBytes);
    await this.#o.transactional?.beforeRounds(rounds);
    const acked = this.#acks !== 0;
    const metadata: ProducedRecordMetadata[] = new Array(records.length);
    for (const round of rounds) {
      await this.#sendRound(records, round, retry, maxBytes);
      for (const item of round) {
        const ts = item.logAppendTime !== undefined && item.logAppendTime >= 0 ? item.logAppendTime : null;
        item.indices.forEach((ri, k) => {
          metadata[ri] = { topic: item.topic, partition: item.partition, offset: acked ? item.baseOffset! + k : -1, timestamp: ts ?? records[ri]!.timestamp ?? item.now! };
        });
      }
    }
    return metadata;
  }

  /** One round (at most one batch per partition): one request per leader at a time, retrying what fails. */
  async #sendRound(records: readonly ProducerRecord[], round: Item[], retry: RetryState, maxBytes: number): Promise<void> {
    for (const item of round) await this.#encode(records, item);
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
          for (const request of chunkItems(items, maxBytes)) {
            try {
              for (const [item, error] of await this.#produce(leader, request, retry)) {
                failed.push(item);
                cause = error;
              }
            } catch (e) {
              if (!this.#retriable(e)) throw e;
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

  /** The batch of `item`, made once: a retried batch is sent again as it was (the broker drops a duplicate). */
  async #encode(records: readonly ProducerRecord[], item: Item): Promise<void> {
    if (item.batch) return;
    const { settings, codec, transactional } = this.#o;
    item.now = Date.now();
    item.batch = await encodeRecordBatch(records, item.indices, item.indices.length, {
      compression: COMPRESSION_CODES[settings.compression],
      ...(codec ? { compress: codec } : {}),
      now: item.now,
      ...(transactional ? { ...transactional.batchIdentity(item), transactional: true } : {}),
    });
  }

  #groupByLeader(items: readonly Item[]): Map<number, Item[]> {
    const byLeader = new Map<number, Item[]>();
    for (const item of items) {
      const p = this.#o.cluster.findTopicPartitionMetadata(item.topic).find((m) => m.partitionId === item.partition);
      if (!p) throw new KafkaProduceError(`partition ${item.partition} of topic ${item.topic} is not in the metadata`, [item.topic], true);
      if (p.leader < 0) throw new KafkaProduceError(`partition ${item.topic}-${item.partition} has no leader`, [item.topic], true);
      let list = byLeader.get(p.leader);
      if (!list) byLeader.set(p.leader, (list = []));
      list.push(item);
    }
    return byLeader;
  }

  /** One Produce request; resolves with the partitions that failed with a retriable error. */
  async #produce(leader: number, items: readonly Item[], retry: RetryState): Promise<Array<[Item, Error]>> {
    const broker = await retry.bounded(this.#o.cluster.findBroker({ nodeId: String(leader) }));
    const version = Math.min(broker.versions?.[PRODUCE_API_KEY]?.maxVersion ?? MIN_PRODUCE_VERSION, MAX_PRODUCE_VERSION);
    if (version < MIN_PRODUCE_VERSION) {
      throw new KafkaProduceError(`broker ${leader} does not support Produce v${MIN_PRODUCE_VERSION} (Kafka 0.11+)`, topicsOf(items), false);
    }
    const byTopic = new Map<string, Array<{ partition: number; batch: Buffer }>>();
    for (const item of items) {
      let list = byTopic.get(item.topic);
      if (!list) byTopic.set(item.topic, (list = []));
      list.push({ partition: item.partition, batch: item.batch! });
    }
    const transactional = this.#o.transactional;
    const body = encodeProduceRequest({
      transactionalId: transactional?.transactionalId ?? null,
      acks: this.#acks,
      timeoutMs: REQUEST_TIMEOUT_MS,
      topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
    });
    const acks = this.#acks;
    const send = (broker as unknown as Record<symbol, (r: object) => Promise<unknown>>)[(this.#sendRequest ??= privateSymbol(broker, 'private:Broker:sendRequest'))]!;
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
      if (transactional && (r.errorCode === INVALID_PRODUCER_EPOCH || r.errorCode === PRODUCER_FENCED)) {
        throw new ProducerFencedError(transactional.transactionalId, { cause: error });
      }
      if (!error.retriable) {
        throw new KafkaProduceError(`producing ${item.indices.length} records to ${item.topic}-${item.partition} failed: ${error.message} (${error.type})`, [item.topic], false, { cause: error });
      }
      failed.push([item, error]);
    }
    return failed;
  }

  /** Before a retry: reconnect if every connection is gone, and reload the metadata (leaders may have moved). */
  async #recover(): Promise<void> {
    const { cluster } = this.#o;
    if (!cluster.isConnected()) await cluster.connect();
    await cluster.refreshMetadata();
  }
}

/** Retries of one send: backoff, retries, delivery.timeout.ms since the send started. */
class RetryState {
  #attempts = 0;
  constructor(
    readonly settings: ProducerSettings,
    readonly deadline: number,
    readonly topics: readonly string[],
    readonly retriable: (e: unknown) => boolean,
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
      if (!(error instanceof DeadlinePassed) && !this.retriable(error)) throw error;
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

export function messageOf(e: unknown): string {
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
export function isRetriable(e: unknown): boolean {
  if (e instanceof DeadlinePassed) return true;
  if (e instanceof KafkaProduceError) return e.retriable;
  if (!(e instanceof Error)) return false;
  const name = e.name;
  if (name === 'KafkaJSProtocolError') return (e as { retriable?: boolean }).retriable === true || (e as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION';
  if (name === 'KafkaJSSASLAuthenticationError' || name === 'KafkaJSNonRetriableError' || name === 'KafkaJSInvalidArgument') return false;
  if (name === 'KafkaJSNumberOfRetriesExceeded') return true;
  return name.startsWith('KafkaJS') || /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH/.test(e.message);
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
