export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * Rejects if `p` has not settled within `ms`: with a TimeoutError saying "`what` did not finish within ms", or with
 * the error `what` makes. The timer is cleared either way; `p` itself is not cancelled.
 */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string | (() => Error)): Promise<T> {
  let t: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    t = setTimeout(
      () => reject(typeof what === 'string' ? new TimeoutError(`${what} did not finish within ${ms} ms`) : what()),
      Math.max(0, ms),
    );
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}

/** Waits for `p` at most `ms`; true if it settled (either way) in time. Never rejects; the timer is cleared either way. */
export function settlesWithin(p: Promise<unknown>, ms: number, options: { unref?: boolean } = {}): Promise<boolean> {
  let t: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    t = setTimeout(() => resolve(false), Math.max(0, ms));
    if (options.unref) t.unref();
  });
  return Promise.race([p.then(() => true, () => true), timeout]).finally(() => clearTimeout(t));
}
