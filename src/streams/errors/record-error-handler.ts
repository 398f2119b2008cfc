/**
 * The seam for error tolerance (`errors.tolerance`, retries, dead letter queue): every per-record failure in a
 * pipeline stage goes through a RecordErrorHandler, which decides to fail the task or skip the record (after
 * logging it and/or writing it to the dead letter queue). A skipped record counts as handled (a source record
 * is then acknowledged with null metadata; a sink record's offset is committed past it).
 *
 * `failOnError` is Kafka Connect's default, tolerance `none` with no retries, log or DLQ;
 * `createErrorHandler` (error-handler.ts) builds the handler an `errors.*` config asks for.
 */
import type { SinkRecord, SourceRecord } from '../../data/index.js';
import type { ErrantRecordReporter } from '../../connectors/api/index.js';
import type { FailureStage, TaskId, TaskMetrics } from '../contracts.js';
import type { ConsumedMessage, ProducerRecord } from '../kafka/client.js';
import type { RetryPolicy } from './retry-with-tolerance.js';

/** A consumed record and where it came from. */
export interface ConsumedRef {
  readonly topic: string;
  readonly partition: number;
  readonly message: ConsumedMessage;
}

export interface RecordErrorContext {
  readonly id: TaskId;
  readonly stage: FailureStage;
  readonly error: unknown;
  /** Source side: the record as polled (before transforms). */
  readonly sourceRecord?: SourceRecord;
  /** Source side, stage KAFKA_PRODUCE: the converted record the producer could not send. */
  readonly produced?: ProducerRecord;
  /** Sink side: the consumed bytes and where they came from. */
  readonly consumed?: ConsumedRef;
  readonly sinkRecord?: SinkRecord;
  /** The class that was executing (Java-style name); derived from the stage when absent. */
  readonly executingClass?: string;
}

export type ErrorDecision = 'fail' | 'skip';

export interface RecordErrorHandler {
  handle(context: RecordErrorContext): ErrorDecision | Promise<ErrorDecision>;
  /**
   * Retries of per-record operations that throw a RetriableException (errors.retry.timeout ≠ 0). Absent: no
   * retries (a sink's `put` then keeps Kafka Connect's redeliver-forever behaviour).
   */
  readonly retry?: RetryPolicy;
  /** Called at task start, before the task starts (connects the DLQ producer, creates its topic). */
  start?(): Promise<void>;
  /**
   * Resolves once every record reported so far is durable (DLQ writes acknowledged); rejects when one could not
   * be written. Awaited before offsets are committed past reported records.
   */
  flush?(): Promise<void>;
  /** Called at task stop, after the task stopped. */
  close?(timeoutMs: number): Promise<void>;
  /** Counters to add to the task's metrics (DLQ requests/failures, errors reported by the task itself). */
  metrics?(): Partial<TaskMetrics>;
  /**
   * The sink task's ErrantRecordReporter, or null (Kafka: only when a DLQ is set or errors.log.enable=true).
   * `lookup` finds the consumed bytes of a record the pipeline delivered.
   */
  errantRecordReporter?(lookup: (record: SinkRecord) => ConsumedRef | undefined): ErrantRecordReporter | null;
}

/** errors.tolerance=none */
export const failOnError: RecordErrorHandler = Object.freeze({ handle: () => 'fail' as const });

/** The task metrics with the handler's counters added. */
export function withErrorMetrics<M extends TaskMetrics>(metrics: M, handler: RecordErrorHandler): M {
  const extra = handler.metrics?.();
  if (!extra) return metrics;
  const out = { ...metrics } as M & Record<string, unknown>;
  for (const [k, v] of Object.entries(extra)) {
    if (typeof v !== 'number') continue;
    const prev = out[k];
    (out as Record<string, unknown>)[k] = (typeof prev === 'number' ? prev : 0) + v;
  }
  return out;
}
