/**
 * A sink task fed by an RxJS Observable instead of a consumer:
 *
 *   offer (record, origin) → transformation chain → put → flush (preCommit) → origins released
 *
 * Records offered in one synchronous burst (a polled batch going through the user's operators) are put as one
 * batch. `put` and flushes never overlap (one serial queue, as the consumer's callbacks are in the worker). A
 * flush happens every `offset.flush.interval.ms`, when the task calls `context.requestCommit()`, when a source
 * waits for its records to be done, and at stop; it calls `preCommit` with the offsets put so far and releases
 * the origin of every record below what the task says it flushed — that is what lets the source commit.
 */
import type { SinkTaskContext, TopicPartition, TopicPartitionOffsets } from '../connectors/api/index.js';
import { RetriableException, topicPartition, tpKey } from '../connectors/api/index.js';
import type { SinkRecord } from '../data/index.js';
import { SerialQueue, sleep } from '../async/index.js';
import type { SinkTaskInput, TaskMetrics, TaskRun } from '../streams/contracts.js';
import { TaskFailure } from '../streams/contracts.js';
import type { StreamLogger } from '../streams/kafka/client.js';
import { RetryWithToleranceOperator, retryDeadline, retryDelayMs, type FailedRecord } from '../streams/errors/retry-with-tolerance.js';
import { withErrorMetrics, type RecordErrorHandler } from '../streams/errors/record-error-handler.js';
import { RunEnd } from '../streams/util/run-end.js';
import { RateLimits } from '../streams/util/rate-limit.js';
import { countBatch, countOffsetCommit, newMetrics } from '../streams/task-metrics.js';
import type { Origin } from './origin.js';

/** What the `sink()` subscriber hands records to: one per running sink task. */
export interface SinkPort {
  offer(record: SinkRecord, origin: Origin | null): void;
  /** Flush soon (a source waits for acknowledgements). */
  requestFlush(): void;
  /** Put and flush everything offered so far. */
  drain(): Promise<void>;
}

/** Where a reactive sink task registers while it runs. */
export interface SinkInlet {
  attach(task: number, port: SinkPort): void;
  detach(task: number, port: SinkPort): void;
}

export interface ReactiveSinkDeps {
  readonly inlet: SinkInlet;
  readonly errors: RecordErrorHandler;
  readonly log: StreamLogger;
  /** Wait before redelivering after a RetriableException from put when the task did not call context.timeout. */
  readonly retryBackoffMs?: number;
}

/** Records reaching a reactive sink always have a partition (sink() numbers them); 0 is the fallback of the type. */
const partitionOf = (record: SinkRecord): number => record.kafkaPartition ?? 0;

interface Offered {
  readonly record: SinkRecord;
  readonly origin: Origin | null;
}

export function startReactiveSink(input: SinkTaskInput, deps: ReactiveSinkDeps): TaskRun {
  return new ReactiveSinkRun(input, deps).run;
}

class ReactiveSinkRun implements SinkPort {
  readonly run: TaskRun;
  readonly #input: SinkTaskInput;
  readonly #deps: ReactiveSinkDeps;
  readonly #metrics: Required<TaskMetrics> = newMetrics();
  readonly #queue = new SerialQueue();
  readonly #stop = new AbortController();
  readonly #runner: RetryWithToleranceOperator;
  readonly #end: RunEnd;
  #offered: Offered[] = [];
  #scheduled = false;
  #flushWanted = false;
  /** Put (or filtered/skipped) but not yet flushed, in offer order. */
  #unflushed: Offered[] = [];
  /** Next offset per topic-partition: what preCommit is given. */
  readonly #positions: TopicPartitionOffsets = new Map();
  readonly #opened = new Map<string, TopicPartition>();
  #retryTimeout: number | undefined;
  #paused = false;
  #started: Promise<boolean>;
  #shutDown = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #limits: RateLimits | null;

