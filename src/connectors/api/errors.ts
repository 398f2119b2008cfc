/**
 * Errors a plugin may throw. `RetriableException` from a sink's `put` makes the runtime redeliver the same batch
 * later; from a source's `poll` the runtime polls again. Any other error fails the task. Both live in the data
 * model so converters (which import only `src/data`) throw the same classes.
 */
export { ConnectException, RetriableException } from '../../data/errors.js';
