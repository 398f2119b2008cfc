/** The connector plugins that ship with Sluice. Other built-in connectors (jdbc, hdfs, …) are added here. */
import type { ConnectorPlugin } from './api/index.js';
import { datagenPlugin } from './datagen/index.js';
import { fileStreamSinkPlugin, fileStreamSourcePlugin } from './file/index.js';
import { hdfsSinkPlugin } from './hdfs/plugin.js';
import { jdbcSinkPlugin, jdbcSourcePlugin } from './jdbc/index.js';

export const BUILTIN_CONNECTOR_PLUGINS: readonly ConnectorPlugin[] = [
  fileStreamSourcePlugin,
  fileStreamSinkPlugin,
  datagenPlugin,
  hdfsSinkPlugin,
  jdbcSourcePlugin,
  jdbcSinkPlugin,
];
