/**
 * The connectors and tasks this worker runs (what its assignment gives it), on its Worker: starting and
 * stopping them, their status writes (with the assignment generation applied), the task configs a connector
 * computed (sent to the leader), restart requests and KIP-558 topics. The reconciler decides what to start and
 * stop; this does it.
 */
import type { AnyConnector, ConnectorConfig, ConnectorPlugin } from '../connectors/api/index.js';
import type { PluginRegistry } from '../connectors/registry.js';
import { connectorStatus as connectorActorStatus, parseRestartPolicy, taskStatus as taskActorStatus, type Log, type TargetState } from '../actors/index.js';
import { sleep } from '../async/index.js';
import type { TaskProgress } from '../worker/herder.js';
import { reverseTransform } from '../worker/config-providers.js';
import { sameTaskConfigs, storedTaskConfigs, taskClassName } from '../worker/task-configs.js';
import type { AnyTask, Worker } from '../worker/worker.js';
import { taskKey } from './assignor.js';
import type { GroupMember } from './group.js';
import { statusKeys } from './keys.js';
import { encodeJson } from './nats.js';
import type { StatusValue } from './status-state.js';
import type { StatusWriter } from './status-writer.js';
import type { LeaderOp } from './distributed-client.js';

export interface LocalConnector {
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

export interface LocalTask {
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

/** Why a connector or task stops: what its status becomes (deleted: removed; revoked/shutdown: UNASSIGNED, safely). */
export type StopReason = 'deleted' | 'revoked' | 'fenced' | 'shutdown' | 'crash';

export interface AssignedWorkDeps {
  readonly worker: Worker;
  readonly registry: PluginRegistry;
  readonly group: GroupMember;
  readonly statuses: StatusWriter;
  readonly workerId: string;
  readonly log: Log;
  /** Sends a write to the leader. */
  forward(op: LeaderOp, args: unknown[]): Promise<unknown>;
  running(): boolean;
  /** The graceful budget of a fenced stop: what is left before the others may take this worker for gone. */
  fencedStopBudgetMs(): number;
  /** Asks the reconciler for a round (after a crashed instance was stopped to be started again). */
  reconcileSoon(): void;
}

export class AssignedWork {
  readonly connectors = new Map<string, LocalConnector>();
  readonly tasks = new Map<string, LocalTask>();
  /** The assignment generation this worker applied last (its statuses carry it). */
  generation = 0;
  readonly #d: AssignedWorkDeps;
  readonly #restartsSeen = new Map<string, number>();

  constructor(deps: AssignedWorkDeps) {
    this.#d = deps;
    const cfg = deps.group.config;
    for (const c of cfg.restarts.keys()) this.#restartsSeen.set(c, cfg.restarts.get(c)!.revision);
  }

  // ---- connectors ---------------------------------------------------------------------------------------------

