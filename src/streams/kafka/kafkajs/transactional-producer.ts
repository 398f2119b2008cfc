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
import type { Kafka } from 'kafkajs';
import {
  ProducerFencedError,
  type ProducedRecordMetadata,
  type ProducerRecord,
  type TransactionalProducer,
} from '../client.js';
import type { ProducerSettings } from '../client-settings.js';
import { sleep } from '../../../async/index.js';
import { RecordPartitioner, compressor, recordBytes } from './record-routing.js';
import { KafkaProduceError } from './produce-error.js';
import {
  INVALID_PRODUCER_EPOCH, MAX_MERGED_RECORDS, PRODUCER_FENCED, ProduceRounds, RETRY_BACKOFF_MAX_MS, RETRY_BACKOFF_MS, createCluster,
  isRetriable, messageOf, type Item, type KjsBroker, type KjsCluster,
} from './produce-rounds.js';

/** Kafka's producer retries AddPartitionsToTxn after CONCURRENT_TRANSACTIONS this soon (ADD_PARTITIONS_RETRY_BACKOFF_MS). */
const CONCURRENT_TRANSACTIONS_BACKOFF_MS = 20;
/** How long InitProducerId/AddPartitionsToTxn/EndTxn are retried (Kafka's max.block.ms default). */
const COORDINATOR_TIMEOUT_MS = 60_000;
/** How long disconnect() tries to abort an open transaction. */
const ABORT_ON_CLOSE_TIMEOUT_MS = 5_000;
/** kafkajs's COORDINATOR_TYPES.TRANSACTION. */
const TRANSACTION_COORDINATOR = 1;
const INT32_MAX = 2_147_483_647;

/** The kafkajs broker requests of the transaction protocol (kafkajs 2.2.4 internals). */
export interface KjsTxnBroker extends KjsBroker {
  initProducerId(r: { transactionalId: string; transactionTimeout: number }): Promise<{ producerId: string; producerEpoch: number }>;
  addPartitionsToTxn(r: { transactionalId: string; producerId: string; producerEpoch: number; topics: Array<{ topic: string; partitions: number[] }> }): Promise<unknown>;
  endTxn(r: { transactionalId: string; producerId: string; producerEpoch: number; transactionResult: boolean }): Promise<unknown>;
}
export interface KjsTxnCluster extends KjsCluster<KjsTxnBroker> {
  findGroupCoordinator(args: { groupId: string; coordinatorType: number }): Promise<KjsTxnBroker>;
}

/** A kafkajs cluster that reaches transaction coordinators. */
export function createTxnCluster(kafka: Kafka): KjsTxnCluster {
  return createCluster<KjsTxnCluster>(kafka);
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

/** Whether a coordinator request or a produce may be retried: as any send, except that a fenced epoch never is. */
export function isRetriableError(e: unknown): boolean {
  return e instanceof Error && !isFencingError(e) && isRetriable(e);
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
  readonly #rounds: ProduceRounds;
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
  readonly #queue: Op[] = [];
  #draining = false;

  constructor(kafka: Kafka, options: KafkajsTransactionalProducerOptions) {
    this.transactionalId = options.transactionalId;
    this.#settings = options.settings;
    this.#transactionTimeoutMs = options.transactionTimeoutMs;
    this.#cluster = createTxnCluster(kafka);
    this.#rounds = new ProduceRounds({
      cluster: this.#cluster,
      settings: options.settings,
      partitioner: new RecordPartitioner(this.#cluster, options.settings.batchSize),
      codec: options.settings.compression !== 'none' ? compressor(options.settings.compression) : undefined,
      retriable: isRetriableError,
      transactional: {
        transactionalId: this.transactionalId,
        batchIdentity: (item) => this.#batchIdentity(item),
        beforeRounds: (rounds) => this.#addPartitions(rounds),
      },
    });
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
          const metadata = await this.#rounds.deliver(all, jobs[0]!.enqueued);
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

  /** A new batch's producer id, epoch and first sequence; the partition's next sequence moves past it. */
  #batchIdentity(item: Item): { producerId: bigint; producerEpoch: number; baseSequence: number } {
    const key = `${item.topic}\0${item.partition}`;
    const sequence = this.#sequences.get(key) ?? 0;
    const next = sequence + item.indices.length;
    this.#sequences.set(key, next > INT32_MAX ? next - INT32_MAX - 1 : next);
    return { producerId: BigInt(this.#producerId), producerEpoch: this.#producerEpoch, baseSequence: sequence };
  }
}
