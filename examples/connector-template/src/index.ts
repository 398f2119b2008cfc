/**
 * The plugin module: `sluice run --plugin sluice-connector-template pipeline.json` imports it and registers its
 * default export, an array of plugins; a connector config then names one by `className` or an alias, exactly
 * where a Kafka Connect config names a connector class.
 */
import type { ConnectorPlugin } from 'sluice/plugin';
import { CounterSourceConnector, counterSourceConfigDef } from './counter-source.js';
import { LinesSinkConnector, linesSinkConfigDef } from './lines-sink.js';
import { VERSION } from './version.js';

export const counterSource: ConnectorPlugin = {
  type: 'source',
  className: 'com.example.sluice.CounterSourceConnector',
  aliases: ['CounterSource', 'counter-source'],
  version: VERSION,
  create: () => new CounterSourceConnector(),
  configDef: counterSourceConfigDef,
};

export const linesSink: ConnectorPlugin = {
  type: 'sink',
  className: 'com.example.sluice.LinesSinkConnector',
  aliases: ['LinesSink', 'lines-sink'],
  version: VERSION,
  create: () => new LinesSinkConnector(),
  configDef: linesSinkConfigDef,
};

export default [counterSource, linesSink];

export * from './counter-source.js';
export * from './lines-sink.js';
