/**
 * A running source task: its lifecycle around the source path (source-stages.ts),
 *
 *   poll → transform → convert → produce → ack        and, beside it, the offset commit (source-offsets.ts)
 *
 * Start connects the producer (and the admin for KIP-158 topic creation), starts the error handler and the
 * task, then subscribes the path. Pause closes the valve before `poll`; stop ends polling, waits (within the
 * budget) for in-flight batches to be acknowledged, commits what was, stops the task and closes the clients. A
 * failure anywhere stops the same way, so what was acknowledged before it is still committed.
 */
import type { Subscription } from 'rxjs';
import type { SourceTaskContext, TransactionContext } from '../../connectors/api/index.js';
import type { SourceTaskInput, TaskMetrics, TaskRun } from '../contracts.js';
import { TaskFailure } from '../contracts.js';
import type { KafkaAdmin, KafkaProducer, StreamLogger, TransactionalProducer } from '../kafka/client.js';
import { SourceTransactions } from './source-transactions.js';
import { TaskTransactionContext } from './transaction-context.js';
import type { TransactionalDlqProducer } from './transactional-dlq.js';
import { silentLogger } from '../kafka/client.js';
import { SubmittedRecords } from '../offsets/submitted-records.js';
import { failOnError, withErrorMetrics, type RecordErrorHandler } from '../errors/record-error-handler.js';
import { RetryWithToleranceOperator } from '../errors/retry-with-tolerance.js';
import { Permits } from '../util/permits.js';
import { Valve } from '../util/valve.js';
import { RunEnd } from '../util/run-end.js';
import { RateLimits } from '../util/rate-limit.js';
import { newMetrics } from '../task-metrics.js';
import { settlesWithin } from '../../async/index.js';
import { TopicCreator, topicCreationGroups } from './topic-creation.js';
import { SourceOffsetCommitter } from './source-offsets.js';
import { SourceAcks, ack, convert, poll, produce, transform, type SourceStageContext } from './source-stages.js';

export interface SourcePipelineDeps {
  /** The pipeline connects it at start and disconnects it at stop. */
  readonly producer: KafkaProducer;
  /** Required when the input runs exactly-once: the transactional producer (also given as `producer`). */
  readonly transactional?: TransactionalProducer;
  /** Exactly-once with a dead letter queue: the DLQ producer whose writes go in the transactions. */
  readonly transactionalDlq?: TransactionalDlqProducer;
  /** For KIP-158 topic creation (connected and disconnected by the pipeline, and only if the config asks). */
  readonly admin?: KafkaAdmin;
  readonly logger?: StreamLogger;
  readonly errors?: RecordErrorHandler;
  /** Called last, after task.stop() (disconnect clients). */
  readonly close?: () => Promise<void>;
  /** Backoff after a RetriableException from poll. */
  readonly pollRetryBackoffMs?: number;
}

/**
 * A source task's context: its config, its connector's offsets read from the store, and the transaction context
 * when the task defines its transactions.
 */
