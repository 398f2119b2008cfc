/**
 * The seam for error tolerance (`errors.tolerance`, retries, dead letter queue): every per-record failure in a
 * pipeline stage goes through a RecordErrorHandler, which decides to fail the task or skip the record. Today's
 * only policy is Kafka Connect's default, tolerance `none`: fail. A skipped record counts as handled (a source
 * record is then acknowledged with null metadata; a sink record's offset is committed past it).
 */
import type { SinkRecord, SourceRecord } from '../../data/index.js';
import type { FailureStage, TaskId } from '../contracts.js';
import type { ConsumedMessage } from '../kafka/client.js';

export interface RecordErrorContext {
  readonly id: TaskId;
  readonly stage: FailureStage;
  readonly error: unknown;
  /** Source side: the record as polled. */
  readonly sourceRecord?: SourceRecord;
  /** Sink side: the consumed bytes and where they came from. */
  readonly consumed?: { readonly topic: string; readonly partition: number; readonly message: ConsumedMessage };
  readonly sinkRecord?: SinkRecord;
}

export type ErrorDecision = 'fail' | 'skip';

export interface RecordErrorHandler {
  handle(context: RecordErrorContext): ErrorDecision | Promise<ErrorDecision>;
}

/** errors.tolerance=none */
export const failOnError: RecordErrorHandler = Object.freeze({ handle: () => 'fail' as const });
