/**
 * The dead letter queue producer of an exactly-once source task: its writes wait here and go out inside the task's
 * next transaction commit (SourceTransactions drains them), so a skipped record's dead-letter copy is committed
 * exactly when its source offset is. A write settles once that transaction committed (or failed).
 */
import type { KafkaProducer, ProducedRecordMetadata, ProducerRecord } from '../kafka/client.js';

interface Waiting {
  readonly records: readonly ProducerRecord[];
  resolve(metadata: ProducedRecordMetadata[]): void;
  reject(error: unknown): void;
}

export class TransactionalDlqProducer implements KafkaProducer {
  #waiting: Waiting[] = [];

  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}

  send(records: readonly ProducerRecord[]): Promise<ProducedRecordMetadata[]> {
    return new Promise((resolve, reject) => this.#waiting.push({ records, resolve, reject }));
  }

  /** The writes so far, taken: the caller sends `records` in its transaction and settles them after the commit. */
  drain(): { records: ProducerRecord[]; settle(error?: unknown): void } {
    const taken = this.#waiting;
    this.#waiting = [];
    return {
      records: taken.flatMap((w) => w.records),
      settle: (error?: unknown) => {
        for (const w of taken) {
          if (error === undefined) w.resolve(w.records.map((r) => ({ topic: r.topic, partition: r.partition ?? 0, offset: -1, timestamp: null })));
          else w.reject(error);
        }
      },
    };
  }
}
