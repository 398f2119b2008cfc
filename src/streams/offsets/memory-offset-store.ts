import type { OffsetMap } from '../../data/index.js';
import type { OffsetStore } from '../contracts.js';
import { KeyedOffsets } from './keyed-offsets.js';

/** Offsets kept in memory only (tests, and the in-process transport when nothing must survive a restart). */
export class MemoryOffsetStore implements OffsetStore {
  readonly #offsets = new KeyedOffsets();

  async start(): Promise<void> {}
  async get(connector: string, partitions: readonly OffsetMap[]): Promise<Map<OffsetMap, OffsetMap | null>> {
    return this.#offsets.get(connector, partitions);
  }
  async set(connector: string, entries: ReadonlyArray<readonly [OffsetMap, OffsetMap | null]>): Promise<void> {
    this.#offsets.apply(connector, entries);
  }
  async all(connector: string): Promise<Array<[OffsetMap, OffsetMap]>> {
    return this.#offsets.all(connector);
  }
  async stop(): Promise<void> {}
}
