/**
 * The async toolkit: the one copy of the small helpers every floor needs (sleep with an abort signal, timeouts,
 * a serial queue). Imports nothing; plugin authors get it through the plugin API (`connectors/api`).
 */
export { sleep } from './sleep.js';
export { TimeoutError, withTimeout, settlesWithin } from './timeout.js';
export { SerialQueue } from './serial-queue.js';
export { markVirtualTime, virtualTimeInstalled } from './virtual-time.js';
