/**
 * The stage runner both pipelines use (Kafka Connect's RetryWithToleranceOperator): it runs a stage of the data
 * path over a batch, tracks which stage (KEY_CONVERTER, VALUE_CONVERTER, HEADER_CONVERTER, TRANSFORMATION,
 * TASK_PUT, TASK_POLL, KAFKA_PRODUCE, KAFKA_CONSUME) a record is in, retries a RetriableException with backoff
 * until `errors.retry.timeout`, then asks the RecordErrorHandler (tolerance none/all, log and DLQ reporters)
 * whether to fail the task or skip the record, and keeps the error counters.
 *
 * The retry schedule is here too: an operation that throws a RetriableException is tried again until
 * `errors.retry.timeout` ms have passed since its first attempt (`-1`: forever, `0`: never), sleeping
 * 300 ms·2^(n−1) before retry n — or, once that exceeds `errors.retry.delay.max.ms`, a random delay in
 * [0, cap) — and never sleeping past the deadline.
 *
 * The fast path is synchronous: a batch where nothing throws costs one loop and no promise. A `PendingLookup`
 * (a converter waiting for its schema registry) is awaited and the record converted again; it is not a failure.
 */
import { PendingLookup, RetriableException, settleLookups } from '../../data/index.js';
import { sleep } from '../../async/index.js';
import type { FailureStage, TaskId, TaskMetrics } from '../contracts.js';
import { TaskFailure } from '../contracts.js';
import type { StreamLogger } from '../kafka/client.js';
import type { RecordErrorContext, RecordErrorHandler } from './record-error-handler.js';

// ---------------------------------------------------------------------------------------------- retry schedule

/** The first retry waits this long (Kafka's RETRIES_DELAY_MIN_MS). */
export const RETRY_DELAY_MIN_MS = 300;

export interface RetryPolicy {
  /** errors.retry.timeout: total time to keep retrying one operation; -1 (any negative) = forever, 0 = no retries. */
  readonly timeoutMs: number;
  /** errors.retry.delay.max.ms: the cap of the exponential delay. */
  readonly maxDelayMs: number;
}

/**
 * The wait before retry number `attempt` (1 = the first retry, after the first failure): 300·2^(attempt−1) ms,
 * a random value in [0, maxDelayMs) once that exceeds the cap, and at most `remainingMs` (time to the deadline;
 * Infinity when retries never end). A pure function of its inputs (`random` in [0,1)).
 */
export function retryDelayMs(attempt: number, maxDelayMs: number, remainingMs = Infinity, random: () => number = Math.random): number {
  const n = Math.max(1, Math.floor(attempt));
  // 2^(n-1) overflows nothing in floating point, but is beyond any sane cap long before n = 60.
  let delay = n > 60 ? Infinity : RETRY_DELAY_MIN_MS * 2 ** (n - 1);
  if (delay > maxDelayMs) delay = maxDelayMs > 0 ? Math.floor(random() * maxDelayMs) : 0;
  return Math.max(0, Math.min(delay, remainingMs));
}

/** The moment retries of an operation first tried at `startMs` end (Infinity for -1). */
export function retryDeadline(policy: RetryPolicy, startMs: number): number {
  return policy.timeoutMs < 0 ? Infinity : startMs + policy.timeoutMs;
}

/** Is this failure one that retries may cure? Kafka's RetriableException. */
export function isRetriable(e: unknown): boolean {
  return e instanceof RetriableException;
}

export interface RetryOutcome<T> {
  readonly ok: boolean;
  readonly value?: T;
  /** The last error when !ok. */
  readonly error?: unknown;
  /** Retries made (not counting the first attempt). */
  readonly retries: number;
  /** True when the loop ended because the signal aborted (stopping), not because the deadline passed. */
  readonly aborted: boolean;
}

export interface RetryOptions {
  readonly signal?: AbortSignal;
  readonly now?: () => number;
  readonly random?: () => number;
  /** Awaitable sleep (tests pass a fake). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called before each retry's wait. */
  readonly onRetry?: (attempt: number, delayMs: number, error: unknown) => void;
}

/**
 * Retries `op` after a first failure `firstError` (already thrown by the caller's fast path, at `startMs`) while
 * it throws retriable errors and the deadline allows. A non-retriable error ends the loop at once.
 */
export async function retryAfterFailure<T>(
  policy: RetryPolicy,
  op: () => T | Promise<T>,
  firstError: unknown,
  startMs: number,
  options: RetryOptions = {},
): Promise<RetryOutcome<T>> {
  const now = options.now ?? Date.now;
  const wait = options.sleep ?? sleep;
  const deadline = retryDeadline(policy, startMs);
  let error = firstError;
  let attempt = 1;
  for (;;) {
    if (!isRetriable(error)) return { ok: false, error, retries: attempt - 1, aborted: false };
    if (options.signal?.aborted) return { ok: false, error, retries: attempt - 1, aborted: true };
    const t = now();
    if (t >= deadline) return { ok: false, error, retries: attempt - 1, aborted: false };
    const delay = retryDelayMs(attempt, policy.maxDelayMs, deadline - t, options.random);
    options.onRetry?.(attempt, delay, error);
    await wait(delay, options.signal);
    if (options.signal?.aborted) return { ok: false, error, retries: attempt - 1, aborted: true };
    try {
      return { ok: true, value: await op(), retries: attempt, aborted: false };
    } catch (e) {
      error = e;
      attempt++;
    }
  }
}

