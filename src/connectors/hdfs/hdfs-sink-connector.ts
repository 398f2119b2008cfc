/** Confluent's HdfsSinkConnector (and Hdfs3SinkConnector): every task gets the same config; Kafka assigns partitions. */
import { SinkConnector, type ConfigDef, type ConfigValue, type ConnectorConfig, type SinkTaskClass } from '../api/index.js';
import { hdfsSinkConfigDef, parseHdfsSinkConfig, validateHdfsSinkConfig } from './config.js';
import { HdfsSinkTask } from './hdfs-sink-task.js';
import { HDFS_CONNECTOR_VERSION } from './version.js';

export class HdfsSinkConnector extends SinkConnector {
  static readonly className = 'io.confluent.connect.hdfs.HdfsSinkConnector';
  #config: ConnectorConfig = {};

  version(): string {
    return HDFS_CONNECTOR_VERSION;
  }

  start(config: ConnectorConfig): void {
    parseHdfsSinkConfig(config);
    this.#config = { ...config };
  }

  taskClass(): SinkTaskClass {
    return HdfsSinkTask;
  }

  taskConfigs(maxTasks: number): ConnectorConfig[] {
    return Array.from({ length: Math.max(1, maxTasks) }, () => ({ ...this.#config }));
  }

  stop(): void {}

  config(): ConfigDef {
    return hdfsSinkConfigDef();
  }

  override validate(config: ConnectorConfig): Map<string, ConfigValue> {
    return validateHdfsSinkConfig(config);
  }

  /**
   * Consumer offsets are advisory: on open, recovery seeks to the last committed file. Altering them is
   * harmless but does not move where the sink resumes, unless the files are moved too.
   */
  override alterOffsets(): boolean {
    return true;
  }
}
