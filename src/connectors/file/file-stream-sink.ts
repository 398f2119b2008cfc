/** Kafka Connect's FileStreamSinkConnector: each record's value as one line of a file (or stdout). One task. */
import { ConfigDef, SinkConnector, type ConnectorConfig, type SinkTaskClass } from '../api/index.js';
import { FileStreamSinkTask } from './file-stream-sink-task.js';
import { FILE_CONNECTORS_VERSION } from './version.js';

export const SINK_FILE_CONFIG = 'file';

export function fileStreamSinkConfigDef(): ConfigDef {
  return new ConfigDef().define({
    name: SINK_FILE_CONFIG, type: 'STRING', defaultValue: null, importance: 'HIGH',
    documentation: 'Destination filename. If not specified, the standard output will be used',
  });
}

export class FileStreamSinkConnector extends SinkConnector {
  static readonly className = 'org.apache.kafka.connect.file.FileStreamSinkConnector';
  #config: ConnectorConfig = {};

  version(): string {
    return FILE_CONNECTORS_VERSION;
  }

  start(config: ConnectorConfig): void {
    fileStreamSinkConfigDef().parse(config);
    this.#config = config;
  }

  taskClass(): SinkTaskClass {
    return FileStreamSinkTask;
  }

  /** As Kafka's: `tasks.max` tasks with the connector's config, each appending whole batches of lines to the file. */
  taskConfigs(maxTasks: number): ConnectorConfig[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.#config }));
  }

  stop(): void {}

  config(): ConfigDef {
    return fileStreamSinkConfigDef();
  }

  /** Any sink offsets are fine: the file is append-only. */
  override alterOffsets(): boolean {
    return true;
  }
}
