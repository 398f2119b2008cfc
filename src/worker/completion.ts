/**
 * When has a pipeline finished by itself? Pure bookkeeping over progress samples, for `sluice run` and the
 * embedded API.
 *
 * Automatic rule (bounded pipelines): every source task is finished (SourceTask.isFinished, e.g. datagen with
 * `max.records`, or its run ended), no record is in flight (polled but not acknowledged, consumed but not put), no task counter moved for `idleMs`, and the sink tasks
 * together have put at least as many records as the source tasks wrote in this run (the sinks caught up).
 * Until-idle rule (`--until-idle`): nothing in flight and no counter moved for `idleMs`, finished or not.
 */
import type { TaskProgress } from './herder.js';

export interface CompletionRule {
  readonly untilIdle: boolean;
  readonly idleMs: number;
}

export interface CompletionVerdict {
  readonly done: boolean;
  /** Why not yet (for the live view and logs). */
  readonly waitingFor: string | null;
}

export class CompletionTracker {
  #signature = '';
  #quietSince: number | null = null;

  constructor(readonly rule: CompletionRule) {}

  observe(progress: readonly TaskProgress[], now: number): CompletionVerdict {
    const signature = JSON.stringify(
      progress.map((p) => [p.connector, p.task, p.state, p.metrics?.recordsPolled, p.metrics?.recordsWritten, p.metrics?.batches]),
    );
    if (signature !== this.#signature || this.#quietSince === null) {
      this.#signature = signature;
      this.#quietSince = now;
    }
    const wait = (waitingFor: string): CompletionVerdict => ({ done: false, waitingFor });
    if (progress.length === 0) return wait('tasks to start');
    if (progress.some((p) => p.state === 'UNASSIGNED' || p.state === 'RESTARTING')) return wait('tasks to start');
    const pending = sum(progress.map(recordsInFlight));
    if (pending > 0) return wait(`${pending} records in flight`);

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
    }
    const quietFor = now - this.#quietSince;
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
