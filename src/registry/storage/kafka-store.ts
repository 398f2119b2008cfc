/**
 * The registry's records in a compacted Kafka topic (`_schemas` by default), in Confluent's key/value JSON
 * (records.ts), so Sluice's registry and Confluent's read each other's topic. Like Confluent's KafkaStore: the
 * topic is created with one partition and `cleanup.policy=compact` (other topic configs as given), an existing one
 * is refused unless it has one partition and is compacted; the whole topic is read at start; a write goes
 * through the producer and applies once the broker acknowledged it; a reader keeps following the topic.
 *
 * One writer: the registry assumes no other registry writes the topic meanwhile (Confluent elects a leader for
 * that; Sluice does not). Records the reader delivers at or below the offset last applied are ones this store
 * wrote and applied already, and are passed over.
 */
import { randomBytes } from 'node:crypto';
import { sleep } from '../../async/index.js';
import type { KafkaAdmin, KafkaClient, KafkaConsumer, KafkaProducer, StreamLogger } from '../../streams/kafka/client.js';
import { silentLogger } from '../../streams/kafka/client.js';
import { decodeRecord, encodeKey, encodeValue, type RegistryRecord } from './records.js';
import { RegistryStoreError, type ApplyRecord, type RegistryStore } from './store.js';

export interface KafkaStoreOptions {
  readonly client: KafkaClient;
  /** Default `_schemas` (Confluent's `kafkastore.topic`). */
  readonly topic?: string;
  /** For creation; -1 (default): the broker's default.replication.factor. */
  readonly replicationFactor?: number;
  /** Other topic configs for creation (Confluent's `kafkastore.topic.config.*`). */
  readonly topicConfigs?: Readonly<Record<string, string>>;
  readonly clientId?: string;
  /** How long start-up and each read to the end of the topic may take (Confluent's kafkastore.init.timeout.ms; default 60 000). */
  readonly timeoutMs?: number;
  readonly log?: StreamLogger;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const isRetriable = (e: unknown): boolean => (e as { retriable?: unknown } | null)?.retriable === true;

export class KafkaStore implements RegistryStore {
  readonly #client: KafkaClient;
  readonly #topic: string;
  readonly #options: KafkaStoreOptions;
  readonly #log: StreamLogger;
  readonly #timeoutMs: number;
  readonly #group: string;
  readonly #clientId: string;
  readonly #waiters = new Set<() => void>();
  #apply: ApplyRecord | undefined;
  #admin: KafkaAdmin | undefined;
  #producer: KafkaProducer | undefined;
  #consumer: KafkaConsumer | undefined;
  /** The offset of the last record applied (read or written), -1 before any. */
  #applied = -1;
  /** The next offset the reader will deliver. */
  #position = 0;
  #failure: Error | undefined;
  #closing = false;

  constructor(options: KafkaStoreOptions) {
    this.#options = options;
    this.#client = options.client;
    this.#topic = options.topic ?? '_schemas';
    this.#log = options.log ?? silentLogger;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#clientId = options.clientId ?? 'sluice-registry';
    this.#group = `${this.#clientId}-reader-${randomBytes(4).toString('hex')}`;
  }

  get description(): string {
    return `topic ${this.#topic}`;
  }

  get topic(): string {
    return this.#topic;
  }

  async start(apply: ApplyRecord): Promise<void> {
    this.#apply = apply;
    try {
      const admin = this.#client.admin({ clientId: `${this.#clientId}-admin` });
      this.#admin = admin;
      await admin.connect();
      await this.#retrying('creating the schemas topic', () => this.#ensureTopic(admin));
      const producer = this.#client.producer({ clientId: `${this.#clientId}-writer` });
      this.#producer = producer;
      await producer.connect();
      await this.#retrying('subscribing to the schemas topic', () => this.#startReader());
      await this.sync();
    } catch (e) {
      await this.close();
      if (e instanceof RegistryStoreError) throw e;
      throw new RegistryStoreError(`the schemas topic ${this.#topic} could not be read: ${(e as Error).message}`, { cause: e });
    }
    this.#log.info({ topic: this.#topic, offset: this.#applied }, 'schemas topic read');
  }

