/**
 * An in-process stand-in for a Kafka cluster, so a pipeline whose sinks read the topics its sources write runs
 * with no broker. Topics are partitioned logs with offsets assigned as Kafka does; consumer groups split
 * partitions among members and keep committed offsets.
 *
 * Two differences from Kafka, on purpose:
 * - a produced record is acknowledged only once every consumer group reading its topic has committed past it
 *   (i.e. the sink flushed it), so a source's offsets never run ahead of what its sinks made durable;
 * - a topic holds at most `capacity` unacknowledged records: producers wait for room, so a fast source into a
 *   slow sink keeps memory flat. Acknowledged records are dropped at once (there is no replay of old data).
 * Nothing survives the process.
 */
import type { TopicPartition } from '../../connectors/api/index.js';
import { topicPartition, tpKey } from '../../connectors/api/index.js';
import type {
  ConsumedMessage,
  KafkaHeader,
  ProducedRecordMetadata,
  ProducerRecord,
  Subscription,
  TopicPartitionOffset,
} from '../kafka/client.js';
import { SerialQueue } from '../../async/index.js';
import { partitionForKey } from './murmur2.js';

export interface InProcessBrokerOptions {
  /** Unacknowledged records a topic may hold before producers wait. Default 10 000. */
  readonly capacity?: number;
  /** Partitions of a topic created on first use. Default 1. */
  readonly defaultPartitions?: number;
  /** Most records handed to a consumer in one batch. Default 500 (Kafka's max.poll.records). */
  readonly maxBatch?: number;
}

export class InProcessTopicException extends Error {
  override readonly name = 'InProcessTopicException';
}

interface StoredRecord extends ConsumedMessage {}

class PartitionLog {
  /** Offset of records[head]. */
  base = 0;
  records: StoredRecord[] = [];
  head = 0;
  /** Producers waiting for the records up to `offset` to be acknowledged. */
  readonly ackWaiters: Array<{ offset: number; resolve: () => void }> = [];

  get end(): number {
    return this.base + this.records.length - this.head;
  }
  get size(): number {
    return this.records.length - this.head;
  }
  append(key: Uint8Array | null, value: Uint8Array | null, headers: readonly KafkaHeader[], timestamp: number): number {
    const offset = this.end;
    const stored: StoredRecord = { offset, key, value, headers, timestamp, timestampType: 'CreateTime' };
    this.records.push(stored);
    return offset;
  }
  slice(from: number, max: number): StoredRecord[] {
    const start = this.head + Math.max(0, from - this.base);
    return this.records.slice(start, Math.min(this.records.length, start + max));
  }
  /** Drops records below `offset`; returns how many. */
  trim(offset: number): number {
    const n = Math.min(this.size, Math.max(0, offset - this.base));
    if (n === 0) return 0;
    this.head += n;
    this.base += n;
    if (this.head > 4096 && this.head * 2 > this.records.length) {
      this.records = this.records.slice(this.head);
      this.head = 0;
    }
    return n;
  }
}

class TopicLog {
  readonly partitions: PartitionLog[];
  roundRobin = 0;
  /** Unacknowledged records across partitions. */
  retained = 0;
  readonly roomWaiters: Array<() => void> = [];
  constructor(
    readonly name: string,
    numPartitions: number,
  ) {
    this.partitions = Array.from({ length: numPartitions }, () => new PartitionLog());
  }
}

export interface MemberHandlers {
  onAssigned(tps: readonly TopicPartition[]): Promise<void>;
  onRevoked(tps: readonly TopicPartition[]): Promise<void>;
}

/** A consumer's seat in a group: what the broker needs from the in-process consumer. */
export interface GroupMember {
  readonly subscription: Subscription;
  readonly handlers: MemberHandlers;
  assigned: Map<string, TopicPartition>;
}

class Group {
  readonly members: GroupMember[] = [];
  readonly committed = new Map<string, number>();
  /** Every subscription this group ever had: its topics stay retained for it. */
  readonly subscriptions: Subscription[] = [];
  readonly rebalances = new SerialQueue();
  constructor(readonly id: string) {}

  wants(topic: string): boolean {
    return this.subscriptions.some((s) => matches(s, topic));
  }
}

export function matches(s: Subscription, topic: string): boolean {
  return 'pattern' in s ? s.pattern.test(topic) : s.topics.includes(topic);
}

export class InProcessBroker {
  readonly capacity: number;
  readonly defaultPartitions: number;
  readonly maxBatch: number;
  readonly #topics = new Map<string, TopicLog>();
  readonly #groups = new Map<string, Group>();
  /** Appends happen one send at a time, so concurrent sends keep their order. */
  readonly #appends = new SerialQueue();
  #changeWaiters: Array<() => void> = [];

