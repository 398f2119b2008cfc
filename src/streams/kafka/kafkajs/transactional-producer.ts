/**
 * The transactional producer of the kafkajs adapter (exactly-once source tasks, KIP-618). Like the fast producer
 * (producer.ts) it uses kafkajs for connections and metadata and encodes its own v2 record batches — here with the
 * producer id, epoch, per-partition sequence and the transactional attribute — and it speaks the transaction
 * protocol itself through kafkajs's broker requests: InitProducerId, AddPartitionsToTxn and EndTxn on the
 * transaction coordinator, retried while the coordinator is busy (CONCURRENT_TRANSACTIONS right after a previous
 * commit, a coordinator that moved or is loading). kafkajs's own transactional producer was not used: its encoder
 * cannot write a null header value, reorders headers by key, puts a partition's whole send in one batch (a send
 * above message.max.bytes fails), is slow for big sends, and its state machine cannot retry a failed EndTxn.
 *
 * One request per broker at a time; sends, commits and aborts run in call order through one queue, consecutive
 * sends merged into one round of requests. A send failing with INVALID_PRODUCER_EPOCH or PRODUCER_FENCED (a newer
 * producer with the same transactional id, or the coordinator timed the transaction out and bumped the epoch)
 * makes the producer fenced: that send and every later call reject with ProducerFencedError.
 */
import { createRequire } from 'node:module';
import type { Kafka } from 'kafkajs';
import {
  ProducerFencedError,
  type ProducedRecordMetadata,
  type ProducerRecord,
  type TransactionalProducer,
} from '../client.js';
import type { ProducerSettings } from '../client-settings.js';
import { sleep } from '../../../async/index.js';
import { RecordPartitioner, compressor, recordBytes, type KjsPartitionMetadata } from './record-routing.js';
import { KafkaProduceError, planRounds } from './producer.js';
import { COMPRESSION_CODES, decodeProduceResponse, encodeProduceRequest, encodeRecordBatch } from './produce-request.js';

const require = createRequire(import.meta.url);
const { createErrorFromCode } = require('kafkajs/src/protocol/error.js') as {
  createErrorFromCode(code: number): Error & { retriable: boolean; type: string; code: number };
};

const PRODUCE_API_KEY = 0;
const MIN_PRODUCE_VERSION = 3;
const MAX_PRODUCE_VERSION = 7;
const REQUEST_TIMEOUT_MS = 30_000;
const RETRY_BACKOFF_MS = 100;
const RETRY_BACKOFF_MAX_MS = 1000;
/** Kafka's producer retries AddPartitionsToTxn after CONCURRENT_TRANSACTIONS this soon (ADD_PARTITIONS_RETRY_BACKOFF_MS). */
const CONCURRENT_TRANSACTIONS_BACKOFF_MS = 20;
/** How long InitProducerId/AddPartitionsToTxn/EndTxn are retried (Kafka's max.block.ms default). */
const COORDINATOR_TIMEOUT_MS = 60_000;
/** How long disconnect() tries to abort an open transaction. */
const ABORT_ON_CLOSE_TIMEOUT_MS = 5_000;
const MAX_MERGED_RECORDS = 20_000;
const MAX_REQUEST_BYTES = 900 * 1024;
/** kafkajs's COORDINATOR_TYPES.TRANSACTION. */
const TRANSACTION_COORDINATOR = 1;
const INVALID_PRODUCER_EPOCH = 47;
const PRODUCER_FENCED = 90;
const INT32_MAX = 2_147_483_647;

/** kafkajs internals this file relies on (kafkajs 2.2.4, pinned). */
export interface KjsTxnBroker {
  readonly versions: Record<number, { minVersion: number; maxVersion: number }> | null;
  initProducerId(r: { transactionalId: string; transactionTimeout: number }): Promise<{ producerId: string; producerEpoch: number }>;
  addPartitionsToTxn(r: { transactionalId: string; producerId: string; producerEpoch: number; topics: Array<{ topic: string; partitions: number[] }> }): Promise<unknown>;
  endTxn(r: { transactionalId: string; producerId: string; producerEpoch: number; transactionResult: boolean }): Promise<unknown>;
}
export interface KjsTxnCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  isConnected(): boolean;
  refreshMetadata(): Promise<void>;
  refreshMetadataIfNecessary(): Promise<void>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  findTopicPartitionMetadata(topic: string): KjsPartitionMetadata[];
  findBroker(args: { nodeId: string }): Promise<KjsTxnBroker>;
  findGroupCoordinator(args: { groupId: string; coordinatorType: number }): Promise<KjsTxnBroker>;
}

