/** The KafkaClient port over an InProcessBroker: the same pipelines run with no Kafka at all. */
import type { TopicPartition } from '../../connectors/api/index.js';
import { tpKey } from '../../connectors/api/index.js';
import type {
  ConsumedMessage,
  ConsumerHandlers,
  ConsumerOptions,
  KafkaAdmin,
  KafkaClient,
  KafkaConsumer,
  KafkaProducer,
  NewTopic,
  ProducedRecordMetadata,
  ProducerRecord,
  Subscription,
  TopicPartitionOffset,
} from '../kafka/client.js';
import { SerialQueue } from '../../async/index.js';
import type { GroupMember, InProcessBroker } from './broker.js';

export function createInProcessClient(broker: InProcessBroker): KafkaClient {
  return {
    producer: () => new InProcessProducer(broker),
    consumer: (options) => new InProcessConsumer(broker, options),
    admin: () => new InProcessAdmin(broker),
  };
}

class InProcessProducer implements KafkaProducer {
  constructor(private readonly broker: InProcessBroker) {}
  async connect(): Promise<void> {}
  send(records: readonly ProducerRecord[]): Promise<ProducedRecordMetadata[]> {
    return records.length ? this.broker.produce(records) : Promise.resolve([]);
  }
  async disconnect(): Promise<void> {}
}

class InProcessConsumer implements KafkaConsumer {
  readonly #broker: InProcessBroker;
  readonly #options: ConsumerOptions;
  readonly #serial = new SerialQueue();
  readonly #positions = new Map<string, number>();
  readonly #paused = new Set<string>();
  /** Partitions delivered to since the last commit: an idle consumer asks for a commit for them. */
  readonly #uncommitted = new Set<string>();
  readonly #stop = new AbortController();
  #subscription: Subscription | undefined;
  #member: GroupMember | undefined;
  #handlers: ConsumerHandlers | undefined;
  #loop: Promise<void> | undefined;
  #seeks = 0;
  #cursor = 0;

  constructor(broker: InProcessBroker, options: ConsumerOptions) {
    this.#broker = broker;
    this.#options = options;
  }

  async connect(): Promise<void> {}

  async subscribe(subscription: Subscription): Promise<void> {
    this.#subscription = subscription;
  }

  async run(handlers: ConsumerHandlers): Promise<void> {
    if (!this.#subscription) throw new Error('subscribe before run');
    this.#handlers = handlers;
    const member: GroupMember = {
      subscription: this.#subscription,
      assigned: new Map(),
      handlers: {
        onAssigned: (tps) =>
          this.#serial.run(async () => {
            for (const tp of tps) this.#positions.delete(tpKey(tp));
            await handlers.onAssigned(tps);
          }),
        onRevoked: (tps) =>
          this.#serial.run(async () => {
            await handlers.onRevoked(tps);
            for (const tp of tps) {
              member.assigned.delete(tpKey(tp));
              this.#positions.delete(tpKey(tp));
              this.#uncommitted.delete(tpKey(tp));
            }
          }),
      },
    };
    this.#member = member;
    await this.#broker.join(this.#options.groupId, member);
    this.#loop = this.#deliver().catch((e: unknown) => {
      if (!this.#stop.signal.aborted) handlers.onCrash(e instanceof Error ? e : new Error(String(e)));
    });
  }

  #position(tp: TopicPartition): number {
    const k = tpKey(tp);
    let p = this.#positions.get(k);
    if (p === undefined) {
      // No position yet: the group's committed offset, else the log start (auto.offset.reset=earliest).
      p = this.#broker.committed(this.#options.groupId, tp) ?? (this.#options.fromBeginning === false ? this.#broker.end(tp) : 0);
      this.#positions.set(k, p);
    }
    return p;
  }

  async #deliver(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      const batch = this.#next();
      if (!batch) {
        // Waiting starts before anything below can change the broker, so no change is missed; a waiter made on
        // every pass would pile up (and with it listeners on the signal) while batches keep coming.
        const changed = this.#broker.changed(signal);
        if (this.#uncommitted.size > 0) {
          this.#uncommitted.clear();
          this.#handlers!.onCommitWanted?.();
        }
        await changed;
        continue;
      }
      const { tp, records } = batch;
      const k = tpKey(tp);
      await this.#serial.run(async () => {
        if (signal.aborted || !this.#member!.assigned.has(k) || this.#positions.get(k) !== records[0]!.offset) return;
        const seeks = this.#seeks;
        await this.#handlers!.onBatch({ topic: tp.topic, partition: tp.partition, messages: records, highWatermark: this.#broker.end(tp) });
        if (this.#seeks === seeks && this.#member!.assigned.has(k)) this.#positions.set(k, records[records.length - 1]!.offset + 1);
        this.#uncommitted.add(k);
      });
      if (this.#broker.isFull(tp.topic)) this.#handlers!.onCommitWanted?.();
      // Let timers and other tasks run between batches.
      await new Promise((r) => setImmediate(r));
    }
  }

  /** The next non-empty batch, taking assigned partitions in turn. */
  #next(): { tp: TopicPartition; records: readonly ConsumedMessage[] } | null {
    const assigned = [...this.#member!.assigned.values()];
    for (let i = 0; i < assigned.length; i++) {
      const tp = assigned[(this.#cursor + i) % assigned.length]!;
      if (this.#paused.has(tpKey(tp))) continue;
      const { records, start } = this.#broker.fetch(tp, this.#position(tp));
      if (start !== this.#position(tp)) this.#positions.set(tpKey(tp), start);
      if (records.length) {
        this.#cursor = (this.#cursor + i + 1) % assigned.length;
        return { tp, records };
      }
    }
    return null;
  }

  assignment(): TopicPartition[] {
    return [...(this.#member?.assigned.values() ?? [])];
  }

  pause(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.#paused.add(tpKey(tp));
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.#paused.delete(tpKey(tp));
    this.#broker.poke();
  }

  seek(tp: TopicPartition, offset: number): void {
    this.#seeks++;
    this.#positions.set(tpKey(tp), offset);
    this.#broker.poke();
  }

  async commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    this.#broker.commit(this.#options.groupId, offsets);
  }

  async disconnect(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    await this.#serial.idle();
    if (this.#member) await this.#broker.leave(this.#options.groupId, this.#member);
  }
}

class InProcessAdmin implements KafkaAdmin {
  constructor(private readonly broker: InProcessBroker) {}
  async connect(): Promise<void> {}
  async createTopics(topics: readonly NewTopic[]): Promise<string[]> {
    return topics.filter((t) => this.broker.createTopic(t.topic, t.numPartitions)).map((t) => t.topic);
  }
  async listTopics(): Promise<string[]> {
    return this.broker.topics();
  }
  async partitions(topics: readonly string[]): Promise<Map<string, number[]>> {
    const out = new Map<string, number[]>();
    for (const t of topics) {
      const n = this.broker.partitionCount(t);
      if (n !== undefined) out.set(t, Array.from({ length: n }, (_, i) => i));
    }
    return out;
  }
  async fetchGroupOffsets(groupId: string, topics: readonly string[]): Promise<TopicPartitionOffset[]> {
    return this.broker.groupOffsets(groupId, topics);
  }
  async commitGroupOffsets(groupId: string, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    this.broker.commit(groupId, offsets);
  }
  async disconnect(): Promise<void> {}
}
