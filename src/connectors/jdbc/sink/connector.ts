/**
 * `io.confluent.connect.jdbc.JdbcSinkConnector`: every task gets the same config; Kafka's consumer group spreads the
 * topic partitions over them.
 */
import { SinkConnector, type ConfigDef, type ConfigValue, type ConnectorConfig, type SinkTaskClass } from '../../api/index.js';
import { parseOrThrow, sinkConfigDef, sinkCrossKeyProblems } from '../config.js';
import { connectionSettings, urlProblems } from '../connection.js';
import { JDBC_VERSION } from '../version.js';
import { JdbcSinkTask } from './task.js';

export class JdbcSinkConnector extends SinkConnector {
  static readonly className = 'io.confluent.connect.jdbc.JdbcSinkConnector';
  #props: Record<string, string> = {};

  version(): string {
    return JDBC_VERSION;
  }

  config(): ConfigDef {
    return sinkConfigDef();
  }

  override validate(config: ConnectorConfig): Map<string, ConfigValue> {
    const values = this.config().validate(config);
    for (const [key, message] of sinkCrossKeyProblems(config)) values.get(key)?.errorMessages.push(message);
    urlProblems(values, () => connectionSettings(this.config().parse(config), config, this.config()));
    return values;
  }

  start(config: ConnectorConfig): void {
    const values = parseOrThrow(this.config(), config, sinkCrossKeyProblems(config));
    connectionSettings(values, config, this.config());
    this.#props = { ...config };
  }

  taskClass(): SinkTaskClass {
    return JdbcSinkTask;
  }

  taskConfigs(maxTasks: number): ConnectorConfig[] {
    return Array.from({ length: Math.max(1, maxTasks) }, () => ({ ...this.#props }));
  }

  stop(): void {}
}
