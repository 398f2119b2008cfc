export * from './status.js';
export * from './restart-policy.js';
export * from './log.js';
export * from './task-machine.js';
export * from './connector-machine.js';
export * from './worker-machine.js';
