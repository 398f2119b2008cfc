/**
 * The REST shapes both herders answer with (Kafka Connect's ConnectorInfo, TaskInfo, state entries), built from
 * what each herder keeps: the standalone herder from its actors, the distributed one from its status replica.
 */
import type { ConnectorConfig } from '../connectors/api/index.js';
import type { ConnectorInfo, ConnectorStateEntry, ConnectorType, TaskInfo, TaskStateEntry } from './herder.js';
import type { LocalState } from './worker.js';
import type { ConnectorState, TaskState } from '../actors/index.js';

/** `GET /connectors/{c}`: the config and the ids of its `taskCount` tasks. */
export function connectorInfoOf(name: string, config: ConnectorConfig, taskCount: number, type: ConnectorType): ConnectorInfo {
  return {
    name,
    config: { ...config },
    tasks: Array.from({ length: taskCount }, (_, task) => ({ connector: name, task })),
    type,
  };
}

/** `GET /connectors/{c}/tasks`. */
export function taskInfosOf(name: string, configs: readonly ConnectorConfig[]): TaskInfo[] {
  return configs.map((config, task) => ({ id: { connector: name, task }, config: { ...config } }));
}

/** A connector's state entry from what this worker's actors say. */
export function connectorEntryOf(s: LocalState<ConnectorState>, workerId: string): ConnectorStateEntry {
  return { state: s.state, worker_id: workerId, ...(s.trace ? { trace: s.trace } : {}), ...(s.restart ? { restart: s.restart } : {}) };
}

/** A task's state entry from what this worker's actors say. */
export function taskEntryOf(task: number, s: LocalState<TaskState>, workerId: string): TaskStateEntry {
  return { id: task, state: s.state, worker_id: workerId, ...(s.trace ? { trace: s.trace } : {}), ...(s.restart ? { restart: s.restart } : {}) };
}

/** `PATCH /connectors/{c}/config`: the stored config with these keys set (a null value removes the key). */
export function patchedConfig(current: ConnectorConfig, patch: Readonly<Record<string, string | null>>): Record<string, string> {
  const next: Record<string, string> = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  return next;
}
