/**
 * The commit stage of the sink path, and the positions it commits: per ORIGINAL topic-partition, the next
 * offset to read for what was delivered to the task (or filtered, or skipped), and what was committed. A commit
 * first awaits the error handler's reports (DLQ writes), then asks `task.preCommit` (flush) which offsets may
 * go, and commits only those that are assigned and not beyond what was delivered — as Kafka Connect does. A
 * failed preCommit rewinds the consumer to the last committed offsets.
 */
import type { SinkTask, TopicPartition, TopicPartitionOffsets } from '../../connectors/api/index.js';
import { topicPartition, tpKey } from '../../connectors/api/index.js';
import type { TaskId, TaskMetrics } from '../contracts.js';
import { TaskFailure } from '../contracts.js';
import type { KafkaConsumer, StreamLogger, TopicPartitionOffset } from '../kafka/client.js';
import type { RecordErrorHandler } from '../errors/record-error-handler.js';
import { countOffsetCommit } from '../task-metrics.js';
import type { Context } from '@opentelemetry/api';
import { ATTR_OFFSET_PARTITIONS, traced, type StageSpan, type TaskTracer } from '../../tracing/index.js';

export interface SinkOffsetsDeps {
  readonly id: TaskId;
  readonly task: SinkTask;
  readonly consumer: KafkaConsumer;
  readonly errors: RecordErrorHandler;
  readonly metrics: Required<TaskMetrics>;
  readonly log: StreamLogger;
  readonly flushIntervalMs: number;
  fail(failure: TaskFailure): void;
  /** When the task is traced: a span per commit that has offsets to commit. */
  readonly tracer?: TaskTracer | undefined;
}

export class SinkOffsets {
  readonly #d: SinkOffsetsDeps;
  readonly #assignment = new Map<string, TopicPartition>();
  /** Next offset to read per original partition, for what was delivered to the task (or filtered). */
  readonly #current = new Map<string, number>();
  readonly #committed = new Map<string, number>();
  readonly #pendingSeeks = new Map<string, { tp: TopicPartition; offset: number }>();
  #commitRequested = false;
  #nextCommitAt: number;

  constructor(deps: SinkOffsetsDeps) {
    this.#d = deps;
    this.#nextCommitAt = Date.now() + deps.flushIntervalMs;
  }

  // ------------------------------------------------------------------------------------------ assignment

  isAssigned(key: string): boolean {
    return this.#assignment.has(key);
  }

  assigned(): TopicPartition[] {
    return [...this.#assignment.values()];
  }

  assignedEntries(): Array<[string, TopicPartition]> {
    return [...this.#assignment];
  }

  assign(tps: readonly TopicPartition[]): void {
    for (const tp of tps) this.#assignment.set(tpKey(tp), topicPartition(tp.topic, tp.partition));
  }

  /** Forgets revoked partitions (after their final commit). */
  forget(tps: readonly TopicPartition[]): void {
    for (const tp of tps) {
      const k = tpKey(tp);
      this.#assignment.delete(k);
      this.#current.delete(k);
      this.#committed.delete(k);
      this.#pendingSeeks.delete(k);
    }
  }

  // ------------------------------------------------------------------------------------------ positions

  /** The first offset seen of a partition counts as committed (nothing before it was delivered by us). */
  noteFirst(key: string, offset: number): void {
    if (!this.#committed.has(key)) this.#committed.set(key, offset);
  }

  /** Everything up to `next` was delivered; a seek the task asked for meanwhile wins. */
  advance(key: string, next: number): void {
    if (!this.#pendingSeeks.has(key)) this.#current.set(key, next);
  }

  /** context.offset(): where to read next, applied after the current batch. */
  requestSeek(tp: TopicPartition, offset: number): void {
    this.#pendingSeeks.set(tpKey(tp), { tp: topicPartition(tp.topic, tp.partition), offset });
  }

  applySeeks(): void {
    for (const [k, { tp, offset }] of this.#pendingSeeks) {
      if (!this.#assignment.has(k)) continue;
      this.#d.consumer.seek(tp, offset);
      this.#current.set(k, offset);
    }
    this.#pendingSeeks.clear();
  }

  // ------------------------------------------------------------------------------------------ commits

  requestCommit(): void {
    this.#commitRequested = true;
  }

  /** Asked for (context.requestCommit, pause) or `offset.flush.interval.ms` passed. */
  get due(): boolean {
    return this.#commitRequested || Date.now() >= this.#nextCommitAt;
  }

  /** `trace`: the batch whose delivery made the commit due (its commit span is a child of that batch's trace). */
  async commitIfDue(trace?: Context): Promise<void> {
    if (this.due) await this.commit(undefined, trace);
  }

  /** preCommit + commit for the given partitions (default: all assigned). Callers serialize it with the task. */
  async commit(keys?: readonly string[], trace?: Context): Promise<void> {
    this.#commitRequested = false;
    this.#nextCommitAt = Date.now() + this.#d.flushIntervalMs;
    const offsets: TopicPartitionOffsets = new Map();
    for (const k of keys ?? [...this.#assignment.keys()]) {
      const tp = this.#assignment.get(k);
      const offset = this.#current.get(k);
      if (tp && offset !== undefined) offsets.set(k, { tp, offset });
    }
    if (offsets.size === 0) return;
    const attributes = { [ATTR_OFFSET_PARTITIONS]: offsets.size };
    await traced(this.#d.tracer, 'commit', { parent: trace, attributes }, (span) => this.#commit(offsets, span));
  }

  async #commit(offsets: TopicPartitionOffsets, span: StageSpan | undefined): Promise<void> {
    const { task, id, consumer, metrics, log } = this.#d;
    try {
      // Records reported to the dead letter queue must be there before offsets pass them (Kafka awaits the
      // errant record futures the same way).
      await this.#d.errors.flush?.();
    } catch (e) {
      span?.fail(e);
      this.#d.fail(new TaskFailure(id, 'TASK_COMMIT', e));
      return;
    }
    const commitStarted = performance.now();
    let approved: TopicPartitionOffsets;
    try {
      approved = await task.preCommit(new Map(offsets));
    } catch (e) {
      span?.fail(e);
      metrics.offsetCommitFailures++;
      log.error({ task: id, err: e }, 'preCommit/flush failed; rewinding to the last committed offsets');
      for (const k of offsets.keys()) {
        const committed = this.#committed.get(k);
        const tp = this.#assignment.get(k);
        if (committed === undefined || !tp) continue;
        consumer.seek(tp, committed);
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
      await consumer.commit(toCommit);
    } catch (e) {
      span?.fail(e);
      metrics.offsetCommitFailures++;
      log.warn({ task: id, err: e }, 'offset commit failed; will retry at the next commit');
      return;
    }
    for (const o of toCommit) this.#committed.set(tpKey(o), o.offset);
    countOffsetCommit(metrics, performance.now() - commitStarted);
  }
}
