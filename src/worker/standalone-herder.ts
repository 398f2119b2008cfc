/**
 * The standalone herder (Kafka Connect's StandaloneHerder + Worker): connector configs, target states and task
 * configs live in memory; connectors and tasks run as actors under one supervisor in this process.
 */
import { waitFor, type AnyActorRef } from 'xstate';
import type {
  AnyConnector,
  ConnectorConfig,
  ConnectorContext,
  ConnectorPlugin,
  OffsetStorageReader,
  SinkTask,
  SourceTask,
} from '../connectors/api/index.js';
import type { OffsetMap } from '../data/index.js';
import { PluginRegistry } from '../connectors/registry.js';
import type { ProblemOptions } from '../connectors/validation.js';
import {
  childOf,
  connectorStatus as connectorActorStatus,
  crashOf,
  parseRestartPolicy,
  silentLog,
  startWorkerActor,
  taskStatus as taskActorStatus,
  type ConnectorActor,
  type Log,
  type RestartPolicy,
  type TargetState,
  type TaskActor,
  type WorkerActor,
} from '../actors/index.js';
import type {
  ConnectorInfo,
  ConnectorStateEntry,
  ConnectorStateInfo,
  Herder,
  InitialState,
  TaskInfo,
  TaskProgress,
  TaskStateEntry,
} from './herder.js';
import { AlreadyExistsError, ConflictError, NotFoundError } from './errors.js';
import { buildRestartPlan, type RestartRequest } from './restart-plan.js';
import { sameTaskConfigs, storedTaskConfigs, taskClassName } from './task-configs.js';
import { parseWorkerSettings, type WorkerSettings } from './worker-config.js';
import type { WorkerRuntime } from './runtime.js';
import { assertValidConnector } from './validate.js';
import { Serial } from './serial.js';
import { defaultRuntime } from './default-runtime.js';

export interface StandaloneHerderOptions {
  /** The worker config (Kafka Connect's flat map). */
  worker?: Readonly<Record<string, string>>;
  registry?: PluginRegistry;
  /** Builds the data path from the parsed settings; default: defaultRuntime (Kafka or in-process). */
  runtime?: (settings: WorkerSettings, log: Log) => WorkerRuntime;
  /** Options for connector validation (converter and transform lookups). */
  validation?: ProblemOptions;
  log?: Log;
  /** Clock and randomness of the restart policy (tests). */
  now?: () => number;
  random?: () => number;
}

type AnyTask = SourceTask | SinkTask;

interface ConnectorEntry {
  readonly name: string;
  readonly config: ConnectorConfig;
  readonly plugin: ConnectorPlugin;
  connector: AnyConnector;
  target: TargetState;
  readonly policy: RestartPolicy;
  /** Stored task configs (with task.class); empty while STOPPED. */
  taskConfigs: ConnectorConfig[];
  /** The task instance each running task actor started last (for isFinished). */
  readonly taskInstances: Map<number, AnyTask>;
  readonly serial: Serial;
  removing: boolean;
}

const connectorActorId = (name: string): string => `connector:${name}`;
const taskActorId = (name: string, task: number): string => `task:${name}-${task}`;

/** Resolves once the actor has ended (or at once if it is not running). */
async function ended(actor: AnyActorRef | undefined): Promise<void> {
  if (!actor || actor.getSnapshot().status !== 'active') return;
  await waitFor(actor, (s) => s.status !== 'active').catch(() => {});
}

export class StandaloneHerder implements Herder {
  readonly settings: WorkerSettings;
  readonly registry: PluginRegistry;
  readonly #options: StandaloneHerderOptions;
  readonly #log: Log;
  readonly #connectors = new Map<string, ConnectorEntry>();
  #runtime: WorkerRuntime | undefined;
  #worker: WorkerActor | undefined;
  #state: 'new' | 'running' | 'stopping' | 'stopped' = 'new';

  /** Throws WorkerConfigError when the worker config is invalid. */
  constructor(options: StandaloneHerderOptions) {
    this.#options = options;
    this.#log = options.log ?? silentLog;
    this.settings = parseWorkerSettings(options.worker ?? {});
    this.registry = options.registry ?? PluginRegistry.withBuiltins();
  }

  get workerId(): string {
    return this.settings.workerId;
  }