function privateSymbol(obj: object, description: string): symbol {
  for (let o: object | null = obj; o; o = Object.getPrototypeOf(o) as object | null) {
    const s = Object.getOwnPropertySymbols(o).find((x) => x.description === description);
    if (s) return s;
  }
  throw new Error(`kafkajs internals changed: no ${description} (this adapter needs kafkajs 2.2.4)`);
}

/** A kafkajs cluster (connections, metadata) of `kafka`'s configuration, without a kafkajs producer around it. */
export function createTxnCluster(kafka: Kafka): KjsTxnCluster {
  const create = (kafka as unknown as Record<symbol, (o: object) => KjsTxnCluster>)[privateSymbol(kafka, 'private:Kafka:createCluster')]!;
  return create.call(kafka, { allowAutoTopicCreation: true, maxInFlightRequests: null });
}

/**
 * Whether `e` (or an error it wraps) says this producer's epoch is no longer current: INVALID_PRODUCER_EPOCH
 * (what the broker answers kafkajs's request versions), PRODUCER_FENCED (newer versions; unknown to kafkajs).
 */
export function isFencingError(e: unknown): boolean {
  for (let x: unknown = e, depth = 0; x && typeof x === 'object' && depth < 8; depth++) {
    if (x instanceof ProducerFencedError) return true;
    const { type, code } = x as { type?: unknown; code?: unknown };
    if (type === 'INVALID_PRODUCER_EPOCH' || type === 'PRODUCER_FENCED' || code === INVALID_PRODUCER_EPOCH || code === PRODUCER_FENCED) return true;
    // kafkajs turns a code it does not know into code -99 and names the code only in the message.
    if (type === 'KAFKAJS_UNKNOWN_ERROR_CODE' && (x as { message?: unknown }).message === `Unknown error code ${PRODUCER_FENCED}`) return true;
    const next = (x as { cause?: unknown; originalError?: unknown }).cause ?? (x as { originalError?: unknown }).originalError;
    if (next === x) break;
    x = next;
  }
  return false;
}

/** Whether a coordinator request or a produce may be retried (broker errors Kafka marks retriable, connection trouble). */
export function isRetriableError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  if (isFencingError(e)) return false;
  if (e instanceof KafkaProduceError) return e.retriable;
  const name = e.name;
  if (name === 'KafkaJSProtocolError') return (e as { retriable?: boolean }).retriable === true || (e as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION';
  if (name === 'KafkaJSSASLAuthenticationError' || name === 'KafkaJSNonRetriableError' || name === 'KafkaJSInvalidArgument') return false;
  if (name === 'KafkaJSNumberOfRetriesExceeded') return true;
  return name.startsWith('KafkaJS') || /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH/.test(e.message);
}

/** Where a producer keeps its transaction coordinator between calls (found again after any error). */
export interface CoordinatorCache {
  coordinator?: KjsTxnBroker | undefined;
}

/**
 * Runs `call` on the transaction coordinator of `transactionalId`, retrying retriable errors (the coordinator is
 * found again each time) with backoff until `timeoutMs` has passed. CONCURRENT_TRANSACTIONS — the coordinator still
 * completing the previous transaction, typical for the first AddPartitionsToTxn after a commit — is retried after
 * 20 ms, as Kafka's producer does, not after the growing backoff.
 */
export async function onCoordinator<T>(
  cluster: KjsTxnCluster,
  transactionalId: string,
  what: string,
  call: (coordinator: KjsTxnBroker) => Promise<T>,
  timeoutMs = COORDINATOR_TIMEOUT_MS,
  cache: CoordinatorCache = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      if (!cluster.isConnected()) await cluster.connect();
      cache.coordinator ??= await cluster.findGroupCoordinator({ groupId: transactionalId, coordinatorType: TRANSACTION_COORDINATOR });
      return await call(cache.coordinator);
    } catch (e) {
      if (isFencingError(e)) throw new ProducerFencedError(transactionalId, { cause: e });
      const concurrent = (e as { type?: string }).type === 'CONCURRENT_TRANSACTIONS';
      if (!concurrent) cache.coordinator = undefined;
      const backoff = concurrent ? CONCURRENT_TRANSACTIONS_BACKOFF_MS : Math.min(RETRY_BACKOFF_MAX_MS, RETRY_BACKOFF_MS * 2 ** Math.min(attempt - 1, 10));
      if (!isRetriableError(e)) throw e;
      if (Date.now() + backoff >= deadline) {
        throw new KafkaProduceError(`${what} for transactional.id ${transactionalId} did not succeed within ${timeoutMs} ms: ${(e as Error).message}`, [], true, { cause: e });
      }
      await sleep(backoff);
    }
  }
}

