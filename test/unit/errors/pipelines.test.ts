/**
 * errors.* through the real pipelines on the in-process broker: tolerance, DLQ records and headers, the errant
 * record reporter, retries of converters and of put, source-side DLQ. (The same on the real broker: test/integration/errors.)
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { RetriableException, type SinkTask } from '../../../src/connectors/api/index.js';
import { DataException, PendingLookup, Schema, SourceRecord, type SinkRecord } from '../../../src/data/index.js';
import { JsonConverter } from '../../../src/converters/index.js';
import {
  InProcessBroker,
  MemoryOffsetStore,
  TaskFailure,
  createInProcessClient,
  startSinkTask,
  startSourceTask,
  type Converters,
  type PipelineOptions,
  type RecordTransform,
} from '../../../src/streams/index.js';
import { createErrorHandler, headerText, type RecordErrorHandler } from '../../../src/streams/errors/index.js';
import type { StreamLogger } from '../../../src/streams/kafka/client.js';
import { CollectingSinkTask, CountingSourceTask, identity, jsonConverters, until } from '../streams/support.js';
import { VirtualClock } from '../../../src/testing/index.js';

const opts: PipelineOptions = { maxInFlightBatches: 2, offsetFlushIntervalMs: 30, offsetFlushTimeoutMs: 5000 };
const enc = new TextEncoder();
const dec = new TextDecoder();

function memoryLog() {
  const lines: Array<{ level: string; obj: Record<string, unknown>; msg: string }> = [];
  const at = (level: string) => (obj: object, msg?: string) => lines.push({ level, obj: obj as Record<string, unknown>, msg: msg ?? '' });
  const log: StreamLogger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { log, lines };
}

function setup(partitions = 1) {
  const broker = new InProcessBroker({ defaultPartitions: partitions, maxBatch: 7 });
  const client = createInProcessClient(broker);
  return { broker, client };
}

function handlerFor(
  client: ReturnType<typeof createInProcessClient>,
  kind: 'source' | 'sink',
  config: Record<string, string>,
  task: SinkTask | CountingSourceTask,
  converters: Converters,
  logger?: StreamLogger,
): RecordErrorHandler {
  return createErrorHandler(
    { id: { connector: 'c', task: 0 }, config, converters, task },
    { kind, client, inProcess: true, ...(logger ? { logger } : {}) },
  );
}

/** Good records `{"n":i}`, and bad (not JSON) ones at the given positions. */
function produceMixed(client: ReturnType<typeof createInProcessClient>, topic: string, total: number, bad: Set<number>) {
  const records = Array.from({ length: total }, (_, n) => ({
    topic,
    key: enc.encode(`"k${n}"`),
    value: enc.encode(bad.has(n) ? `{broken ${n}` : JSON.stringify({ n })),
    headers: [{ key: 'origin', value: enc.encode(`"h${n}"`) }],
    timestamp: 1_700_000_000_000 + n,
  }));
  // The in-process broker acknowledges once a group committed past a record: not awaited.
  void client.producer({ clientId: 'p' }).send(records);
}

const ns = (records: readonly SinkRecord[]) => records.map((r) => (r.value as { n: number }).n);

/** Every record of partition 0 of an in-process topic (fetch returns at most maxBatch at a time). */
function readAll(broker: InProcessBroker, topic: string) {
  const out = [];
  for (;;) {
    const { records } = broker.fetch({ topic, partition: 0 }, out.length);
    if (records.length === 0) return out;
    out.push(...records);
  }
}

