/**
 * Exactly-once source support in the worker (KIP-618): which offsets topic each source connector's transactions
 * write to, how its tasks read their offsets, and each task's transactional id.
 *
 * - A connector's offsets go, inside its tasks' transactions, to its own `offsets.storage.topic` when it names
 *   one, else to the worker's offsets topic (distributed: `offset.storage.topic`; standalone: the same key,
 *   default `sluice-standalone-offsets`). These topics are read read_committed.
 * - A connector with its own topic reads its offsets there first and then in the worker's store (Kafka Connect's
 *   ConnectorOffsetBackingStore); after each commit they are also written to the worker's store (best effort),
 *   and a standalone worker mirrors them to its offsets file.
 * - Transactional ids are Kafka Connect's `${group.id}-${connector}-${task}`; a standalone worker has no group and
 *   uses `sluice-standalone` in its place.
 */
import type { ConnectorConfig } from '../connectors/api/index.js';
import type { OffsetMap } from '../data/index.js';
import type { ExactlyOnceSource, OffsetStore, TaskId, TransactionBoundary } from '../streams/contracts.js';
import type { KafkaClient } from '../streams/kafka/client.js';
import type { Log } from '../actors/index.js';
import { KafkaOffsetStore } from './kafka-offset-store.js';

/** The standalone worker's offsets topic when `offset.storage.topic` is not set. */
export const STANDALONE_OFFSETS_TOPIC = 'sluice-standalone-offsets';
/** A standalone worker's stand-in for `group.id` in transactional ids. */
export const STANDALONE_TRANSACTIONAL_PREFIX = 'sluice-standalone';

/** Kafka Connect's transactional id of a source task. */
export function transactionalIdOf(prefix: string, id: TaskId): string {
  return `${prefix}-${id.connector}-${id.task}`;
}

/** The connector's `transaction.boundary` settings (validated before: the values are Kafka's). */
export function transactionBoundaryOf(config: ConnectorConfig, offsetFlushIntervalMs: number): { boundary: TransactionBoundary; intervalMs: number } {
  const boundary = (config['transaction.boundary'] ?? 'poll').trim().toLowerCase() as TransactionBoundary;
  const interval = (config['transaction.boundary.interval.ms'] ?? '').trim();
  return { boundary, intervalMs: interval === '' ? offsetFlushIntervalMs : Number(interval) };
}

/** The connector's own offsets topic, or null. */
export function connectorOffsetsTopic(config: ConnectorConfig): string | null {
  const t = (config['offsets.storage.topic'] ?? '').trim();
  return t === '' ? null : t;
}

/**
 * Reads `primary` first and `fallback` where primary has nothing; writes both (the REST offsets API). Primary is
 * where the connector's transactions write.
 */
export class LayeredOffsetStore implements OffsetStore {
  constructor(
    readonly primary: OffsetStore,
    readonly fallback: OffsetStore,
  ) {}

  async start(): Promise<void> {
    await this.primary.start();
    await this.fallback.start();
  }

  async get(connector: string, partitions: readonly OffsetMap[]): Promise<Map<OffsetMap, OffsetMap | null>> {
    const first = await this.primary.get(connector, partitions);
    const missing = partitions.filter((p) => (first.get(p) ?? null) === null);
    if (missing.length === 0) return first;
    const second = await this.fallback.get(connector, missing);
    for (const p of missing) first.set(p, second.get(p) ?? null);
    return first;
  }

  async set(connector: string, entries: ReadonlyArray<readonly [OffsetMap, OffsetMap | null]>): Promise<void> {
    await this.primary.set(connector, entries);
    await this.fallback.set(connector, entries);
  }

  async all(connector: string): Promise<Array<[OffsetMap, OffsetMap]>> {
    const out = new Map<string, [OffsetMap, OffsetMap]>();
    for (const [p, o] of await this.fallback.all(connector)) out.set(JSON.stringify(p), [p, o]);
    for (const [p, o] of await this.primary.all(connector)) out.set(JSON.stringify(p), [p, o]);
    return [...out.values()];
  }

  async stop(): Promise<void> {
    await this.primary.stop().catch(() => {});
    await this.fallback.stop();
  }
}

export interface ExactlyOnceWiringOptions {
  /** The worker's offsets topic store (distributed: the worker's store; standalone: one made for EOS). */
  readonly workerTopic: KafkaOffsetStore;
  /** What tasks of connectors without their own topic read: the worker's store (standalone: topic over file). */
  readonly workerOffsets: OffsetStore;
  /** Standalone: the offsets file, mirrored after each commit. */
  readonly mirror?: OffsetStore;
  /** Clients for connector-specific offsets topics (read_committed consumers). */
  readonly client: KafkaClient;
  readonly transactionalPrefix: string;
  readonly readerGroupPrefix: string;
  readonly clientId: string;
  readonly offsetFlushIntervalMs: number;
  readonly log: Log;
}

/** Per source task: its ExactlyOnceSource and the offsets it reads. */
export class ExactlyOnceWiring {
  readonly #o: ExactlyOnceWiringOptions;
  readonly #connectorTopics = new Map<string, Promise<KafkaOffsetStore>>();

  constructor(options: ExactlyOnceWiringOptions) {
    this.#o = options;
  }

  /** The store a connector's transactions write to (its own topic's, started on first use, or the worker's). */
  async topicStoreFor(config: ConnectorConfig): Promise<KafkaOffsetStore> {
    const topic = connectorOffsetsTopic(config);
    if (topic === null || topic === this.#o.workerTopic.topic) return this.#o.workerTopic;
    let store = this.#connectorTopics.get(topic);
    if (!store) {
      const s = new KafkaOffsetStore({
        client: this.#o.client,
        topic,
        partitions: -1,
        replicationFactor: -1,
        readerGroupPrefix: `${this.#o.readerGroupPrefix}-${topic}`,
        clientId: `${this.#o.clientId}-${topic}`,
        log: this.#o.log,
      });
      store = s.start().then(() => s);
      store.catch(() => this.#connectorTopics.delete(topic));
      this.#connectorTopics.set(topic, store);
    }
    return store;
  }

  /** What a connector's tasks and the REST offsets API read: its own topic first, then the worker's store. */
  async offsetsFor(config: ConnectorConfig): Promise<OffsetStore> {
    const store = await this.topicStoreFor(config);
    return store === this.#o.workerTopic ? this.#o.workerOffsets : new LayeredOffsetStore(store, this.#o.workerOffsets);
  }

  /** The task's exactly-once settings. */
  async sourceFor(id: TaskId, config: ConnectorConfig): Promise<ExactlyOnceSource> {
    const store = await this.topicStoreFor(config);
    const secondary = store === this.#o.workerTopic ? this.#o.mirror : this.#o.workerOffsets;
    // transaction.timeout.ms comes with the task producer's properties (producer.*, producer.override.*).
    return {
      transactionalId: transactionalIdOf(this.#o.transactionalPrefix, id),
      ...transactionBoundaryOf(config, this.#o.offsetFlushIntervalMs),
      offsetRecords: (connector, entries) => store.recordsFor(connector, entries),
      ...(secondary ? { committed: (connector: string, entries: ReadonlyArray<readonly [OffsetMap, OffsetMap | null]>) => secondary.set(connector, entries) } : {}),
    };
  }

  async close(): Promise<void> {
    const stores = [...this.#connectorTopics.values()];
    this.#connectorTopics.clear();
    for (const s of stores) await s.then((x) => x.stop(), () => {});
  }
}
