/**
 * The exactly-once end of the source path (KIP-618), in place of `produce → ack` and the periodic offset commit:
 *
 *   poll → transform → convert → transactional(…)
 *
 * Each converted batch goes into the open producer transaction, one batch at a time. At a boundary
 * (`transaction.boundary`: every poll, every interval, or when the task's TransactionContext asks) the source
 * offsets of every record dispatched since the last commit are written to the offsets topic in the same
 * transaction, which then commits: a read_committed consumer sees the records exactly when their offsets are
 * stored. Only after the commit are `commitRecord` and `commit` called, and the offsets mirrored (standalone file).
 *
 * As in Kafka Connect: an abort drops the transaction's records and commits their offsets at once in a new
 * transaction (the task asked to skip them); a failure aborts (best effort) and fails the task; a producer fenced by
 * a newer one with the same transactional id fails the task without writing; at stop the open transaction commits
 * for `poll` and `interval` boundaries, and for `connector` only if the task asked; a pause commits it too.
 * A batch's demand permit goes back once it is sent, so an `interval` transaction may span many polls.
 */
import { type OperatorFunction, concatMap, filter } from 'rxjs';
import type { OffsetMap, SourceRecord } from '../../data/index.js';
import { SerialQueue } from '../../async/index.js';
import type { ExactlyOnceSource } from '../contracts.js';
import { TaskFailure } from '../contracts.js';
import { ProducerFencedError, type ProducedRecordMetadata, type ProducerRecord, type TransactionalProducer } from '../kafka/client.js';
import { writeJson } from '../offsets/offset-json.js';
import { countOffsetCommit } from '../task-metrics.js';
import { failedSource, producedBytes, type ConvertedBatch, type SourceStageContext } from './source-stages.js';
import type { TaskTransactionContext, TransactionRequest } from './transaction-context.js';
import type { TransactionalDlqProducer } from './transactional-dlq.js';

interface Dispatched {
  readonly record: SourceRecord;
  /** Null: filtered, or skipped under errors.tolerance=all (commitRecord gets null metadata). */
  readonly metadata: ProducedRecordMetadata | null;
}

export class SourceTransactions {
  readonly #ctx: SourceStageContext;
  readonly #eos: ExactlyOnceSource;
  readonly #producer: TransactionalProducer;
  readonly #tx: TaskTransactionContext | null;
  readonly #queue = new SerialQueue();
  /** Source offsets dispatched since the last commit (kept across an abort: Kafka commits them with the next). */
  readonly #offsets = new Map<string, readonly [OffsetMap, OffsetMap | null]>();
  /** Records of the open transaction, for commitRecord once it commits. */
  #dispatched: Dispatched[] = [];
  /** Records sent in the open transaction (Kafka's transaction size). */
  #size = 0;
  #lastCommit = Date.now();
  #timer: NodeJS.Timeout | undefined;
  #lastPartition: OffsetMap | undefined;
  #lastKey = '';
  #finished = false;

  /** With a dead letter queue: its writes, sent in the next commit's transaction. */
  readonly #dlq: TransactionalDlqProducer | null;

  constructor(ctx: SourceStageContext, eos: ExactlyOnceSource, producer: TransactionalProducer, tx: TaskTransactionContext | null, dlq: TransactionalDlqProducer | null = null) {
    this.#ctx = ctx;
    this.#eos = eos;
    this.#producer = producer;
    this.#tx = tx;
    this.#dlq = dlq;
  }

