import type { TaskMetrics } from '../contracts.js';

export function newMetrics(): Required<TaskMetrics> {
  return {
    recordsPolled: 0,
    recordsWritten: 0,
    recordsFiltered: 0,
    batches: 0,
    offsetCommits: 0,
    offsetCommitFailures: 0,
    lastOffsetCommitMs: null,
    inFlightBatches: 0,
    recordsSent: 0,
    batchSizeMax: 0,
    pollTimeMs: 0,
    pollTimeMaxMs: 0,
    putBatches: 0,
    putTimeMs: 0,
    putTimeMaxMs: 0,
    offsetCommitTimeMs: 0,
    offsetCommitMaxTimeMs: 0,
    recordErrors: 0,
    recordsSkipped: 0,
    deadLetterQueueProduceRequests: 0,
    deadLetterQueueProduceFailures: 0,
  };
}

/** Resolves after `ms`, or early (without error) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** Rejects with a TimeoutError if `p` has not settled within `ms`. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new TimeoutError(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}

/** Waits for `p` at most `ms`; true if it settled in time. The timer is cleared either way. */
export function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    t = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  return Promise.race([p.then(() => true, () => true), timeout]).finally(() => clearTimeout(t));
}
