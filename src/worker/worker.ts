/**
 * The Worker (Kafka Connect's Worker): the one place that starts and stops connectors and tasks. It owns the
 * supervisor actor (src/actors/worker-machine.ts) their actors run under and the data path (WorkerRuntime:
 * transport, converters and transforms per task, the offset store). It resolves config placeholders when a
 * connector or task starts, gives source connectors their offset reader, reports the topics tasks use (KIP-558)
 * and counts startups (connect-worker-metrics). What runs where, and why, is the herders' business
 * (standalone-herder.ts, src/cluster/distributed-herder.ts): they tell the Worker what to start and stop.
 */
import { waitFor, type AnyActorRef } from 'xstate';
import type {
  AnyConnector,
  ConnectorConfig,
  ConnectorContext,
  OffsetStorageReader,
  SinkTask,
  SourceTask,
} from '../connectors/api/index.js';
import { ConfigException } from '../connectors/api/index.js';
import type { OffsetMap } from '../data/index.js';
import type { OffsetStore, TaskId } from '../streams/contracts.js';
import type { KafkaAdmin } from '../streams/kafka/client.js';
import {
  childOf,
  connectorStatus as connectorActorStatus,
  crashOf,
  startWorkerActor,
  taskStatus as taskActorStatus,
  type ConnectorActor,
  type CrashRecord,
  type Log,
  type RestartPolicy,
  type RestartStatus,
  type TargetState,
  type TaskActor,
  type TaskState,
  type ConnectorState,
  type WorkerActor,
} from '../actors/index.js';
import type { TaskProgress, WorkerCounters } from './herder.js';
import { WorkerConfigError } from './errors.js';
import { settlesWithin } from '../async/index.js';
import { configTransformerFromWorker, type ConfigProviderPlugins, type ConfigTransformer } from './config-providers.js';
import type { WorkerSettings } from './worker-config.js';
import type { WorkerRuntime } from './runtime.js';

export type AnyTask = SourceTask | SinkTask;
type TaskClass = new () => AnyTask;
export type ConnectorSnapshot = ReturnType<ConnectorActor['getSnapshot']>;
export type TaskSnapshot = ReturnType<TaskActor['getSnapshot']>;

/** What a connector actor is started with. */
export interface ConnectorStart {
  readonly name: string;
  readonly type: 'source' | 'sink';
  /** The Connector instance (kept across restarts of the actor). */
  readonly connector: AnyConnector;
  /** The stored config, placeholders unresolved: the Worker resolves them at start. */
  readonly config: ConnectorConfig;
  readonly target: TargetState;
  readonly restartPolicy: RestartPolicy;
  readonly onTaskConfigs: (configs: ConnectorConfig[]) => void | Promise<void>;
  /** Every snapshot of the actor, after the startup counters saw it (the current one at once). */
  readonly onSnapshot?: (snapshot: ConnectorSnapshot) => void;
}

/** What a task actor is started with. */
export interface TaskStart {
  readonly id: TaskId;
  readonly type: 'source' | 'sink';
  /** The task class, asked at each (re)start: a fresh task instance per start, as Kafka Connect creates one. */
  readonly taskClass: () => TaskClass;
  /** Stored configs keep their placeholders; the task gets them resolved, at each (re)start. */
  readonly connectorConfig: ConnectorConfig;
  readonly taskConfig: ConnectorConfig;
  readonly target: 'STARTED' | 'PAUSED';
  readonly restartPolicy: RestartPolicy;
  /** The instance each start created (for SourceTask.isFinished). */
  readonly onInstance: (task: AnyTask) => void;
  /** The first time the task produces to / consumes from a topic (KIP-558). */
  readonly onTopic: (topic: string) => void;
  /** Every snapshot of the actor (the current one at once). */
  readonly onSnapshot?: (snapshot: TaskSnapshot) => void;
}

