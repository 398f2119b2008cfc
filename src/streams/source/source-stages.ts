/**
 * The source path as RxJS operators, in the order a record meets them:
 *
 *   poll(ctx) → transform(ctx) → convert(ctx) → produce(ctx) → ack(ctx)        (offsets: SourceOffsetCommitter)
 *
 * Demand comes from below: `poll` takes a permit before each `task.poll()`, and `ack` gives it back once every
 * record of that batch is acknowledged by Kafka (or filtered, or skipped and reported), so at most
 * `maxInFlightBatches` batches are anywhere between poll and ack — memory is bounded by batch size × in-flight
 * batches whatever the speed of the stages below.
 *
 * No operator errors the Observable: a stage that fails calls `ctx.fail()` and drops its batch (giving its permit
 * back), and once the path is halted (failed, or a stop interrupted retries) the batches still queued are dropped
 * unsent — while sends already in flight still reach `ack`, so what Kafka acknowledged before a failure is
 * committed. Each batch is processed stage by stage; within a stage, records through the stage runner
 * (RetryWithToleranceOperator), synchronously unless a record throws.
 */
import { Observable, type OperatorFunction, filter, mergeMap } from 'rxjs';
import type { Headers, SourceRecord } from '../../data/index.js';
import { RetriableException, SourceTask } from '../../connectors/api/index.js';
import type { RecordMetadata } from '../../connectors/api/index.js';
import { sleep } from '../../async/index.js';
import type { FailureStage, SourceTaskInput, TaskMetrics } from '../contracts.js';
import { TaskFailure } from '../contracts.js';
import type { KafkaHeader, KafkaProducer, ProducedRecordMetadata, ProducerRecord, StreamLogger } from '../kafka/client.js';
import type { SubmittedRecord, SubmittedRecords } from '../offsets/submitted-records.js';
import { validateOffsetMap, writeJson } from '../offsets/offset-json.js';
import type { FailedRecord, RetryWithToleranceOperator } from '../errors/retry-with-tolerance.js';
import { failOnError } from '../errors/record-error-handler.js';
import { afterOutcome, batchStage } from '../util/batch-stage.js';
import { TopicTracker } from '../util/topic-tracker.js';
import { IdleBackoff } from '../util/idle-backoff.js';
import type { Permit, Permits } from '../util/permits.js';
import type { Valve } from '../util/valve.js';
import { countBatch } from '../task-metrics.js';
import type { TopicCreator } from './topic-creation.js';
import type { RateLimits } from '../util/rate-limit.js';
import { type Context, SpanKind } from '@opentelemetry/api';
import { ATTR_OPERATION_TYPE, addTraceparent, batchAttributes, traced, traceparentLinks, type StageSpan, type TaskTracer } from '../../tracing/index.js';

/** What the source operators share: the task, its clients and the running pipeline's state. */
export interface SourceStageContext {
  readonly input: SourceTaskInput;
  readonly producer: KafkaProducer;
  readonly runner: RetryWithToleranceOperator;
  readonly metrics: Required<TaskMetrics>;
  readonly log: StreamLogger;
  /** The demand signal: one permit per batch between poll and ack. */
  readonly demand: Permits;
  /** Closed while the task is paused: no poll until it opens. */
  readonly valve: Valve;
  readonly submitted: SubmittedRecords;
  readonly topicCreator: TopicCreator | null;
  /** Aborted at stop: polls and retries end. */
  readonly signal: AbortSignal;
  readonly pollRetryBackoffMs: number;
  readonly acks: SourceAcks;
  stopping(): boolean;
  /** Failed, or a stop interrupted retries: batches not yet sent go no further. */
  halted(): boolean;
  /** A stop interrupted a record's retries: this batch and every later one stay unsubmitted. */
  abandon(): void;
  fail(failure: TaskFailure): void;
  /** The poll loop exited (stop waits for it). */
  pollEnded(): void;
  /** `sluice.rate.limit.*`, or null. */
  readonly limits: RateLimits | null;
  /**
   * Exactly-once with `transaction.boundary=connector`: takes what the task asked about the batch it just returned
   * (kept with the batch, since later polls run before this batch reaches its transaction).
   */
  readonly takeBatchRequest?: () => 'commit' | 'abort' | null;
}