  constructor(input: SinkTaskInput, deps: ReactiveSinkDeps) {
    this.#input = input;
    this.#limits = RateLimits.of(input.config);
    this.#deps = deps;
    this.#runner = new RetryWithToleranceOperator({ id: input.id, handler: deps.errors, metrics: this.#metrics, logger: deps.log, signal: this.#stop.signal });
    this.#end = new RunEnd(input.id);
    this.run = {
      id: input.id,
      done: this.#end.done,
      pause: () => {
        this.#paused = true;
      },
      resume: () => {
        this.#paused = false;
        this.#schedule();
      },
      stop: (timeoutMs) => this.#end.stop(() => this.#shutdown(timeoutMs)),
      metrics: () => withErrorMetrics({ ...this.#metrics }, deps.errors),
    };
    this.#started = this.#queue.run(() => this.#start());
  }

  async #start(): Promise<boolean> {
    const { task, config, id } = this.#input;
    const context: SinkTaskContext = {
      configs: () => config,
      offset: () => this.#deps.log.warn({ task: id }, 'context.offset() has no effect on a reactive sink: records come from an Observable, not a log'),
      timeout: (ms) => {
        this.#retryTimeout = ms;
      },
      assignment: () => [...this.#opened.values()],
      pause: () => {},
      resume: () => {},
      requestCommit: () => this.requestFlush(),
      errantRecordReporter: this.#deps.errors.errantRecordReporter?.(() => undefined) ?? null,
    };
    try {
      await this.#deps.errors.start?.();
      task.initialize(context);
      await task.start(config);
    } catch (e) {
      this.#fail(new TaskFailure(id, 'TASK_START', e));
      return false;
    }
    // Stopped while it started (a stream that ended at once): no timer, no routing (its stop is queued behind).
    if (this.#end.stopping) return true;
    this.#timer = setInterval(() => this.requestFlush(), this.#input.options.offsetFlushIntervalMs);
    this.#deps.inlet.attach(id.task, this);
    return true;
  }

  offer(record: SinkRecord, origin: Origin | null): void {
    if (this.#end.stopping || this.#end.failure) {
      // Held forever: this record's source offset must not be committed.
      origin?.retain();
      return;
    }
    origin?.retain();
    this.#offered.push({ record, origin });
    this.#schedule();
  }

  requestFlush(): void {
    this.#flushWanted = true;
    this.#schedule();
  }

  drain(): Promise<void> {
    return this.#queue.run(async () => {
      await this.#putOffered();
      await this.#flush();
    });
  }

  /** One job per synchronous burst of offers: a polled batch is put as one batch. */
  #schedule(): void {
    if (this.#scheduled || this.#paused) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      void this.#queue.run(async () => {
        if (this.#shutDown) return;
        const starved = await this.#putOffered();
        if (this.#flushWanted || starved) await this.#flush();
      });
    });
  }

  /** Puts what was offered; true when a source of these records waits for them to be flushed. */
  async #putOffered(): Promise<boolean> {
    if (this.#offered.length === 0 || this.#end.failure || this.#stop.signal.aborted) return false;
    const batch = this.#offered;
    this.#offered = [];
    countBatch(this.#metrics, batch.length);
    if (this.#limits) {
      this.#limits.taken(batch.length, 0); // records only: they arrive as objects, not bytes
      this.#metrics.throttleTimeMs += await this.#limits.throttle(this.#stop.signal);
    }
    await this.#openNew(batch);
    const records = batch.map((o) => o.record);
    const outcome = await this.#runner.execute(records, 'TRANSFORMATION', (r: SinkRecord) => this.#transform(r), (i) => this.#failed(records[i]!));
    if (outcome.kind === 'failed') {
      this.#fail(outcome.failure);
      return false;
    }
    if (outcome.kind === 'aborted') return false;
    const toPut = outcome.values.filter((r): r is SinkRecord => r !== null && r !== undefined);
    if (toPut.length > 0 && !(await this.#put(toPut))) return false;
    let starved = false;
    for (const o of batch) {
      if ((o.origin?.link.starved ?? 0) > 0) starved = true;
      const { record } = o;
      const key = tpKey({ topic: record.topic, partition: partitionOf(record) });
      this.#positions.set(key, { tp: topicPartition(record.topic, partitionOf(record)), offset: record.kafkaOffset + 1 });
      this.#unflushed.push(o);
    }
    return starved;
  }

  #transform(record: SinkRecord): SinkRecord | null {
    const out = this.#input.transform(record);
    if (out === null) this.#metrics.recordsFiltered++;
    return out;
  }

  async #openNew(batch: readonly Offered[]): Promise<void> {
    const fresh: TopicPartition[] = [];
    for (const { record } of batch) {
      const key = tpKey({ topic: record.topic, partition: partitionOf(record) });
      if (this.#opened.has(key)) continue;
      const tp = topicPartition(record.topic, partitionOf(record));
      this.#opened.set(key, tp);
      fresh.push(tp);
    }
    if (fresh.length > 0) await this.#input.task.open(fresh);
  }

  /** put, redelivering after RetriableExceptions as the worker's sink path does; false when the task failed. */
  async #put(records: SinkRecord[]): Promise<boolean> {
    const { input } = { input: this.#input };
    const policy = this.#runner.retryPolicy;
    const deadline = policy ? retryDeadline(policy, Date.now()) : Infinity;
    for (let attempt = 1; ; attempt++) {
      if (this.#stop.signal.aborted) return false;
      try {
        const started = performance.now();
        await input.task.put(records);
        const ms = performance.now() - started;
        this.#metrics.recordsWritten += records.length;
        this.#metrics.putBatches++;
        this.#metrics.putTimeMs += ms;
        if (ms > this.#metrics.putTimeMaxMs) this.#metrics.putTimeMaxMs = ms;
        return true;
      } catch (e) {
        const first = records[0]!;
        const coordinates = { topic: first.topic, partition: partitionOf(first), offset: first.kafkaOffset };
        if (!(e instanceof RetriableException)) {
          this.#fail(new TaskFailure(input.id, 'TASK_PUT', e, coordinates));
          return false;
        }
        const now = Date.now();
        if (policy && now >= deadline) {
          for (const r of records) {
            if (!(await this.#runner.tolerate('TASK_PUT', e, this.#failed(r).ref))) {
              this.#fail(new TaskFailure(input.id, 'TASK_PUT', e, coordinates));
              return false;
            }
          }
          return true;
        }
        const taskWait = this.#retryTimeout;
        this.#retryTimeout = undefined;
        const wait = Math.min(taskWait ?? (policy ? retryDelayMs(attempt, policy.maxDelayMs) : (this.#deps.retryBackoffMs ?? 100)), deadline - now);
        this.#deps.log.warn({ task: input.id, err: e, attempt, retryInMs: wait }, 'put failed with a retriable error; redelivering the batch');
        await sleep(wait, this.#stop.signal);
      }
    }
  }

  /** preCommit with the offsets put so far; releases every record below what the task says it flushed. */
  async #flush(): Promise<void> {
    this.#flushWanted = false;
    if (this.#unflushed.length === 0 || this.#end.failure || this.#shutDown) return;
    const started = performance.now();
    let committed: TopicPartitionOffsets;
    try {
      await this.#deps.errors.flush?.();
      committed = await this.#input.task.preCommit(new Map(this.#positions));
    } catch (e) {
      this.#metrics.offsetCommitFailures++;
      this.#deps.log.error({ task: this.#input.id, err: e }, 'flush (preCommit) failed; the records stay unacknowledged');
      return;
    }
    countOffsetCommit(this.#metrics, performance.now() - started);
    const kept: Offered[] = [];
    for (const o of this.#unflushed) {
      const upTo = committed.get(tpKey({ topic: o.record.topic, partition: partitionOf(o.record) }))?.offset;
      if (upTo !== undefined && o.record.kafkaOffset < upTo) o.origin?.release();
      else kept.push(o);
    }
    this.#unflushed = kept;
  }

  #failed(record: SinkRecord): FailedRecord {
    const { converters } = this.#input;
    const bytes = (isKey: boolean): Buffer | null => {
      try {
        const b = isKey
          ? converters.key.fromConnectData(record.topic, record.keySchema, record.key, record.headers)
          : converters.value.fromConnectData(record.topic, record.valueSchema, record.value, record.headers);
        return b === null ? null : Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
      } catch {
        return null;
      }
    };
    const message = {
      offset: record.kafkaOffset,
      key: bytes(true),
      value: bytes(false),
      headers: [],
      timestamp: record.timestamp,
      timestampType: record.timestampType,
    };
    return {
      ref: { sinkRecord: record, consumed: { topic: record.topic, partition: partitionOf(record), message } },
      coordinates: { topic: record.topic, partition: partitionOf(record), offset: record.kafkaOffset },
    };
  }

  async #shutdown(timeoutMs: number): Promise<void> {
    clearInterval(this.#timer);
    this.#deps.inlet.detach(this.#input.id.task, this);
    const started = await this.#started;
    clearInterval(this.#timer); // in case the start set it meanwhile
    this.#deps.inlet.detach(this.#input.id.task, this);
    const work = this.#queue.run(async () => {
      if (!started) return;
      if (!this.#end.failure && !this.#shutDown) {
        await this.#putOffered();
        await this.#flush();
      }
      this.#stop.abort();
      try {
        await this.#input.task.close([...this.#opened.values()]);
      } catch (e) {
        this.#deps.log.warn({ task: this.#input.id, err: e }, 'task.close() threw');
      }
      try {
        await this.#input.task.stop();
      } catch (e) {
        this.#deps.log.error({ task: this.#input.id, err: e }, 'task.stop() threw');
      }
    });
    const timer = new Promise<void>((r) => setTimeout(r, timeoutMs).unref());
    await Promise.race([work, timer]);
    this.#shutDown = true; // past the budget: what is still queued puts and flushes nothing more
    this.#stop.abort();
    try {
      await this.#deps.errors.close?.(timeoutMs);
    } catch (e) {
      this.#deps.log.warn({ task: this.#input.id, err: e }, 'closing the dead letter queue failed');
    }
  }

  #fail(failure: TaskFailure): void {
    if (!this.#end.noteFailure(failure) || this.#end.stopping) return;
    void this.run.stop(this.#input.options.offsetFlushTimeoutMs);
  }
}