export function sourceTaskContext(
  { config, id, offsets }: Pick<SourceTaskInput, 'config' | 'id' | 'offsets'>,
  transactionContext?: TransactionContext,
): SourceTaskContext {
  return {
    configs: () => config,
    offsetStorageReader: {
      offset: async (partition) => (await offsets.get(id.connector, [partition])).get(partition) ?? null,
      offsets: (partitions) => offsets.get(id.connector, partitions),
    },
    ...(transactionContext ? { transactionContext } : {}),
  };
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
  readonly #permits: Permits;
  readonly #valve = new Valve();
  readonly #submitted = new SubmittedRecords();
  readonly #offsets: SourceOffsetCommitter;
  readonly #stopSignal = new AbortController();
  readonly #acks: SourceAcks;
  readonly #ctx: SourceStageContext;
  #topicCreator: TopicCreator | null = null;
  /** Exactly-once runs only: the transactions that replace produce → ack and the offset commits. */
  readonly #transactions: SourceTransactions | null = null;
  readonly #transactionContext: TaskTransactionContext | null = null;
  #abandoned = false;
  #stopping = false;
  #started = false;
  #subscriptions: Subscription[] = [];
  readonly #pollLoopDone: Promise<void>;
  #pollLoopExited!: () => void;
  readonly #end: RunEnd;

  constructor(input: SourceTaskInput, deps: SourcePipelineDeps) {
    this.#input = input;
    this.#deps = deps;
    this.#log = deps.logger ?? silentLogger;
    this.#errors = deps.errors ?? failOnError;
    // A transactional DLQ write must land in the transaction of its own record: one batch at a time.
    this.#permits = new Permits(deps.transactionalDlq ? 1 : input.options.maxInFlightBatches);
    this.#offsets = new SourceOffsetCommitter(input, this.#submitted, this.#metrics, this.#log);
    this.#pollLoopDone = new Promise((r) => (this.#pollLoopExited = r));
    const runner = new RetryWithToleranceOperator({
      id: input.id,
      handler: this.#errors,
      metrics: this.#metrics,
      logger: this.#log,
      signal: this.#stopSignal.signal,
    });
    const fail = (failure: TaskFailure) => void this.#fail(failure);
    this.#acks = new SourceAcks({ input, log: this.#log, runner, fail });
    const self = this;
    this.#ctx = {
      input,
      producer: deps.producer,
      runner,
      metrics: this.#metrics,
      log: this.#log,
      demand: this.#permits,
      valve: this.#valve,
      submitted: this.#submitted,
      get topicCreator() {
        return self.#topicCreator;
      },
      signal: this.#stopSignal.signal,
      pollRetryBackoffMs: deps.pollRetryBackoffMs ?? 100,
      acks: this.#acks,
      stopping: () => this.#stopping,
      halted: () => this.#end.failure !== undefined || this.#abandoned,
      abandon: () => {
        this.#abandoned = true;
      },
      fail,
      pollEnded: () => this.#pollLoopExited(),
      limits: RateLimits.of(input.config),
      takeBatchRequest: () => this.#transactionContext?.takeForBatch() ?? null,
    };
    this.#end = new RunEnd(input.id);
    if (input.exactlyOnce && deps.transactional) {
      this.#transactionContext = input.exactlyOnce.boundary === 'connector' ? new TaskTransactionContext() : null;
      this.#transactions = new SourceTransactions(this.#ctx, input.exactlyOnce, deps.transactional, this.#transactionContext, deps.transactionalDlq ?? null);
    }
    this.run = {
      id: input.id,
      done: this.#end.done,
      pause: () => {
        this.#valve.close();
        this.#transactions?.commitOnPause();
      },
      resume: () => this.#valve.open(),
      stop: (timeoutMs) => this.#stop(timeoutMs),
      metrics: () => withErrorMetrics({ ...this.#metrics, inFlightBatches: this.#permits.inUse }, this.#errors),
      // Before its start() a task has no state to judge by (a bounded task may then count 0 of 0 records).
      finished: () => this.#started && input.task.isFinished?.() === true,
    };
    void this.#start();
  }

  async #start(): Promise<void> {
    const { task, config, id } = this.#input;
    try {
      if (this.#input.exactlyOnce && !this.#transactions) {
        throw new Error('exactly-once source support needs a Kafka cluster: this transport has no transactional producer');
      }
      const groups = topicCreationGroups(config);
      if (groups && this.#deps.admin) this.#topicCreator = new TopicCreator(groups, this.#deps.admin);
      const context = sourceTaskContext(this.#input, this.#transactionContext ?? undefined);
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
    const ctx = this.#ctx;
    const unexpected = (e: unknown) => void this.#fail(e instanceof TaskFailure ? e : new TaskFailure(id, 'KAFKA_PRODUCE', e));
    const transactions = this.#transactions;
    this.#subscriptions = transactions
      ? [poll(ctx).pipe(transform(ctx), convert(ctx), transactions.operator()).subscribe({ error: unexpected })]
      : [
          this.#offsets.everyInterval().subscribe({ error: unexpected }),
          poll(ctx).pipe(transform(ctx), convert(ctx), produce(ctx), ack(ctx)).subscribe({ error: unexpected }),
        ];
  }

  #stop(timeoutMs: number): Promise<void> {
    return this.#end.stop(() => this.#shutdown(timeoutMs));
  }

  async #shutdown(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    this.#stopping = true;
    this.#stopSignal.abort();
    this.#valve.open();
    if (!this.#transactions) this.#subscriptions[0]?.unsubscribe(); // the interval commits; the last one is below
    // A poll that ignores the abort signal gets until the deadline to return.
    await settlesWithin(this.#pollLoopDone, deadline - Date.now());
    // Every polled batch gives its permit back once acknowledged, or dropped (after a failure, batches not yet
    // sent are dropped; sends in flight are still acknowledged).
    const ackBudget = Math.min(this.#input.options.offsetFlushTimeoutMs, Math.max(0, deadline - Date.now()));
    const budget = new AbortController();
    const settled = await settlesWithin(this.#permits.drained(budget.signal), ackBudget);
    budget.abort();
    if (!settled) {
      this.#log.warn(
        { task: this.#input.id, outstanding: this.#submitted.outstanding },
        'stopping with unacknowledged records; their offsets are not committed',
      );
    }
    for (const s of this.#subscriptions) s.unsubscribe();
    // Skipped records are acknowledged once their DLQ writes are: give those the same budget.
    if (this.#acks.reports.size > 0) await settlesWithin(Promise.allSettled([...this.#acks.reports]), Math.max(ackBudget, 0));
    if (this.#transactions) await this.#transactions.finish(this.#end.failure !== undefined || this.#abandoned);
    else await this.#offsets.commit();
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
    // A failure during a stop is what `done` rejects with, but it starts nothing.
    if (!this.#end.noteFailure(failure) || this.#end.stopping) return;
    this.#metrics.inFlightBatches = this.#permits.inUse;
    // The task actor logs the failure (one line per event); this only marks the stop it starts.
    this.#log.debug({ task: this.#input.id, err: failure }, 'source task failed; stopping');
    // What was acknowledged before the failure may still be committed: no loss, fewer duplicates.
    await this.#stop(this.#input.options.offsetFlushTimeoutMs);
  }
}