/** A connector's or task's state as this worker's actors tell it. */
export interface LocalState<S> {
  readonly state: S;
  readonly trace?: string;
  readonly restart?: RestartStatus;
}

export interface WorkerOptions {
  readonly settings: WorkerSettings;
  readonly log: Log;
  /** Config provider classes beyond the built-in ones (the herder's plugin registry). */
  readonly configProviders?: ConfigProviderPlugins;
  /** Clock and randomness of the restart policy (tests). */
  readonly now?: () => number;
  readonly random?: () => number;
}

const connectorActorId = (name: string): string => `connector:${name}`;
/** Kafka's Worker.CONNECTOR_GRACEFUL_SHUTDOWN_TIMEOUT_MS: how long a connector gets to stop before it is abandoned. */
export const CONNECTOR_GRACEFUL_SHUTDOWN_TIMEOUT_MS = 5000;
/** On top of the task's own graceful budget, so its own stop timeout (and message) comes first. */
const TASK_STOP_GRACE_MS = 500;
const taskActorId = (connector: string, task: number): string => `task:${connector}-${task}`;

/** Resolves once the actor has ended (or at once if it is not running). */
async function ended(actor: AnyActorRef | undefined): Promise<void> {
  if (!actor || actor.getSnapshot().status !== 'active') return;
  await waitFor(actor, (s) => s.status !== 'active').catch(() => {});
}

/** `config.providers` of the worker config; a bad provider setting is a worker config error. */
function transformerOf(settings: WorkerSettings, plugins: ConfigProviderPlugins | undefined): ConfigTransformer {
  try {
    return configTransformerFromWorker(settings.raw, plugins);
  } catch (e) {
    if (!(e instanceof ConfigException)) throw e;
    throw new WorkerConfigError([{ ...(e.key ? { key: e.key } : {}), reason: e.reason }]);
  }
}

