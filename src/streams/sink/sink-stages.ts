/**
 * The sink path as RxJS operators, in the order a record meets them:
 *
 *   consume(ctx) → convert(ctx) → transform(ctx) → put(ctx) → commit(ctx)
 *
 * Demand comes from below: the consumer hands a batch to `ConsumedBatches.offer` and does not fetch more for
 * that partition until the batch has gone all the way down — put, position advanced, commit if due — so at
 * most one batch per task is anywhere in the path and memory is bounded by the consumer's batch size.
 *
 * No operator errors the Observable: a stage that fails calls `ctx.fail()` and settles its batch (the consumer
 * moves on; the task is stopping). Within a stage, records go through the stage runner
 * (RetryWithToleranceOperator), synchronously unless one throws.
 */
import { type Observable, Subject, type OperatorFunction } from 'rxjs';
import { Headers, SinkRecord } from '../../data/index.js';
import { RetriableException, topicPartition, tpKey } from '../../connectors/api/index.js';
import type { TopicPartition } from '../../connectors/api/index.js';
import { sleep } from '../../async/index.js';
import type { FailureStage, SinkTaskInput, TaskMetrics } from '../contracts.js';
import { TaskFailure } from '../contracts.js';
import type { ConsumedBatch, ConsumedMessage, StreamLogger } from '../kafka/client.js';
import type { DeliveringBatch } from './delivering-batch.js';
import type { FailedRecord, RetryWithToleranceOperator } from '../errors/retry-with-tolerance.js';
import { afterOutcome, batchStage } from '../util/batch-stage.js';
import { retryDeadline, retryDelayMs } from '../errors/retry-with-tolerance.js';
import { countBatch } from '../task-metrics.js';
import type { SinkOffsets } from './sink-offsets.js';
import type { RateLimits } from '../util/rate-limit.js';
import { type Context, SpanKind } from '@opentelemetry/api';
import {
  ATTR_CONSUMER_GROUP, ATTR_OPERATION_TYPE, topicPartitionAttributes, traced, traceparentLinks, type StageOptions, type StageSpan,
} from '../../tracing/index.js';

/** What the sink operators share: the task, its offsets and the running pipeline's state. */
export interface SinkStageContext {
  readonly input: SinkTaskInput;
  readonly runner: RetryWithToleranceOperator;
  readonly metrics: Required<TaskMetrics>;
  readonly log: StreamLogger;
  readonly offsets: SinkOffsets;
  readonly deliveries: ConsumedBatches;
  /** Aborted at stop: retries and redelivery waits end. */
  readonly signal: AbortSignal;
  /** Wait before redelivering after a RetriableException from put when the task did not call context.timeout. */
  readonly retryBackoffMs: number;
  /** The consumed bytes of the batch being put, for the errant record reporter and the DLQ. */
  readonly delivering: DeliveringBatch;
  stopping(): boolean;
  fail(failure: TaskFailure): void;
  /** context.timeout(ms) from the task, taken once (undefined when it did not call it). */
  takeRetryTimeout(): number | undefined;
  /** A batch of a partition not announced yet (a safety net: both consumers announce assignments first). */
  assignLate(tp: TopicPartition): Promise<void>;
  /** The first time a topic is consumed (KIP-558 topic tracking). */
  noteTopic(topic: string): void;
  /** `sluice.rate.limit.*`, or null. */
  readonly limits: RateLimits | null;
}

/** A consumed batch on its way down; `settle` lets the consumer fetch again (called once, at the end). */
export interface Delivery {
  readonly batch: ConsumedBatch;
  readonly settle: () => void;
  /** When the task is traced: the batch's trace (its consume span), parent of its later stages' spans. */
  readonly trace?: Context | undefined;
}

/** After `convert`: per consumed message, the record the converters read, or null (skipped). */
export interface ConvertedDelivery extends Delivery {
  readonly converted: ReadonlyArray<SinkRecord | null>;
}

/** After `transform`: the records to put (filtered and skipped ones left out). */
export interface TransformedDelivery extends Delivery {
  readonly records: SinkRecord[];
}

