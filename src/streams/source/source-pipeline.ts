/**
 * The source pipeline: poll → transform → header/key/value converters → producer → ack → offset commit.
 *
 * Demand-driven: a permit is taken before each `poll` and given back when every record of that batch is
 * acknowledged, so at most `maxInFlightBatches` polled batches are between poll and ack at any time, whatever
 * the speed of the stages below (RxJS alone would buffer without bound). Offsets follow SubmittedRecords:
 * committed every `offsetFlushIntervalMs` and at stop, never past an unacknowledged record.
 */
import { Observable, concatMap, from, mergeMap, type Subscription } from 'rxjs';
import type { OffsetMap, SourceRecord } from '../../data/index.js';
import { Headers } from '../../data/index.js';
import { RetriableException } from '../../connectors/api/index.js';
import type { RecordMetadata, SourceTaskContext } from '../../connectors/api/index.js';
import type { FailureStage, SourceTaskInput, TaskMetrics, TaskRun } from '../contracts.js';
import { TaskFailure } from '../contracts.js';
import type { KafkaAdmin, KafkaHeader, KafkaProducer, ProducerRecord, StreamLogger } from '../kafka/client.js';
import { silentLogger } from '../kafka/client.js';
import { SubmittedRecords, type SubmittedRecord } from '../offsets/submitted-records.js';
import { validateOffsetMap, writeJson } from '../offsets/offset-json.js';
import { failOnError, withErrorMetrics, type RecordErrorHandler } from '../errors/record-error-handler.js';
import { isRetriable, retryAfterFailure } from '../errors/retry.js';
import { Permits } from '../util/permits.js';
import { SerialQueue } from '../../async/index.js';
import { TopicCreator, topicCreationGroups } from './topic-creation.js';
import { newMetrics } from '../util/misc.js';
import { settlesWithin, sleep, withTimeout } from '../../async/index.js';

export interface SourcePipelineDeps {
  /** The pipeline connects it at start and disconnects it at stop. */
  readonly producer: KafkaProducer;
  /** For KIP-158 topic creation (connected and disconnected by the pipeline, and only if the config asks). */
  readonly admin?: KafkaAdmin;
  readonly logger?: StreamLogger;
  readonly errors?: RecordErrorHandler;
  /** Called last, after task.stop() (disconnect clients). */
  readonly close?: () => Promise<void>;
  /** Backoff after a RetriableException from poll. */
  readonly pollRetryBackoffMs?: number;
}

interface Prepared {
  /** Records to send, with the tracking handle of the polled record each came from. */
  readonly out: ProducerRecord[];
  readonly origin: Array<{ record: SourceRecord; handle: SubmittedRecord }>;
}

export function startSourceTask(input: SourceTaskInput, deps: SourcePipelineDeps): TaskRun {
  return new SourcePipeline(input, deps).run;
}

class SourcePipeline {
  readonly run: TaskRun;
  readonly #input: SourceTaskInput;
  readonly #deps: SourcePipelineDeps;
  readonly #log: StreamLogger;
  readonly #errors: RecordErrorHandler;
  readonly #metrics: Required<TaskMetrics> = newMetrics();
  /** Topics acknowledged so far (KIP-558 topic tracking). */
  readonly #topics = new Set<string>();
  readonly #permits: Permits;
  readonly #submitted = new SubmittedRecords();
  readonly #flushes = new SerialQueue();
  /** Offsets taken from SubmittedRecords but not yet stored (kept for the next attempt after a failure). */
  readonly #unflushed = new Map<string, { partition: OffsetMap; offset: OffsetMap }>();
  readonly #pollAbort = new AbortController();
  readonly #sends = new Set<Promise<void>>();
  /** Acknowledgements of skipped records waiting for the error handler's reports to be durable. */
  readonly #reports = new Set<Promise<void>>();
  /** The stage the record being processed is in (set by #process). */
  #stage: FailureStage = 'TRANSFORMATION';
  /** Set when a stop interrupted retries: nothing polled after that is submitted. */
  #abandoned = false;
  #topicCreator: TopicCreator | null = null;
  #paused = false;
  #resumed: (() => void) | undefined;
  #stopping = false;
  #started = false;
  #failure: TaskFailure | undefined;
  #subscription: Subscription | undefined;
  #flushTimer: NodeJS.Timeout | undefined;
  #pollLoopDone: Promise<void>;
  #pollLoopExited!: () => void;
  #stopPromise: Promise<void> | undefined;
  #resolveDone!: () => void;
  #rejectDone!: (e: TaskFailure) => void;

