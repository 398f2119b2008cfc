/**
 * The standalone herder (Kafka Connect's StandaloneHerder): connector configs, target states and task configs
 * live in memory; every connector and task runs on this process's Worker. Writes to one connector run one at a
 * time (its serial queue).
 */
import type { AnyConnector, ConnectorConfig, ConnectorPlugin } from '../connectors/api/index.js';
import { PluginRegistry } from '../connectors/registry.js';
import type { ProblemOptions } from '../connectors/validation.js';
import { parseRestartPolicy, type Log, type RestartPolicy, type TargetState } from '../actors/index.js';
import type {
  ConnectorInfo,
  ConnectorOffset,
  ConnectorOffsets,
  ConnectorStateInfo,
  Herder,
  InitialState,
  TaskInfo,
  TaskProgress,
  TaskStateEntry,
} from './herder.js';
import { AlreadyExistsError, ConflictError, NotFoundError } from './errors.js';
import { reverseTransform } from './config-providers.js';
import { buildRestartPlan, type RestartRequest } from './restart-plan.js';
import { sameTaskConfigs, storedTaskConfigs, taskClassName } from './task-configs.js';
import { parseWorkerSettings, type WorkerSettings } from './worker-config.js';
import type { WorkerRuntime } from './runtime.js';
import { SerialQueue } from '../async/index.js';
import { defaultRuntime } from './default-runtime.js';
import { AbstractHerder, restartStatusWithTraces } from './abstract-herder.js';
import { assertStoppedForOffsets } from './offsets-api.js';
import { connectorEntryOf, connectorInfoOf, patchedConfig, taskEntryOf, taskInfosOf } from './status.js';
import type { AnyTask } from './worker.js';
import { TapHub } from './taps.js';

export interface StandaloneHerderOptions {
  /** The worker config (Kafka Connect's flat map). */
  worker?: Readonly<Record<string, string>>;
  registry?: PluginRegistry;
  /** Builds the data path from the parsed settings; default: defaultRuntime (Kafka or in-process). */
  runtime?: (settings: WorkerSettings, log: Log, context: { plugins: PluginRegistry; taps: TapHub }) => WorkerRuntime;
  /** Options for connector validation (converter and transform lookups). */
  validation?: ProblemOptions;
  log?: Log;
  /** Clock and randomness of the restart policy (tests). */
  now?: () => number;
  random?: () => number;
}

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
  readonly serial: SerialQueue;
  removing: boolean;
  /** Task configs the connector computed that are not applied yet (the tasks they start are not listed yet). */
  configsPending: number;
}

export class StandaloneHerder extends AbstractHerder implements Herder {
  /** Observables of the records of running connectors (`Pipeline.tap`). */
  readonly taps = new TapHub();
  readonly #options: StandaloneHerderOptions;
  readonly #connectors = new Map<string, ConnectorEntry>();
  /** KIP-558 active topics per connector name. */
  readonly #activeTopics = new Map<string, Set<string>>();

  /** Throws WorkerConfigError when the worker config is invalid. */
  constructor(options: StandaloneHerderOptions) {
    super(parseWorkerSettings(options.worker ?? {}), options);
    this.#options = options;
  }

