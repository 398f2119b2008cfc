// The reactive API's dead letter queues on the real broker (`bash scripts/stack.sh up`): with
// errors.tolerance=all, records an SMT rejects go to the DLQ topic — from a source() (the record converted by the
// worker's converters, with the source partition/offset headers) and from a sink() — and the rest reach the sink.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { source, sink, SinkConnector, SinkTask, ConfigDef, DataException, type ExtensionPlugin, type ConnectorPlugin, type SinkRecord, type ConnectRecord } from '../../../src/index.js';
import { KAFKA_BROKERS, uniqueName } from '../../support/services.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const { Kafka, logLevel } = kafkajs;
const kafka = new Kafka({ brokers: KAFKA_BROKERS, clientId: 'reactive-dlq-it', logLevel: logLevel.NOTHING });
const consumers: kafkajs.Consumer[] = [];
after(async () => {
  for (const c of consumers) await c.disconnect();
});

const orderId = (r: ConnectRecord) => Number((r.value as { get(f: string): unknown }).get('order_id'));
const none = new ConfigDef();
const rejectSevens: ExtensionPlugin = {
  kind: 'transformation',
  className: 'test.RejectSevens',
  create: () => ({
    configure() {},
    apply(r: ConnectRecord) {
      if (orderId(r) % 10 === 7) throw new DataException(`order ${orderId(r)} rejected on purpose`);
      return r;
    },
    config: () => none,
    close() {},
  }),
};

const collected = new Map<string, number[]>();
const collectDef = () => new ConfigDef().define({ name: 'sink.id', type: 'STRING', importance: 'HIGH', documentation: 'key' });
class CollectTask extends SinkTask {
  #id = '';
  version() {
    return '1';
  }
  start(c: Record<string, string>) {
    this.#id = c['sink.id']!;
  }
  put(records: readonly SinkRecord[]) {
    const list = collected.get(this.#id) ?? [];
    for (const r of records) list.push(orderId(r));
    collected.set(this.#id, list);
  }
  stop() {}
}
class Collect extends SinkConnector {
  #c: Record<string, string> = {};
  version() {
    return '1';
  }
  start(c: Record<string, string>) {
    this.#c = c;
  }
  taskClass() {
    return CollectTask;
  }
  taskConfigs() {
    return [this.#c];
  }
  stop() {}
  config() {
    return collectDef();
  }
}
const collect: ConnectorPlugin = { type: 'sink', className: 'test.Collect', aliases: [], version: '1', create: () => new Collect(), configDef: collectDef };
const PLUGINS = [rejectSevens, collect];
const WORKER = { 'bootstrap.servers': KAFKA_BROKERS.join(','), 'value.converter': 'json', 'value.converter.schemas.enable': false, 'key.converter': 'string' };
const DLQ_KEYS = { 'errors.tolerance': 'all', 'errors.deadletterqueue.topic.replication.factor': 1, 'errors.deadletterqueue.context.headers.enable': true };

async function readTopic(topic: string, count: number) {
  const consumer = kafka.consumer({ groupId: uniqueName('reader') });
  consumers.push(consumer);
  const out: { value: Record<string, unknown>; headers: Record<string, string> }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
      out.push({ value: JSON.parse(message.value!.toString()) as Record<string, unknown>, headers });
    },
  });
  const deadline = Date.now() + 30_000;
  while (out.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 300));
  return out;
}

test('source() with a DLQ: rejected records are in the DLQ topic with their source coordinates, the rest in the sink', { timeout: 90_000 }, async () => {
  const dlq = uniqueName('reactive-source-dlq');
  const id = uniqueName('collect');
  const src = source(
    {
      'connector.class': 'datagen', 'kafka.topic': 'orders', 'max.records': 300, 'random.seed': 5,
      transforms: 'reject', 'transforms.reject.type': 'test.RejectSevens', ...DLQ_KEYS, 'errors.deadletterqueue.topic.name': dlq,
    },
    { plugins: PLUGINS, worker: WORKER },
  );
  const out = sink({ 'connector.class': 'test.Collect', 'sink.id': id }, { plugins: PLUGINS });
  src.subscribe(out);
  await out.done;
  const expectedGood = Array.from({ length: 300 }, (_, i) => i).filter((i) => i % 10 !== 7);
  assert.deepEqual(collected.get(id), expectedGood);
  const dead = await readTopic(dlq, 30);
  assert.deepEqual(dead.map((d) => d.value['order_id']).sort((a, b) => Number(a) - Number(b)), Array.from({ length: 30 }, (_, i) => i * 10 + 7));
  for (const d of dead) {
    assert.equal(d.headers['__connect.errors.stage'], 'TRANSFORMATION');
    assert.match(d.headers['__connect.errors.exception.message'] ?? '', /rejected on purpose/);
    assert.ok(d.headers['__connect.errors.source.partition'], JSON.stringify(d.headers));
  }
  assert.equal(src.progress()[0]?.metrics?.deadLetterQueueProduceRequests, 30);
});

test('sink() with a DLQ: records its SMT rejects go to the DLQ topic; the rest are put', { timeout: 90_000 }, async () => {
  const dlq = uniqueName('reactive-sink-dlq');
  const id = uniqueName('collect');
  const out = sink(
    { 'connector.class': 'test.Collect', 'sink.id': id, transforms: 'reject', 'transforms.reject.type': 'test.RejectSevens', ...DLQ_KEYS, 'errors.deadletterqueue.topic.name': dlq },
    { plugins: PLUGINS, worker: WORKER },
  );
  source({ 'connector.class': 'datagen', 'kafka.topic': 'orders', 'max.records': 200, 'random.seed': 6 }, { plugins: PLUGINS }).subscribe(out);
  await out.done;
  assert.deepEqual(collected.get(id), Array.from({ length: 200 }, (_, i) => i).filter((i) => i % 10 !== 7));
  const dead = await readTopic(dlq, 20);
  assert.deepEqual(dead.map((d) => d.value['order_id']).sort((a, b) => Number(a) - Number(b)), Array.from({ length: 20 }, (_, i) => i * 10 + 7));
  for (const d of dead) {
    assert.equal(d.headers['__connect.errors.stage'], 'TRANSFORMATION');
    assert.equal(d.headers['__connect.errors.topic'], 'orders');
  }
});
