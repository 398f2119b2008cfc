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

interface Slot {
  readonly partition: OffsetMap;
  deque: Entry[];
  head: number;
  /** The offset of an acknowledged prefix already taken off the deque (by #compact), not yet returned. */
  ready: OffsetMap | undefined;
  readyCount: number;
}

/** Submissions between two compactions: acknowledged records never pile up until the next offset commit. */
const COMPACT_EVERY = 4096;

export interface SubmittedRecordsOptions {
  /** Submissions between two compactions of the acknowledged prefixes (default 4096; tests use small ones). */
  readonly compactEvery?: number;
}

export class SubmittedRecords {
  readonly #byPartition = new Map<string, Slot>();
  #outstanding = 0;
  #sinceCompact = 0;
  readonly #compactEvery: number;

  constructor(options: SubmittedRecordsOptions = {}) {
    this.#compactEvery = options.compactEvery ?? COMPACT_EVERY;
  }
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
    if (++this.#sinceCompact >= this.#compactEvery) this.#compact();
    let slot = this.#byPartition.get(key);
    if (!slot) this.#byPartition.set(key, (slot = { partition, deque: [], head: 0, ready: undefined, readyCount: 0 }));
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
      const taken = takeAckedPrefix(slot);
      const offset = taken.last?.offset ?? slot.ready;
      committed += slot.readyCount + taken.count;
      slot.ready = undefined;
      slot.readyCount = 0;
      if (offset) offsets.set(key, { partition: slot.partition, offset });
      if (slot.head === slot.deque.length) this.#byPartition.delete(key);
      else pending += slot.deque.length - slot.head;
    }
    return { offsets, committed, pending };
  }

  /** Takes acknowledged prefixes off the books, keeping only their last offset per partition. */
  #compact(): void {
    this.#sinceCompact = 0;
    for (const slot of this.#byPartition.values()) {
      const { last, count } = takeAckedPrefix(slot);
      if (last) {
        slot.ready = last.offset;
        slot.readyCount += count;
      }
    }
  }

  /** Resolves true once every submitted record is acknowledged, false if the signal aborts first. */
  awaitAllAcked(signal?: AbortSignal): Promise<boolean> {
    if (this.#outstanding === 0) return Promise.resolve(true);
    return this.#drainWaiters.wait(signal);
  }
}

/** Moves the slot's head past its acknowledged prefix (compacting the deque now and then): the last entry passed, and how many. */
function takeAckedPrefix(slot: Slot): { last: Entry | undefined; count: number } {
  const { deque } = slot;
  let h = slot.head;
  let last: Entry | undefined;
  while (h < deque.length && deque[h]!.acked) last = deque[h++];
  const count = h - slot.head;
  if (h === deque.length) {
    slot.deque = [];
    slot.head = 0;
  } else {
    slot.head = h;
    if (h > 1024 && h * 2 > deque.length) {
      slot.deque = deque.slice(h);
      slot.head = 0;
    }
  }
  return { last, count };
}
