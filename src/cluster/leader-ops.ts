/**
 * The leader's side of every write (Kafka Connect's DistributedHerder on the leader): connector configs, target
 * states, task configs + commit, restart requests and offsets. Writes run one at a time (Kafka's herder thread);
 * every value is written compare-and-set and stamped with the leader's epoch by the group (fenced writes).
 */
import type { ConnectorConfig } from '../connectors/api/index.js';
import type { Log } from '../actors/index.js';
import type { ConnectorInfo, ConnectorOffset, ConnectorStateInfo, ConnectorType, InitialState } from '../worker/herder.js';
import { AlreadyExistsError, BadRequestError, NotFoundError } from '../worker/errors.js';
import { buildRestartPlan, type RestartRequest } from '../worker/restart-plan.js';
import { sameTaskConfigs } from '../worker/task-configs.js';
import { assertStoppedForOffsets, type OffsetsApi, type OffsetsTarget } from '../worker/offsets-api.js';
import { restartStatusWithTraces } from '../worker/abstract-herder.js';
import { connectorInfoOf, patchedConfig } from '../worker/status.js';
import { targetStateValue } from './config-state.js';
import { NotLeaderError, type GroupMember } from './group.js';
import { configKeys, statusKeys } from './keys.js';
import type { LeaderOp, OpResult } from './distributed-client.js';

export interface LeaderOpsDeps {
  readonly group: GroupMember;
  readonly offsets: OffsetsApi;
  readonly log: Log;
  /** Throws ConnectorConfigError unless the config is valid (placeholders resolved). */
  assertValid(name: string, config: ConnectorConfig): Promise<void>;
  typeOf(config: ConnectorConfig): ConnectorType;
  /** The connector's status as the REST API shows it (a restart request's plan starts from it). */
  connectorStatus(name: string): ConnectorStateInfo;
  /** Fences the transactional producers of these source tasks (Kafka's Admin.fenceProducers). */
  fenceProducers(connector: string, tasks: number): Promise<void>;
}

