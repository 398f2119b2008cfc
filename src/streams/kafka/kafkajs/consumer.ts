/**
 * The consumer of the kafkajs adapter, with Kafka's consumer semantics where kafkajs lacks them:
 *
 * - Revocation before rejoining (the eager protocol). kafkajs has no revoke callback, so the adapter hooks the
 *   one awaited step every (re)join goes through — finding the group coordinator — and there commits and closes
 *   every owned partition (`onRevoked`) before the JoinGroup is sent. No other member can be given a partition
 *   until this member rejoins, so a task's `close` always runs before another member's `open`. The new
 *   assignment comes from GROUP_JOIN (`onAssigned`).
 * - Commits only for owned partitions: the broker does not check ownership on OffsetCommit, so offsets of a
 *   partition this member no longer owns are dropped here.
 * - Lost partitions: after a crash the group is gone; partitions are closed without a commit.
 * - Never giving up on the brokers: a crash kafkajs does not restart itself is restarted with backoff unless it is
 *   fatal (authentication, authorization, a fenced group.instance.id, a bad config).
 * - group.instance.id (static membership, KIP-345): sent in JoinGroup v5 so a restarted member takes its old
 *   place without waiting for the old session to expire.
 * - topics.regex: re-resolved every metadata.max.age.ms; new matching topics re-subscribe (a rebalance).
 */
import { kafkajs } from './lib.js';
import type { Consumer, ConsumerRunConfig, EachBatchPayload, Kafka, PartitionAssigner } from 'kafkajs';
import type { TopicPartition } from '../../../connectors/api/index.js';
import { tpKey } from '../../../connectors/api/index.js';
import type {
  ConsumedBatch,
  ConsumedMessage,
  ConsumerHandlers,
  ConsumerOptions,
  KafkaConsumer,
  StreamLogger,
  Subscription,
  TimestampKind,
  TopicPartitionOffset,
} from '../client.js';
import { ClientConfigException, parseClientSettings, type ClientSettings } from '../client-settings.js';
import { SerialQueue } from '../../../async/index.js';
import { fromKafkajsHeaders, groupByTopic } from './convert.js';


/** What the adapter reads of kafkajs's Cluster and Broker objects (not all in kafkajs's typings). */
interface HookedCluster {
  findGroupCoordinator(args: { groupId: string; coordinatorType?: number }): Promise<HookedBroker>;
  metadata(args?: { topics?: string[] }): Promise<{ topicMetadata: Array<{ topic: string }> }>;
}
interface HookedBroker {
  lookupRequest: (apiKey: number, definition: unknown) => (params: Record<string, unknown>) => unknown;
  joinGroup(args: Record<string, unknown>): Promise<unknown>;
  [staticJoin]?: string;
}
const staticJoin = Symbol('sluice:staticJoin');
const GROUP_COORDINATOR = 0;

/** Errors after which retrying cannot help (Kafka's consumer throws these from poll instead of retrying). */
const FATAL_TYPES = new Set([
  'SASL_AUTHENTICATION_FAILED',
  'ILLEGAL_SASL_STATE',
  'UNSUPPORTED_SASL_MECHANISM',
  'GROUP_AUTHORIZATION_FAILED',
  'TOPIC_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'FENCED_INSTANCE_ID',
  'INVALID_SESSION_TIMEOUT',
  'INVALID_GROUP_ID',
  'INCONSISTENT_GROUP_PROTOCOL',
  'GROUP_MAX_SIZE_REACHED',
  'UNSUPPORTED_VERSION',
]);
const FATAL_NAMES = new Set(['KafkaJSSASLAuthenticationError', 'KafkaJSServerDoesNotSupportApiKey', 'KafkaJSNotImplemented']);
/** TLS failures: an untrusted or mismatching certificate does not get better by retrying. */
const FATAL_CODE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|EPROTO/;

export function isFatalConsumerError(error: unknown): boolean {
  for (let e = error as { type?: unknown; name?: unknown; code?: unknown; cause?: unknown; originalError?: unknown } | undefined, depth = 0; e && depth < 10; depth++) {
    if (typeof e.type === 'string' && FATAL_TYPES.has(e.type)) return true;
    if (typeof e.name === 'string' && FATAL_NAMES.has(e.name)) return true;
    if (typeof e.code === 'string' && FATAL_CODE.test(e.code)) return true;
    e = (e.cause ?? e.originalError) as typeof e;
  }
  return false;
}

