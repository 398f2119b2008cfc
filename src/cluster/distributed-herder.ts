/**
 * The distributed herder (Kafka Connect's DistributedHerder), over NATS instead of Kafka's group protocol. This
 * file is the wiring; each role is its own module:
 * - every worker keeps replicas of the group's config and status buckets (group.ts) and answers every read
 *   from them, so any worker serves the whole REST API;
 * - it heartbeats; when its heartbeats cannot be stored for `sluice.cluster.fence.after.ms` it is fenced and
 *   stops everything it runs (before the others may take it for gone after `session.timeout.ms`);
 * - reconciler.ts runs exactly what the current assignment gives it (stop what it lost, confirm the generation,
 *   start what it gained) on assigned-work.ts, which drives the Worker and writes statuses (status-writer.ts);
 * - forwarder.ts sends writes to the leader over NATS request/reply; with no leader it answers Kafka's 409.
 * The leader additionally executes the writes (leader-ops.ts) and runs the assignor (rebalancer.ts).
 *
 * Connector instances compute task configs on the worker that owns them and send them to the leader, which
 * writes them (as Kafka's followers POST them to the leader's /connectors/{c}/tasks).
 */
import type { ConnectorConfig } from '../connectors/api/index.js';
import type { PluginRegistry } from '../connectors/registry.js';
import type { ProblemOptions } from '../connectors/validation.js';
import type { Log, TargetState } from '../actors/index.js';
import type { OffsetStore } from '../streams/index.js';
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
} from '../worker/herder.js';
import { ConflictError, NotFoundError } from '../worker/errors.js';
import type { RestartRequest } from '../worker/restart-plan.js';
import type { WorkerSettings } from '../worker/worker-config.js';
import type { WorkerRuntime } from '../worker/runtime.js';
import { defaultRuntime, offsetsTopicClient } from '../worker/default-runtime.js';
import { TapHub } from '../worker/taps.js';
import { AbstractHerder } from '../worker/abstract-herder.js';
import { connectorInfoOf, taskInfosOf } from '../worker/status.js';
import { parseDistributedSettings, type DistributedSettings } from '../worker/distributed-config.js';
import { ASSIGNMENT_KEY, statusKeys } from './keys.js';
import { GroupMember } from './group.js';
import { KafkaOffsetStore } from '../worker/kafka-offset-store.js';
import { transactionalIdOf } from '../worker/exactly-once.js';
import type { StatusValue } from './status-state.js';
import { CONFLICT_MESSAGE, NO_LEADER_MESSAGE, type LeaderOp } from './distributed-client.js';
import { StatusWriter } from './status-writer.js';
import { LeaderOps } from './leader-ops.js';
import { Forwarder } from './forwarder.js';
import { Rebalancer, workOf } from './rebalancer.js';
import { AssignedWork } from './assigned-work.js';
import { Reconciler } from './reconciler.js';

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

/** The roles, made once this worker joined its group. */
interface Roles {
  readonly group: GroupMember;
  readonly statuses: StatusWriter;
  readonly leader: LeaderOps;
  readonly forwarder: Forwarder;
  readonly rebalancer: Rebalancer;
  readonly work: AssignedWork;
  readonly reconciler: Reconciler;
}

export class DistributedHerder extends AbstractHerder implements Herder {
  readonly cluster: DistributedSettings;
  /** Observables of the records of the tasks this worker runs (the REST tap). */
  readonly taps = new TapHub();
  readonly #options: DistributedHerderOptions;
  #roles: Roles | undefined;
  #unsubscribers: Array<() => void> = [];

  /** Throws WorkerConfigError when the worker config is invalid. */
  constructor(options: DistributedHerderOptions) {
    const { worker, cluster } = parseDistributedSettings(options.worker, options.registry);
    super(worker, options);
    this.cluster = cluster;
    this.#options = options;
  }

  get group(): GroupMember | undefined {
    return this.#roles?.group;
  }

  get isLeader(): boolean {
    return this.#roles?.group.election.isLeader ?? false;
  }

  /** The assignment generation this worker applied last. */
  get generation(): number {
    return this.#roles?.work.generation ?? 0;
  }

