/**
 * The figures of each task run as they stood when it ended: the herder forgets a task once it is stopped, but
 * the last offset commit happens in that stop, so `sluice run`'s summary takes its counters from here. Wraps the
 * worker runtime (the seam StandaloneHerder offers) and notes every run's metrics once its stop or failure settled.
 */
import type { TaskMetrics, TaskRun } from '../streams/contracts.js';
import type { WorkerRuntime } from '../worker/runtime.js';

type RuntimeFactory<A extends unknown[]> = (...args: A) => WorkerRuntime;

export class FinalMetrics {
  readonly #last = new Map<string, TaskMetrics>();

  /** The counters of `connector`'s task `task` when its last run ended (undefined while it runs or never ran). */
  of(connector: string, task: number): TaskMetrics | undefined {
    return this.#last.get(`${connector}\u0000${task}`);
  }

  /** A runtime factory whose task runs report here when they end. */
  wrap<A extends unknown[]>(factory: RuntimeFactory<A>): RuntimeFactory<A> {
    return (...args) => {
      const inner = factory(...args);
      const runtime: WorkerRuntime = {
        get offsets() {
          return inner.offsets;
        },
        start: () => inner.start(),
        startTask: (spec) => {
          const started = inner.startTask(spec);
          return started instanceof Promise ? started.then((run) => this.#watch(run)) : this.#watch(started);
        },
        close: () => inner.close(),
      };
      // The worker asks whether the runtime has an admin (and connector offsets of its own) at all.
      if (inner.admin) runtime.admin = () => inner.admin!();
      if (inner.offsetsFor) runtime.offsetsFor = (config) => inner.offsetsFor!(config);
      if (inner.unacknowledged) runtime.unacknowledged = () => inner.unacknowledged!();
      return runtime;
    };
  }

  #watch(run: TaskRun): TaskRun {
    const note = () => this.#last.set(`${run.id.connector}\u0000${run.id.task}`, run.metrics());
    void run.done.then(note, note);
    return {
      id: run.id,
      done: run.done,
      pause: () => run.pause(),
      resume: () => run.resume(),
      metrics: () => run.metrics(),
      ...(run.finished ? { finished: () => run.finished!() } : {}),
      stop: async (timeoutMs) => {
        try {
          await run.stop(timeoutMs);
        } finally {
          note();
        }
      },
    };
  }
}