describe('sink error tolerance (in-process)', () => {
  test('tolerance all + DLQ with context headers: good records delivered, bad ones in the DLQ with original bytes; offsets past all', async () => {
    const { broker, client } = setup();
    const bad = new Set([0, 5, 6, 13, 29]);
    produceMixed(client, 'orders', 30, bad);
    const sink = new CollectingSinkTask();
    const converters = jsonConverters();
    const config = {
      topics: 'orders',
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': 'dlq',
      'errors.deadletterqueue.context.headers.enable': 'true',
    };
    const errors = handlerFor(client, 'sink', config, sink, converters);
    const run = startSinkTask(
      { id: { connector: 'c', task: 0 }, task: sink, config, converters, transform: identity, options: opts },
      { consumer: client.consumer({ groupId: 'connect-c', clientId: 'c' }), errors },
    );
    await until(() => sink.flushed.length === 25, 'good records flushed');
    await until(async () => (await client.admin().fetchGroupOffsets('connect-c', ['orders']))[0]?.offset === 30, 'committed past all');
    const m = run.metrics();
    await run.stop(5000);
    await run.done;
    assert.deepEqual(ns(sink.flushed), [...Array(30).keys()].filter((n) => !bad.has(n)));
    const dlq = readAll(broker, 'dlq');
    assert.equal(dlq.length, 5);
    assert.equal(broker.partitionCount('dlq'), 1);
    assert.deepEqual(dlq.map((r) => dec.decode(r.value!)), [...bad].map((n) => `{broken ${n}`));
    assert.deepEqual(dlq.map((r) => dec.decode(r.key!)), [...bad].map((n) => `"k${n}"`));
    assert.deepEqual(dlq.map((r) => r.timestamp), [...bad].map((n) => 1_700_000_000_000 + n));
    for (const [i, n] of [...bad].entries()) {
      const h = dlq[i]!.headers;
      assert.equal(headerText(h, 'origin'), `"h${n}"`);
      assert.equal(headerText(h, '__connect.errors.topic'), 'orders');
      assert.equal(headerText(h, '__connect.errors.partition'), '0');
      assert.equal(headerText(h, '__connect.errors.offset'), String(n));
      assert.equal(headerText(h, '__connect.errors.connector.name'), 'c');
      assert.equal(headerText(h, '__connect.errors.task.id'), '0');
      assert.equal(headerText(h, '__connect.errors.stage'), 'VALUE_CONVERTER');
      assert.equal(headerText(h, '__connect.errors.class.name'), 'TestJsonConverter');
      assert.ok(headerText(h, '__connect.errors.exception.message'));
    }
    assert.equal(m.recordErrors, 5);
    assert.equal(m.recordsSkipped, 5);
    assert.equal(m.deadLetterQueueProduceRequests, 5);
    assert.equal(m.deadLetterQueueProduceFailures, 0);
  });

  test('tolerance none: the task fails naming the bad record\'s offset; nothing is written to the DLQ', async () => {
    const { broker, client } = setup();
    produceMixed(client, 'orders', 10, new Set([4]));
    const sink = new CollectingSinkTask();
    const converters = jsonConverters();
    const config = { topics: 'orders', 'errors.deadletterqueue.topic.name': 'dlq' };
    const run = startSinkTask(
      { id: { connector: 'c', task: 0 }, task: sink, config, converters, transform: identity, options: opts },
      { consumer: client.consumer({ groupId: 'connect-c', clientId: 'c' }), errors: handlerFor(client, 'sink', config, sink, converters) },
    );
    const failure = (await run.done.then(() => null, (e: unknown) => e)) as TaskFailure;
    assert.ok(failure instanceof TaskFailure);
    assert.equal(failure.stage, 'VALUE_CONVERTER');
    assert.deepEqual(failure.coordinates, { topic: 'orders', partition: 0, offset: 4 });
    assert.match(failure.message, /"offset":4/);
    assert.equal(readAll(broker, 'dlq').length, 0);
  });

  test('tolerance all without a DLQ or log: skipped records are counted and a warning says so', async () => {
    const { client } = setup();
    produceMixed(client, 'orders', 20, new Set([3, 4]));
    const sink = new CollectingSinkTask();
    const converters = jsonConverters();
    const { log, lines } = memoryLog();
    const config = { topics: 'orders', 'errors.tolerance': 'all' };
    const run = startSinkTask(
      { id: { connector: 'c', task: 0 }, task: sink, config, converters, transform: identity, options: opts },
      { consumer: client.consumer({ groupId: 'connect-c', clientId: 'c' }), errors: handlerFor(client, 'sink', config, sink, converters, log) },
    );
    await until(() => sink.flushed.length === 18, 'good records');
    const m = run.metrics();
    await run.stop(5000);
    assert.equal(m.recordsSkipped, 2);
    const warns = lines.filter((l) => l.level === 'warn');
    assert.equal(warns.length, 1);
    assert.match(warns[0]!.msg, /skipped a record .*offset=3/);
  });

  test('errors.log.enable: one warning per skipped record with its coordinates; include.messages adds the record', async () => {
    const { client } = setup();
    produceMixed(client, 'orders', 12, new Set([1, 2, 9]));
    const sink = new CollectingSinkTask();
    const converters = jsonConverters();
    const { log, lines } = memoryLog();
    const config = { topics: 'orders', 'errors.tolerance': 'all', 'errors.log.enable': 'true', 'errors.log.include.messages': 'true' };
    const run = startSinkTask(
      { id: { connector: 'c', task: 0 }, task: sink, config, converters, transform: identity, options: opts },
      { consumer: client.consumer({ groupId: 'connect-c', clientId: 'c' }), errors: handlerFor(client, 'sink', config, sink, converters, log) },
    );
    await until(() => sink.flushed.length === 9, 'good records');
    await run.stop(5000);
    const warns = lines.filter((l) => l.level === 'warn' && l.obj['stage'] === 'VALUE_CONVERTER');
    assert.deepEqual(warns.map((w) => w.obj['offset']), [1, 2, 9]);
    assert.ok(warns.every((w) => w.obj['topic'] === 'orders' && w.obj['partition'] === 0 && w.obj['record']));
    assert.match(warns[0]!.msg, /Executing stage 'VALUE_CONVERTER' .*offset=1/);
  });

  test('a transform error is tolerated too (stage TRANSFORMATION); a filtered record is not an error', async () => {
    const { broker, client } = setup();
    produceMixed(client, 'orders', 10, new Set());
    const sink = new CollectingSinkTask();
    const converters = jsonConverters();
    const transform: RecordTransform<SinkRecord> = (r) => {
      const n = (r.value as { n: number }).n;
      if (n === 2) return null;
      if (n === 7) throw new DataException('seven is not allowed');
      return r;
    };
    const config = { topics: 'orders', 'errors.tolerance': 'all', 'errors.deadletterqueue.topic.name': 'dlq', 'errors.deadletterqueue.context.headers.enable': 'true' };
    const run = startSinkTask(
      { id: { connector: 'c', task: 0 }, task: sink, config, converters, transform, options: opts },
      { consumer: client.consumer({ groupId: 'connect-c', clientId: 'c' }), errors: handlerFor(client, 'sink', config, sink, converters) },
    );
    await until(() => sink.flushed.length === 8, 'good records');
    const m = run.metrics();
    await run.stop(5000);
    const dlq = readAll(broker, 'dlq');
    assert.equal(dlq.length, 1);
    assert.equal(headerText(dlq[0]!.headers, '__connect.errors.stage'), 'TRANSFORMATION');
    assert.equal(headerText(dlq[0]!.headers, '__connect.errors.offset'), '7');
    assert.equal(m.recordsFiltered, 1);
    assert.equal(m.recordsSkipped, 1);
  });

  test('a put failing with a non-retriable error is not tolerated, even with tolerance all', async () => {
    const { client } = setup();
    produceMixed(client, 'orders', 3, new Set());
    class Broken extends CollectingSinkTask {
      override async put(): Promise<void> {
        throw new Error('disk full');
      }
    }
    const sink = new Broken();
    const converters = jsonConverters();
    const config = { topics: 'orders', 'errors.tolerance': 'all', 'errors.deadletterqueue.topic.name': 'dlq' };
    const run = startSinkTask(
      { id: { connector: 'c', task: 0 }, task: sink, config, converters, transform: identity, options: opts },
      { consumer: client.consumer({ groupId: 'connect-c', clientId: 'c' }), errors: handlerFor(client, 'sink', config, sink, converters) },
    );
    await assert.rejects(run.done, (e: TaskFailure) => e.stage === 'TASK_PUT' && /disk full/.test(e.message));
  });
});

