/**
 * A counting semaphore: the demand signal of the source pipeline. `acquire` waits while no permit is free;
 * `release` frees one. Abortable so a stopping pipeline never hangs on it.
 */
import { WakeList } from './wake-list.js';

/** One permit taken from Permits; `release` is idempotent. */
export interface Permit {
  release(): void;
}

export class Permits {
  #free: number;
  readonly #waiters: Array<() => void> = [];
  readonly #drainWaiters = new WakeList();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`permits must be a positive integer, got ${capacity}`);
    this.#free = capacity;
  }

  get inUse(): number {
    return this.capacity - this.#free;
  }

  acquire(signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(false);
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve(true);
    }
    return new Promise<boolean>((resolve) => {
      const onAbort = () => {
        const i = this.#waiters.indexOf(grant);
        if (i >= 0) this.#waiters.splice(i, 1);
        resolve(false);
      };
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
      };
      this.#waiters.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Takes a permit as a handle whose `release()` gives it back once however often it is called; null if aborted. */
  async take(signal?: AbortSignal): Promise<Permit | null> {
    if (!(await this.acquire(signal))) return null;
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        this.release();
      },
    };
  }

  release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else if (this.#free < this.capacity) this.#free++;
    if (this.#free === this.capacity && this.#drainWaiters.size) this.#drainWaiters.wakeAll();
  }

  /** Resolves true once every permit is free again (all in-flight work acknowledged), false if the signal aborts. */
  drained(signal?: AbortSignal): Promise<boolean> {
    if (this.#free === this.capacity) return Promise.resolve(true);
    return this.#drainWaiters.wait(signal);
  }
}
