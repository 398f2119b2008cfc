/** KIP-558 topic tracking: the task's `onTopic` hook, called once per topic; a hook that throws is logged, not fatal. */
import type { TaskId } from '../contracts.js';
import type { StreamLogger } from '../kafka/client.js';

export class TopicTracker {
  readonly #seen = new Set<string>();

  constructor(
    readonly id: TaskId,
    readonly onTopic: ((topic: string) => void) | undefined,
    readonly log: StreamLogger,
  ) {}

  note(topic: string): void {
    if (this.#seen.has(topic)) return;
    this.#seen.add(topic);
    try {
      this.onTopic?.(topic);
    } catch (e) {
      this.log.warn({ task: this.id, err: e }, 'topic tracking hook threw; ignored');
    }
  }
}