  /** The operator that ends the path: nothing comes out, records leave through the transactions. */
  operator(): OperatorFunction<ConvertedBatch, never> {
    if (this.#eos.boundary === 'interval') {
      // An idle task's open transaction still commits on time (and never outlives transaction.timeout.ms).
      this.#timer = setInterval(() => void this.#queue.run(() => this.#onInterval()), Math.max(10, Math.min(this.#eos.intervalMs, 1000)));
      this.#timer.unref?.();
    }
    return (batches) =>
      batches.pipe(
        concatMap((batch) => this.#queue.run(() => this.#batch(batch))),
        filter((_): _ is never => false),
      );
  }

  /** A pause commits what is open (Kafka Connect's onPause), except where the task defines the boundaries. */
  commitOnPause(): void {
    if (this.#eos.boundary !== 'connector') void this.#queue.run(() => this.#guarded(() => this.#commit()));
  }

  /**
   * At stop, after the last batch: commit the open transaction where the boundary says so, abort it otherwise
   * (and always after a failure: what it holds is polled again from the committed offsets).
   */
  finish(failed: boolean): Promise<void> {
    clearInterval(this.#timer);
    return this.#queue.run(async () => {
      if (this.#finished) return;
      this.#finished = true;
      if (!failed && !this.#ctx.halted()) {
        const request = this.#eos.boundary === 'connector' ? this.#tx?.takeForBatch() ?? null : 'commit';
        if (request !== null) {
          await this.#guarded(() => this.#end(request));
          return;
        }
      }
      await this.#abandon();
    });
  }

  async #batch(batch: ConvertedBatch): Promise<void> {
    const ctx = this.#ctx;
    if (ctx.halted() || this.#finished) {
      batch.permit.release();
      return;
    }
    try {
      await this.#dispatch(batch);
      // With a transactional DLQ the next batch is polled (and its dead-letter writes made) after this boundary.
      if (!this.#dlq) batch.permit.release();
      const request = this.#batchBoundary(batch);
      if (request) await this.#end(request);
      batch.permit.release();
    } catch (e) {
      batch.permit.release();
      await this.#failWith(e, batch.records[0]);
    }
  }

  async #dispatch(batch: ConvertedBatch): Promise<void> {
    const { records, converted, skipped } = batch;
    const tx = this.#tx;
    let out: ProducerRecord[] = [];
    let origin: SourceRecord[] = [];
    const send = async () => {
      if (out.length === 0) return;
      const sending = out;
      const from = origin;
      out = [];
      origin = [];
      await this.#send(sending, from);
    };
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      this.#offsets.set(this.#keyOf(record.sourcePartition), [record.sourcePartition, record.sourceOffset]);
      const c = converted[i];
      if (skipped?.has(i) || c === null || c === undefined) this.#dispatched.push({ record, metadata: null });
      else {
        out.push(c);
        origin.push(record);
      }
      if (tx?.hasRecordRequests) {
        const request = tx.takeForRecord(record);
        if (request) {
          await send();
          await this.#end(request);
        }
      }
    }
    await send();
  }

