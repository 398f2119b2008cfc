/**
 * Kafka Connect's retry schedule for retriable failures (RetryWithToleranceOperator): an operation that throws a
 * RetriableException is tried again until `errors.retry.timeout` ms have passed since its first attempt (`-1`:
 * forever, `0`: never), sleeping 300 ms·2^(n−1) before retry n — or, once that exceeds
 * `errors.retry.delay.max.ms`, a random delay in [0, cap) — and never sleeping past the deadline.
 */
import { RetriableException } from '../../connectors/api/index.js';
import { sleep } from '../../async/index.js';

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

/** Is this failure one that retries may cure? Kafka's RetriableException, or a client error flagged retriable. */
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
