/**
 * The herder interface: what the REST API and the CLI call, whatever the mode. The standalone herder runs
 * everything in this process; a distributed herder (later) implements the same interface over the cluster.
 * Shapes are Kafka Connect's REST bodies (snake_case keys included).
 */
import type { ConnectorConfig } from '../connectors/api/index.js';
import type { ConnectorState, TaskState, RestartStatus } from '../actors/index.js';
import type { TaskMetrics } from '../streams/contracts.js';
import type { RestartRequest } from './restart-plan.js';

export type ConnectorType = 'source' | 'sink' | 'unknown';

/** `initial_state` of a create request (KIP-980). */
export type InitialState = 'RUNNING' | 'PAUSED' | 'STOPPED';

export interface ConnectorTaskId {
  readonly connector: string;
  readonly task: number;
}

/** ConnectorInfo (`GET /connectors/{c}`). */
export interface ConnectorInfo {
  readonly name: string;
  readonly config: ConnectorConfig;
  readonly tasks: ConnectorTaskId[];
  readonly type: ConnectorType;
}

/** TaskInfo (`GET /connectors/{c}/tasks`). */
export interface TaskInfo {
  readonly id: ConnectorTaskId;
  readonly config: ConnectorConfig;
}

export interface ConnectorStateEntry {
  readonly state: ConnectorState;
  readonly worker_id: string;
  readonly trace?: string;
  /** Sluice: the restart policy's state, when a policy is configured. */
  readonly restart?: RestartStatus;
}

export interface TaskStateEntry {
  readonly id: number;
  readonly state: TaskState;
  readonly worker_id: string;
  readonly trace?: string;
  readonly restart?: RestartStatus;
}

/** ConnectorStateInfo (`GET /connectors/{c}/status`). */
export interface ConnectorStateInfo {
  readonly name: string;
  readonly connector: ConnectorStateEntry;
  readonly tasks: TaskStateEntry[];
  readonly type: ConnectorType;
}

/** One task's live figures, for the CLI view and /metrics. */
export interface TaskProgress {
  readonly connector: string;
  readonly task: number;
  readonly type: 'source' | 'sink';
  readonly state: TaskState;
  /** A bounded source task that will produce nothing more (SourceTask.isFinished, or its run ended). */
  readonly finished: boolean;
  readonly metrics: TaskMetrics | null;
}

export interface Herder {
  start(): Promise<void>;
  /** Graceful: tasks stop within `task.shutdown.graceful.timeout.ms`, committing what was acknowledged. */
  stop(): Promise<void>;

  /** Validates and creates a connector ("no replace" semantics). Refuses an invalid config with every key and reason. */
  addConnector(name: string, config: ConnectorConfig, initialState?: InitialState): Promise<ConnectorInfo>;
  deleteConnector(name: string): Promise<void>;
  pauseConnector(name: string): Promise<void>;
  resumeConnector(name: string): Promise<void>;
  stopConnector(name: string): Promise<void>;
  /** Returns the status as it was when the restart was accepted, with the instances to restart shown RESTARTING. */
  restartConnector(name: string, request?: RestartRequest): Promise<ConnectorStateInfo>;
  restartTask(name: string, task: number): Promise<void>;

  connectors(): string[];
  connectorInfo(name: string): ConnectorInfo;
  connectorConfig(name: string): ConnectorConfig;
  connectorStatus(name: string): ConnectorStateInfo;
  taskStatus(name: string, task: number): TaskStateEntry;
  taskConfigs(name: string): TaskInfo[];
  progress(): TaskProgress[];
}
