/** Kafka Connect's restart plan (KIP-745, AbstractHerder.buildRestartPlan): what a restart request restarts. */
import type { ConnectorStateInfo } from './herder.js';

export interface RestartRequest {
  /** Also restart the tasks. Default false. */
  readonly includeTasks?: boolean;
  /** Only restart instances that are FAILED. Default false. */
  readonly onlyFailed?: boolean;
}

export interface RestartPlan {
  readonly connector: boolean;
  readonly tasks: readonly number[];
  /** The current status with every instance to restart shown as RESTARTING (the REST 202 body). */
  readonly status: ConnectorStateInfo;
}

export function buildRestartPlan(status: ConnectorStateInfo, request: RestartRequest = {}): RestartPlan {
  const onlyFailed = request.onlyFailed ?? false;
  const includeTasks = request.includeTasks ?? false;
  const connector = !onlyFailed || status.connector.state === 'FAILED';
  const tasks = includeTasks ? status.tasks.filter((t) => !onlyFailed || t.state === 'FAILED').map((t) => t.id) : [];
  const restarting = new Set(tasks);
  return {
    connector,
    tasks,
    status: {
      ...status,
      connector: connector ? { state: 'RESTARTING', worker_id: status.connector.worker_id } : status.connector,
      tasks: status.tasks.map((t) => (restarting.has(t.id) ? { id: t.id, state: 'RESTARTING', worker_id: t.worker_id } : t)),
    },
  };
}
