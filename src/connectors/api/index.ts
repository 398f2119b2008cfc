export * from './config-def.js';
export * from './connector.js';
export * from './source.js';
export * from './sink.js';
export * from './topic-partition.js';
export * from './errors.js';
export * from './plugin.js';
export { sleep, withTimeout, settlesWithin, TimeoutError, SerialQueue } from '../../async/index.js';
export * from './extension-plugins.js';
