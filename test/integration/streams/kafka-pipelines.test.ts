/**
 * The pipelines against the real broker (`bash scripts/stack.sh up` first). Every test uses its own topics and
 * consumer groups; what is checked is what a user would check: the records in the topic, the committed offsets.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { JsonConverter } from '../../../src/converters/index.js';
import { SourceRecord, type SinkRecord } from '../../../src/data/index.js';
import { RetriableException, SinkTask, SourceTask, type TopicPartitionOffsets } from '../../../src/connectors/api/index.js';
import {
  MemoryOffsetStore,
  createKafkajsClient,
  createTransport,
  type Converters,
  type PipelineOptions,
} from '../../../src/streams/index.js';
import { KAFKA_BROKERS, uniqueName } from '../../support/services.js';
import { createTopicsReady } from '../../support/kafka-topics.js';
import { until } from './sink-support.js';

const { Kafka, logLevel } = kafkajs;
const kafka = new Kafka({ brokers: KAFKA_BROKERS, clientId: 'streams-it', logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const options: PipelineOptions = { maxInFlightBatches: 4, offsetFlushIntervalMs: 200, offsetFlushTimeoutMs: 10_000 };

function jsonConverters(): Converters {
  return {
    key: new JsonConverter({ 'schemas.enable': false }, true),
    value: new JsonConverter({ 'schemas.enable': false }, false),
    header: new JsonConverter({ 'schemas.enable': false, 'converter.type': 'header' }),
  };
}

/** Reads `count` records of a topic with a plain kafkajs consumer. */
async function readTopic(topic: string, count: number) {
  const consumer = kafka.consumer({ groupId: uniqueName('reader') });
  const out: Array<{ partition: number; offset: number; key: string | null; value: string | null; headers: Record<string, string> }> = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
      out.push({ partition, offset: Number(message.offset), key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, headers });
    },
  });
  await until(() => out.length >= count, `${count} records in ${topic}`);
  await consumer.disconnect();
  return out;
}

class NumberSource extends SourceTask {
  next = 0;
  acked = 0;
  constructor(
    readonly topic: string,
    readonly total: number,
    readonly batch = 100,
  ) {
    super();
  }
  version() {
    return 'it';
  }
  start() {}
  async poll(): Promise<SourceRecord[] | null> {
    if (this.next >= this.total) {
      await new Promise((r) => setTimeout(r, 20));
      return null;
    }
    const out: SourceRecord[] = [];
    while (out.length < this.batch && this.next < this.total) {
      const n = this.next++;
      const record = new SourceRecord({
        topic: this.topic,
        sourcePartition: { shard: n % 4 },
        sourceOffset: { n },
        key: `key-${n % 7}`,
        value: { n, name: `item ${n}` },
      });
      record.headers.addString('origin', 'it');
      out.push(record);
    }
    return out;
  }
  override commitRecord() {
    this.acked++;
  }
  stop() {}
}

class RecordingSink extends SinkTask {
  readonly delivered: SinkRecord[] = [];
  readonly flushed: SinkRecord[] = [];
  puts = 0;
  failOn = new Set<number>();
  version() {
    return 'it';
  }
  start() {}
  put(records: readonly SinkRecord[]) {
    this.puts++;
    if (this.failOn.has(this.puts)) {
      this.context.timeout(50);
      throw new RetriableException(`put #${this.puts} refused on purpose`);
    }
    this.delivered.push(...records);
  }
  override flush(_offsets: TopicPartitionOffsets) {
    this.flushed.push(...this.delivered.slice(this.flushed.length));
  }
  stop() {}
}

