/** The FileStream connectors as plugins. */
import type { ConnectorPlugin } from '../api/index.js';
import { FileStreamSourceConnector } from './file-stream-source.js';
import { FileStreamSinkConnector, fileStreamSinkConfigDef } from './file-stream-sink.js';
import { fileStreamSourceConfigDef } from './file-source-config.js';
import { FILE_CONNECTORS_VERSION } from './version.js';

export { FileStreamSourceConnector } from './file-stream-source.js';
export { FileStreamSourceTask } from './file-stream-source-task.js';
export { FileStreamSinkConnector } from './file-stream-sink.js';
export { FileStreamSinkTask } from './file-stream-sink-task.js';
export * from './file-source-config.js';
export { valueToText } from './value-text.js';

export const fileStreamSourcePlugin: ConnectorPlugin = {
  type: 'source',
  className: FileStreamSourceConnector.className,
  aliases: ['FileStreamSource', 'file-source'],
  version: FILE_CONNECTORS_VERSION,
  create: () => new FileStreamSourceConnector(),
  configDef: fileStreamSourceConfigDef,
};

export const fileStreamSinkPlugin: ConnectorPlugin = {
  type: 'sink',
  className: FileStreamSinkConnector.className,
  aliases: ['FileStreamSink', 'file-sink'],
  version: FILE_CONNECTORS_VERSION,
  create: () => new FileStreamSinkConnector(),
  configDef: fileStreamSinkConfigDef,
};