  async start(): Promise<void> {
    if (this.#state !== 'new') throw new ConflictError(`the worker was already started (${this.#state})`);
    const runtime = (this.#options.runtime ?? defaultRuntime)(this.settings, this.#log);
    await runtime.start();
    this.#runtime = runtime;
    this.#worker = startWorkerActor(this.#log);
    this.#state = 'running';
    this.#log.info({ workerId: this.workerId, transport: this.settings.bootstrapServers ? 'kafka' : 'in-process' }, 'worker started');
  }

  async stop(): Promise<void> {
    if (this.#state !== 'running') return;
    this.#state = 'stopping';
    const entries = [...this.#connectors.values()];
    // Tasks first, all at once: each gets the graceful budget, so the whole stop takes about that long.
    await Promise.all(entries.map((e) => e.serial.run(() => this.#shutdownTasks(e))));
    await Promise.all(entries.map((e) => this.#shutdownConnector(e)));
    this.#connectors.clear();
    this.#worker!.stop();
    await this.#runtime!.close();
    this.#state = 'stopped';
    this.#log.info({ workerId: this.workerId }, 'worker stopped');
  }

  // ---- connectors -------------------------------------------------------------------------------------------

  async addConnector(name: string, config: ConnectorConfig, initialState: InitialState = 'RUNNING'): Promise<ConnectorInfo> {
    this.#ensureRunning();
    if (this.#connectors.has(name)) throw new AlreadyExistsError(name);
    const full: ConnectorConfig = { ...config, name };
    await assertValidConnector(this.registry, name, { ...config, ...(config['name'] === undefined ? { name } : {}) }, this.#options.validation);
    if (this.#connectors.has(name)) throw new AlreadyExistsError(name); // created meanwhile
    const plugin = this.registry.resolve(full['connector.class']!);
    const entry: ConnectorEntry = {
      name,
      config: full,
      plugin,
      connector: plugin.create(),
      target: initialState === 'RUNNING' ? 'STARTED' : initialState,
      policy: parseRestartPolicy(full),
      taskConfigs: [],
      taskInstances: new Map(),
      serial: new Serial(),
      removing: false,
    };
    this.#connectors.set(name, entry);
    this.#spawnConnector(entry);
    this.#log.info({ connector: name, class: plugin.className, target: entry.target }, 'connector added');
    return this.connectorInfo(name);
  }

  async deleteConnector(name: string): Promise<void> {
    const entry = this.#entry(name);
    if (entry.removing) return;
    entry.removing = true;
    await entry.serial.run(() => this.#shutdownTasks(entry));
    await this.#shutdownConnector(entry);
    this.#connectors.delete(name);
    this.#log.info({ connector: name }, 'connector deleted');
  }

  async pauseConnector(name: string): Promise<void> {
    const entry = this.#entry(name);
    await entry.serial.run(async () => {
      entry.target = 'PAUSED';
      this.#connectorActor(entry)?.send({ type: 'PAUSE' });
      for (const t of this.#taskActors(entry)) t.send({ type: 'PAUSE' });
    });
    await this.#connectorSettled(entry);
  }

  async resumeConnector(name: string): Promise<void> {
    const entry = this.#entry(name);
    await entry.serial.run(async () => {
      entry.target = 'STARTED';
      this.#connectorActor(entry)?.send({ type: 'RESUME' });
      for (const t of this.#taskActors(entry)) t.send({ type: 'RESUME' });
    });
    await this.#connectorSettled(entry);
  }

  async stopConnector(name: string): Promise<void> {
    const entry = this.#entry(name);
    await entry.serial.run(async () => {
      entry.target = 'STOPPED';
      // As Kafka Connect: the empty task set first, then the connector's target state.
      await this.#shutdownTasks(entry);
      this.#connectorActor(entry)?.send({ type: 'STOP' });
    });
    await this.#connectorSettled(entry);
  }

  async restartConnector(name: string, request: RestartRequest = {}): Promise<ConnectorStateInfo> {
    const entry = this.#entry(name);
    const plan = buildRestartPlan(this.connectorStatus(name), request);
    await entry.serial.run(async () => {
      if (plan.connector) this.#restartConnectorActor(entry);
      for (const task of plan.tasks) this.#restartTaskActor(entry, task);
    });
    // Kafka Connect restarts the connector alone synchronously; with tasks it answers at once (202).
    if (!request.includeTasks && !request.onlyFailed && plan.connector) await this.#connectorSettled(entry);
    return plan.status;
  }

  async restartTask(name: string, task: number): Promise<void> {
    const entry = this.#entry(name);
    if (task < 0 || task >= entry.taskConfigs.length || !Number.isInteger(task)) throw new NotFoundError(name, task);
    await entry.serial.run(async () => this.#restartTaskActor(entry, task));
    const actor = childOf<TaskActor>(this.#worker!, taskActorId(name, task));
    if (actor) {
      await waitFor(actor, (s) => s.status !== 'active' || !['RESTARTING', 'UNASSIGNED'].includes(taskActorStatus(s).state)).catch(() => {});
    }
  }

  // ---- reads --------------------------------------------------------------------------------------------------

  connectors(): string[] {
    return [...this.#connectors.keys()];
  }

  connectorInfo(name: string): ConnectorInfo {
    const entry = this.#entry(name);
    return {
      name,
      config: { ...entry.config },
      tasks: entry.taskConfigs.map((_, task) => ({ connector: name, task })),
      type: entry.plugin.type,
    };
  }

  connectorConfig(name: string): ConnectorConfig {
    return { ...this.#entry(name).config };
  }

  taskConfigs(name: string): TaskInfo[] {
    return this.#entry(name).taskConfigs.map((config, task) => ({ id: { connector: name, task }, config: { ...config } }));
  }

  connectorStatus(name: string): ConnectorStateInfo {
    const entry = this.#entry(name);
    return {
      name,
      connector: this.#connectorState(entry),
      tasks: entry.target === 'STOPPED' ? [] : entry.taskConfigs.map((_, task) => this.#taskState(entry, task)),
      type: entry.plugin.type,
    };
  }

  taskStatus(name: string, task: number): TaskStateEntry {
    const entry = this.#entry(name);
    if (!Number.isInteger(task) || task < 0 || task >= entry.taskConfigs.length) throw new NotFoundError(name, task);
    return this.#taskState(entry, task);
  }

  progress(): TaskProgress[] {
    const out: TaskProgress[] = [];
    for (const entry of this.#connectors.values()) {
      if (entry.target === 'STOPPED') continue;
      entry.taskConfigs.forEach((_, task) => {
        const actor = this.#worker ? childOf<TaskActor>(this.#worker, taskActorId(entry.name, task)) : undefined;
        const snapshot = actor?.getSnapshot();
        const state = this.#taskState(entry, task).state;
        const instance = entry.taskInstances.get(task);
        const finishedBySelf = snapshot?.matches('finished') ?? false;
        const finished =
          finishedBySelf || (entry.plugin.type === 'source' && state === 'RUNNING' && (instance as SourceTask | undefined)?.isFinished?.() === true);
        out.push({
          connector: entry.name,
          task,
          type: entry.plugin.type,
          state,
          finished,
          metrics: snapshot?.context.run?.metrics() ?? null,
        });
      });
    }
    return out;
  }

  // ---- internals ----------------------------------------------------------------------------------------------

  #ensureRunning(): void {
    if (this.#state !== 'running') {
      throw new ConflictError(this.#state === 'new' ? 'the worker has not been started' : 'the worker is stopping');
    }
  }

  #entry(name: string): ConnectorEntry {
    const entry = this.#connectors.get(name);
    if (!entry) throw new NotFoundError(name);
    return entry;
  }

  #connectorActor(entry: ConnectorEntry): ConnectorActor | undefined {
    return this.#worker ? childOf<ConnectorActor>(this.#worker, connectorActorId(entry.name)) : undefined;
  }

  #taskActors(entry: ConnectorEntry): TaskActor[] {
    if (!this.#worker) return [];
    return entry.taskConfigs
      .map((_, task) => childOf<TaskActor>(this.#worker!, taskActorId(entry.name, task)))
      .filter((a): a is TaskActor => a !== undefined);
  }

  #connectorState(entry: ConnectorEntry): ConnectorStateEntry {
    const worker_id = this.workerId;
    const crash = this.#worker ? crashOf(this.#worker, connectorActorId(entry.name)) : undefined;
    if (crash) return { state: 'FAILED', worker_id, trace: crash.trace };
    const actor = this.#connectorActor(entry);
    if (!actor) return { state: 'UNASSIGNED', worker_id };
    const s = connectorActorStatus(actor.getSnapshot());
    return { state: s.state, worker_id, ...(s.trace ? { trace: s.trace } : {}), ...(s.restart ? { restart: s.restart } : {}) };
  }

  #taskState(entry: ConnectorEntry, task: number): TaskStateEntry {
    const worker_id = this.workerId;
    const id = taskActorId(entry.name, task);
    const crash = this.#worker ? crashOf(this.#worker, id) : undefined;
    if (crash) return { id: task, state: 'FAILED', worker_id, trace: crash.trace };
    const actor = this.#worker ? childOf<TaskActor>(this.#worker, id) : undefined;
    if (!actor) return { id: task, state: 'UNASSIGNED', worker_id };
    const s = taskActorStatus(actor.getSnapshot());
    return { id: task, state: s.state, worker_id, ...(s.trace ? { trace: s.trace } : {}), ...(s.restart ? { restart: s.restart } : {}) };
  }

  #spawnConnector(entry: ConnectorEntry): void {
    const offsetReader = this.#offsetReader(entry.name);
    this.#worker!.send({
      type: 'SPAWN_CONNECTOR',
      id: connectorActorId(entry.name),
      input: {
        name: entry.name,
        connector: entry.connector,
        config: entry.config,
        target: entry.target,
        context: (hooks: ConnectorContext) => (entry.plugin.type === 'source' ? { ...hooks, offsetStorageReader: offsetReader } : hooks),
        onTaskConfigs: (configs) => entry.serial.run(() => this.#applyTaskConfigs(entry, configs)),
        restartPolicy: entry.policy,
        log: this.#log,
        ...this.#clock(),
      },
    });
  }

  #clock(): { now?: () => number; random?: () => number } {
    return {
      ...(this.#options.now ? { now: this.#options.now } : {}),
      ...(this.#options.random ? { random: this.#options.random } : {}),
    };
  }

  #offsetReader(connector: string): OffsetStorageReader {
    const store = () => this.#runtime!.offsets;
    return {
      offset: async (partition: OffsetMap) => (await store().get(connector, [partition])).get(partition) ?? null,
      offsets: (partitions: readonly OffsetMap[]) => store().get(connector, partitions),
    };
  }

  /** The connector computed task configs: store them and restart the tasks if they changed (Kafka: only then). */
  async #applyTaskConfigs(entry: ConnectorEntry, configs: readonly ConnectorConfig[]): Promise<void> {
    if (entry.removing || this.#state !== 'running' || entry.target === 'STOPPED') return;
    const stored = storedTaskConfigs(entry.plugin.type, taskClassName(entry.connector), entry.config, configs);
    if (sameTaskConfigs(entry.taskConfigs, stored) && this.#taskActors(entry).length === stored.length) return;
    await this.#shutdownTasks(entry);
    entry.taskConfigs = stored;
    stored.forEach((config, task) => this.#spawnTask(entry, task, config));
    this.#log.info({ connector: entry.name, tasks: stored.length }, 'task configs updated; tasks started');
  }

  #spawnTask(entry: ConnectorEntry, task: number, taskConfig: ConnectorConfig): void {
    const id = { connector: entry.name, task };
    const runtime = this.#runtime!;
    this.#worker!.send({
      type: 'SPAWN_TASK',
      id: taskActorId(entry.name, task),
      input: {
        id,
        target: entry.target === 'PAUSED' ? 'PAUSED' : 'STARTED',
        shutdownTimeoutMs: this.settings.shutdownTimeoutMs,
        restartPolicy: entry.policy,
        log: this.#log,
        ...this.#clock(),
        // A fresh task instance per start, as Kafka Connect creates one per (re)start.
        start: async () => {
          const TaskClass = entry.connector.taskClass();
          const instance = new TaskClass();
          entry.taskInstances.set(task, instance);
          const common = { id, connectorConfig: entry.config, taskConfig };
          return entry.plugin.type === 'source'
            ? runtime.startTask({ type: 'source', task: instance as SourceTask, ...common })
            : runtime.startTask({ type: 'sink', task: instance as SinkTask, ...common });
        },
      },
    });
  }

  /** Stops every task of the connector gracefully and forgets them (call inside the entry's serial). */
  async #shutdownTasks(entry: ConnectorEntry): Promise<void> {
    const worker = this.#worker!;
    const ids = entry.taskConfigs.map((_, task) => taskActorId(entry.name, task));
    await Promise.all(
      ids.map(async (id) => {
        const actor = childOf<TaskActor>(worker, id);
        actor?.send({ type: 'SHUTDOWN' });
        await ended(actor);
        worker.send({ type: 'REMOVE', id });
      }),
    );
    entry.taskConfigs = [];
    entry.taskInstances.clear();
  }

  async #shutdownConnector(entry: ConnectorEntry): Promise<void> {
    const actor = this.#connectorActor(entry);
    actor?.send({ type: 'SHUTDOWN' });
    await ended(actor);
    this.#worker!.send({ type: 'REMOVE', id: connectorActorId(entry.name) });
  }

  #restartConnectorActor(entry: ConnectorEntry): void {
    const actor = this.#connectorActor(entry);
    if (actor) {
      actor.send({ type: 'RESTART' });
      return;
    }
    // The actor crashed: start over with a fresh instance.
    entry.connector = entry.plugin.create();
    this.#spawnConnector(entry);
  }

  #restartTaskActor(entry: ConnectorEntry, task: number): void {
    const actor = childOf<TaskActor>(this.#worker!, taskActorId(entry.name, task));
    if (actor) actor.send({ type: 'RESTART' });
    else if (entry.taskConfigs[task]) this.#spawnTask(entry, task, entry.taskConfigs[task]!);
  }

  /** Waits until the connector actor is in a resting state (not starting, pausing, stopping or restarting). */
  async #connectorSettled(entry: ConnectorEntry): Promise<void> {
    const actor = this.#connectorActor(entry);
    if (!actor) return;
    await waitFor(
      actor,
      (s) => s.status !== 'active' || s.matches('running') || s.matches('paused') || s.matches('stopped') || s.matches('failed'),
    ).catch(() => {});
  }
}
