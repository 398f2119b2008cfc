/**
 * A running sink task: its lifecycle around the sink path (sink-stages.ts),
 *
 *   consume → convert → transform → put → commit (preCommit/flush, then the consumer group commit)
 *
 * The consumer's callbacks — a batch, an assignment, a revocation — and the commits outside a batch (timer,
 * `context.requestCommit()`, pause) run one at a time, in order, through one queue: the task is never called
 * concurrently. Offsets committed are next-offsets-to-read keyed by the ORIGINAL topic-partition, only for what
 * `preCommit` returned (never beyond what was delivered): every `offsetFlushIntervalMs`, on request, on
 * revocation and at stop.
 */
import type { Subscription as RxSubscription } from 'rxjs';
import type { SinkTaskContext, TopicPartition } from '../../connectors/api/index.js';
import { tpKey } from '../../connectors/api/index.js';
import type { SinkTaskInput, TaskMetrics, TaskRun } from '../contracts.js';
import { TaskFailure } from '../contracts.js';
import type { KafkaConsumer, StreamLogger, Subscription } from '../kafka/client.js';
import { silentLogger } from '../kafka/client.js';
import { failOnError, withErrorMetrics, type RecordErrorHandler } from '../errors/record-error-handler.js';
import { RetryWithToleranceOperator, isRetriable } from '../errors/retry-with-tolerance.js';
import { SerialQueue, settlesWithin, sleep } from '../../async/index.js';
import { newMetrics } from '../task-metrics.js';
import { TopicTracker } from '../util/topic-tracker.js';
import { RunEnd } from '../util/run-end.js';
import { RateLimits } from '../util/rate-limit.js';
import { SinkOffsets } from './sink-offsets.js';
import { sinkSubscription } from './subscription.js';
import { DeliveringBatch } from './delivering-batch.js';
import { ConsumedBatches, commit, consume, convert, put, transform, type SinkStageContext } from './sink-stages.js';

export { sinkSubscription } from './subscription.js';

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

class SinkPipeline {
  readonly run: TaskRun;
  readonly #input: SinkTaskInput;
  readonly #deps: SinkPipelineDeps;
  readonly #consumer: KafkaConsumer;
  readonly #log: StreamLogger;
  readonly #errors: RecordErrorHandler;
  readonly #metrics: Required<TaskMetrics> = newMetrics();
  /** KIP-558 topic tracking. */
  readonly #topics: TopicTracker;
  /** Every call into the task (open, put, preCommit, close, stop) goes through here, one at a time. */
  readonly #ops = new SerialQueue();
  readonly #offsets: SinkOffsets;
  readonly #deliveries = new ConsumedBatches();
  readonly #taskPaused = new Set<string>();
  readonly #stopSignal = new AbortController();
  /** The consumed bytes of the batch being delivered, for the errant record reporter and the DLQ. */
  readonly #delivering = new DeliveringBatch();
  readonly #ctx: SinkStageContext;
  #path: RxSubscription | undefined;
  #runPaused = false;
  #commitScheduled = false;
  #retryTimeoutMs = -1;
  #flushTimer: NodeJS.Timeout | undefined;
  #started = false;
  #stopping = false;
  readonly #end: RunEnd;