  startConnector(name: string, config: ConnectorConfig, revision: number, target: TargetState): void {
    let plugin: ConnectorPlugin;
    try {
      plugin = this.#d.registry.resolve(config['connector.class'] ?? '');
    } catch (e) {
      this.#d.statuses.write(statusKeys.connector(name), {
        state: 'FAILED',
        trace: String((e as Error).stack ?? e),
        worker_id: this.#d.workerId,
        generation: this.generation,
      });
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
    this.connectors.set(name, entry);
    entry.unsubscribe = this.#d.worker.startConnector({
      name,
      type: plugin.type,
      connector: entry.instance,
      config,
      target,
      restartPolicy: parseRestartPolicy(config),
      onTaskConfigs: (configs) => this.#onTaskConfigs(entry, configs),
      onSnapshot: (s) => {
        if (this.connectors.get(name) !== entry) return;
        const st = connectorActorStatus(s);
        this.#reportConnector(entry, st.state, st.trace ?? null);
      },
    });
    this.#d.log.info({ connector: name, target }, 'connector assigned; starting');
  }

  async stopConnector(entry: LocalConnector, why: StopReason, generation: number): Promise<void> {
    if (this.connectors.get(entry.name) !== entry) return;
    this.connectors.delete(entry.name);
    entry.abort.abort();
    entry.unsubscribe();
    await this.#d.worker.stopConnector(entry.name);
    this.#d.log.info({ connector: entry.name, why }, 'connector stopped');
    const key = statusKeys.connector(entry.name);
    if (why === 'deleted') this.#d.statuses.delete(key);
    else if (why === 'revoked' || why === 'shutdown') this.#d.statuses.writeSafely(key, this.#d.group.status.connectors.get(entry.name), generation);
  }

  /** A kept connector's new target state, told to its actor. */
  retargetConnector(entry: LocalConnector, target: TargetState): void {
    if (target === entry.target) return;
    entry.target = target;
    this.#d.worker.connectorActor(entry.name)?.send({ type: target === 'PAUSED' ? 'PAUSE' : target === 'STOPPED' ? 'STOP' : 'RESUME' });
  }

  /** The connector's committed task configs changed under it while inconsistent: it computes them again. */
  reconfigure(name: string): void {
    this.#d.worker.connectorActor(name)?.send({ type: 'RECONFIGURE' });
  }

  #reportConnector(entry: LocalConnector, state: StatusValue['state'], trace: string | null): void {
    if (state === 'UNASSIGNED') return; // starting: nothing to say yet
    const key = `${state}|${trace ?? ''}`;
    if (key === entry.lastStatus) return;
    entry.lastStatus = key;
    this.#d.statuses.write(statusKeys.connector(entry.name), { state, trace, worker_id: this.#d.workerId, generation: this.generation });
  }

  /** The connector computed task configs: if they differ from the committed ones, the leader writes them. */
  async #onTaskConfigs(entry: LocalConnector, configs: readonly ConnectorConfig[]): Promise<void> {
    const cfg = this.#d.group.config;
    if (entry.abort.signal.aborted || cfg.targetState(entry.name) === 'STOPPED') return;
    const stored = storedTaskConfigs(entry.plugin.type, taskClassName(entry.instance), entry.config, reverseTransform(entry.config, configs));
    for (let attempt = 0; !entry.abort.signal.aborted && this.#d.running(); attempt++) {
      if (!cfg.inconsistent.has(entry.name) && cfg.committed.has(entry.name) && sameTaskConfigs(cfg.taskConfigs(entry.name), stored)) return;
      try {
        await this.#d.forward('putTaskConfigs', [entry.name, stored, entry.revision]);
        return;
      } catch (e) {
        this.#d.log.warn({ connector: entry.name, err: e, attempt }, 'task configs could not be sent to the leader; retrying');
        await sleep(Math.min(5000, 250 * 2 ** Math.min(attempt, 5)), entry.abort.signal);
      }
    }
  }

  // ---- tasks ------------------------------------------------------------------------------------------------------

  startTask(
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
      plugin = this.#d.registry.resolve(connectorConfig['connector.class'] ?? '');
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
    this.tasks.set(key, entry);
    entry.unsubscribe = this.#d.worker.startTask({
      id: { connector, task },
      type: entry.type,
      taskClass: () => plugin.create().taskClass(),
      connectorConfig,
      taskConfig: entry.config,
      target: entry.target,
      restartPolicy: parseRestartPolicy(connectorConfig),
      onInstance: (instance) => {
        entry.instance = instance;
      },
      onTopic: (topic) => this.#recordTopic(entry, topic),
      onSnapshot: (s) => {
        if (this.tasks.get(entry.key) !== entry) return;
        const st = taskActorStatus(s);
        if (st.state === 'UNASSIGNED') return;
        const k = `${st.state}|${st.trace ?? ''}`;
        if (k === entry.lastStatus) return;
        entry.lastStatus = k;
        this.#d.statuses.write(statusKeys.task(entry.connector, entry.task), {
          state: st.state,
          trace: st.trace ?? null,
          worker_id: this.#d.workerId,
          generation: this.generation,
        });
      },
    });
  }

  async stopTask(entry: LocalTask, why: StopReason, generation: number): Promise<void> {
    if (this.tasks.get(entry.key) !== entry) return;
    this.tasks.delete(entry.key);
    entry.unsubscribe();
    // Fenced: the others will take this task for gone `session.timeout.ms` after our last stored heartbeat; it
    // must be stopped by then, so the graceful stop gets only what is left of that.
    await this.#d.worker.stopTask(entry.connector, entry.task, why === 'fenced' ? this.#d.fencedStopBudgetMs() : undefined);
    const key = statusKeys.task(entry.connector, entry.task);
    if (why === 'deleted') this.#d.statuses.delete(key);
    else if (why === 'revoked' || why === 'shutdown') this.#d.statuses.writeSafely(key, this.#d.group.status.task(entry.connector, entry.task), generation);
  }

  /** A kept task's new target state, told to its actor. */
  retargetTask(entry: LocalTask, target: 'STARTED' | 'PAUSED'): void {
    if (target === entry.target) return;
    entry.target = target;
    this.#d.worker.taskActor(entry.connector, entry.task)?.send({ type: target === 'PAUSED' ? 'PAUSE' : 'RESUME' });
  }

  #recordTopic(entry: LocalTask, topic: string): void {
    const g = this.#d.group;
    if (g.status.topics.get(entry.connector)?.has(topic)) return;
    void g.statusKv
      .put(
        statusKeys.topic(entry.connector, topic),
        encodeJson({ topic: { name: topic, connector: entry.connector, task: entry.task, discoverTimestamp: Date.now() } }),
      )
      .catch(() => {});
  }

  // ---- everything -------------------------------------------------------------------------------------------------

  async stopAll(why: 'shutdown' | 'crash'): Promise<void> {
    const gen = this.generation;
    await Promise.all([
      ...[...this.tasks.values()].map((t) => this.stopTask(t, why, gen)),
      ...[...this.connectors.values()].map((c) => this.stopConnector(c, why, gen)),
    ]);
  }

  /** A restart request the leader wrote: restart what of it runs here (a crashed instance is started again). */
  applyRestart(connector: string): void {
    const r = this.#d.group.config.restarts.get(connector);
    if (!r || (this.#restartsSeen.get(connector) ?? 0) >= r.revision) return;
    this.#restartsSeen.set(connector, r.revision);
    const worker = this.#d.worker;
    if (r.connector && this.connectors.has(connector)) {
      const actor = worker.connectorActor(connector);
      if (actor) actor.send({ type: 'RESTART' });
      else {
        // crashed: start it again
        const c = this.connectors.get(connector)!;
        void this.stopConnector(c, 'revoked', this.generation).then(() => this.#d.reconcileSoon());
      }
    }
    for (const task of r.tasks) {
      const t = this.tasks.get(taskKey(connector, task));
      if (!t) continue;
      const actor = worker.taskActor(t.connector, t.task);
      if (actor) actor.send({ type: 'RESTART' });
      else void this.stopTask(t, 'revoked', this.generation).then(() => this.#d.reconcileSoon());
    }
  }

  /** Actors the supervisor stopped after a crash: their status is FAILED with the trace. */
  noticeCrashes(): void {
    const worker = this.#d.worker;
    for (const c of this.connectors.values()) {
      const crash = worker.connectorCrash(c.name);
      if (crash) this.#reportConnector(c, 'FAILED', crash.trace);
    }
    for (const t of this.tasks.values()) {
      const crash = worker.taskCrash(t.connector, t.task);
      const k = `FAILED|${crash?.trace ?? ''}`;
      if (crash && t.lastStatus !== k) {
        t.lastStatus = k;
        this.#d.statuses.write(statusKeys.task(t.connector, t.task), {
          state: 'FAILED',
          trace: crash.trace,
          worker_id: this.#d.workerId,
          generation: this.generation,
        });
      }
    }
  }

  progress(): TaskProgress[] {
    return [...this.tasks.values()]
      .map((t) => this.#d.worker.taskProgress({ connector: t.connector, task: t.task }, t.type, t.instance))
      .sort((a, b) => a.connector.localeCompare(b.connector) || a.task - b.task);
  }
}