/** A batch between poll and ack; `release` gives its permit back (idempotent). */
export interface PolledBatch {
  readonly records: readonly SourceRecord[];
  readonly permit: Permit;
  /** When the task is traced: the batch's trace (its poll span), parent of its later stages' spans. */
  readonly trace?: Context | undefined;
  /** Connector-defined transactions: the commit or abort the task asked for with this batch. */
  readonly request?: 'commit' | 'abort' | null;
}

/** After `transform`: per polled record, the transformed one, or null (filtered, or skipped when in `skipped`). */
export interface TransformedBatch extends PolledBatch {
  readonly transformed: ReadonlyArray<SourceRecord | null>;
  readonly skipped: ReadonlySet<number> | undefined;
}

/** After `convert`: per polled record, the bytes to send, or null. */
export interface ConvertedBatch extends PolledBatch {
  readonly converted: ReadonlyArray<ProducerRecord | null>;
  readonly skipped: ReadonlySet<number> | undefined;
}

/** A polled record on the books of SubmittedRecords. */
export interface Tracked {
  /**
   * The record as polled, while something after the send may still read it: the task's own `commitRecord`, or an
   * error handler that reports produce failures. Otherwise null: a record waits for its ack without its value
   * (in-process topics ack only after the sinks commit, and in-flight records promoted to the old generation
   * were a third of the JSON path's GC).
   */
  readonly record: SourceRecord | null;
  readonly topic: string;
  readonly handle: SubmittedRecord;
}

/** The base class's commitRecord does nothing: a task that keeps it needs no record back after the send. */
function overridesCommitRecord(task: SourceTaskInput['task']): boolean {
  return task.commitRecord !== SourceTask.prototype.commitRecord;
}

/** Where a tracked record came from, for a failure's context. */
function trackedCoordinates(t: Tracked): NonNullable<TaskFailure['coordinates']> {
  return { topic: t.topic, sourcePartition: t.handle.partition, offset: writeJson(t.handle.offset) };
}

/** Submitted for sending: the records to send, with the polled record each came from. */
export interface ProducedBatch {
  readonly out: ProducerRecord[];
  readonly origin: Tracked[];
  readonly permit: Permit;
  readonly trace?: Context | undefined;
}

/** What `produce` hands to `ack`: the broker's metadata, or a failed send whose records were tolerated. */
export type SentBatch =
  | { readonly kind: 'acked'; readonly batch: ProducedBatch; readonly metadata: readonly ProducedRecordMetadata[] }
  | { readonly kind: 'tolerated'; readonly batch: ProducedBatch };

// ---------------------------------------------------------------------------------------------- poll

