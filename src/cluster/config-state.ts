/**
 * A worker's replica of the group's config bucket (Kafka Connect's config topic): connector configs, target
 * states, task configs made effective by a commit, restart requests, the assignment and the leader lease.
 * Changes are applied in the bucket's revision order (the bucket is one stream: a total order, like the config
 * topic's single partition), which is what makes the fencing below work.
 *
 * Fencing: every value but the lease carries the epoch of the leader that wrote it (the revision of its lease).
 * A value whose epoch is older than the newest lease seen before it in the stream was written by a deposed
 * leader after it was deposed: it is refused and the replica keeps what it had (the current leader writes its
 * own value back, see `staleKeys`).
 *
 * Task configs: `task.<c>.<n>` values carry a generation; `commit.<c>` = `{tasks, generation}` makes the task
 * configs of that generation effective together, as Kafka's `commit-<c>` does. A commit whose task values are
 * not all there leaves the connector inconsistent (no task configs) until the leader writes a new generation.
 */
import type { ConnectorConfig } from '../connectors/api/index.js';
import type { TargetState } from '../actors/index.js';
import type { ClusterAssignment } from './assignor.js';
import type { LeaseEntry, LeaseValue } from './election.js';
import { parseKey } from './keys.js';
import type { KvChange } from './nats.js';

/** What the leader writes; `epoch` is its fencing token. */
export interface Fenced {
  readonly epoch: number;
}

export interface ConnectorValue extends Fenced {
  readonly properties: ConnectorConfig;
}

/** Kafka's target-state record: `state` stays STARTED/PAUSED for old readers, `state.v2` has STOPPED too. */
export interface TargetStateValue extends Fenced {
  readonly state: 'STARTED' | 'PAUSED';
  readonly 'state.v2': TargetState;
}

export interface TaskValue extends Fenced {
  readonly properties: ConnectorConfig;
  readonly generation: number;
}

export interface CommitValue extends Fenced {
  readonly tasks: number;
  readonly generation: number;
}

/**
 * Kafka's task count record: the exactly-once source tasks of task generation `generation` may start, because the
 * transactional ids of every earlier generation were fenced; the next fencing round fences ids 0..tasks-1.
 */
export interface TaskCountValue extends Fenced {
  readonly tasks: number;
  readonly generation: number;
}

export interface RestartValue extends Fenced {
  /** Restart the connector instance. */
  readonly connector: boolean;
  /** Task numbers to restart. */
  readonly tasks: readonly number[];
  /** Increases with each request for the connector. */
  readonly id: number;
}

export type AssignmentValue = ClusterAssignment & Fenced;

/** A deletion written by the leader (fenced like any other value). */
export interface TombstoneValue extends Fenced {
  readonly deleted: true;
}

export interface CommittedTasks {
  readonly generation: number;
  readonly configs: readonly ConnectorConfig[];
}

/** What one applied change touched, for the herder to react to. */
export type ConfigEvent =
  | { readonly type: 'lease' }
  | { readonly type: 'assignment' }
  | { readonly type: 'connector' | 'target-state' | 'tasks' | 'restart'; readonly connector: string }
  | { readonly type: 'stale'; readonly key: string }
  | { readonly type: 'none' };

export const targetStateValue = (state: TargetState, epoch: number): TargetStateValue => ({
  state: state === 'STOPPED' ? 'PAUSED' : state,
  'state.v2': state,
  epoch,
});

export class ConfigState {
  lease: LeaseEntry | null = null;
  /** The newest lease revision seen so far in stream order (0: none yet). */
  currentEpoch = 0;
  readonly connectors = new Map<string, { config: ConnectorConfig; revision: number }>();
  readonly targetStates = new Map<string, TargetState>();
  readonly committed = new Map<string, CommittedTasks & { tasks: number }>();
  /** Task values by connector and task number (the latest of each; effective only through a commit). */
  readonly taskValues = new Map<string, Map<number, TaskValue>>();
  /** Connectors whose last commit could not be applied (task values missing). */
  readonly inconsistent = new Set<string>();
  readonly restarts = new Map<string, RestartValue & { revision: number }>();
  /** The latest task count record of each connector (exactly-once source). */
  readonly taskCounts = new Map<string, TaskCountValue>();
  assignment: (AssignmentValue & { revision: number }) | null = null;
  /** Revisions per key, for compare-and-set writes by the leader. */
  readonly revisions = new Map<string, number>();
  /** Keys whose latest value was refused as stale (the leader rewrites them). */
  readonly staleKeys = new Set<string>();
  /** The last accepted value of every leader-written key (what the leader writes back over a stale value). */
  readonly accepted = new Map<string, Record<string, unknown> | null>();

