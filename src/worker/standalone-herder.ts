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
import { ConfigException, tpKey } from '../connectors/api/index.js';
import { PluginRegistry } from '../connectors/registry.js';
import { ConnectorConfigError, validateConnectorConfig, type ConfigInfos, type ProblemOptions } from '../connectors/validation.js';
import type { KafkaAdmin, TopicPartitionOffset } from '../streams/kafka/client.js';
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
  ConnectorOffset,
  ConnectorOffsets,
  ConnectorStateEntry,
  ConnectorStateInfo,
  Herder,
  InitialState,
  TaskInfo,
  TaskProgress,
  TaskStateEntry,
  WorkerCounters,
} from './herder.js';
import { AlreadyExistsError, BadRequestError, ConflictError, NotFoundError, WorkerConfigError } from './errors.js';
import { configTransformerFromWorker, hasVariables, reverseTransform, type ConfigTransformer } from './config-providers.js';
import { buildRestartPlan, type RestartRequest } from './restart-plan.js';
import { sameTaskConfigs, storedTaskConfigs, taskClassName } from './task-configs.js';
import { parseWorkerSettings, type WorkerSettings } from './worker-config.js';
import type { WorkerRuntime } from './runtime.js';
import { assertValidConnector, withWorkerKeys, workerKeyProblems } from './validate.js';
import { SerialQueue } from '../async/index.js';
import { sinkOffsetEntry, sourceOffsetEntry } from './connector-offsets.js';
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
  readonly serial: SerialQueue;
  removing: boolean;
}

