/** Records kept in memory only (an embedded registry for tests and demos): gone when the registry closes. */
import type { RegistryRecord } from './records.js';
import { RegistryStoreError, type ApplyRecord, type RegistryStore } from './store.js';

export class MemoryStore implements RegistryStore {
  readonly description = 'memory';
  /** What was written, in order (tests read it). */
  readonly records: RegistryRecord[] = [];
  #apply: ApplyRecord | undefined;

  async start(apply: ApplyRecord): Promise<void> {
    for (const r of this.records) apply(r);
    this.#apply = apply;
  }

  async write(records: readonly RegistryRecord[]): Promise<void> {
    if (!this.#apply) throw new RegistryStoreError('the memory store is written before start()');
    for (const r of records) {
      this.records.push(r);
      this.#apply(r);
    }
  }

  async sync(): Promise<void> {}

  async close(): Promise<void> {
    this.#apply = undefined;
  }
}