  constructor(options: InProcessBrokerOptions = {}) {
    this.capacity = options.capacity ?? 10_000;
    this.defaultPartitions = options.defaultPartitions ?? 1;
    this.maxBatch = options.maxBatch ?? 500;
    if (this.capacity < 1) throw new RangeError('capacity must be at least 1');
  }

  // -------------------------------------------------------------------------------------------- topics

  /** Creates a topic; false if it existed. */
  createTopic(name: string, numPartitions = -1): boolean {
    if (this.#topics.has(name)) return false;
    const n = numPartitions > 0 ? numPartitions : this.defaultPartitions;
    this.#topics.set(name, new TopicLog(name, n));
    this.#changed();
    for (const g of this.#groups.values()) {
      if (g.members.some((m) => matches(m.subscription, name))) void this.#rebalance(g);
    }
    return true;
  }

  topics(): string[] {
    return [...this.#topics.keys()];
  }

  partitionCount(topic: string): number | undefined {
    return this.#topics.get(topic)?.partitions.length;
  }

  /** Records held (unacknowledged) per topic: the memory the transport uses. */
  retained(topic: string): number {
    return this.#topics.get(topic)?.retained ?? 0;
  }

  /** Records produced to any topic and not yet acknowledged (committed past by every group reading it). */
  unacknowledged(): number {
    let n = 0;
    for (const t of this.#topics.values()) n += t.retained;
    return n;
  }

  // -------------------------------------------------------------------------------------------- produce

  async produce(records: readonly ProducerRecord[]): Promise<ProducedRecordMetadata[]> {
    const acks: Promise<void>[] = [];
    const metadata = await this.#appends.run(async () => {
      const out: ProducedRecordMetadata[] = new Array(records.length);
      const byTopic = new Map<string, number>();
      for (const r of records) byTopic.set(r.topic, (byTopic.get(r.topic) ?? 0) + 1);
      for (const [name, n] of byTopic) {
        const topic = this.#topic(name);
        while (topic.retained > 0 && topic.retained + n > this.capacity) {
          await new Promise<void>((r) => topic.roomWaiters.push(r));
        }
      }
      const now = Date.now();
      const lastOffset = new Map<PartitionLog, number>();
      const partitions = records.map((r) => this.#partitionFor(this.#topic(r.topic), r));
      records.forEach((r, i) => {
        const topic = this.#topic(r.topic);
        const partition = partitions[i]!;
        const log = topic.partitions[partition]!;
        const timestamp = r.timestamp ?? now;
        const offset = log.append(r.key, r.value, r.headers, timestamp);
        topic.retained++;
        out[i] = { topic: r.topic, partition, offset, timestamp };
        lastOffset.set(log, offset);
      });
      // Acks come in offset order per partition, so waiting for each partition's last record is enough.
      for (const [log, offset] of lastOffset) {
        acks.push(new Promise<void>((resolve) => log.ackWaiters.push({ offset, resolve })));
      }
      this.#changed();
      return out;
    });
    await Promise.all(acks);
    return metadata;
  }

  #topic(name: string): TopicLog {
    if (!this.#topics.has(name)) this.createTopic(name);
    return this.#topics.get(name)!;
  }

  #partitionFor(topic: TopicLog, r: ProducerRecord): number {
    const n = topic.partitions.length;
    if (r.partition !== undefined && r.partition !== null) {
      if (r.partition < 0 || r.partition >= n) {
        throw new InProcessTopicException(`topic ${topic.name} has ${n} partitions; partition ${r.partition} does not exist`);
      }
      return r.partition;
    }
    if (r.key !== null) return partitionForKey(r.key, n);
    return topic.roundRobin++ % n;
  }

  // -------------------------------------------------------------------------------------------- consume

  /** Records of `tp` from `offset` (at most maxBatch); the position to start from when below the log start. */
  fetch(tp: TopicPartition, offset: number): { records: readonly ConsumedMessage[]; start: number } {
    const log = this.#topics.get(tp.topic)?.partitions[tp.partition];
    if (!log) return { records: [], start: offset };
    const from = Math.max(offset, log.base);
    return { records: from < log.end ? log.slice(from, this.maxBatch) : [], start: from };
  }

  end(tp: TopicPartition): number {
    return this.#topics.get(tp.topic)?.partitions[tp.partition]?.end ?? 0;
  }

  /** Whether producers of `topic` are waiting for room (a commit by its readers would let them go on). */
  isFull(topic: string): boolean {
    const t = this.#topics.get(topic);
    return !!t && t.roomWaiters.length > 0;
  }

  committed(groupId: string, tp: TopicPartition): number | undefined {
    return this.#groups.get(groupId)?.committed.get(tpKey(tp));
  }

  commit(groupId: string, offsets: readonly TopicPartitionOffset[]): void {
    const group = this.#group(groupId);
    for (const o of offsets) group.committed.set(tpKey(o), o.offset);
    for (const o of offsets) this.#release(o.topic, o.partition);
    this.#changed();
  }

  /** Acknowledges and drops what every group reading the topic has committed past. */
  #release(topicName: string, partition: number): void {
    const topic = this.#topics.get(topicName);
    const log = topic?.partitions[partition];
    if (!topic || !log) return;
    const key = tpKey({ topic: topicName, partition });
    let low = Infinity;
    for (const g of this.#groups.values()) {
      if (!g.wants(topicName)) continue;
      low = Math.min(low, g.committed.get(key) ?? log.base);
    }
    if (low === Infinity) return;
    let i = 0;
    while (i < log.ackWaiters.length && log.ackWaiters[i]!.offset < low) log.ackWaiters[i++]!.resolve();
    if (i > 0) log.ackWaiters.splice(0, i);
    const dropped = log.trim(low);
    if (dropped > 0) {
      topic.retained -= dropped;
      const waiters = topic.roomWaiters.splice(0);
      for (const w of waiters) w();
    }
  }

