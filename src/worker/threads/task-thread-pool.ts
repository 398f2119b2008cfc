/**
 * The task threads of a worker (`sluice.task.threads`): each task runs wholly in one of them, the least busy when
 * it starts; threads start when first needed. A task's lifecycle stays with its actor on the main thread, which
 * drives it through a `ThreadTaskRun` (start, pause, resume, stop, metrics, status). A thread that dies fails only
 * its tasks (their actors see FAILED with the reason and apply the restart policy); the next start gets a new one.
 */
import { Worker } from 'node:worker_threads';
import type { Log } from '../../actors/index.js';
import type { KafkaClient } from '../../streams/kafka/client.js';
import { TaskFailure, type FailureStage, type OffsetStore, type TaskId, type TaskMetrics, type TaskRun } from '../../streams/contracts.js';
import type { TaskStartSpec } from '../runtime.js';
import { adminMethodsOf, serveKafkaClient } from './kafka-client-rpc.js';
import { serveOffsetStores } from './offset-store-rpc.js';
import { serveTaps } from './tap-rpc.js';
import type { TapHub } from '../taps.js';
import { ChannelClosedError, Rpc, remoteError, type WireError } from './rpc.js';
import { settlesWithin } from '../../async/index.js';
import { taskKey, type LogLine, type TaskEnd, type TaskReport, type TaskStartMessage, type ThreadSetup } from './protocol.js';

/** A task thread that does not answer a stop within the task's budget plus this is ended (and with it its tasks). */
const STOP_GRACE_MS = 5_000;

export interface TaskThreadPoolOptions {
  readonly size: number;
  readonly setup: Omit<ThreadSetup, 'adminMethods'>;
  /** In-process transport: the client every thread's clients are served from. */
  readonly hostClient?: () => KafkaClient;
  /**
   * A thread running tasks that sends no report for this long is hung (a task blocks its event loop): it is ended
   * and its tasks fail. Default 60 000.
   */
  readonly unresponsiveMs?: number;
  /** The worker's taps: a thread's tasks show their records to them. */
  readonly taps?: TapHub;
  readonly log: Log;
}

/** A task thread ended (crashed, exited, or was ended because it did not answer). */
export class TaskThreadError extends Error {
  override readonly name = 'TaskThreadError';
}

/** A running task, as its actor sees it, whose pipeline runs in a task thread. */
export interface ThreadTaskRun extends TaskRun {
  /** What the task said last: it will produce nothing more (a bounded source). */
  finished(): boolean;
}

class TaskThread {
  readonly worker: Worker;
  readonly rpc: Rpc;
  readonly tasks = new Map<string, RemoteTask>();
  readonly #closeClients: (() => Promise<void>) | undefined;
  readonly #unwatchTaps: (() => void) | undefined;
  #ended = false;
  /** When the thread last reported (it reports every 200 ms while it runs tasks). */
  lastHeard = Date.now();

  constructor(readonly index: number, options: TaskThreadPoolOptions, private readonly onEnd: (t: TaskThread) => void) {
    const host = options.hostClient?.();
    const setup: ThreadSetup = { ...options.setup, ...(host ? { adminMethods: adminMethodsOf(host) } : {}) };
    this.worker = spawn(setup);
    this.rpc = new Rpc(this.worker);
    this.#closeClients = host ? serveKafkaClient(this.rpc, host) : undefined;
    serveOffsetStores(this.rpc, (key) => this.tasks.get(key)?.offsets);
    this.#unwatchTaps = options.taps ? serveTaps(this.rpc, options.taps) : undefined;
    const { log } = options;
    this.rpc
      .handle('log', ({ level, fields, message }: LogLine) => log[level]({ thread: index, ...fields }, message))
      .handle('reports', (reports: TaskReport[]) => {
        this.lastHeard = Date.now();
        for (const r of reports) this.tasks.get(r.key)?.reported(r);
      })
      .handle('task.topic', ({ key, topic }: { key: string; topic: string }) => this.tasks.get(key)?.onTopic?.(topic))
      .handle('task.end', ({ key, error }: TaskEnd) => {
        const task = this.tasks.get(key);
        this.tasks.delete(key);
        task?.ended(error);
      });
    this.worker.on('error', (e) => this.end(new TaskThreadError(`task thread ${index} crashed: ${e.message}`, { cause: e })));
    this.worker.on('exit', (code) => this.end(new TaskThreadError(`task thread ${index} exited with code ${code}`)));
  }

  /** Every task here has started (a start may load modules for a while: not a hang). */
  running(): boolean {
    for (const t of this.tasks.values()) if (!t.started) return false;
    return true;
  }

  /** Fails every task still here with `error`, and lets the pool forget the thread. */
  end(error: TaskThreadError): void {
    if (this.#ended) return;
    this.#ended = true;
    this.rpc.close(new ChannelClosedError(error.message, { cause: error }));
    void this.#closeClients?.().catch(() => {});
    this.#unwatchTaps?.();
    for (const task of this.tasks.values()) task.failed(error);
    this.tasks.clear();
    this.onEnd(this);
    void this.worker.terminate().catch(() => {});
  }
}

/** V8 gives a thread a small young generation by default: the data path then spends a fifth of its time in GC. */
const LIMITS = { maxYoungGenerationSizeMb: 32 };

function spawn(workerData: ThreadSetup): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./task-thread.js', here), { workerData, resourceLimits: LIMITS });
  // Run from the TypeScript sources (a checkout, tsx): the thread registers tsx before loading its entry.
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./task-thread.ts', here).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then((m) => m.register()).then(() => import(${JSON.stringify(entry)}))`, { eval: true, workerData, resourceLimits: LIMITS });
}

