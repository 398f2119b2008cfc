/**
 * The admin client of the kafkajs adapter.
 */
import { kafkajs } from './lib.js';
import type { Admin, Kafka } from 'kafkajs';
import type { KafkaAdmin, NewTopic, TopicPartitionOffset } from '../client.js';
import { groupByTopic } from './convert.js';
import { createTxnCluster, initProducerId } from './transactional-producer.js';


/** The broker refused to create topics: each with its topic, the broker's error and what was asked. */
export class TopicCreationError extends Error {
  override readonly name = 'TopicCreationError';
  constructor(
    readonly failures: readonly string[],
    cause: unknown,
  ) {
    super(`Unable to create topic(s): ${failures.join('; ')}`, { cause });
  }
}

function describeFailure(x: { type?: string; topic?: string; message?: string }, asked: readonly NewTopic[]): string {
  const spec = asked.find((t) => t.topic === x.topic);
  const hint =
    x.type === 'INVALID_REPLICATION_FACTOR' && spec
      ? ` (asked for replication factor ${spec.replicationFactor ?? 'the broker default'}; the cluster may have fewer brokers)`
      : '';
  return `'${x.topic ?? '?'}': ${x.message ?? x.type ?? 'refused'}${hint}`;
}

/** The transaction timeout fenceProducers registers with the new epoch (no transaction is opened with it). */
const FENCE_TRANSACTION_TIMEOUT_MS = 60_000;

export class KafkajsAdmin implements KafkaAdmin {
  readonly #admin: Admin;
  /** The admin's kafkajs instance: fenceProducers talks to transaction coordinators through a cluster of its own. */
  readonly #kafka: Kafka | undefined;
  constructor(admin: Admin, kafka?: Kafka) {
    this.#admin = admin;
    this.#kafka = kafka;
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
        // Waited for below: kafkajs's wait gives up on the "does not host this topic-partition" a broker under
        // load answers for a topic it has just created.
        waitForLeaders: false,
        topics: missing.map((t) => ({
          topic: t.topic,
          numPartitions: t.numPartitions,
          replicationFactor: t.replicationFactor,
          configEntries: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
    } catch (e) {
      // A concurrent creator (another task, broker auto-creation) won the race: that is fine.
      const errors = (e as { errors?: Array<{ type?: string; topic?: string; message?: string }> }).errors;
      if (!errors) throw e;
      const failed = errors.filter((x) => x.type !== 'TOPIC_ALREADY_EXISTS');
      if (failed.length > 0) throw new TopicCreationError(failed.map((x) => describeFailure(x, missing)), e);
    }
    await this.#waitForLeaders(missing.map((t) => t.topic));
    const after = new Set(await this.#admin.listTopics());
    return missing.filter((t) => after.has(t.topic)).map((t) => t.topic);
  }

  /** Until every partition of `topics` has a leader; retriable answers are retried for up to 30 s. */
  async #waitForLeaders(topics: readonly string[], timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const md = await this.#admin.fetchTopicMetadata({ topics: [...topics] });
        if (md.topics.length === topics.length && md.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
      } catch (e) {
        if ((e as { retriable?: boolean }).retriable !== true) throw e;
      }
      if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} have no leader ${timeoutMs / 1000} s after their creation`);
      await new Promise((r) => setTimeout(r, 100));
    }
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
      resources: [{ type: kafkajs().ConfigResourceTypes.TOPIC, name: topic }],
    });
    const out: Record<string, string> = {};
    for (const r of res.resources) for (const e of r.configEntries) out[e.configName] = e.configValue;
    return out;
  }

  /**
   * Kafka's Admin.fenceProducers: InitProducerId for each id on its transaction coordinator (kafkajs's admin has
   * no such call), which bumps the id's epoch — the producer holding it is fenced and its open transaction aborted.
   */
  async fenceProducers(transactionalIds: readonly string[]): Promise<void> {
    if (transactionalIds.length === 0) return;
    if (!this.#kafka) throw new Error('fenceProducers: this admin was created without its kafkajs instance');
    const cluster = createTxnCluster(this.#kafka);
    await cluster.connect();
    try {
      await Promise.all(transactionalIds.map((id) => initProducerId(cluster, id, FENCE_TRANSACTION_TIMEOUT_MS)));
    } finally {
      await cluster.disconnect();
    }
  }

  disconnect(): Promise<void> {
    return this.#admin.disconnect();
  }
}