describe('retries (errors.retry.timeout)', () => {
  /** put fails with RetriableException for its first `failures` calls. */
  class Flaky extends CollectingSinkTask {
    constructor(readonly failures: number) {
      super();
    }
    readonly putAt: number[] = [];
    override async put(records: readonly SinkRecord[]): Promise<void> {
      this.puts++;
      this.putAt.push(Date.now());
      if (this.puts <= this.failures) throw new RetriableException(`put #${this.puts} transiently failed`);
      this.put_.push(...records);
    }
  }

  function runFlaky(sink: CollectingSinkTask, config: Record<string, string>, total = 10) {
    const { broker, client } = setup();
    produceMixed(client, 'orders', total, new Set());
    const converters = jsonConverters();
    const full = { topics: 'orders', 'errors.retry.delay.max.ms': '20', ...config };
    const run = startSinkTask(
      { id: { connector: 'c', task: 0 }, task: sink, config: full, converters, transform: identity, options: opts },
      { consumer: client.consumer({ groupId: 'connect-c', clientId: 'c' }), errors: handlerFor(client, 'sink', full, sink, converters) },
    );
    return { run, broker, client };
  }

  test('a put failing transiently N times succeeds within the timeout: nothing lost, nothing duplicated', async () => {
    const sink = new Flaky(4);
    const { run } = runFlaky(sink, { 'errors.retry.timeout': '10000' });
    await until(() => sink.flushed.length === 10, 'all delivered');
    await run.stop(5000);
    await run.done;
    assert.deepEqual(ns(sink.flushed), [...Array(10).keys()]);
  });

  test('put failing past the timeout: tolerance none fails the task in TASK_PUT with the coordinates, after the backoff schedule (virtual time)', async () => {
    // A minute of retries with Kafka Connect's backoff (300 ms·2^(n−1)), on sluice/testing's virtual clock: the
    // puts happen exactly on the schedule and the failure at the deadline, in milliseconds of real time.
    const clock = VirtualClock.install({ now: 0 });
    try {
      const sink = new Flaky(Infinity);
      const { run } = runFlaky(sink, { 'errors.retry.timeout': '60000', 'errors.retry.delay.max.ms': '60000' });
      const failure = (await clock.drive(run.done.then(() => null, (e: unknown) => e))) as TaskFailure;
      assert.equal(failure.stage, 'TASK_PUT');
      assert.deepEqual(failure.coordinates, { topic: 'orders', partition: 0, offset: 0 });
      const first = sink.putAt[0]!;
      assert.deepEqual(sink.putAt.map((t) => t - first), [0, 300, 900, 2100, 4500, 9300, 18900, 38100, 60000]);
    } finally {
      clock.uninstall();
    }
  });

  test('put failing past the timeout: tolerance all skips the batch, every record to the DLQ (stage TASK_PUT)', async () => {
    class FailFirstBatch extends CollectingSinkTask {
      override async put(records: readonly SinkRecord[]): Promise<void> {
        this.puts++;
        if (records.some((r) => (r.value as { n: number }).n < 7)) throw new RetriableException('first batch never goes in');
        this.put_.push(...records);
      }
    }
    const sink = new FailFirstBatch();
    const { run, broker, client } = runFlaky(sink, {
      'errors.retry.timeout': '150',
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': 'dlq',
      'errors.deadletterqueue.context.headers.enable': 'true',
    });
    await until(() => sink.flushed.length === 3, 'second batch delivered');
    await until(async () => (await client.admin().fetchGroupOffsets('connect-c', ['orders']))[0]?.offset === 10, 'committed past all');
    await run.stop(5000);
    const dlq = readAll(broker, 'dlq');
    assert.deepEqual(dlq.map((r) => dec.decode(r.value!)), [...Array(7).keys()].map((n) => JSON.stringify({ n })));
    assert.ok(dlq.every((r) => headerText(r.headers, '__connect.errors.stage') === 'TASK_PUT'));
    assert.ok(dlq.every((r) => headerText(r.headers, '__connect.errors.exception.class.name') === 'org.apache.kafka.connect.errors.RetriableException'));
    assert.deepEqual(ns(sink.flushed), [7, 8, 9]);
  });

  test('a converter throwing RetriableException is retried; -1 retries until it works', async () => {
    const { client } = setup();
    produceMixed(client, 'orders', 5, new Set());
    const base = jsonConverters();
    let failures = 3;
    const flaky = {
      ...base,
      value: {
        configure() {},
        fromConnectData: base.value.fromConnectData.bind(base.value),
        toConnectData(topic: string, bytes: Uint8Array | null) {
          if (failures-- > 0) throw new RetriableException('schema registry unavailable');
          return base.value.toConnectData(topic, bytes);
        },
      },
    } as Converters;
    const sink = new CollectingSinkTask();
    const config = { topics: 'orders', 'errors.retry.timeout': '-1', 'errors.retry.delay.max.ms': '10' };
    const run = startSinkTask(
      { id: { connector: 'c', task: 0 }, task: sink, config, converters: flaky, transform: identity, options: opts },
      { consumer: client.consumer({ groupId: 'connect-c', clientId: 'c' }), errors: handlerFor(client, 'sink', config, sink, flaky) },
    );
    await until(() => sink.flushed.length === 5, 'all delivered');
    await run.stop(5000);
    assert.deepEqual(ns(sink.flushed), [0, 1, 2, 3, 4]);
  });
});