class RemoteTask implements ThreadTaskRun {
  readonly done: Promise<void>;
  #resolve!: () => void;
  #reject!: (e: Error) => void;
  #metrics: TaskMetrics = { recordsPolled: 0, recordsWritten: 0, recordsFiltered: 0, batches: 0, offsetCommits: 0, offsetCommitFailures: 0, lastOffsetCommitMs: null, inFlightBatches: 0 };
  #finished = false;
  started = false;

  constructor(
    readonly id: TaskId,
    readonly key: string,
    readonly type: 'source' | 'sink',
    readonly thread: TaskThread,
    readonly offsets: OffsetStore,
    readonly onTopic: ((topic: string) => void) | undefined,
  ) {
    this.done = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.done.catch(() => {});
  }

  reported(r: TaskReport): void {
    this.#metrics = r.metrics;
    this.#finished = r.finished;
  }

  ended(error: WireError | undefined): void {
    if (!error) this.#resolve();
    else this.#reject(taskFailureOf(this.id, this.type, error));
  }

  failed(error: TaskThreadError): void {
    this.#reject(new TaskFailure(this.id, threadFailureStage(this.type), error));
  }

  pause(): void {
    this.thread.rpc.notify('task.pause', { key: this.key });
  }
  resume(): void {
    this.thread.rpc.notify('task.resume', { key: this.key });
  }
  async stop(timeoutMs: number): Promise<void> {
    const budget = timeoutMs + STOP_GRACE_MS;
    if (!(await settlesWithin(this.thread.rpc.call('task.stop', { key: this.key, timeoutMs }), budget))) {
      this.thread.end(new TaskThreadError(`task thread ${this.thread.index} did not stop task ${this.id.connector}-${this.id.task} within ${budget} ms and was ended`));
    }
  }
  metrics(): TaskMetrics {
    return this.#metrics;
  }
  finished(): boolean {
    return this.#finished;
  }
}

/** Where a failure from outside the pipeline's stages (the thread, an uncaught error) is put: the task's own call. */
const threadFailureStage = (type: 'source' | 'sink'): FailureStage => (type === 'source' ? 'TASK_POLL' : 'TASK_PUT');

/** A task's failure as the thread saw it: a TaskFailure keeps its stage, coordinates and the task's own trace. */
function taskFailureOf(id: TaskId, type: 'source' | 'sink', w: WireError): Error {
  if (w.name !== 'TaskFailure') return new TaskFailure(id, threadFailureStage(type), remoteError(w));
  const fields = w.fields ?? {};
  const failure = new TaskFailure(
    id,
    fields['stage'] as FailureStage,
    w.cause ? remoteError(w.cause) : new Error(w.message),
    fields['coordinates'] as TaskFailure['coordinates'],
  );
  if (w.stack !== undefined) failure.stack = w.stack;
  return failure;
}

export class TaskThreadPool {
  readonly #options: TaskThreadPoolOptions;
  readonly #threads: TaskThread[] = [];
  #nextIndex = 0;

  readonly #watchdog: NodeJS.Timeout;

  constructor(options: TaskThreadPoolOptions) {
    this.#options = options;
    const limit = options.unresponsiveMs ?? 60_000;
    this.#watchdog = setInterval(() => {
      const now = Date.now();
      for (const t of [...this.#threads]) {
        if (t.tasks.size > 0 && t.running() && now - t.lastHeard > limit) {
          t.end(new TaskThreadError(`task thread ${t.index} did not answer for ${now - t.lastHeard} ms (a task blocks its event loop) and was ended`));
        }
      }
    }, Math.min(1000, limit)).unref();
  }

  /** Starts the task's pipeline in the least busy thread (a new one while fewer than `size` run). */
  async startTask(spec: TaskStartSpec, offsets: OffsetStore): Promise<ThreadTaskRun> {
    const thread = this.#pick();
    const key = taskKey(spec.id);
    const task = new RemoteTask(spec.id, key, spec.type, thread, offsets, spec.onTopic);
    thread.tasks.set(key, task);
    const message: TaskStartMessage = { key, id: spec.id, type: spec.type, connectorConfig: spec.connectorConfig, taskConfig: spec.taskConfig };
    try {
      await thread.rpc.call('task.start', message);
    } catch (e) {
      thread.tasks.delete(key);
      throw e;
    }
    task.started = true;
    thread.lastHeard = Date.now();
    return task;
  }

  #pick(): TaskThread {
    const idle = this.#threads.find((t) => t.tasks.size === 0);
    if (idle) return idle;
    if (this.#threads.length < this.#options.size) {
      const thread = new TaskThread(this.#nextIndex++, this.#options, (ended) => {
        const i = this.#threads.indexOf(ended);
        if (i >= 0) this.#threads.splice(i, 1);
      });
      this.#threads.push(thread);
      return thread;
    }
    return this.#threads.reduce((a, b) => (b.tasks.size < a.tasks.size ? b : a));
  }

  /** Ends every thread (their tasks were stopped before). */
  async close(): Promise<void> {
    clearInterval(this.#watchdog);
    const threads = this.#threads.splice(0);
    await Promise.all(threads.map((t) => t.worker.terminate().catch(() => 0)));
  }
}
