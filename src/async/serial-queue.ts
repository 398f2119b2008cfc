/**
 * Runs async jobs one at a time, in submission order; a failed job does not stop the ones after it (a
 * per-connector lock, a file's writes, a partition's appends).
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T> | T): Promise<T> {
    const next = this.#tail.then(job, job);
    this.#tail = next.catch(() => {});
    return next;
  }

  /** Resolves once every job submitted so far has settled. */
  idle(): Promise<void> {
    return this.#tail.then(() => {});
  }
}
