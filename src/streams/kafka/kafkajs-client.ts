/**
 * The KafkaClient port on kafkajs 2.2.4. This is the only module that imports kafkajs.
 *
 * kafkajs quirks handled here:
 * - it has no revoke/assign callbacks: assignment changes are taken from the GROUP_JOIN event and handed to the
 *   pipeline (serialized with batch delivery) as revoked = old − new, assigned = new − old; because kafkajs
 *   rewinds kept partitions to the committed offset after a rejoin, we remember each partition's position and
 *   drop redelivered messages below it;
 * - per-record produce offsets are derived from each partition's base offset, so the adapter picks partitions
 *   itself (through kafkajs's partitioner hook) and writes the choice into each message.
 */
import kafkajs from 'kafkajs';
import type {
  Admin,
  Consumer,
  EachBatchPayload,
  IHeaders,
  Kafka,
  LogEntry,
  Message,
  PartitionerArgs,
  Producer,
} from 'kafkajs';
import type { TopicPartition } from '../../connectors/api/index.js';
import { tpKey } from '../../connectors/api/index.js';
import type {
  ConsumedBatch,
  ConsumedMessage,
  ConsumerHandlers,
  ConsumerOptions,
  KafkaAdmin,
  KafkaClient,
  KafkaConsumer,
  KafkaHeader,
  KafkaProducer,
  NewTopic,
  ProducedRecordMetadata,
  ProducerRecord,
  StreamLogger,
  Subscription,
  TopicPartitionOffset,
} from './client.js';
import { silentLogger } from './client.js';
import { SerialQueue } from '../../async/index.js';

const { Kafka: KafkaCtor, logLevel, Partitioners, ConfigResourceTypes } = kafkajs;

export interface KafkajsClientOptions {
  readonly brokers: readonly string[];
  readonly clientId?: string;
  readonly logger?: StreamLogger;
  /** Milliseconds; kafkajs default 1000. */
  readonly connectionTimeout?: number;
}

/** Zero-copy views between Uint8Array and Buffer (kafkajs wants Buffers). */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

function logCreator(logger: StreamLogger) {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, ...extra } = log;
      const obj = { kafkajs: namespace, ...extra };
      if (level === logLevel.ERROR) logger.error(obj, message);
      else if (level === logLevel.WARN) logger.warn(obj, message);
      else if (level === logLevel.INFO) logger.info(obj, message);
      else logger.debug(obj, message);
    };
}

export function createKafkajsClient(options: KafkajsClientOptions): KafkaClient {
  const logger = options.logger ?? silentLogger;
  // kafkajs sets the client id per Kafka instance; an instance is only configuration, so one per client.
  const kafka = (clientId: string) =>
    new KafkaCtor({
      brokers: [...options.brokers],
      clientId,
      connectionTimeout: options.connectionTimeout ?? 3000,
      logLevel: options.logger ? logLevel.INFO : logLevel.NOTHING,
      logCreator: logCreator(logger),
    });
  const base = options.clientId ?? 'sluice';
  return {
    producer: (o) => new KafkajsProducer(kafka(o.clientId)),
    consumer: (o) => new KafkajsConsumer(kafka(o.clientId), o, logger),
    admin: () => new KafkajsAdmin(kafka(`${base}-admin`).admin()),
  };
}

// ---------------------------------------------------------------------------------------------- producer