/** The client settings a consumer honours (parseClientSettings('consumer', properties)). */
export type KafkajsConsumerSettings = Pick<ClientSettings, 'consumer' | 'connection'>;

export class KafkajsConsumer implements KafkaConsumer {
  readonly #consumer: Consumer;
  readonly #options: ConsumerOptions;
  readonly #settings: KafkajsConsumerSettings;
  readonly #logger: StreamLogger;
  readonly #serial = new SerialQueue();
  readonly #fromBeginning: boolean;
  /** What the task was told it has (open called, close not yet). */
  #assignment = new Map<string, TopicPartition>();
  /** What this member owns in the group's current generation; commits go only for these. */
  #owned = new Set<string>();
  /** Next offset to deliver per partition, so messages kafkajs redelivers within a generation are dropped. */
  readonly #position = new Map<string, number>();
  #handlers: ConsumerHandlers | undefined;
  #runConfig: ConsumerRunConfig | undefined;
  #subscription: Subscription | undefined;
  #subscribedTopics = new Set<string>();
  #stopping = false;
  #failed = false;
  #seeks = 0;
  #restarts = 0;
  #restartTimer: NodeJS.Timeout | undefined;
  #regexTimer: NodeJS.Timeout | undefined;
  #resubscribing: Promise<void> | undefined;
  #cluster: HookedCluster | undefined;
  #removeListeners: Array<() => void> = [];

