import type { OffsetMap, SourceRecord } from '../../data/index.js';
import type { ConnectorConfig } from './connector.js';

/** Reads committed source offsets, to resume where the task left off. */
export interface OffsetStorageReader {
  offset(partition: OffsetMap): Promise<OffsetMap | null>;
  offsets(partitions: readonly OffsetMap[]): Promise<Map<OffsetMap, OffsetMap | null>>;
}

export interface SourceTaskContext {
  configs(): ConnectorConfig;
  readonly offsetStorageReader: OffsetStorageReader;
  /**
   * Kafka Connect's `transactionContext()`: present only when the worker runs this task exactly-once
   * (`exactly.once.source.support=enabled`) and the connector's `transaction.boundary` is `connector`.
   */
  readonly transactionContext?: TransactionContext;
}

/**
 * Lets a source task define its producer transactions (KIP-618, `transaction.boundary=connector`). A request
 * about a record applies once that record has been sent; a request about the batch, once the whole batch of the
 * current `poll()` has been. An aborted transaction's records are dropped (a read_committed consumer never sees
 * them) and are not polled again: their offsets go with the next committed transaction, as in Kafka Connect.
 */
export interface TransactionContext {
  /** Commit the transaction after the current batch. */
  commitTransaction(): void;
  /** Commit the transaction right after this record (one of the current batch). */
  commitTransaction(record: SourceRecord): void;
  /** Abort the transaction after the current batch. */
  abortTransaction(): void;
  /** Abort the transaction right after this record. */
  abortTransaction(record: SourceRecord): void;
}

/** Where Kafka stored a record (null for a record dropped by a transform or tolerated error). */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number | null;
}

/**
 * A source task pulls records from an outside system. The runtime calls `poll` only when the pipeline below
 * has room; `poll` should return within about a second (an empty array or null when idle) so pause and stop
 * are prompt. `signal` is aborted when the runtime wants the task to stop.
 */
export abstract class SourceTask {
  #context: SourceTaskContext | undefined;

  initialize(context: SourceTaskContext): void {
    this.#context = context;
  }
  protected get context(): SourceTaskContext {
    if (!this.#context) throw new Error(`${this.constructor.name} used before initialize()`);
    return this.#context;
  }

  abstract version(): string;
  abstract start(config: ConnectorConfig): void | Promise<void>;
  abstract poll(signal: AbortSignal): Promise<SourceRecord[] | null>;
  abstract stop(): void | Promise<void>;
  /**
   * A bounded source (datagen with `max.records`, a file source reading stdin to its end) returns true once it
   * will never produce another record; `poll` then keeps returning null. The runtime may stop such a task after
   * its last offsets are committed (`sluice run` exits when every source task is finished). Default: never.
   */
  isFinished(): boolean {
    return false;
  }
  /** Called after an offset commit succeeded. */
  commit(): void | Promise<void> {}
  /** Called once Kafka acknowledged `record` (metadata null if it was filtered or dropped). */
  commitRecord(_record: SourceRecord, _metadata: RecordMetadata | null): void | Promise<void> {}
}

export type SourceTaskClass = (new () => SourceTask) & { readonly className?: string };
