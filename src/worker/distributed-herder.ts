/**
 * The distributed herder (Kafka Connect's DistributedHerder), over NATS instead of Kafka's group protocol.
 *
 * Every worker of a group:
 * - keeps replicas of the group's config and status buckets (src/cluster/group.ts) and answers every read
 *   from them, so any worker serves the whole REST API;
 * - heartbeats; when its heartbeats cannot be stored for `sluice.cluster.fence.after.ms` it is fenced and stops
 *   everything it runs (before the others may take it for gone after `session.timeout.ms`);
 * - runs exactly what the current assignment gives it: it stops what it lost first, then reports the
 *   assignment generation it applied (in its heartbeat), then starts what it gained;
 * - forwards writes to the leader over NATS request/reply; with no leader it answers Kafka's 409.
 *
 * The leader additionally:
 * - executes the writes (one at a time): connector configs, target states, task configs + commit, restart
 *   requests — every value stamped with its epoch and written compare-and-set;
 * - runs the incremental cooperative assignor (src/cluster/assignor.ts) whenever members, their confirmed
 *   generations or the work change, and at delay deadlines, and writes the assignment when it changed.
 *
 * Connector instances compute task configs on the worker that owns them and send them to the leader, which
 * writes them (as Kafka's followers POST them to the leader's /connectors/{c}/tasks).
 */
import { waitFor, type AnyActorRef } from 'xstate';
import type { Subscription } from 'nats';
import type {
  AnyConnector,
  ConnectorConfig,
  ConnectorContext,
  ConnectorPlugin,
  OffsetStorageReader,
  SinkTask,
  SourceTask,
} from '../connectors/api/index.js';
import { ConfigException, tpKey } from '../connectors/api/index.js';
import type { OffsetMap } from '../data/index.js';
import { PluginRegistry } from '../connectors/registry.js';
import { ConnectorConfigError, type ConfigInfos, type ProblemOptions } from '../connectors/validation.js';
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
  type TargetState,
  type TaskActor,
  type WorkerActor,
} from '../actors/index.js';
import { createKafkajsClient, type OffsetStore, type TopicPartitionOffset } from '../streams/index.js';
import type { KafkaAdmin } from '../streams/kafka/client.js';
import { EMPTY_ASSIGNMENT, parseTaskKey, rebalance, taskKey, type Allocation, type ClusterAssignment } from '../cluster/assignor.js';
import { targetStateValue, type AssignmentValue } from '../cluster/config-state.js';
import { GroupMember, NotLeaderError } from '../cluster/group.js';
import { ASSIGNMENT_KEY, configKeys, rpcSubject, statusKeys } from '../cluster/keys.js';
import { KafkaOffsetStore } from '../cluster/kafka-offset-store.js';
import { encodeJson } from '../cluster/nats.js';
import { sleep } from '../async/index.js';
import { canWriteSafely, type StatusValue } from '../cluster/status-state.js';
import type {
  ConnectorInfo,
  ConnectorOffset,
  ConnectorOffsets,
  ConnectorStateInfo,
  ConnectorType,
  Herder,
  InitialState,
  TaskInfo,
  TaskProgress,
  TaskStateEntry,
  WorkerCounters,
} from './herder.js';
import { AlreadyExistsError, BadRequestError, ConflictError, NotFoundError, WorkerConfigError } from './errors.js';
import { configTransformerFromWorker, reverseTransform, type ConfigTransformer } from './config-providers.js';
import { buildRestartPlan, type RestartRequest } from './restart-plan.js';
import { sameTaskConfigs, storedTaskConfigs, taskClassName } from './task-configs.js';
import type { WorkerSettings } from './worker-config.js';
import type { WorkerRuntime } from './runtime.js';
import { assertValidConnector } from './validate.js';
import { sinkOffsetEntry, sourceOffsetEntry } from './connector-offsets.js';
import { defaultRuntime } from './default-runtime.js';
import { OFFSETS_ALTERED, OFFSETS_RESET, StandaloneHerder, sinkGroupId } from './standalone-herder.js';
import { parseDistributedSettings, standalonePart, type DistributedSettings } from './distributed-config.js';
import {
  CONFLICT_MESSAGE,
  NO_LEADER_MESSAGE,
  decodeRequest,
  encodeReply,
  requestOp,
  toWire,
  type LeaderOp,
  type OpResult,
} from './distributed-client.js';

export { CONFLICT_MESSAGE, NO_LEADER_MESSAGE };

export interface DistributedHerderOptions {
  /** The worker config (Kafka Connect's connect-distributed keys plus `nats.url`). */
  readonly worker: Readonly<Record<string, string>>;
  readonly registry?: PluginRegistry;
  readonly validation?: ProblemOptions;
  readonly log?: Log;
  /** The source offsets store (default: the Kafka offsets topic of `offset.storage.topic`). */
  readonly offsets?: OffsetStore;
  /** Builds the data path (default: defaultRuntime with the offsets store above). */
  readonly runtime?: (settings: WorkerSettings, log: Log, offsets: OffsetStore) => WorkerRuntime;
}

type AnyTask = SourceTask | SinkTask;

interface LocalConnector {
  readonly name: string;
  readonly revision: number;
  readonly config: ConnectorConfig;
  readonly plugin: ConnectorPlugin;
  instance: AnyConnector;
  target: TargetState;
  readonly abort: AbortController;
  unsubscribe: () => void;
  lastStatus: string;
}

interface LocalTask {
  readonly connector: string;
  readonly task: number;
  readonly key: string;
  readonly generation: number;
  /** The connector config revision it started with (framework keys such as converters come from it). */
  readonly connectorRevision: number;
  readonly config: ConnectorConfig;
  readonly type: 'source' | 'sink';
  target: 'STARTED' | 'PAUSED';
  instance: AnyTask | undefined;
  unsubscribe: () => void;
  lastStatus: string;
}

const connectorActorId = (name: string): string => `connector:${name}`;
const taskActorId = (name: string, task: number): string => `task:${name}-${task}`;
const frameworkOnly = (what: 'altered' | 'reset'): string =>
  `The Connect framework-managed offsets for this connector have been ${what} successfully. However, if this connector ` +
  `manages offsets externally, they will need to be manually ${what} in the system that the connector uses.`;

/** Resolves once the actor has ended (or at once if it is not running). */
async function ended(actor: AnyActorRef | undefined): Promise<void> {
  if (!actor || actor.getSnapshot().status !== 'active') return;
  await waitFor(actor, (s) => s.status !== 'active').catch(() => {});
}

