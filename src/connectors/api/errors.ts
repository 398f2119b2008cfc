/**
 * Errors a plugin may throw. `RetriableException` from a sink's `put` makes the runtime redeliver the same batch
 * later; from a source's `poll` the runtime polls again. Any other error fails the task.
 */
export class ConnectException extends Error {
  override readonly name: string = 'ConnectException';
}

export class RetriableException extends ConnectException {
  override readonly name: string = 'RetriableException';
}
