/**
 * A registry that refuses a record's schema (409 incompatible) through a real source pipeline: with
 * errors.tolerance=none the task fails with the registry's message; with errors.tolerance=all the record goes to
 * the dead letter queue and the others are written; a registry that is down is waited for under
 * errors.retry.timeout, and nothing is lost. The pipeline runs on the in-process broker; the registry is
 * `sluice registry` over HTTP.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SourceTask, type ConnectorConfig } from '../../../src/connectors/api/index.js';
import { Schema, SchemaBuilder, SourceRecord, Struct } from '../../../src/data/index.js';
import { createConverter, createHeaderConverter, type Converter } from '../../../src/converters/index.js';
import {
  InProcessBroker, MemoryOffsetStore, TaskFailure, createInProcessClient, startSinkTask, startSourceTask, type Converters, type PipelineOptions,
} from '../../../src/streams/index.js';
import { createErrorHandler, headerText } from '../../../src/streams/errors/index.js';
import { startSchemaRegistry, type RunningSchemaRegistry } from '../../../src/registry/index.js';
import { until } from '../cli/support.js';
import { CollectingSinkTask } from '../../unit/streams/support.js';

const opts: PipelineOptions = { maxInFlightBatches: 2, offsetFlushIntervalMs: 30, offsetFlushTimeoutMs: 5000 };
const V1 = SchemaBuilder.struct().name('com.example.Row').field('id', Schema.INT64).field('name', Schema.STRING).build();
/** `id` changes type: BACKWARD-incompatible with V1. */
const BAD = SchemaBuilder.struct().name('com.example.Row').field('id', Schema.STRING).field('name', Schema.STRING).build();

/** Emits `total` rows; those with n % 10 === 3 carry the incompatible schema. */
class Rows extends SourceTask {
  next = 0;
  constructor(readonly topic: string, readonly total: number) {
    super();
  }
  version(): string {
    return 'test';
  }
  async start(_config: ConnectorConfig): Promise<void> {}
  async poll(): Promise<SourceRecord[] | null> {
    if (this.next >= this.total) {
      await new Promise((r) => setTimeout(r, 5));
      return null;
    }
    const out: SourceRecord[] = [];
    while (out.length < 10 && this.next < this.total) {
      const n = this.next++;
      const bad = n % 10 === 3;
      const value = bad ? new Struct(BAD).put('id', `x${n}`).put('name', `r${n}`) : new Struct(V1).put('id', n).put('name', `r${n}`);
      out.push(new SourceRecord({ topic: this.topic, sourcePartition: { t: 'rows' }, sourceOffset: { n }, valueSchema: bad ? BAD : V1, value }));
    }
    return out;
  }
  async stop(): Promise<void> {}
}

let registry: RunningSchemaRegistry;
let topicNo = 0;
before(async () => {
  registry = await startSchemaRegistry({ listener: 'http://127.0.0.1:0', storage: { kind: 'memory' } });
});
after(async () => {
  await registry?.close();
});

function avro(url = registry.url, extra: Record<string, unknown> = {}): Converter {
  const c = createConverter('io.confluent.connect.avro.AvroConverter');
  c.configure({ 'schema.registry.url': url, 'max.retries': 0, ...extra }, false);
  return c;
}

function run(config: Record<string, string>, total: number, url?: string) {
  const broker = new InProcessBroker({ defaultPartitions: 1, maxBatch: 50 });
  const client = createInProcessClient(broker);
  const topic = `rows-${process.pid}-${++topicNo}`;
  const value = avro(url);
  const header = createHeaderConverter('org.apache.kafka.connect.storage.SimpleHeaderConverter');
  header.configure({});
  const converters: Converters = { key: value, value, header };
  const task = new Rows(topic, total);
  const errors = createErrorHandler({ id: { connector: 'c', task: 0 }, config, converters, task }, { kind: 'source', client, inProcess: true });
  const handle = startSourceTask(
    { id: { connector: 'c', task: 0 }, task, config, converters, transform: (r) => r, offsets: new MemoryOffsetStore(), options: opts },
    { producer: client.producer({ clientId: 'p' }), errors },
  );
  const readAll = (t: string) => {
    const out = [];
    for (;;) {
      const { records } = broker.fetch({ topic: t, partition: 0 }, out.length);
      if (records.length === 0) return out;
      out.push(...records);
    }
  };
  return { handle, topic, task, readAll, client, converters };
}