describe('stream pipelines on a real Kafka broker', () => {
  after(async () => {
    await admin.disconnect();
  });

  test('a source task produces N records through JsonConverter: all there, in order per partition; offsets = last record', async () => {
    const topic = uniqueName('src');
    const connector = uniqueName('conn');
    const transport = createTransport({ kind: 'kafka', bootstrapServers: KAFKA_BROKERS });
    const offsets = new MemoryOffsetStore();
    const total = 2000;
    const task = new NumberSource(topic, total);
    const run = transport.startSource({
      id: { connector, task: 0 },
      task,
      // KIP-158: the topic is created on demand with 3 partitions.
      config: { 'topic.creation.default.replication.factor': '1', 'topic.creation.default.partitions': '3' },
      converters: jsonConverters(),
      transform: (r) => r,
      offsets,
      options,
    });
    await until(() => task.acked === total, 'every record acked');
    await run.stop(10_000);
    await run.done;
    await transport.close();

    await admin.connect();
    const md = await admin.fetchTopicMetadata({ topics: [topic] });
    assert.equal(md.topics[0]!.partitions.length, 3, 'topic created with the configured partitions');

    const records = await readTopic(topic, total);
    assert.equal(records.length, total);
    const byPartition = new Map<number, number[]>();
    for (const r of records) {
      const v = JSON.parse(r.value!);
      assert.equal(r.value, `{"n":${v.n},"name":"item ${v.n}"}`, 'JsonConverter schemaless bytes');
      assert.equal(r.key, `"key-${v.n % 7}"`);
      assert.equal(r.headers['origin'], '"it"');
      byPartition.set(r.partition, [...(byPartition.get(r.partition) ?? []), v.n]);
    }
    for (const ns of byPartition.values()) assert.deepEqual(ns, [...ns].sort((a, b) => a - b), 'in order per partition');
    assert.deepEqual(new Set(records.map((r) => JSON.parse(r.value!).n)).size, total);
    // The same key always lands in the same partition.
    const partitionOfKey = new Map<string, number>();
    for (const r of records) {
      const p = partitionOfKey.get(r.key!);
      if (p === undefined) partitionOfKey.set(r.key!, r.partition);
      else assert.equal(r.partition, p);
    }

    const stored = (await offsets.all(connector)).sort((a, b) => Number(a[0]['shard']) - Number(b[0]['shard']));
    assert.deepEqual(stored, [
      [{ shard: 0 }, { n: 1996 }],
      [{ shard: 1 }, { n: 1997 }],
      [{ shard: 2 }, { n: 1998 }],
      [{ shard: 3 }, { n: 1999 }],
    ]);
  });

  test('a sink task receives every record of a topic exactly once; group offsets are committed as next-offset', async () => {
    const topic = uniqueName('snk');
    const connector = uniqueName('conn');
    await admin.connect();
    await createTopicsReady(admin, [{ topic, numPartitions: 3, replicationFactor: 1 }]);
    const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
    await producer.connect();
    const total = 1500;
    for (let start = 0; start < total; start += 500) {
      await producer.send({
        topic,
        messages: Array.from({ length: 500 }, (_, i) => ({ partition: (start + i) % 3, value: JSON.stringify({ n: start + i }) })),
      });
    }
    await producer.disconnect();

    const transport = createTransport({ kind: 'kafka', bootstrapServers: KAFKA_BROKERS });
    const task = new RecordingSink();
    const run = transport.startSink({ id: { connector, task: 0 }, task, config: { topics: topic }, converters: jsonConverters(), transform: (r) => r, options });
    await until(() => task.flushed.length >= total, 'every record flushed');
    await run.stop(10_000);
    await run.done;

    const seen = task.flushed.map((r) => (r.value as { n: number }).n).sort((a, b) => a - b);
    assert.deepEqual(seen, [...Array(total).keys()], 'every record exactly once');
    const committed = await admin.fetchOffsets({ groupId: `connect-${connector}`, topics: [topic] });
    assert.deepEqual(
      committed[0]!.partitions.map((p) => ({ partition: p.partition, offset: p.offset })).sort((a, b) => a.partition - b.partition),
      [
        { partition: 0, offset: '500' },
        { partition: 1, offset: '500' },
        { partition: 2, offset: '500' },
      ],
    );
  });

  test('a RetriableException from put redelivers the same batch: no loss, no duplicate in the sink', async () => {
    const topic = uniqueName('retry');
    const connector = uniqueName('conn');
    await admin.connect();
    await createTopicsReady(admin, [{ topic, numPartitions: 1, replicationFactor: 1 }]);
    const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
    await producer.connect();
    const total = 600;
    for (let start = 0; start < total; start += 200) {
      await producer.send({ topic, messages: Array.from({ length: 200 }, (_, i) => ({ value: JSON.stringify({ n: start + i }) })) });
    }
    await producer.disconnect();

    const transport = createTransport({ kind: 'kafka', bootstrapServers: KAFKA_BROKERS });
    const task = new RecordingSink();
    task.failOn = new Set([1, 2, 4]);
    const run = transport.startSink({ id: { connector, task: 0 }, task, config: { topics: topic }, converters: jsonConverters(), transform: (r) => r, options });
    await until(() => task.flushed.length >= total, 'every record flushed');
    await run.stop(10_000);
    await run.done;
    assert.deepEqual(task.flushed.map((r) => (r.value as { n: number }).n), [...Array(total).keys()]);
    assert.ok(task.puts >= 3, 'the refused puts were retried');
    const committed = await admin.fetchOffsets({ groupId: `connect-${connector}`, topics: [topic] });
    assert.equal(committed[0]!.partitions[0]!.offset, String(total));
  });

  test('two sink tasks of one connector split the partitions (consumer group rebalance); together every record once', async () => {
    const topic = uniqueName('split');
    const connector = uniqueName('conn');
    await admin.connect();
    await createTopicsReady(admin, [{ topic, numPartitions: 4, replicationFactor: 1 }]);
    const transport = createTransport({ kind: 'kafka', bootstrapServers: KAFKA_BROKERS });
    class OpeningSink extends RecordingSink {
      readonly owned = new Set<string>();
      override open(tps: readonly { topic: string; partition: number }[]) {
        for (const tp of tps) this.owned.add(`${tp.partition}`);
      }
      override close(tps: readonly { topic: string; partition: number }[]) {
        for (const tp of tps) this.owned.delete(`${tp.partition}`);
      }
    }
    const a = new OpeningSink();
    const b = new OpeningSink();
    const start = (task: RecordingSink, n: number) =>
      transport.startSink({ id: { connector, task: n }, task, config: { topics: topic }, converters: jsonConverters(), transform: (r) => r, options });
    const runA = start(a, 0);
    await until(() => a.owned.size === 4, 'the first task owns all four partitions');
    const runB = start(b, 1);
    // The second member's join moves two partitions: revoked (closed) at one task, opened at the other.
    await until(() => a.owned.size === 2 && b.owned.size === 2, 'partitions split two and two');
    assert.deepEqual(new Set([...a.owned, ...b.owned]), new Set(['0', '1', '2', '3']));

    const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
    await producer.connect();
    const total = 800;
    await producer.send({ topic, messages: Array.from({ length: total }, (_, n) => ({ partition: n % 4, value: JSON.stringify({ n }) })) });
    await producer.disconnect();
    await until(() => a.flushed.length + b.flushed.length >= total, 'every record flushed by one of the two');
    await Promise.all([runA.stop(10_000), runB.stop(10_000)]);
    const all = [...a.flushed, ...b.flushed].map((r) => (r.value as { n: number }).n).sort((x, y) => x - y);
    assert.deepEqual(all, [...Array(total).keys()]);
    assert.ok(a.flushed.length > 0 && b.flushed.length > 0, 'both tasks got records');
  });

  test('a send larger than the broker message limit is split into requests, in order, all acknowledged', async () => {
    const topic = uniqueName('big');
    const client = createKafkajsClient({ brokers: KAFKA_BROKERS });
    const producer = client.producer({ clientId: 'big-producer' });
    await producer.connect();
    const total = 1500; // 1500 × 2 KiB ≈ 3 MiB in one send: three times the broker's default message.max.bytes
    const records = Array.from({ length: total }, (_, i) => ({
      topic, partition: 0, key: null, value: new TextEncoder().encode(String(i).padEnd(2048, '.')), headers: [],
    }));
    const md = await producer.send(records);
    await producer.disconnect();
    assert.deepEqual(md.map((m) => m.offset), [...Array(total).keys()], 'one offset per record, in send order');
    const consumer = kafka.consumer({ groupId: uniqueName('big-reader') });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const seen: number[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(Number.parseInt(message.value!.toString(), 10)) });
    await until(() => seen.length >= total, 'every big record read back');
    await consumer.disconnect();
    assert.deepEqual(seen, [...Array(total).keys()]);
  });

  test('the kafkajs client port: per-record produce metadata and admin group offsets', async () => {
    const topic = uniqueName('port');
    const client = createKafkajsClient({ brokers: KAFKA_BROKERS });
    const portAdmin = client.admin();
    await portAdmin.connect();
    assert.deepEqual(await portAdmin.createTopics([{ topic, numPartitions: 2, replicationFactor: 1 }]), [topic]);
    assert.deepEqual(await portAdmin.createTopics([{ topic, numPartitions: 2, replicationFactor: 1 }]), [], 'existing topic is fine');
    assert.deepEqual((await portAdmin.partitions([topic, uniqueName('missing')])).get(topic), [0, 1]);
    const producer = client.producer({ clientId: 'port-producer' });
    await producer.connect();
    const enc = new TextEncoder();
    const md1 = await producer.send([
      { topic, partition: 1, key: null, value: enc.encode('a'), headers: [{ key: 'h', value: enc.encode('x') }, { key: 'h', value: null }] },
      { topic, partition: 0, key: null, value: enc.encode('b'), headers: [] },
      { topic, partition: 1, key: null, value: enc.encode('c'), headers: [] },
      { topic, key: enc.encode('k'), value: null, headers: [] },
    ]);
    assert.deepEqual(md1.slice(0, 3).map((m) => [m.partition, m.offset]), [[1, 0], [0, 0], [1, 1]]);
    const md2 = await producer.send([{ topic, partition: 1, key: null, value: enc.encode('d'), headers: [], timestamp: 1_700_000_000_000 }]);
    assert.deepEqual([md2[0]!.partition, md2[0]!.offset], [1, 3 - (md1[3]!.partition === 1 ? 0 : 1)]);
    await producer.disconnect();
    const group = uniqueName('grp');
    await portAdmin.commitGroupOffsets(group, [{ topic, partition: 0, offset: 1 }, { topic, partition: 1, offset: 2 }]);
    assert.deepEqual(
      (await portAdmin.fetchGroupOffsets(group, [topic])).sort((a, b) => a.partition - b.partition),
      [
        { topic, partition: 0, offset: 1 },
        { topic, partition: 1, offset: 2 },
      ],
    );
    await portAdmin.disconnect();
  });
});
