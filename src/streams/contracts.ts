/**
 * The contracts between the stream pipelines (this folder), the actors that supervise them (src/actors)
 * and the worker. Implementations live beside this file; nothing here depends on a Kafka client library.
 */
import type { ConnectRecord, OffsetMap, SinkRecord, SourceRecord } from '../data/index.js';
import type { Converter, HeaderConverter } from '../converters/converter.js';
import type { ConnectorConfig, SinkTask, SourceTask } from '../connectors/api/index.js';
import type { PartitionLag } from './util/consumer-lag.js';
import type { TaskTracer } from '../tracing/index.js';
import type { ProducerRecord } from './kafka/client.js';

/** Identifies a task everywhere: logs, errors, metrics, status. */
export interface TaskId {
  readonly connector: string;
  readonly task: number;
}

/** The transforms hook: a record in, a record (possibly changed) or null (filtered) out. */
export type RecordTransform<R extends ConnectRecord> = (record: R) => R | null;

/** A record as the bytes that go to (source) or came from (sink) Kafka, for a tap. */
export interface TappedBytes {
  readonly topic: string;
  /** Null: the producer picks the partition. */
  readonly partition: number | null;
  /** Sink records only. */
  readonly offset?: number;
  readonly timestamp: number | null;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: ReadonlyArray<{ readonly key: string; readonly value: Uint8Array | null }>;
}

/** Where a pipeline shows its records' bytes; the pipeline calls `emit` only while `active` (nobody taps: one check). */
export interface BytesTap {
  readonly active: boolean;
  emit(record: TappedBytes): void;
}

/** Counters a running task exposes (cheap to read at any time). */
export interface TaskMetrics {
  recordsPolled: number; // source: from poll; sink: consumed from Kafka
  recordsWritten: number; // source: acked by Kafka; sink: put to the task
  recordsFiltered: number;
  batches: number;
  offsetCommits: number;
  offsetCommitFailures: number;
  lastOffsetCommitMs: number | null;
  inFlightBatches: number;
  // Optional, for /metrics (Kafka Connect's task metrics); absent means 0.
  /** Source: records handed to the producer (sent, not necessarily acknowledged yet). */
  recordsSent?: number;
  /** Largest batch polled (source) or consumed (sink). */
  batchSizeMax?: number;
  /** Source: time spent in `poll()` (summed, ms) and the longest poll. */
  pollTimeMs?: number;
  pollTimeMaxMs?: number;
  /** Sink: `put()` calls that returned, time spent in them (summed, ms) and the longest. */
  putBatches?: number;
  putTimeMs?: number;
  putTimeMaxMs?: number;
  /** Time spent in successful offset commits (summed, ms) and the longest. */
  offsetCommitTimeMs?: number;
  offsetCommitMaxTimeMs?: number;
  /** Records that hit an error in a stage (converter, transform, …), skipped under errors.tolerance=all. */
  recordErrors?: number;
  recordsSkipped?: number;
  /** Time spent waiting because of `sluice.rate.limit.*` (summed, ms). */
  throttleTimeMs?: number;
  /** Records written to the dead letter queue, and failed DLQ writes (filled once error tolerance lands). */
  deadLetterQueueProduceRequests?: number;
  deadLetterQueueProduceFailures?: number;
  /** Sink: the consumer's lag per assigned partition (Kafka's records-lag). */
  consumerLag?: readonly PartitionLag[];
  /**
   * Exactly-once source: committed and aborted producer transactions, and the size (records) of the committed
   * ones — Kafka's transaction-size-min/max/avg (avg = transactionRecords / transactionsCommitted).
   */
  transactionsCommitted?: number;
  transactionsAborted?: number;
  transactionRecords?: number;
  transactionSizeMin?: number;
  transactionSizeMax?: number;
}

/**
 * A running task pipeline. `done` settles when the pipeline ends: resolves after a clean `stop()`,
 * rejects with a `TaskFailure` when the task or a stage fails (the actor moves the task to FAILED).
 */
export interface TaskRun {
  readonly id: TaskId;
  readonly done: Promise<void>;
  pause(): void;
  resume(): void;
  /** Graceful stop: no more polls, wait (bounded) for acks, final offset commit, task.stop(). */
  stop(timeoutMs: number): Promise<void>;
  metrics(): TaskMetrics;
  /**
   * A bounded source task said it will produce nothing more (SourceTask.isFinished), for runs whose task instance
   * lives elsewhere (a task thread). Absent: the worker asks the instance it created.
   */
  finished?(): boolean;
}

