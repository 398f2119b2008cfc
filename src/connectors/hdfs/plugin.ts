/** The HDFS sink as a plugin (what the registry loads at start-up: no Avro or Parquet library). */
import type { ConnectorPlugin } from '../api/index.js';
import { hdfsSinkConfigDef } from './config.js';
import { HdfsSinkConnector } from './hdfs-sink-connector.js';
import { HDFS_CONNECTOR_VERSION } from './version.js';

export const HDFS3_CONNECTOR_CLASS = 'io.confluent.connect.hdfs3.Hdfs3SinkConnector';

export const hdfsSinkPlugin: ConnectorPlugin = {
  type: 'sink',
  className: HdfsSinkConnector.className,
  aliases: ['HdfsSink', 'hdfs-sink', HDFS3_CONNECTOR_CLASS, 'Hdfs3SinkConnector', 'Hdfs3Sink'],
  version: HDFS_CONNECTOR_VERSION,
  create: () => new HdfsSinkConnector(),
  configDef: hdfsSinkConfigDef,
};
