/**
 * When has a pipeline finished by itself? Pure bookkeeping over progress samples, for `sluice run` and the
 * embedded API.
 *
 * Automatic rule (bounded pipelines): every source task is finished (SourceTask.isFinished, e.g. datagen with
 * `max.records`, or its run ended), no record is in flight (polled but not acknowledged, consumed but not put), no task counter moved for `idleMs`, and the sink tasks
 * together have put at least as many records as the source tasks wrote in this run (the sinks caught up).
 * In-process the quiet period is not needed when the broker says every record produced (by sources, dead letter
 * queues, anything) was committed by every sink reading its topic: nothing is left to move, and the run ends at
 * once. On Kafka the sums cannot tell which sink put what, so quiet is what shows the sinks are through.
 * Until-idle rule (`--until-idle`): nothing in flight and no counter moved for `idleMs`, finished or not; records
 * that stay in flight while nothing moves for ten times as long (at least 10 s) are stuck and end it too.
 * Under either rule, a connector or task FAILED for good (no automatic restart coming) means the pipeline cannot
 * finish as meant: it ends once nothing else moved for `idleMs`, records in flight or not (they may wait for a
 * failed sink forever), and the caller reports the failures.
 */
import type { TaskProgress } from './herder.js';

export interface CompletionRule {
  readonly untilIdle: boolean;
  readonly idleMs: number;
}

/** A connector (`task` null) or task that is FAILED and stays so: no automatic restart is scheduled. */
export interface FailedInstance {
  readonly connector: string;
  readonly task: number | null;
  readonly trace: string;
}

export interface CompletionVerdict {
  readonly done: boolean;
  /** Why not yet (for the live view and logs). */
  readonly waitingFor: string | null;
  /** Until-idle ended with records in flight that did not move for a long quiet: how many. */
  readonly stuckInFlight?: number;
}

/** How long records in flight must stay unmoved before until-idle ends anyway (at least ten times idleMs). */
const STUCK_MS = 10_000;

export class CompletionTracker {
  #signature = '';
  #quietSince: number | null = null;

  constructor(readonly rule: CompletionRule) {}

  /** `unacknowledged`: the in-process broker's records not yet committed by every sink reading them (null on Kafka). */
  observe(progress: readonly TaskProgress[], now: number, failed: readonly FailedInstance[] = [], unacknowledged: number | null = null): CompletionVerdict {
    const signature = JSON.stringify(
      progress.map((p) => [p.connector, p.task, p.state, p.metrics?.recordsPolled, p.metrics?.recordsWritten, p.metrics?.batches]),
    );
    if (signature !== this.#signature || this.#quietSince === null) {
      this.#signature = signature;
      this.#quietSince = now;
    }
    const wait = (waitingFor: string): CompletionVerdict => ({ done: false, waitingFor });
    const quietFor = now - this.#quietSince;
    if (failed.length > 0) {
      if (quietFor < this.rule.idleMs) return wait(`quiet for ${this.rule.idleMs} ms after ${failed.length === 1 ? 'a failure' : `${failed.length} failures`}`);
      return { done: true, waitingFor: null };
    }
    if (progress.length === 0) return wait('tasks to start');
    if (progress.some((p) => p.state === 'UNASSIGNED' || p.state === 'RESTARTING')) return wait('tasks to start');
    const pending = sum(progress.map(recordsInFlight));
    if (pending > 0) {
      // Records that stay in flight while nothing moves are stuck (in-process, a topic no sink reads is never
      // acknowledged): until-idle still ends, after a longer quiet, and the stop reports them unacknowledged.
      const stuckAfter = Math.max(STUCK_MS, this.rule.idleMs * 10);
      if (!this.rule.untilIdle || quietFor < stuckAfter) return wait(`${pending} records in flight`);
      return { done: true, waitingFor: null, stuckInFlight: pending };
    }

    if (!this.rule.untilIdle) {
      const sources = progress.filter((p) => p.type === 'source');
      if (sources.length === 0) return wait('a source task (a pipeline without sources never ends by itself; use --until-idle)');
      const unfinished = sources.filter((p) => !p.finished);
      if (unfinished.length > 0) return wait(`source tasks to finish (${unfinished.map((p) => `${p.connector}-${p.task}`).join(', ')})`);
      const written = sum(sources.map((p) => p.metrics?.recordsWritten ?? 0));
      // A sink record a transform filtered or errors.tolerance=all skipped is through, like one put.
      const put = sum(progress.filter((p) => p.type === 'sink').map((p) => (p.metrics ? p.metrics.recordsWritten + p.metrics.recordsFiltered + (p.metrics.recordsSkipped ?? 0) : 0)));
      const hasSinks = progress.some((p) => p.type === 'sink');
      if (hasSinks && put < written) return wait(`sinks to catch up (${put} of ${written} records)`);
      if (unacknowledged === 0) return { done: true, waitingFor: null };
    }
    if (quietFor < this.rule.idleMs) return wait(`quiet for ${this.rule.idleMs} ms`);
    return { done: true, waitingFor: null };
  }
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/**
 * Records taken in but not yet through: polled and not yet acknowledged, filtered or skipped by error tolerance
 * (source), consumed and not yet put, filtered or skipped (sink). Not `inFlightBatches`, which also counts a poll
 * that is waiting for data.
 */
function recordsInFlight(p: TaskProgress): number {
  const m = p.metrics;
  return m ? Math.max(0, m.recordsPolled - m.recordsWritten - m.recordsFiltered - (m.recordsSkipped ?? 0)) : 0;
}
