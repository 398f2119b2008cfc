/**
 * How a task run ends, the same for both paths: `stop` runs the shutdown once (later calls share it), and
 * `done` then resolves — or rejects with the failure that started the stop, or with what the shutdown threw
 * (as TASK_COMMIT). `done` never becomes an unhandled rejection; its owner observes it.
 */
import type { TaskId } from '../contracts.js';
import { TaskFailure } from '../contracts.js';

export class RunEnd {
  readonly done: Promise<void>;
  #failure: TaskFailure | undefined;
  #stopped: Promise<void> | undefined;
  #resolve!: () => void;
  #reject!: (e: TaskFailure) => void;

  constructor(readonly id: TaskId) {
    this.done = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.done.catch(() => {});
  }

  /** The failure that ends the run, if one did. */
  get failure(): TaskFailure | undefined {
    return this.#failure;
  }

  get stopping(): boolean {
    return this.#stopped !== undefined;
  }

  /** Records the first failure; false when there was one already (the later one is dropped). */
  noteFailure(failure: TaskFailure): boolean {
    if (this.#failure) return false;
    this.#failure = failure;
    return true;
  }

  /** Runs `shutdown` the first time; every call returns the same promise. */
  stop(shutdown: () => Promise<void>): Promise<void> {
    this.#stopped ??= shutdown().then(
      () => (this.#failure ? this.#reject(this.#failure) : this.#resolve()),
      (e: unknown) => this.#reject(e instanceof TaskFailure ? e : new TaskFailure(this.id, 'TASK_COMMIT', e)),
    );
    return this.#stopped;
  }
}