describe('converters waiting for a lookup (PendingLookup)', () => {
  /** A value converter that must "look up" each distinct key once before it can convert; lookups take a timer tick. */
  function lookingUp(base: Converters, fail?: (n: number) => boolean) {
    const known = new Set<number>();
    let lookups = 0;
    const value = {
      configure() {},
      fromConnectData: base.value.fromConnectData.bind(base.value),
      toConnectData(topic: string, bytes: Uint8Array | null) {
        const sv = base.value.toConnectData(topic, bytes);
        const n = (sv.value as { n: number }).n;
        const group = n % 3;
        if (!known.has(group)) {
          lookups++;
          throw new PendingLookup(new Promise((r) => setTimeout(r, 5)).then(() => known.add(group)), `group ${group}`);
        }
        if (fail?.(n)) throw new DataException(`record ${n} refused`);
        return sv;
      },
    };
    return { converters: { ...base, value } as Converters, lookups: () => lookups };
  }

  test('records wait for the lookup and arrive in order; a pending lookup is not an error', async () => {
    const { client } = setup();
    produceMixed(client, 'orders', 12, new Set());
    const { converters, lookups } = lookingUp(jsonConverters());
    const sink = new CollectingSinkTask();
    const config = { topics: 'orders' };
    const errors = handlerFor(client, 'sink', config, sink, converters);
    const run = startSinkTask(
      { id: { connector: 'c', task: 0 }, task: sink, config, converters, transform: identity, options: opts },
      { consumer: client.consumer({ groupId: 'connect-c', clientId: 'c' }), errors },
    );
    await until(() => sink.flushed.length === 12, 'all delivered');
    const metrics = run.metrics();
    await run.stop(5000);
    assert.deepEqual(ns(sink.flushed), Array.from({ length: 12 }, (_, n) => n));
    assert.equal(lookups(), 3);
    assert.equal(metrics.recordErrors, 0);
  });

  test('an error after the lookup is handled as any error: tolerated and skipped under errors.tolerance=all', async () => {
    const { client } = setup();
    produceMixed(client, 'orders', 9, new Set());
    const { converters } = lookingUp(jsonConverters(), (n) => n === 4);
    const sink = new CollectingSinkTask();
    const config = { topics: 'orders', 'errors.tolerance': 'all' };
    const run = startSinkTask(
      { id: { connector: 'c', task: 0 }, task: sink, config, converters, transform: identity, options: opts },
      { consumer: client.consumer({ groupId: 'connect-c', clientId: 'c' }), errors: handlerFor(client, 'sink', config, sink, converters) },
    );
    await until(() => sink.flushed.length === 8, 'the others delivered');
    const metrics = run.metrics();
    await run.stop(5000);
    assert.deepEqual(ns(sink.flushed), [0, 1, 2, 3, 5, 6, 7, 8]);
    assert.equal(metrics.recordErrors, 1);
  });
});

