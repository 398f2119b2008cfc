import type { ConfigDef } from './config-def.js';
import type { SinkConnector, SourceConnector } from './connector.js';

export type PluginType = 'source' | 'sink' | 'converter' | 'header_converter' | 'transformation' | 'predicate';

/**
 * How a connector plugin presents itself to the registry: its Java-compatible class name, short aliases,
 * and a factory. A third-party plugin exports one of these.
 */
export interface ConnectorPlugin {
  readonly type: 'source' | 'sink';
  /** e.g. `org.apache.kafka.connect.file.FileStreamSourceConnector`. */
  readonly className: string;
  /** Short names that also resolve to it, e.g. `FileStreamSource`, `file-source`. */
  readonly aliases: readonly string[];
  readonly version: string;
  create(): SourceConnector | SinkConnector;
  /** The connector's own keys, for docs and `GET /connector-plugins/{p}/config`. */
  configDef(): ConfigDef;
}
