/**
 * Kafka Connect's SubmittedRecords: tracks source records from submission to acknowledgement, per source
 * partition in submission order, and tells which offsets may be committed. A partition's committable offset is
 * that of its last record whose predecessors (in the same partition) were all acknowledged — acked by Kafka,
 * or filtered/dropped — so an offset never runs ahead of an unacknowledged record.
 */
import type { OffsetMap } from '../../data/index.js';
import { writeJson } from './offset-json.js';
import { WakeList } from '../util/wake-list.js';

export interface SubmittedRecord {
  readonly partition: OffsetMap;
  readonly offset: OffsetMap;
  /** Marks the record acknowledged; idempotent. */
  ack(): void;
  readonly acked: boolean;
}

interface Entry extends SubmittedRecord {
  acked: boolean;
}

export interface CommittableOffsets {
  /** Per source partition (keyed by its JSON), the offset to commit. Empty if nothing new. */
  readonly offsets: Map<string, { partition: OffsetMap; offset: OffsetMap }>;
  /** Records taken off the books by this call (their offsets are now covered). */
  readonly committed: number;
  /** Records still waiting for an ack (or behind one that is). */
  readonly pending: number;
}

export class SubmittedRecords {
  readonly #byPartition = new Map<string, { partition: OffsetMap; deque: Entry[]; head: number }>();
  #outstanding = 0;
  #lastPartition: OffsetMap | undefined;
  #lastKey = '';
  readonly #drainWaiters = new WakeList();

  /** Registers a record in submission order. Records with a null partition/offset are not tracked. */
  submit(partition: OffsetMap | null, offset: OffsetMap | null): SubmittedRecord {
    if (partition === null || offset === null) {
      return { partition: partition ?? {}, offset: offset ?? {}, acked: true, ack() {} };
    }
    // Records of one batch usually share the partition object: skip re-serializing it.
    const key = partition === this.#lastPartition ? this.#lastKey : writeJson(partition);
    this.#lastPartition = partition;
    this.#lastKey = key;
    let slot = this.#byPartition.get(key);
    if (!slot) this.#byPartition.set(key, (slot = { partition, deque: [], head: 0 }));
    this.#outstanding++;
    const entry: Entry = {
      partition,
      offset,
      acked: false,
      ack: () => {
        if (entry.acked) return;
        entry.acked = true;
        this.#outstanding--;
        if (this.#outstanding === 0) this.#drainWaiters.wakeAll();
      },
    };
    slot.deque.push(entry);
    return entry;
  }

  /** Records submitted but not yet acknowledged. */
  get outstanding(): number {
    return this.#outstanding;
  }

  /** Takes the acknowledged prefix of every partition and returns the offsets it covers. */
  committableOffsets(): CommittableOffsets {
    const offsets = new Map<string, { partition: OffsetMap; offset: OffsetMap }>();
    let committed = 0;
    let pending = 0;
    for (const [key, slot] of this.#byPartition) {
      const { deque } = slot;
      let h = slot.head;
      let last: Entry | undefined;
      while (h < deque.length && deque[h]!.acked) last = deque[h++];
      committed += h - slot.head;
      if (last) offsets.set(key, { partition: slot.partition, offset: last.offset });
      if (h === deque.length) {
        this.#byPartition.delete(key);
      } else {
        slot.head = h;
        // Compact now and then so a long-lived partition does not keep acked entries forever.
        if (h > 1024 && h * 2 > deque.length) {
          slot.deque = deque.slice(h);
          slot.head = 0;
        }
        pending += deque.length - h;
      }
    }
    return { offsets, committed, pending };
  }

  /** Resolves true once every submitted record is acknowledged, false if the signal aborts first. */
  awaitAllAcked(signal?: AbortSignal): Promise<boolean> {
    if (this.#outstanding === 0) return Promise.resolve(true);
    return this.#drainWaiters.wait(signal);
  }
}
