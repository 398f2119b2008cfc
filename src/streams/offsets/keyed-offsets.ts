/**
 * The shared core of the offset stores: Kafka Connect's offset key bytes → offset bytes, in memory.
 * Lookups go by the exact serialized key, as Kafka Connect's do.
 */
import type { OffsetMap } from '../../data/index.js';
import { offsetKey, offsetValue, parseOffsetKey, readJson, validateOffsetMap } from './offset-json.js';

export class KeyedOffsets {
  readonly data = new Map<string, string>();

  get(connector: string, partitions: readonly OffsetMap[]): Map<OffsetMap, OffsetMap | null> {
    const out = new Map<OffsetMap, OffsetMap | null>();
    for (const p of partitions) {
      const v = this.data.get(offsetKey(connector, p));
      out.set(p, v === undefined ? null : (readJson(v) as OffsetMap | null));
    }
    return out;
  }

  /** Applies the entries; returns the previous values so a failed persist can be rolled back. */
  apply(connector: string, entries: ReadonlyArray<readonly [OffsetMap, OffsetMap | null]>): Map<string, string | undefined> {
    const previous = new Map<string, string | undefined>();
    for (const [partition, offset] of entries) {
      validateOffsetMap('partition', partition);
      validateOffsetMap('offset', offset);
    }
    for (const [partition, offset] of entries) {
      const k = offsetKey(connector, partition);
      if (!previous.has(k)) previous.set(k, this.data.get(k));
      const v = offsetValue(offset);
      if (v === null) this.data.delete(k);
      else this.data.set(k, v);
    }
    return previous;
  }

  rollback(previous: Map<string, string | undefined>): void {
    for (const [k, v] of previous) {
      if (v === undefined) this.data.delete(k);
      else this.data.set(k, v);
    }
  }

  all(connector: string): Array<[OffsetMap, OffsetMap]> {
    const out: Array<[OffsetMap, OffsetMap]> = [];
    for (const [k, v] of this.data) {
      const { connector: c, partition } = parseOffsetKey(k);
      if (c === connector && partition !== null) out.push([partition, readJson(v) as OffsetMap]);
    }
    return out;
  }
}
