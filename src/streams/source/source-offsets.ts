/**
 * The commit stage of the source path: stores what SubmittedRecords says is committable (never past an
 * unacknowledged record of a source partition) in the OffsetStore, then calls `task.commit()`. Runs every
 * `offset.flush.interval.ms` and once more at stop; never twice at once. Offsets a failed store did not take
 * are kept for the next attempt.
 */
import { interval, concatMap, type Observable } from 'rxjs';
import type { OffsetMap } from '../../data/index.js';
import { SerialQueue, withTimeout } from '../../async/index.js';
import type { SourceTaskInput, TaskMetrics } from '../contracts.js';
import type { StreamLogger } from '../kafka/client.js';
import type { SubmittedRecords } from '../offsets/submitted-records.js';
import { countOffsetCommit } from '../task-metrics.js';
import { ATTR_OFFSET_PARTITIONS, traced, type StageSpan } from '../../tracing/index.js';

export class SourceOffsetCommitter {
  readonly #input: Pick<SourceTaskInput, 'id' | 'offsets' | 'options' | 'task' | 'tracer'>;
  readonly #submitted: SubmittedRecords;
  readonly #metrics: Required<TaskMetrics>;
  readonly #log: StreamLogger;
  readonly #flushes = new SerialQueue();
  /** Offsets taken from SubmittedRecords but not yet stored (kept for the next attempt after a failure). */
  readonly #unflushed = new Map<string, { partition: OffsetMap; offset: OffsetMap }>();

  constructor(input: Pick<SourceTaskInput, 'id' | 'offsets' | 'options' | 'task' | 'tracer'>, submitted: SubmittedRecords, metrics: Required<TaskMetrics>, log: StreamLogger) {
    this.#input = input;
    this.#submitted = submitted;
    this.#metrics = metrics;
    this.#log = log;
  }

  /** Commits every `offsetFlushIntervalMs` while subscribed. */
  everyInterval(): Observable<boolean> {
    return interval(this.#input.options.offsetFlushIntervalMs).pipe(concatMap(() => this.commit()));
  }

  /** One offset flush; false when the store failed (the offsets are kept for the next one). */
  commit(): Promise<boolean> {
    return this.#flushes.run(async () => {
      const { id, task } = this.#input;
      for (const [k, v] of this.#submitted.committableOffsets().offsets) this.#unflushed.set(k, v);
      if (this.#unflushed.size > 0) {
        const attributes = { [ATTR_OFFSET_PARTITIONS]: this.#unflushed.size };
        const stored = await traced(this.#input.tracer, 'commit', { attributes }, (span) => this.#store(span));
        if (!stored) return false;
      }
      try {
        await task.commit();
      } catch (e) {
        this.#log.warn({ task: id, err: e }, 'task.commit() threw; ignored');
      }
      return true;
    });
  }

  async #store(span: StageSpan | undefined): Promise<boolean> {
    const { id, offsets, options } = this.#input;
    const entries = [...this.#unflushed.values()].map((e) => [e.partition, e.offset] as const);
    const snapshot = new Map(this.#unflushed);
    const commitStarted = performance.now();
    try {
      await withTimeout(offsets.set(id.connector, entries), options.offsetFlushTimeoutMs, 'offset flush');
    } catch (e) {
      span?.fail(e);
      this.#metrics.offsetCommitFailures++;
      this.#log.error({ task: id, err: e }, 'offset flush failed; will retry at the next flush');
      return false;
    }
    for (const [k, v] of snapshot) if (this.#unflushed.get(k) === v) this.#unflushed.delete(k);
    countOffsetCommit(this.#metrics, performance.now() - commitStarted);
    return true;
  }
}