class KafkajsProducer implements KafkaProducer {
  readonly #producer: Producer;
  readonly #roundRobin = new Map<string, number>();
  readonly #queue: Array<{
    records: readonly ProducerRecord[];
    resolve: (md: ProducedRecordMetadata[]) => void;
    reject: (e: unknown) => void;
  }> = [];
  #draining = false;

  constructor(kafka: Kafka) {
    const keyed = Partitioners.DefaultPartitioner();
    // The choice is written into the message (our own object), so kafkajs's retries reuse it and send() can
    // read it back.
    const partitioner = (args: PartitionerArgs): number => {
      const { message, topic, partitionMetadata } = args;
      if (message.partition !== undefined && message.partition !== null) return message.partition;
      let p: number;
      if (message.key !== null && message.key !== undefined) p = keyed(args);
      else {
        const n = (this.#roundRobin.get(topic) ?? -1) + 1;
        this.#roundRobin.set(topic, n);
        p = partitionMetadata[n % partitionMetadata.length]!.partitionId;
      }
      message.partition = p;
      return p;
    };
    // Kafka Connect forces acks=all, no idempotence and one in-flight request (ordering under retries).
    this.#producer = kafka.producer({
      createPartitioner: () => partitioner,
      idempotent: false,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: true,
      retry: { retries: 10, maxRetryTime: 30_000 },
    });
  }

  connect(): Promise<void> {
    return this.#producer.connect();
  }

  /**
   * kafkajs does not keep the order of concurrent sends (each does its own metadata round trip first), so
   * sends queue here: while one request is in flight, the next ones accumulate and go out together, in call
   * order — what Kafka's own producer does with max.in.flight.requests.per.connection=1.
   */
  send(records: readonly ProducerRecord[]): Promise<ProducedRecordMetadata[]> {
    if (records.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.#queue.push({ records, resolve, reject });
      if (!this.#draining) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      while (this.#queue.length > 0) {
        // kafkajs groups messages per partition in quadratic time, so a merged request stays modest.
        let take = 1;
        let size = this.#queue[0]!.records.length;
        while (take < this.#queue.length && size + this.#queue[take]!.records.length <= MAX_MERGED_RECORDS) {
          size += this.#queue[take++]!.records.length;
        }
        const jobs = this.#queue.splice(0, take);
        const all = jobs.length === 1 ? jobs[0]!.records : jobs.flatMap((j) => j.records);
        try {
          const metadata = await this.#sendInRequests(all);
          let i = 0;
          for (const j of jobs) {
            j.resolve(metadata.slice(i, i + j.records.length));
            i += j.records.length;
          }
        } catch (e) {
          for (const j of jobs) j.reject(e);
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  /**
   * Splits a send into requests below the broker's default message.max.bytes (1 MiB per record batch), as
   * Kafka's producer does with batch.size/max.request.size; kafkajs sends whatever it is given as one request.
   * Requests go one after another, so order per partition is kept.
   */
  async #sendInRequests(records: readonly ProducerRecord[]): Promise<ProducedRecordMetadata[]> {
    const chunks = chunkByBytes(records, MAX_REQUEST_BYTES);
    if (chunks.length === 1) return this.#sendNow(records);
    const out: ProducedRecordMetadata[] = [];
    for (const chunk of chunks) out.push(...(await this.#sendNow(chunk)));
    return out;
  }

  async #sendNow(records: readonly ProducerRecord[]): Promise<ProducedRecordMetadata[]> {
    const byTopic = new Map<string, Message[]>();
    const messages: Message[] = new Array(records.length);
    records.forEach((r, i) => {
      const m: Message = {
        key: r.key === null ? null : toBuffer(r.key),
        value: r.value === null ? null : toBuffer(r.value),
        headers: toKafkajsHeaders(r.headers),
      };
      if (r.partition !== undefined && r.partition !== null) m.partition = r.partition;
      if (r.timestamp !== undefined && r.timestamp !== null) m.timestamp = String(r.timestamp);
      messages[i] = m;
      let list = byTopic.get(r.topic);
      if (!list) byTopic.set(r.topic, (list = []));
      list.push(m);
    });
    const result = await this.#producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs })),
    });
    const base = new Map<string, { offset: number; logAppendTime: number | null }>();
    for (const r of result) {
      if (r.baseOffset === undefined) throw new Error(`no base offset for ${r.topicName}-${r.partition}`);
      const lat = r.logAppendTime !== undefined ? Number(r.logAppendTime) : -1;
      base.set(`${r.topicName}-${r.partition}`, { offset: Number(r.baseOffset), logAppendTime: lat >= 0 ? lat : null });
    }
    const next = new Map<string, number>();
    return records.map((r, i) => {
      const partition = messages[i]!.partition;
      if (partition === undefined) throw new Error(`kafkajs did not partition a record for ${r.topic}`);
      const key = `${r.topic}-${partition}`;
      const b = base.get(key);
      if (!b) throw new Error(`no produce response for ${key}`);
      const index = next.get(key) ?? 0;
      next.set(key, index + 1);
      return { topic: r.topic, partition, offset: b.offset + index, timestamp: b.logAppendTime ?? r.timestamp ?? null };
    });
  }

  disconnect(): Promise<void> {
    return this.#producer.disconnect();
  }
}

const EMPTY = Buffer.alloc(0);
const MAX_MERGED_RECORDS = 1000;
/** Below the broker's default message.max.bytes (1048588), leaving room for batch and request framing. */
const MAX_REQUEST_BYTES = 900 * 1024;
/** Per-record framing in a v2 record batch (varints, attributes, header keys) — a generous upper bound. */
const RECORD_OVERHEAD_BYTES = 32;

function recordBytes(r: ProducerRecord): number {
  let n = RECORD_OVERHEAD_BYTES + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  for (const h of r.headers) n += h.key.length * 3 + (h.value?.length ?? 0) + 8;
  return n;
}

/** Consecutive runs of records whose estimated size stays within `maxBytes` (a single larger record stands alone). */
export function chunkByBytes<T extends ProducerRecord>(records: readonly T[], maxBytes: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const r of records) {
    const n = recordBytes(r);
    if (current.length > 0 && size + n > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(r);
    size += n;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function toKafkajsHeaders(headers: readonly KafkaHeader[]): IHeaders | undefined {
  if (headers.length === 0) return undefined;
  const out: IHeaders = {};
  for (const h of headers) {
    // kafkajs cannot write a null header value (it throws); the nearest it can write is an empty one.
    const v = h.value === null ? EMPTY : toBuffer(h.value);
    const prev = out[h.key];
    if (prev === undefined) out[h.key] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else out[h.key] = [prev, v];
  }
  return out;
}

function fromKafkajsHeaders(headers: IHeaders | undefined): KafkaHeader[] {
  if (!headers) return [];
  const out: KafkaHeader[] = [];
  for (const key of Object.keys(headers)) {
    const v = headers[key];
    const values = Array.isArray(v) ? v : [v];
    for (const x of values) {
      out.push({ key, value: x === undefined || x === null ? null : typeof x === 'string' ? Buffer.from(x) : x });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- consumer

class KafkajsConsumer implements KafkaConsumer {
  readonly #consumer: Consumer;
  readonly #options: ConsumerOptions;
  readonly #logger: StreamLogger;
  readonly #serial = new SerialQueue();
  #assignment = new Map<string, TopicPartition>();
  /** Next offset to deliver per partition, so messages kafkajs redelivers after a rejoin are dropped. */
  readonly #position = new Map<string, number>();
  #handlers: ConsumerHandlers | undefined;
  #stopping = false;
  #seeks = 0;
  #removeListeners: Array<() => void> = [];

  constructor(kafka: Kafka, options: ConsumerOptions, logger: StreamLogger) {
    this.#options = options;
    this.#logger = logger;
    this.#consumer = kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      retry: { retries: 10 },
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      // Bounds how long an idle fetch (and so disconnect) waits; Kafka's fetch.max.wait.ms is 500.
      maxWaitTimeInMs: 500,
    });
  }

  connect(): Promise<void> {
    return this.#consumer.connect();
  }

  async subscribe(subscription: Subscription): Promise<void> {
    const fromBeginning = this.#options.fromBeginning ?? true;
    if ('pattern' in subscription) {
      await this.#consumer.subscribe({ topics: [subscription.pattern], fromBeginning });
    } else {
      await this.#consumer.subscribe({ topics: [...subscription.topics], fromBeginning });
    }
  }

  async run(handlers: ConsumerHandlers): Promise<void> {
    this.#handlers = handlers;
    const { GROUP_JOIN, CRASH } = this.#consumer.events;
    this.#removeListeners.push(
      this.#consumer.on(GROUP_JOIN, (event) => {
        const next = new Map<string, TopicPartition>();
        for (const [topic, partitions] of Object.entries(event.payload.memberAssignment)) {
          for (const partition of partitions as number[]) next.set(tpKey({ topic, partition }), { topic, partition });
        }
        void this.#serial
          .run(() => this.#applyAssignment(next))
          .catch((e: unknown) => this.#crash(e));
      }),
      this.#consumer.on(CRASH, (event) => {
        if (!event.payload.restart && !this.#stopping) this.#crash(event.payload.error);
      }),
    );
    await this.#consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.#serial.run(() => this.#eachBatch(payload)),
    });
  }

  #crash(error: unknown): void {
    if (this.#stopping) return;
    this.#handlers?.onCrash(error instanceof Error ? error : new Error(String(error)));
  }

  async #applyAssignment(next: Map<string, TopicPartition>): Promise<void> {
    if (this.#stopping || !this.#handlers) return;
    const revoked = [...this.#assignment].filter(([k]) => !next.has(k)).map(([, tp]) => tp);
    const assigned = [...next].filter(([k]) => !this.#assignment.has(k)).map(([, tp]) => tp);
    if (revoked.length) {
      await this.#handlers.onRevoked(revoked);
      for (const tp of revoked) this.#position.delete(tpKey(tp));
    }
    this.#assignment = next;
    if (assigned.length) await this.#handlers.onAssigned(assigned);
  }

  async #eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (this.#stopping || !this.#handlers || payload.isStale() || !payload.isRunning()) return;
    const key = `${batch.topic}-${batch.partition}`;
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
    const consumed: ConsumedBatch = { topic: batch.topic, partition: batch.partition, messages };
    const seeksBefore = this.#seeks;
    // Keep the group session alive while a slow `put` runs.
    const beat = setInterval(() => {
      payload.heartbeat().catch(() => {});
    }, 3_000);
    try {
      await this.#handlers.onBatch(consumed);
    } finally {
      clearInterval(beat);
    }
    if (this.#seeks === seeksBefore && !payload.isStale()) {
      this.#position.set(key, messages[messages.length - 1]!.offset + 1);
      payload.resolveOffset(batch.lastOffset());
    }
  }

  assignment(): TopicPartition[] {
    return [...this.#assignment.values()];
  }

  pause(partitions: readonly TopicPartition[]): void {
    if (partitions.length) this.#consumer.pause(groupByTopic(partitions));
  }

  resume(partitions: readonly TopicPartition[]): void {
    if (partitions.length) this.#consumer.resume(groupByTopic(partitions));
  }

  seek(tp: TopicPartition, offset: number): void {
    this.#seeks++;
    this.#position.set(tpKey(tp), offset);
    this.#consumer.seek({ topic: tp.topic, partition: tp.partition, offset: String(offset) });
  }

  async commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    await this.#consumer.commitOffsets(
      offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.offset) })),
    );
  }

  async disconnect(): Promise<void> {
    this.#stopping = true;
    for (const remove of this.#removeListeners) remove();
    this.#removeListeners = [];
    await this.#consumer.disconnect();
  }
}