describe('registry errors in a source pipeline', () => {
  test('errors.tolerance=none: the incompatible schema fails the task with the registry\'s message', async () => {
    const { handle, topic } = run({}, 20);
    const failure = (await handle.done.then(() => null, (e: unknown) => e)) as TaskFailure;
    assert.ok(failure instanceof TaskFailure, String(failure));
    assert.equal(failure.stage, 'VALUE_CONVERTER');
    assert.match(failure.message, /incompatible with an earlier schema/);
    assert.deepEqual(failure.coordinates, { topic, sourcePartition: { t: 'rows' }, offset: '{"n":3}' });
  });

  test('errors.tolerance=all: incompatible records go to the DLQ, every other one is written', async () => {
    const config = { 'errors.tolerance': 'all', 'errors.deadletterqueue.topic.name': `dlq-${process.pid}`, 'errors.deadletterqueue.context.headers.enable': 'true' };
    const { handle, topic, readAll, client, converters } = run(config, 40);
    // A sink task reads the topic back through its own AvroConverter (the in-process broker acknowledges a send
    // once a group has consumed past it).
    const sink = new CollectingSinkTask();
    const sinkRun = startSinkTask(
      { id: { connector: 'k', task: 0 }, task: sink, config: { topics: topic }, converters: { ...converters, value: avro(), key: avro() }, transform: (r) => r, options: opts },
      { consumer: client.consumer({ groupId: 'connect-k', clientId: 'k' }) },
    );
    await until(() => sink.flushed.length === 36, 'the compatible records delivered', 30_000);
    const metrics = handle.metrics();
    await handle.stop(5000);
    await sinkRun.stop(5000);
    assert.deepEqual(sink.flushed.map((r) => Number((r.value as Struct).get('id'))), [...Array(40).keys()].filter((n) => n % 10 !== 3));
    const dlq = readAll(`dlq-${process.pid}`);
    assert.equal(dlq.length, 4);
    assert.ok(dlq.every((r) => headerText(r.headers, '__connect.errors.stage') === 'VALUE_CONVERTER'));
    assert.ok(dlq.every((r) => /incompatible/.test(headerText(r.headers, '__connect.errors.exception.message') ?? '')));
    assert.deepEqual(dlq.map((r) => headerText(r.headers, '__connect.errors.source.offset')), ['{"n":3}', '{"n":13}', '{"n":23}', '{"n":33}']);
    assert.equal(metrics.recordsSkipped, 4);
  });

  test('a registry down at start: errors.retry.timeout=-1 waits for it, then every record is written once', async () => {
    const down = await startSchemaRegistry({ listener: 'http://127.0.0.1:0', storage: { kind: 'memory' } });
    const url = down.url;
    await down.close();
    const { handle, topic, readAll, task } = run({ 'errors.retry.timeout': '-1', 'errors.retry.delay.max.ms': '200' }, 3, url);
    await until(() => task.next === 3, 'the rows polled', 10_000);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(readAll(topic).length, 0, 'nothing written without the registry');
    const back = await startSchemaRegistry({ listener: url, storage: { kind: 'memory' } });
    try {
      await until(() => readAll(topic).length === 3, 'the rows written once the registry is back', 30_000);
      assert.equal(handle.metrics().recordErrors, 0);
    } finally {
      await handle.stop(5000).catch(() => undefined);
      await back.close();
    }
  });
});
