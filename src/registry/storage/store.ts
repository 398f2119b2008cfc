/**
 * Where the registry keeps its records. A store reads every record it holds into `apply` at start, in order;
 * `write` makes records durable and then applies them (so the registry's view changes only after a write is
 * acknowledged); `sync` resolves once every record stored before the call has been applied (the Kafka store
 * reads to the end of its topic). One registry writes to a store at a time.
 */
import type { RegistryRecord } from './records.js';

export type ApplyRecord = (record: RegistryRecord) => void;

export interface RegistryStore {
  /** What it is, for logs and errors ("file /var/lib/sluice/schemas.jsonl", "topic _schemas"). */
  readonly description: string;
  start(apply: ApplyRecord): Promise<void>;
  write(records: readonly RegistryRecord[]): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** A store that cannot be opened, read or written, with what it is and why. */
export class RegistryStoreError extends Error {
  override readonly name = 'RegistryStoreError';
}
