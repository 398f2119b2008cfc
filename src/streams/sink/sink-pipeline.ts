/**
 * The sink pipeline: consumer → header/key/value converters → transform → put → preCommit (flush) → commit.
 *
 * Backpressure: the consumer awaits each batch handler and does not fetch more for a partition while `put`
 * runs. Offsets committed are next-offsets-to-read keyed by the ORIGINAL topic-partition, only for what
 * `preCommit` returned (never beyond what was delivered): every `offsetFlushIntervalMs`, on
 * `context.requestCommit()`, on revocation and at stop. A RetriableException from `put` redelivers the same
 * batch after `context.timeout(ms)` (or a backoff); any other error fails the task.
 */
import { Headers, SinkRecord } from '../../data/index.js';
import { ConfigException, RetriableException, topicPartition, tpKey } from '../../connectors/api/index.js';
import type { SinkTaskContext, TopicPartition, TopicPartitionOffsets } from '../../connectors/api/index.js';
import type { FailureStage, SinkTaskInput, TaskMetrics, TaskRun } from '../contracts.js';
import { TaskFailure } from '../contracts.js';
import type { ConsumedBatch, ConsumedMessage, KafkaConsumer, StreamLogger, Subscription, TopicPartitionOffset } from '../kafka/client.js';
import { silentLogger } from '../kafka/client.js';
import { failOnError, withErrorMetrics, type ConsumedRef, type RecordErrorHandler } from '../errors/record-error-handler.js';
import { isRetriable, retryAfterFailure, retryDeadline, retryDelayMs } from '../errors/retry-with-tolerance.js';
import { SerialQueue } from '../../async/index.js';
import { newMetrics } from '../task-metrics.js';
import { settlesWithin, sleep } from '../../async/index.js';

export interface SinkPipelineDeps {
  /** Consumer of group `connect-<connector>`; the pipeline connects, subscribes, runs and disconnects it. */
  readonly consumer: KafkaConsumer;
  readonly logger?: StreamLogger;
  readonly errors?: RecordErrorHandler;
  /** Called last, after the consumer disconnected. */
  readonly close?: () => Promise<void>;
  /** Wait before redelivering after a RetriableException when the task did not call `context.timeout`. */
  readonly retryBackoffMs?: number;
  /** First wait before subscribing again when the topics do not exist yet (doubles up to 10 s). */
  readonly subscribeRetryBackoffMs?: number;
}

export function startSinkTask(input: SinkTaskInput, deps: SinkPipelineDeps): TaskRun {
  return new SinkPipeline(input, deps).run;
}