function toConsumedMessage(m: EachBatchPayload['batch']['messages'][number], offset: number): ConsumedMessage {
  const ts = Number(m.timestamp);
  return {
    offset,
    key: m.key ?? null,
    value: m.value ?? null,
    headers: fromKafkajsHeaders(m.headers),
    timestamp: Number.isFinite(ts) && ts >= 0 ? ts : null,
    // kafkajs does not expose the batch's timestamp type; Kafka Connect reports CreateTime for the default.
    timestampType: Number.isFinite(ts) && ts >= 0 ? 'CreateTime' : 'NoTimestampType',
  };
}

function groupByTopic(partitions: readonly TopicPartition[]): Array<{ topic: string; partitions: number[] }> {
  const m = new Map<string, number[]>();
  for (const tp of partitions) {
    let l = m.get(tp.topic);
    if (!l) m.set(tp.topic, (l = []));
    l.push(tp.partition);
  }
  return [...m].map(([topic, ps]) => ({ topic, partitions: ps }));
}

// ---------------------------------------------------------------------------------------------- admin

class KafkajsAdmin implements KafkaAdmin {
  readonly #admin: Admin;
  constructor(admin: Admin) {
    this.#admin = admin;
  }

  connect(): Promise<void> {
    return this.#admin.connect();
  }

