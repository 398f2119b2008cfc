/**
 * A source task whose records go to an RxJS subscriber instead of a producer:
 *
 *   permit → poll → offsets checked → transformation chain → emit (each record inside its Origin)
 *
 * A batch holds one permit (of `maxInFlightBatches`) until every record of it is done: dropped on the way, or
 * flushed by the sink that received it (origin.ts). While no permit is free the sinks are asked to flush, so
 * a slow sink slows the poll and memory stays bounded. Offsets are committed every `offset.flush.interval.ms`
 * and at stop, never past a record that is not done (SubmittedRecords).
 */
import { RetriableException } from '../connectors/api/index.js';
import type { SourceRecord } from '../data/index.js';
import { settlesWithin, sleep } from '../async/index.js';
import type { SourceTaskInput, TaskMetrics, TaskRun } from '../streams/contracts.js';
import { TaskFailure } from '../streams/contracts.js';
import type { StreamLogger } from '../streams/kafka/client.js';
import { SubmittedRecords, type SubmittedRecord } from '../streams/offsets/submitted-records.js';
import { SourceOffsetCommitter } from '../streams/source/source-offsets.js';
import { sourceTaskContext } from '../streams/source/source-pipeline.js';
import { validateOffsetMap, writeJson } from '../streams/offsets/offset-json.js';
import { RetryWithToleranceOperator } from '../streams/errors/retry-with-tolerance.js';
import { withErrorMetrics, type RecordErrorHandler } from '../streams/errors/record-error-handler.js';
import { Permits, type Permit } from '../streams/util/permits.js';
import { Valve } from '../streams/util/valve.js';
import { RunEnd } from '../streams/util/run-end.js';
import { RateLimits } from '../streams/util/rate-limit.js';
import { countBatch, newMetrics } from '../streams/task-metrics.js';
import { Origin, emitWithin, type OriginLink } from './origin.js';

/** Where a reactive source task's records go: the subscriber of `source()`. */
export interface SourceOutlet {
  readonly link: OriginLink;
  /** False once the subscriber is gone: nothing more is emitted (and so nothing more is acknowledged). */
  readonly open: boolean;
  emit(record: SourceRecord): void;
  /** The task is finished (bounded source) and every record it emitted is done. */
  finished(run: TaskRun): void;
}

export interface ReactiveSourceDeps {
  readonly outlet: SourceOutlet;
  readonly errors: RecordErrorHandler;
  readonly log: StreamLogger;
  readonly pollRetryBackoffMs?: number;
}

export function startReactiveSource(input: SourceTaskInput, deps: ReactiveSourceDeps): TaskRun {
  return new ReactiveSourceRun(input, deps).run;
}

class ReactiveSourceRun {
  readonly run: TaskRun;
  readonly #input: SourceTaskInput;
  readonly #deps: ReactiveSourceDeps;
  readonly #metrics: Required<TaskMetrics> = newMetrics();
  readonly #permits: Permits;
  readonly #valve = new Valve();
  readonly #submitted = new SubmittedRecords();
  readonly #committer: SourceOffsetCommitter;
  readonly #stop = new AbortController();
  readonly #runner: RetryWithToleranceOperator;
  readonly #end: RunEnd;
  #loop: Promise<void> = Promise.resolve();
  #started = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #limits: RateLimits | null;