/** `topics` or `topics.regex` (exactly one), as Kafka Connect requires. Regexes match whole topic names. */
export function sinkSubscription(config: Readonly<Record<string, string>>): Subscription {
  const topics = (config['topics'] ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');
  const regex = (config['topics.regex'] ?? '').trim();
  if (topics.length > 0 && regex !== '') {
    throw new ConfigException('topics.regex', regex, 'cannot be set together with topics; set exactly one');
  }
  if (regex !== '') {
    try {
      return { pattern: new RegExp(`^(?:${regex})$`) };
    } catch (e) {
      throw new ConfigException('topics.regex', regex, `invalid regex: ${(e as Error).message}`);
    }
  }
  if (topics.length === 0) throw new ConfigException('topics', config['topics'] ?? '', 'one of topics or topics.regex must be set');
  return { topics };
}

class SinkPipeline {
  readonly run: TaskRun;
  readonly #input: SinkTaskInput;
  readonly #deps: SinkPipelineDeps;
  readonly #consumer: KafkaConsumer;
  readonly #log: StreamLogger;
  readonly #errors: RecordErrorHandler;
  readonly #metrics: Required<TaskMetrics> = newMetrics();
  /** Topics consumed so far (KIP-558 topic tracking). */
  readonly #topics = new Set<string>();
  /** Every call into the task (open, put, preCommit, close, stop) goes through here, one at a time. */
  readonly #ops = new SerialQueue();
  readonly #assignment = new Map<string, TopicPartition>();
  /** Next offset to read per original partition, for what was delivered to the task (or filtered). */
  readonly #current = new Map<string, number>();
  readonly #committed = new Map<string, number>();
  readonly #taskPaused = new Set<string>();
  readonly #pendingSeeks = new Map<string, { tp: TopicPartition; offset: number }>();
  readonly #stopSignal = new AbortController();
  /** The consumed bytes of the batch being delivered, for the errant record reporter and the DLQ. */
  readonly #delivering = new Map<string, ConsumedRef>();
  #runPaused = false;
  #commitRequested = false;
  #commitScheduled = false;
  #nextCommitAt: number;
  #retryTimeoutMs = -1;
  #flushTimer: NodeJS.Timeout | undefined;
  #started = false;
  #stopping = false;
  /** The stage the record being converted is in (set by #process). */
  #stage: FailureStage = 'HEADER_CONVERTER';
  #failure: TaskFailure | undefined;
  #stopPromise: Promise<void> | undefined;
  #resolveDone!: () => void;
  #rejectDone!: (e: TaskFailure) => void;

  constructor(input: SinkTaskInput, deps: SinkPipelineDeps) {
    this.#input = input;
    this.#deps = deps;
    this.#consumer = deps.consumer;
    this.#log = deps.logger ?? silentLogger;
    this.#errors = deps.errors ?? failOnError;
    this.#nextCommitAt = Date.now() + input.options.offsetFlushIntervalMs;
    const done = new Promise<void>((resolve, reject) => {
      this.#resolveDone = resolve;
      this.#rejectDone = reject;
    });
    done.catch(() => {});
    this.run = {
      id: input.id,
      done,
      pause: () => this.#pauseAll(),
      resume: () => this.#resumeAll(),
      stop: (timeoutMs) => this.#stop(timeoutMs),
      metrics: () => withErrorMetrics({ ...this.#metrics }, this.#errors),
    };
    void this.#start();
  }

  // ------------------------------------------------------------------------------------------ lifecycle

  async #start(): Promise<void> {
    const { task, config, id } = this.#input;
    let subscription: Subscription;
    try {
      subscription = sinkSubscription(config);
      await this.#errors.start?.();
      task.initialize(this.#context());
      await task.start(config);
      this.#started = true;
    } catch (e) {
      return this.#fail(new TaskFailure(id, 'TASK_START', e));
    }
    if (this.#stopping) return;
    try {
      await this.#consumer.connect();
      if (!(await this.#subscribe(subscription))) return;
      await this.#consumer.run({
        onBatch: (batch) => this.#ops.run(() => this.#onBatch(batch)),
        onAssigned: (tps) => this.#ops.run(() => this.#onAssigned(tps)),
        onRevoked: (tps) => this.#ops.run(() => this.#onRevoked(tps)),
        onCrash: (e) => void this.#fail(new TaskFailure(id, 'KAFKA_CONSUME', e)),
        onCommitWanted: () => this.#requestCommit(),
      });
    } catch (e) {
      return this.#fail(new TaskFailure(id, 'KAFKA_CONSUME', e));
    }
    if (this.#stopping) {
      // stop() came while the consumer was joining: its disconnect may have run before run() did.
      await this.#consumer.disconnect().catch(() => {});
      return;
    }
    this.#flushTimer = setInterval(() => {
      if (Date.now() >= this.#nextCommitAt) this.#scheduleCommit();
    }, Math.min(this.#input.options.offsetFlushIntervalMs, 1000));
  }

  /**
   * Subscribes, waiting (with backoff) while a subscribed topic does not exist yet: a sink may start before the
   * source that creates its topic (Kafka's consumer waits too). False when a stop came first.
   */
  async #subscribe(subscription: Subscription): Promise<boolean> {
    let wait = this.#deps.subscribeRetryBackoffMs ?? 250;
    let warned = false;
    for (;;) {
      try {
        await this.#consumer.subscribe(subscription);
        if (warned) this.#log.info({ task: this.#input.id }, 'the topics exist now; subscribed');
        return !this.#stopping;
      } catch (e) {
        if (this.#stopping) return false;
        if (!isRetriable(e) && (e as { retriable?: unknown } | null)?.retriable !== true) throw e;
        if (!warned) {
          warned = true;
          this.#log.warn(
            { task: this.#input.id, err: e, subscription: 'topics' in subscription ? subscription.topics : String(subscription.pattern) },
            'cannot subscribe yet (does the topic exist?); retrying until it does',
          );
        }
        await sleep(wait, this.#stopSignal.signal);
        wait = Math.min(wait * 2, 10_000);
        if (this.#stopping) return false;
      }
    }
  }

  #context(): SinkTaskContext {
    const assigned = (tps: TopicPartition[]) => {
      for (const tp of tps) {
        if (!this.#assignment.has(tpKey(tp))) throw new Error(`partition ${tpKey(tp)} is not assigned to task ${this.#taskName()}`);
      }
    };
    return {
      configs: () => this.#input.config,
      offset: (tp, offset) => {
        this.#pendingSeeks.set(tpKey(tp), { tp: topicPartition(tp.topic, tp.partition), offset });
      },
      timeout: (ms) => {
        this.#retryTimeoutMs = ms;
      },
      assignment: () => [...this.#assignment.values()],
      pause: (...tps) => {
        assigned(tps);
        for (const tp of tps) this.#taskPaused.add(tpKey(tp));
        if (!this.#runPaused) this.#consumer.pause(tps);
      },
      resume: (...tps) => {
        assigned(tps);
        for (const tp of tps) this.#taskPaused.delete(tpKey(tp));
        if (!this.#runPaused) this.#consumer.resume(tps);
      },
      requestCommit: () => this.#requestCommit(),
      errantRecordReporter: this.#errors.errantRecordReporter?.((r) => this.#delivering.get(deliveredKey(r.originalTopic, r.originalKafkaPartition, r.originalKafkaOffset))) ?? null,
    };
  }

  #taskName(): string {
    return `${this.#input.id.connector}-${this.#input.id.task}`;
  }

  // ------------------------------------------------------------------------------------------ rebalance

  async #onAssigned(tps: readonly TopicPartition[]): Promise<void> {
    if (this.#stopping) return;
    for (const tp of tps) this.#assignment.set(tpKey(tp), topicPartition(tp.topic, tp.partition));
    // Pauses asked for by the task survive rebalances; a paused task keeps everything paused.
    if (this.#runPaused) this.#consumer.pause(tps);
    else this.#consumer.pause(tps.filter((tp) => this.#taskPaused.has(tpKey(tp))));
    try {
      await this.#input.task.open(tps);
    } catch (e) {
      return this.#fail(new TaskFailure(this.#input.id, 'TASK_START', e));
    }
    this.#applySeeks();
  }

  async #onRevoked(tps: readonly TopicPartition[]): Promise<void> {
    if (this.#stopping) return;
    await this.#commit(tps.map(tpKey));
    try {
      await this.#input.task.close(tps);
    } catch (e) {
      this.#log.error({ task: this.#input.id, err: e }, 'task.close() threw');
    }
    for (const tp of tps) {
      const k = tpKey(tp);
      this.#assignment.delete(k);
      this.#current.delete(k);
      this.#committed.delete(k);
      this.#pendingSeeks.delete(k);
    }
  }

  // ------------------------------------------------------------------------------------------ delivery

  async #onBatch(batch: ConsumedBatch): Promise<void> {
    if (this.#stopping || batch.messages.length === 0) return;
    const key = tpKey(batch);
    if (!this.#assignment.has(key)) {
      // The in-process consumer and kafkajs both announce assignments first; this is a safety net.
      await this.#onAssigned([topicPartition(batch.topic, batch.partition)]);
      if (this.#stopping) return;
    }
    if (!this.#committed.has(key)) this.#committed.set(key, batch.messages[0]!.offset);
    this.#metrics.recordsPolled += batch.messages.length;
    this.#metrics.batches++;
    if (batch.messages.length > this.#metrics.batchSizeMax) this.#metrics.batchSizeMax = batch.messages.length;
    if (!this.#topics.has(batch.topic)) {
      this.#topics.add(batch.topic);
      try {
        this.#input.onTopic?.(batch.topic);
      } catch (e) {
        this.#log.warn({ task: this.#input.id, err: e }, 'topic tracking hook threw; ignored');
      }
    }
    const records = await this.#convert(batch);
    if (records === null) return; // failed
    if (records.length > 0) {
      for (const m of batch.messages) this.#delivering.set(deliveredKey(batch.topic, batch.partition, m.offset), { topic: batch.topic, partition: batch.partition, message: m });
      try {
        if (!(await this.#deliver(records))) return;
      } finally {
        this.#delivering.clear();
      }
    }
    const last = batch.messages[batch.messages.length - 1]!.offset;
    // A seek the task asked for during put wins over the position after this batch.
    if (!this.#pendingSeeks.has(key)) this.#current.set(key, last + 1);
    this.#applySeeks();
    if (this.#commitRequested || Date.now() >= this.#nextCommitAt) await this.#commit();
  }

  /** Converts and transforms a batch; null when the task failed. */
  async #convert(batch: ConsumedBatch): Promise<SinkRecord[] | null> {
    const out: SinkRecord[] = [];
    for (const m of batch.messages) {
      let record: SinkRecord | null;
      try {
        record = this.#process(batch, m);
      } catch (e) {
        let error = e;
        const policy = this.#errors.retry;
        if (policy && isRetriable(e)) {
          const outcome = await retryAfterFailure(policy, () => this.#process(batch, m), e, Date.now(), {
            signal: this.#stopSignal.signal,
            onRetry: (attempt, delayMs, err) =>
              this.#log.warn({ task: this.#input.id, stage: this.#stage, attempt, delayMs, err }, 'retriable error; retrying the record'),
          });
          if (outcome.aborted) return null; // stopping: nothing of this batch is delivered or committed
          if (outcome.ok) {
            if (outcome.value) out.push(outcome.value);
            continue;
          }
          error = outcome.error;
        }
        if (!(await this.#tolerate(this.#stage, error, batch, m))) return null;
        continue;
      }
      if (record !== null) out.push(record);
    }
    return out;
  }

  /** Header/key/value converters, then the transforms; `#stage` tells where a throw came from. */
  #process(batch: ConsumedBatch, m: ConsumedMessage): SinkRecord | null {
    const { converters, transform } = this.#input;
    this.#stage = 'HEADER_CONVERTER';
    const headers = new Headers();
    for (const h of m.headers) {
      const sv = converters.header.toConnectHeader(batch.topic, h.key, h.value);
      headers.add(h.key, sv.value, sv.schema);
    }
    this.#stage = 'KEY_CONVERTER';
    const key = converters.key.toConnectData(batch.topic, m.key, headers);
    this.#stage = 'VALUE_CONVERTER';
    const value = converters.value.toConnectData(batch.topic, m.value, headers);
    this.#stage = 'TRANSFORMATION';
    const record = transform(
      new SinkRecord({
        topic: batch.topic,
        kafkaPartition: batch.partition,
        kafkaOffset: m.offset,
        keySchema: key.schema,
        key: key.value,
        valueSchema: value.schema,
        value: value.value,
        timestamp: m.timestamp,
        timestampType: m.timestampType,
        headers,
      }),
    );
    if (record === null) this.#metrics.recordsFiltered++;
    return record;
  }

  async #tolerate(stage: FailureStage, e: unknown, batch: ConsumedBatch, m: ConsumedMessage, sinkRecord?: SinkRecord): Promise<boolean> {
    const decision = await this.#errors.handle({
      id: this.#input.id,
      stage,
      error: e,
      consumed: { topic: batch.topic, partition: batch.partition, message: m },
      ...(sinkRecord ? { sinkRecord } : {}),
    });
    this.#metrics.recordErrors++;
    if (decision === 'skip') {
      this.#metrics.recordsSkipped++;
      return true;
    }
    await this.#fail(new TaskFailure(this.#input.id, stage, e, { topic: batch.topic, partition: batch.partition, offset: m.offset }));
    return false;
  }

  /**
   * put, redelivering the same batch after RetriableExceptions; false if the task failed or is stopping. Without
   * errors.retry.timeout (0, the default) redelivery goes on until put succeeds, as in Kafka Connect; with it,
   * retries end at the deadline and the batch then fails the task (tolerance none) or is skipped, each record
   * reported to the log / dead letter queue (tolerance all).
   */
  async #deliver(records: SinkRecord[]): Promise<boolean> {
    const policy = this.#errors.retry;
    const deadline = policy ? retryDeadline(policy, Date.now()) : Infinity;
    for (let attempt = 1; ; attempt++) {
      if (this.#stopping) return false;
      try {
        const putStarted = performance.now();
        await this.#input.task.put(records);
        const putMs = performance.now() - putStarted;
        const m = this.#metrics;
        m.recordsWritten += records.length;
        m.putBatches++;
        m.putTimeMs += putMs;
        if (putMs > m.putTimeMaxMs) m.putTimeMaxMs = putMs;
        return true;
      } catch (e) {
        const first = records[0]!;
        const coordinates = { topic: first.originalTopic, partition: first.originalKafkaPartition, offset: first.originalKafkaOffset };
        if (!(e instanceof RetriableException)) {
          await this.#fail(new TaskFailure(this.#input.id, 'TASK_PUT', e, coordinates));
          return false;
        }
        const now = Date.now();
        if (policy && now >= deadline) return this.#putRetriesExhausted(records, e);
        const taskWait = this.#retryTimeoutMs > 0 ? this.#retryTimeoutMs : undefined;
        this.#retryTimeoutMs = -1;
        const wait = Math.min(
          taskWait ?? (policy ? retryDelayMs(attempt, policy.maxDelayMs) : (this.#deps.retryBackoffMs ?? 1000)),
          deadline - now,
        );
        this.#log.warn({ task: this.#input.id, err: e, attempt, retryInMs: wait }, 'put failed with a retriable error; redelivering the batch');
        // Offsets of batches before this one may still be committed meanwhile.
        if (this.#commitRequested || Date.now() >= this.#nextCommitAt) await this.#commit();
        await sleep(wait, this.#stopSignal.signal);
      }
    }
  }

  /** errors.retry.timeout passed with put still failing: fail, or report and skip every record of the batch. */
  async #putRetriesExhausted(records: SinkRecord[], e: unknown): Promise<boolean> {
    for (const r of records) {
      const consumed = this.#delivering.get(deliveredKey(r.originalTopic, r.originalKafkaPartition, r.originalKafkaOffset));
      const batch = { topic: r.originalTopic, partition: r.originalKafkaPartition, messages: [] };
      const message = consumed?.message ?? { offset: r.originalKafkaOffset, key: null, value: null, headers: [], timestamp: r.timestamp, timestampType: r.timestampType };
      if (!(await this.#tolerate('TASK_PUT', e, batch, message, r))) return false;
    }
    return true;
  }

  #applySeeks(): void {
    for (const [k, { tp, offset }] of this.#pendingSeeks) {
      if (!this.#assignment.has(k)) continue;
      this.#consumer.seek(tp, offset);
      this.#current.set(k, offset);
    }
    this.#pendingSeeks.clear();
  }

  // ------------------------------------------------------------------------------------------ commits

  #requestCommit(): void {
    this.#commitRequested = true;
    this.#scheduleCommit();
  }

  /** A commit outside a batch (timer, request while idle), queued behind whatever the task is doing. */
  #scheduleCommit(): void {
    if (this.#commitScheduled || this.#stopping) return;
    this.#commitScheduled = true;
    void this.#ops.run(async () => {
      this.#commitScheduled = false;
      if (!this.#stopping) await this.#commit();
    });
  }

  /** preCommit + commit for the given partitions (default: all assigned). Runs inside #ops. */
  async #commit(keys?: readonly string[]): Promise<void> {
    const { task, id } = this.#input;
    this.#commitRequested = false;
    this.#nextCommitAt = Date.now() + this.#input.options.offsetFlushIntervalMs;
    const offsets: TopicPartitionOffsets = new Map();
    for (const k of keys ?? [...this.#assignment.keys()]) {
      const tp = this.#assignment.get(k);
      const offset = this.#current.get(k);
      if (tp && offset !== undefined) offsets.set(k, { tp, offset });
    }
    if (offsets.size === 0) return;
    try {
      // Records reported to the dead letter queue must be there before offsets pass them (Kafka awaits the
      // errant record futures the same way).
      await this.#errors.flush?.();
    } catch (e) {
      await this.#fail(new TaskFailure(id, 'TASK_COMMIT', e));
      return;
    }
    const commitStarted = performance.now();
    let approved: TopicPartitionOffsets;
    try {
      approved = await task.preCommit(new Map(offsets));
    } catch (e) {
      this.#metrics.offsetCommitFailures++;
      this.#log.error({ task: id, err: e }, 'preCommit/flush failed; rewinding to the last committed offsets');
      for (const k of offsets.keys()) {
        const committed = this.#committed.get(k);
        const tp = this.#assignment.get(k);
        if (committed === undefined || !tp) continue;
        this.#consumer.seek(tp, committed);
        this.#current.set(k, committed);
      }
      return;
    }
    const toCommit: TopicPartitionOffset[] = [];
    for (const [k, { tp, offset }] of approved ?? []) {
      const delivered = this.#current.get(k);
      // Offsets beyond what was delivered, or for partitions not assigned, are ignored (as in Kafka Connect).
      if (!this.#assignment.has(k) || delivered === undefined || offset > delivered) continue;
      if (this.#committed.get(k) === offset) continue;
      toCommit.push({ topic: tp.topic, partition: tp.partition, offset });
    }
    if (toCommit.length === 0) return;
    try {
      await this.#consumer.commit(toCommit);
    } catch (e) {
      this.#metrics.offsetCommitFailures++;
      this.#log.error({ task: id, err: e }, 'offset commit failed; will retry at the next commit');
      return;
    }
    for (const o of toCommit) this.#committed.set(tpKey(o), o.offset);
    const commitMs = performance.now() - commitStarted;
    this.#metrics.offsetCommitTimeMs += commitMs;
    if (commitMs > this.#metrics.offsetCommitMaxTimeMs) this.#metrics.offsetCommitMaxTimeMs = commitMs;
    this.#metrics.offsetCommits++;
    this.#metrics.lastOffsetCommitMs = Date.now();
  }

  // ------------------------------------------------------------------------------------------ control

  #pauseAll(): void {
    this.#runPaused = true;
    this.#consumer.pause([...this.#assignment.values()]);
    this.#requestCommit();
  }

  #resumeAll(): void {
    this.#runPaused = false;
    this.#consumer.resume([...this.#assignment].filter(([k]) => !this.#taskPaused.has(k)).map(([, tp]) => tp));
  }

  #stop(timeoutMs: number): Promise<void> {
    this.#stopPromise ??= this.#shutdown(timeoutMs).then(
      () => (this.#failure ? this.#rejectDone(this.#failure) : this.#resolveDone()),
      (e: unknown) => this.#rejectDone(e instanceof TaskFailure ? e : new TaskFailure(this.#input.id, 'TASK_COMMIT', e)),
    );
    return this.#stopPromise;
  }

  async #shutdown(timeoutMs: number): Promise<void> {
    clearInterval(this.#flushTimer);
    // Whatever the task is doing finishes first (bounded), then the final commit and close run in order.
    const finalSteps = this.#ops.run(async () => {
      this.#stopping = true;
      this.#stopSignal.abort();
      if (this.#started) {
        const all = [...this.#assignment.keys()];
        await this.#commit(all);
        try {
          await this.#input.task.close([...this.#assignment.values()]);
        } catch (e) {
          this.#log.error({ task: this.#input.id, err: e }, 'task.close() threw');
        }
        try {
          await this.#input.task.stop();
        } catch (e) {
          this.#log.error({ task: this.#input.id, err: e }, 'task.stop() threw');
        }
      }
    });
    this.#stopping = true;
    this.#stopSignal.abort();
    await settlesWithin(finalSteps, timeoutMs);
    try {
      await this.#consumer.disconnect();
    } catch (e) {
      this.#log.warn({ task: this.#input.id, err: e }, 'consumer disconnect failed');
    }
    try {
      await this.#errors.close?.(timeoutMs);
    } catch (e) {
      this.#log.warn({ task: this.#input.id, err: e }, 'closing the dead letter queue failed');
    }
    try {
      await this.#deps.close?.();
    } catch (e) {
      this.#log.warn({ task: this.#input.id, err: e }, 'closing the consumer failed');
    }
  }

  async #fail(failure: TaskFailure): Promise<void> {
    if (this.#failure) return;
    this.#failure = failure;
    this.#log.error({ task: this.#input.id, err: failure }, 'sink task failed');
    // Called from inside #ops (a batch): stop without waiting on the queue we are running in.
    void this.#stop(this.#input.options.offsetFlushTimeoutMs);
  }
}

function deliveredKey(topic: string, partition: number, offset: number): string {
  return `${topic}\u0000${partition}\u0000${offset}`;
}
