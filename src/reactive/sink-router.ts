/**
 * Routes the records a `sink()` receives to its tasks: a topic-partition always goes to the same task (its hash
 * modulo the configured task count), so its order at the destination is kept. Records of a task that is not
 * running yet (starting, or before the task count is known) wait here, their origins held; they are bounded by
 * the sources' demand. `drain` waits for them to be handed over, then for every task to put and flush.
 */
import type { SinkRecord } from '../data/index.js';
import type { Origin } from './origin.js';
import type { SinkInlet, SinkPort } from './sink-run.js';

interface Waiting {
  readonly record: SinkRecord;
  readonly origin: Origin | null;
}

const UNKNOWN = -1;

export class SinkRouter implements SinkInlet {
  readonly #ports = new Map<number, SinkPort>();
  readonly #waiting = new Map<number, Waiting[]>();
  #tasks = 0;
  #failure: { error: unknown } | undefined;
  #wakers: Array<() => void> = [];

  /** The connector's task count, once its tasks were configured. */
  expect(tasks: number): void {
    this.#tasks = Math.max(1, tasks);
    const unknown = this.#waiting.get(UNKNOWN) ?? [];
    this.#waiting.delete(UNKNOWN);
    for (const w of unknown) {
      this.offer(w.record, w.origin);
      w.origin?.release(); // the hold taken while it waited
    }
  }

  attach(task: number, port: SinkPort): void {
    this.#ports.set(task, port);
    const waiting = this.#waiting.get(task) ?? [];
    this.#waiting.delete(task);
    for (const w of waiting) {
      port.offer(w.record, w.origin);
      w.origin?.release();
    }
    this.#wake();
  }

  detach(task: number, port: SinkPort): void {
    if (this.#ports.get(task) === port) this.#ports.delete(task);
  }

  offer(record: SinkRecord, origin: Origin | null): void {
    const task = this.#tasks === 0 ? UNKNOWN : hash(record.topic, record.kafkaPartition ?? 0) % this.#tasks;
    const port = this.#ports.get(task);
    if (port) return port.offer(record, origin);
    origin?.retain();
    const list = this.#waiting.get(task) ?? [];
    list.push({ record, origin });
    this.#waiting.set(task, list);
  }

  requestFlush(): void {
    for (const port of this.#ports.values()) port.requestFlush();
  }

  /** The sink failed: a drain waiting for tasks gives up with this error. */
  fail(error: unknown): void {
    this.#failure ??= { error };
    this.#wake();
  }

  /** Waits until every waiting record was handed to its task, then until every task put and flushed what it has. */
  async drain(): Promise<void> {
    while ([...this.#waiting.values()].some((l) => l.length > 0)) {
      if (this.#failure) throw this.#failure.error;
      await new Promise<void>((resolve) => this.#wakers.push(resolve));
    }
    await Promise.all([...this.#ports.values()].map((p) => p.drain()));
  }

  #wake(): void {
    const wakers = this.#wakers;
    this.#wakers = [];
    for (const w of wakers) w();
  }
}

function hash(topic: string, partition: number): number {
  let h = partition | 0;
  for (let i = 0; i < topic.length; i++) h = (Math.imul(h, 31) + topic.charCodeAt(i)) | 0;
  return h >>> 0;
}