/** Emits polled batches, one per permit: the demand signal of the path. Completes at stop. */
export function poll(ctx: SourceStageContext): Observable<PolledBatch> {
  return new Observable<PolledBatch>((subscriber) => {
    const { input, demand, valve, signal, metrics } = ctx;
    const idle = new IdleBackoff();
    const loop = async () => {
      while (!ctx.stopping() && !subscriber.closed) {
        const permit = await demand.take(signal);
        if (!permit) break;
        const paused = valve.whenOpen();
        if (paused) await paused;
        if (ctx.limits) metrics.throttleTimeMs += await ctx.limits.throttle(signal);
        if (ctx.stopping()) {
          permit.release();
          break;
        }
        let records: SourceRecord[] | null;
        const pollStarted = performance.now();
        try {
          records = await input.task.poll(signal);
        } catch (e) {
          permit.release();
          if (input.tracer) pollSpan(input.tracer, pollStarted, [], e);
          if (e instanceof RetriableException && !ctx.stopping()) {
            ctx.log.warn({ task: input.id, err: e }, 'poll failed with a retriable error; polling again');
            await sleep(ctx.pollRetryBackoffMs, signal);
            continue;
          }
          if (ctx.stopping()) break;
          throw new TaskFailure(input.id, 'TASK_POLL', e);
        }
        const pollMs = performance.now() - pollStarted;
        if (!records || records.length === 0) {
          permit.release();
          // A bounded task that is done is not polled again: the path waits for its acks and the stop.
          if (input.task.isFinished?.() === true) {
            await untilAborted(signal);
            break;
          }
          // A task that returns nothing at once must not spin the event loop.
          await idle.rest(pollMs, signal);
          continue;
        }
        idle.reset();
        countBatch(metrics, records.length);
        ctx.limits?.taken(records.length, 0);
        metrics.pollTimeMs += pollMs;
        if (pollMs > metrics.pollTimeMaxMs) metrics.pollTimeMaxMs = pollMs;
        const trace = input.tracer ? pollSpan(input.tracer, pollStarted, records).context : undefined;
        let request: 'commit' | 'abort' | null = null;
        try {
          request = ctx.takeBatchRequest?.() ?? null;
        } catch (e) {
          permit.release();
          throw new TaskFailure(input.id, 'TASK_POLL', e);
        }
        subscriber.next({ records, permit, trace, request });
        records = null; // else this suspended loop keeps the last batch alive until the next poll
        // A task and producer that answer at once would otherwise starve timers (offset flush, stop).
        await new Promise((r) => setImmediate(r));
      }
    };
    loop()
      .catch((e: unknown) => ctx.fail(asFailure(ctx, 'TASK_POLL', e)))
      .finally(() => {
        ctx.pollEnded();
        subscriber.complete();
      });
  });
}

// ---------------------------------------------------------------------------------------------- transform

/** Checks the source partition/offset of each record (TASK_POLL), then runs the transformation chain. */
export function transform(ctx: SourceStageContext): OperatorFunction<PolledBatch, TransformedBatch> {
  const { input, metrics } = ctx;
  const apply = (record: SourceRecord): SourceRecord | null => {
    const t = input.transform(record);
    if (t === null) metrics.recordsFiltered++;
    return t;
  };
  return stage(ctx, (batch) => traced(input.tracer, 'transform', () => ({ parent: batch.trace, attributes: batchAttributes(batch.records) }), () => {
    for (const record of batch.records) {
      try {
        validateOffsetMap('partition', record.sourcePartition);
        validateOffsetMap('offset', record.sourceOffset);
      } catch (e) {
        throw new TaskFailure(input.id, 'TASK_POLL', e, { topic: record.topic });
      }
    }
    return afterOutcome(
      ctx.runner.execute(batch.records, 'TRANSFORMATION', apply, (i) => failedSource(batch.records[i]!)),
      (o) => ({ ...batch, transformed: o.values, skipped: o.skipped }),
      ctx.abandon,
    );
  }));
}

// ---------------------------------------------------------------------------------------------- convert

/** Header, key and value converters: each transformed record becomes the bytes the producer sends. */
export function convert(ctx: SourceStageContext): OperatorFunction<TransformedBatch, ConvertedBatch> {
  const { converters, bytesTap: tap } = ctx.input;
  const toBytes = (t: SourceRecord, at: { stage: FailureStage }): ProducerRecord => {
    at.stage = 'HEADER_CONVERTER';
    const headers = convertHeaders(t.topic, t.headers, converters.header);
    at.stage = 'KEY_CONVERTER';
    const key = converters.key.fromConnectData(t.topic, t.keySchema, t.key, t.headers);
    at.stage = 'VALUE_CONVERTER';
    const value = converters.value.fromConnectData(t.topic, t.valueSchema, t.value, t.headers);
    const out: ProducerRecord = { topic: t.topic, partition: t.kafkaPartition, key, value, headers, timestamp: t.timestamp };
    if (tap?.active) tap.emit({ topic: t.topic, partition: t.kafkaPartition, key, value, headers, timestamp: t.timestamp });
    return out;
  };
  return stage(ctx, (batch) =>
    traced(ctx.input.tracer, 'convert', () => ({ parent: batch.trace, attributes: batchAttributes(batch.transformed) }), () =>
      afterOutcome(
        ctx.runner.execute(batch.transformed, 'HEADER_CONVERTER', toBytes, (i) => failedSource(batch.records[i]!)),
        (o) => ({ records: batch.records, permit: batch.permit, trace: batch.trace, request: batch.request ?? null, converted: o.values, skipped: union(batch.skipped, o.skipped) }),
        ctx.abandon,
      ),
    ),
  );
}