  /** A source partition's key; tasks usually reuse one partition object, so the JSON is made once (as SubmittedRecords does). */
  #keyOf(partition: OffsetMap): string {
    if (partition !== this.#lastPartition) {
      this.#lastPartition = partition;
      this.#lastKey = writeJson(partition);
    }
    return this.#lastKey;
  }

  async #send(out: ProducerRecord[], origin: SourceRecord[]): Promise<void> {
    const ctx = this.#ctx;
    if (ctx.limits?.limitsBytes) ctx.limits.taken(0, producedBytes(out));
    if (ctx.topicCreator) await ctx.topicCreator.ensure(out.map((r) => r.topic));
    if (!this.#producer.inTransaction) await this.#producer.begin();
    ctx.metrics.recordsSent += out.length;
    const metadata = await this.#producer.send(out);
    for (let i = 0; i < origin.length; i++) this.#dispatched.push({ record: origin[i]!, metadata: metadata[i]! });
    this.#size += out.length;
  }

  #batchBoundary(batch: ConvertedBatch): TransactionRequest | null {
    switch (this.#eos.boundary) {
      case 'poll':
        return 'commit';
      case 'interval':
        return Date.now() >= this.#lastCommit + this.#eos.intervalMs ? 'commit' : null;
      case 'connector':
        return batch.request ?? null;
    }
  }

  async #onInterval(): Promise<void> {
    if (this.#finished || this.#ctx.halted() || Date.now() < this.#lastCommit + this.#eos.intervalMs) return;
    await this.#guarded(() => this.#commit());
  }

  #end(request: TransactionRequest): Promise<void> {
    return request === 'commit' ? this.#commit() : this.#abort();
  }

  /** Kafka's commitTransaction: the offsets go into the open transaction (or a new one), which commits. */
  async #commit(): Promise<void> {
    const ctx = this.#ctx;
    this.#lastCommit = Date.now();
    const dlq = this.#dlq?.drain();
    if (!this.#producer.inTransaction && this.#offsets.size === 0 && !dlq?.records.length) {
      dlq?.settle();
      await this.#afterCommit([]);
      return;
    }
    const started = performance.now();
    const entries = [...this.#offsets.values()];
    try {
      // A skipped record's offset must not be stored before its dead-letter write is durable: in this transaction
      // (transactional DLQ), or acknowledged before it.
      if (!dlq) await ctx.runner.handler.flush?.();
      if (!this.#producer.inTransaction) await this.#producer.begin();
      if (dlq && dlq.records.length > 0) await this.#producer.send(dlq.records);
      if (entries.length > 0) await this.#producer.send(this.#eos.offsetRecords(ctx.input.id.connector, entries));
      await this.#producer.commit();
    } catch (e) {
      dlq?.settle(e);
      throw e;
    }
    dlq?.settle();
    this.#offsets.clear();
    countOffsetCommit(ctx.metrics, performance.now() - started);
    const m = ctx.metrics;
    m.transactionSizeMin = m.transactionsCommitted === 0 ? this.#size : Math.min(m.transactionSizeMin, this.#size);
    m.transactionSizeMax = Math.max(m.transactionSizeMax, this.#size);
    m.transactionsCommitted++;
    m.transactionRecords += this.#size;
    this.#size = 0;
    await this.#afterCommit(entries);
  }

  async #afterCommit(entries: ReadonlyArray<readonly [OffsetMap, OffsetMap | null]>): Promise<void> {
    const { input, acks, log, metrics } = this.#ctx;
    if (entries.length > 0 && this.#eos.committed) {
      try {
        await this.#eos.committed(input.id.connector, entries);
      } catch (e) {
        // The offsets topic holds them; the mirror (a standalone worker's file) catches up at the next commit.
        log.warn({ task: input.id, err: e }, 'storing committed offsets beside the offsets topic failed');
      }
    }
    const dispatched = this.#dispatched;
    this.#dispatched = [];
    let written = 0;
    for (const { record, metadata } of dispatched) {
      if (metadata) {
        written++;
        acks.noteTopic(metadata.topic);
      }
      const r = acks.commitRecord(record, metadata && { topic: metadata.topic, partition: metadata.partition, offset: metadata.offset, timestamp: metadata.timestamp });
      if (r) await r;
    }
    metrics.recordsWritten += written;
    try {
      await input.task.commit();
    } catch (e) {
      log.warn({ task: input.id, err: e }, 'task.commit() threw; ignored');
    }
  }

  /** The task asked to abort: the records are dropped, their offsets committed at once (Kafka Connect's order). */
  async #abort(): Promise<void> {
    const { input, log, metrics } = this.#ctx;
    if (!this.#producer.inTransaction) {
      log.warn({ task: input.id }, 'Ignoring request by task to abort transaction as the current transaction is empty');
    } else {
      log.info({ task: input.id }, 'Aborting transaction as requested by connector');
      await this.#producer.abort();
      metrics.transactionsAborted++;
      this.#dispatched = this.#dispatched.map(({ record }) => ({ record, metadata: null }));
      this.#size = 0;
    }
    await this.#commit();
  }

  /** After a failure or a stop that does not commit: the open transaction is aborted when the producer still can. */
  async #abandon(): Promise<void> {
    this.#dispatched = [];
    this.#offsets.clear();
    this.#dlq?.drain().settle(new Error('the transaction was abandoned'));
    if (!this.#producer.inTransaction) return;
    try {
      await this.#producer.abort();
      this.#ctx.metrics.transactionsAborted++;
    } catch (e) {
      // Fenced or gone: the broker aborts it when its producer id is taken over or the transaction times out.
      this.#ctx.log.debug({ task: this.#ctx.input.id, err: e }, 'aborting the open transaction failed');
    }
  }

  async #guarded(op: () => Promise<void>): Promise<void> {
    try {
      await op();
    } catch (e) {
      await this.#failWith(e, undefined);
    }
  }

  async #failWith(e: unknown, record: SourceRecord | undefined): Promise<void> {
    const ctx = this.#ctx;
    const coordinates = record ? failedSource(record).coordinates : undefined;
    if (!(e instanceof ProducerFencedError)) await this.#abandon();
    else this.#dispatched = [];
    const cause = e instanceof ProducerFencedError ? fencedCause(e, ctx.input.id) : e;
    ctx.fail(cause instanceof TaskFailure ? cause : new TaskFailure(ctx.input.id, 'KAFKA_PRODUCE', cause, coordinates));
  }
}

/**
 * The broker answers the same for both: a newer producer took the transactional id (this task runs elsewhere now),
 * or the transaction outlived `transaction.timeout.ms` and the coordinator aborted it (Kafka Connect's advice).
 */
function fencedCause(e: ProducerFencedError, id: { connector: string; task: number }): Error {
  return new Error(
    `the producer of task ${id.connector}-${id.task} (transactional.id ${e.transactionalId}) was fenced: either a newer instance of the ` +
      'task took over its transactional id (this one is a zombie and must not write), or its transaction outlived ' +
      'transaction.timeout.ms and was aborted by the broker. If the latter, reconfigure the connector: raise ' +
      'producer.override.transaction.timeout.ms, shorten transaction.boundary.interval.ms, or use transaction.boundary=poll.',
    { cause: e },
  );
}