  constructor(kafka: Kafka, options: ConsumerOptions, logger: StreamLogger, settings: KafkajsConsumerSettings = parseClientSettings('consumer')) {
    this.#options = options;
    this.#settings = settings;
    this.#logger = logger;
    const c = settings.consumer;
    // Kafka Connect forces earliest for sink consumers unless auto.offset.reset is set explicitly.
    const explicitReset = options.properties?.['auto.offset.reset'] !== undefined;
    if (explicitReset && c.autoOffsetReset === 'none') {
      throw new ClientConfigException([{ key: 'auto.offset.reset', reason: 'none is not supported by this client; use earliest or latest' }]);
    }
    this.#fromBeginning = explicitReset ? c.autoOffsetReset === 'earliest' : (options.fromBeginning ?? true);
    const hooked: PartitionAssigner = (config) => {
      this.#hookCluster(config.cluster as unknown as HookedCluster);
      return kafkajs().PartitionAssigners.roundRobin(config);
    };
    this.#consumer = kafka.consumer({
      groupId: options.groupId,
      partitionAssigners: [hooked],
      allowAutoTopicCreation: false,
      retry: { retries: 10 },
      sessionTimeout: c.sessionTimeoutMs,
      heartbeatInterval: c.heartbeatIntervalMs,
      rebalanceTimeout: c.maxPollIntervalMs,
      maxWaitTimeInMs: c.fetchMaxWaitMs,
      minBytes: c.fetchMinBytes,
      maxBytes: c.fetchMaxBytes,
      maxBytesPerPartition: c.maxPartitionFetchBytes,
      readUncommitted: c.isolationLevel === 'read_uncommitted',
      metadataMaxAge: settings.connection.metadataMaxAgeMs,
    });
  }

  connect(): Promise<void> {
    return this.#consumer.connect();
  }

  async subscribe(subscription: Subscription): Promise<void> {
    this.#subscription = subscription;
    if ('pattern' in subscription) {
      // Resolved here (kafkajs resolves a RegExp only at subscribe time), then again every metadata.max.age.ms.
      const topics = await this.#matchingTopics(subscription.pattern);
      this.#subscribedTopics = new Set(topics);
      await this.#consumer.subscribe({ topics: [subscription.pattern], fromBeginning: this.#fromBeginning });
    } else {
      await this.#consumer.subscribe({ topics: [...subscription.topics], fromBeginning: this.#fromBeginning });
    }
  }

  async run(handlers: ConsumerHandlers): Promise<void> {
    this.#handlers = handlers;
    const { GROUP_JOIN, CRASH, END_BATCH_PROCESS } = this.#consumer.events;
    this.#removeListeners.push(
      this.#consumer.on(GROUP_JOIN, (event) => this.#onJoined(event.payload.memberAssignment)),
      this.#consumer.on(CRASH, (event) => this.#onCrashed(event.payload.error, event.payload.restart)),
    );
    if (handlers.onSkipped) {
      // kafkajs resolves a fetch that held only transaction markers or aborted records without calling eachBatch.
      this.#removeListeners.push(
        this.#consumer.on(END_BATCH_PROCESS, ({ payload }) => {
          if (payload.batchSize === 0 && !this.#stopping) handlers.onSkipped!(payload.topic, payload.partition, Number(payload.lastOffset) + 1);
        }),
      );
    }
    this.#runConfig = {
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.#serial.run(() => this.#eachBatch(payload)),
    };
    await this.#consumer.run(this.#runConfig);
    if (this.#subscription && 'pattern' in this.#subscription) this.#watchPattern(this.#subscription.pattern);
  }

  // ------------------------------------------------------------------------------------------ group membership

  /** Installs the join barrier (and static membership) on the consumer's own kafkajs Cluster. */
  #hookCluster(cluster: HookedCluster): void {
    if (this.#cluster === cluster) return;
    this.#cluster = cluster;
    const find = cluster.findGroupCoordinator.bind(cluster);
    const instanceId = this.#settings.consumer.groupInstanceId;
    cluster.findGroupCoordinator = async (args) => {
      const forJoin = args.groupId === this.#options.groupId && (args.coordinatorType ?? GROUP_COORDINATOR) === GROUP_COORDINATOR;
      if (forJoin) await this.#beforeJoin();
      const broker = await find(args);
      if (forJoin && instanceId) withGroupInstanceId(broker, instanceId);
      return broker;
    };
  }

  /** Kafka's eager protocol: every owned partition is committed and closed before this member (re)joins. */
  async #beforeJoin(): Promise<void> {
    await this.#serial.run(() => this.#revokeAll());
  }

  async #revokeAll(): Promise<void> {
    if (this.#assignment.size === 0) {
      this.#owned.clear();
      return;
    }
    const revoked = [...this.#assignment.values()];
    try {
      if (!this.#stopping && !this.#failed && this.#handlers) await this.#handlers.onRevoked(revoked);
    } finally {
      this.#owned.clear();
      this.#assignment.clear();
      this.#position.clear();
    }
  }

  #onJoined(memberAssignment: Record<string, number[]>): void {
    const next = new Map<string, TopicPartition>();
    for (const [topic, partitions] of Object.entries(memberAssignment)) {
      for (const partition of partitions) next.set(tpKey({ topic, partition }), { topic, partition });
    }
    // Synchronously: batches of this generation may follow at once, and commits must see the new ownership.
    this.#owned = new Set(next.keys());
    this.#restarts = 0;
    void this.#serial.run(() => this.#applyAssignment(next)).catch((e: unknown) => this.#crash(e));
  }

  async #applyAssignment(next: Map<string, TopicPartition>): Promise<void> {
    if (this.#stopping || this.#failed || !this.#handlers) return;
    // The join barrier revoked everything already; this covers a join that did not pass through it.
    const revoked = [...this.#assignment].filter(([k]) => !next.has(k)).map(([, tp]) => tp);
    const assigned = [...next].filter(([k]) => !this.#assignment.has(k)).map(([, tp]) => tp);
    if (revoked.length) {
      await this.#handlers.onRevoked(revoked);
      for (const tp of revoked) this.#position.delete(tpKey(tp));
    }
    this.#assignment = new Map(next);
    if (assigned.length) await this.#handlers.onAssigned(assigned);
  }

  #onCrashed(error: Error, restartedByKafkajs: boolean): void {
    if (this.#stopping || this.#failed) return;
    // kafkajs left (or lost) the group before reporting: what this member had is gone, without a commit.
    this.#owned.clear();
    void this.#serial.run(() => this.#revokeAll()).catch(() => {});
    if (isFatalConsumerError(error)) {
      this.#crash(error);
      return;
    }
    if (restartedByKafkajs) {
      this.#logger.warn({ groupId: this.#options.groupId, err: error }, 'the consumer stopped on an error; it restarts and rejoins the group');
      return;
    }
    const backoff = Math.min(this.#settings.connection.reconnectBackoffMaxMs * 2 ** this.#restarts, 10_000);
    this.#restarts = Math.min(this.#restarts + 1, 10);
    this.#logger.warn(
      { groupId: this.#options.groupId, err: error, retryInMs: backoff },
      'the consumer stopped on an error; restarting it (Kafka consumers keep retrying the brokers)',
    );
    clearTimeout(this.#restartTimer);
    this.#restartTimer = setTimeout(() => {
      if (this.#stopping || this.#failed || !this.#runConfig) return;
      this.#consumer.run(this.#runConfig).catch((e: unknown) => this.#onCrashed(e instanceof Error ? e : new Error(String(e)), false));
    }, backoff);
  }

  #crash(error: unknown): void {
    if (this.#stopping || this.#failed) return;
    this.#failed = true;
    this.#handlers?.onCrash(error instanceof Error ? error : new Error(String(error)));
  }

  // ------------------------------------------------------------------------------------------ topics.regex

  async #matchingTopics(pattern: RegExp): Promise<string[]> {
    if (!this.#cluster) return [];
    const { topicMetadata } = await this.#cluster.metadata();
    return topicMetadata.map((t) => t.topic).filter((t) => pattern.test(t));
  }

  /** Kafka's consumer picks up new topics matching the pattern at each metadata refresh; so does this. */
  #watchPattern(pattern: RegExp): void {
    const every = Math.max(this.#settings.connection.metadataMaxAgeMs, 100);
    const check = async () => {
      if (this.#stopping || this.#failed || this.#resubscribing) return;
      let topics: string[];
      try {
        topics = await this.#matchingTopics(pattern);
      } catch (e) {
        this.#logger.debug({ groupId: this.#options.groupId, err: e }, 'listing topics for topics.regex failed; retrying later');
        return;
      }
      const added = topics.filter((t) => !this.#subscribedTopics.has(t));
      if (added.length === 0 || this.#stopping) return;
      this.#logger.info({ groupId: this.#options.groupId, topics: added }, 'new topics match topics.regex; subscribing');
      this.#resubscribing = this.#resubscribe(pattern, topics).finally(() => {
        this.#resubscribing = undefined;
      });
      await this.#resubscribing;
    };
    this.#regexTimer = setInterval(() => void check().catch((e: unknown) => this.#crash(e)), every);
  }

  /** kafkajs cannot change a running subscription: revoke (commit, close), stop, subscribe again, run again. */
  async #resubscribe(pattern: RegExp, topics: string[]): Promise<void> {
    await this.#serial.run(() => this.#revokeAll());
    if (this.#stopping) return;
    await this.#consumer.stop();
    if (this.#stopping) return;
    this.#subscribedTopics = new Set(topics);
    await this.#consumer.subscribe({ topics: [pattern], fromBeginning: this.#fromBeginning });
    if (this.#stopping || !this.#runConfig) return;
    await this.#consumer.run(this.#runConfig);
  }

  // ------------------------------------------------------------------------------------------ delivery

  async #eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (this.#stopping || this.#failed || !this.#handlers || payload.isStale() || !payload.isRunning()) return;
    const key = tpKey({ topic: batch.topic, partition: batch.partition });
    // Fetched before a revocation: the partition is not ours to deliver any more.
    if (!this.#owned.has(key) || !this.#assignment.has(key)) return;
    const position = this.#position.get(key);
    const messages: ConsumedMessage[] = [];
    for (const m of batch.messages) {
      const offset = Number(m.offset);
      if (position !== undefined && offset < position) continue;
      messages.push(toConsumedMessage(m, offset));
    }
    if (messages.length === 0) {
      payload.resolveOffset(batch.lastOffset());
      return;
    }
    const seeksBefore = this.#seeks;
    const highWatermark = Number(batch.highWatermark);
    const nextOffset = Number(batch.lastOffset()) + 1;
    // Keep the group session alive while a slow `put` runs.
    const beat = setInterval(() => {
      payload.heartbeat().catch(() => {});
    }, this.#settings.consumer.heartbeatIntervalMs);
    try {
      // One delivery holds at most max.poll.records; a seek or a revocation between two ends the batch.
      const chunk = this.#settings.consumer.maxPollRecords;
      for (let from = 0; from < messages.length; from += chunk) {
        const part = from === 0 && messages.length <= chunk ? messages : messages.slice(from, from + chunk);
        const last = from + chunk >= messages.length && nextOffset > part[part.length - 1]!.offset + 1;
        try {
          await this.#handlers.onBatch({
            topic: batch.topic,
            partition: batch.partition,
            messages: part,
            ...(Number.isFinite(highWatermark) ? { highWatermark } : {}),
            ...(last ? { nextOffset } : {}),
          });
        } catch (e) {
          this.#crash(e);
          return;
        }
        if (this.#seeks !== seeksBefore || payload.isStale() || this.#stopping || !this.#owned.has(key)) return;
        this.#position.set(key, part[part.length - 1]!.offset + 1);
      }
    } finally {
      clearInterval(beat);
    }
    payload.resolveOffset(batch.lastOffset());
  }

  assignment(): TopicPartition[] {
    return [...this.#assignment.values()];
  }

  // pause/resume/seek between a crash and the rejoin have nothing to act on: assignment re-applies them.
  pause(partitions: readonly TopicPartition[]): void {
    if (!partitions.length) return;
    try {
      this.#consumer.pause(groupByTopic(partitions));
    } catch (e) {
      this.#logger.debug({ groupId: this.#options.groupId, err: e }, 'pause while the consumer is not running');
    }
  }

  resume(partitions: readonly TopicPartition[]): void {
    if (!partitions.length) return;
    try {
      this.#consumer.resume(groupByTopic(partitions));
    } catch (e) {
      this.#logger.debug({ groupId: this.#options.groupId, err: e }, 'resume while the consumer is not running');
    }
  }

  seek(tp: TopicPartition, offset: number): void {
    const key = tpKey(tp);
    if (!this.#owned.has(key)) return;
    this.#seeks++;
    this.#position.set(key, offset);
    this.#consumer.seek({ topic: tp.topic, partition: tp.partition, offset: String(offset) });
  }

  async commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    const owned = offsets.filter((o) => this.#owned.has(tpKey(o)));
    if (owned.length < offsets.length) {
      this.#logger.debug(
        { groupId: this.#options.groupId, dropped: offsets.filter((o) => !this.#owned.has(tpKey(o))).map(tpKey) },
        'not committing offsets of partitions this member does not own',
      );
    }
    if (owned.length === 0) return;
    await this.#consumer.commitOffsets(owned.map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.offset) })));
  }

  async disconnect(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#restartTimer);
    clearInterval(this.#regexTimer);
    for (const remove of this.#removeListeners) remove();
    this.#removeListeners = [];
    await this.#resubscribing?.catch(() => {});
    await this.#consumer.disconnect();
    this.#owned.clear();
  }
}

/**
 * Static membership: kafkajs sends JoinGroup v5 (which has group_instance_id) but never fills the field; this
 * adds it to the requests this coordinator builds for joinGroup. Heartbeat, SyncGroup and OffsetCommit go with
 * the member id alone, which the broker accepts for a static member.
 */
function withGroupInstanceId(broker: HookedBroker, groupInstanceId: string): void {
  if (broker[staticJoin] === groupInstanceId) return;
  broker[staticJoin] = groupInstanceId;
  const join = Object.getPrototypeOf(broker).joinGroup as HookedBroker['joinGroup'];
  broker.joinGroup = function (this: HookedBroker, args) {
    const lookup = this.lookupRequest;
    this.lookupRequest = (apiKey, definition) => {
      const build = lookup.call(this, apiKey, definition);
      return (params) => build({ ...params, groupInstanceId });
    };
    try {
      // The request is looked up before joinGroup's first await; the original lookup is back right after.
      return join.call(this, args);
    } finally {
      this.lookupRequest = lookup;
    }
  };
}

const TIMESTAMP_TYPES: Record<number, TimestampKind> = { 0: 'CreateTime', 1: 'LogAppendTime' };

function toConsumedMessage(m: EachBatchPayload['batch']['messages'][number], offset: number): ConsumedMessage {
  const ts = Number(m.timestamp);
  const hasTimestamp = Number.isFinite(ts) && ts >= 0;
  // kafkajs already gives LogAppendTime records the batch's maxTimestamp; the type is on the batch.
  const batchType = (m as { batchContext?: { timestampType?: number } }).batchContext?.timestampType;
  return {
    offset,
    key: m.key ?? null,
    value: m.value ?? null,
    headers: fromKafkajsHeaders(m.headers),
    timestamp: hasTimestamp ? ts : null,
    timestampType: hasTimestamp ? (TIMESTAMP_TYPES[batchType ?? 0] ?? 'CreateTime') : 'NoTimestampType',
  };
}
