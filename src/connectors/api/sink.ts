import type { SinkRecord } from '../../data/index.js';
import type { ConnectorConfig } from './connector.js';
import type { TopicPartition, TopicPartitionOffsets } from './topic-partition.js';

/** Reports a record the task could not handle; it goes to the dead letter queue / error log, as configured. */
export interface ErrantRecordReporter {
  report(record: SinkRecord, error: Error): Promise<void>;
}

export interface SinkTaskContext {
  configs(): ConnectorConfig;
  /** Seek: the next record delivered for `tp` is at `offset`. */
  offset(tp: TopicPartition, offset: number): void;
  /** After a RetriableException, wait this long before redelivering. */
  timeout(ms: number): void;
  assignment(): readonly TopicPartition[];
  pause(...partitions: TopicPartition[]): void;
  resume(...partitions: TopicPartition[]): void;
  /** Ask for an offset commit (flush) soon. */
  requestCommit(): void;
  /** Null unless a dead letter queue or error logging is configured. */
  readonly errantRecordReporter: ErrantRecordReporter | null;
}

/**
 * A sink task pushes records to an outside system. `put` gets batches; offsets are committed only after
 * `preCommit` (by default `flush`) succeeded for them.
 */
export abstract class SinkTask {
  #context: SinkTaskContext | undefined;

  initialize(context: SinkTaskContext): void {
    this.#context = context;
  }
  protected get context(): SinkTaskContext {
    if (!this.#context) throw new Error(`${this.constructor.name} used before initialize()`);
    return this.#context;
  }

  abstract version(): string;
  abstract start(config: ConnectorConfig): void | Promise<void>;
  abstract put(records: readonly SinkRecord[]): void | Promise<void>;
  abstract stop(): void | Promise<void>;
  /** Make everything `put` so far durable. */
  flush(_offsets: TopicPartitionOffsets): void | Promise<void> {}
  /** Which offsets may be committed; default: flush, then all of them. */
  async preCommit(offsets: TopicPartitionOffsets): Promise<TopicPartitionOffsets> {
    await this.flush(offsets);
    return offsets;
  }
  open(_partitions: readonly TopicPartition[]): void | Promise<void> {}
  close(_partitions: readonly TopicPartition[]): void | Promise<void> {}
}

export type SinkTaskClass = (new () => SinkTask) & { readonly className?: string };
