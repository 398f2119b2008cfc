/**
 * Source offsets in a compacted Kafka topic, in Kafka Connect's format (its KafkaOffsetBackingStore): key
 * `["<connector>",{partition}]`, value `{offset}`, both compact JSON bytes as JsonConverter writes them
 * (streams/offsets/offset-json.ts), a null value removes the partition, and the record goes to the partition
 * Kafka's default producer partitioner picks for the key bytes (murmur2). So offsets move between a Kafka
 * Connect cluster and Sluice in both directions.
 *
 * The topic is created when missing (`offset.storage.partitions`, `offset.storage.replication.factor`, other
 * `offset.storage.*` keys as topic configs, `cleanup.policy=compact` forced) and refused when it is not
 * compacted. Every worker reads the whole topic at start and then follows it; `get`/`all` first read to the
 * current end (as Kafka's store does), so a task moved from another worker sees what that worker committed.
 * Exactly-once source tasks write these records in their own producer transactions (`recordsFor`); the worker
 * then reads the topic read_committed (its consumer properties), and the end counts transaction markers.
 */
import { randomBytes } from 'node:crypto';
import { sleep } from '../async/index.js';
import type { OffsetMap } from '../data/index.js';
import type { OffsetStore } from '../streams/contracts.js';
import type { KafkaAdmin, KafkaClient, KafkaConsumer, KafkaProducer, ProducerRecord } from '../streams/kafka/client.js';
import { KeyedOffsets } from '../streams/offsets/keyed-offsets.js';
import { offsetKey, offsetValue, validateOffsetMap } from '../streams/offsets/offset-json.js';
import { partitionForKey } from '../streams/in-process/murmur2.js';
import { silentLog, type Log } from '../actors/index.js';

export interface KafkaOffsetStoreOptions {
  readonly client: KafkaClient;
  readonly topic: string;
  /** For creation; -1: the broker's default. Kafka's default: 25. */
  readonly partitions: number;
  /** For creation; -1: the broker's default. Kafka's default: 3 (a one-broker cluster needs 1). */
  readonly replicationFactor: number;
  /** Other topic configs for creation (`offset.storage.<config>` keys, prefix removed). */
  readonly topicConfigs?: Readonly<Record<string, string>>;
  /** Prefix of the reader's consumer group (made unique per store instance, deleted at stop). */
  readonly readerGroupPrefix: string;
  readonly clientId: string;
  /** How long `get`/`all`/`start` wait for the end of the topic (default 30 000 ms). */
  readonly readTimeoutMs?: number;
  readonly log?: Log;
}

export class OffsetTopicError extends Error {
  override readonly name = 'OffsetTopicError';
  /** True for a state the broker leaves by itself (a topic just created that its metadata does not show yet). */
  readonly retriable: boolean;
  constructor(message: string, options: { retriable?: boolean } = {}) {
    super(message);
    this.retriable = options.retriable ?? false;
  }
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** Kafka marks errors that may go away by themselves (a leader not elected yet, metadata not propagated) retriable. */
const isRetriableKafkaError = (e: unknown): boolean => (e as { retriable?: unknown } | null)?.retriable === true;

export class KafkaOffsetStore implements OffsetStore {
  readonly #o: KafkaOffsetStoreOptions;
  readonly #log: Log;
  readonly #offsets = new KeyedOffsets();
  /** Next offset to read per partition (what was consumed). */
  readonly #position = new Map<number, number>();
  readonly #waiters = new Set<() => void>();
  readonly #readerGroup: string;
  #partitions = 0;
  #admin: KafkaAdmin | undefined;
  #producer: KafkaProducer | undefined;
  #consumer: KafkaConsumer | undefined;
  #failure: Error | undefined;
  #started = false;
  #stopping = false;

  constructor(options: KafkaOffsetStoreOptions) {
    this.#o = options;
    this.#log = options.log ?? silentLog;
    this.#readerGroup = `${options.readerGroupPrefix}-${randomBytes(4).toString('hex')}`;
  }