/** InitProducerId for `transactionalId`: bumps its epoch, fencing older producers and aborting their open transaction. */
export function initProducerId(
  cluster: KjsTxnCluster,
  transactionalId: string,
  transactionTimeoutMs: number,
  cache?: CoordinatorCache,
): Promise<{ producerId: string; producerEpoch: number }> {
  return onCoordinator(cluster, transactionalId, 'InitProducerId', (c) => c.initProducerId({ transactionalId, transactionTimeout: transactionTimeoutMs }), COORDINATOR_TIMEOUT_MS, cache);
}

type Item = ReturnType<typeof planRounds>[number][number];

type Op =
  | { readonly kind: 'send'; readonly records: readonly ProducerRecord[]; readonly enqueued: number; readonly resolve: (md: ProducedRecordMetadata[]) => void; readonly reject: (e: unknown) => void }
  | { readonly kind: 'end'; readonly commit: boolean; readonly resolve: () => void; readonly reject: (e: unknown) => void };

type State = 'new' | 'ready' | 'transaction' | 'closed';

export interface KafkajsTransactionalProducerOptions {
  readonly transactionalId: string;
  readonly transactionTimeoutMs: number;
  readonly settings: ProducerSettings;
}

export class KafkajsTransactionalProducer implements TransactionalProducer {
  readonly transactionalId: string;
  readonly #cluster: KjsTxnCluster;
  readonly #settings: ProducerSettings;
  readonly #transactionTimeoutMs: number;
  readonly #codec: ((records: Buffer) => Promise<Buffer>) | undefined;
  #sendRequest: symbol | undefined;
  #state: State = 'new';
  #producerId = '-1';
  #producerEpoch = -1;
  /** Next sequence per `topic\0partition` for the current producer id and epoch. */
  #sequences = new Map<string, number>();
  /** Partitions added to the open transaction. */
  #partitions = new Set<string>();
  /** The first send of the open transaction that failed: the transaction can only be aborted. */
  #sendError: unknown;
  #fenced: unknown;
  readonly #coordinator: CoordinatorCache = {};
  readonly #partitioner: RecordPartitioner;
  readonly #queue: Op[] = [];
  #draining = false;

  constructor(kafka: Kafka, options: KafkajsTransactionalProducerOptions) {
    this.transactionalId = options.transactionalId;
    this.#settings = options.settings;
    this.#transactionTimeoutMs = options.transactionTimeoutMs;
    this.#cluster = createTxnCluster(kafka);
    this.#partitioner = new RecordPartitioner(this.#cluster, options.settings.batchSize);
    this.#codec = options.settings.compression !== 'none' ? compressor(options.settings.compression) : undefined;
  }

  get inTransaction(): boolean {
    return this.#state === 'transaction';
  }

  async connect(): Promise<void> {
    this.#checkFenced();
    await this.#cluster.connect();
    await this.#init();
    this.#state = 'ready';
  }

  async #init(): Promise<void> {
    const { producerId, producerEpoch } = await initProducerId(this.#cluster, this.transactionalId, this.#transactionTimeoutMs, this.#coordinator);
    this.#producerId = producerId;
    this.#producerEpoch = producerEpoch;
    this.#sequences = new Map();
  }