  constructor(input: SourceTaskInput, deps: ReactiveSourceDeps) {
    this.#input = input;
    this.#limits = RateLimits.of(input.config);
    this.#deps = deps;
    this.#permits = new Permits(input.options.maxInFlightBatches);
    this.#committer = new SourceOffsetCommitter(input, this.#submitted, this.#metrics, deps.log);
    this.#runner = new RetryWithToleranceOperator({
      id: input.id,
      handler: deps.errors,
      metrics: this.#metrics,
      logger: deps.log,
      signal: this.#stop.signal,
    });
    this.#end = new RunEnd(input.id);
    this.run = {
      id: input.id,
      done: this.#end.done,
      pause: () => this.#valve.close(),
      resume: () => this.#valve.open(),
      stop: (timeoutMs) => this.#end.stop(() => this.#shutdown(timeoutMs)),
      metrics: () => withErrorMetrics({ ...this.#metrics, inFlightBatches: this.#permits.inUse }, deps.errors),
    };
    this.#loop = this.#start();
  }

  async #start(): Promise<void> {
    const { task, config, id } = this.#input;
    try {
      await this.#deps.errors.start?.();
      task.initialize(sourceTaskContext(this.#input));
      await task.start(config);
      this.#started = true;
    } catch (e) {
      this.#fail(new TaskFailure(id, 'TASK_START', e));
      return;
    }
    if (this.#stopping()) return; // stopped while it started: no commit timer (the stop commits)
    this.#timer = setInterval(() => void this.#committer.commit(), this.#input.options.offsetFlushIntervalMs);
    try {
      await this.#pollLoop();
    } catch (e) {
      this.#fail(e instanceof TaskFailure ? e : new TaskFailure(id, 'TASK_POLL', e));
    }
  }

  #stopping(): boolean {
    return this.#stop.signal.aborted || this.#end.failure !== undefined;
  }

  /** Waits for `until` as a starved task: every sink holding this source's records flushes them (which frees the permits). */
  async #starved<T>(until: () => Promise<T>): Promise<T> {
    const link = this.#deps.outlet.link;
    link.starved++;
    try {
      for (const flush of link.flushers) flush();
      return await until();
    } finally {
      link.starved--;
    }
  }

  async #pollLoop(): Promise<void> {
    const { task, id } = this.#input;
    const signal = this.#stop.signal;
    while (!this.#stopping() && this.#deps.outlet.open) {
      const permit = this.#permits.inUse === this.#permits.capacity ? await this.#starved(() => this.#permits.take(signal)) : await this.#permits.take(signal);
      if (!permit) return;
      const paused = this.#valve.whenOpen();
      if (paused) await paused;
      if (this.#limits) this.#metrics.throttleTimeMs += await this.#limits.throttle(signal);
      if (this.#stopping()) return permit.release();
      let records: SourceRecord[] | null;
      const started = performance.now();
      try {
        records = await task.poll(signal);
      } catch (e) {
        permit.release();
        if (this.#stopping()) return;
        if (e instanceof RetriableException) {
          this.#deps.log.warn({ task: id, err: e }, 'poll failed with a retriable error; polling again');
          await sleep(this.#deps.pollRetryBackoffMs ?? 100, signal);
          continue;
        }
        throw new TaskFailure(id, 'TASK_POLL', e);
      }
      const pollMs = performance.now() - started;
      if (!records || records.length === 0) {
        permit.release();
        if (task.isFinished?.() === true) return this.#finish();
        await sleep(Math.min(100, Math.max(1, pollMs)), signal);
        continue;
      }
      countBatch(this.#metrics, records.length);
      this.#limits?.taken(records.length, 0); // records only: nothing is converted to bytes here
      this.#metrics.pollTimeMs += pollMs;
      if (pollMs > this.#metrics.pollTimeMaxMs) this.#metrics.pollTimeMaxMs = pollMs;
      let outcome;
      try {
        outcome = await this.#transform(records);
      } catch (e) {
        permit.release();
        throw e;
      }
      if (outcome.kind === 'aborted') return permit.release();
      if (outcome.kind === 'failed') {
        permit.release();
        throw outcome.failure;
      }
      this.#emit(records, outcome.values, outcome.skipped, permit);
      // A task that answers at once would otherwise starve the timers (offset flush, stop).
      await new Promise((r) => setImmediate(r));
    }
  }

  #transform(records: readonly SourceRecord[]) {
    const input = this.#input;
    for (const record of records) {
      try {
        validateOffsetMap('partition', record.sourcePartition);
        validateOffsetMap('offset', record.sourceOffset);
      } catch (e) {
        throw new TaskFailure(input.id, 'TASK_POLL', e, { topic: record.topic });
      }
    }
    const apply = (record: SourceRecord): SourceRecord | null => {
      const out = input.transform(record);
      if (out === null) this.#metrics.recordsFiltered++;
      return out;
    };
    return this.#runner.execute(records, 'TRANSFORMATION', apply, (i) => ({
      ref: { sourceRecord: records[i]! },
      coordinates: { topic: records[i]!.topic, sourcePartition: records[i]!.sourcePartition, offset: writeJson(records[i]!.sourceOffset) },
    }));
  }

  /** Puts the batch on the books in poll order, then emits what is left after the transforms. */
  #emit(records: readonly SourceRecord[], values: ReadonlyArray<SourceRecord | null>, skipped: ReadonlySet<number> | undefined, permit: Permit): void {
    let pending = records.length;
    const handles: SubmittedRecord[] = records.map((r) => this.#submitted.submit(r.sourcePartition, r.sourceOffset));
    const doneWith = (i: number) => () => {
      handles[i]!.ack();
      this.#commitRecord(records[i]!);
      this.#metrics.recordsWritten++;
      if (--pending === 0) permit.release();
    };
    const reported: number[] = [];
    for (let i = 0; i < records.length; i++) {
      const value = values[i];
      if (skipped?.has(i)) reported.push(i);
      else if (value === null || value === undefined) doneWith(i)();
      else if (!this.#deps.outlet.open) {
        // No subscriber any more: the rest of the batch is never acknowledged (its offsets stay), and the permit
        // waits only for what was emitted.
        pending -= records.length - i;
        if (pending === 0) permit.release();
        break;
      } else {
        this.#metrics.recordsSent++;
        const outlet = this.#deps.outlet;
        emitWithin(new Origin(outlet.link, doneWith(i)), value, () => outlet.emit(value), () => outlet.open);
      }
    }
    if (reported.length > 0) {
      // Skipped records count as done once the error handler's reports (DLQ writes) are durable.
      const flushed = this.#deps.errors.flush?.() ?? Promise.resolve();
      flushed.then(
        () => reported.forEach((i) => doneWith(i)()),
        (e: unknown) => this.#fail(new TaskFailure(this.#input.id, 'KAFKA_PRODUCE', e)),
      );
    }
  }

  #commitRecord(record: SourceRecord): void {
    const warn = (e: unknown) => this.#deps.log.warn({ task: this.#input.id, err: e }, 'commitRecord threw; ignored as Kafka Connect does');
    try {
      const r = this.#input.task.commitRecord(record, null);
      if (r instanceof Promise) r.catch(warn);
    } catch (e) {
      warn(e);
    }
  }

  /** A bounded task is done: once every record it emitted is done, the outlet hears of it. */
  async #finish(): Promise<void> {
    const drained = await this.#drained(this.#stop.signal);
    if (drained) {
      await this.#committer.commit();
      this.#deps.outlet.finished(this.run);
    }
  }

  /** Resolves true once every permit is back, asking the sinks to flush meanwhile. */
  #drained(signal: AbortSignal): Promise<boolean> {
    return this.#starved(() => this.#permits.drained(signal));
  }

  async #shutdown(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    this.#stop.abort();
    this.#valve.open();
    clearInterval(this.#timer);
    await settlesWithin(this.#loop, deadline - Date.now());
    clearInterval(this.#timer);
    const budget = new AbortController();
    const settled = await settlesWithin(this.#drained(budget.signal), Math.min(this.#input.options.offsetFlushTimeoutMs, Math.max(0, deadline - Date.now())));
    budget.abort();
    if (!settled) {
      this.#deps.log.warn(
        { task: this.#input.id, outstanding: this.#submitted.outstanding },
        'stopping with records no sink has flushed; their offsets are not committed',
      );
    }
    await this.#committer.commit();
    if (this.#started) {
      try {
        await this.#input.task.stop();
      } catch (e) {
        this.#deps.log.error({ task: this.#input.id, err: e }, 'task.stop() threw');
      }
    }
    try {
      await this.#deps.errors.close?.(Math.max(0, deadline - Date.now()));
    } catch (e) {
      this.#deps.log.warn({ task: this.#input.id, err: e }, 'closing the dead letter queue failed');
    }
  }

  #fail(failure: TaskFailure): void {
    if (!this.#end.noteFailure(failure) || this.#end.stopping) return;
    void this.run.stop(this.#input.options.offsetFlushTimeoutMs);
  }
}