describe('errant record reporter', () => {
  class Reporting extends CollectingSinkTask {
    reporterSeen: unknown = 'unset';
    readonly reports: Promise<void>[] = [];
    override start(): void {
      this.reporterSeen = this.context.errantRecordReporter;
    }
    override async put(records: readonly SinkRecord[]): Promise<void> {
      this.puts++;
      for (const r of records) {
        if ((r.value as { n: number }).n % 4 === 0) this.reports.push(this.context.errantRecordReporter!.report(r, new Error(`record ${(r.value as { n: number }).n} refused`)));
        else this.put_.push(r);
      }
      await Promise.all(this.reports);
    }
  }

  test('null without a DLQ or error log', async () => {
    const { client } = setup();
    const sink = new Reporting();
    const converters = jsonConverters();
    for (const config of [{ topics: 't' }, { topics: 't', 'errors.tolerance': 'all' }] as Array<Record<string, string>>) {
      const run = startSinkTask(
        { id: { connector: 'c', task: 0 }, task: sink, config, converters, transform: identity, options: opts },
        { consumer: client.consumer({ groupId: 'connect-c', clientId: 'c' }), errors: handlerFor(client, 'sink', config, sink, converters) },
      );
      await until(() => sink.reporterSeen !== 'unset', 'started');
      assert.equal(sink.reporterSeen, null);
      sink.reporterSeen = 'unset';
      await run.stop(5000);
    }
  });

  test('with a DLQ: reported records go there with their original bytes and stage TASK_PUT; offsets pass them', async () => {
    const { broker, client } = setup();
    produceMixed(client, 'orders', 10, new Set());
    const sink = new Reporting();
    const converters = jsonConverters();
    const config = { topics: 'orders', 'errors.tolerance': 'all', 'errors.deadletterqueue.topic.name': 'dlq', 'errors.deadletterqueue.context.headers.enable': 'true' };
    const run = startSinkTask(
      { id: { connector: 'c', task: 0 }, task: sink, config, converters, transform: identity, options: opts },
      { consumer: client.consumer({ groupId: 'connect-c', clientId: 'c' }), errors: handlerFor(client, 'sink', config, sink, converters) },
    );
    await until(async () => (await client.admin().fetchGroupOffsets('connect-c', ['orders']))[0]?.offset === 10, 'committed past all');
    const m = run.metrics();
    await run.stop(5000);
    const dlq = readAll(broker, 'dlq');
    assert.deepEqual(dlq.map((r) => dec.decode(r.value!)), ['{"n":0}', '{"n":4}', '{"n":8}']);
    assert.deepEqual(dlq.map((r) => headerText(r.headers, '__connect.errors.offset')), ['0', '4', '8']);
    assert.ok(dlq.every((r) => headerText(r.headers, '__connect.errors.stage') === 'TASK_PUT'));
    assert.ok(dlq.every((r) => headerText(r.headers, '__connect.errors.class.name') === 'Reporting'));
    assert.equal(m.recordErrors, 3);
    assert.equal(m.deadLetterQueueProduceRequests, 3);
  });

  test('with tolerance none the report is written, then the promise rejects (the task fails)', async () => {
    const { broker, client } = setup();
    produceMixed(client, 'orders', 3, new Set());
    const sink = new Reporting();
    const converters = jsonConverters();
    const config = { topics: 'orders', 'errors.deadletterqueue.topic.name': 'dlq' };
    const run = startSinkTask(
      { id: { connector: 'c', task: 0 }, task: sink, config, converters, transform: identity, options: opts },
      { consumer: client.consumer({ groupId: 'connect-c', clientId: 'c' }), errors: handlerFor(client, 'sink', config, sink, converters) },
    );
    await assert.rejects(run.done, (e: TaskFailure) => e.stage === 'TASK_PUT' && /Tolerance exceeded/.test(e.message));
    assert.equal(readAll(broker, 'dlq').length, 1);
  });
});