export class DistributedHerder implements Herder {
  readonly settings: WorkerSettings;
  readonly cluster: DistributedSettings;
  readonly registry: PluginRegistry;
  readonly #options: DistributedHerderOptions;
  readonly #log: Log;
  readonly #transformer: ConfigTransformer;
  /** validateConfig is the standalone one (same plugins, converters, config providers). */
  readonly #validator: StandaloneHerder;
  readonly #connectors = new Map<string, LocalConnector>();
  readonly #tasks = new Map<string, LocalTask>();
  readonly #statusWrites = new Map<string, Promise<void>>();
  readonly #restartsSeen = new Map<string, number>();
  readonly #counters = {
    connectorStartupAttempts: 0,
    connectorStartupSuccesses: 0,
    connectorStartupFailures: 0,
    taskStartupAttempts: 0,
    taskStartupSuccesses: 0,
    taskStartupFailures: 0,
  };
  #group: GroupMember | undefined;
  #offsets: OffsetStore | undefined;
  #runtime: WorkerRuntime | undefined;
  #worker: WorkerActor | undefined;
  #rpc: Subscription | undefined;
  #state: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' = 'new';
  #clusterId: string | null | undefined;
  // reconciliation (every worker)
  #reconciling: Promise<void> | undefined;
  #reconcileAgain = false;
  #appliedGeneration = 0;
  // leader duties
  #leaderQueue: Promise<unknown> = Promise.resolve();
  #rebalanceTimer: NodeJS.Timeout | undefined;
  #deadlineTimer: NodeJS.Timeout | undefined;
  #rebalancing = false;
  #rebalanceAgain = false;
  #lastAssignmentWrite = 0;
  #unsubscribers: Array<() => void> = [];

  /** Throws WorkerConfigError when the worker config is invalid. */
  constructor(options: DistributedHerderOptions) {
    this.#options = options;
    this.#log = options.log ?? silentLog;
    const { worker, cluster } = parseDistributedSettings(options.worker);
    this.settings = worker;
    this.cluster = cluster;
    try {
      this.#transformer = configTransformerFromWorker(worker.raw);
    } catch (e) {
      if (!(e instanceof ConfigException)) throw e;
      throw new WorkerConfigError([{ ...(e.key ? { key: e.key } : {}), reason: e.reason }]);
    }
    this.registry = options.registry ?? PluginRegistry.withBuiltins();
    this.#validator = new StandaloneHerder({
      worker: standalonePart(worker.raw),
      registry: this.registry,
      ...(options.validation ? { validation: options.validation } : {}),
    });
  }

  get workerId(): string {
    return this.settings.workerId;
  }

  get group(): GroupMember | undefined {
    return this.#group;
  }

  get isLeader(): boolean {
    return this.#group?.election.isLeader ?? false;
  }

  /** The assignment generation this worker applied last. */
  get generation(): number {
    return this.#appliedGeneration;
  }

  // ---- lifecycle ------------------------------------------------------------------------------------------------

  async start(): Promise<void> {
    if (this.#state !== 'new') throw new ConflictError(`the worker was already started (${this.#state})`);
    this.#state = 'starting';
    const offsets =
      this.#options.offsets ??
      new KafkaOffsetStore({
        client: createKafkajsClient({ brokers: this.cluster.bootstrapServers, clientId: `${this.cluster.groupId}-offsets` }),
        topic: this.cluster.offsetTopic,
        partitions: this.cluster.offsetPartitions,
        replicationFactor: this.cluster.offsetReplicationFactor,
        topicConfigs: this.cluster.offsetTopicConfigs,
        readerGroupPrefix: `sluice-${this.cluster.groupId}-offsets-reader`,
        clientId: `sluice-${this.cluster.groupId}`,
        log: this.#log,
      });
    const runtime = this.#options.runtime
      ? this.#options.runtime(this.settings, this.#log, offsets)
      : defaultRuntime(this.settings, this.#log, { offsets });
    try {
      await runtime.start(); // starts the offsets store: creates/reads the offsets topic
    } catch (e) {
      await runtime.close().catch(() => {});
      this.#state = 'stopped';
      throw e;
    }
    this.#offsets = offsets;
    this.#runtime = runtime;
    this.#worker = startWorkerActor(this.#log);
    this.#worker.subscribe({ next: () => this.#noticeCrashes(), error: () => {} });
    try {
      this.#group = await GroupMember.join({
        natsUrl: this.cluster.natsUrl,
        groupId: this.cluster.groupId,
        workerId: this.workerId,
        url: this.cluster.url,
        sessionTimeoutMs: this.cluster.sessionTimeoutMs,
        heartbeatIntervalMs: this.cluster.heartbeatIntervalMs,
        fenceAfterMs: this.cluster.fenceAfterMs,
        log: this.#log,
      });
    } catch (e) {
      this.#worker.stop();
      await runtime.close().catch(() => {});
      this.#state = 'stopped';
      throw e;
    }
    const g = this.#group;
    this.#rpc = g.nc.subscribe(rpcSubject(this.cluster.groupId, g.membership.self.member), {
      callback: (err, msg) => {
        if (err) return;
        void this.#serveRpc(msg.data).then((reply) => msg.respond(reply));
      },
    });
    for (const c of g.config.restarts.keys()) this.#restartsSeen.set(c, g.config.restarts.get(c)!.revision);
    this.#unsubscribers.push(
      g.onConfig((e) => {
        if (e.type === 'restart') this.#applyRestart(e.connector);
        if (e.type === 'tasks' && g.config.inconsistent.has(e.connector)) this.#connectorActor(e.connector)?.send({ type: 'RECONFIGURE' });
        if (e.type !== 'none') {
          this.#scheduleReconcile();
          this.#scheduleRebalance();
        }
      }),
      g.membership.onChange(() => {
        this.#scheduleRebalance();
      }),
      g.onReady((ready) => {
        this.#log.warn({ ready }, ready ? 'caught up with the group again: resuming the assignment' : 'fenced: stopping every connector and task');
        this.#scheduleReconcile();
      }),
      g.election.onChange(() => {
        this.#log.info({ leader: this.isLeader, epoch: g.election.epoch }, 'leadership changed');
        this.#scheduleRebalance();
      }),
    );
    this.#state = 'running';
    g.election.evaluate();
    this.#scheduleReconcile();
    this.#scheduleRebalance();
    this.#log.info({ workerId: this.workerId, group: this.cluster.groupId, member: g.membership.self.member }, 'distributed worker started');
  }

  /** Graceful: stops what runs here (statuses UNASSIGNED), gives the lease up, leaves the group. */
  async stop(): Promise<void> {
    if (this.#state !== 'running') return;
    this.#state = 'stopping';
    for (const u of this.#unsubscribers) u();
    clearTimeout(this.#rebalanceTimer);
    clearTimeout(this.#deadlineTimer);
    this.#rpc?.unsubscribe();
    await this.#reconciling?.catch(() => {});
    await this.#stopAll('shutdown');
    await Promise.all([...this.#statusWrites.values()]);
    await this.#group!.leave(true);
    this.#worker!.stop();
    await this.#runtime!.close();
    this.#state = 'stopped';
    this.#log.info({ workerId: this.workerId }, 'distributed worker stopped');
  }

  /**
   * As a killed process, for in-process tests and benchmarks: the group connection goes first (no goodbye, no
   * status writes; the lease and the assignment stay as they are), then the runs are stopped so nothing of this
   * worker goes on in the process.
   */
  async crash(): Promise<void> {
    if (this.#state !== 'running') return;
    this.#state = 'stopping';
    for (const u of this.#unsubscribers) u();
    clearTimeout(this.#rebalanceTimer);
    clearTimeout(this.#deadlineTimer);
    this.#rpc?.unsubscribe();
    await this.#group!.crash();
    await this.#stopAll('crash');
    this.#worker!.stop();
    await this.#runtime!.close().catch(() => {});
    this.#state = 'stopped';
  }

  // ---- reads (local replicas) -----------------------------------------------------------------------------------

  connectors(): string[] {
    return [...this.#cfg().connectors.keys()].sort();
  }

  connectorInfo(name: string): ConnectorInfo {
    const c = this.#connectorRecord(name);
    const n = this.#cfg().taskConfigs(name).length;
    return {
      name,
      config: { ...c.config },
      tasks: Array.from({ length: n }, (_, task) => ({ connector: name, task })),
      type: this.#typeOf(c.config),
    };
  }

  connectorConfig(name: string): ConnectorConfig {
    return { ...this.#connectorRecord(name).config };
  }

  taskConfigs(name: string): TaskInfo[] {
    this.#connectorRecord(name);
    return this.#cfg()
      .taskConfigs(name)
      .map((config, task) => ({ id: { connector: name, task }, config: { ...config } }));
  }

  targetState(name: string): TargetState {
    this.#connectorRecord(name);
    return this.#cfg().targetState(name);
  }

  connectorStatus(name: string): ConnectorStateInfo {
    const c = this.#connectorRecord(name);
    const st = this.#group!.status;
    const cs = st.connectors.get(name);
    if (!cs) throw new NotFoundError(name);
    const stopped = this.#cfg().targetState(name) === 'STOPPED';
    const n = this.#cfg().taskConfigs(name).length;
    const tasks: TaskStateEntry[] = [];
    if (!stopped) {
      for (let task = 0; task < n; task++) {
        const ts = st.task(name, task);
        if (ts) tasks.push(this.#taskEntry(task, ts));
      }
    }
    return {
      name,
      connector: { state: cs.state, worker_id: cs.worker_id, ...(cs.trace ? { trace: cs.trace } : {}) },
      tasks,
      type: this.#typeOf(c.config),
    };
  }

  taskStatus(name: string, task: number): TaskStateEntry {
    this.#connectorRecord(name);
    const ts = this.#group!.status.task(name, task);
    if (!ts || !Number.isInteger(task) || task < 0 || task >= this.#cfg().taskConfigs(name).length) throw new NotFoundError(name, task);
    return this.#taskEntry(task, ts);
  }

  progress(): TaskProgress[] {
    const out: TaskProgress[] = [];
    for (const t of this.#tasks.values()) {
      const actor = this.#worker ? childOf<TaskActor>(this.#worker, taskActorId(t.connector, t.task)) : undefined;
      const snapshot = actor?.getSnapshot();
      const state = snapshot ? taskActorStatus(snapshot).state : 'UNASSIGNED';
      const finishedBySelf = snapshot?.matches('finished') ?? false;
      const finished =
        finishedBySelf || (t.type === 'source' && state === 'RUNNING' && (t.instance as SourceTask | undefined)?.isFinished?.() === true);
      out.push({ connector: t.connector, task: t.task, type: t.type, state, finished, metrics: snapshot?.context.run?.metrics() ?? null });
    }
    return out.sort((a, b) => a.connector.localeCompare(b.connector) || a.task - b.task);
  }

  connectorActiveTopics(name: string): string[] {
    return [...(this.#group?.status.topics.get(name)?.keys() ?? [])].sort();
  }

  resetConnectorActiveTopics(name: string): void {
    const topics = [...(this.#group?.status.topics.get(name)?.keys() ?? [])];
    for (const t of topics) void this.#group!.statusKv.delete(statusKeys.topic(name, t)).catch(() => {});
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

  validateConfig(config: ConnectorConfig): Promise<ConfigInfos> {
    return this.#validator.validateConfig(config);
  }

  async connectorOffsets(name: string): Promise<ConnectorOffsets> {
    const c = this.#connectorRecord(name);
    this.#ensureRunning();
    if (this.#typeOf(c.config) === 'source') {
      const all = await this.#offsets!.all(name);
      return { offsets: all.map(([partition, offset]) => ({ partition, offset })) };
    }
    const committed = await this.#withAdmin((admin) => this.#sinkGroupOffsets(admin, c.config, name));
    return {
      offsets: committed
        .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
        .map((o) => ({ partition: { kafka_topic: o.topic, kafka_partition: o.partition }, offset: { kafka_offset: o.offset } })),
    };
  }

  // ---- writes (forwarded to the leader) -------------------------------------------------------------------------

  async addConnector(name: string, config: ConnectorConfig, initialState: InitialState = 'RUNNING'): Promise<ConnectorInfo> {
    return (await this.#forward('addConnector', [name, config, initialState])) as ConnectorInfo;
  }

  async putConnectorConfig(name: string, config: ConnectorConfig): Promise<{ created: boolean; info: ConnectorInfo }> {
    return (await this.#forward('putConnectorConfig', [name, config])) as { created: boolean; info: ConnectorInfo };
  }

  async patchConnectorConfig(name: string, patch: Readonly<Record<string, string | null>>): Promise<ConnectorInfo> {
    return (await this.#forward('patchConnectorConfig', [name, patch])) as ConnectorInfo;
  }

  async deleteConnector(name: string): Promise<void> {
    await this.#forward('deleteConnector', [name]);
  }

  async pauseConnector(name: string): Promise<void> {
    await this.#forward('pauseConnector', [name]);
  }

  async resumeConnector(name: string): Promise<void> {
    await this.#forward('resumeConnector', [name]);
  }

  async stopConnector(name: string): Promise<void> {
    await this.#forward('stopConnector', [name]);
  }

  async restartConnector(name: string, request: RestartRequest = {}): Promise<ConnectorStateInfo> {
    return (await this.#forward('restartConnector', [name, request])) as ConnectorStateInfo;
  }

  async restartTask(name: string, task: number): Promise<void> {
    await this.#forward('restartTask', [name, task]);
  }

  async alterConnectorOffsets(name: string, offsets: readonly ConnectorOffset[]): Promise<string> {
    return (await this.#forward('alterConnectorOffsets', [name, offsets])) as string;
  }

  async resetConnectorOffsets(name: string): Promise<string> {
    return (await this.#forward('resetConnectorOffsets', [name])) as string;
  }

  // ---- forwarding -----------------------------------------------------------------------------------------------

  /**
   * Runs a write on the leader: here if this worker leads, otherwise over NATS request/reply (Kafka forwards
   * over HTTP with at most two hops). Waits briefly for a leader when there is none, then answers Kafka's 409.
   * On success, waits until this worker's replica has the write, so a read here right after sees it.
   */
  async #forward(op: LeaderOp, args: unknown[]): Promise<unknown> {
    this.#ensureRunning();
    const g = this.#group!;
    const deadline = Date.now() + Math.min(15_000, this.cluster.sessionTimeoutMs * 2);
    for (let hop = 0; ; hop++) {
      let result: OpResult;
      if (!g.ready) {
        // This worker cannot reach the group: it knows no leader it could reach.
        if (Date.now() > deadline) throw new ConflictError(NO_LEADER_MESSAGE);
        await sleep(Math.min(200, this.cluster.heartbeatIntervalMs));
        continue;
      }
      try {
        if (g.election.isLeader) {
          result = await this.#asLeader(op, args);
        } else {
          const leader = g.election.leader();
          if (!leader) {
            if (Date.now() > deadline) throw new ConflictError(NO_LEADER_MESSAGE);
            await sleep(Math.min(200, this.cluster.heartbeatIntervalMs));
            continue;
          }
          result = await this.#request(leader.member, op, args);
        }
      } catch (e) {
        if ((e instanceof NotLeaderError || (e as { code?: string }).code === '503') && Date.now() < deadline && hop < 50) {
          await sleep(Math.min(200, this.cluster.heartbeatIntervalMs));
          continue;
        }
        if (e instanceof NotLeaderError) throw new ConflictError(CONFLICT_MESSAGE);
        if ((e as { code?: string }).code === '503') throw new ConflictError(NO_LEADER_MESSAGE);
        throw e;
      }
      await g.awaitConfigRevision(result.revision, 5_000);
      return result.value;
    }
  }

  #request(member: string, op: LeaderOp, args: unknown[]): Promise<OpResult> {
    return requestOp(this.#group!.nc, this.cluster.groupId, member, op, args);
  }

  async #serveRpc(data: Uint8Array): Promise<Uint8Array> {
    try {
      const { op, args } = decodeRequest(data);
      if (this.#state !== 'running' || !this.#group!.election.isLeader) throw new NotLeaderError('not the leader');
      return encodeReply({ ok: await this.#asLeader(op, args) });
    } catch (e) {
      return encodeReply({ error: toWire(e) });
    }
  }

  /** Leader ops run one at a time (Kafka's herder thread). */
  #asLeader(op: LeaderOp, args: unknown[]): Promise<OpResult> {
    const job = this.#leaderQueue.then(() => this.#execute(op, args));
    this.#leaderQueue = job.catch(() => {});
    return job;
  }

  async #execute(op: LeaderOp, args: unknown[]): Promise<OpResult> {
    const g = this.#group!;
    if (!g.election.isLeader) throw new NotLeaderError('not the leader');
    const cfg = g.config;
    const result = (value: unknown): OpResult => ({ value, revision: g.configRevision });
    const a = args as unknown;
    switch (op) {
      case 'addConnector': {
        const [name, config, initialState] = a as [string, ConnectorConfig, InitialState];
        if (cfg.connectors.has(name)) throw new AlreadyExistsError(name);
        const full: ConnectorConfig = { ...config, name };
        await this.#assertValid(name, full);
        if (cfg.connectors.has(name)) throw new AlreadyExistsError(name);
        if (initialState !== 'RUNNING') await this.#write(configKeys.targetState(name), targetStateValue(initialState, 0));
        else if (cfg.targetStates.has(name)) await this.#write(configKeys.targetState(name), targetStateValue('STARTED', 0));
        const rev = await this.#write(configKeys.connector(name), { properties: full });
        this.#log.info({ connector: name, state: initialState }, 'connector created');
        return { value: { name, config: full, tasks: [], type: this.#typeOf(full) } satisfies ConnectorInfo, revision: rev };
      }
      case 'putConnectorConfig':
      case 'patchConnectorConfig': {
        const [name] = a as [string];
        let full: ConnectorConfig;
        const existing = cfg.connectors.get(name);
        if (op === 'patchConnectorConfig') {
          if (!existing) throw new NotFoundError(name);
          const next: Record<string, string> = { ...existing.config };
          for (const [k, v] of Object.entries((a as [string, Record<string, string | null>])[1])) {
            if (v === null) delete next[k];
            else next[k] = v;
          }
          full = { ...next, name };
        } else {
          full = { ...(a as [string, ConnectorConfig])[1], name };
        }
        await this.#assertValid(name, full);
        const rev = await this.#write(configKeys.connector(name), { properties: full });
        const n = cfg.taskConfigs(name).length;
        const info: ConnectorInfo = {
          name,
          config: full,
          tasks: Array.from({ length: n }, (_, task) => ({ connector: name, task })),
          type: this.#typeOf(full),
        };
        this.#log.info({ connector: name, created: !existing }, 'connector config written');
        return { value: op === 'patchConnectorConfig' ? info : { created: !existing, info }, revision: rev };
      }
      case 'deleteConnector': {
        const [name] = a as [string];
        if (!cfg.connectors.has(name)) throw new NotFoundError(name);
        await this.#write(configKeys.connector(name), { deleted: true });
        if (cfg.targetStates.has(name)) await this.#write(configKeys.targetState(name), { deleted: true });
        if (cfg.committed.has(name)) await this.#writeCommit(name, []);
        await this.#deleteStatuses(name, 0, true);
        this.#log.info({ connector: name }, 'connector deleted');
        return result(undefined);
      }
      case 'pauseConnector':
      case 'resumeConnector': {
        const [name] = a as [string];
        if (!cfg.connectors.has(name)) throw new NotFoundError(name);
        await this.#write(configKeys.targetState(name), targetStateValue(op === 'pauseConnector' ? 'PAUSED' : 'STARTED', 0));
        return result(undefined);
      }
      case 'stopConnector': {
        const [name] = a as [string];
        if (!cfg.connectors.has(name)) throw new NotFoundError(name);
        // As Kafka: the empty task set first, then the target state.
        await this.#writeCommit(name, []);
        await this.#write(configKeys.targetState(name), targetStateValue('STOPPED', 0));
        await this.#deleteStatuses(name, 0, false);
        return result(undefined);
      }
      case 'restartConnector': {
        const [name, request] = a as [string, RestartRequest];
        if (!cfg.connectors.has(name)) throw new NotFoundError(name);
        const plan = buildRestartPlan(this.connectorStatus(name), request);
        const id = (cfg.restarts.get(name)?.id ?? 0) + 1;
        await this.#write(configKeys.restart(name), { connector: plan.connector, tasks: [...plan.tasks], id });
        return result(plan.status);
      }
      case 'restartTask': {
        const [name, task] = a as [string, number];
        if (!cfg.connectors.has(name)) throw new NotFoundError(name);
        if (!Number.isInteger(task) || task < 0 || task >= cfg.taskConfigs(name).length) throw new NotFoundError(name, task);
        const id = (cfg.restarts.get(name)?.id ?? 0) + 1;
        await this.#write(configKeys.restart(name), { connector: false, tasks: [task], id });
        return result(undefined);
      }
      case 'putTaskConfigs': {
        const [name, configs, revision] = a as [string, ConnectorConfig[], number];
        const c = cfg.connectors.get(name);
        if (!c || c.revision !== revision || cfg.targetState(name) === 'STOPPED') return result(false);
        if (!cfg.inconsistent.has(name) && sameTaskConfigs(cfg.taskConfigs(name), configs)) return result(false);
        const before = cfg.taskConfigs(name).length;
        await this.#writeCommit(name, configs);
        if (configs.length < before) await this.#deleteStatuses(name, configs.length, false);
        this.#log.info({ connector: name, tasks: configs.length, generation: cfg.taskGeneration(name) }, 'task configs written');
        return result(true);
      }
      case 'alterConnectorOffsets':
        return result(await this.#alterOffsets(...(a as [string, ConnectorOffset[]])));
      case 'resetConnectorOffsets':
        return result(await this.#resetOffsets(...(a as [string])));
    }
  }

  /** A fenced, compare-and-set write to the config bucket (epoch added by the group). */
  #write(key: string, value: object): Promise<number> {
    const { epoch: _ignored, ...rest } = value as Record<string, unknown>;
    return this.#group!.writeConfig(key, rest);
  }

  /** Task values of the next generation, then the commit that makes them effective together. */
  async #writeCommit(name: string, configs: readonly ConnectorConfig[]): Promise<void> {
    const cfg = this.#cfg();
    let generation = cfg.taskGeneration(name);
    for (const v of cfg.taskValues.get(name)?.values() ?? []) generation = Math.max(generation, v.generation);
    generation += 1;
    for (let n = 0; n < configs.length; n++) {
      await this.#write(configKeys.task(name, n), { properties: configs[n], generation });
    }
    await this.#write(configKeys.commit(name), { tasks: configs.length, generation });
  }

  async #deleteStatuses(name: string, fromTask: number, connectorToo: boolean): Promise<void> {
    const st = this.#group!.status;
    const kv = this.#group!.statusKv;
    const deletes: Promise<unknown>[] = [];
    for (const task of st.tasks.get(name)?.keys() ?? []) if (task >= fromTask) deletes.push(kv.delete(statusKeys.task(name, task)));
    if (connectorToo) {
      if (st.connectors.has(name)) deletes.push(kv.delete(statusKeys.connector(name)));
      for (const t of st.topics.get(name)?.keys() ?? []) deletes.push(kv.delete(statusKeys.topic(name, t)));
    }
    await Promise.all(deletes.map((p) => p.catch(() => {})));
  }

  // ---- offsets (KIP-875), on the leader ---------------------------------------------------------------------------

  #assertStoppedForOffsets(name: string): void {
    if (this.#cfg().targetState(name) !== 'STOPPED' || this.#cfg().taskConfigs(name).length > 0) {
      throw new BadRequestError(
        'Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the ' +
          `specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`,
      );
    }
  }

  async #connectorAgrees(config: ConnectorConfig, offsets: Map<string, unknown>): Promise<boolean> {
    const connector = this.registry.resolve(config['connector.class']!).create();
    const resolved = this.#transformer.transform(config);
    return (await (connector.alterOffsets as (c: ConnectorConfig, o: Map<string, unknown>) => boolean | Promise<boolean>)(resolved, offsets)) !== false;
  }

  async #alterOffsets(name: string, offsets: readonly ConnectorOffset[]): Promise<string> {
    const c = this.#connectorRecord(name);
    this.#assertStoppedForOffsets(name);
    if (this.#typeOf(c.config) === 'source') {
      const parsed = offsets.map((o) => sourceOffsetEntry(o));
      const framework = await this.#connectorAgrees(c.config, new Map<string, unknown>(parsed.map(([p, o]) => [JSON.stringify(p), o])));
      await this.#offsets!.set(name, parsed);
      return framework ? OFFSETS_ALTERED : frameworkOnly('altered');
    }
    const parsed = offsets.map((o) => sinkOffsetEntry(o));
    const framework = await this.#connectorAgrees(c.config, new Map(parsed.map((o) => [tpKey(o), o.offset])));
    await this.#withAdmin(async (admin) => {
      const group = sinkGroupId(name);
      const resets = parsed.filter((o) => o.offset === null);
      const sets = parsed.filter((o): o is TopicPartitionOffset => o.offset !== null);
      if (resets.length > 0 && admin.deleteGroup) {
        const keep = (await this.#sinkGroupOffsets(admin, c.config, name)).filter(
          (o) => !parsed.some((p) => p.topic === o.topic && p.partition === o.partition),
        );
        await admin.deleteGroup(group);
        if (keep.length > 0) await admin.commitGroupOffsets(group, keep);
      } else if (resets.length > 0) {
        await admin.commitGroupOffsets(group, resets.map((o) => ({ topic: o.topic, partition: o.partition, offset: 0 })));
      }
      if (sets.length > 0) await admin.commitGroupOffsets(group, sets);
    });
    return framework ? OFFSETS_ALTERED : frameworkOnly('altered');
  }

  async #resetOffsets(name: string): Promise<string> {
    const c = this.#connectorRecord(name);
    this.#assertStoppedForOffsets(name);
    if (this.#typeOf(c.config) === 'source') {
      const all = await this.#offsets!.all(name);
      const framework = await this.#connectorAgrees(c.config, new Map(all.map(([p]) => [JSON.stringify(p), null])));
      await this.#offsets!.set(name, all.map(([p]) => [p, null] as const));
      return framework ? OFFSETS_RESET : frameworkOnly('reset');
    }
    return this.#withAdmin(async (admin) => {
      const committed = await this.#sinkGroupOffsets(admin, c.config, name);
      const framework = await this.#connectorAgrees(c.config, new Map(committed.map((o) => [tpKey(o), null])));
      const group = sinkGroupId(name);
      if (admin.deleteGroup) await admin.deleteGroup(group);
      else if (committed.length > 0) await admin.commitGroupOffsets(group, committed.map((o) => ({ ...o, offset: 0 })));
      return framework ? OFFSETS_RESET : frameworkOnly('reset');
    });
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

  async #sinkGroupOffsets(admin: KafkaAdmin, config: ConnectorConfig, name: string): Promise<TopicPartitionOffset[]> {
    const existing = await admin.listTopics();
    const regex = (config['topics.regex'] ?? '').trim();
    const listed = (config['topics'] ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');
    const topics = regex !== '' ? existing.filter((t) => new RegExp(`^(?:${regex})$`).test(t)) : listed.filter((t) => existing.includes(t));
    if (topics.length === 0) return [];
    return admin.fetchGroupOffsets(sinkGroupId(name), topics);
  }

  // ---- the leader's assignor loop ---------------------------------------------------------------------------------

  #scheduleRebalance(): void {
    if (this.#state !== 'running' || !this.#group?.election.isLeader) return;
    if (this.#rebalanceTimer) return;
    this.#rebalanceTimer = setTimeout(() => {
      this.#rebalanceTimer = undefined;
      void this.#rebalance();
    }, 5);
  }

  /** The work: every connector, and the tasks of the committed task configs of those not STOPPED. */
  #work(): Allocation {
    const cfg = this.#cfg();
    const connectors = [...cfg.connectors.keys()];
    const tasks: string[] = [];
    for (const c of connectors) {
      if (cfg.targetState(c) === 'STOPPED') continue;
      const n = cfg.taskConfigs(c).length;
      for (let i = 0; i < n; i++) tasks.push(taskKey(c, i));
    }
    return { connectors, tasks };
  }

  async #rebalance(): Promise<void> {
    if (this.#rebalancing) {
      this.#rebalanceAgain = true;
      return;
    }
    this.#rebalancing = true;
    try {
      do {
        this.#rebalanceAgain = false;
        await this.#leaderQueue; // after any write in progress
        await this.#rebalanceOnce();
      } while (this.#rebalanceAgain && this.#state === 'running');
    } catch (e) {
      if (!(e instanceof NotLeaderError)) this.#log.warn({ err: e }, 'rebalance failed; retrying');
      if (this.#state === 'running') setTimeout(() => this.#scheduleRebalance(), 500).unref();
    } finally {
      this.#rebalancing = false;
    }
  }

  async #rebalanceOnce(): Promise<void> {
    const g = this.#group!;
    if (this.#state !== 'running' || !g.election.isLeader) return;
    const current = g.config.assignment;
    // Our own last write must be in the replica first: the next round starts from it.
    if ((current?.revision ?? 0) < this.#lastAssignmentWrite) return;
    await this.#repairStale();
    const live = g.membership.live();
    const acked: Record<string, number> = {};
    for (const m of live) acked[m.member] = m.generation;
    const previous: ClusterAssignment = current
      ? { generation: current.generation, members: current.members, revoking: current.revoking, delayed: current.delayed }
      : EMPTY_ASSIGNMENT;
    const r = rebalance({
      previous,
      members: live.map((m) => m.member),
      acked,
      work: this.#work(),
      now: Date.now(),
      maxDelayMs: this.cluster.scheduledRebalanceMaxDelayMs,
    });
    clearTimeout(this.#deadlineTimer);
    if (r.nextCheckAt !== null) {
      this.#deadlineTimer = setTimeout(() => this.#scheduleRebalance(), Math.max(0, r.nextCheckAt - Date.now()) + 5);
    }
    if (!r.changed) return;
    const value: Omit<AssignmentValue, 'epoch'> = r.assignment;
    this.#lastAssignmentWrite = await g.writeConfig(ASSIGNMENT_KEY, { ...value });
    this.#log.info(
      {
        generation: r.assignment.generation,
        added: summarize(r.added),
        revoked: summarize(r.revoked),
        delayed: Object.keys(r.assignment.delayed),
        revoking: Object.keys(r.assignment.revoking),
      },
      'assignment written',
    );
  }

  /** Writes back, with the current epoch, every value a deposed leader overwrote (the replica kept the good one). */
  async #repairStale(): Promise<void> {
    const cfg = this.#cfg();
    for (const key of [...cfg.staleKeys]) {
      if (key === ASSIGNMENT_KEY) continue; // rewritten by the round anyway
      const good = cfg.accepted.get(key);
      await this.#group!.writeConfig(key, good ? { ...good } : { deleted: true });
      this.#log.warn({ key }, 'value written by a deposed leader replaced');
    }
  }

  // ---- reconciliation: run what the assignment gives this worker ---------------------------------------------------

  #scheduleReconcile(): void {
    if (this.#state !== 'running' && this.#state !== 'starting') return;
    if (this.#reconciling) {
      this.#reconcileAgain = true;
      return;
    }
    this.#reconciling = (async () => {
      try {
        do {
          this.#reconcileAgain = false;
          await this.#reconcile();
        } while (this.#reconcileAgain && this.#state === 'running');
      } catch (e) {
        this.#log.error({ err: e }, 'reconciliation failed; retrying');
        setTimeout(() => this.#scheduleReconcile(), 500).unref();
      } finally {
        this.#reconciling = undefined;
      }
    })();
  }

  async #reconcile(): Promise<void> {
    const g = this.#group!;
    if (this.#state !== 'running') return;
    const cfg = g.config;
    const a = cfg.assignment;
    // Fenced, or not caught up since: act on nothing (a stale assignment may hand out what moved meanwhile).
    const fenced = !g.ready;
    const me = g.membership.self.member;
    const mine = !fenced && a ? a.members[me] : undefined;
    const myConnectors = new Set(mine?.connectors ?? []);
    const myTasks = new Set(mine?.tasks ?? []);
    const generation = a?.generation ?? 0;

    // 1. Stop what is no longer ours (or changed underneath), all at once.
    const stops: Promise<void>[] = [];
    for (const t of [...this.#tasks.values()]) {
      const configs = cfg.taskConfigs(t.connector);
      const keep =
        myTasks.has(t.key) &&
        cfg.connectors.has(t.connector) &&
        cfg.targetState(t.connector) !== 'STOPPED' &&
        t.task < configs.length &&
        cfg.taskGeneration(t.connector) === t.generation &&
        cfg.connectors.get(t.connector)!.revision === t.connectorRevision;
      if (!keep) {
        const why = !cfg.connectors.has(t.connector) || t.task >= configs.length ? 'deleted' : fenced ? 'fenced' : 'revoked';
        stops.push(this.#stopTask(t, why, generation));
      }
    }
    for (const c of [...this.#connectors.values()]) {
      const record = cfg.connectors.get(c.name);
      const keep = myConnectors.has(c.name) && record !== undefined && record.revision === c.revision;
      if (!keep) stops.push(this.#stopConnector(c, record === undefined ? 'deleted' : fenced ? 'fenced' : 'revoked', generation));
    }
    await Promise.all(stops);
    if (this.#state !== 'running' || fenced || !a) return;

    // 2. Confirm the generation: everything it took from us has stopped.
    this.#appliedGeneration = Math.max(this.#appliedGeneration, generation);
    g.membership.setGeneration(generation);

    // 3. Target states of what we keep; start what we gained.
    for (const c of this.#connectors.values()) {
      const target = cfg.targetState(c.name);
      if (target !== c.target) {
        c.target = target;
        this.#connectorActor(c.name)?.send({ type: target === 'PAUSED' ? 'PAUSE' : target === 'STOPPED' ? 'STOP' : 'RESUME' });
      }
    }
    for (const t of this.#tasks.values()) {
      const target = cfg.targetState(t.connector) === 'PAUSED' ? 'PAUSED' : 'STARTED';
      if (target !== t.target) {
        t.target = target;
        this.#taskActor(t)?.send({ type: target === 'PAUSED' ? 'PAUSE' : 'RESUME' });
      }
    }
    for (const name of myConnectors) {
      if (this.#connectors.has(name)) continue;
      const record = cfg.connectors.get(name);
      if (record) this.#startConnector(name, record.config, record.revision, cfg.targetState(name));
    }
    for (const key of myTasks) {
      if (this.#tasks.has(key)) continue;
      const { connector, task } = parseTaskKey(key);
      const configs = cfg.taskConfigs(connector);
      const record = cfg.connectors.get(connector);
      if (!record || task >= configs.length || cfg.targetState(connector) === 'STOPPED') continue;
      this.#startTask(connector, task, record, configs[task]!, cfg.taskGeneration(connector), cfg.targetState(connector));
    }
  }

  async #stopAll(why: 'shutdown' | 'crash'): Promise<void> {
    const gen = this.#appliedGeneration;
    await Promise.all([
      ...[...this.#tasks.values()].map((t) => this.#stopTask(t, why, gen)),
      ...[...this.#connectors.values()].map((c) => this.#stopConnector(c, why, gen)),
    ]);
  }

  // ---- connectors on this worker -------------------------------------------------------------------------------

  #startConnector(name: string, config: ConnectorConfig, revision: number, target: TargetState): void {
    let plugin: ConnectorPlugin;
    try {
      plugin = this.registry.resolve(config['connector.class'] ?? '');
    } catch (e) {
      this.#writeStatus(statusKeys.connector(name), { state: 'FAILED', trace: String((e as Error).stack ?? e), worker_id: this.workerId, generation: this.#appliedGeneration });
      return;
    }
    const entry: LocalConnector = {
      name,
      revision,
      config,
      plugin,
      instance: plugin.create(),
      target,
      abort: new AbortController(),
      unsubscribe: () => {},
      lastStatus: '',
    };
    this.#connectors.set(name, entry);
    const startable = this.#startable(entry);
    const reader = this.#offsetReader(name);
    this.#worker!.send({
      type: 'SPAWN_CONNECTOR',
      id: connectorActorId(name),
      input: {
        name,
        connector: startable.connector,
        config: startable.config,
        target,
        context: (hooks: ConnectorContext) => (plugin.type === 'source' ? { ...hooks, offsetStorageReader: reader } : hooks),
        onTaskConfigs: (configs) => this.#onTaskConfigs(entry, configs),
        restartPolicy: parseRestartPolicy(config),
        log: this.#log,
      },
    });
    const actor = this.#connectorActor(name);
    if (actor) {
      let previous: unknown;
      const observe = (s: ReturnType<ConnectorActor['getSnapshot']>) => {
        if (s.value !== previous) {
          if (s.value === 'starting') this.#counters.connectorStartupAttempts++;
          else if (previous === 'starting') {
            if (s.value === 'failed') this.#counters.connectorStartupFailures++;
            else this.#counters.connectorStartupSuccesses++;
          }
          previous = s.value;
        }
        if (this.#connectors.get(name) !== entry) return;
        const st = connectorActorStatus(s);
        this.#reportConnector(entry, st.state, st.trace ?? null);
      };
      observe(actor.getSnapshot());
      const sub = actor.subscribe({ next: observe, error: () => {} });
      entry.unsubscribe = () => sub.unsubscribe();
    }
    this.#log.info({ connector: name, target }, 'connector assigned; starting');
  }

  #reportConnector(entry: LocalConnector, state: StatusValue['state'], trace: string | null): void {
    if (state === 'UNASSIGNED') return; // starting: nothing to say yet
    const key = `${state}|${trace ?? ''}`;
    if (key === entry.lastStatus) return;
    entry.lastStatus = key;
    this.#writeStatus(statusKeys.connector(entry.name), { state, trace, worker_id: this.workerId, generation: this.#appliedGeneration });
  }

  /** The connector computed task configs: if they differ from the committed ones, the leader writes them. */
  async #onTaskConfigs(entry: LocalConnector, configs: readonly ConnectorConfig[]): Promise<void> {
    const cfg = this.#cfg();
    if (entry.abort.signal.aborted || cfg.targetState(entry.name) === 'STOPPED') return;
    const stored = storedTaskConfigs(entry.plugin.type, taskClassName(entry.instance), entry.config, reverseTransform(entry.config, configs));
    for (let attempt = 0; !entry.abort.signal.aborted && this.#state === 'running'; attempt++) {
      if (!cfg.inconsistent.has(entry.name) && cfg.committed.has(entry.name) && sameTaskConfigs(cfg.taskConfigs(entry.name), stored)) return;
      try {
        await this.#forward('putTaskConfigs', [entry.name, stored, entry.revision]);
        return;
      } catch (e) {
        this.#log.warn({ connector: entry.name, err: e, attempt }, 'task configs could not be sent to the leader; retrying');
        await sleep(Math.min(5000, 250 * 2 ** Math.min(attempt, 5)), entry.abort.signal);
      }
    }
  }

  async #stopConnector(entry: LocalConnector, why: 'deleted' | 'revoked' | 'fenced' | 'shutdown' | 'crash', generation: number): Promise<void> {
    if (this.#connectors.get(entry.name) !== entry) return;
    this.#connectors.delete(entry.name);
    entry.abort.abort();
    entry.unsubscribe();
    const actor = this.#connectorActor(entry.name);
    actor?.send({ type: 'SHUTDOWN' });
    await ended(actor);
    this.#worker!.send({ type: 'REMOVE', id: connectorActorId(entry.name) });
    this.#log.info({ connector: entry.name, why }, 'connector stopped');
    const key = statusKeys.connector(entry.name);
    if (why === 'deleted') this.#deleteStatus(key);
    else if (why === 'revoked' || why === 'shutdown') this.#writeStatusSafely(key, this.#group!.status.connectors.get(entry.name), generation);
  }

  // ---- tasks on this worker ------------------------------------------------------------------------------------

  #startTask(
    connector: string,
    task: number,
    record: { config: ConnectorConfig; revision: number },
    taskConfig: ConnectorConfig,
    generation: number,
    target: TargetState,
  ): void {
    const connectorConfig = record.config;
    let plugin: ConnectorPlugin;
    try {
      plugin = this.registry.resolve(connectorConfig['connector.class'] ?? '');
    } catch {
      return;
    }
    const key = taskKey(connector, task);
    const entry: LocalTask = {
      connector,
      task,
      key,
      generation,
      connectorRevision: record.revision,
      config: taskConfig,
      type: plugin.type,
      target: target === 'PAUSED' ? 'PAUSED' : 'STARTED',
      instance: undefined,
      unsubscribe: () => {},
      lastStatus: '',
    };
    this.#tasks.set(key, entry);
    this.#spawnTask(entry, plugin, connectorConfig);
  }

  #spawnTask(entry: LocalTask, plugin: ConnectorPlugin, connectorConfig: ConnectorConfig): void {
    const id = { connector: entry.connector, task: entry.task };
    const runtime = this.#runtime!;
    this.#worker!.send({
      type: 'SPAWN_TASK',
      id: taskActorId(entry.connector, entry.task),
      input: {
        id,
        target: entry.target,
        shutdownTimeoutMs: this.settings.shutdownTimeoutMs,
        restartPolicy: parseRestartPolicy(connectorConfig),
        log: this.#log,
        start: async () => {
          this.#counters.taskStartupAttempts++;
          try {
            const TaskClass = plugin.create().taskClass();
            const instance = new TaskClass();
            entry.instance = instance;
            const common = {
              id,
              connectorConfig: this.#transformer.transform(connectorConfig),
              taskConfig: this.#transformer.transform(entry.config),
              onTopic: (topic: string) => this.#recordTopic(entry, topic),
            };
            const run = await (entry.type === 'source'
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
    const actor = this.#taskActor(entry);
    if (actor) {
      const observe = (s: ReturnType<TaskActor['getSnapshot']>) => {
        if (this.#tasks.get(entry.key) !== entry) return;
        const st = taskActorStatus(s);
        if (st.state === 'UNASSIGNED') return;
        const k = `${st.state}|${st.trace ?? ''}`;
        if (k === entry.lastStatus) return;
        entry.lastStatus = k;
        this.#writeStatus(statusKeys.task(entry.connector, entry.task), {
          state: st.state,
          trace: st.trace ?? null,
          worker_id: this.workerId,
          generation: this.#appliedGeneration,
        });
      };
      observe(actor.getSnapshot());
      const sub = actor.subscribe({ next: observe, error: () => {} });
      entry.unsubscribe = () => sub.unsubscribe();
    }
  }

  async #stopTask(entry: LocalTask, why: 'deleted' | 'revoked' | 'fenced' | 'shutdown' | 'crash', generation: number): Promise<void> {
    if (this.#tasks.get(entry.key) !== entry) return;
    this.#tasks.delete(entry.key);
    entry.unsubscribe();
    const actor = this.#taskActor(entry);
    if (why === 'fenced') {
      // The others will take this task for gone `session.timeout.ms` after our last stored heartbeat; it must
      // be stopped by then, so the graceful stop gets only what is left of that.
      void actor?.getSnapshot().context.run?.stop(this.#fencedStopBudgetMs()).catch(() => {});
    }
    actor?.send({ type: 'SHUTDOWN' });
    await ended(actor);
    this.#worker!.send({ type: 'REMOVE', id: taskActorId(entry.connector, entry.task) });
    const key = statusKeys.task(entry.connector, entry.task);
    if (why === 'deleted') this.#deleteStatus(key);
    else if (why === 'revoked' || why === 'shutdown') this.#writeStatusSafely(key, this.#group!.status.task(entry.connector, entry.task), generation);
  }

  #fencedStopBudgetMs(): number {
    const { sessionTimeoutMs, fenceAfterMs, heartbeatIntervalMs } = this.cluster;
    return Math.max(0, Math.min(this.settings.shutdownTimeoutMs, sessionTimeoutMs - fenceAfterMs - heartbeatIntervalMs));
  }

  #recordTopic(entry: LocalTask, topic: string): void {
    const g = this.#group;
    if (!g || g.status.topics.get(entry.connector)?.has(topic)) return;
    void g.statusKv
      .put(
        statusKeys.topic(entry.connector, topic),
        encodeJson({ topic: { name: topic, connector: entry.connector, task: entry.task, discoverTimestamp: Date.now() } }),
      )
      .catch(() => {});
  }

  #applyRestart(connector: string): void {
    const r = this.#cfg().restarts.get(connector);
    if (!r || (this.#restartsSeen.get(connector) ?? 0) >= r.revision) return;
    this.#restartsSeen.set(connector, r.revision);
    if (r.connector && this.#connectors.has(connector)) {
      const actor = this.#connectorActor(connector);
      if (actor) actor.send({ type: 'RESTART' });
      else {
        // crashed: start it again
        const c = this.#connectors.get(connector)!;
        void this.#stopConnector(c, 'revoked', this.#appliedGeneration).then(() => this.#scheduleReconcile());
      }
    }
    for (const task of r.tasks) {
      const t = this.#tasks.get(taskKey(connector, task));
      if (!t) continue;
      const actor = this.#taskActor(t);
      if (actor) actor.send({ type: 'RESTART' });
      else void this.#stopTask(t, 'revoked', this.#appliedGeneration).then(() => this.#scheduleReconcile());
    }
  }

  /** Actors the supervisor stopped after a crash: their status is FAILED with the trace. */
  #noticeCrashes(): void {
    if (!this.#worker) return;
    for (const c of this.#connectors.values()) {
      const crash = crashOf(this.#worker, connectorActorId(c.name));
      if (crash) this.#reportConnector(c, 'FAILED', crash.trace);
    }
    for (const t of this.#tasks.values()) {
      const crash = crashOf(this.#worker, taskActorId(t.connector, t.task));
      const k = `FAILED|${crash?.trace ?? ''}`;
      if (crash && t.lastStatus !== k) {
        t.lastStatus = k;
        this.#writeStatus(statusKeys.task(t.connector, t.task), { state: 'FAILED', trace: crash.trace, worker_id: this.workerId, generation: this.#appliedGeneration });
      }
    }
  }

  // ---- status writes ----------------------------------------------------------------------------------------

  #writeStatus(key: string, value: StatusValue): void {
    this.#chainStatus(key, async () => {
      await this.#group!.statusKv.put(key, encodeJson(value));
    });
  }

  /** Kafka's putSafe: an UNASSIGNED must not overwrite the status a newer owner wrote. */
  #writeStatusSafely(key: string, held: StatusValue | undefined, generation: number): void {
    if (!canWriteSafely(held, this.workerId, generation)) return;
    this.#writeStatus(key, { state: 'UNASSIGNED', trace: null, worker_id: this.workerId, generation });
  }

  #deleteStatus(key: string): void {
    this.#chainStatus(key, async () => {
      await this.#group!.statusKv.delete(key);
    });
  }

  #chainStatus(key: string, job: () => Promise<void>): void {
    const previous = this.#statusWrites.get(key) ?? Promise.resolve();
    const next = previous.then(job).catch((e: unknown) => this.#log.warn({ key, err: e }, 'status write failed'));
    this.#statusWrites.set(key, next);
    void next.then(() => {
      if (this.#statusWrites.get(key) === next) this.#statusWrites.delete(key);
    });
  }

  // ---- helpers ----------------------------------------------------------------------------------------------

  #cfg() {
    if (!this.#group) throw new ConflictError('the worker has not been started');
    return this.#group.config;
  }

  #ensureRunning(): void {
    if (this.#state !== 'running') {
      throw new ConflictError(this.#state === 'new' || this.#state === 'starting' ? 'the worker has not been started' : 'the worker is stopping');
    }
  }

  #connectorRecord(name: string): { config: ConnectorConfig; revision: number } {
    const c = this.#cfg().connectors.get(name);
    if (!c) throw new NotFoundError(name);
    return c;
  }

  #typeOf(config: ConnectorConfig): ConnectorType {
    try {
      return this.registry.resolve(config['connector.class'] ?? '').type;
    } catch {
      return 'unknown';
    }
  }

  #taskEntry(task: number, s: StatusValue): TaskStateEntry {
    return { id: task, state: s.state === 'STOPPED' ? 'UNASSIGNED' : s.state, worker_id: s.worker_id, ...(s.trace ? { trace: s.trace } : {}) };
  }

  async #assertValid(name: string, config: ConnectorConfig): Promise<void> {
    const problems = this.#transformer.problems(config);
    if (problems.length > 0) throw new ConnectorConfigError(name, problems);
    await assertValidConnector(this.registry, name, this.#transformer.transform(config), this.#options.validation);
  }

  #startable(entry: LocalConnector): { connector: AnyConnector; config: ConnectorConfig } {
    try {
      return { connector: entry.instance, config: this.#transformer.transform(entry.config) };
    } catch (e) {
      const failing = Object.create(entry.instance, { start: { value: () => Promise.reject(e) } }) as AnyConnector;
      return { connector: failing, config: entry.config };
    }
  }

  #offsetReader(connector: string): OffsetStorageReader {
    return {
      offset: async (partition: OffsetMap) => (await this.#offsets!.get(connector, [partition])).get(partition) ?? null,
      offsets: (partitions: readonly OffsetMap[]) => this.#offsets!.get(connector, partitions),
    };
  }

  #connectorActor(name: string): ConnectorActor | undefined {
    return this.#worker ? childOf<ConnectorActor>(this.#worker, connectorActorId(name)) : undefined;
  }

  #taskActor(t: LocalTask): TaskActor | undefined {
    return this.#worker ? childOf<TaskActor>(this.#worker, taskActorId(t.connector, t.task)) : undefined;
  }
}

function summarize(r: Readonly<Record<string, Allocation>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [m, a] of Object.entries(r)) out[m] = a.connectors.length + a.tasks.length;
  return out;
}