// ---------------------------------------------------------------------------------------------- the runner

/** Where a record is while a stage runs; the stage's code moves it along, the runner reads it when something throws. */
export interface StageCursor {
  stage: FailureStage;
}

/** What the error handler and a TaskFailure are told about a record that failed: its refs and coordinates. */
export interface FailedRecord {
  readonly ref: Omit<RecordErrorContext, 'id' | 'stage' | 'error'>;
  readonly coordinates: NonNullable<TaskFailure['coordinates']>;
}

/** A stage run over a batch: every value (null = nothing to pass on), or why the batch goes no further. */
export type BatchOutcome<T> =
  | { readonly kind: 'done'; readonly values: Array<T | null>; readonly skipped: ReadonlySet<number> | undefined }
  /** Stopping while retrying: nothing of this batch goes on (its offsets are not committed). */
  | { readonly kind: 'aborted' }
  | { readonly kind: 'failed'; readonly failure: TaskFailure };

export interface RetryWithToleranceOptions {
  readonly id: TaskId;
  readonly handler: RecordErrorHandler;
  /** The task's counters; the runner adds to recordErrors and recordsSkipped. */
  readonly metrics: Pick<Required<TaskMetrics>, 'recordErrors' | 'recordsSkipped'>;
  readonly logger: StreamLogger;
  /** Aborted at stop: retries end at once. */
  readonly signal: AbortSignal;
}

export class RetryWithToleranceOperator {
  readonly #o: RetryWithToleranceOptions;

  constructor(options: RetryWithToleranceOptions) {
    this.#o = options;
  }

  /** The handler's retry policy; undefined when errors.retry.timeout is 0 (no retries). */
  get retryPolicy(): RetryPolicy | undefined {
    return this.#o.handler.retry;
  }

  get handler(): RecordErrorHandler {
    return this.#o.handler;
  }

  /**
   * Runs `op` on every item (a null item passes through as null, `op` is not called). A throw is retried while
   * retriable (errors.retry.timeout), then tolerated (the item's value is null and its index in `skipped`) or
   * it fails the batch. `failed` describes an item for the handler and the TaskFailure (only called on failure).
   */
  execute<I, O>(
    items: ReadonlyArray<I | null>,
    firstStage: FailureStage,
    op: (item: I, at: StageCursor) => O | null,
    failed: (index: number) => FailedRecord,
  ): BatchOutcome<O> | Promise<BatchOutcome<O>> {
    const values = new Array<O | null>(items.length);
    const at: StageCursor = { stage: firstStage };
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (item === null || item === undefined) {
        values[i] = null;
        continue;
      }
      at.stage = firstStage;
      try {
        values[i] = op(item, at);
      } catch (e) {
        return this.#recover(items, values, i, e, at, firstStage, op, failed);
      }
    }
    return { kind: 'done', values, skipped: undefined };
  }

  /** The slow path of `execute`, from the first item that threw. */
  async #recover<I, O>(
    items: ReadonlyArray<I | null>,
    values: Array<O | null>,
    from: number,
    firstError: unknown,
    at: StageCursor,
    firstStage: FailureStage,
    op: (item: I, at: StageCursor) => O | null,
    failed: (index: number) => FailedRecord,
  ): Promise<BatchOutcome<O>> {
    let skipped: Set<number> | undefined;
    for (let i = from; i < items.length; i++) {
      const item = items[i];
      if (item === null || item === undefined) {
        values[i] = null;
        continue;
      }
      const attempt = (): O | null => {
        at.stage = firstStage;
        return op(item, at);
      };
      let error: unknown = firstError;
      if (i !== from) {
        try {
          values[i] = attempt();
          continue;
        } catch (e) {
          error = e;
        }
      }
      if (error instanceof PendingLookup) {
        try {
          await error.ready.catch(() => undefined);
          values[i] = await settleLookups(attempt);
          continue;
        } catch (e) {
          error = e;
        }
      }
      const policy = this.#o.handler.retry;
      if (policy && isRetriable(error)) {
        const outcome = await retryAfterFailure(
          policy,
          () => settleLookups(attempt),
          error,
          Date.now(),
          {
            signal: this.#o.signal,
            onRetry: (attempt, delayMs, err) =>
              this.#o.logger.warn({ task: this.#o.id, stage: at.stage, attempt, delayMs, err }, 'retriable error; retrying the record'),
          },
        );
        if (outcome.aborted) return { kind: 'aborted' };
        if (outcome.ok) {
          values[i] = outcome.value ?? null;
          continue;
        }
        error = outcome.error;
      }
      const record = failed(i);
      if (!(await this.tolerate(at.stage, error, record.ref))) {
        return { kind: 'failed', failure: new TaskFailure(this.#o.id, at.stage, error, record.coordinates) };
      }
      values[i] = null;
      (skipped ??= new Set()).add(i);
    }
    return { kind: 'done', values, skipped };
  }

  /**
   * One failure past its retries: the handler reports it (log / DLQ) and decides. True when the record is
   * skipped, false when the task must fail. Counts the error, and the skip.
   */
  async tolerate(stage: FailureStage, error: unknown, ref: FailedRecord['ref']): Promise<boolean> {
    const decision = await this.#o.handler.handle({ id: this.#o.id, stage, error, ...ref });
    this.#o.metrics.recordErrors++;
    if (decision === 'fail') return false;
    this.#o.metrics.recordsSkipped++;
    return true;
  }
}
