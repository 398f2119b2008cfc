/**
 * Error handling on the real broker (`bash scripts/stack.sh up`): poison records with tolerance none and all
 * (DLQ topic, headers, original bytes, committed offsets), retries of a sink's put, a source-side DLQ, and a
 * replay of a DLQ into a fixed connector.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync, existsSync } from 'node:fs';
import kafkajs from 'kafkajs';
import { Sluice, SinkTask, RetriableException, type SinkRecord, type Pipeline } from '../../../src/index.js';
import { JsonConverter } from '../../../src/converters/index.js';
import { createTransport, type Converters, type PipelineOptions, type TaskFailure } from '../../../src/streams/index.js';
import { dlqCommand } from '../../../src/cli/dlq.js';
import type { CliIo } from '../../../src/cli/io.js';
import { KAFKA_BROKERS, uniqueName } from '../../support/services.js';
import { orderIds, tempDir, until } from '../cli/support.js';
import { REJECT_TRANSFORM, idOf, registerRejectTransform } from './support.js';
import { createTopicsReady } from '../../support/kafka-topics.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const { Kafka, logLevel } = kafkajs;
const kafka = new Kafka({ brokers: KAFKA_BROKERS, clientId: 'errors-it', logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const producer = kafka.producer();
registerRejectTransform();

before(async () => {
  await admin.connect();
  await producer.connect();
});
after(async () => {
  await producer.disconnect();
  await admin.disconnect();
});

const ENVELOPE_SCHEMA = { type: 'struct', fields: [{ field: 'n', type: 'int32', optional: false }], optional: false };
const envelope = (n: number) => JSON.stringify({ schema: ENVELOPE_SCHEMA, payload: { n } });
const WORKER = {
  'bootstrap.servers': KAFKA_BROKERS.join(','),
  'key.converter': 'string',
  'offset.flush.interval.ms': 200,
};

type Read = { partition: number; offset: number; key: string | null; value: Buffer | null; headers: Record<string, string>; timestamp: number };

/** Every record of a topic, read with a plain kafkajs consumer. */
async function readTopic(topic: string, count: number): Promise<Read[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('reader') });
  const out: Read[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
      out.push({ partition, offset: Number(message.offset), key: message.key?.toString() ?? null, value: message.value, headers, timestamp: Number(message.timestamp) });
    },
  });
  await until(() => out.length >= count, `${count} records in ${topic}`);
  await new Promise((r) => setTimeout(r, 300)); // nothing more should come
  await consumer.disconnect();
  return out.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

/** `total` records over 2 partitions; the ones in `bad` are not JSON. Returns the bad ones' partition/offset. */
async function producePoison(topic: string, total: number, bad: (n: number) => boolean) {
  await createTopicsReady(admin, [{ topic, numPartitions: 2 }]);
  const messages = Array.from({ length: total }, (_, n) => ({
    partition: n % 2,
    key: `k${n}`,
    value: bad(n) ? `{"schema": not json at all ${n}` : envelope(n),
    headers: { trace: `t${n}` },
    timestamp: String(1_700_000_000_000 + n),
  }));
  const md = await producer.send({ topic, messages, acks: -1 });
  const base = new Map(md.map((m) => [m.partition, Number(m.baseOffset)]));
  const seen = new Map<number, number>();
  return messages.map((m, n) => {
    const i = seen.get(m.partition) ?? 0;
    seen.set(m.partition, i + 1);
    return { n, partition: m.partition, offset: base.get(m.partition)! + i, bad: bad(n) };
  });
}

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l !== '') : []);

async function withPipeline<T>(p: Pipeline, body: () => Promise<T>): Promise<T> {
  await p.start();
  try {
    return await body();
  } finally {
    await p.stop();
  }
}