  constructor(input: SourceTaskInput, deps: SourcePipelineDeps) {
    this.#input = input;
    this.#deps = deps;
    this.#log = deps.logger ?? silentLogger;
    this.#errors = deps.errors ?? failOnError;
    this.#permits = new Permits(input.options.maxInFlightBatches);
    this.#pollLoopDone = new Promise((r) => (this.#pollLoopExited = r));
    const done = new Promise<void>((resolve, reject) => {
      this.#resolveDone = resolve;
      this.#rejectDone = reject;
    });
    done.catch(() => {}); // the owner observes `done`; never an unhandled rejection
    this.run = {
      id: input.id,
      done,
      pause: () => this.#pause(),
      resume: () => this.#resume(),
      stop: (timeoutMs) => this.#stop(timeoutMs),
      metrics: () => withErrorMetrics({ ...this.#metrics, inFlightBatches: this.#permits.inUse }, this.#errors),
    };
    void this.#start();
  }

  // ------------------------------------------------------------------------------------------ lifecycle

  async #start(): Promise<void> {
    const { task, config, id, offsets } = this.#input;
    try {
      const groups = topicCreationGroups(config);
      if (groups && this.#deps.admin) this.#topicCreator = new TopicCreator(groups, this.#deps.admin);
      const context: SourceTaskContext = {
        configs: () => config,
        offsetStorageReader: {
          offset: async (partition) => (await offsets.get(id.connector, [partition])).get(partition) ?? null,
          offsets: (partitions) => offsets.get(id.connector, partitions),
        },
      };
      await this.#deps.producer.connect();
      if (this.#topicCreator) await this.#deps.admin!.connect();
      await this.#errors.start?.();
      task.initialize(context);
      await task.start(config);
      this.#started = true;
    } catch (e) {
      this.#pollLoopExited();
      await this.#fail(new TaskFailure(id, 'TASK_START', e));
      return;
    }
    if (this.#stopping) {
      this.#pollLoopExited();
      return;
    }
    this.#flushTimer = setInterval(() => void this.#commitOffsets(), this.#input.options.offsetFlushIntervalMs);
    this.#subscription = this.#polled()
      .pipe(
        concatMap((records) => from(this.#prepare(records))),
        mergeMap((prepared) => from(this.#send(prepared)), this.#input.options.maxInFlightBatches),
      )
      .subscribe({
        error: (e: unknown) => void this.#fail(this.#asFailure('KAFKA_PRODUCE', e)),
      });
  }

  /** Emits polled batches, one per permit: the demand signal of the pipeline. */
  #polled(): Observable<SourceRecord[]> {
    return new Observable<SourceRecord[]>((subscriber) => {
      const signal = this.#pollAbort.signal;
      const loop = async () => {
        while (!this.#stopping && !subscriber.closed) {
          if (!(await this.#permits.acquire(signal))) break;
          if (this.#paused) await new Promise<void>((r) => (this.#resumed = r));
          if (this.#stopping) {
            this.#permits.release();
            break;
          }
          let records: SourceRecord[] | null;
          const pollStarted = performance.now();
          try {
            records = await this.#input.task.poll(signal);
          } catch (e) {
            this.#permits.release();
            if (e instanceof RetriableException && !this.#stopping) {
              this.#log.warn({ task: this.#input.id, err: e }, 'poll failed with a retriable error; polling again');
              await sleep(this.#deps.pollRetryBackoffMs ?? 100, signal);
              continue;
            }
            if (this.#stopping) break;
            throw new TaskFailure(this.#input.id, 'TASK_POLL', e);
          }
          if (!records || records.length === 0) {
            this.#permits.release();
            // A task that returns nothing at once must not spin the event loop.
            await new Promise((r) => setImmediate(r));
            continue;
          }
          const m = this.#metrics;
          const pollMs = performance.now() - pollStarted;
          m.recordsPolled += records.length;
          m.batches++;
          m.pollTimeMs += pollMs;
          if (pollMs > m.pollTimeMaxMs) m.pollTimeMaxMs = pollMs;
          if (records.length > m.batchSizeMax) m.batchSizeMax = records.length;
          subscriber.next(records);
          // A task and producer that answer at once would otherwise starve timers (offset flush, stop).
          await new Promise((r) => setImmediate(r));
        }
      };
      loop()
        .then(() => subscriber.complete(), (e: unknown) => subscriber.error(e))
        .finally(() => this.#pollLoopExited());
    });
  }

  // ------------------------------------------------------------------------------------------ stages

  /**
   * Transforms and converts a polled batch. Nothing is tracked until the whole batch converted, so a failing
   * batch leaves no half-submitted records behind; filtered and skipped records count as acknowledged.
   */
  async #prepare(records: SourceRecord[]): Promise<Prepared> {
    try {
      return await this.#convertBatch(records);
    } catch (e) {
      this.#permits.release();
      throw e;
    }
  }

  async #convertBatch(records: SourceRecord[]): Promise<Prepared> {
    const { id } = this.#input;
    if (this.#abandoned) return { out: [], origin: [] };
    const converted: Array<ProducerRecord | null> = new Array(records.length);
    /** Records skipped by the error handler: acknowledged once what it reported (DLQ) is durable. */
    let skipped: Set<number> | undefined;
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      try {
        validateOffsetMap('partition', record.sourcePartition);
        validateOffsetMap('offset', record.sourceOffset);
      } catch (e) {
        throw new TaskFailure(id, 'TASK_POLL', e, { topic: record.topic });
      }
      this.#stage = 'TRANSFORMATION';
      try {
        converted[i] = this.#process(record);
      } catch (e) {
        const startedMs = Date.now();
        let error = e;
        const policy = this.#errors.retry;
        if (policy && isRetriable(e)) {
          const outcome = await retryAfterFailure(policy, () => this.#process(record), e, startedMs, {
            signal: this.#pollAbort.signal,
            onRetry: (attempt, delayMs, err) =>
              this.#log.warn({ task: id, stage: this.#stage, attempt, delayMs, err }, 'retriable error; retrying the record'),
          });
          if (outcome.aborted) {
            // Stopping while retrying: this batch and every later one stay unsubmitted (their offsets are not
            // committed, so they are polled again after a restart).
            this.#abandoned = true;
            return { out: [], origin: [] };
          }
          if (outcome.ok) {
            converted[i] = outcome.value ?? null;
            continue;
          }
          error = outcome.error;
        }
        const stage = this.#stage;
        const decision = await this.#errors.handle({ id, stage, error, sourceRecord: record });
        this.#metrics.recordErrors++;
        if (decision === 'fail') {
          throw new TaskFailure(id, stage, error, {
            topic: record.topic,
            sourcePartition: record.sourcePartition,
            offset: writeJson(record.sourceOffset),
          });
        }
        this.#metrics.recordsSkipped++;
        converted[i] = null;
        (skipped ??= new Set()).add(i);
      }
    }
    const prepared: Prepared = { out: [], origin: [] };
    const afterReport: Array<{ record: SourceRecord; handle: SubmittedRecord }> = [];
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      const handle = this.#submitted.submit(record.sourcePartition, record.sourceOffset);
      const out = converted[i];
      if (skipped?.has(i)) {
        afterReport.push({ record, handle });
      } else if (out === null || out === undefined) {
        handle.ack();
        const r = this.#commitRecord(record, null);
        if (r) await r;
      } else {
        prepared.out.push(out);
        prepared.origin.push({ record, handle });
      }
    }
    if (afterReport.length > 0) this.#ackWhenReported(afterReport);
    // Here, in the ordered stage, so that sends start in poll order (the producer keeps call order).
    if (this.#topicCreator && prepared.out.length) await this.#topicCreator.ensure(prepared.out.map((r) => r.topic));
    return prepared;
  }

  /** Transform, then header/key/value converters; `#stage` tells where a throw came from. */
  #process(record: SourceRecord): ProducerRecord | null {
    const { transform, converters } = this.#input;
    this.#stage = 'TRANSFORMATION';
    const t = transform(record);
    if (t === null) {
      this.#metrics.recordsFiltered++;
      return null;
    }
    this.#stage = 'HEADER_CONVERTER';
    const headers = convertHeaders(t.topic, t.headers, converters.header);
    this.#stage = 'KEY_CONVERTER';
    const key = converters.key.fromConnectData(t.topic, t.keySchema, t.key, t.headers);
    this.#stage = 'VALUE_CONVERTER';
    const value = converters.value.fromConnectData(t.topic, t.valueSchema, t.value, t.headers);
    return { topic: t.topic, partition: t.kafkaPartition, key, value, headers, timestamp: t.timestamp };
  }

  /**
   * Skipped records count as committed (commitRecord with null metadata) once the error handler's reports are
   * durable, so a source offset never passes a record that is not in the dead letter queue yet.
   */
  #ackWhenReported(records: ReadonlyArray<{ record: SourceRecord; handle: SubmittedRecord }>): void {
    const ack = async () => {
      for (const { record, handle } of records) {
        handle.ack();
        const r = this.#commitRecord(record, null);
        if (r) await r;
      }
    };
    const flushed = this.#errors.flush?.();
    if (!flushed) {
      void ack();
      return;
    }
    const pending = flushed.then(ack, (e: unknown) => {
      const first = records[0]!.record;
      void this.#fail(
        this.#asFailure('KAFKA_PRODUCE', e, { topic: first.topic, sourcePartition: first.sourcePartition, offset: writeJson(first.sourceOffset) }),
      );
    });
    this.#reports.add(pending);
    void pending.finally(() => this.#reports.delete(pending));
  }

  #noteTopic(topic: string): void {
    if (this.#topics.has(topic)) return;
    this.#topics.add(topic);
    try {
      this.#input.onTopic?.(topic);
    } catch (e) {
      this.#log.warn({ task: this.#input.id, err: e }, 'topic tracking hook threw; ignored');
    }
  }

  /** task.commitRecord; a promise only when the task's is async (no await per record otherwise). */
  #commitRecord(record: SourceRecord, metadata: RecordMetadata | null): void | Promise<void> {
    const warn = (e: unknown) => this.#log.warn({ task: this.#input.id, err: e }, 'commitRecord threw; ignored as Kafka Connect does');
    try {
      const r = this.#input.task.commitRecord(record, metadata);
      if (r instanceof Promise) return r.catch(warn);
    } catch (e) {
      warn(e);
    }
  }

  #send(prepared: Prepared): Promise<void> {
    const p = this.#doSend(prepared);
    this.#sends.add(p);
    void p.catch(() => {}).finally(() => this.#sends.delete(p));
    return p;
  }

  async #doSend(prepared: Prepared): Promise<void> {
    if (prepared.out.length === 0) {
      this.#permits.release();
      return;
    }
    try {
      this.#metrics.recordsSent += prepared.out.length;
      const metadata = await this.#deps.producer.send(prepared.out);
      let lastTopic: string | undefined;
      for (let i = 0; i < metadata.length; i++) {
        const { record, handle } = prepared.origin[i]!;
        const md = metadata[i]!;
        handle.ack();
        if (md.topic !== lastTopic) {
          lastTopic = md.topic;
          this.#noteTopic(lastTopic);
        }
        const r = this.#commitRecord(record, { topic: md.topic, partition: md.partition, offset: md.offset, timestamp: md.timestamp });
        if (r) await r;
      }
      this.#metrics.recordsWritten += metadata.length;
    } catch (e) {
      if (!(await this.#tolerateSendFailure(prepared, e))) {
        const first = prepared.origin[0]!.record;
        throw this.#asFailure('KAFKA_PRODUCE', e, {
          topic: first.topic,
          sourcePartition: first.sourcePartition,
          offset: writeJson(first.sourceOffset),
        });
      }
    } finally {
      this.#permits.release();
    }
  }

  /**
   * errors.tolerance=all also tolerates producer send failures: each record of the failed send is reported
   * (log / DLQ) and then counts as committed. False when the handler wants the task to fail.
   */
  async #tolerateSendFailure(prepared: Prepared, e: unknown): Promise<boolean> {
    if (e instanceof TaskFailure || this.#stopping) return false;
    const { id } = this.#input;
    const skipped: Array<{ record: SourceRecord; handle: SubmittedRecord }> = [];
    for (let i = 0; i < prepared.origin.length; i++) {
      const { record, handle } = prepared.origin[i]!;
      const decision = await this.#errors.handle({ id, stage: 'KAFKA_PRODUCE', error: e, sourceRecord: record, produced: prepared.out[i]! });
      this.#metrics.recordErrors++;
      if (decision === 'fail') return false;
      this.#metrics.recordsSkipped++;
      skipped.push({ record, handle });
    }
    this.#ackWhenReported(skipped);
    return true;
  }

  // ------------------------------------------------------------------------------------------ offsets

  /** One offset flush: store what is committable, then task.commit(). Never runs twice at once. */
  #commitOffsets(): Promise<boolean> {
    return this.#flushes.run(async () => {
      const { id, offsets, options, task } = this.#input;
      for (const [k, v] of this.#submitted.committableOffsets().offsets) this.#unflushed.set(k, v);
      if (this.#unflushed.size > 0) {
        const entries = [...this.#unflushed.values()].map((e) => [e.partition, e.offset] as const);
        const snapshot = new Map(this.#unflushed);
        const commitStarted = performance.now();
        try {
          await withTimeout(offsets.set(id.connector, entries), options.offsetFlushTimeoutMs, 'offset flush');
        } catch (e) {
          this.#metrics.offsetCommitFailures++;
          this.#log.error({ task: id, err: e }, 'offset flush failed; will retry at the next flush');
          return false;
        }
        for (const [k, v] of snapshot) if (this.#unflushed.get(k) === v) this.#unflushed.delete(k);
        const commitMs = performance.now() - commitStarted;
        this.#metrics.offsetCommitTimeMs += commitMs;
        if (commitMs > this.#metrics.offsetCommitMaxTimeMs) this.#metrics.offsetCommitMaxTimeMs = commitMs;
        this.#metrics.offsetCommits++;
        this.#metrics.lastOffsetCommitMs = Date.now();
      }
      try {
        await task.commit();
      } catch (e) {
        this.#log.warn({ task: id, err: e }, 'task.commit() threw; ignored');
      }
      return true;
    });
  }

  // ------------------------------------------------------------------------------------------ control

  #pause(): void {
    this.#paused = true;
  }

  #resume(): void {
    this.#paused = false;
    const r = this.#resumed;
    this.#resumed = undefined;
    r?.();
  }

  #stop(timeoutMs: number): Promise<void> {
    this.#stopPromise ??= this.#shutdown(timeoutMs).then(
      () => {
        if (this.#failure) this.#rejectDone(this.#failure);
        else this.#resolveDone();
      },
      (e: unknown) => this.#rejectDone(this.#asFailure('TASK_COMMIT', e)),
    );
    return this.#stopPromise;
  }

  async #shutdown(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    this.#stopping = true;
    this.#pollAbort.abort();
    this.#resume();
    clearInterval(this.#flushTimer);
    // A poll that ignores the abort signal gets until the deadline to return.
    await settlesWithin(this.#pollLoopDone, deadline - Date.now());
    // Normally every polled batch gives its permit back once its send settled (acked or failed). After a
    // failure, batches still queued behind the failed one were dropped unsent, so wait for the sends only.
    const ackBudget = Math.min(this.#input.options.offsetFlushTimeoutMs, Math.max(0, deadline - Date.now()));
    const budget = new AbortController();
    const settled = await settlesWithin(
      this.#failure ? Promise.allSettled(this.#sends) : this.#permits.drained(budget.signal),
      ackBudget,
    );
    budget.abort();
    if (!settled) {
      this.#log.warn(
        { task: this.#input.id, outstanding: this.#submitted.outstanding },
        'stopping with unacknowledged records; their offsets are not committed',
      );
    }
    this.#subscription?.unsubscribe();
    // Skipped records are acknowledged once their DLQ writes are: give those the same budget.
    if (this.#reports.size > 0) await settlesWithin(Promise.allSettled([...this.#reports]), Math.max(ackBudget, 0));
    await this.#commitOffsets();
    if (this.#started) {
      try {
        await this.#input.task.stop();
      } catch (e) {
        this.#log.error({ task: this.#input.id, err: e }, 'task.stop() threw');
      }
    }
    try {
      await this.#errors.close?.(Math.max(0, deadline - Date.now()));
    } catch (e) {
      this.#log.warn({ task: this.#input.id, err: e }, 'closing the dead letter queue failed');
    }
    try {
      await this.#deps.producer.disconnect();
      if (this.#topicCreator) await this.#deps.admin!.disconnect();
      await this.#deps.close?.();
    } catch (e) {
      this.#log.warn({ task: this.#input.id, err: e }, 'closing the Kafka clients failed');
    }
  }

  async #fail(failure: TaskFailure): Promise<void> {
    if (this.#failure || this.#stopPromise) {
      if (!this.#failure) this.#failure = failure;
      return;
    }
    this.#failure = failure;
    this.#metrics.inFlightBatches = this.#permits.inUse;
    this.#log.error({ task: this.#input.id, err: failure }, 'source task failed');
    // What was acknowledged before the failure may still be committed: no loss, fewer duplicates.
    await this.#stop(this.#input.options.offsetFlushTimeoutMs);
  }

  #asFailure(stage: FailureStage, e: unknown, coordinates?: TaskFailure['coordinates']): TaskFailure {
    return e instanceof TaskFailure ? e : new TaskFailure(this.#input.id, stage, e, coordinates);
  }
}

function convertHeaders(topic: string, headers: Headers, converter: SourceTaskInput['converters']['header']): KafkaHeader[] {
  if (headers.size === 0) return [];
  const out: KafkaHeader[] = [];
  for (const h of headers) out.push({ key: h.key, value: converter.fromConnectHeader(topic, h.key, h.schema, h.value) });
  return out;
}
