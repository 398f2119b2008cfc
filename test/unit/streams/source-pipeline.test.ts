import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SourceRecord } from '../../../src/data/index.js';
import { RetriableException, SourceTask } from '../../../src/connectors/api/index.js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  MemoryOffsetStore,
  TaskFailure,
  startSourceTask,
  type KafkaProducer,
  type ProducedRecordMetadata,
  type ProducerRecord,
  type SourceTaskInput,
} from '../../../src/streams/index.js';
import { CountingSourceTask, identity, jsonConverters, taskId, until } from './support.js';

/** A producer whose sends stay pending until the test releases them. */
class ManualProducer implements KafkaProducer {
  readonly pending: Array<{ records: readonly ProducerRecord[]; release: () => void; fail: (e: Error) => void }> = [];
  readonly sent: ProducerRecord[] = [];
  offsets = new Map<string, number>();
  auto = false;
  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}
  send(records: readonly ProducerRecord[]): Promise<ProducedRecordMetadata[]> {
    const md = () =>
      records.map((r) => {
        const p = r.partition ?? 0;
        const k = `${r.topic}-${p}`;
        const offset = this.offsets.get(k) ?? 0;
        this.offsets.set(k, offset + 1);
        this.sent.push(r);
        return { topic: r.topic, partition: p, offset, timestamp: null };
      });
    if (this.auto) return Promise.resolve(md());
    return new Promise((resolve, reject) => {
      this.pending.push({ records, release: () => resolve(md()), fail: reject });
    });
  }
}

