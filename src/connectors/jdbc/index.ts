/** The JDBC source and sink connectors (Confluent's kafka-connect-jdbc, for PostgreSQL and MySQL/MariaDB). */
import type { ConnectorPlugin } from '../api/index.js';
import { sinkConfigDef, sourceConfigDef } from './config.js';
import { JdbcSinkConnector } from './sink/connector.js';
import { JdbcSourceConnector } from './source/connector.js';
import { JDBC_VERSION } from './version.js';

export { JdbcSourceConnector } from './source/connector.js';
export { JdbcSourceTask } from './source/task.js';
export { JdbcSinkConnector } from './sink/connector.js';
export { JdbcSinkTask } from './sink/task.js';
export * from './config.js';
export { JDBC_VERSION } from './version.js';

export const jdbcSourcePlugin: ConnectorPlugin = {
  type: 'source',
  className: JdbcSourceConnector.className,
  aliases: ['JdbcSource', 'jdbc-source'],
  version: JDBC_VERSION,
  create: () => new JdbcSourceConnector(),
  configDef: sourceConfigDef,
};

export const jdbcSinkPlugin: ConnectorPlugin = {
  type: 'sink',
  className: JdbcSinkConnector.className,
  aliases: ['JdbcSink', 'jdbc-sink'],
  version: JDBC_VERSION,
  create: () => new JdbcSinkConnector(),
  configDef: sinkConfigDef,
};
