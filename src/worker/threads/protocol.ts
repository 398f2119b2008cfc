/** What the main thread and a task thread tell each other, beyond the client and offset calls. */
import type { ConnectorConfig } from '../../connectors/api/index.js';
import type { PipelineOptions, TaskId, TaskMetrics } from '../../streams/contracts.js';
import type { WireError } from './rpc.js';
import type { ADMIN_METHODS } from './kafka-client-rpc.js';

/** What every task thread is started with (its workerData). */
export interface ThreadSetup {
  readonly workerConfig: Readonly<Record<string, string>>;
  readonly options: PipelineOptions;
  /** Null: the in-process broker, on the main thread. */
  readonly bootstrapServers: readonly string[] | null;
  /** The plugin modules to load next to the built-ins. */
  readonly pluginModules: readonly string[];
  /** In-process: the admin methods the main thread's admin has. */
  readonly adminMethods?: ReadonlyArray<(typeof ADMIN_METHODS)[number]>;
}

export interface TaskStartMessage {
  readonly key: string;
  readonly id: TaskId;
  readonly type: 'source' | 'sink';
  /** Resolved (placeholders replaced) on the main thread. */
  readonly connectorConfig: ConnectorConfig;
  readonly taskConfig: ConnectorConfig;
}

/** A task thread's periodic report of its tasks (and at each task's end). */
export interface TaskReport {
  readonly key: string;
  readonly metrics: TaskMetrics;
  /** A source task that said it will produce nothing more (SourceTask.isFinished). */
  readonly finished: boolean;
}

export interface TaskEnd {
  readonly key: string;
  /** Absent: a clean stop. */
  readonly error?: WireError;
}

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly fields: object;
  readonly message: string;
}

export const taskKey = (id: TaskId): string => `${id.connector}\u0000${id.task}`;
