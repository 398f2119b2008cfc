/**
 * KIP-875 connector offsets (`GET/PATCH/DELETE /connectors/{c}/offsets`), whatever the herder: source offsets in
 * the worker's offset store, sink offsets as the committed offsets of the consumer group `connect-<name>`, read
 * and changed through the transport's admin client. The herder checks that the connector exists and is STOPPED
 * (assertStoppedForOffsets, with Kafka Connect's message) and runs these where its writes run.
 *
 * A request may carry 100,000 partitions: the work goes in chunks that yield to the event loop between them, so a
 * distributed worker's heartbeats (and every other request) keep running (bench/offsets-api.ts).
 */
import { tpKey, type ConnectorConfig } from '../connectors/api/index.js';
import type { PluginRegistry } from '../connectors/registry.js';
import type { KafkaAdmin, TopicPartitionOffset } from '../streams/kafka/client.js';
import type { OffsetMap } from '../data/index.js';
import type { ConnectorOffset, ConnectorOffsets, ConnectorType } from './herder.js';
import { BadRequestError } from './errors.js';
import { sinkOffsetEntry, sourceOffsetEntry } from './connector-offsets.js';
import type { Worker } from './worker.js';
import { JavaPattern } from '../transforms/java-regex.js';

/** Entries parsed (or hashed) between two yields to the event loop. */
const PARSE_CHUNK = 2000;
/**
 * Entries per offset store write: small enough that encoding them is a short stall, large enough that a store
 * rewriting its file per write (standalone) writes it a few times only.
 */
const WRITE_CHUNK = 10_000;

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** `items.map(fn)`, yielding to the event loop every PARSE_CHUNK items. */
async function mapYielding<T, U>(items: readonly T[], fn: (item: T) => U): Promise<U[]> {
  const out: U[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && i % PARSE_CHUNK === 0) await yieldToLoop();
    out[i] = fn(items[i]!);
  }
  return out;
}

/**
 * Writes source offsets in chunks, one after another. As in Kafka Connect (whose offsets producer sends the
 * records one by one) a failure part-way leaves the earlier chunks written; the request then fails.
 */
async function setInChunks(
  store: { set(connector: string, entries: ReadonlyArray<readonly [OffsetMap, OffsetMap | null]>): Promise<void> },
  connector: string,
  entries: ReadonlyArray<readonly [OffsetMap, OffsetMap | null]>,
): Promise<void> {
  for (let i = 0; i < entries.length; i += WRITE_CHUNK) {
    if (i > 0) await yieldToLoop();
    await store.set(connector, entries.slice(i, i + WRITE_CHUNK));
  }
}

/** The consumer group of a sink connector's tasks (the transports use the same). */
export const sinkGroupId = (name: string): string => `connect-${name}`;
export const OFFSETS_ALTERED = 'The offsets for this connector have been altered successfully';
export const OFFSETS_RESET = 'The offsets for this connector have been reset successfully';
/** The answer when the connector's alterOffsets hook returned false. */
export const frameworkOnly = (what: 'altered' | 'reset'): string =>
  `The Connect framework-managed offsets for this connector have been ${what} successfully. However, if this connector ` +
  `manages offsets externally, they will need to be manually ${what} in the system that the connector uses.`;

/** Offsets may be changed only with the connector STOPPED and its task set empty (Kafka Connect's message). */
export function assertStoppedForOffsets(name: string, target: string, taskCount: number): void {
  if (target !== 'STOPPED' || taskCount > 0) {
    throw new BadRequestError(
      'Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the ' +
        `specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`,
    );
  }
}

/** The connector to act on: its name, its stored config and its type. */
export interface OffsetsTarget {
  readonly name: string;
  readonly config: ConnectorConfig;
  readonly type: ConnectorType;
}

export class OffsetsApi {
  readonly #worker: Worker;
  readonly #registry: PluginRegistry;

  constructor(worker: Worker, registry: PluginRegistry) {
    this.#worker = worker;
    this.#registry = registry;
  }