  // -------------------------------------------------------------------------------------------- groups

  #group(id: string): Group {
    let g = this.#groups.get(id);
    if (!g) this.#groups.set(id, (g = new Group(id)));
    return g;
  }

  async join(groupId: string, member: GroupMember): Promise<void> {
    const g = this.#group(groupId);
    g.members.push(member);
    g.subscriptions.push(member.subscription);
    await this.#rebalance(g);
  }

  async leave(groupId: string, member: GroupMember): Promise<void> {
    const g = this.#groups.get(groupId);
    if (!g) return;
    const i = g.members.indexOf(member);
    if (i < 0) return;
    g.members.splice(i, 1);
    member.assigned = new Map();
    await this.#rebalance(g);
  }

  /** Round-robin assignment; revocations finish (and commit) before anyone gets the moved partitions. */
  #rebalance(g: Group): Promise<void> {
    return g.rebalances.run(async () => {
      const target = new Map<GroupMember, Map<string, TopicPartition>>(g.members.map((m) => [m, new Map()]));
      const all: TopicPartition[] = [];
      for (const [name, t] of [...this.#topics].sort(([a], [b]) => a.localeCompare(b))) {
        if (!g.members.some((m) => matches(m.subscription, name))) continue;
        t.partitions.forEach((_, p) => all.push(topicPartition(name, p)));
      }
      let next = 0;
      for (const tp of all) {
        const candidates = g.members.filter((m) => matches(m.subscription, tp.topic));
        const m = candidates[next++ % candidates.length]!;
        target.get(m)!.set(tpKey(tp), tp);
      }
      await Promise.all(
        g.members.map(async (m) => {
          const revoked = [...m.assigned].filter(([k]) => !target.get(m)!.has(k)).map(([, tp]) => tp);
          if (revoked.length === 0) return;
          await m.handlers.onRevoked(revoked);
          for (const tp of revoked) m.assigned.delete(tpKey(tp));
        }),
      );
      await Promise.all(
        g.members.map(async (m) => {
          const added = [...target.get(m)!].filter(([k]) => !m.assigned.has(k)).map(([, tp]) => tp);
          for (const tp of added) m.assigned.set(tpKey(tp), tp);
          if (added.length) await m.handlers.onAssigned(added);
        }),
      );
      this.#changed();
    });
  }

  groupOffsets(groupId: string, topics: readonly string[]): TopicPartitionOffset[] {
    const g = this.#groups.get(groupId);
    if (!g) return [];
    const out: TopicPartitionOffset[] = [];
    for (const t of topics) {
      const n = this.partitionCount(t) ?? 0;
      for (let p = 0; p < n; p++) {
        const o = g.committed.get(tpKey({ topic: t, partition: p }));
        if (o !== undefined) out.push({ topic: t, partition: p, offset: o });
      }
    }
    return out;
  }

  // -------------------------------------------------------------------------------------------- wakeups

  /** Resolves at the next append, commit, rebalance or explicit poke (or when the signal aborts). */
  changed(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.#changeWaiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  poke(): void {
    this.#changed();
  }

  #changed(): void {
    if (this.#changeWaiters.length === 0) return;
    const waiters = this.#changeWaiters;
    this.#changeWaiters = [];
    for (const w of waiters) w();
  }
}