describe('error handling on a real broker', () => {
  test('poison records, tolerance none: the sink task fails naming the first bad record\'s offset', { timeout: 120_000 }, async () => {
    const topic = uniqueName('poison_none');
    const placed = await producePoison(topic, 40, (n) => n === 13);
    const badOne = placed.find((p) => p.bad)!;
    const name = uniqueName('none');
    const p = await Sluice.pipeline({
      worker: WORKER,
      connectors: [{ name, config: { 'connector.class': 'FileStreamSink', topics: topic, file: join(tempDir('none'), 'out.txt') } }],
    });
    await withPipeline(p, async () => {
      await until(() => p.herder.connectorStatus(name).tasks[0]?.state === 'FAILED', 'task FAILED');
      const trace = p.herder.connectorStatus(name).tasks[0]!.trace!;
      assert.ok(
        trace.includes(`failed in VALUE_CONVERTER at {"topic":"${topic}","partition":${badOne.partition},"offset":${badOne.offset}}`),
        trace.split('\n')[0],
      );
    });
  });

  test('poison records, tolerance all + DLQ: good ones in the sink, bad ones in the DLQ with headers and original bytes; offsets past all', { timeout: 120_000 }, async () => {
    const topic = uniqueName('poison_all');
    const dlq = `${topic}_dlq`;
    const total = 300;
    const isBad = (n: number) => n % 7 === 3;
    const placed = await producePoison(topic, total, isBad);
    const name = uniqueName('all');
    const out = join(tempDir('all'), 'out.txt');
    const p = await Sluice.pipeline({
      worker: WORKER,
      connectors: [
        {
          name,
          config: {
            'connector.class': 'FileStreamSink', topics: topic, file: out,
            'errors.tolerance': 'all',
            'errors.deadletterqueue.topic.name': dlq,
            'errors.deadletterqueue.topic.replication.factor': 1,
            'errors.deadletterqueue.context.headers.enable': true,
            'errors.log.enable': true,
          },
        },
      ],
    });
    const bad = placed.filter((x) => x.bad);
    const good = placed.filter((x) => !x.bad);
    const metrics = await withPipeline(p, async () => {
      await until(() => lines(out).length >= good.length, 'good records in the file');
      await until(async () => {
        const committed = await admin.fetchOffsets({ groupId: `connect-${name}`, topics: [topic] });
        const ends = await admin.fetchTopicOffsets(topic);
        return ends.every((e) => committed[0]!.partitions.find((c) => c.partition === e.partition)?.offset === e.high);
      }, 'offsets committed past every record');
      return p.progress()[0]!.metrics!;
    });
    const got = lines(out).map((l) => (JSON.parse(l) as { n: number }).n).sort((a, b) => a - b);
    assert.deepEqual(got, good.map((x) => x.n));
    const dead = await readTopic(dlq, bad.length);
    assert.equal(dead.length, bad.length);
    assert.equal(got.length + dead.length, total, 'good + DLQ = total');
    const meta = await admin.fetchTopicMetadata({ topics: [dlq] });
    assert.equal(meta.topics[0]!.partitions.length, 1, 'DLQ created with one partition');
    const byOrigin = new Map(dead.map((d) => [`${d.headers['__connect.errors.partition']}@${d.headers['__connect.errors.offset']}`, d]));
    for (const b of bad) {
      const d = byOrigin.get(`${b.partition}@${b.offset}`);
      assert.ok(d, `DLQ has ${b.partition}@${b.offset}`);
      assert.equal(d.value!.toString(), `{"schema": not json at all ${b.n}`, 'original value bytes');
      assert.equal(d.key, `k${b.n}`);
      assert.equal(d.timestamp, 1_700_000_000_000 + b.n);
      assert.equal(d.headers['trace'], `t${b.n}`);
      assert.equal(d.headers['__connect.errors.topic'], topic);
      assert.equal(d.headers['__connect.errors.connector.name'], name);
      assert.equal(d.headers['__connect.errors.task.id'], '0');
      assert.equal(d.headers['__connect.errors.stage'], 'VALUE_CONVERTER');
      assert.equal(d.headers['__connect.errors.class.name'], 'org.apache.kafka.connect.json.JsonConverter');
      assert.equal(d.headers['__connect.errors.exception.class.name'], 'org.apache.kafka.connect.errors.DataException');
      assert.ok(d.headers['__connect.errors.exception.message']!.length > 0);
      assert.match(d.headers['__connect.errors.exception.stacktrace']!, /DataException/);
    }
    assert.equal(metrics.recordErrors, bad.length);
    assert.equal(metrics.recordsSkipped, bad.length);
    assert.equal(metrics.deadLetterQueueProduceRequests, bad.length);
    assert.equal(metrics.deadLetterQueueProduceFailures, 0);
  });

  test('a source DLQ: records a transform rejects go to the DLQ topic with source partition/offset headers', { timeout: 120_000 }, async () => {
    const topic = uniqueName('src');
    const dlq = `${topic}_dlq`;
    const n = 400;
    const name = uniqueName('gen');
    const p = await Sluice.pipeline({
      worker: { ...WORKER, 'value.converter': 'json', 'value.converter.schemas.enable': false },
      connectors: [
        {
          name,
          config: {
            'connector.class': 'datagen', 'kafka.topic': topic, 'max.records': n, 'random.seed': 5,
            transforms: 'reject', 'transforms.reject.type': REJECT_TRANSFORM,
            'errors.tolerance': 'all',
            'errors.deadletterqueue.topic.name': dlq,
            'errors.deadletterqueue.topic.replication.factor': 1,
            'errors.deadletterqueue.context.headers.enable': true,
          },
        },
      ],
    });
    await withPipeline(p, async () => {
      await p.finished();
      await until(async () => JSON.stringify((await p.herder.connectorOffsets(name)).offsets.map((o) => o.offset)) === JSON.stringify([{ seq: n - 1 }]), 'source offsets past all');
    });
    const good = await readTopic(topic, n - n / 10);
    const dead = await readTopic(dlq, n / 10);
    const ids = (rs: Read[]) => rs.map((r) => idOf(JSON.parse(r.value!.toString()))).sort((a, b) => a - b);
    assert.deepEqual(ids(dead), [...Array(n).keys()].filter((i) => i % 10 === 7));
    assert.equal(good.length + dead.length, n);
    for (const d of dead) {
      const id = idOf(JSON.parse(d.value!.toString()));
      assert.equal(d.headers['__connect.errors.source.partition'], '{"task":0}');
      assert.equal(d.headers['__connect.errors.source.offset'], `{"seq":${id}}`);
      assert.equal(d.headers['__connect.errors.topic'], topic);
      assert.equal(d.headers['__connect.errors.stage'], 'TRANSFORMATION');
      assert.equal(d.headers['__connect.errors.class.name'], REJECT_TRANSFORM);
      assert.equal(d.headers['__connect.errors.offset'], undefined, 'a source record has no Kafka offset');
    }
  });

  test('replay: DLQ → fixed connector → every record arrives once; a second replay finds nothing', { timeout: 180_000 }, async () => {
    const topic = uniqueName('replay');
    const dlq = `${topic}_dlq`;
    const total = 200;
    await producePoison(topic, total, () => false);
    const name = uniqueName('rsink');
    const out = join(tempDir('replay'), 'out.txt');
    const config = (fixed: boolean) => ({
      'connector.class': 'FileStreamSink', topics: topic, file: out,
      transforms: 'reject', 'transforms.reject.type': REJECT_TRANSFORM, 'transforms.reject.fixed': String(fixed),
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': dlq,
      'errors.deadletterqueue.topic.replication.factor': '1',
      'errors.deadletterqueue.context.headers.enable': 'true',
    });
    const p = await Sluice.pipeline({ worker: WORKER, connectors: [{ name, config: config(false) }] });
    const ns = () => lines(out).map((l) => (JSON.parse(l) as { n: number }).n);
    const cli = () => {
      const text: string[] = [];
      const io = { stdout: { write: (s: string) => text.push(s) }, stderr: { write: (s: string) => text.push(s) } } as unknown as CliIo;
      return { io, text };
    };
    await withPipeline(p, async () => {
      await until(() => ns().length >= total * 0.9, 'the good 90%');
      assert.deepEqual(ns().sort((a, b) => a - b), [...Array(total).keys()].filter((n) => n % 10 !== 7));
      // The cause is fixed: the connector gets the corrected config (its task restarts with it).
      await p.herder.putConnectorConfig(name, { ...config(true), name });
      await until(() => p.herder.connectorStatus(name).tasks[0]?.state === 'RUNNING', 'restarted');
      const first = cli();
      const code = await dlqCommand(['replay', '--from', dlq, '--bootstrap-servers', KAFKA_BROKERS.join(','), '--idle-ms', '3000'], first.io);
      assert.equal(code, 0, first.text.join(''));
      assert.match(first.text.join(''), new RegExp(`^replayed ${total / 10} records from ${dlq} \\(${topic}: ${total / 10}\\)`));
      await until(() => ns().length >= total, 'every record in the file');
      await new Promise((r) => setTimeout(r, 500));
      const again = cli();
      assert.equal(await dlqCommand(['replay', '--from', dlq, '--bootstrap-servers', KAFKA_BROKERS.join(','), '--idle-ms', '2000'], again.io), 0);
      assert.match(again.text.join(''), /^replayed 0 records/);
    });
    assert.deepEqual(ns().sort((a, b) => a - b), [...Array(total).keys()], 'each record exactly once');
  });
});

