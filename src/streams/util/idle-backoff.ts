/**
 * How long a poll loop rests after a poll that brought nothing. Kafka Connect's WorkerSourceTask simply polls
 * again, because a Java task blocks inside `poll`; a JavaScript task may return [] at once, and polling it again
 * at once would spin a core. The rest doubles from `initialMs` up to `maxMs` while polls stay empty, resets on
 * data, and counts the time the poll itself took (a task that waits inside `poll` gets no extra rest).
 */
import { sleep } from '../../async/index.js';

export class IdleBackoff {
  #nextMs: number;

  constructor(
    readonly initialMs = 1,
    readonly maxMs = 100,
  ) {
    this.#nextMs = initialMs;
  }

  /** The rest the next empty poll gets (for tests and logs). */
  get nextMs(): number {
    return this.#nextMs;
  }

  /** Data came: the next empty poll rests `initialMs` again. */
  reset(): void {
    this.#nextMs = this.initialMs;
  }

  /** After an empty poll that took `pollMs`: rests what is left of the current backoff (ends early on abort). */
  async rest(pollMs: number, signal: AbortSignal): Promise<void> {
    const ms = this.#nextMs - pollMs;
    this.#nextMs = Math.min(this.maxMs, this.#nextMs * 2);
    if (ms >= 1) await sleep(ms, signal);
    else await new Promise((r) => setImmediate(r));
  }
}