export class LeaderOps {
  readonly #d: LeaderOpsDeps;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(deps: LeaderOpsDeps) {
    this.#d = deps;
  }

  /** Runs the op after every op asked for before it. */
  run(op: LeaderOp, args: unknown[]): Promise<OpResult> {
    const job = this.#queue.then(() => this.#execute(op, args));
    this.#queue = job.catch(() => {});
    return job;
  }

  /** Resolves when the ops queued so far are done (the assignor runs after any write in progress). */
  idle(): Promise<unknown> {
    return this.#queue;
  }

  async #execute(op: LeaderOp, args: unknown[]): Promise<OpResult> {
    const g = this.#d.group;
    if (!g.election.isLeader) throw new NotLeaderError('not the leader');
    const cfg = g.config;
    const result = (value: unknown): OpResult => ({ value, revision: g.configRevision });
    const a = args as unknown;
    switch (op) {
      case 'addConnector': {
        const [name, config, initialState] = a as [string, ConnectorConfig, InitialState];
        if (cfg.connectors.has(name)) throw new AlreadyExistsError(name);
        const full: ConnectorConfig = { ...config, name };
        await this.#d.assertValid(name, full);
        if (cfg.connectors.has(name)) throw new AlreadyExistsError(name);
        if (initialState !== 'RUNNING') await this.#write(configKeys.targetState(name), targetStateValue(initialState, 0));
        else if (cfg.targetStates.has(name)) await this.#write(configKeys.targetState(name), targetStateValue('STARTED', 0));
        const rev = await this.#write(configKeys.connector(name), { properties: full });
        this.#d.log.info({ connector: name, state: initialState }, 'connector created');
        return { value: { name, config: full, tasks: [], type: this.#d.typeOf(full) } satisfies ConnectorInfo, revision: rev };
      }
      case 'putConnectorConfig':
      case 'patchConnectorConfig': {
        const [name] = a as [string];
        let full: ConnectorConfig;
        const existing = cfg.connectors.get(name);
        if (op === 'patchConnectorConfig') {
          if (!existing) throw new NotFoundError(name);
          full = { ...patchedConfig(existing.config, (a as [string, Record<string, string | null>])[1]), name };
        } else {
          full = { ...(a as [string, ConnectorConfig])[1], name };
        }
        await this.#d.assertValid(name, full);
        const rev = await this.#write(configKeys.connector(name), { properties: full });
        const info = connectorInfoOf(name, full, cfg.taskConfigs(name).length, this.#d.typeOf(full));
        this.#d.log.info({ connector: name, created: !existing }, 'connector config written');
        return { value: op === 'patchConnectorConfig' ? info : { created: !existing, info }, revision: rev };
      }
      case 'deleteConnector': {
        const [name] = a as [string];
        if (!cfg.connectors.has(name)) throw new NotFoundError(name);
        await this.#write(configKeys.connector(name), { deleted: true });
        if (cfg.targetStates.has(name)) await this.#write(configKeys.targetState(name), { deleted: true });
        if (cfg.committed.has(name)) await this.#writeCommit(name, []);
        await this.#deleteStatuses(name, 0, true);
        this.#d.log.info({ connector: name }, 'connector deleted');
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
        const current = this.#d.connectorStatus(name);
        const plan = buildRestartPlan(current, request);
        const id = (cfg.restarts.get(name)?.id ?? 0) + 1;
        await this.#write(configKeys.restart(name), { connector: plan.connector, tasks: [...plan.tasks], id });
        return result(restartStatusWithTraces(plan.status, current));
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
        this.#d.log.info({ connector: name, tasks: configs.length, generation: cfg.taskGeneration(name) }, 'task configs written');
        return result(true);
      }
      case 'fenceZombies': {
        // Kafka's doFenceZombieSourceTasks: fence the ids of the last fenced task count, then record the current one.
        const [name] = a as [string];
        const c = cfg.connectors.get(name);
        if (!c) throw new NotFoundError(name);
        if (this.#d.typeOf(c.config) !== 'source') throw new BadRequestError(`Connector ${name} is not a source connector`);
        if (!cfg.pendingFencing(name)) return result(undefined);
        const record = cfg.taskCounts.get(name);
        const tasks = cfg.taskConfigs(name).length;
        // One task before and one now: the new task's producer fences the old one by itself.
        if (record && (record.tasks !== 1 || tasks !== 1)) await this.#d.fenceProducers(name, record.tasks);
        const rev = await this.#write(configKeys.taskCount(name), { tasks, generation: cfg.taskGeneration(name) });
        this.#d.log.info({ connector: name, fenced: record?.tasks ?? 0, tasks }, 'zombie fencing round done');
        return { value: undefined, revision: rev };
      }
      case 'alterConnectorOffsets': {
        const [name, offsets] = a as [string, ConnectorOffset[]];
        return result(await this.#d.offsets.alter(this.#stoppedForOffsets(name), offsets));
      }
      case 'resetConnectorOffsets': {
        const [name] = a as [string];
        return result(await this.#d.offsets.reset(this.#stoppedForOffsets(name)));
      }
    }
  }

  /** KIP-875: the connector, which must exist and be STOPPED with no task configs. */
  #stoppedForOffsets(name: string): OffsetsTarget {
    const cfg = this.#d.group.config;
    const c = cfg.connectors.get(name);
    if (!c) throw new NotFoundError(name);
    assertStoppedForOffsets(name, cfg.targetState(name), cfg.taskConfigs(name).length);
    return { name, config: c.config, type: this.#d.typeOf(c.config) };
  }

  /** A fenced, compare-and-set write to the config bucket (epoch added by the group). */
  #write(key: string, value: object): Promise<number> {
    const { epoch: _ignored, ...rest } = value as Record<string, unknown>;
    return this.#d.group.writeConfig(key, rest);
  }

  /** Task values of the next generation, then the commit that makes them effective together. */
  async #writeCommit(name: string, configs: readonly ConnectorConfig[]): Promise<void> {
    const cfg = this.#d.group.config;
    let generation = cfg.taskGeneration(name);
    for (const v of cfg.taskValues.get(name)?.values() ?? []) generation = Math.max(generation, v.generation);
    generation += 1;
    for (let n = 0; n < configs.length; n++) {
      await this.#write(configKeys.task(name, n), { properties: configs[n], generation });
    }
    await this.#write(configKeys.commit(name), { tasks: configs.length, generation });
  }

  async #deleteStatuses(name: string, fromTask: number, connectorToo: boolean): Promise<void> {
    const st = this.#d.group.status;
    const kv = this.#d.group.statusKv;
    const deletes: Promise<unknown>[] = [];
    for (const task of st.tasks.get(name)?.keys() ?? []) if (task >= fromTask) deletes.push(kv.delete(statusKeys.task(name, task)));
    if (connectorToo) {
      if (st.connectors.has(name)) deletes.push(kv.delete(statusKeys.connector(name)));
      for (const t of st.topics.get(name)?.keys() ?? []) deletes.push(kv.delete(statusKeys.topic(name, t)));
    }
    await Promise.all(deletes.map((p) => p.catch(() => {})));
  }
}