  async createTopics(topics: readonly NewTopic[]): Promise<string[]> {
    if (topics.length === 0) return [];
    const existing = new Set(await this.#admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length === 0) return [];
    try {
      await this.#admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: t.topic,
          numPartitions: t.numPartitions,
          replicationFactor: t.replicationFactor,
          configEntries: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
    } catch (e) {
      // A concurrent creator (another task, broker auto-creation) won the race: that is fine.
      const errors = (e as { errors?: Array<{ type?: string }> }).errors;
      if (!errors || !errors.every((x) => x.type === 'TOPIC_ALREADY_EXISTS')) throw e;
    }
    const after = new Set(await this.#admin.listTopics());
    return missing.filter((t) => after.has(t.topic)).map((t) => t.topic);
  }

  listTopics(): Promise<string[]> {
    return this.#admin.listTopics();
  }

  async partitions(topics: readonly string[]): Promise<Map<string, number[]>> {
    const out = new Map<string, number[]>();
    if (topics.length === 0) return out;
    const existing = new Set(await this.#admin.listTopics());
    const present = topics.filter((t) => existing.has(t));
    if (present.length === 0) return out;
    const md = await this.#admin.fetchTopicMetadata({ topics: present });
    for (const t of md.topics) out.set(t.name, t.partitions.map((p) => p.partitionId).sort((a, b) => a - b));
    return out;
  }

  async fetchGroupOffsets(groupId: string, topics: readonly string[]): Promise<TopicPartitionOffset[]> {
    const res = await this.#admin.fetchOffsets({ groupId, topics: [...topics] });
    const out: TopicPartitionOffset[] = [];
    for (const t of res) {
      for (const p of t.partitions) {
        const offset = Number(p.offset);
        if (offset >= 0) out.push({ topic: t.topic, partition: p.partition, offset });
      }
    }
    return out;
  }

  async commitGroupOffsets(groupId: string, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    for (const { topic, partitions } of groupByTopic(offsets)) {
      const byPartition = new Map(offsets.filter((o) => o.topic === topic).map((o) => [o.partition, o.offset]));
      await this.#admin.setOffsets({
        groupId,
        topic,
        partitions: partitions.map((partition) => ({ partition, offset: String(byPartition.get(partition)) })),
      });
    }
  }

  async deleteGroup(groupId: string): Promise<void> {
    try {
      await this.#admin.deleteGroups([groupId]);
    } catch (e) {
      const groups = (e as { groups?: Array<{ errorCode?: number; error?: { type?: string } }> }).groups ?? [];
      // GROUP_ID_NOT_FOUND (69): nothing to delete.
      if (groups.length === 0 || !groups.every((g) => g.errorCode === 69 || g.error?.type === 'GROUP_ID_NOT_FOUND')) throw e;
    }
  }

  async clusterId(): Promise<string> {
    return (await this.#admin.describeCluster()).clusterId;
  }

  async watermarks(topic: string): Promise<Map<number, { low: number; high: number }>> {
    const res = await this.#admin.fetchTopicOffsets(topic);
    return new Map(res.map((p) => [p.partition, { low: Number(p.low), high: Number(p.high) }]));
  }

  async topicConfigs(topic: string): Promise<Record<string, string>> {
    if (!(await this.#admin.listTopics()).includes(topic)) return {};
    const res = await this.#admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
    });
    const out: Record<string, string> = {};
    for (const r of res.resources) for (const e of r.configEntries) out[e.configName] = e.configValue;
    return out;
  }

  disconnect(): Promise<void> {
    return this.#admin.disconnect();
  }
}