describe('source error tolerance (in-process)', () => {
  test('a transform that throws for some records: those go to the DLQ with source partition/offset headers; offsets pass them', async () => {
    const { broker, client } = setup();
    const source = new CountingSourceTask('numbers', 40, 10);
    const converters = jsonConverters();
    const transform: RecordTransform<SourceRecord> = (r) => {
      if ((r.value as { n: number }).n % 10 === 3) throw new DataException(`no threes (${(r.value as { n: number }).n})`);
      return r;
    };
    const config = { 'errors.tolerance': 'all', 'errors.deadletterqueue.topic.name': 'src-dlq' };
    const sink = new CollectingSinkTask();
    const sinkRun = startSinkTask(
      { id: { connector: 'k', task: 0 }, task: sink, config: { topics: 'numbers' }, converters, transform: identity, options: opts },
      { consumer: client.consumer({ groupId: 'connect-k', clientId: 'k' }) },
    );
    const offsets = new MemoryOffsetStore();
    const run = startSourceTask(
      { id: { connector: 'c', task: 0 }, task: source, config, converters, transform, offsets, options: opts },
      { producer: client.producer({ clientId: 'p' }), errors: handlerFor(client, 'source', config, source, converters) },
    );
    await until(() => source.committedRecords === 40, 'every record committed');
    await until(async () => JSON.stringify(await offsets.all('c')) === JSON.stringify([[{ source: 'p0' }, { n: 39 }]]), 'offsets stored');
    const m = run.metrics();
    await run.stop(5000);
    await sinkRun.stop(5000);
    assert.deepEqual(ns(sink.flushed), [...Array(40).keys()].filter((n) => n % 10 !== 3));
    const dlq = readAll(broker, 'src-dlq');
    assert.deepEqual(dlq.map((r) => dec.decode(r.value!)), ['{"n":3}', '{"n":13}', '{"n":23}', '{"n":33}']);
    assert.deepEqual(dlq.map((r) => dec.decode(r.key!)), ['"k3"', '"k13"', '"k23"', '"k33"']);
    assert.deepEqual(dlq.map((r) => headerText(r.headers, '__connect.errors.source.offset')), ['{"n":3}', '{"n":13}', '{"n":23}', '{"n":33}']);
    assert.ok(dlq.every((r) => headerText(r.headers, '__connect.errors.source.partition') === '{"source":"p0"}'));
    // Context headers are off: only the source coordinates are added.
    assert.ok(dlq.every((r) => headerText(r.headers, '__connect.errors.stage') === undefined));
    assert.equal(m.recordsSkipped, 4);
    assert.equal(m.deadLetterQueueProduceRequests, 4);
  });

  test('a source record its converter refuses (value not of its schema) reaches the DLQ as schemaless JSON', async () => {
    const { broker, client } = setup();
    const converters: Converters = {
      key: new JsonConverter({ 'schemas.enable': false }, true),
      value: new JsonConverter({ 'schemas.enable': true }, false),
      header: new JsonConverter({ 'schemas.enable': false, 'converter.type': 'header' }),
    };
    const config = { 'errors.tolerance': 'all', 'errors.deadletterqueue.topic.name': 'src-dlq' };
    const handler = handlerFor(client, 'source', config, new CountingSourceTask('numbers', 0), converters);
    await handler.start?.();
    const record = new SourceRecord({ topic: 'numbers', sourcePartition: { p: 0 }, sourceOffset: { n: 3 }, key: 'k3', valueSchema: Schema.STRING, value: { n: 3 } });
    await handler.handle({ id: { connector: 'c', task: 0 }, stage: 'VALUE_CONVERTER', error: new DataException('not a string'), sourceRecord: record });
    await until(() => readAll(broker, 'src-dlq').length === 1, 'the DLQ record');
    const [dead] = readAll(broker, 'src-dlq');
    assert.equal(dec.decode(dead!.value!), '{"n":3}');
    assert.equal(dec.decode(dead!.key!), '"k3"');
    await handler.close?.(1000);
  });

  test('tolerance none: the source task fails naming the source partition and offset', async () => {
    const { client } = setup();
    const source = new CountingSourceTask('numbers', 40, 10);
    const converters = jsonConverters();
    const transform: RecordTransform<SourceRecord> = (r) => {
      if ((r.value as { n: number }).n === 12) throw new DataException('no twelve');
      return r;
    };
    const run = startSourceTask(
      { id: { connector: 'c', task: 0 }, task: source, config: {}, converters, transform, offsets: new MemoryOffsetStore(), options: opts },
      { producer: client.producer({ clientId: 'p' }), errors: handlerFor(client, 'source', {}, source, converters) },
    );
    const sinkRun = startSinkTask(
      { id: { connector: 'k', task: 0 }, task: new CollectingSinkTask(), config: { topics: 'numbers' }, converters, transform: identity, options: opts },
      { consumer: client.consumer({ groupId: 'connect-k', clientId: 'k' }) },
    );
    const failure = (await run.done.then(() => null, (e: unknown) => e)) as TaskFailure;
    await sinkRun.stop(5000);
    assert.equal(failure.stage, 'TRANSFORMATION');
    assert.deepEqual(failure.coordinates, { topic: 'numbers', sourcePartition: { source: 'p0' }, offset: '{"n":12}' });
  });
});

