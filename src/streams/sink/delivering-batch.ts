import type { ConsumedBatch } from '../kafka/client.js';
import type { ConsumedRef } from '../errors/record-error-handler.js';

/**
 * The consumed batch being put: which consumed message a SinkRecord came from, for the errant record reporter and
 * for put retries that end in the dead letter queue. A lookup searches the batch (in offset order) rather than a
 * key per record being kept for every put, which showed in profiles for lookups that almost never happen.
 */
export class DeliveringBatch {
  #batch: ConsumedBatch | null = null;

  set(batch: ConsumedBatch): void {
    this.#batch = batch;
  }

  clear(): void {
    this.#batch = null;
  }

  find(topic: string, partition: number, offset: number): ConsumedRef | undefined {
    const b = this.#batch;
    if (b === null || b.topic !== topic || b.partition !== partition) return undefined;
    const ms = b.messages;
    let lo = 0;
    let hi = ms.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = ms[mid]!.offset;
      if (at === offset) return { topic, partition, message: ms[mid]! };
      if (at < offset) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }
}
