/** The datagen connector as a plugin. */
import type { ConnectorPlugin } from '../api/index.js';
import { datagenConfigDef } from './config.js';
import { DatagenConnector } from './datagen-connector.js';
import { DATAGEN_VERSION } from './version.js';

export { DatagenConnector } from './datagen-connector.js';
export { DatagenTask, taskShare, TASK_FIELD, SEQ_FIELD } from './datagen-task.js';
export { QUICKSTARTS, ORDERS, USERS, type Quickstart } from './quickstarts.js';
export { TokenBucket } from './token-bucket.js';
export * from './config.js';

export const datagenPlugin: ConnectorPlugin = {
  type: 'source',
  className: DatagenConnector.className,
  aliases: ['datagen', 'Datagen'],
  version: DATAGEN_VERSION,
  create: () => new DatagenConnector(),
  configDef: datagenConfigDef,
};