describe('source producer send failures (KAFKA_PRODUCE)', () => {
  /** A producer whose sends fail while they carry record n = `poison`. */
  function failingProducer(poison: number) {
    const sent: number[] = [];
    let offset = 0;
    return {
      sent,
      producer: {
        async connect() {},
        async disconnect() {},
        async send(records: readonly { topic: string; value: Uint8Array | null }[]) {
          const ns = records.map((r) => (JSON.parse(dec.decode(r.value!)) as { n: number }).n);
          if (ns.includes(poison)) throw new Error('MESSAGE_TOO_LARGE (on purpose)');
          sent.push(...ns);
          return records.map((r) => ({ topic: r.topic, partition: 0, offset: offset++, timestamp: null }));
        },
      },
    };
  }

  test('tolerance all: the failed send\'s records are reported (DLQ, stage KAFKA_PRODUCE, converted bytes) and count as committed', async () => {
    const { broker, client } = setup();
    const source = new CountingSourceTask('numbers', 30, 10);
    const converters = jsonConverters();
    const config = { 'errors.tolerance': 'all', 'errors.deadletterqueue.topic.name': 'dlq', 'errors.deadletterqueue.context.headers.enable': 'true' };
    const { producer, sent } = failingProducer(15);
    const offsets = new MemoryOffsetStore();
    const run = startSourceTask(
      { id: { connector: 'c', task: 0 }, task: source, config, converters, transform: identity, offsets, options: opts },
      { producer, errors: handlerFor(client, 'source', config, source, converters) },
    );
    await until(() => source.committedRecords === 30, 'every record committed');
    await until(async () => JSON.stringify(await offsets.all('c')) === JSON.stringify([[{ source: 'p0' }, { n: 29 }]]), 'offsets past all');
    await run.stop(5000);
    await run.done;
    assert.deepEqual(sent, [...Array(30).keys()].filter((n) => n < 10 || n >= 20));
    const dlq = readAll(broker, 'dlq');
    assert.deepEqual(dlq.map((r) => dec.decode(r.value!)), [...Array(10).keys()].map((i) => `{"n":${10 + i}}`));
    assert.ok(dlq.every((r) => headerText(r.headers, '__connect.errors.stage') === 'KAFKA_PRODUCE'));
    assert.ok(dlq.every((r) => /MESSAGE_TOO_LARGE/.test(headerText(r.headers, '__connect.errors.exception.message') ?? '')));
  });

  test('tolerance none: the task fails in KAFKA_PRODUCE with the first record\'s source coordinates', async () => {
    const { client } = setup();
    const source = new CountingSourceTask('numbers', 30, 10);
    const converters = jsonConverters();
    const { producer } = failingProducer(15);
    const run = startSourceTask(
      { id: { connector: 'c', task: 0 }, task: source, config: {}, converters, transform: identity, offsets: new MemoryOffsetStore(), options: opts },
      { producer, errors: handlerFor(client, 'source', {}, source, converters) },
    );
    const failure = (await run.done.then(() => null, (e: unknown) => e)) as TaskFailure;
    assert.equal(failure.stage, 'KAFKA_PRODUCE');
    assert.deepEqual(failure.coordinates, { topic: 'numbers', sourcePartition: { source: 'p0' }, offset: '{"n":10}' });
  });
});

