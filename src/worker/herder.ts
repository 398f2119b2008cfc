/**
 * The herder interface: what the REST API and the CLI call, whatever the mode. The standalone herder
 * (standalone-herder.ts) runs everything in this process; the distributed herder (src/cluster/distributed-herder.ts)
 * implements the same interface over the cluster. Both extend AbstractHerder and drive a Worker.
 * Shapes are Kafka Connect's REST bodies (snake_case keys included).
 */
import type { ConnectorConfig } from '../connectors/api/index.js';
import type { ConnectorState, TaskState, RestartStatus, TargetState } from '../actors/index.js';
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

/** KIP-875 ConnectorOffset. Source: the connector's partition/offset maps; sink: `{kafka_topic, kafka_partition}` → `{kafka_offset}`. */
export interface ConnectorOffset {
  readonly partition: Readonly<Record<string, unknown>>;
  /** null in an alter request: reset this partition. */
  readonly offset: Readonly<Record<string, unknown>> | null;
}

/** `GET /connectors/{c}/offsets`. */
export interface ConnectorOffsets {
  readonly offsets: ConnectorOffset[];
}

/** Worker-level startup counters (Kafka's connect-worker-metrics). */
export interface WorkerCounters {
  readonly connectorStartupAttempts: number;
  readonly connectorStartupSuccesses: number;
  readonly connectorStartupFailures: number;
  readonly taskStartupAttempts: number;
  readonly taskStartupSuccesses: number;
  readonly taskStartupFailures: number;
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

  /** Upsert (`PUT /connectors/{c}/config`): creates, or replaces the config and restarts it in its target state. */
  putConnectorConfig(name: string, config: ConnectorConfig): Promise<{ created: boolean; info: ConnectorInfo }>;
  /** `PATCH /connectors/{c}/config`: the stored config with these keys set (a null value removes the key). */
  patchConnectorConfig(name: string, patch: Readonly<Record<string, string | null>>): Promise<ConnectorInfo>;
  targetState(name: string): TargetState;
  /** KIP-875: source offsets from the offset store, sink offsets of the consumer group `connect-<name>`. */
  connectorOffsets(name: string): Promise<ConnectorOffsets>;
  /** Only when STOPPED (BadRequestError otherwise). Returns Kafka Connect's response message. */
  alterConnectorOffsets(name: string, offsets: readonly ConnectorOffset[]): Promise<string>;
  /**
   * Kafka's internal `PUT /connectors/{name}/fence`: fence the transactional producers of the connector's earlier
   * task generation. Only distributed workers have it (a standalone worker has no other generation to fence).
   */
  fenceZombies?(name: string): Promise<void>;
  resetConnectorOffsets(name: string): Promise<string>;
  /** KIP-558: the topics the connector's tasks produced to / consumed from since creation or the last reset. */
  connectorActiveTopics(name: string): string[];
  resetConnectorActiveTopics(name: string): void;
  /** The Kafka cluster id (null with the in-process transport). */
  kafkaClusterId(): Promise<string | null>;
  workerCounters(): WorkerCounters;
}