function input(task: SourceTask, offsets = new MemoryOffsetStore(), over: Partial<SourceTaskInput> = {}): SourceTaskInput {
  return {
    id: taskId('src'),
    task,
    config: {},
    converters: jsonConverters(),
    transform: identity,
    offsets,
    options: { maxInFlightBatches: 2, offsetFlushIntervalMs: 20, offsetFlushTimeoutMs: 2000 },
    ...over,
  };
}

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe('source pipeline', () => {
  test('poll is called only while fewer than maxInFlightBatches batches are unacked', async () => {
    const task = new CountingSourceTask('t', 1000, 10);
    const producer = new ManualProducer();
    const run = startSourceTask(input(task), { producer });
    await until(() => producer.pending.length === 2, 'two sends pending');
    await turns(50);
    assert.equal(task.polls, 2, 'no third poll while two batches are unacked');
    assert.equal(run.metrics().inFlightBatches, 2);
    producer.pending.shift()!.release();
    await until(() => producer.pending.length === 2, 'the freed permit lets one more poll through');
    await turns(50);
    assert.equal(task.polls, 3);
    producer.auto = true;
    for (const p of producer.pending.splice(0)) p.release();
    await run.stop(5000);
    await run.done;
  });

  test('N records go out in order; stored offsets equal the last record of each source partition', async () => {
    const task = new CountingSourceTask('orders', 95, 10, 3);
    const producer = new ManualProducer();
    producer.auto = true;
    const offsets = new MemoryOffsetStore();
    const run = startSourceTask(input(task, offsets), { producer });
    await until(() => task.committedRecords === 95, 'all records acked');
    await run.stop(5000);
    await run.done;
    const values = producer.sent.map((r) => JSON.parse(new TextDecoder().decode(r.value!)).n);
    assert.deepEqual(values, [...Array(95).keys()]);
    assert.deepEqual(
      (await offsets.all('src')).sort((a, b) => String(a[0]['source']).localeCompare(String(b[0]['source']))),
      [
        [{ source: 'p0' }, { n: 93 }],
        [{ source: 'p1' }, { n: 94 }],
        [{ source: 'p2' }, { n: 92 }],
      ],
    );
    assert.ok(task.commits >= 1, 'task.commit() after the offset flush');
    assert.ok(task.stopped);
    assert.equal(run.metrics().recordsWritten, 95);
  });

  test('a restarted task reads its committed offset through the context', async () => {
    const offsets = new MemoryOffsetStore();
    await offsets.set('src', [[{ source: 'p0' }, { n: 41 }]]);
    const task = new CountingSourceTask('t', 50, 10);
    const producer = new ManualProducer();
    producer.auto = true;
    const run = startSourceTask(input(task, offsets), { producer });
    await until(() => task.committedRecords === 8, 'resumed records acked');
    await run.stop(5000);
    assert.equal(task.startedFrom, 42);
  });

  test('a converter failure fails the task naming the stage and the source partition/offset; earlier offsets still commit', async () => {
    const task = new CountingSourceTask('t', 100, 5);
    const producer = new ManualProducer();
    producer.auto = true;
    const offsets = new MemoryOffsetStore();
    const converters = jsonConverters();
    const value = converters.value;
    converters.value = {
      configure() {},
      toConnectData: value.toConnectData.bind(value),
      fromConnectData(topic, schema, v) {
        if ((v as { n: number }).n === 12) throw new Error('cannot convert 12');
        return value.fromConnectData(topic, schema, v);
      },
    };
    const run = startSourceTask(input(task, offsets, { converters }), { producer });
    const failure = await run.done.then(
      () => assert.fail('should have failed'),
      (e: unknown) => e,
    );
    assert.ok(failure instanceof TaskFailure);
    assert.equal(failure.stage, 'VALUE_CONVERTER');
    assert.deepEqual(failure.coordinates?.sourcePartition, { source: 'p0' });
    assert.equal(failure.coordinates?.offset, '{"n":12}');
    assert.match(failure.message, /task src-0 failed in VALUE_CONVERTER.*cannot convert 12/);
    // Records 0..9 were sent and acked before the failing batch: their offset is committed, nothing past it.
    assert.deepEqual(await offsets.all('src'), [[{ source: 'p0' }, { n: 9 }]]);
    assert.ok(producer.sent.every((r) => JSON.parse(new TextDecoder().decode(r.value!)).n < 10));
    assert.ok(task.stopped);
  });

  test('a producer failure fails the task in KAFKA_PRODUCE', async () => {
    const task = new CountingSourceTask('t', 100, 5);
    const producer = new ManualProducer();
    const run = startSourceTask(input(task), { producer });
    await until(() => producer.pending.length > 0, 'a send');
    producer.pending[0]!.fail(new Error('broker said no'));
    producer.auto = true;
    for (const p of producer.pending.slice(1)) p.release();
    await assert.rejects(run.done, (e: TaskFailure) => e.stage === 'KAFKA_PRODUCE' && /broker said no/.test(e.message));
  });

  test('a RetriableException from poll polls again; filtered records still move the offsets', async () => {
    class Flaky extends CountingSourceTask {
      failures = 0;
      override async poll(): Promise<SourceRecord[] | null> {
        if (this.failures++ < 2) throw new RetriableException('not yet');
        return super.poll();
      }
    }
    const task = new Flaky('t', 20, 5);
    const producer = new ManualProducer();
    producer.auto = true;
    const offsets = new MemoryOffsetStore();
    const run = startSourceTask(
      input(task, offsets, { transform: (r) => ((r.value as { n: number }).n % 2 === 1 ? null : r) }),
      { producer, pollRetryBackoffMs: 1 },
    );
    await until(() => task.committedRecords === 20, 'all records committed (10 filtered)');
    await run.stop(5000);
    await run.done;
    assert.equal(producer.sent.length, 10);
    assert.equal(run.metrics().recordsFiltered, 10);
    assert.deepEqual(await offsets.all('src'), [[{ source: 'p0' }, { n: 19 }]]);
  });

  test('pause stops polling and resume restarts it', async () => {
    const task = new CountingSourceTask('t', 1_000_000, 1);
    const producer = new ManualProducer();
    producer.auto = true;
    const run = startSourceTask(input(task), { producer });
    await until(() => task.polls > 3, 'polling');
    run.pause();
    await turns(20);
    const polls = task.polls;
    await turns(100);
    assert.ok(task.polls <= polls + 1, 'at most the poll already under way');
    run.resume();
    await until(() => task.polls > polls + 5, 'polling again');
    await run.stop(5000);
    await run.done;
  });

  test('a source offset holding a map fails the task in TASK_POLL (Kafka Connect allows primitives only)', async () => {
    class Nested extends CountingSourceTask {
      override async poll(): Promise<SourceRecord[] | null> {
        return [new SourceRecord({ topic: 't', sourcePartition: { p: 1 }, sourceOffset: { pos: { line: 1 } }, value: 1 })];
      }
    }
    const producer = new ManualProducer();
    producer.auto = true;
    const run = startSourceTask(input(new Nested('t', 1)), { producer });
    await assert.rejects(run.done, (e: TaskFailure) => e.stage === 'TASK_POLL' && /only primitives/.test(e.message));
    assert.equal(producer.sent.length, 0);
  });

  test('a failing start fails the task in TASK_START without calling stop()', async () => {
    class Broken extends CountingSourceTask {
      override async start(): Promise<void> {
        throw new Error('no database');
      }
    }
    const task = new Broken('t', 1);
    const run = startSourceTask(input(task), { producer: new ManualProducer() });
    await assert.rejects(run.done, (e: TaskFailure) => e.stage === 'TASK_START' && /no database/.test(e.message));
    assert.equal(task.stopped, false);
  });

  test('a run says its task finished only once the task started and says so (before start(), a bounded task counts 0 of 0)', async () => {
    let letStart!: () => void;
    class Bounded extends SourceTask {
      #records = 0;
      #next = 0;
      version(): string {
        return '1';
      }
      override async start(config: Record<string, string>): Promise<void> {
        await new Promise<void>((r) => (letStart = r));
        this.#records = Number(config['records']);
      }
      override isFinished(): boolean {
        return this.#next >= this.#records;
      }
      async poll(): Promise<SourceRecord[] | null> {
        if (this.isFinished()) return null;
        this.#next++;
        return [new SourceRecord({ topic: 't', sourcePartition: { p: 1 }, sourceOffset: { n: this.#next }, value: this.#next })];
      }
      stop(): void {}
    }
    const task = new Bounded();
    assert.equal(task.isFinished(), true, 'the premise: unstarted, the task itself says finished');
    const producer = new ManualProducer();
    producer.auto = true;
    const run = startSourceTask(input(task, undefined, { config: { records: '3' } }), { producer });
    await until(() => typeof letStart === 'function', 'start() called');
    await turns(10);
    assert.equal(run.finished?.(), false, 'not finished while start() runs');
    letStart();
    await until(() => run.finished?.() === true, 'finished after three records');
    assert.equal(producer.sent.length, 3);
    await run.stop(5000);
    await run.done;
  });
});

describe('source pipeline: what a record waiting for its ack keeps alive', () => {
  const gc = (() => {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  })();

  /** Emits `total` records whose values are watched through WeakRefs; commitRecord is the base one unless `own`. */
  class WatchedSourceTask extends SourceTask {
    readonly values: Array<WeakRef<object>> = [];
    readonly committed: SourceRecord[] = [];
    next = 0;
    constructor(readonly total: number) {
      super();
    }
    version(): string {
      return 'test';
    }
    start(): void {}
    async poll(): Promise<SourceRecord[] | null> {
      if (this.next >= this.total) {
        await new Promise((r) => setTimeout(r, 5));
        return null;
      }
      const out: SourceRecord[] = [];
      for (let i = 0; i < 10 && this.next < this.total; i++) {
        const n = this.next++;
        const value = { n, padding: 'x'.repeat(100) };
        this.values.push(new WeakRef(value));
        out.push(new SourceRecord({ topic: 't', sourcePartition: { source: 'p' }, sourceOffset: { n }, value }));
      }
      return out;
    }
    stop(): void {}
  }
  class CommittingSourceTask extends WatchedSourceTask {
    override commitRecord(record: SourceRecord): void {
      this.committed.push(record);
    }
  }

  async function collectedWhileUnacked(task: WatchedSourceTask): Promise<{ collected: number; sent: number; producer: ManualProducer; run: ReturnType<typeof startSourceTask> }> {
    const producer = new ManualProducer();
    const run = startSourceTask(input(task), { producer });
    await until(() => producer.pending.length === 2, 'two sends pending');
    await turns(20);
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 0));
      gc();
    }
    return { collected: task.values.filter((w) => w.deref() === undefined).length, sent: task.values.length, producer, run };
  }

  test('without its own commitRecord or error reporting, a sent record is not kept until its ack', async () => {
    const task = new WatchedSourceTask(20);
    const { collected, sent, producer, run } = await collectedWhileUnacked(task);
    assert.equal(sent, 20);
    assert.equal(collected, 20, 'every polled value is garbage once converted and sent, acks still pending');
    producer.auto = true;
    for (const p of producer.pending.splice(0)) p.release();
    await run.stop(5000);
    await run.done;
    assert.deepEqual(producer.sent.map((r) => JSON.parse(Buffer.from(r.value!).toString()).n), Array.from({ length: 20 }, (_, i) => i));
  });

  test('a task with its own commitRecord gets each polled record back after its ack', async () => {
    const task = new CommittingSourceTask(20);
    const { collected, producer, run } = await collectedWhileUnacked(task);
    assert.equal(collected, 0, 'records are kept for commitRecord');
    producer.auto = true;
    for (const p of producer.pending.splice(0)) p.release();
    await until(() => task.committed.length === 20, 'commitRecord for every record');
    assert.deepEqual(task.committed.map((r) => (r.value as { n: number }).n), Array.from({ length: 20 }, (_, i) => i));
    await run.stop(5000);
    await run.done;
  });
});