  constructor(input: SinkTaskInput, deps: SinkPipelineDeps) {
    this.#input = input;
    this.#deps = deps;
    this.#consumer = deps.consumer;
    this.#log = deps.logger ?? silentLogger;
    this.#errors = deps.errors ?? failOnError;
    this.#topics = new TopicTracker(input.id, input.onTopic, this.#log);
    const fail = (failure: TaskFailure) => this.#fail(failure);
    this.#offsets = new SinkOffsets({
      id: input.id,
      task: input.task,
      consumer: deps.consumer,
      errors: this.#errors,
      metrics: this.#metrics,
      log: this.#log,
      flushIntervalMs: input.options.offsetFlushIntervalMs,
      fail,
      tracer: input.tracer,
    });
    this.#ctx = {
      input,
      runner: new RetryWithToleranceOperator({ id: input.id, handler: this.#errors, metrics: this.#metrics, logger: this.#log, signal: this.#stopSignal.signal }),
      metrics: this.#metrics,
      log: this.#log,
      offsets: this.#offsets,
      deliveries: this.#deliveries,
      signal: this.#stopSignal.signal,
      retryBackoffMs: deps.retryBackoffMs ?? 1000,
      delivering: this.#delivering,
      stopping: () => this.#stopping,
      fail,
      takeRetryTimeout: () => {
        const ms = this.#retryTimeoutMs > 0 ? this.#retryTimeoutMs : undefined;
        this.#retryTimeoutMs = -1;
        return ms;
      },
      assignLate: (tp) => this.#onAssigned([tp]),
      noteTopic: (topic) => this.#topics.note(topic),
      limits: RateLimits.of(input.config),
    };
    this.#end = new RunEnd(input.id);
    this.run = {
      id: input.id,
      done: this.#end.done,
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
    const ctx = this.#ctx;
    this.#path = consume(ctx)
      .pipe(convert(ctx), transform(ctx), put(ctx), commit(ctx))
      .subscribe({
        next: (d) => d.settle(),
        error: (e: unknown) => this.#fail(e instanceof TaskFailure ? e : new TaskFailure(id, 'KAFKA_CONSUME', e)),
      });
    try {
      await this.#consumer.connect();
      if (!(await this.#subscribe(subscription))) return;
      await this.#consumer.run({
        onBatch: (batch) => this.#ops.run(() => this.#deliveries.offer(batch)),
        onAssigned: (tps) => this.#ops.run(() => this.#onAssigned(tps)),
        onRevoked: (tps) => this.#ops.run(() => this.#onRevoked(tps)),
        onCrash: (e) => this.#fail(new TaskFailure(id, 'KAFKA_CONSUME', e)),
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
      if (this.#offsets.due) this.#scheduleCommit();
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
        if (!this.#offsets.isAssigned(tpKey(tp))) throw new Error(`partition ${tpKey(tp)} is not assigned to task ${this.#taskName()}`);
      }
    };
    return {
      configs: () => this.#input.config,
      offset: (tp, offset) => this.#offsets.requestSeek(tp, offset),
      timeout: (ms) => {
        this.#retryTimeoutMs = ms;
      },
      assignment: () => this.#offsets.assigned(),
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
      errantRecordReporter:
        this.#errors.errantRecordReporter?.((r) => this.#delivering.find(r.originalTopic, r.originalKafkaPartition, r.originalKafkaOffset)) ?? null,
    };
  }

  #taskName(): string {
    return `${this.#input.id.connector}-${this.#input.id.task}`;
  }

  // ------------------------------------------------------------------------------------------ rebalance

  async #onAssigned(tps: readonly TopicPartition[]): Promise<void> {
    if (this.#stopping) return;
    this.#offsets.assign(tps);
    // Pauses asked for by the task survive rebalances; a paused task keeps everything paused.
    if (this.#runPaused) this.#consumer.pause(tps);
    else this.#consumer.pause(tps.filter((tp) => this.#taskPaused.has(tpKey(tp))));
    try {
      await this.#input.task.open(tps);
    } catch (e) {
      return this.#fail(new TaskFailure(this.#input.id, 'TASK_START', e));
    }
    this.#offsets.applySeeks();
  }

  async #onRevoked(tps: readonly TopicPartition[]): Promise<void> {
    if (this.#stopping) return;
    await this.#offsets.commit(tps.map(tpKey));
    try {
      await this.#input.task.close(tps);
    } catch (e) {
      this.#log.error({ task: this.#input.id, err: e }, 'task.close() threw');
    }
    this.#offsets.forget(tps);
  }

  // ------------------------------------------------------------------------------------------ commits

  #requestCommit(): void {
    this.#offsets.requestCommit();
    this.#scheduleCommit();
  }

  /** A commit outside a batch (timer, request while idle), queued behind whatever the task is doing. */
  #scheduleCommit(): void {
    if (this.#commitScheduled || this.#stopping) return;
    this.#commitScheduled = true;
    void this.#ops.run(async () => {
      this.#commitScheduled = false;
      if (!this.#stopping) await this.#offsets.commit();
    });
  }

  // ------------------------------------------------------------------------------------------ control

  #pauseAll(): void {
    this.#runPaused = true;
    this.#consumer.pause(this.#offsets.assigned());
    this.#requestCommit();
  }

  #resumeAll(): void {
    this.#runPaused = false;
    this.#consumer.resume(this.#offsets.assignedEntries().filter(([k]) => !this.#taskPaused.has(k)).map(([, tp]) => tp));
  }

  #stop(timeoutMs: number): Promise<void> {
    return this.#end.stop(() => this.#shutdown(timeoutMs));
  }

  async #shutdown(timeoutMs: number): Promise<void> {
    clearInterval(this.#flushTimer);
    // Whatever the task is doing finishes first (bounded), then the final commit and close run in order.
    const finalSteps = this.#ops.run(async () => {
      this.#stopping = true;
      this.#stopSignal.abort();
      if (this.#started) {
        await this.#offsets.commit(this.#offsets.assignedEntries().map(([k]) => k));
        try {
          await this.#input.task.close(this.#offsets.assigned());
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
    this.#deliveries.close();
    this.#path?.unsubscribe();
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

  #fail(failure: TaskFailure): void {
    if (!this.#end.noteFailure(failure)) return;
    this.#log.error({ task: this.#input.id, err: failure }, 'sink task failed');
    // Called from inside #ops (a batch): stop without waiting on the queue we are running in.
    void this.#stop(this.#input.options.offsetFlushTimeoutMs);
  }
}