// ---------------------------------------------------------------------------------------------- produce

/**
 * Puts the batch on the books (SubmittedRecords, in poll order; filtered records count as acknowledged at once,
 * skipped ones once their reports are durable), creates missing topics (KIP-158), then sends — at most
 * `maxInFlightBatches` sends at once, started in poll order (the producer keeps call order per partition).
 * Under errors.tolerance=all a failed send's records are reported (stage KAFKA_PRODUCE) and count as committed.
 */
export function produce(ctx: SourceStageContext): OperatorFunction<ConvertedBatch, SentBatch> {
  return (batches) =>
    batches.pipe(
      stage(ctx, (batch) => submit(ctx, batch)),
      mergeMap((batch) => send(ctx, batch), ctx.input.options.maxInFlightBatches),
      filter((sent): sent is SentBatch => sent !== null),
    );
}

async function submit(ctx: SourceStageContext, batch: ConvertedBatch): Promise<ProducedBatch | null> {
  const { records, converted, skipped } = batch;
  const produced: ProducedBatch = { out: [], origin: [], permit: batch.permit, trace: batch.trace };
  const keep = ctx.acks.keepsRecords;
  let afterReport: Tracked[] | undefined;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const handle = ctx.submitted.submit(record.sourcePartition, record.sourceOffset);
    const out = converted[i];
    if (skipped?.has(i)) {
      (afterReport ??= []).push({ record, topic: record.topic, handle });
    } else if (out === null || out === undefined) {
      handle.ack();
      const r = ctx.acks.commitRecord(record, null);
      if (r) await r;
    } else {
      produced.out.push(out);
      produced.origin.push({ record: keep ? record : null, topic: record.topic, handle });
    }
  }
  if (afterReport) ctx.acks.ackWhenReported(afterReport);
  if (produced.out.length === 0) return null;
  if (ctx.limits?.limitsBytes) ctx.limits.taken(0, producedBytes(produced.out));
  if (ctx.topicCreator) await ctx.topicCreator.ensure(produced.out.map((r) => r.topic));
  return produced;
}

async function send(ctx: SourceStageContext, batch: ProducedBatch): Promise<SentBatch | null> {
  const span = ctx.input.tracer ? produceSpan(ctx.input.tracer, batch) : undefined;
  try {
    return await sendTraced(ctx, batch, span);
  } finally {
    span?.end();
  }
}

async function sendTraced(ctx: SourceStageContext, batch: ProducedBatch, span: StageSpan | undefined): Promise<SentBatch | null> {
  let error: unknown;
  try {
    ctx.metrics.recordsSent += batch.out.length;
    const metadata = await ctx.producer.send(batch.out);
    span?.set(batchAttributes(metadata, metadata.map((m) => m.partition)));
    return { kind: 'acked', batch, metadata };
  } catch (e) {
    error = e;
    span?.fail(e);
  }
  try {
    if (await tolerateSendFailure(ctx, batch, error)) return { kind: 'tolerated', batch };
  } catch (e) {
    error = e;
  }
  batch.permit.release();
  ctx.fail(asFailure(ctx, 'KAFKA_PRODUCE', error, trackedCoordinates(batch.origin[0]!)));
  return null;
}