  apply(change: KvChange): ConfigEvent {
    let c = change;
    const key = parseKey(c.key);
    if (key.kind === 'leader') {
      this.revisions.set(c.key, c.revision);
      this.lease = { value: c.deleted ? null : (c.value as LeaseValue), revision: c.revision };
      if (!c.deleted) {
        this.currentEpoch = Math.max(this.currentEpoch, c.revision);
        this.staleKeys.clear();
      }
      return { type: 'lease' };
    }
    if (key.kind === 'unknown' || key.kind === 'topic') return { type: 'none' };
    // The leader deletes with a fenced tombstone value (`{"deleted":true,"epoch":E}`); a bare KV delete counts too.
    const tombstone = (c.value as { deleted?: unknown } | null)?.deleted === true;
    if (!c.deleted) {
      const epoch = (c.value as Partial<Fenced> | null)?.epoch;
      if (typeof epoch !== 'number' || epoch < this.currentEpoch) {
        this.revisions.set(c.key, c.revision);
        this.staleKeys.add(c.key);
        return { type: 'stale', key: c.key };
      }
    }
    this.revisions.set(c.key, c.revision);
    this.staleKeys.delete(c.key);
    this.accepted.set(c.key, c.deleted ? null : (c.value as Record<string, unknown>));
    c = { ...c, deleted: c.deleted || tombstone };
    switch (key.kind) {
      case 'assignment':
        this.assignment = c.deleted ? null : { ...(c.value as AssignmentValue), revision: c.revision };
        return { type: 'assignment' };
      case 'connector': {
        if (c.deleted) {
          this.connectors.delete(key.connector);
          this.targetStates.delete(key.connector);
        } else {
          this.connectors.set(key.connector, { config: (c.value as ConnectorValue).properties, revision: c.revision });
        }
        return { type: 'connector', connector: key.connector };
      }
      case 'target-state': {
        if (c.deleted) this.targetStates.delete(key.connector);
        else {
          const v = c.value as TargetStateValue;
          this.targetStates.set(key.connector, v['state.v2'] ?? v.state);
        }
        return { type: 'target-state', connector: key.connector };
      }
      case 'task': {
        let m = this.taskValues.get(key.connector);
        if (!m) this.taskValues.set(key.connector, (m = new Map()));
        if (c.deleted) m.delete(key.task);
        else m.set(key.task, c.value as TaskValue);
        return { type: 'none' };
      }
      case 'commit': {
        if (c.deleted) {
          this.committed.delete(key.connector);
          this.inconsistent.delete(key.connector);
          return { type: 'tasks', connector: key.connector };
        }
        const v = c.value as CommitValue;
        const values = this.taskValues.get(key.connector);
        const configs: ConnectorConfig[] = [];
        for (let n = 0; n < v.tasks; n++) {
          const t = values?.get(n);
          if (!t || t.generation !== v.generation) break;
          configs.push(t.properties);
        }
        if (configs.length === v.tasks) {
          this.committed.set(key.connector, { generation: v.generation, configs, tasks: v.tasks });
          this.inconsistent.delete(key.connector);
        } else {
          this.committed.set(key.connector, { generation: v.generation, configs: [], tasks: 0 });
          this.inconsistent.add(key.connector);
        }
        return { type: 'tasks', connector: key.connector };
      }
      case 'task-count': {
        if (c.deleted) this.taskCounts.delete(key.connector);
        else this.taskCounts.set(key.connector, c.value as TaskCountValue);
        return { type: 'none' };
      }
      case 'restart': {
        if (c.deleted) this.restarts.delete(key.connector);
        else this.restarts.set(key.connector, { ...(c.value as RestartValue), revision: c.revision });
        return { type: 'restart', connector: key.connector };
      }
    }
  }

  /** A connector's target state (STARTED when none was written, as Kafka). */
  targetState(connector: string): TargetState {
    return this.targetStates.get(connector) ?? 'STARTED';
  }

  /** The task configs in effect (empty while STOPPED, before the first commit, or when inconsistent). */
  taskConfigs(connector: string): readonly ConnectorConfig[] {
    return this.committed.get(connector)?.configs ?? [];
  }

  taskGeneration(connector: string): number {
    return this.committed.get(connector)?.generation ?? 0;
  }

  /** Kafka's pendingFencing: the task configs in effect came after the last fencing round (or there was none). */
  pendingFencing(connector: string): boolean {
    const record = this.taskCounts.get(connector);
    return !record || record.generation < this.taskGeneration(connector);
  }
}
