/**
 * What the herder needs from the data path: an offset store and a way to start a task's pipeline. The default
 * (default-runtime.ts) builds it from the worker config; tests of the herder's own logic may pass another.
 */
import type { ConnectorConfig, SinkTask, SourceTask } from '../connectors/api/index.js';
import type { OffsetStore, TaskId, TaskRun } from '../streams/contracts.js';
import type { KafkaAdmin } from '../streams/kafka/client.js';

interface TaskStartCommon {
  readonly id: TaskId;
  readonly connectorConfig: ConnectorConfig;
  readonly taskConfig: ConnectorConfig;
  /** Called the first time the task produces to (source) or consumes from (sink) a topic (KIP-558 topic tracking). */
  readonly onTopic?: (topic: string) => void;
}

export type TaskStartSpec =
  | (TaskStartCommon & { readonly type: 'source'; readonly task: SourceTask })
  | (TaskStartCommon & { readonly type: 'sink'; readonly task: SinkTask });

export interface WorkerRuntime {
  readonly offsets: OffsetStore;
  start(): Promise<void>;
  /** Builds the task's pipeline (converters, transforms, offsets, transport) and starts it; throws if it cannot. */
  startTask(spec: TaskStartSpec): TaskRun | Promise<TaskRun>;
  /**
   * An admin client of the transport (unconnected; the caller connects and disconnects it): sink connector
   * offsets (consumer group `connect-<name>`) and the cluster id. Absent in runtimes without a transport.
   */
  admin?(): KafkaAdmin;
  /**
   * The offsets a source connector's tasks read and the REST offsets API shows, when they are not the worker's
   * store: an exactly-once connector with its own `offsets.storage.topic` (that topic first, then the worker's).
   */
  offsetsFor?(connectorConfig: ConnectorConfig): Promise<OffsetStore>;
  /** The in-process transport's records produced and not yet acknowledged by every sink reading them (Transport). */
  unacknowledged?(): number | null;
  /** After every task stopped: closes the transport and the offset store. */
  close(): Promise<void>;
}