  async write(records: readonly RegistryRecord[]): Promise<void> {
    this.#assertUsable();
    if (records.length === 0) return;
    const metadata = await this.#producer!.send(
      records.map((r) => {
        const value = encodeValue(r);
        return { topic: this.#topic, partition: 0, key: encoder.encode(encodeKey(r.key)), value: value === null ? null : encoder.encode(value), headers: [] };
      }),
    );
    records.forEach((r, i) => this.#applyAt(metadata[i]!.offset, r));
  }

  /** Resolves once every record in the topic when it was called has been applied. */
  async sync(): Promise<void> {
    this.#assertUsable();
    const high = (await this.#admin!.watermarks!(this.#topic)).get(0)?.high ?? 0;
    const caughtUp = () => this.#position >= high || this.#applied >= high - 1;
    if (caughtUp()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new RegistryStoreError(`could not read the schemas topic ${this.#topic} to offset ${high} within ${this.#timeoutMs} ms (at ${this.#position})`));
      }, this.#timeoutMs);
      const check = () => {
        if (this.#failure || this.#closing || caughtUp()) {
          clearTimeout(timer);
          this.#waiters.delete(check);
          if (this.#failure) reject(this.#failure);
          else if (this.#closing) reject(new RegistryStoreError(`the schemas ${this.description} is closing`));
          else resolve();
        }
      };
      this.#waiters.add(check);
      check();
    });
  }

  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    for (const w of [...this.#waiters]) w();
    await this.#consumer?.disconnect().catch(() => {});
    await this.#producer?.disconnect().catch(() => {});
    if (this.#admin) {
      await this.#admin.deleteGroup?.(this.#group).catch(() => {});
      await this.#admin.disconnect().catch(() => {});
    }
  }

  #assertUsable(): void {
    if (!this.#apply || !this.#admin) throw new RegistryStoreError(`the schemas ${this.description} is used before start()`);
    if (this.#closing) throw new RegistryStoreError(`the schemas ${this.description} is closed`);
    if (this.#failure) throw this.#failure;
  }

  #applyAt(offset: number, record: RegistryRecord): void {
    if (offset <= this.#applied) return;
    this.#applied = offset;
    this.#apply!(record);
  }

  async #ensureTopic(admin: KafkaAdmin): Promise<void> {
    const topic = this.#topic;
    const created = await admin.createTopics([
      {
        topic,
        numPartitions: 1,
        replicationFactor: this.#options.replicationFactor ?? -1,
        configs: { ...this.#options.topicConfigs, 'cleanup.policy': 'compact' },
      },
    ]);
    if (created.length > 0) this.#log.info({ topic }, 'schemas topic created');
    const parts = (await admin.partitions([topic])).get(topic);
    if (!parts || parts.length === 0) throw Object.assign(new RegistryStoreError(`the schemas topic ${topic} has no partitions yet`), { retriable: true });
    if (parts.length !== 1) throw new RegistryStoreError(`The schema topic ${topic} should have only 1 partition but has ${parts.length}`);
    const policy = admin.topicConfigs ? (await admin.topicConfigs(topic))['cleanup.policy'] : undefined;
    if (policy !== undefined && policy !== 'compact') {
      throw new RegistryStoreError(
        `The retention policy of the schema topic ${topic} is incorrect. Expected cleanup.policy to be 'compact' but it is ${policy}`,
      );
    }
  }

  async #startReader(): Promise<void> {
    const consumer = this.#client.consumer({ groupId: this.#group, clientId: `${this.#clientId}-reader`, fromBeginning: true });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [this.#topic] });
    } catch (e) {
      await consumer.disconnect().catch(() => {});
      throw e;
    }
    this.#consumer = consumer;
    await consumer.run({
      onBatch: async (batch) => {
        for (const m of batch.messages) {
          this.#position = m.offset + 1;
          if (m.key === null || m.offset <= this.#applied) continue;
          let record: RegistryRecord;
          try {
            record = decodeRecord(decoder.decode(m.key), m.value === null ? null : decoder.decode(m.value));
          } catch (e) {
            // As Confluent's reader: a record it cannot read is logged and passed over.
            this.#log.error({ err: e, topic: this.#topic, offset: m.offset }, 'passing over a record of the schemas topic that cannot be read');
            this.#applied = Math.max(this.#applied, m.offset);
            continue;
          }
          this.#applyAt(m.offset, record);
        }
        this.#wake();
      },
      onAssigned: async () => this.#wake(),
      onRevoked: async () => {},
      onCrash: (error) => {
        if (this.#closing) return;
        this.#log.error({ err: error, topic: this.#topic }, 'schemas topic reader crashed; restarting it');
        void this.#restartReader();
      },
    });
  }

  async #restartReader(): Promise<void> {
    const old = this.#consumer;
    this.#consumer = undefined;
    await old?.disconnect().catch(() => {});
    for (let attempt = 0; !this.#closing; attempt++) {
      try {
        await this.#startReader();
        return;
      } catch (e) {
        this.#log.warn({ err: e, attempt }, 'schemas topic reader could not restart; retrying');
        await sleep(Math.min(5000, 200 * 2 ** attempt));
      }
    }
  }

  async #retrying<T>(what: string, op: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.#timeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await op();
      } catch (e) {
        if (!isRetriable(e) || this.#closing || Date.now() >= deadline) throw e;
        this.#log.warn({ err: e, topic: this.#topic, attempt }, `${what} failed with a retriable error; retrying`);
        await sleep(Math.min(2000, 100 * 2 ** attempt));
      }
    }
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }
}
