/** A controllable TaskRun for the machine tests: the test decides when it fails or ends. */
import type { TaskId, TaskMetrics, TaskRun } from '../../../src/streams/contracts.js';
import { newMetrics } from '../../../src/streams/task-metrics.js';

export class FakeRun implements TaskRun {
  readonly done: Promise<void>;
  readonly calls: string[] = [];
  paused = false;
  #resolve!: () => void;
  #reject!: (e: unknown) => void;
  constructor(readonly id: TaskId) {
    this.done = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }
  pause(): void {
    this.calls.push('pause');
    this.paused = true;
  }
  resume(): void {
    this.calls.push('resume');
    this.paused = false;
  }
  async stop(_timeoutMs: number): Promise<void> {
    this.calls.push('stop');
    this.#resolve();
  }
  fail(error: Error): void {
    this.#reject(error);
  }
  finish(): void {
    this.#resolve();
  }
  metrics(): TaskMetrics {
    return newMetrics();
  }
}

/** A start function that records every run it made. */
export function runFactory(id: TaskId, opts: { failStarts?: number } = {}) {
  const runs: FakeRun[] = [];
  let failStarts = opts.failStarts ?? 0;
  return {
    runs,
    get last(): FakeRun {
      return runs[runs.length - 1]!;
    },
    start: async (): Promise<TaskRun> => {
      if (failStarts > 0) {
        failStarts--;
        throw new Error('start failed on purpose');
      }
      const run = new FakeRun(id);
      runs.push(run);
      return run;
    },
  };
}