  async begin(): Promise<void> {
    this.#checkFenced();
    if (this.#state === 'transaction') throw new Error(`transactional producer ${this.transactionalId}: a transaction is already open`);
    if (this.#state !== 'ready') throw new Error(`transactional producer ${this.transactionalId} is ${this.#state === 'new' ? 'not connected' : 'disconnected'}`);
    this.#state = 'transaction';
    this.#partitions = new Set();
    this.#sendError = undefined;
  }

  send(records: readonly ProducerRecord[]): Promise<ProducedRecordMetadata[]> {
    try {
      this.#checkFenced();
      this.#checkInTransaction('send');
    } catch (e) {
      return Promise.reject(e);
    }
    if (records.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => this.#enqueue({ kind: 'send', records, enqueued: Date.now(), resolve, reject }));
  }

  commit(): Promise<void> {
    return this.#end(true);
  }

  abort(): Promise<void> {
    return this.#end(false);
  }

  #end(commit: boolean): Promise<void> {
    try {
      this.#checkFenced();
      this.#checkInTransaction(commit ? 'commit' : 'abort');
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise((resolve, reject) => this.#enqueue({ kind: 'end', commit, resolve, reject }));
  }

  async disconnect(): Promise<void> {
    if (this.#state === 'transaction' && this.#fenced === undefined) {
      // Kafka's producer aborts an incomplete transaction when it closes; a new producer would abort it anyway.
      await Promise.race([this.abort().catch(() => {}), sleep(ABORT_ON_CLOSE_TIMEOUT_MS)]);
    }
    this.#state = 'closed';
    await this.#cluster.disconnect();
  }

  #checkFenced(): void {
    if (this.#fenced !== undefined) throw new ProducerFencedError(this.transactionalId, { cause: this.#fenced });
  }

  #checkInTransaction(what: string): void {
    if (this.#state !== 'transaction') throw new Error(`transactional producer ${this.transactionalId}: ${what} without an open transaction`);
  }

  /** Marks the producer fenced when `e` says so; returns the error to reject with. */
  #fail(e: unknown): unknown {
    if (isFencingError(e)) {
      this.#fenced ??= e;
      return e instanceof ProducerFencedError ? e : new ProducerFencedError(this.transactionalId, { cause: e });
    }
    return e;
  }

  #enqueue(op: Op): void {
    this.#queue.push(op);
    if (!this.#draining) void this.#drain();
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      while (this.#queue.length > 0) {
        const head = this.#queue[0]!;
        if (head.kind === 'end') {
          this.#queue.shift();
          try {
            this.#checkFenced();
            this.#checkInTransaction(head.commit ? 'commit' : 'abort'); // a second commit/abort queued behind the first
            await this.#endTransaction(head.commit);
            head.resolve();
          } catch (e) {
            head.reject(this.#fail(e));
          }
          continue;
        }
        await this.#linger();
        let take = 1;
        let size = head.records.length;
        for (;;) {
          const next = this.#queue[take];
          if (!next || next.kind !== 'send' || size + next.records.length > MAX_MERGED_RECORDS) break;
          size += next.records.length;
          take++;
        }
        const jobs = this.#queue.splice(0, take) as Array<Extract<Op, { kind: 'send' }>>;
        try {
          this.#checkFenced();
          // A send after a failed one would leave a gap in the transaction: it fails too (abort is the only way on).
          if (this.#sendError !== undefined) throw new KafkaProduceError(`an earlier send of this transaction failed: ${messageOf(this.#sendError)}`, [], false, { cause: this.#sendError });
          const all = jobs.length === 1 ? jobs[0]!.records : jobs.flatMap((j) => j.records);
          const metadata = await this.#deliver(all, jobs[0]!.enqueued);
          let i = 0;
          for (const j of jobs) {
            j.resolve(jobs.length === 1 ? metadata : metadata.slice(i, i + j.records.length));
            i += j.records.length;
          }
        } catch (e) {
          this.#sendError ??= e;
          const error = this.#fail(e);
          for (const j of jobs) j.reject(error);
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  /** linger.ms: with less than batch.size queued in sends at the head, wait for more until linger.ms after the oldest. */
  async #linger(): Promise<void> {
    const { lingerMs, batchSize } = this.#settings;
    if (lingerMs <= 0) return;
    for (;;) {
      const head = this.#queue[0];
      if (!head || head.kind !== 'send') return;
      if (head.enqueued + lingerMs <= Date.now()) return;
      let bytes = 0;
      for (const op of this.#queue) {
        if (op.kind !== 'send') return; // a commit/abort waits behind: no point in waiting for more
        for (const r of op.records) bytes += recordBytes(r);
        if (bytes >= batchSize) return;
      }
      await sleep(Math.min(head.enqueued + lingerMs - Date.now(), 1));
    }
  }

  async #endTransaction(commit: boolean): Promise<void> {
    if (commit && this.#sendError !== undefined) {
      throw new KafkaProduceError(`transactional producer ${this.transactionalId} cannot commit: a send of this transaction failed (abort it): ${messageOf(this.#sendError)}`, [], false, {
        cause: this.#sendError,
      });
    }
    if (this.#partitions.size > 0) {
      await onCoordinator(this.#cluster, this.transactionalId, commit ? 'EndTxn(commit)' : 'EndTxn(abort)', (c) =>
        c.endTxn({ transactionalId: this.transactionalId, producerId: this.#producerId, producerEpoch: this.#producerEpoch, transactionResult: commit }),
        COORDINATOR_TIMEOUT_MS,
        this.#coordinator,
      );
    }
    const failedSend = this.#sendError !== undefined;
    this.#state = 'ready';
    this.#partitions = new Set();
    this.#sendError = undefined;
    // After a failed send the sequences may have a gap the broker would refuse: a new epoch starts them again.
    if (failedSend) await this.#init();
  }

  async #deliver(records: readonly ProducerRecord[], started: number): Promise<ProducedRecordMetadata[]> {
    const deadline = started + this.#settings.deliveryTimeoutMs;
    const topics = [...new Set(records.map((r) => r.topic))];
    const retry = new Retry(this.#settings, deadline, topics);
    const partitions = new Int32Array(records.length);
    for (;;) {
      try {
        await this.#cluster.addMultipleTargetTopics(topics);
        await this.#cluster.refreshMetadataIfNecessary();
        this.#partitioner.assign(records, partitions);
        break;
      } catch (e) {
        await retry.failed(e, () => this.#recover());
      }
    }
    const rounds = planRounds(records, partitions, Math.min(this.#settings.maxRequestSize, MAX_REQUEST_BYTES));
    await this.#addPartitions(rounds);
    const metadata: ProducedRecordMetadata[] = new Array(records.length);
    for (const round of rounds) {
      await this.#sendRound(records, round, retry);
      for (const item of round) {
        const ts = item.logAppendTime !== undefined && item.logAppendTime >= 0 ? item.logAppendTime : null;
        item.indices.forEach((ri, k) => {
          metadata[ri] = { topic: item.topic, partition: item.partition, offset: item.baseOffset! + k, timestamp: ts ?? records[ri]!.timestamp ?? item.now! };
        });
      }
    }
    return metadata;
  }

  /** AddPartitionsToTxn for the partitions of this send the transaction does not hold yet. */
  async #addPartitions(rounds: readonly Item[][]): Promise<void> {
    const byTopic = new Map<string, number[]>();
    const added: string[] = [];
    for (const round of rounds) {
      for (const item of round) {
        const key = `${item.topic}\0${item.partition}`;
        if (this.#partitions.has(key) || added.includes(key)) continue;
        added.push(key);
        let list = byTopic.get(item.topic);
        if (!list) byTopic.set(item.topic, (list = []));
        list.push(item.partition);
      }
    }
    if (added.length === 0) return;
    await onCoordinator(this.#cluster, this.transactionalId, 'AddPartitionsToTxn', (c) =>
      c.addPartitionsToTxn({
        transactionalId: this.transactionalId,
        producerId: this.#producerId,
        producerEpoch: this.#producerEpoch,
        topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
      }),
      COORDINATOR_TIMEOUT_MS,
      this.#coordinator,
    );
    for (const key of added) this.#partitions.add(key);
  }


  /** One round (at most one batch per partition): one request per leader at a time, retrying what fails. */
  async #sendRound(records: readonly ProducerRecord[], round: Item[], retry: Retry): Promise<void> {
    // Sequences are taken once per batch: a retried batch keeps its sequence (the broker drops a duplicate).
    for (const item of round) {
      const key = `${item.topic}\0${item.partition}`;
      const sequence = this.#sequences.get(key) ?? 0;
      const next = sequence + item.indices.length;
      this.#sequences.set(key, next > INT32_MAX ? next - INT32_MAX - 1 : next);
      item.now = Date.now();
      item.batch = await encodeRecordBatch(records, item.indices, item.indices.length, {
        compression: COMPRESSION_CODES[this.#settings.compression],
        ...(this.#codec ? { compress: this.#codec } : {}),
        now: item.now,
        producerId: BigInt(this.#producerId),
        producerEpoch: this.#producerEpoch,
        baseSequence: sequence,
        transactional: true,
      });
    }
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
              for (const [item, error] of await this.#produce(leader, request, retry)) {
                failed.push(item);
                cause = error;
              }
            } catch (e) {
              if (!isRetriableError(e)) throw e;
              failed.push(...request);
              cause = e;
            }
          }
        }),
      );
      if (failed.length === 0) return;
      await retry.failed(cause, () => this.#recover());
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
  async #produce(leader: number, items: readonly Item[], retry: Retry): Promise<Array<[Item, Error]>> {
    const broker = await retry.bounded(this.#cluster.findBroker({ nodeId: String(leader) }));
    const version = Math.min(broker.versions?.[PRODUCE_API_KEY]?.maxVersion ?? MIN_PRODUCE_VERSION, MAX_PRODUCE_VERSION);
    if (version < MIN_PRODUCE_VERSION) {
      throw new KafkaProduceError(`broker ${leader} does not support Produce v${MIN_PRODUCE_VERSION} (Kafka 0.11+)`, [...new Set(items.map((i) => i.topic))], false);
    }
    const byTopic = new Map<string, Array<{ partition: number; batch: Buffer }>>();
    for (const item of items) {
      let list = byTopic.get(item.topic);
      if (!list) byTopic.set(item.topic, (list = []));
      list.push({ partition: item.partition, batch: item.batch! });
    }
    const body = encodeProduceRequest({
      transactionalId: this.transactionalId,
      acks: -1,
      timeoutMs: REQUEST_TIMEOUT_MS,
      topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
    });
    const send = (broker as unknown as Record<symbol, (r: object) => Promise<unknown>>)[(this.#sendRequest ??= privateSymbol(broker, 'private:Broker:sendRequest'))]!;
    const response = (await send.call(broker, {
      request: {
        apiKey: PRODUCE_API_KEY,
        apiVersion: version,
        apiName: 'Produce',
        expectResponse: () => true,
        encode: async () => ({ buf: body, buffer: body, size: () => body.length }),
      },
      response: {
        decode: async (payload: Buffer) => {
          const r = decodeProduceResponse(payload, version);
          return { ...r, clientSideThrottleTime: version >= 6 ? r.throttleTimeMs : 0 };
        },
        parse: async (decoded: unknown) => decoded,
      },
    })) as ReturnType<typeof decodeProduceResponse>;
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
      if (r.errorCode === INVALID_PRODUCER_EPOCH || r.errorCode === PRODUCER_FENCED) throw new ProducerFencedError(this.transactionalId, { cause: error });
      if (!error.retriable) {
        throw new KafkaProduceError(`producing ${item.indices.length} records to ${item.topic}-${item.partition} failed: ${error.message} (${error.type})`, [item.topic], false, { cause: error });
      }
      failed.push([item, error]);
    }
    return failed;
  }

  async #recover(): Promise<void> {
    if (!this.#cluster.isConnected()) await this.#cluster.connect();
    await this.#cluster.refreshMetadata();
  }
}

/** Retries of one send: backoff, `retries`, delivery.timeout.ms since the send started. */
class Retry {
  #attempts = 0;
  constructor(
    readonly settings: ProducerSettings,
    readonly deadline: number,
    readonly topics: readonly string[],
  ) {}

  bounded<T>(p: Promise<T>): Promise<T> {
    const left = this.deadline - Date.now();
    if (left > 2_000_000_000) return p;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new KafkaProduceError(`producing to ${this.topics.join(', ')}: the broker could not be reached within delivery.timeout.ms`, this.topics, true)), Math.max(0, left));
    });
    p.catch(() => {});
    return Promise.race([p, expired]).finally(() => clearTimeout(timer));
  }

  async failed(error: unknown, recover: () => Promise<void>): Promise<void> {
    for (;;) {
      if (!isRetriableError(error)) throw error;
      if (++this.#attempts > this.settings.retries) {
        throw new KafkaProduceError(`producing to ${this.topics.join(', ')} failed after retries=${this.settings.retries}: ${messageOf(error)}`, this.topics, true, { cause: error });
      }
      const backoff = Math.min(RETRY_BACKOFF_MAX_MS, RETRY_BACKOFF_MS * 2 ** Math.min(this.#attempts - 1, 10));
      if (Date.now() + backoff >= this.deadline) {
        throw new KafkaProduceError(`producing to ${this.topics.join(', ')} did not succeed within delivery.timeout.ms=${this.settings.deliveryTimeoutMs}: ${messageOf(error)}`, this.topics, true, {
          cause: error,
        });
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

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}



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