/** Durable source offsets, per connector and source partition (Kafka Connect's offset backing store). */
export interface OffsetStore {
  start(): Promise<void>;
  get(connector: string, partitions: readonly OffsetMap[]): Promise<Map<OffsetMap, OffsetMap | null>>;
  /** Persist these offsets; resolves once they are durable. A null offset removes the partition. */
  set(connector: string, entries: ReadonlyArray<readonly [OffsetMap, OffsetMap | null]>): Promise<void>;
  /** Every stored partition → offset of a connector (for the REST offsets endpoint). */
  all(connector: string): Promise<Array<[OffsetMap, OffsetMap]>>;
  stop(): Promise<void>;
}

export interface PipelineOptions {
  /** Bounded in-flight batches between poll and ack (the memory bound). */
  maxInFlightBatches: number;
  offsetFlushIntervalMs: number;
  offsetFlushTimeoutMs: number;
}

export interface Converters {
  key: Converter;
  value: Converter;
  header: HeaderConverter;
}

/** Kafka Connect's `transaction.boundary`. */
export type TransactionBoundary = 'poll' | 'interval' | 'connector';

/**
 * A source task run exactly-once (KIP-618): its records and its source offsets go to Kafka in one producer
 * transaction per boundary, from a producer with this transactional id (which fences its predecessors).
 */
export interface ExactlyOnceSource {
  readonly transactionalId: string;
  readonly boundary: TransactionBoundary;
  /** `transaction.boundary.interval.ms`, else the worker's `offset.flush.interval.ms`. */
  readonly intervalMs: number;
  /** `transaction.timeout.ms` of the producer (default 60 000). */
  readonly transactionTimeoutMs?: number;
  /** The offsets-topic records that store these offsets: sent inside the transaction. */
  offsetRecords(connector: string, entries: ReadonlyArray<readonly [OffsetMap, OffsetMap | null]>): ProducerRecord[];
  /** Called once a transaction with these offsets committed (a standalone worker mirrors them to its file). */
  committed?(connector: string, entries: ReadonlyArray<readonly [OffsetMap, OffsetMap | null]>): Promise<void>;
}

export interface SourceTaskInput {
  id: TaskId;
  task: SourceTask;
  config: ConnectorConfig;
  converters: Converters;
  transform: RecordTransform<SourceRecord>;
  offsets: OffsetStore;
  options: PipelineOptions;
  /** Called the first time a record of this task is acknowledged on a topic (KIP-558 topic tracking). */
  onTopic?: (topic: string) => void;
  /** Shown each converted record's bytes while active. */
  bytesTap?: BytesTap;
  /** Present when the task is traced (`sluice.tracing.enabled`): spans per batch stage, `traceparent` headers. */
  tracer?: TaskTracer;
  /** Present when the worker runs the task exactly-once (`exactly.once.source.support=enabled`, Kafka transport). */
  exactlyOnce?: ExactlyOnceSource;
}

export interface SinkTaskInput {
  id: TaskId;
  task: SinkTask;
  config: ConnectorConfig;
  converters: Converters;
  transform: RecordTransform<SinkRecord>;
  options: PipelineOptions;
  /** Called the first time this task consumes from a topic (KIP-558 topic tracking). */
  onTopic?: (topic: string) => void;
  /** Shown each consumed record's bytes while active, before they are converted. */
  bytesTap?: BytesTap;
  /** Present when the task is traced: spans per batch stage, linked to the `traceparent` of the records. */
  tracer?: TaskTracer;
}

/** Why a task failed: the error plus where (stage, and the record's coordinates when one was involved). */
export class TaskFailure extends Error {
  override readonly name = 'TaskFailure';
  constructor(
    readonly id: TaskId,
    readonly stage: FailureStage,
    cause: unknown,
    readonly coordinates?: { topic?: string; partition?: number; offset?: number | string; sourcePartition?: OffsetMap },
  ) {
    super(
      `task ${id.connector}-${id.task} failed in ${stage}` +
        (coordinates ? ` at ${JSON.stringify(coordinates, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}` : '') +
        `: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

/** Kafka Connect's error-reporting stages (the `__connect.errors.stage` header values). */
export type FailureStage =
  | 'TASK_START'
  | 'TASK_POLL'
  | 'TASK_PUT'
  | 'TASK_COMMIT'
  | 'TRANSFORMATION'
  | 'KEY_CONVERTER'
  | 'VALUE_CONVERTER'
  | 'HEADER_CONVERTER'
  | 'KAFKA_PRODUCE'
  | 'KAFKA_CONSUME';