  get topic(): string {
    return this.#o.topic;
  }

  get partitionCount(): number {
    return this.#partitions;
  }

  async start(): Promise<void> {
    if (this.#started) return;
    const admin = this.#o.client.admin();
    await admin.connect();
    this.#admin = admin;
    // Right after the topic is created (by this worker or one starting beside it) the broker may still answer
    // "not the leader" or "does not host this topic-partition": retriable, so retried until the read timeout.
    await this.#retrying('creating the offsets topic', () => this.#ensureTopic(admin));
    const producer = this.#o.client.producer({ clientId: `${this.#o.clientId}-offsets` });
    await producer.connect();
    this.#producer = producer;
    await this.#retrying('subscribing to the offsets topic', () => this.#startConsumer());
    this.#started = true;
    await this.#retrying('reading the offsets topic', () => this.readToEnd());
    this.#log.info({ topic: this.#o.topic, partitions: this.#partitions, entries: this.#offsets.data.size }, 'offsets topic read');
  }

  async get(connector: string, partitions: readonly OffsetMap[]): Promise<Map<OffsetMap, OffsetMap | null>> {
    await this.readToEnd();
    return this.#offsets.get(connector, partitions);
  }

  async set(connector: string, entries: ReadonlyArray<readonly [OffsetMap, OffsetMap | null]>): Promise<void> {
    this.#assertUsable();
    if (entries.length === 0) return;
    await this.#producer!.send(this.recordsFor(connector, entries));
  }

  /** The records that store these offsets (an exactly-once source task sends them in its transaction). */
  recordsFor(connector: string, entries: ReadonlyArray<readonly [OffsetMap, OffsetMap | null]>): ProducerRecord[] {
    this.#assertUsable();
    return entries.map(([partition, offset]) => {
      validateOffsetMap('partition', partition);
      validateOffsetMap('offset', offset);
      const key = textEncoder.encode(offsetKey(connector, partition));
      const v = offsetValue(offset);
      return {
        topic: this.#o.topic,
        partition: partitionForKey(key, this.#partitions),
        key,
        value: v === null ? null : textEncoder.encode(v),
        headers: [],
      };
    });
  }

  async all(connector: string): Promise<Array<[OffsetMap, OffsetMap]>> {
    await this.readToEnd();
    return this.#offsets.all(connector);
  }

  /** Resolves once everything written to the topic before the call has been read. */
  async readToEnd(): Promise<void> {
    this.#assertUsable();
    const ends = await this.#admin!.watermarks!(this.#o.topic);
    const caughtUp = () =>
      [...ends].every(([p, { low, high }]) => high <= low || (this.#position.get(p) ?? 0) >= high);
    if (caughtUp()) return;
    const timeoutMs = this.#o.readTimeoutMs ?? 30_000;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        const behind = [...ends].filter(([p, { high }]) => (this.#position.get(p) ?? 0) < high).map(([p]) => p);
        reject(new OffsetTopicError(`could not read the offsets topic ${this.#o.topic} to its end within ${timeoutMs} ms (partitions ${behind.join(',')})`));
      }, timeoutMs);
      const check = () => {
        if (this.#failure) {
          clearTimeout(timer);
          this.#waiters.delete(check);
          reject(this.#failure);
        } else if (caughtUp()) {
          clearTimeout(timer);
          this.#waiters.delete(check);
          resolve();
        }
      };
      this.#waiters.add(check);
      check();
    });
  }

  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    await this.#consumer?.disconnect().catch(() => {});
    await this.#producer?.disconnect().catch(() => {});
    if (this.#admin) {
      await this.#admin.deleteGroup?.(this.#readerGroup).catch(() => {});
      await this.#admin.disconnect().catch(() => {});
    }
    for (const w of [...this.#waiters]) w();
  }

  #assertUsable(): void {
    if (!this.#started) throw new OffsetTopicError('the offsets store is used before start()');
    if (this.#failure) throw this.#failure;
  }

  async #ensureTopic(admin: KafkaAdmin): Promise<void> {
    const topic = this.#o.topic;
    const configs = { ...this.#o.topicConfigs, 'cleanup.policy': 'compact' };
    const created = await admin.createTopics([
      { topic, numPartitions: this.#o.partitions, replicationFactor: this.#o.replicationFactor, configs },
    ]);
    if (created.length > 0) this.#log.info({ topic, partitions: this.#o.partitions }, 'offsets topic created');
    if (admin.topicConfigs) {
      const policy = (await admin.topicConfigs(topic))['cleanup.policy'];
      if (policy !== undefined && policy.split(',').map((s) => s.trim()).join(',') !== 'compact') {
        throw new OffsetTopicError(
          `Topic '${topic}' supplied via the 'offset.storage.topic' property is required to have 'cleanup.policy=compact' ` +
            `to guarantee consistency and durability of source connector offsets, but found the topic currently has ` +
            `'cleanup.policy=${policy}'. Continuing would likely result in eventually losing source connector offsets ` +
            `and problems restarting this Connect cluster in the future. Change the 'offset.storage.topic' property in ` +
            `the Connect worker configurations to use a topic with 'cleanup.policy=compact'.`,
        );
      }
    }
    const parts = (await admin.partitions([topic])).get(topic);
    // Right after creation the broker's metadata may not list the topic's partitions yet: retried like "not ready".
    if (!parts || parts.length === 0) throw new OffsetTopicError(`the offsets topic ${topic} has no partitions`, { retriable: true });
    this.#partitions = parts.length;
  }

  async #startConsumer(): Promise<void> {
    const consumer = this.#o.client.consumer({ groupId: this.#readerGroup, clientId: `${this.#o.clientId}-offsets-reader`, fromBeginning: true });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [this.#o.topic] });
    } catch (e) {
      await consumer.disconnect().catch(() => {});
      throw e;
    }
    this.#consumer = consumer;
    await consumer.run({
      onBatch: async (batch) => {
        for (const m of batch.messages) {
          if (m.key === null) continue;
          const key = textDecoder.decode(m.key);
          if (m.value === null) this.#offsets.data.delete(key);
          else this.#offsets.data.set(key, textDecoder.decode(m.value));
        }
        const last = batch.messages[batch.messages.length - 1];
        // Past the transaction markers too: a transactional writer's last marker is the topic's end.
        const next = Math.max(last ? last.offset + 1 : 0, batch.nextOffset ?? 0);
        if (next > (this.#position.get(batch.partition) ?? 0)) this.#position.set(batch.partition, next);
        this.#wake();
      },
      onSkipped: (_topic, partition, next) => {
        if (next > (this.#position.get(partition) ?? 0)) this.#position.set(partition, next);
        this.#wake();
      },
      onAssigned: async () => this.#wake(),
      onRevoked: async () => {},
      onCrash: (error) => {
        if (this.#stopping) return;
        this.#log.error({ err: error, topic: this.#o.topic }, 'offsets topic reader crashed; restarting it');
        void this.#restartConsumer();
      },
    });
  }

  async #restartConsumer(): Promise<void> {
    const old = this.#consumer;
    this.#consumer = undefined;
    await old?.disconnect().catch(() => {});
    for (let attempt = 0; !this.#stopping; attempt++) {
      try {
        await this.#startConsumer();
        return;
      } catch (e) {
        this.#log.warn({ err: e, attempt }, 'offsets topic reader could not restart; retrying');
        await sleep(Math.min(5000, 200 * 2 ** attempt));
      }
    }
  }

  async #retrying<T>(what: string, op: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + (this.#o.readTimeoutMs ?? 30_000);
    for (let attempt = 0; ; attempt++) {
      try {
        return await op();
      } catch (e) {
        if (!isRetriableKafkaError(e) || this.#stopping || Date.now() >= deadline) throw e;
        this.#log.warn({ err: e, topic: this.#o.topic, attempt }, `${what} failed with a retriable error; retrying`);
        await sleep(Math.min(2000, 100 * 2 ** attempt));
      }
    }
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }
}