/** errors.tolerance=all tolerates producer send failures too: each record of the send is reported. */
async function tolerateSendFailure(ctx: SourceStageContext, batch: ProducedBatch, e: unknown): Promise<boolean> {
  if (e instanceof TaskFailure || ctx.stopping()) return false;
  for (let i = 0; i < batch.origin.length; i++) {
    const { record } = batch.origin[i]!;
    if (!(await ctx.runner.tolerate('KAFKA_PRODUCE', e, { ...(record ? { sourceRecord: record } : {}), produced: batch.out[i]! }))) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------- ack

/**
 * Kafka acknowledged the send: each record is acknowledged on the books (its offset may now be committed),
 * its topic noted (KIP-558) and `task.commitRecord` called; then the batch's permit goes back — the demand
 * for the next poll.
 */
export function ack(ctx: SourceStageContext): OperatorFunction<SentBatch, ProducedBatch> {
  return mergeMap(async (sent: SentBatch) => {
    const { batch } = sent;
    try {
      if (sent.kind === 'tolerated') {
        ctx.acks.ackWhenReported(batch.origin);
        return batch;
      }
      const { metadata } = sent;
      let lastTopic: string | undefined;
      for (let i = 0; i < metadata.length; i++) {
        const { record, handle } = batch.origin[i]!;
        const md = metadata[i]!;
        handle.ack();
        if (md.topic !== lastTopic) {
          lastTopic = md.topic;
          ctx.acks.noteTopic(lastTopic);
        }
        if (record) {
          const r = ctx.acks.commitRecord(record, { topic: md.topic, partition: md.partition, offset: md.offset, timestamp: md.timestamp });
          if (r) await r;
        }
      }
      ctx.metrics.recordsWritten += metadata.length;
      return batch;
    } finally {
      batch.permit.release();
    }
  });
}

/**
 * The task's side of acknowledgement: commitRecord, topic tracking, and acknowledging skipped records once
 * the error handler's reports (DLQ writes) are durable — so a source offset never passes a record that is not
 * in the dead letter queue yet.
 */
export class SourceAcks {
  /** Acknowledgements waiting for reports to be durable (stop gives them the ack budget). */
  readonly reports = new Set<Promise<void>>();
  readonly ctx: Pick<SourceStageContext, 'input' | 'log' | 'runner' | 'fail'>;
  readonly #topics: TopicTracker;

  /** Whether a sent record is kept until its ack (see Tracked.record): the task commits records itself, or errors are reported. */
  readonly keepsRecords: boolean;

  constructor(ctx: Pick<SourceStageContext, 'input' | 'log' | 'runner' | 'fail'>) {
    this.ctx = ctx;
    this.#topics = new TopicTracker(ctx.input.id, ctx.input.onTopic, ctx.log);
    this.keepsRecords = ctx.runner.handler !== failOnError || overridesCommitRecord(ctx.input.task);
  }

  /** task.commitRecord; a promise only when the task's is async (no await per record otherwise). */
  commitRecord(record: SourceRecord, metadata: RecordMetadata | null): void | Promise<void> {
    const { input, log } = this.ctx;
    const warn = (e: unknown) => log.warn({ task: input.id, err: e }, 'commitRecord threw; ignored as Kafka Connect does');
    try {
      const r = input.task.commitRecord(record, metadata);
      if (r instanceof Promise) return r.catch(warn);
    } catch (e) {
      warn(e);
    }
  }

  noteTopic(topic: string): void {
    this.#topics.note(topic);
  }

  /** Skipped records count as committed (commitRecord with null metadata) once the reports are durable. */
  ackWhenReported(records: readonly Tracked[]): void {
    const ack = async () => {
      for (const { record, handle } of records) {
        handle.ack();
        if (record) {
          const r = this.commitRecord(record, null);
          if (r) await r;
        }
      }
    };
    const flushed = this.ctx.runner.handler.flush?.();
    if (!flushed) {
      void ack();
      return;
    }
    const pending = flushed.then(ack, (e: unknown) => {
      const { input } = this.ctx;
      this.ctx.fail(e instanceof TaskFailure ? e : new TaskFailure(input.id, 'KAFKA_PRODUCE', e, trackedCoordinates(records[0]!)));
    });
    this.reports.add(pending);
    void pending.finally(() => this.reports.delete(pending));
  }
}

// ---------------------------------------------------------------------------------------------- tracing

/** A non-empty (or failed) poll's span, from when the poll started: empty polls of an idle task make none. */
function pollSpan(tracer: TaskTracer, startedAt: number, records: readonly SourceRecord[], error?: unknown): StageSpan {
  const span = tracer.start('poll', { startTime: performance.timeOrigin + startedAt, attributes: batchAttributes(records) });
  if (error !== undefined) span.fail(error);
  span.end();
  return span;
}

/**
 * The span of a send, child of the batch's poll span; every record gets its `traceparent` (records that came with
 * one keep theirs, and the span links to it).
 */
function produceSpan(tracer: TaskTracer, batch: ProducedBatch): StageSpan {
  const upstream = traceparentLinks(batch.out);
  const span = tracer.start('produce', {
    parent: batch.trace,
    kind: SpanKind.PRODUCER,
    attributes: { [ATTR_OPERATION_TYPE]: 'send', ...batchAttributes(batch.out, batch.out.map((r) => r.partition)) },
    ...(upstream.length > 0 ? { links: upstream } : {}),
  });
  addTraceparent(batch.out, span.spanContext);
  return span;
}

// ---------------------------------------------------------------------------------------------- helpers

/** Bytes a send puts on the wire, as the rate limit counts them: keys, values, header keys and values. */
export function producedBytes(records: readonly ProducerRecord[]): number {
  let n = 0;
  for (const r of records) {
    n += (r.key?.length ?? 0) + (r.value?.length ?? 0);
    for (const h of r.headers ?? []) n += h.key.length + (h.value?.length ?? 0);
  }
  return n;
}

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/**
 * One stage of the path: a batch arriving once the path is halted is dropped; a batch the stage turns into null
 * goes no further; a throw fails the task (KAFKA_PRODUCE unless it is a TaskFailure already). Either way the
 * batch's permit goes back.
 */
function stage<A extends { readonly permit: Permit }, B>(ctx: SourceStageContext, run: (batch: A) => B | null | Promise<B | null>): OperatorFunction<A, B> {
  return batchStage<A, B>(
    { skip: () => ctx.halted(), drop: (b) => b.permit.release(), fail: (e) => ctx.fail(asFailure(ctx, 'KAFKA_PRODUCE', e)) },
    run,
  );
}

/** A polled record as the error handler and a TaskFailure describe it. */
export function failedSource(record: SourceRecord): FailedRecord {
  return {
    ref: { sourceRecord: record },
    coordinates: { topic: record.topic, sourcePartition: record.sourcePartition, offset: writeJson(record.sourceOffset) },
  };
}

function asFailure(ctx: SourceStageContext, stage: FailureStage, e: unknown, coordinates?: TaskFailure['coordinates']): TaskFailure {
  return e instanceof TaskFailure ? e : new TaskFailure(ctx.input.id, stage, e, coordinates);
}

function union(a: ReadonlySet<number> | undefined, b: ReadonlySet<number> | undefined): ReadonlySet<number> | undefined {
  if (!a) return b;
  if (!b) return a;
  return new Set([...a, ...b]);
}

function convertHeaders(topic: string, headers: Headers, converter: SourceTaskInput['converters']['header']): KafkaHeader[] {
  if (headers.size === 0) return [];
  const out: KafkaHeader[] = [];
  for (const h of headers) out.push({ key: h.key, value: converter.fromConnectHeader(topic, h.key, h.schema, h.value) });
  return out;
}
