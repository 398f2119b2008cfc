import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FileStreamSinkConnector,
  FileStreamSinkTask,
  FileStreamSourceConnector,
  FileStreamSourceTask,
} from '../../../src/connectors/file/index.js';
import type { ConnectorConfig, SinkTaskContext, TopicPartitionOffsets } from '../../../src/connectors/api/index.js';
import { BigDecimal, Decimal, Schema, SchemaBuilder, SinkRecord, Struct, type SourceRecord } from '../../../src/data/index.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-file-sink-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function sinkContext(config: ConnectorConfig): SinkTaskContext {
  return {
    configs: () => config,
    offset() {},
    timeout() {},
    assignment: () => [],
    pause() {},
    resume() {},
    requestCommit() {},
    errantRecordReporter: null,
  };
}

async function startSink(file: string): Promise<FileStreamSinkTask> {
  const connector = new FileStreamSinkConnector();
  connector.start({ name: 'out', 'connector.class': 'FileStreamSink', topics: 't', file });
  const [config] = connector.taskConfigs(1) as [ConnectorConfig];
  const TaskClass = connector.taskClass();
  const task = new TaskClass() as FileStreamSinkTask;
  task.initialize(sinkContext(config));
  await task.start(config);
  return task;
}

let offset = 0;
function record(value: unknown, valueSchema: Schema | null = null): SinkRecord {
  return new SinkRecord({ topic: 't', kafkaPartition: 0, kafkaOffset: offset++, value, valueSchema });
}

const NO_OFFSETS: TopicPartitionOffsets = new Map();

describe('FileStreamSinkTask against real files', () => {
  test('each value is one line; the parent directory is created; flush makes it durable', async () => {
    const file = join(dir, 'nested', 'deeper', 'out.txt');
    const task = await startSink(file);
    await task.put([record('hello', Schema.STRING), record('wörld ✓', Schema.STRING)]);
    await task.put([]);
    await task.flush(NO_OFFSETS);
    assert.equal(await readFile(file, 'utf8'), 'hello\nwörld ✓\n');
    await task.stop();
  });

  test('structured values are written as compact JSON, strings as they are', async () => {
    const file = join(dir, 'json.txt');
    const schema = SchemaBuilder.struct().name('Order').field('id', Schema.INT64).field('price', Decimal.schema(2))
      .field('tags', SchemaBuilder.array(Schema.STRING).build()).build();
    const task = await startSink(file);
    await task.put([
      record(new Struct(schema).put('id', 1).put('price', new BigDecimal(1999n, 2)).put('tags', ['a'])),
      record(new Map<string, unknown>([['k', 1], ['nested', { x: [true, null] }]])),
      record([1, 'two']),
      record(null),
      record(42),
      record('{"already":"json"}'),
    ]);
    await task.flush(NO_OFFSETS);
    assert.deepEqual((await readFile(file, 'utf8')).split('\n'), [
      '{"id":1,"price":19.99,"tags":["a"]}',
      '{"k":1,"nested":{"x":[true,null]}}',
      '[1,"two"]',
      'null',
      '42',
      '{"already":"json"}',
      '',
    ]);
    await task.stop();
  });

  test('a put larger than the line buffer, then a smaller put: each line whole, none repeated', async () => {
    const file = join(dir, 'big-then-small.txt');
    const task = await startSink(file);
    // 3-byte characters and surrogate pairs make the UTF-8 longer than the text; 2000 such lines outgrow 64 KiB.
    const big = Array.from({ length: 2000 }, (_, i) => `${i} ${'€'.repeat(i % 40)}${'😀'.repeat(i % 3)}`);
    await task.put(big.map((v) => record(v, Schema.STRING)));
    await task.put([record('small', Schema.STRING)]);
    await task.flush(NO_OFFSETS);
    await task.stop();
    assert.deepEqual((await readFile(file, 'utf8')).split('\n'), [...big, 'small', '']);
  });

  test('appends to an existing file, across restarts', async () => {
    const file = join(dir, 'append.txt');
    await writeFile(file, 'existing\n');
    const a = await startSink(file);
    await a.put([record('one')]);
    await a.stop();
    const b = await startSink(file);
    await b.put([record('two')]);
    await b.flush(NO_OFFSETS);
    await b.stop();
    assert.equal(await readFile(file, 'utf8'), 'existing\none\ntwo\n');
  });

  test('preCommit flushes and returns the offsets to commit', async () => {
    const file = join(dir, 'precommit.txt');
    const task = await startSink(file);
    await task.put([record('x')]);
    const offsets: TopicPartitionOffsets = new Map([['t-0', { tp: { topic: 't', partition: 0 }, offset: 5 }]]);
    assert.equal(await task.preCommit(offsets), offsets);
    assert.equal(await readFile(file, 'utf8'), 'x\n');
    await task.stop();
  });

  test('a path that cannot be a file fails start with the path named', async () => {
    const blocker = join(dir, 'blocker');
    await writeFile(blocker, '');
    await assert.rejects(startSink(join(blocker, 'out.txt')), (e: Error) => e.message.includes(join(blocker, 'out.txt')));
  });

  test('round trip: what the sink writes, the source reads back line for line', async () => {
    const file = join(dir, 'roundtrip.txt');
    const values = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'é'.repeat(i % 7)}`);
    const sink = await startSink(file);
    for (let i = 0; i < values.length; i += 700) await sink.put(values.slice(i, i + 700).map((v) => record(v, Schema.STRING)));
    await sink.flush(NO_OFFSETS);
    await sink.stop();

    const connector = new FileStreamSourceConnector();
    connector.start({ name: 'in', 'connector.class': 'FileStreamSource', topic: 't2', file });
    const [config] = connector.taskConfigs(1) as [ConnectorConfig];
    const source = new FileStreamSourceTask();
    source.initialize({ configs: () => config, offsetStorageReader: { offset: async () => null, offsets: async () => new Map() } });
    source.start(config);
    const got: SourceRecord[] = [];
    const signal = new AbortController().signal;
    while (got.length < values.length) {
      const batch = await source.poll(signal);
      assert.ok(batch, `source stopped after ${got.length} lines`);
      got.push(...batch);
    }
    assert.deepEqual(got.map((r) => r.value), values);
    await source.stop();
  });
});