describe('retries on a real broker', () => {
  const transport = createTransport({ kind: 'kafka', bootstrapServers: KAFKA_BROKERS });
  const options: PipelineOptions = { maxInFlightBatches: 4, offsetFlushIntervalMs: 200, offsetFlushTimeoutMs: 10_000 };
  const converters = (): Converters => ({
    key: new JsonConverter({ 'schemas.enable': false }, true),
    value: new JsonConverter({ 'schemas.enable': false }, false),
    header: new JsonConverter({ 'schemas.enable': false, 'converter.type': 'header' }),
  });
  after(() => transport.close());

  /** put throws RetriableException while `failing(call)` is true. */
  class Flaky extends SinkTask {
    readonly got: number[] = [];
    calls = 0;
    constructor(readonly failing: (call: number, records: readonly SinkRecord[]) => boolean) {
      super();
    }
    version() {
      return 'it';
    }
    start() {}
    put(records: readonly SinkRecord[]) {
      this.calls++;
      if (this.failing(this.calls, records)) throw new RetriableException(`put #${this.calls} failed for now`);
      for (const r of records) this.got.push((r.value as { n: number }).n);
    }
    stop() {}
  }

  async function topicWith(total: number): Promise<string> {
    const topic = uniqueName('retry');
    await createTopicsReady(admin, [{ topic, numPartitions: 1 }]);
    await producer.send({ topic, messages: Array.from({ length: total }, (_, n) => ({ key: `"k${n}"`, value: JSON.stringify({ n }) })) });
    return topic;
  }

  test('put failing transiently 5 times: everything delivered once, nothing lost or duplicated', { timeout: 120_000 }, async () => {
    const topic = await topicWith(200);
    const sink = new Flaky((call) => call <= 5);
    const config = { topics: topic, 'errors.retry.timeout': '60000', 'errors.retry.delay.max.ms': '100' };
    const run = transport.startSink({ id: { connector: uniqueName('flaky'), task: 0 }, task: sink, config, converters: converters(), transform: (r) => r, options });
    await until(() => sink.got.length >= 200, 'all delivered');
    await run.stop(10_000);
    await run.done;
    assert.deepEqual(sink.got, [...Array(200).keys()]);
    assert.ok(sink.calls > 5);
  });

  test('put failing past errors.retry.timeout: tolerance none fails the task; tolerance all sends the batch to the DLQ', { timeout: 120_000 }, async () => {
    const topic = await topicWith(50);
    const never = new Flaky(() => true);
    const none = transport.startSink({
      id: { connector: uniqueName('none'), task: 0 }, task: never,
      config: { topics: topic, 'errors.retry.timeout': '1000', 'errors.retry.delay.max.ms': '200' },
      converters: converters(), transform: (r) => r, options,
    });
    const failure = (await none.done.then(() => null, (e: unknown) => e)) as TaskFailure;
    assert.equal(failure.stage, 'TASK_PUT');
    assert.equal(failure.coordinates?.topic, topic);
    assert.ok(never.calls >= 3, `calls ${never.calls}`);

    const dlq = `${topic}_dlq`;
    const firstBatchFails = new Flaky((_call, records) => records.some((r) => (r.value as { n: number }).n === 0));
    const connector = uniqueName('all');
    const all = transport.startSink({
      id: { connector, task: 0 }, task: firstBatchFails,
      config: {
        topics: topic, 'errors.retry.timeout': '1000', 'errors.retry.delay.max.ms': '200', 'errors.tolerance': 'all',
        'errors.deadletterqueue.topic.name': dlq, 'errors.deadletterqueue.topic.replication.factor': '1', 'errors.deadletterqueue.context.headers.enable': 'true',
      },
      converters: converters(), transform: (r) => r, options,
    });
    await until(async () => {
      const committed = await admin.fetchOffsets({ groupId: `connect-${connector}`, topics: [topic] });
      return committed[0]!.partitions[0]!.offset === '50';
    }, 'offsets committed past all');
    await all.stop(10_000);
    const dead = await readTopic(dlq, 50 - firstBatchFails.got.length);
    assert.ok(dead.length > 0);
    assert.equal(dead.length + firstBatchFails.got.length, 50, 'DLQ + delivered = total');
    assert.ok(dead.every((d) => d.headers['__connect.errors.stage'] === 'TASK_PUT'));
    assert.deepEqual(dead.map((d) => JSON.parse(d.value!.toString()).n), [...Array(dead.length).keys()]);
  });
});