  // ---- lifecycle ------------------------------------------------------------------------------------------------

  /** The offsets topic's clients take the worker's top-level client keys (KafkaOffsetBackingStore: its originals). */
  /** Read read_committed when source tasks write it in transactions (Kafka Connect's exactly-once workers). */
  #offsetsClient() {
    const readCommitted = this.settings.exactlyOnceSource === 'enabled';
    return offsetsTopicClient(this.settings, this.cluster.bootstrapServers, `${this.cluster.groupId}-offsets`, this.registry, readCommitted);
  }

  async start(): Promise<void> {
    if (this.state !== 'new') throw new ConflictError(`the worker was already started (${this.state})`);
    this.state = 'starting';
    const offsets =
      this.#options.offsets ??
      new KafkaOffsetStore({
        client: this.#offsetsClient(),
        topic: this.cluster.offsetTopic,
        partitions: this.cluster.offsetPartitions,
        replicationFactor: this.cluster.offsetReplicationFactor,
        topicConfigs: this.cluster.offsetTopicConfigs,
        readerGroupPrefix: `sluice-${this.cluster.groupId}-offsets-reader`,
        clientId: `sluice-${this.cluster.groupId}`,
        log: this.log,
      });
    const preflight = (connector: string) => this.#preflightFencing(connector);
    const exactlyOnce = offsets instanceof KafkaOffsetStore ? { exactlyOnce: { workerTopic: offsets, transactionalPrefix: this.cluster.groupId, preflight } } : {};
    const runtime = this.#options.runtime
      ? this.#options.runtime(this.settings, this.log, offsets)
      : defaultRuntime(this.settings, this.log, { offsets, plugins: this.registry, taps: this.taps, ...exactlyOnce });
    try {
      await this.worker.start(runtime, offsets); // starts the offsets store: creates/reads the offsets topic
    } catch (e) {
      await runtime.close().catch(() => {});
      this.state = 'stopped';
      throw e;
    }
    let group: GroupMember;
    try {
      group = await GroupMember.join({
        nats: this.cluster.nats,
        groupId: this.cluster.groupId,
        workerId: this.workerId,
        url: this.cluster.url,
        sessionTimeoutMs: this.cluster.sessionTimeoutMs,
        heartbeatIntervalMs: this.cluster.heartbeatIntervalMs,
        fenceAfterMs: this.cluster.fenceAfterMs,
        log: this.log,
      });
    } catch (e) {
      await this.worker.stop().catch(() => {});
      this.state = 'stopped';
      throw e;
    }
    const roles = this.#makeRoles(group);
    this.#roles = roles;
    this.worker.onChange(() => roles.work.noticeCrashes());
    roles.forwarder.serve();
    const g = group;
    this.#unsubscribers.push(
      g.onConfig((e) => {
        if (e.type === 'restart') roles.work.applyRestart(e.connector);
        if (e.type === 'tasks' && g.config.inconsistent.has(e.connector)) roles.work.reconfigure(e.connector);
        if (e.type !== 'none') {
          roles.reconciler.schedule();
          roles.rebalancer.schedule();
        }
      }),
      g.membership.onChange(() => {
        roles.rebalancer.schedule();
      }),
      g.onReady((ready) => {
        this.log.warn({ ready }, ready ? 'caught up with the group again: resuming the assignment' : 'fenced: stopping every connector and task');
        roles.reconciler.schedule();
      }),
      g.election.onChange(() => {
        this.log.info({ leader: this.isLeader, epoch: g.election.epoch }, 'leadership changed');
        roles.rebalancer.schedule();
      }),
    );
    this.state = 'running';
    g.election.evaluate();
    roles.reconciler.schedule();
    roles.rebalancer.schedule();
    this.log.info({ workerId: this.workerId, group: this.cluster.groupId, member: g.membership.self.member }, 'distributed worker started');
  }

  /** Graceful: stops what runs here (statuses UNASSIGNED), gives the lease up, leaves the group. */
  async stop(): Promise<void> {
    if (this.state !== 'running') return;
    this.state = 'stopping';
    const r = this.#roles!;
    this.#quiesce(r);
    await r.reconciler.settled();
    await r.work.stopAll('shutdown');
    await r.statuses.flush();
    await r.group.leave(true);
    await this.worker.stop();
    this.state = 'stopped';
    this.log.info({ workerId: this.workerId }, 'distributed worker stopped');
  }

  /**
   * As a killed process, for in-process tests and benchmarks: the group connection goes first (no goodbye, no
   * status writes; the lease and the assignment stay as they are), then the runs are stopped so nothing of this
   * worker goes on in the process.
   */
  async crash(): Promise<void> {
    if (this.state !== 'running') return;
    this.state = 'stopping';
    const r = this.#roles!;
    this.#quiesce(r);
    await r.group.crash();
    await r.work.stopAll('crash');
    await this.worker.stop().catch(() => {});
    this.state = 'stopped';
  }

  #quiesce(r: Roles): void {
    for (const u of this.#unsubscribers) u();
    r.rebalancer.stop();
    r.forwarder.close();
  }

  #makeRoles(group: GroupMember): Roles {
    const running = () => this.state === 'running';
    const statuses = new StatusWriter(group.statusKv, this.workerId, this.log);
    const leader = new LeaderOps({
      group,
      offsets: this.offsetsApi,
      log: this.log,
      assertValid: (name, config) => this.assertValid(name, config),
      typeOf: (config) => this.typeOf(config),
      connectorStatus: (name) => this.connectorStatus(name),
      fenceProducers: (connector, tasks) =>
        this.worker.withAdmin(async (admin) => {
          if (!admin.fenceProducers) throw new Error('this Kafka client cannot fence transactional producers');
          const ids = Array.from({ length: tasks }, (_, task) => transactionalIdOf(this.cluster.groupId, { connector, task }));
          await admin.fenceProducers(ids);
        }),
    });
    const forwarder = new Forwarder({ group, cluster: this.cluster, asLeader: (op, args) => leader.run(op, args), running });
    const rebalancer = new Rebalancer(
      {
        isLeader: () => group.election.isLeader,
        assignment: () => group.config.assignment,
        live: () => group.membership.live(),
        work: () => workOf(group.config),
        repairStale: () => this.#repairStale(group),
        writeAssignment: (value) => group.writeConfig(ASSIGNMENT_KEY, { ...value }),
        leaderIdle: () => leader.idle(),
      },
      { maxDelayMs: this.cluster.scheduledRebalanceMaxDelayMs, running, log: this.log },
    );
    let reconciler: Reconciler | undefined;
    const work = new AssignedWork({
      worker: this.worker,
      registry: this.registry,
      group,
      statuses,
      workerId: this.workerId,
      log: this.log,
      forward: (op, args) => forwarder.forward(op, args),
      running,
      fencedStopBudgetMs: () => this.#fencedStopBudgetMs(),
      reconcileSoon: () => reconciler?.schedule(),
    });
    reconciler = new Reconciler({ group, work, log: this.log, state: () => this.state });
    return { group, statuses, leader, forwarder, rebalancer, work, reconciler };
  }

  /** Writes back, with the current epoch, every value a deposed leader overwrote (the replica kept the good one). */
  async #repairStale(group: GroupMember): Promise<void> {
    const cfg = group.config;
    for (const key of [...cfg.staleKeys]) {
      if (key === ASSIGNMENT_KEY) continue; // rewritten by the round anyway
      const good = cfg.accepted.get(key);
      await group.writeConfig(key, good ? { ...good } : { deleted: true });
      this.log.warn({ key }, 'value written by a deposed leader replaced');
    }
  }

  /** What a fenced worker has left before the others may take it for gone. */
  #fencedStopBudgetMs(): number {
    const { sessionTimeoutMs, fenceAfterMs, heartbeatIntervalMs } = this.cluster;
    return Math.max(0, Math.min(this.settings.shutdownTimeoutMs, sessionTimeoutMs - fenceAfterMs - heartbeatIntervalMs));
  }

  // ---- reads (local replicas) -----------------------------------------------------------------------------------

  connectors(): string[] {
    return [...this.#cfg().connectors.keys()].sort();
  }

  connectorInfo(name: string): ConnectorInfo {
    const c = this.#connectorRecord(name);
    return connectorInfoOf(name, c.config, this.#cfg().taskConfigs(name).length, this.typeOf(c.config));
  }

  connectorConfig(name: string): ConnectorConfig {
    return { ...this.#connectorRecord(name).config };
  }

  taskConfigs(name: string): TaskInfo[] {
    this.#connectorRecord(name);
    return taskInfosOf(name, this.#cfg().taskConfigs(name));
  }

  targetState(name: string): TargetState {
    this.#connectorRecord(name);
    return this.#cfg().targetState(name);
  }

  connectorStatus(name: string): ConnectorStateInfo {
    const c = this.#connectorRecord(name);
    const st = this.#roles!.group.status;
    const cs = st.connectors.get(name);
    if (!cs) throw new NotFoundError(name);
    const stopped = this.#cfg().targetState(name) === 'STOPPED';
    const n = this.#cfg().taskConfigs(name).length;
    const tasks: TaskStateEntry[] = [];
    if (!stopped) {
      for (let task = 0; task < n; task++) {
        const ts = st.task(name, task);
        if (ts) tasks.push(taskEntryFromStatus(task, ts));
      }
    }
    return {
      name,
      connector: { state: cs.state, worker_id: cs.worker_id, ...(cs.trace ? { trace: cs.trace } : {}) },
      tasks,
      type: this.typeOf(c.config),
    };
  }

  taskStatus(name: string, task: number): TaskStateEntry {
    this.#connectorRecord(name);
    const ts = this.#roles!.group.status.task(name, task);
    if (!ts || !Number.isInteger(task) || task < 0 || task >= this.#cfg().taskConfigs(name).length) throw new NotFoundError(name, task);
    return taskEntryFromStatus(task, ts);
  }

  progress(): TaskProgress[] {
    return this.#roles?.work.progress() ?? [];
  }

  connectorActiveTopics(name: string): string[] {
    return [...(this.#roles?.group.status.topics.get(name)?.keys() ?? [])].sort();
  }

  resetConnectorActiveTopics(name: string): void {
    const g = this.#roles?.group;
    const topics = [...(g?.status.topics.get(name)?.keys() ?? [])];
    for (const t of topics) void g!.statusKv.delete(statusKeys.topic(name, t)).catch(() => {});
  }

  async connectorOffsets(name: string): Promise<ConnectorOffsets> {
    const c = this.#connectorRecord(name);
    this.ensureRunning();
    return this.offsetsApi.read({ name, config: c.config, type: this.typeOf(c.config) });
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

  /**
   * `PUT /connectors/{name}/fence` (Kafka's fenceZombieSourceTasks): the leader fences the transactional producers
   * of the connector's earlier task generation and records the current task count.
   */
  async fenceZombies(name: string): Promise<void> {
    await this.#forward('fenceZombies', [name]);
  }

  /** Before an exactly-once source task starts: the fencing round of its task generation, unless it was done. */
  async #preflightFencing(connector: string): Promise<void> {
    if (!this.#cfg().pendingFencing(connector)) return;
    await this.#forward('fenceZombies', [connector]);
  }

  #forward(op: LeaderOp, args: unknown[]): Promise<unknown> {
    this.ensureRunning();
    return this.#roles!.forwarder.forward(op, args);
  }

  // ---- helpers ----------------------------------------------------------------------------------------------

  #cfg() {
    if (!this.#roles) throw new ConflictError('the worker has not been started');
    return this.#roles.group.config;
  }

  #connectorRecord(name: string): { config: ConnectorConfig; revision: number } {
    const c = this.#cfg().connectors.get(name);
    if (!c) throw new NotFoundError(name);
    return c;
  }
}

/** A task's entry from its status record (a STOPPED task shows as UNASSIGNED). */
function taskEntryFromStatus(task: number, s: StatusValue): TaskStateEntry {
  return { id: task, state: s.state === 'STOPPED' ? 'UNASSIGNED' : s.state, worker_id: s.worker_id, ...(s.trace ? { trace: s.trace } : {}) };
}
