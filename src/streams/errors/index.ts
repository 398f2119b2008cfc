/** Error tolerance, retries and the dead letter queue of the stream pipelines (Kafka Connect's `errors.*`). */
export {
  failOnError,
  withErrorMetrics,
  type ConsumedRef,
  type ErrorDecision,
  type RecordErrorContext,
  type RecordErrorHandler,
} from './record-error-handler.js';
export {
  RETRY_DELAY_MIN_MS,
  isRetriable,
  retryAfterFailure,
  retryDeadline,
  retryDelayMs,
  type RetryOptions,
  type RetryOutcome,
  type RetryPolicy,
  RetryWithToleranceOperator,
  type BatchOutcome,
  type FailedRecord,
  type StageCursor,
  type RetryWithToleranceOptions,
} from './retry-with-tolerance.js';
export * from './context-headers.js';
export * from './error-handling-config.js';
export { DeadLetterQueue, DeadLetterQueueException, type DeadLetterQueueOptions } from './dead-letter-queue.js';
export {
  ToleranceErrorHandler,
  coordinatesOf,
  createErrorHandler,
  pluginClassName,
  toleratedUnderAll,
  type ErrorHandlerEnv,
  type ErrorHandlerInput,
  type ToleranceHandlerOptions,
} from './error-handler.js';