  async start(): Promise<void> {
    if (this.state !== 'new') throw new ConflictError(`the worker was already started (${this.state})`);
    const runtime = (this.#options.runtime ?? defaultRuntime)(this.settings, this.log, { plugins: this.registry, taps: this.taps });
    await this.worker.start(runtime);
    this.state = 'running';
    this.log.info({ workerId: this.workerId, transport: this.settings.bootstrapServers ? 'kafka' : 'in-process' }, 'worker started');
  }

  async stop(): Promise<void> {
    if (this.state !== 'running') return;
    this.state = 'stopping';
    const entries = [...this.#connectors.values()];
    // Tasks first, all at once: each gets the graceful budget, so the whole stop takes about that long.
    await Promise.all(entries.map((e) => e.serial.run(() => this.#shutdownTasks(e))));
    await Promise.all(entries.map((e) => this.#shutdownConnector(e)));
    this.#connectors.clear();
    await this.worker.stop();
    this.state = 'stopped';
    this.log.info({ workerId: this.workerId }, 'worker stopped');
  }

  // ---- connectors -------------------------------------------------------------------------------------------

  async addConnector(name: string, config: ConnectorConfig, initialState: InitialState = 'RUNNING'): Promise<ConnectorInfo> {
    this.ensureRunning();
    if (this.#connectors.has(name)) throw new AlreadyExistsError(name);
    const full: ConnectorConfig = { ...config, name };
    await this.assertValid(name, { ...config, ...(config['name'] === undefined ? { name } : {}) });
    if (this.#connectors.has(name)) throw new AlreadyExistsError(name); // created meanwhile
    const entry = this.#newEntry(name, full, initialState === 'RUNNING' ? 'STARTED' : initialState, new SerialQueue());
    this.#connectors.set(name, entry);
    this.#spawnConnector(entry);
    this.log.info({ connector: name, class: entry.plugin.className, target: entry.target }, 'connector added');
    return this.connectorInfo(name);
  }

  async deleteConnector(name: string): Promise<void> {
    const entry = this.#entry(name);
    if (entry.removing) return;
    entry.removing = true;
    await entry.serial.run(() => this.#shutdownTasks(entry));
    await this.#shutdownConnector(entry);
    this.#connectors.delete(name);
    this.#activeTopics.delete(name);
    this.log.info({ connector: name }, 'connector deleted');
  }

  async putConnectorConfig(name: string, config: ConnectorConfig): Promise<{ created: boolean; info: ConnectorInfo }> {
    this.ensureRunning();
    const existing = this.#connectors.get(name);
    if (!existing) {
      try {
        return { created: true, info: await this.addConnector(name, config) };
      } catch (e) {
        // Created by another request meanwhile: then this one is an update, as Kafka's upsert would be.
        if (!(e instanceof AlreadyExistsError)) throw e;
        return this.putConnectorConfig(name, config);
      }
    }
    const full: ConnectorConfig = { ...config, name };
    await this.assertValid(name, { ...config, ...(config['name'] === undefined ? { name } : {}) });
    await existing.serial.run(async () => {
      const entry = this.#connectors.get(name);
      if (!entry || entry !== existing || entry.removing) throw new NotFoundError(name);
      // As Kafka's standalone herder: stop the connector and its tasks, store the config, start again in the
      // same target state (the new task configs come from the restarted connector).
      entry.removing = true;
      await this.#shutdownTasks(entry);
      await this.#shutdownConnector(entry);
      const next = this.#newEntry(name, full, entry.target, entry.serial);
      this.#connectors.set(name, next);
      this.#spawnConnector(next);
    });
    this.log.info({ connector: name }, 'connector config updated');
    await this.worker.connectorSettled(name);
    return { created: false, info: this.connectorInfo(name) };
  }

  async patchConnectorConfig(name: string, patch: Readonly<Record<string, string | null>>): Promise<ConnectorInfo> {
    return (await this.putConnectorConfig(name, patchedConfig(this.connectorConfig(name), patch))).info;
  }

  targetState(name: string): TargetState {
    return this.#entry(name).target;
  }

  // ---- offsets (KIP-875) and active topics (KIP-558) ------------------------------------------------------------

  async connectorOffsets(name: string): Promise<ConnectorOffsets> {
    const entry = this.#entry(name);
    this.ensureRunning();
    return this.offsetsApi.read({ name, config: entry.config, type: entry.plugin.type });
  }

  async alterConnectorOffsets(name: string, offsets: readonly ConnectorOffset[]): Promise<string> {
    const entry = this.#entry(name);
    return entry.serial.run(async () => {
      this.#assertStoppedForOffsets(entry);
      return this.offsetsApi.alter({ name, config: entry.config, type: entry.plugin.type }, offsets);
    });
  }

  async resetConnectorOffsets(name: string): Promise<string> {
    const entry = this.#entry(name);
    return entry.serial.run(async () => {
      this.#assertStoppedForOffsets(entry);
      return this.offsetsApi.reset({ name, config: entry.config, type: entry.plugin.type });
    });
  }

  connectorActiveTopics(name: string): string[] {
    return [...(this.#activeTopics.get(name) ?? [])].sort();
  }

  resetConnectorActiveTopics(name: string): void {
    this.#activeTopics.delete(name);
  }

  // ---- target states and restarts ---------------------------------------------------------------------------------

  async pauseConnector(name: string): Promise<void> {
    await this.#pauseOrResume(name, 'PAUSED');
  }

  async resumeConnector(name: string): Promise<void> {
    await this.#pauseOrResume(name, 'STARTED');
  }

  /** The connector and its tasks get the target state; answers once the connector settled in it. */
  async #pauseOrResume(name: string, target: 'PAUSED' | 'STARTED'): Promise<void> {
    const entry = this.#entry(name);
    const event = { type: target === 'PAUSED' ? 'PAUSE' : 'RESUME' } as const;
    await entry.serial.run(async () => {
      entry.target = target;
      this.worker.connectorActor(name)?.send(event);
      for (const t of this.#taskActors(entry)) t.send(event);
    });
    await this.worker.connectorSettled(name);
  }

  async stopConnector(name: string): Promise<void> {
    const entry = this.#entry(name);
    await entry.serial.run(async () => {
      entry.target = 'STOPPED';
      // As Kafka Connect: the empty task set first, then the connector's target state.
      await this.#shutdownTasks(entry);
      this.worker.connectorActor(name)?.send({ type: 'STOP' });
    });
    await this.worker.connectorSettled(name);
  }

  async restartConnector(name: string, request: RestartRequest = {}): Promise<ConnectorStateInfo> {
    const entry = this.#entry(name);
    const current = this.connectorStatus(name);
    const plan = buildRestartPlan(current, request);
    await entry.serial.run(async () => {
      if (plan.connector) this.#restartConnectorActor(entry);
      for (const task of plan.tasks) this.#restartTaskActor(entry, task);
    });
    // Kafka Connect restarts the connector alone synchronously; with tasks it answers at once (202).
    if (!request.includeTasks && !request.onlyFailed && plan.connector) await this.worker.connectorSettled(name);
    return restartStatusWithTraces(plan.status, current);
  }

  async restartTask(name: string, task: number): Promise<void> {
    const entry = this.#entry(name);
    if (task < 0 || task >= entry.taskConfigs.length || !Number.isInteger(task)) throw new NotFoundError(name, task);
    await entry.serial.run(async () => this.#restartTaskActor(entry, task));
    await this.worker.taskRestarted(name, task);
  }

  // ---- reads --------------------------------------------------------------------------------------------------

  connectors(): string[] {
    return [...this.#connectors.keys()];
  }

  connectorInfo(name: string): ConnectorInfo {
    const entry = this.#entry(name);
    return connectorInfoOf(name, entry.config, entry.taskConfigs.length, entry.plugin.type);
  }

  connectorConfig(name: string): ConnectorConfig {
    return { ...this.#entry(name).config };
  }

  taskConfigs(name: string): TaskInfo[] {
    return taskInfosOf(name, this.#entry(name).taskConfigs);
  }

  connectorStatus(name: string): ConnectorStateInfo {
    const entry = this.#entry(name);
    return {
      name,
      connector: connectorEntryOf(this.worker.connectorState(name), this.workerId),
      tasks: entry.target === 'STOPPED' ? [] : entry.taskConfigs.map((_, task) => this.#taskState(entry, task)),
      type: entry.plugin.type,
    };
  }

  taskStatus(name: string, task: number): TaskStateEntry {
    const entry = this.#entry(name);
    if (!Number.isInteger(task) || task < 0 || task >= entry.taskConfigs.length) throw new NotFoundError(name, task);
    return this.#taskState(entry, task);
  }

  /**
   * In-process: records produced and not yet committed by every sink reading them (see InProcessBroker). Null on
   * Kafka, and while any connector is not running with its tasks applied: one still starting, restarting or
   * computing task configs has tasks that `progress()` does not list yet (a source that may still write).
   */
  unacknowledgedRecords(): number | null {
    for (const entry of this.#connectors.values()) {
      if (entry.target === 'STOPPED') continue;
      if (entry.removing || entry.configsPending > 0 || entry.taskConfigs.length === 0 || !this.worker.connectorRunning(entry.name)) return null;
    }
    return this.worker.unacknowledgedRecords();
  }

  progress(): TaskProgress[] {
    const out: TaskProgress[] = [];
    for (const entry of this.#connectors.values()) {
      if (entry.target === 'STOPPED') continue;
      entry.taskConfigs.forEach((_, task) => {
        const state = this.#taskState(entry, task).state;
        out.push(this.worker.taskProgress({ connector: entry.name, task }, entry.plugin.type, entry.taskInstances.get(task), state));
      });
    }
    return out;
  }

  // ---- internals ----------------------------------------------------------------------------------------------

  #newEntry(name: string, config: ConnectorConfig, target: TargetState, serial: SerialQueue): ConnectorEntry {
    const plugin = this.registry.resolve(config['connector.class']!);
    return {
      name,
      config,
      plugin,
      connector: plugin.create(),
      target,
      policy: parseRestartPolicy(config),
      taskConfigs: [],
      taskInstances: new Map(),
      serial,
      removing: false,
      configsPending: 0,
    };
  }

  #assertStoppedForOffsets(entry: ConnectorEntry): void {
    this.ensureRunning();
    assertStoppedForOffsets(entry.name, entry.target, entry.taskConfigs.length);
  }

  #recordTopic(name: string, topic: string): void {
    const entry = this.#connectors.get(name);
    if (!entry || entry.removing) return;
    let set = this.#activeTopics.get(name);
    if (!set) this.#activeTopics.set(name, (set = new Set()));
    set.add(topic);
  }

  #entry(name: string): ConnectorEntry {
    const entry = this.#connectors.get(name);
    if (!entry) throw new NotFoundError(name);
    return entry;
  }

  #taskActors(entry: ConnectorEntry) {
    return entry.taskConfigs
      .map((_, task) => this.worker.taskActor(entry.name, task))
      .filter((a): a is NonNullable<typeof a> => a !== undefined);
  }

  #taskState(entry: ConnectorEntry, task: number): TaskStateEntry {
    return taskEntryOf(task, this.worker.taskState(entry.name, task), this.workerId);
  }

  #spawnConnector(entry: ConnectorEntry): void {
    this.worker.startConnector({
      name: entry.name,
      type: entry.plugin.type,
      connector: entry.connector,
      config: entry.config,
      target: entry.target,
      restartPolicy: entry.policy,
      onTaskConfigs: (configs) => {
        entry.configsPending++;
        return entry.serial.run(() => this.#applyTaskConfigs(entry, configs)).finally(() => entry.configsPending--);
      },
    });
  }

  /** The connector computed task configs: store them and restart the tasks if they changed (Kafka: only then). */
  async #applyTaskConfigs(entry: ConnectorEntry, configs: readonly ConnectorConfig[]): Promise<void> {
    if (entry.removing || this.state !== 'running' || entry.target === 'STOPPED') return;
    const stored = storedTaskConfigs(entry.plugin.type, taskClassName(entry.connector), entry.config, reverseTransform(entry.config, configs));
    if (sameTaskConfigs(entry.taskConfigs, stored) && this.#taskActors(entry).length === stored.length) return;
    await this.#shutdownTasks(entry);
    entry.taskConfigs = stored;
    stored.forEach((config, task) => this.#spawnTask(entry, task, config));
    this.log.info({ connector: entry.name, tasks: stored.length }, 'task configs updated; tasks started');
  }

  #spawnTask(entry: ConnectorEntry, task: number, taskConfig: ConnectorConfig): void {
    this.worker.startTask({
      id: { connector: entry.name, task },
      type: entry.plugin.type,
      taskClass: () => entry.connector.taskClass(),
      connectorConfig: entry.config,
      taskConfig,
      target: entry.target === 'PAUSED' ? 'PAUSED' : 'STARTED',
      restartPolicy: entry.policy,
      onInstance: (instance) => entry.taskInstances.set(task, instance),
      onTopic: (topic) => this.#recordTopic(entry.name, topic),
    });
  }

  /** Stops every task of the connector gracefully and forgets them (call inside the entry's serial). */
  async #shutdownTasks(entry: ConnectorEntry): Promise<void> {
    await Promise.all(entry.taskConfigs.map((_, task) => this.worker.stopTask(entry.name, task)));
    entry.taskConfigs = [];
    entry.taskInstances.clear();
  }

  async #shutdownConnector(entry: ConnectorEntry): Promise<void> {
    await this.worker.stopConnector(entry.name);
  }

  #restartConnectorActor(entry: ConnectorEntry): void {
    const actor = this.worker.connectorActor(entry.name);
    if (actor) {
      actor.send({ type: 'RESTART' });
      return;
    }
    // The actor crashed: start over with a fresh instance.
    entry.connector = entry.plugin.create();
    this.#spawnConnector(entry);
  }

  #restartTaskActor(entry: ConnectorEntry, task: number): void {
    const actor = this.worker.taskActor(entry.name, task);
    if (actor) actor.send({ type: 'RESTART' });
    else if (entry.taskConfigs[task]) this.#spawnTask(entry, task, entry.taskConfigs[task]!);
  }
}
