/**
 * Kafka Connect's WorkerTransactionContext: what a source task asked for with `transaction.boundary=connector`.
 * Requests about a record are keyed by the record object the task returned from `poll()`; each request is taken
 * once. Asking for both a commit and an abort of the same transaction is the task's bug and fails it.
 */
import type { SourceRecord } from '../../data/index.js';
import type { TransactionContext } from '../../connectors/api/index.js';

export type TransactionRequest = 'commit' | 'abort';

export class ConflictingTransactionRequests extends Error {
  override readonly name = 'ConflictingTransactionRequests';
}

export class TaskTransactionContext implements TransactionContext {
  readonly #commitOn = new Set<SourceRecord>();
  readonly #abortOn = new Set<SourceRecord>();
  #commitBatch = false;
  #abortBatch = false;

  commitTransaction(record?: SourceRecord): void {
    if (record === undefined) this.#commitBatch = true;
    else this.#commitOn.add(record);
  }

  abortTransaction(record?: SourceRecord): void {
    if (record === undefined) this.#abortBatch = true;
    else this.#abortOn.add(record);
  }

  /** True when some record of a batch may carry a request (a cheap check before looking at each one). */
  get hasRecordRequests(): boolean {
    return this.#commitOn.size > 0 || this.#abortOn.size > 0;
  }

  /** The request about this record, taken (null when there is none). */
  takeForRecord(record: SourceRecord): TransactionRequest | null {
    const commit = this.#commitOn.delete(record);
    const abort = this.#abortOn.delete(record);
    if (commit && abort) throw new ConflictingTransactionRequests(`the task requested both a commit and an abort of the transaction after the record for topic ${record.topic}`);
    return abort ? 'abort' : commit ? 'commit' : null;
  }

  /** The request about the current batch, taken (null when there is none). */
  takeForBatch(): TransactionRequest | null {
    const commit = this.#commitBatch;
    const abort = this.#abortBatch;
    this.#commitBatch = false;
    this.#abortBatch = false;
    if (commit && abort) throw new ConflictingTransactionRequests('the task requested both a commit and an abort of the same transaction');
    return abort ? 'abort' : commit ? 'commit' : null;
  }
}
