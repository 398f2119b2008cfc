import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SinkTask, type TopicPartition } from '../../../src/connectors/api/index.js';
import type { SinkRecord } from '../../../src/data/index.js';
import {
  InProcessBroker,
  MemoryOffsetStore,
  TaskFailure,
  createInProcessClient,
  createTransport,
  startSinkTask,
  startSourceTask,
  type PipelineOptions,
  type SinkTaskInput,
  type SourceTaskInput,
} from '../../../src/streams/index.js';
import { CollectingSinkTask, CountingSourceTask, identity, jsonConverters, taskId, until } from './support.js';

const opts: PipelineOptions = { maxInFlightBatches: 3, offsetFlushIntervalMs: 30, offsetFlushTimeoutMs: 5000 };

function sourceInput(task: CountingSourceTask, offsets = new MemoryOffsetStore(), connector = 'src'): SourceTaskInput {
  return { id: taskId(connector), task, config: {}, converters: jsonConverters(), transform: identity, offsets, options: opts };
}
function sinkInput(task: SinkTask, topics: string, connector = 'snk', n = 0, options = opts): SinkTaskInput {
  return { id: taskId(connector, n), task, config: { topics }, converters: jsonConverters(), transform: identity, options };
}
const ns = (records: readonly SinkRecord[]) => records.map((r) => (r.value as { n: number }).n);