// ---------------------------------------------------------------------------------------------- consume

/**
 * The bridge from the consumer's push callbacks to the path: `offer` resolves once the batch was settled at
 * the end of the path (or dropped), which is when the consumer fetches more — the demand signal.
 */
export class ConsumedBatches {
  readonly #subject = new Subject<Delivery>();
  readonly #unsettled = new Set<() => void>();
  #closed = false;

  get batches(): Observable<Delivery> {
    return this.#subject.asObservable();
  }

  offer(batch: ConsumedBatch): Promise<void> {
    if (this.#closed || !this.#subject.observed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const settle = () => {
        this.#unsettled.delete(settle);
        resolve();
      };
      this.#unsettled.add(settle);
      this.#subject.next({ batch, settle });
    });
  }

  /** Settles whatever is still in the path (the consumer is going away) and takes no more. */
  close(): void {
    this.#closed = true;
    for (const settle of [...this.#unsettled]) settle();
    this.#subject.complete();
  }
}

/** Consumed batches, counted and tracked (assignment, first offset, topic) before anything else sees them. */
export function consume(ctx: SinkStageContext): Observable<Delivery> {
  const { tracer } = ctx.input;
  return ctx.deliveries.batches.pipe(
    stage(ctx, (d) => {
      if (ctx.stopping() || d.batch.messages.length === 0) return null;
      return traced(tracer, 'consume', () => consumeSpan(ctx, d), (span) => accept(ctx, span ? { ...d, trace: span.context } : d));
    }),
  );
}

/** Counts and tracks a consumed batch (assignment, first offset, topic), and waits out the rate limit. */
async function accept(ctx: SinkStageContext, d: Delivery): Promise<Delivery | null> {
  const { batch } = d;
  const key = tpKey(batch);
  if (!ctx.offsets.isAssigned(key)) {
    await ctx.assignLate(topicPartition(batch.topic, batch.partition));
    if (ctx.stopping()) return null;
  }
  ctx.offsets.noteFirst(key, batch.messages[0]!.offset);
  countBatch(ctx.metrics, batch.messages.length);
  ctx.noteTopic(batch.topic);
  if (ctx.limits) {
    // The consumer fetches no more of this partition until the batch went down: waiting here is the fetch's limit.
    ctx.limits.taken(batch.messages.length, ctx.limits.limitsBytes ? consumedBytes(batch.messages) : 0);
    ctx.metrics.throttleTimeMs += await ctx.limits.throttle(ctx.signal);
    if (ctx.stopping()) return null;
  }
  return d;
}

// ---------------------------------------------------------------------------------------------- convert

/** Header, key and value converters: consumed bytes become SinkRecords (of the original topic-partition). */
export function convert(ctx: SinkStageContext): OperatorFunction<Delivery, ConvertedDelivery> {
  const { converters, bytesTap: tap } = ctx.input;
  return stage(ctx, (d) => {
    const { topic, partition } = d.batch;
    const read = (m: ConsumedMessage, at: { stage: FailureStage }): SinkRecord => {
      if (tap?.active) tap.emit({ topic, partition, offset: m.offset, timestamp: m.timestamp, key: m.key, value: m.value, headers: m.headers });
      at.stage = 'HEADER_CONVERTER';
      const headers = new Headers();
      for (const h of m.headers) {
        const sv = converters.header.toConnectHeader(topic, h.key, h.value);
        headers.add(h.key, sv.value, sv.schema);
      }
      at.stage = 'KEY_CONVERTER';
      const key = converters.key.toConnectData(topic, m.key, headers);
      at.stage = 'VALUE_CONVERTER';
      const value = converters.value.toConnectData(topic, m.value, headers);
      return new SinkRecord({
        topic,
        kafkaPartition: partition,
        kafkaOffset: m.offset,
        keySchema: key.schema,
        key: key.value,
        valueSchema: value.schema,
        value: value.value,
        timestamp: m.timestamp,
        timestampType: m.timestampType,
        headers,
      });
    };
    return traced(ctx.input.tracer, 'convert', () => batchOptions(d), () =>
      afterOutcome(ctx.runner.execute(d.batch.messages, 'HEADER_CONVERTER', read, failedConsumed(d.batch)), (o) => ({ ...d, converted: o.values })),
    );
  });
}

// ---------------------------------------------------------------------------------------------- transform

/** The transformation chain; a record it filters is counted and not put, its offset still passes. */
export function transform(ctx: SinkStageContext): OperatorFunction<ConvertedDelivery, TransformedDelivery> {
  const { input, metrics } = ctx;
  const apply = (record: SinkRecord): SinkRecord | null => {
    const t = input.transform(record);
    if (t === null) metrics.recordsFiltered++;
    return t;
  };
  return stage(ctx, (d) =>
    traced(ctx.input.tracer, 'transform', () => batchOptions(d), () =>
      afterOutcome(ctx.runner.execute(d.converted, 'TRANSFORMATION', apply, failedConsumed(d.batch)), (o) => ({
        batch: d.batch,
        settle: d.settle,
        trace: d.trace,
        records: o.values.filter((r): r is SinkRecord => r !== null),
      })),
    ),
  );
}

// ---------------------------------------------------------------------------------------------- put

/**
 * task.put, redelivering the same batch after RetriableExceptions (after `context.timeout(ms)`, or a backoff);
 * any other error fails the task. Without errors.retry.timeout (0, the default) redelivery goes on until put
 * succeeds, as in Kafka Connect; with it, retries end at the deadline and the batch then fails the task
 * (tolerance none) or is skipped, each record reported to the log / dead letter queue (tolerance all).
 */
export function put(ctx: SinkStageContext): OperatorFunction<TransformedDelivery, TransformedDelivery> {
  return stage(ctx, async (d) => {
    if (d.records.length === 0) return d;
    const { batch } = d;
    ctx.delivering.set(batch);
    const options = (): StageOptions => ({ parent: d.trace, attributes: { [ATTR_OPERATION_TYPE]: 'process', ...topicPartitionAttributes(batch.topic, batch.partition, d.records.length) } });
    try {
      return (await traced(ctx.input.tracer, 'put', options, (span) => deliver(ctx, d.records, span))) ? d : null;
    } finally {
      ctx.delivering.clear();
    }
  });
}

async function deliver(ctx: SinkStageContext, records: SinkRecord[], span: StageSpan | undefined): Promise<boolean> {
  const { input, metrics, runner } = ctx;
  const policy = runner.retryPolicy;
  const deadline = policy ? retryDeadline(policy, Date.now()) : Infinity;
  for (let attempt = 1; ; attempt++) {
    if (ctx.stopping()) return false;
    try {
      const putStarted = performance.now();
      await input.task.put(records);
      const putMs = performance.now() - putStarted;
      metrics.recordsWritten += records.length;
      metrics.putBatches++;
      metrics.putTimeMs += putMs;
      if (putMs > metrics.putTimeMaxMs) metrics.putTimeMaxMs = putMs;
      return true;
    } catch (e) {
      const first = records[0]!;
      const coordinates = { topic: first.originalTopic, partition: first.originalKafkaPartition, offset: first.originalKafkaOffset };
      if (!(e instanceof RetriableException)) {
        span?.fail(e);
        ctx.fail(new TaskFailure(input.id, 'TASK_PUT', e, coordinates));
        return false;
      }
      const now = Date.now();
      if (policy && now >= deadline) {
        span?.fail(e);
        return putRetriesExhausted(ctx, records, e);
      }
      span?.retrying(e);
      const taskWait = ctx.takeRetryTimeout();
      const wait = Math.min(taskWait ?? (policy ? retryDelayMs(attempt, policy.maxDelayMs) : ctx.retryBackoffMs), deadline - now);
      ctx.log.warn({ task: input.id, err: e, attempt, retryInMs: wait }, 'put failed with a retriable error; redelivering the batch');
      // Offsets of batches before this one may still be committed meanwhile.
      await ctx.offsets.commitIfDue();
      await sleep(wait, ctx.signal);
    }
  }
}

/** errors.retry.timeout passed with put still failing: fail, or report and skip every record of the batch. */
async function putRetriesExhausted(ctx: SinkStageContext, records: SinkRecord[], e: unknown): Promise<boolean> {
  for (const r of records) {
    const consumed = ctx.delivering.find(r.originalTopic, r.originalKafkaPartition, r.originalKafkaOffset);
    const message = consumed?.message ?? { offset: r.originalKafkaOffset, key: null, value: null, headers: [], timestamp: r.timestamp, timestampType: r.timestampType };
    const ref = { consumed: { topic: r.originalTopic, partition: r.originalKafkaPartition, message }, sinkRecord: r };
    if (!(await ctx.runner.tolerate('TASK_PUT', e, ref))) {
      ctx.fail(new TaskFailure(ctx.input.id, 'TASK_PUT', e, { topic: r.originalTopic, partition: r.originalKafkaPartition, offset: message.offset }));
      return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------- commit

/**
 * The batch is delivered: its partition's position moves past it (unless the task asked for a seek), seeks
 * apply, and offsets are committed when due (interval, or requested) — preCommit/flush first (SinkOffsets).
 */
export function commit(ctx: SinkStageContext): OperatorFunction<TransformedDelivery, Delivery> {
  return stage(ctx, async (d) => {
    const { batch } = d;
    ctx.offsets.advance(tpKey(batch), batch.messages[batch.messages.length - 1]!.offset + 1);
    ctx.offsets.applySeeks();
    await ctx.offsets.commitIfDue(d.trace);
    return d;
  });
}

// ---------------------------------------------------------------------------------------------- tracing

/**
 * A consumed batch's first span starts the sink's trace of that batch, linked to the source span of each record
 * that carries a `traceparent` (a batch may hold records of many source batches: links, not a parent).
 */
function consumeSpan(ctx: SinkStageContext, d: Delivery): StageOptions {
  const links = traceparentLinks(d.batch.messages);
  return {
    kind: SpanKind.CONSUMER,
    attributes: {
      [ATTR_OPERATION_TYPE]: 'receive',
      [ATTR_CONSUMER_GROUP]: `connect-${ctx.input.id.connector}`,
      ...topicPartitionAttributes(d.batch.topic, d.batch.partition, d.batch.messages.length),
    },
    ...(links.length > 0 ? { links } : {}),
  };
}

/** A later stage's span: child of the batch's consume span, on the batch's topic-partition. */
function batchOptions(d: Delivery): StageOptions {
  return { parent: d.trace, attributes: topicPartitionAttributes(d.batch.topic, d.batch.partition, d.batch.messages.length) };
}

// ---------------------------------------------------------------------------------------------- helpers

function consumedBytes(messages: readonly ConsumedMessage[]): number {
  let n = 0;
  for (const m of messages) n += (m.key?.length ?? 0) + (m.value?.length ?? 0);
  return n;
}

/**
 * One stage of the path: a delivery the stage turns into null goes no further and is settled; a throw fails the
 * task (KAFKA_CONSUME unless it is a TaskFailure already) and settles it too.
 */
function stage<A extends Delivery, B>(ctx: SinkStageContext, run: (d: A) => B | null | Promise<B | null>): OperatorFunction<A, B> {
  return batchStage<A, B>(
    { drop: (d) => d.settle(), fail: (e) => ctx.fail(e instanceof TaskFailure ? e : new TaskFailure(ctx.input.id, 'KAFKA_CONSUME', e)) },
    run,
  );
}

/** A consumed message as the error handler and a TaskFailure describe it. */
function failedConsumed(batch: ConsumedBatch): (index: number) => FailedRecord {
  return (i) => {
    const message = batch.messages[i]!;
    return {
      ref: { consumed: { topic: batch.topic, partition: batch.partition, message } },
      coordinates: { topic: batch.topic, partition: batch.partition, offset: message.offset },
    };
  };
}
