/**
 * The Kafka client port. The pipelines talk to Kafka only through these interfaces, so the client library
 * (kafkajs today; @confluentinc/kafka-javascript or @platformatic/kafka later) and the in-process transport
 * are interchangeable. Bytes are Uint8Array; offsets are numbers (int64 offsets beyond 2^53 do not occur).
 */
import type { TopicPartition } from '../../connectors/api/index.js';

export interface KafkaHeader {
  readonly key: string;
  readonly value: Uint8Array | null;
}

export interface ProducerRecord {
  readonly topic: string;
  /** Omitted or null: the client picks one (murmur2 of the key, round-robin for null keys). */
  readonly partition?: number | null;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: readonly KafkaHeader[];
  /** Milliseconds since the epoch; null lets the client/broker stamp it. */
  readonly timestamp?: number | null;
}

/** Where the broker stored one record. */
export interface ProducedRecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number | null;
}

export interface KafkaProducer {
  connect(): Promise<void>;
  /**
   * Sends a batch; resolves once every record is acknowledged, with metadata in the order of `records`.
   * Concurrent calls reach each partition in call order.
   */
  send(records: readonly ProducerRecord[]): Promise<ProducedRecordMetadata[]>;
  disconnect(): Promise<void>;
}

export interface TransactionalProducerOptions extends ProducerOptions {
  /** Kafka Connect's `${group.id}-${connector}-${task}` (or the standalone equivalent). */
  readonly transactionalId: string;
  /** transaction.timeout.ms; default 60000. */
  readonly transactionTimeoutMs?: number;
}

/**
 * A producer whose sends belong to transactions (idempotent, acks=all, one request in flight per broker).
 * connect() initialises the producer id of `transactionalId`: that fences every earlier producer with the same id
 * (their later send/commit/abort reject with ProducerFencedError) and aborts a transaction one of them left open.
 */
export interface TransactionalProducer {
  readonly transactionalId: string;
  connect(): Promise<void>;
  /** Starts a transaction; throws when one is open. */
  begin(): Promise<void>;
  /** Sends within the open transaction; resolves once acknowledged, metadata in the order of `records`. */
  send(records: readonly ProducerRecord[]): Promise<ProducedRecordMetadata[]>;
  /** Commits the open transaction (a read_committed consumer then sees its records). */
  commit(): Promise<void>;
  /** Aborts the open transaction (its records stay in the log, marked aborted; read_committed consumers skip them). */
  abort(): Promise<void>;
  /** True while a transaction is open. */
  readonly inTransaction: boolean;
  disconnect(): Promise<void>;
}

/** This producer's transactional id was taken over by a newer producer (a zombie): it must stop without writing. */
export class ProducerFencedError extends Error {
  override readonly name = 'ProducerFencedError';
  constructor(readonly transactionalId: string, options?: { cause?: unknown }) {
    super(`producer with transactional.id ${transactionalId} was fenced by a newer producer with the same id`, options);
  }
}

export type TimestampKind = 'NoTimestampType' | 'CreateTime' | 'LogAppendTime';

export interface ConsumedMessage {
  readonly offset: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: readonly KafkaHeader[];
  readonly timestamp: number | null;
  readonly timestampType: TimestampKind;
}

/** Messages of one topic-partition, in offset order. */
export interface ConsumedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly ConsumedMessage[];
  /** The partition's end (the offset of its next record) when the batch was fetched: lag = this − next position. */
  readonly highWatermark?: number;
  /**
   * The position after this batch counting what the consumer skipped in it (transaction markers, aborted records
   * under read_committed); at least the last message's offset + 1. Absent: that.
   */
  readonly nextOffset?: number;
}

export interface TopicPartitionOffset extends TopicPartition {
  /** For commits: the next offset to read (last processed + 1). */
  readonly offset: number;
}

export type Subscription = { readonly topics: readonly string[] } | { readonly pattern: RegExp };

/**
 * What a consumer calls. Calls are never concurrent: the consumer awaits each one before the next, and does
 * not fetch more for a partition while `onBatch` for it is running.
 */
export interface ConsumerHandlers {
  onBatch(batch: ConsumedBatch): Promise<void>;
  /** Partitions newly assigned to this member. */
  onAssigned(partitions: readonly TopicPartition[]): Promise<void>;
  /** Partitions taken away; commit what was processed before returning. */
  onRevoked(partitions: readonly TopicPartition[]): Promise<void>;
  /** The consumer stopped by itself with this error (not after `stop()`). */
  onCrash(error: Error): void;
  /** The transport wants a commit soon (e.g. the in-process channel waits for the sink to flush). */
  onCommitWanted?(): void;
  /**
   * A fetch of this partition held nothing to deliver (only transaction markers or aborted records) and moved its
   * position to `nextOffset`: readers that wait for a partition's end need to know.
   */
  onSkipped?(topic: string, partition: number, nextOffset: number): void;
}