const connectorActorId = (name: string): string => `connector:${name}`;
/** The consumer group of a sink connector's tasks (the transports use the same). */
export const sinkGroupId = (name: string): string => `connect-${name}`;
export const OFFSETS_ALTERED = 'The offsets for this connector have been altered successfully';
export const OFFSETS_RESET = 'The offsets for this connector have been reset successfully';
const frameworkOnly = (what: 'altered' | 'reset'): string =>
  `The Connect framework-managed offsets for this connector have been ${what} successfully. However, if this connector ` +
  `manages offsets externally, they will need to be manually ${what} in the system that the connector uses.`;
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
  /** Resolves `${provider:path:key}` placeholders at connector/task start (worker `config.providers`). */
  readonly #transformer: ConfigTransformer;
  /** KIP-558 active topics per connector name. */
  readonly #activeTopics = new Map<string, Set<string>>();
  readonly #counters = {
    connectorStartupAttempts: 0,
    connectorStartupSuccesses: 0,
    connectorStartupFailures: 0,
    taskStartupAttempts: 0,
    taskStartupSuccesses: 0,
    taskStartupFailures: 0,
  };
  #clusterId: string | null | undefined;
  #runtime: WorkerRuntime | undefined;
  #worker: WorkerActor | undefined;
  #state: 'new' | 'running' | 'stopping' | 'stopped' = 'new';

  /** Throws WorkerConfigError when the worker config is invalid. */
  constructor(options: StandaloneHerderOptions) {
    this.#options = options;
    this.#log = options.log ?? silentLog;
    this.settings = parseWorkerSettings(options.worker ?? {});
    try {
      this.#transformer = configTransformerFromWorker(this.settings.raw);
    } catch (e) {
      if (!(e instanceof ConfigException)) throw e;
      throw new WorkerConfigError([{ ...(e.key ? { key: e.key } : {}), reason: e.reason }]);
    }
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
    await this.#assertValid(name, { ...config, ...(config['name'] === undefined ? { name } : {}) });
    if (this.#connectors.has(name)) throw new AlreadyExistsError(name); // created meanwhile
    const entry = this.#newEntry(name, full, initialState === 'RUNNING' ? 'STARTED' : initialState, new SerialQueue());
    this.#connectors.set(name, entry);
    this.#spawnConnector(entry);
    this.#log.info({ connector: name, class: entry.plugin.className, target: entry.target }, 'connector added');
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
    this.#log.info({ connector: name }, 'connector deleted');
  }

  async putConnectorConfig(name: string, config: ConnectorConfig): Promise<{ created: boolean; info: ConnectorInfo }> {
    this.#ensureRunning();
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
    await this.#assertValid(name, { ...config, ...(config['name'] === undefined ? { name } : {}) });
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
    this.#log.info({ connector: name }, 'connector config updated');
    await this.#connectorSettled(this.#entry(name));
    return { created: false, info: this.connectorInfo(name) };
  }

  async patchConnectorConfig(name: string, patch: Readonly<Record<string, string | null>>): Promise<ConnectorInfo> {
    const current = this.connectorConfig(name);
    const next: Record<string, string> = { ...current };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete next[k];
      else next[k] = v;
    }
    return (await this.putConnectorConfig(name, next)).info;
  }

  targetState(name: string): TargetState {
    return this.#entry(name).target;
  }

  /**
   * `PUT /connector-plugins/{p}/config/validate`: Kafka Connect's ConfigInfos for the config with its
   * placeholders resolved, showing the raw placeholder (never the secret) as the value of such keys, plus the
   * worker's own keys (restart policy). Throws a ConfigException when connector.class is missing or unknown.
   */
  async validateConfig(config: ConnectorConfig): Promise<ConfigInfos> {
    const problems = this.#transformer.problems(config);
    const resolved = problems.length === 0 ? this.#transformer.transform(config) : config;
    const infos = await validateConnectorConfig(this.registry, resolved, withWorkerKeys(this.#options.validation));
    problems.push(...workerKeyProblems(resolved));
    const configs = infos.configs.map((c) => {
      const key = c.value?.name ?? c.definition?.name;
      if (!c.value || key === undefined || config[key] === undefined || !hasVariables(config[key]!)) return c;
      return { ...c, value: { ...c.value, value: c.definition?.type === 'PASSWORD' ? '[hidden]' : config[key]! } };
    });
    let errorCount = infos.error_count;
    for (const p of problems) {
      const key = p.key ?? 'connector.class';
      const i = configs.findIndex((c) => (c.value?.name ?? c.definition?.name) === key);
      const raw = config[key] ?? null;
      if (i >= 0) {
        const c = configs[i]!;
        const value = c.value ?? { name: key, value: raw, recommended_values: [], errors: [], visible: true };
        configs[i] = { ...c, value: { ...value, errors: [...value.errors, p.reason] } };
      } else {
        configs.unshift({ definition: null, value: { name: key, value: raw, recommended_values: [], errors: [p.reason], visible: true } });
      }
      errorCount++;
    }
    return { ...infos, error_count: errorCount, configs };
  }

  // ---- offsets (KIP-875) and active topics (KIP-558) ------------------------------------------------------------

  async connectorOffsets(name: string): Promise<ConnectorOffsets> {
    const entry = this.#entry(name);
    this.#ensureRunning();
    if (entry.plugin.type === 'source') {
      const all = await this.#runtime!.offsets.all(name);
      return { offsets: all.map(([partition, offset]) => ({ partition, offset })) };
    }
    const committed = await this.#withAdmin((admin) => this.#sinkGroupOffsets(admin, entry));
    return {
      offsets: committed
        .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
        .map((o) => ({ partition: { kafka_topic: o.topic, kafka_partition: o.partition }, offset: { kafka_offset: o.offset } })),
    };
  }

  async alterConnectorOffsets(name: string, offsets: readonly ConnectorOffset[]): Promise<string> {
    const entry = this.#entry(name);
    return entry.serial.run(async () => {
      this.#assertStoppedForOffsets(entry);
      if (entry.plugin.type === 'source') {
        const parsed = offsets.map((o) => sourceOffsetEntry(o));
        const byPartition = new Map<string, unknown>(parsed.map(([p, o]) => [JSON.stringify(p), o]));
        const framework = await this.#connectorAgrees(entry, byPartition);
        await this.#runtime!.offsets.set(name, parsed);
        return framework ? OFFSETS_ALTERED : frameworkOnly('altered');
      }
      const parsed = offsets.map((o) => sinkOffsetEntry(o));
      const framework = await this.#connectorAgrees(entry, new Map(parsed.map((o) => [tpKey(o), o.offset])));
      await this.#withAdmin(async (admin) => {
        const group = sinkGroupId(name);
        const resets = parsed.filter((o) => o.offset === null);
        const sets = parsed.filter((o): o is TopicPartitionOffset => o.offset !== null);
        if (resets.length > 0 && admin.deleteGroup) {
          // Kafka deletes the reset partitions' committed offsets; the port can only drop the whole group, so keep
          // the other partitions' offsets and commit them again.
          const keep = (await this.#sinkGroupOffsets(admin, entry)).filter(
            (o) => !parsed.some((p) => p.topic === o.topic && p.partition === o.partition),
          );
          await admin.deleteGroup(group);
          if (keep.length > 0) await admin.commitGroupOffsets(group, keep);
        } else if (resets.length > 0) {
          // Without group deletion: offset 0, which the consumer (auto.offset.reset=earliest) takes as the start.
          await admin.commitGroupOffsets(group, resets.map((o) => ({ topic: o.topic, partition: o.partition, offset: 0 })));
        }
        if (sets.length > 0) await admin.commitGroupOffsets(group, sets);
      });
      return framework ? OFFSETS_ALTERED : frameworkOnly('altered');
    });
  }

  async resetConnectorOffsets(name: string): Promise<string> {
    const entry = this.#entry(name);
    return entry.serial.run(async () => {
      this.#assertStoppedForOffsets(entry);
      if (entry.plugin.type === 'source') {
        const all = await this.#runtime!.offsets.all(name);
        const framework = await this.#connectorAgrees(entry, new Map(all.map(([p]) => [JSON.stringify(p), null])));
        await this.#runtime!.offsets.set(name, all.map(([p]) => [p, null] as const));
        return framework ? OFFSETS_RESET : frameworkOnly('reset');
      }
      return this.#withAdmin(async (admin) => {
        const committed = await this.#sinkGroupOffsets(admin, entry);
        const framework = await this.#connectorAgrees(entry, new Map(committed.map((o) => [tpKey(o), null])));
        const group = sinkGroupId(name);
        if (admin.deleteGroup) await admin.deleteGroup(group);
        else if (committed.length > 0) await admin.commitGroupOffsets(group, committed.map((o) => ({ ...o, offset: 0 })));
        return framework ? OFFSETS_RESET : frameworkOnly('reset');
      });
    });
  }

  connectorActiveTopics(name: string): string[] {
    return [...(this.#activeTopics.get(name) ?? [])].sort();
  }

  resetConnectorActiveTopics(name: string): void {
    this.#activeTopics.delete(name);
  }

  async kafkaClusterId(): Promise<string | null> {
    if (this.#clusterId !== undefined) return this.#clusterId;
    if (!this.#runtime?.admin) return null;
    const id = await this.#withAdmin(async (admin) => (admin.clusterId ? admin.clusterId() : null));
    this.#clusterId = id;
    return id;
  }

  workerCounters(): WorkerCounters {
    return { ...this.#counters };
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
    };
  }

  /** Validation on the config with its placeholders resolved (a provider that cannot read is a problem too). */
  async #assertValid(name: string, config: ConnectorConfig): Promise<void> {
    const problems = this.#transformer.problems(config);
    if (problems.length > 0) throw new ConnectorConfigError(name, problems);
    await assertValidConnector(this.registry, name, this.#transformer.transform(config), this.#options.validation);
  }

  #assertStoppedForOffsets(entry: ConnectorEntry): void {
    this.#ensureRunning();
    if (entry.target !== 'STOPPED' || entry.taskConfigs.length > 0) {
      throw new BadRequestError(
        'Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the ' +
          `specified connector by issuing a 'PUT' request to the '/connectors/${entry.name}/stop' endpoint`,
      );
    }
  }

  /** The connector's alterOffsets hook (a fresh, unstarted instance, as Kafka Connect calls it). */
  async #connectorAgrees(entry: ConnectorEntry, offsets: Map<string, unknown>): Promise<boolean> {
    const connector = entry.plugin.create();
    const config = this.#transformer.transform(entry.config);
    return (await (connector.alterOffsets as (c: ConnectorConfig, o: Map<string, unknown>) => boolean | Promise<boolean>)(config, offsets)) !== false;
  }

  async #withAdmin<T>(use: (admin: KafkaAdmin) => Promise<T>): Promise<T> {
    const admin = this.#runtime?.admin?.();
    if (!admin) throw new Error('this worker has no Kafka admin client (sink connector offsets are not available)');
    await admin.connect();
    try {
      return await use(admin);
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }

  /** Committed offsets of the sink's consumer group for the topics it reads (`topics`, or `topics.regex` matches). */
  async #sinkGroupOffsets(admin: KafkaAdmin, entry: ConnectorEntry): Promise<TopicPartitionOffset[]> {
    const existing = await admin.listTopics();
    const regex = (entry.config['topics.regex'] ?? '').trim();
    const listed = (entry.config['topics'] ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');
    const topics = regex !== '' ? existing.filter((t) => new RegExp(`^(?:${regex})$`).test(t)) : listed.filter((t) => existing.includes(t));
    if (topics.length === 0) return [];
    return admin.fetchGroupOffsets(sinkGroupId(entry.name), topics);
  }

  #recordTopic(name: string, topic: string): void {
    const entry = this.#connectors.get(name);
    if (!entry || entry.removing) return;
    let set = this.#activeTopics.get(name);
    if (!set) this.#activeTopics.set(name, (set = new Set()));
    set.add(topic);
  }

  /** Counts connector startups from the actor's transitions: into `starting`, then out of it (failed or not). */
  #watchConnectorStartups(actor: ConnectorActor | undefined): void {
    if (!actor) return;
    let previous: unknown;
    const observe = (snapshot: ReturnType<ConnectorActor['getSnapshot']>) => {
      const value = snapshot.value;
      if (value === previous) return;
      if (value === 'starting') this.#counters.connectorStartupAttempts++;
      else if (previous === 'starting') {
        if (value === 'failed') this.#counters.connectorStartupFailures++;
        else this.#counters.connectorStartupSuccesses++;
      }
      previous = value;
    };
    observe(actor.getSnapshot());
    actor.subscribe({ next: observe, error: () => {} });
  }

  /** The config with placeholders resolved; on a provider failure, a connector whose start fails with it. */
  #startable(entry: ConnectorEntry): { connector: AnyConnector; config: ConnectorConfig } {
    try {
      return { connector: entry.connector, config: this.#transformer.transform(entry.config) };
    } catch (e) {
      const failing = Object.create(entry.connector, {
        start: { value: () => Promise.reject(e) },
      }) as AnyConnector;
      return { connector: failing, config: entry.config };
    }
  }

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
    const startable = this.#startable(entry);
    this.#worker!.send({
      type: 'SPAWN_CONNECTOR',
      id: connectorActorId(entry.name),
      input: {
        name: entry.name,
        connector: startable.connector,
        config: startable.config,
        target: entry.target,
        context: (hooks: ConnectorContext) => (entry.plugin.type === 'source' ? { ...hooks, offsetStorageReader: offsetReader } : hooks),
        onTaskConfigs: (configs) => entry.serial.run(() => this.#applyTaskConfigs(entry, configs)),
        restartPolicy: entry.policy,
        log: this.#log,
        ...this.#clock(),
      },
    });
    this.#watchConnectorStartups(this.#connectorActor(entry));
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
    const stored = storedTaskConfigs(entry.plugin.type, taskClassName(entry.connector), entry.config, reverseTransform(entry.config, configs));
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
          this.#counters.taskStartupAttempts++;
          try {
            const TaskClass = entry.connector.taskClass();
            const instance = new TaskClass();
            entry.taskInstances.set(task, instance);
            const common = {
              id,
              // Stored configs keep their placeholders; the task gets them resolved, at each (re)start.
              connectorConfig: this.#transformer.transform(entry.config),
              taskConfig: this.#transformer.transform(taskConfig),
              onTopic: (topic: string) => this.#recordTopic(entry.name, topic),
            };
            const run = await (entry.plugin.type === 'source'
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