export class Worker {
  readonly settings: WorkerSettings;
  /** Resolves `${provider:path:key}` placeholders (worker `config.providers`). */
  readonly transformer: ConfigTransformer;
  readonly #log: Log;
  readonly #clock: { now?: () => number; random?: () => number };
  readonly #counters = {
    connectorStartupAttempts: 0,
    connectorStartupSuccesses: 0,
    connectorStartupFailures: 0,
    taskStartupAttempts: 0,
    taskStartupSuccesses: 0,
    taskStartupFailures: 0,
  };
  #runtime: WorkerRuntime | undefined;
  #offsets: OffsetStore | undefined;
  #supervisor: WorkerActor | undefined;
  #clusterId: string | null | undefined;

  /** Throws WorkerConfigError when the worker's config providers are misconfigured. */
  constructor(options: WorkerOptions) {
    this.settings = options.settings;
    this.#log = options.log;
    this.#clock = {
      ...(options.now ? { now: options.now } : {}),
      ...(options.random ? { random: options.random } : {}),
    };
    this.transformer = transformerOf(options.settings, options.configProviders);
  }

  /** Starts the runtime (throws if it cannot; the caller closes it then), then the supervisor. */
  async start(runtime: WorkerRuntime, offsets: OffsetStore = runtime.offsets): Promise<void> {
    await runtime.start();
    this.#runtime = runtime;
    this.#offsets = offsets;
    this.#supervisor = startWorkerActor(this.#log);
  }

  /**
   * In-process: records produced and not yet acknowledged by every sink reading them (0: every sink committed
   * everything). Null on Kafka, or before the start.
   */
  unacknowledgedRecords(): number | null {
    return this.#runtime?.unacknowledged?.() ?? null;
  }

  /** After every connector and task was stopped: the supervisor, then the runtime (transport, offset store). */
  async stop(): Promise<void> {
    this.#supervisor?.stop();
    await this.#runtime?.close();
  }

  /** Called on every change of the supervisor (a child crashed, was spawned or removed). */
  onChange(listener: () => void): void {
    this.#supervisor?.subscribe({ next: listener, error: () => {} });
  }

  /** The source offset store. */
  get offsets(): OffsetStore {
    if (!this.#offsets) throw new Error('the worker has not been started');
    return this.#offsets;
  }

  counters(): WorkerCounters {
    return { ...this.#counters };
  }

  // ---- connectors -----------------------------------------------------------------------------------------------

  /** Spawns the connector's actor; returns what stops the snapshot watch. */
  startConnector(spec: ConnectorStart): () => void {
    const reader = this.#offsetReader(spec.name);
    const startable = this.#startable(spec.connector, spec.config);
    this.#supervisor!.send({
      type: 'SPAWN_CONNECTOR',
      id: connectorActorId(spec.name),
      input: {
        name: spec.name,
        connector: startable.connector,
        config: startable.config,
        target: spec.target,
        context: (hooks: ConnectorContext) => (spec.type === 'source' ? { ...hooks, offsetStorageReader: reader } : hooks),
        onTaskConfigs: spec.onTaskConfigs,
        restartPolicy: spec.restartPolicy,
        log: this.#log,
        ...this.#clock,
      },
    });
    const actor = this.connectorActor(spec.name);
    if (!actor) return () => {};
    // Startups are counted from the actor's transitions: into `starting`, then out of it (failed or not).
    let previous: unknown;
    const observe = (snapshot: ConnectorSnapshot) => {
      const value = snapshot.value;
      if (value !== previous) {
        if (value === 'starting') this.#counters.connectorStartupAttempts++;
        else if (previous === 'starting') {
          if (value === 'failed') this.#counters.connectorStartupFailures++;
          else this.#counters.connectorStartupSuccesses++;
        }
        previous = value;
      }
      spec.onSnapshot?.(snapshot);
    };
    observe(actor.getSnapshot());
    const sub = actor.subscribe({ next: observe, error: () => {} });
    return () => sub.unsubscribe();
  }

  /**
   * Graceful: the connector instance stops, then its actor is removed. As Kafka's Worker, it waits at most
   * `budgetMs` (5 s): a connector whose start or stop hangs (a database that never answers) is abandoned then,
   * so whatever waits behind the stop (the herder's next requests, the worker's shutdown) carries on.
   */
  async stopConnector(name: string, budgetMs = CONNECTOR_GRACEFUL_SHUTDOWN_TIMEOUT_MS): Promise<void> {
    const actor = this.connectorActor(name);
    actor?.send({ type: 'SHUTDOWN' });
    if (!(await settlesWithin(ended(actor), budgetMs, { unref: true }))) {
      this.#log.error(
        { connector: name, budgetMs },
        `Connector '${name}' failed to properly shut down, has become unresponsive, and may be consuming external resources. ` +
          'Correct the configuration for this connector or remove the connector. After fixing the connector, it may be ' +
          'necessary to restart this worker to release any consumed resources.',
      );
    }
    this.#supervisor!.send({ type: 'REMOVE', id: connectorActorId(name) });
  }

  connectorActor(name: string): ConnectorActor | undefined {
    return this.#supervisor ? childOf<ConnectorActor>(this.#supervisor, connectorActorId(name)) : undefined;
  }

  connectorCrash(name: string): CrashRecord | undefined {
    return this.#supervisor ? crashOf(this.#supervisor, connectorActorId(name)) : undefined;
  }

  /** FAILED with the trace after a crash; UNASSIGNED without an actor; else what the actor says. */
  connectorState(name: string): LocalState<ConnectorState> {
    const crash = this.connectorCrash(name);
    if (crash) return { state: 'FAILED', trace: crash.trace };
    const actor = this.connectorActor(name);
    if (!actor) return { state: 'UNASSIGNED' };
    const s = connectorActorStatus(actor.getSnapshot());
    return { state: s.state, ...(s.trace ? { trace: s.trace } : {}), ...(s.restart ? { restart: s.restart } : {}) };
  }

  /** Whether the connector actor is running: started, with its task configs computed (not configuring again). */
  connectorRunning(name: string): boolean {
    return this.connectorActor(name)?.getSnapshot().matches('running') ?? false;
  }

  /** Waits until the connector actor is in a resting state (not starting, pausing, stopping or restarting). */
  async connectorSettled(name: string): Promise<void> {
    const actor = this.connectorActor(name);
    if (!actor) return;
    await waitFor(
      actor,
      (s) => s.status !== 'active' || s.matches('running') || s.matches('paused') || s.matches('stopped') || s.matches('failed'),
    ).catch(() => {});
  }

  // ---- tasks ----------------------------------------------------------------------------------------------------

  /** Spawns the task's actor; returns what stops the snapshot watch. */
  startTask(spec: TaskStart): () => void {
    const runtime = this.#runtime!;
    const { id } = spec;
    this.#supervisor!.send({
      type: 'SPAWN_TASK',
      id: taskActorId(id.connector, id.task),
      input: {
        id,
        target: spec.target,
        shutdownTimeoutMs: this.settings.shutdownTimeoutMs,
        restartPolicy: spec.restartPolicy,
        log: this.#log,
        ...this.#clock,
        start: async () => {
          this.#counters.taskStartupAttempts++;
          try {
            const TaskClass = spec.taskClass();
            const instance = new TaskClass();
            spec.onInstance(instance);
            const common = {
              id,
              connectorConfig: this.transformer.transform(spec.connectorConfig),
              taskConfig: this.transformer.transform(spec.taskConfig),
              onTopic: spec.onTopic,
            };
            const run = await (spec.type === 'source'
              ? runtime.startTask({ type: 'source', task: instance as SourceTask, ...common })
              : runtime.startTask({ type: 'sink', task: instance as SinkTask, ...common }));
            this.#counters.taskStartupSuccesses++;
            return run;
          } catch (e) {
            this.#counters.taskStartupFailures++;
            throw e;
          }
        },
      },
    });
    const actor = this.taskActor(id.connector, id.task);
    const onSnapshot = spec.onSnapshot;
    if (!actor || !onSnapshot) return () => {};
    onSnapshot(actor.getSnapshot());
    const sub = actor.subscribe({ next: onSnapshot, error: () => {} });
    return () => sub.unsubscribe();
  }

  /**
   * Graceful: the task stops within `task.shutdown.graceful.timeout.ms` (or `budgetMs`, when given: what a fenced
   * worker has left), committing what was acknowledged; then its actor is removed.
   */
  async stopTask(connector: string, task: number, budgetMs?: number): Promise<void> {
    const actor = this.taskActor(connector, task);
    if (budgetMs !== undefined) void actor?.getSnapshot().context.run?.stop(budgetMs).catch(() => {});
    actor?.send({ type: 'SHUTDOWN' });
    // A task whose start hangs never reaches its own stop timeout: abandoned after the budget, as Kafka cancels it.
    const waitMs = (budgetMs ?? this.settings.shutdownTimeoutMs) + TASK_STOP_GRACE_MS;
    if (!(await settlesWithin(ended(actor), waitMs, { unref: true }))) {
      this.#log.error({ connector, task }, `Graceful stop of task ${connector}-${task} failed.`);
    }
    this.#supervisor!.send({ type: 'REMOVE', id: taskActorId(connector, task) });
  }

  taskActor(connector: string, task: number): TaskActor | undefined {
    return this.#supervisor ? childOf<TaskActor>(this.#supervisor, taskActorId(connector, task)) : undefined;
  }

  taskCrash(connector: string, task: number): CrashRecord | undefined {
    return this.#supervisor ? crashOf(this.#supervisor, taskActorId(connector, task)) : undefined;
  }

  taskState(connector: string, task: number): LocalState<TaskState> {
    const crash = this.taskCrash(connector, task);
    if (crash) return { state: 'FAILED', trace: crash.trace };
    const actor = this.taskActor(connector, task);
    if (!actor) return { state: 'UNASSIGNED' };
    const s = taskActorStatus(actor.getSnapshot());
    return { state: s.state, ...(s.trace ? { trace: s.trace } : {}), ...(s.restart ? { restart: s.restart } : {}) };
  }

  /** Waits until a restarted task is past RESTARTING/UNASSIGNED. */
  async taskRestarted(connector: string, task: number): Promise<void> {
    const actor = this.taskActor(connector, task);
    if (!actor) return;
    await waitFor(actor, (s) => s.status !== 'active' || !['RESTARTING', 'UNASSIGNED'].includes(taskActorStatus(s).state)).catch(() => {});
  }

  /**
   * A task's live figures. `state` defaults to what its actor says (UNASSIGNED without one); `instance` is the
   * task instance its last start created (a bounded source task may say it is finished).
   */
  taskProgress(id: TaskId, type: 'source' | 'sink', instance: AnyTask | undefined, state?: TaskState): TaskProgress {
    const snapshot = this.taskActor(id.connector, id.task)?.getSnapshot();
    const s = state ?? (snapshot ? taskActorStatus(snapshot).state : 'UNASSIGNED');
    const finishedBySelf = snapshot?.matches('finished') ?? false;
    // Only a started run can say it is finished: before, the instance has not been started (and a task run in a
    // task thread says so itself; the instance here is not the one that runs).
    const run = snapshot?.context.run ?? undefined;
    const saysFinished = run ? (run.finished ? run.finished() : (instance as SourceTask | undefined)?.isFinished?.() === true) : false;
    const finished = finishedBySelf || (type === 'source' && s === 'RUNNING' && saysFinished);
    return { connector: id.connector, task: id.task, type, state: s, finished, metrics: run?.metrics() ?? null };
  }

  // ---- the runtime's services -------------------------------------------------------------------------------------

  /** The offsets of a source connector: its own offsets topic's over the worker's store, or the worker's store. */
  async offsetsFor(connectorConfig: ConnectorConfig): Promise<OffsetStore> {
    return (await this.#runtime?.offsetsFor?.(connectorConfig)) ?? this.offsets;
  }

  /** An admin client of the transport, connected for `use` (sink connector offsets, the cluster id). */
  async withAdmin<T>(use: (admin: KafkaAdmin) => Promise<T>): Promise<T> {
    const admin = this.#runtime?.admin?.();
    if (!admin) throw new Error('this worker has no Kafka admin client (sink connector offsets are not available)');
    await admin.connect();
    try {
      return await use(admin);
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }

  /** The Kafka cluster id (null with the in-process transport); asked once. */
  async kafkaClusterId(): Promise<string | null> {
    if (this.#clusterId !== undefined) return this.#clusterId;
    if (!this.#runtime?.admin) return null;
    const id = await this.withAdmin(async (admin) => (admin.clusterId ? admin.clusterId() : null));
    this.#clusterId = id;
    return id;
  }

  /** The config with placeholders resolved; on a provider failure, a connector whose start fails with it. */
  #startable(connector: AnyConnector, config: ConnectorConfig): { connector: AnyConnector; config: ConnectorConfig } {
    try {
      return { connector, config: this.transformer.transform(config) };
    } catch (e) {
      const failing = Object.create(connector, { start: { value: () => Promise.reject(e) } }) as AnyConnector;
      return { connector: failing, config };
    }
  }

  #offsetReader(connector: string): OffsetStorageReader {
    return {
      offset: async (partition: OffsetMap) => (await this.offsets.get(connector, [partition])).get(partition) ?? null,
      offsets: (partitions: readonly OffsetMap[]) => this.offsets.get(connector, partitions),
    };
  }
}
