/**
 * What the herder needs from the data path: an offset store and a way to start a task's pipeline. The default
 * (default-runtime.ts) builds it from the worker config; tests of the herder's own logic may pass another.
 */
import type { ConnectorConfig, SinkTask, SourceTask } from '../connectors/api/index.js';
import type { OffsetStore, TaskId, TaskRun } from '../streams/contracts.js';

export type TaskStartSpec =
  | { readonly type: 'source'; readonly id: TaskId; readonly task: SourceTask; readonly connectorConfig: ConnectorConfig; readonly taskConfig: ConnectorConfig }
  | { readonly type: 'sink'; readonly id: TaskId; readonly task: SinkTask; readonly connectorConfig: ConnectorConfig; readonly taskConfig: ConnectorConfig };

export interface WorkerRuntime {
  readonly offsets: OffsetStore;
  start(): Promise<void>;
  /** Builds the task's pipeline (converters, transforms, offsets, transport) and starts it; throws if it cannot. */
  startTask(spec: TaskStartSpec): TaskRun | Promise<TaskRun>;
  /** After every task stopped: closes the transport and the offset store. */
  close(): Promise<void>;
}