/**
 * One client's Kafka properties as Kafka's Java clients take them (`security.protocol`, `sasl.jaas.config`,
 * `compression.type`, `session.timeout.ms`, ...), already resolved by Kafka Connect's precedence (worker keys,
 * `producer.`/`consumer.`/`admin.` prefixes, connector overrides). `bootstrap.servers` and `client.id` are not
 * read from here.
 */
export type ClientProperties = Readonly<Record<string, string>>;

export interface ConsumerOptions {
  readonly groupId: string;
  readonly clientId: string;
  /** This client's properties; absent: the client factory's consumer defaults. */
  readonly properties?: ClientProperties;
  /** auto.offset.reset; Kafka Connect forces earliest. */
  readonly fromBeginning?: boolean;
}

export interface KafkaConsumer {
  connect(): Promise<void>;
  subscribe(subscription: Subscription): Promise<void>;
  /** Starts delivering; resolves once the consumer is running (delivery goes on in the background). */
  run(handlers: ConsumerHandlers): Promise<void>;
  assignment(): TopicPartition[];
  pause(partitions: readonly TopicPartition[]): void;
  resume(partitions: readonly TopicPartition[]): void;
  /** The next message delivered for `tp` is at `offset`. */
  seek(tp: TopicPartition, offset: number): void;
  /** Commits next-offsets-to-read for the group; resolves once the broker stored them. */
  commit(offsets: readonly TopicPartitionOffset[]): Promise<void>;
  /** Stops delivery and leaves the group; resolves after any running handler returned. */
  disconnect(): Promise<void>;
}

export interface NewTopic {
  readonly topic: string;
  /** -1: broker default. */
  readonly numPartitions: number;
  /** -1: broker default. */
  readonly replicationFactor: number;
  readonly configs?: Readonly<Record<string, string>>;
}

export interface KafkaAdmin {
  connect(): Promise<void>;
  /** Creates the topics that do not exist; returns the names it created (existing ones are not an error). */
  createTopics(topics: readonly NewTopic[]): Promise<string[]>;
  listTopics(): Promise<string[]>;
  /** Partition ids per topic (topics that do not exist are left out). */
  partitions(topics: readonly string[]): Promise<Map<string, number[]>>;
  /** Committed next-offsets of a consumer group (partitions without a commit are left out). */
  fetchGroupOffsets(groupId: string, topics: readonly string[]): Promise<TopicPartitionOffset[]>;
  /** Overwrites a group's committed offsets (the group must have no active members). */
  commitGroupOffsets(groupId: string, offsets: readonly TopicPartitionOffset[]): Promise<void>;
  /** Deletes a consumer group and its committed offsets (no active members); a group that does not exist is fine. */
  deleteGroup?(groupId: string): Promise<void>;
  /** The cluster id (`GET /` of the REST API). */
  clusterId?(): Promise<string>;
  /** Per partition of a topic: the first offset still stored (low) and the next offset to be written (high). */
  watermarks?(topic: string): Promise<Map<number, { readonly low: number; readonly high: number }>>;
  /** A topic's configs as the broker reports them (e.g. `cleanup.policy`); empty for a topic that does not exist. */
  topicConfigs?(topic: string): Promise<Record<string, string>>;
  /**
   * Kafka's Admin.fenceProducers: for each id, InitProducerId on its transaction coordinator, which bumps the epoch
   * and fences the old producer (its open transaction is aborted); an id never used before is fine.
   */
  fenceProducers?(transactionalIds: readonly string[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface ProducerOptions {
  readonly clientId: string;
  /** This client's properties; absent: the client factory's producer defaults. */
  readonly properties?: ClientProperties;
}

export interface AdminOptions {
  readonly clientId?: string;
  /** This client's properties; absent: the client factory's admin defaults. */
  readonly properties?: ClientProperties;
}

/** Creates clients that share connection settings. */
export interface KafkaClient {
  producer(options: ProducerOptions): KafkaProducer;
  consumer(options: ConsumerOptions): KafkaConsumer;
  admin(options?: AdminOptions): KafkaAdmin;
  /** A transactional producer (exactly-once source tasks, KIP-618); absent where the transport has none. */
  transactionalProducer?(options: TransactionalProducerOptions): TransactionalProducer;
}

/** The logger the streams layer writes to (pino's shape, minus the rest); silent by default. */
export interface StreamLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: StreamLogger = Object.freeze({
  debug() {},
  info() {},
  warn() {},
  error() {},
});