describe('in-process transport', () => {
  test('moves N records from a source to a sink with no broker; source offsets commit once the sink flushed', async () => {
    const transport = createTransport({ kind: 'in-process', capacity: 100 });
    const offsets = new MemoryOffsetStore();
    const source = new CountingSourceTask('events', 5000, 50);
    const sink = new CollectingSinkTask();
    const sinkRun = transport.startSink(sinkInput(sink, 'events'));
    const sourceRun = transport.startSource(sourceInput(source, offsets));
    await until(() => source.committedRecords === 5000, 'every record acked');
    // Acked means flushed by the sink.
    assert.equal(sink.flushed.length, 5000);
    await sourceRun.stop(5000);
    await sinkRun.stop(5000);
    await Promise.all([sourceRun.done, sinkRun.done]);
    await transport.close();
    assert.deepEqual(ns(sink.flushed), [...Array(5000).keys()]);
    assert.deepEqual(await offsets.all('src'), [[{ source: 'p0' }, { n: 4999 }]]);
    assert.deepEqual(sink.opened, ['events-0']);
    assert.deepEqual(sink.closed, ['events-0']);
    assert.ok(sink.stopped && source.stopped);
  });

  test('a source 100x faster than a slow sink: never more than maxInFlightBatches batches outstanding, topic bounded', async () => {
    const broker = new InProcessBroker({ capacity: 40, maxBatch: 10 });
    const client = createInProcessClient(broker);
    const batch = 10;
    let peakOutstanding = 0;
    let peakRetained = 0;
    class Fast extends CountingSourceTask {
      override async poll() {
        peakOutstanding = Math.max(peakOutstanding, this.next - this.committedRecords);
        peakRetained = Math.max(peakRetained, broker.retained('slow'));
        return super.poll();
      }
    }
    const source = new Fast('slow', 600, batch);
    const sink = new CollectingSinkTask();
    sink.putDelayMs = 3; // ~100x slower per record than the source, which answers at once
    const sinkRun = startSinkTask(sinkInput(sink, 'slow'), { consumer: client.consumer({ groupId: 'connect-snk', clientId: 'c' }) });
    const sourceRun = startSourceTask(sourceInput(source), { producer: client.producer({ clientId: 'p' }) });
    await until(() => source.committedRecords === 600, 'every record acked');
    await sourceRun.stop(5000);
    await sinkRun.stop(5000);
    assert.ok(peakOutstanding <= opts.maxInFlightBatches * batch, `outstanding ${peakOutstanding}`);
    assert.ok(peakRetained <= 40, `retained ${peakRetained}`);
    assert.deepEqual(ns(sink.flushed), [...Array(600).keys()]);
  });

  test('a RetriableException from put redelivers the same batch: no loss, no duplicate', async () => {
    const broker = new InProcessBroker({ maxBatch: 7 });
    const client = createInProcessClient(broker);
    const source = new CountingSourceTask('retry', 100, 20);
    const sink = new CollectingSinkTask();
    sink.failPuts = new Set([2, 3, 7]);
    const sinkRun = startSinkTask(sinkInput(sink, 'retry'), { consumer: client.consumer({ groupId: 'connect-snk', clientId: 'c' }) });
    const sourceRun = startSourceTask(sourceInput(source), { producer: client.producer({ clientId: 'p' }) });
    await until(() => source.committedRecords === 100, 'every record acked');
    await sourceRun.stop(5000);
    await sinkRun.stop(5000);
    await sinkRun.done;
    assert.deepEqual(ns(sink.flushed), [...Array(100).keys()]);
    assert.ok(sink.puts >= 100 / 7 + 3, 'the failed puts were retried');
  });

  test('sink offsets are committed as next-offset-to-read for the original topic-partition', async () => {
    const broker = new InProcessBroker({ defaultPartitions: 3 });
    const client = createInProcessClient(broker);
    const producer = client.producer({ clientId: 'p' });
    const enc = new TextEncoder();
    // The send resolves only once a group committed past the records, so it is not awaited here.
    const sent = producer.send(
      Array.from({ length: 30 }, (_, n) => ({ topic: 'tp', partition: n % 3, key: null, value: enc.encode(JSON.stringify({ n })), headers: [] })),
    );
    const sink = new CollectingSinkTask();
    // A transform that renames the topic: commits must still name the original one.
    const run = startSinkTask(
      { ...sinkInput(sink, 'tp'), transform: (r) => r.newRecord({ topic: 'renamed' }) },
      { consumer: client.consumer({ groupId: 'connect-snk', clientId: 'c' }) },
    );
    await until(() => sink.flushed.length === 30, 'all flushed');
    await run.stop(5000);
    assert.equal((await sent).length, 30, 'the producer got its acks');
    const admin = client.admin();
    const committed = await admin.fetchGroupOffsets('connect-snk', ['tp']);
    assert.deepEqual(committed, [
      { topic: 'tp', partition: 0, offset: 10 },
      { topic: 'tp', partition: 1, offset: 10 },
      { topic: 'tp', partition: 2, offset: 10 },
    ]);
    assert.ok(sink.flushed.every((r) => r.topic === 'renamed' && r.originalTopic === 'tp'));
  });

  test('two sink tasks of one connector split the partitions; together they see every record once', async () => {
    const broker = new InProcessBroker({ defaultPartitions: 4, maxBatch: 5 });
    const client = createInProcessClient(broker);
    const a = new CollectingSinkTask();
    const b = new CollectingSinkTask();
    const runA = startSinkTask(sinkInput(a, 'split', 'snk', 0), { consumer: client.consumer({ groupId: 'connect-snk', clientId: 'a' }) });
    const runB = startSinkTask(sinkInput(b, 'split', 'snk', 1), { consumer: client.consumer({ groupId: 'connect-snk', clientId: 'b' }) });
    const source = new CountingSourceTask('split', 400, 25);
    // Keys spread records over the 4 partitions.
    const sourceRun = startSourceTask(sourceInput(source), { producer: client.producer({ clientId: 'p' }) });
    await until(() => source.committedRecords === 400, 'every record acked');
    await sourceRun.stop(5000);
    await Promise.all([runA.stop(5000), runB.stop(5000)]);
    const all = [...ns(a.flushed), ...ns(b.flushed)].sort((x, y) => x - y);
    assert.deepEqual(all, [...Array(400).keys()]);
    assert.equal(a.opened.length, 2);
    assert.equal(b.opened.length, 2);
  });

  test('context.pause holds a partition back until context.resume', async () => {
    const broker = new InProcessBroker({ defaultPartitions: 2 });
    const client = createInProcessClient(broker);
    class Pausing extends CollectingSinkTask {
      override open(partitions: readonly TopicPartition[]): void {
        super.open(partitions);
        this.context.pause(...partitions.filter((p) => p.partition === 1));
      }
      resumeAll(): void {
        this.context.resume(...this.context.assignment());
      }
    }
    const sink = new Pausing();
    const run = startSinkTask(sinkInput(sink, 'paused'), { consumer: client.consumer({ groupId: 'connect-snk', clientId: 'c' }) });
    const producer = client.producer({ clientId: 'p' });
    const enc = new TextEncoder();
    void producer.send(
      Array.from({ length: 20 }, (_, n) => ({ topic: 'paused', partition: n % 2, key: null, value: enc.encode(JSON.stringify({ n })), headers: [] })),
    );
    await until(() => sink.put_.length === 10, 'partition 0 delivered');
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    assert.ok(sink.put_.every((r) => r.kafkaPartition === 0));
    sink.resumeAll();
    await until(() => sink.put_.length === 20, 'partition 1 delivered after resume');
    await run.stop(5000);
  });

  test('a non-retriable put failure fails the task in TASK_PUT with topic, partition and offset', async () => {
    const broker = new InProcessBroker();
    const client = createInProcessClient(broker);
    class Broken extends CollectingSinkTask {
      override async put(): Promise<void> {
        throw new Error('disk full');
      }
    }
    const run = startSinkTask(sinkInput(new Broken(), 'broken'), { consumer: client.consumer({ groupId: 'connect-snk', clientId: 'c' }) });
    void client.producer({ clientId: 'p' }).send([{ topic: 'broken', key: null, value: new TextEncoder().encode('{"n":1}'), headers: [] }]);
    const failure = (await run.done.then(() => null, (e: unknown) => e)) as TaskFailure;
    assert.ok(failure instanceof TaskFailure);
    assert.equal(failure.stage, 'TASK_PUT');
    assert.deepEqual(failure.coordinates, { topic: 'broken', partition: 0, offset: 0 });
  });

  test('a value the converter cannot read fails the task in VALUE_CONVERTER', async () => {
    const broker = new InProcessBroker();
    const client = createInProcessClient(broker);
    const run = startSinkTask(sinkInput(new CollectingSinkTask(), 'garbage'), { consumer: client.consumer({ groupId: 'connect-snk', clientId: 'c' }) });
    void client.producer({ clientId: 'p' }).send([{ topic: 'garbage', key: null, value: new TextEncoder().encode('{not json'), headers: [] }]);
    await assert.rejects(run.done, (e: TaskFailure) => e.stage === 'VALUE_CONVERTER' && e.coordinates?.offset === 0);
  });

  test('a consumer handed many batches in a row with nothing else changing leaves no waiters behind (no listener warning)', async () => {
    const broker = new InProcessBroker({ capacity: 1000, maxBatch: 1 });
    const client = createInProcessClient(broker);
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      broker.createTopic('many', 1);
      const consumer = client.consumer({ groupId: 'g', clientId: 'c' });
      await consumer.subscribe({ topics: ['many'] });
      let batches = 0;
      // Acks wait for the group's commit, which never comes here: nothing changes in the broker while it delivers.
      void client.producer({ clientId: 'p' }).send(Array.from({ length: 40 }, (_, i) => ({ topic: 'many', key: null, value: new Uint8Array([i]), headers: [] })));
      await consumer.run({
        onBatch: async () => void batches++,
        onAssigned: async () => {},
        onRevoked: async () => {},
        onCrash: (e) => assert.fail(e),
      });
      await until(() => batches === 40, 'every record delivered, one per batch');
      await new Promise((r) => setImmediate(r));
      await consumer.disconnect();
      assert.deepEqual(warnings, []);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