describe('in-process DLQ nobody reads', () => {
  test('past 1000 unread records the task fails saying so, instead of stalling every producer of the worker', async () => {
    const { client } = setup();
    const total = 1200;
    produceMixed(client, 'orders', total, new Set([...Array(total).keys()]));
    const sink = new CollectingSinkTask();
    const converters = jsonConverters();
    const config = { topics: 'orders', 'errors.tolerance': 'all', 'errors.deadletterqueue.topic.name': 'unread' };
    const run = startSinkTask(
      { id: { connector: 'c', task: 0 }, task: sink, config, converters, transform: identity, options: { ...opts, offsetFlushIntervalMs: 60_000 } },
      { consumer: client.consumer({ groupId: 'connect-c', clientId: 'c' }), errors: handlerFor(client, 'sink', config, sink, converters) },
    );
    const failure = (await run.done.then(() => null, (e: unknown) => e)) as TaskFailure;
    assert.ok(failure instanceof TaskFailure);
    assert.match(failure.message, /in-process dead letter queue topic "unread" holds 1000 records nobody read/);
    const committed = await client.admin().fetchGroupOffsets('connect-c', ['orders']);
    assert.ok((committed[0]?.offset ?? 0) <= 1000, 'nothing committed past what is in the DLQ');
  });
});