  async read(c: OffsetsTarget): Promise<ConnectorOffsets> {
    if (c.type === 'source') {
      const all = await (await this.#worker.offsetsFor(c.config)).all(c.name);
      return { offsets: await mapYielding(all, ([partition, offset]) => ({ partition, offset })) };
    }
    const committed = await this.#worker.withAdmin((admin) => this.#sinkGroupOffsets(admin, c));
    return {
      offsets: committed
        .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
        // Kafka Connect builds this map as a java.util.HashMap, which iterates kafka_partition before kafka_topic;
        // byte-diffing tools see the same text.
        .map((o) => ({ partition: { kafka_partition: o.partition, kafka_topic: o.topic }, offset: { kafka_offset: o.offset } })),
    };
  }

  /** The connector must be STOPPED (checked by the caller). Returns Kafka Connect's response message. */
  async alter(c: OffsetsTarget, offsets: readonly ConnectorOffset[]): Promise<string> {
    if (c.type === 'source') {
      const parsed = await mapYielding(offsets, (o) => sourceOffsetEntry(o));
      const framework = await this.#connectorAgrees(c.config, new Map<string, unknown>(await mapYielding(parsed, ([p, o]) => [JSON.stringify(p), o] as const)));
      await setInChunks(await this.#worker.offsetsFor(c.config), c.name, parsed);
      return framework ? OFFSETS_ALTERED : frameworkOnly('altered');
    }
    const parsed = await mapYielding(offsets, (o) => sinkOffsetEntry(o));
    const framework = await this.#connectorAgrees(c.config, new Map(await mapYielding(parsed, (o) => [tpKey(o), o.offset] as const)));
    await this.#worker.withAdmin(async (admin) => {
      const group = sinkGroupId(c.name);
      const resets = parsed.filter((o) => o.offset === null);
      const sets = parsed.filter((o): o is TopicPartitionOffset => o.offset !== null);
      if (resets.length > 0 && admin.deleteGroup) {
        // Kafka deletes the reset partitions' committed offsets; the port can only drop the whole group, so keep
        // the other partitions' offsets and commit them again.
        const keep = (await this.#sinkGroupOffsets(admin, c)).filter(
          (o) => !parsed.some((p) => p.topic === o.topic && p.partition === o.partition),
        );
        await admin.deleteGroup(group);
        if (keep.length > 0) await admin.commitGroupOffsets(group, keep);
      } else if (resets.length > 0) {
        // Without group deletion: offset 0, which the consumer (auto.offset.reset=earliest) takes as the start.
        await admin.commitGroupOffsets(group, resets.map((o) => ({ topic: o.topic, partition: o.partition, offset: 0 })));
      }
      if (sets.length > 0) await admin.commitGroupOffsets(group, sets);
    });
    return framework ? OFFSETS_ALTERED : frameworkOnly('altered');
  }

  /** The connector must be STOPPED (checked by the caller). Returns Kafka Connect's response message. */
  async reset(c: OffsetsTarget): Promise<string> {
    if (c.type === 'source') {
      const all = await (await this.#worker.offsetsFor(c.config)).all(c.name);
      const framework = await this.#connectorAgrees(c.config, new Map(await mapYielding(all, ([p]) => [JSON.stringify(p), null] as const)));
      await setInChunks(await this.#worker.offsetsFor(c.config), c.name, await mapYielding(all, ([p]) => [p, null] as const));
      return framework ? OFFSETS_RESET : frameworkOnly('reset');
    }
    return this.#worker.withAdmin(async (admin) => {
      const committed = await this.#sinkGroupOffsets(admin, c);
      const framework = await this.#connectorAgrees(c.config, new Map(committed.map((o) => [tpKey(o), null])));
      const group = sinkGroupId(c.name);
      if (admin.deleteGroup) await admin.deleteGroup(group);
      else if (committed.length > 0) await admin.commitGroupOffsets(group, committed.map((o) => ({ ...o, offset: 0 })));
      return framework ? OFFSETS_RESET : frameworkOnly('reset');
    });
  }

  /** The connector's alterOffsets hook (a fresh, unstarted instance, as Kafka Connect calls it). */
  async #connectorAgrees(config: ConnectorConfig, offsets: Map<string, unknown>): Promise<boolean> {
    const connector = this.#registry.resolve(config['connector.class']!).create();
    const resolved = this.#worker.transformer.transform(config);
    return (await (connector.alterOffsets as (c: ConnectorConfig, o: Map<string, unknown>) => boolean | Promise<boolean>)(resolved, offsets)) !== false;
  }

  /** Committed offsets of the sink's consumer group for the topics it reads (`topics`, or `topics.regex` matches). */
  async #sinkGroupOffsets(admin: KafkaAdmin, c: OffsetsTarget): Promise<TopicPartitionOffset[]> {
    const existing = await admin.listTopics();
    const regex = (c.config['topics.regex'] ?? '').trim();
    const pattern = regex !== '' ? new JavaPattern(regex) : undefined;
    const listed = (c.config['topics'] ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');
    const topics = pattern ? existing.filter((t) => pattern.matches(t)) : listed.filter((t) => existing.includes(t));
    if (topics.length === 0) return [];
    return admin.fetchGroupOffsets(sinkGroupId(c.name), topics);
  }
}
