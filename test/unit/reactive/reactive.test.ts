// The reactive API: source(config).pipe(your operators).subscribe(sink(config)) — records, offsets committed
// only for what the sink flushed, backpressure, errors, statuses; taps of a running pipeline; an Observable
// fed in as a source.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject, delay, filter, firstValueFrom, map, mergeMap, of, take, toArray, timeout } from 'rxjs';
import {
  Sluice,
  source,
  sink,
  transform,
  mapAsync,
  observableSource,
  NotARecordError,
  OriginReleasedError,
  PipelineConfigError,
  SourceRecord,
  Schema,
  type ConnectRecord,
} from '../../../src/index.js';
import { TaskFailure } from '../../../src/streams/contracts.js';
import { PLUGINS, SinkState, sinks, polled } from './plugins.js';

let n = 0;
const unique = (what: string) => `${what}-${process.pid}-${++n}`;
const dir = mkdtempSync(join(tmpdir(), 'sluice-reactive-'));

function newSink(): { id: string; state: SinkState } {
  const id = unique('sink');
  const state = new SinkState();
  sinks.set(id, state);
  return { id, state };
}

/** The committed offsets of the offsets file, as { task → seq }. */
function committed(file: string): Record<string, number> {
  if (!existsSync(file)) return {};
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, number>>)) {
    const [, partition] = JSON.parse(k) as [string, { task: number }];
    out[String(partition.task)] = v['seq']!;
  }
  return out;
}

const seqs = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => BigInt(from + i));

describe('source() → operators → sink()', () => {
  test('records go through SMTs and the user\'s operators into the sink; every offset is committed at the end', async () => {
    const { id, state } = newSink();
    const offsets = join(dir, `${unique('offsets')}.json`);
    const src = source({ 'connector.class': 'test.Counting', count: 1000, batch: 64 }, { name: 'counting', plugins: PLUGINS, worker: { 'offset.storage.file.filename': offsets } });
    const out = sink({ 'connector.class': 'test.Collecting', 'sink.id': id }, { plugins: PLUGINS });
    src
      .pipe(
        transform('org.apache.kafka.connect.transforms.Cast$Value', { spec: 'int32' }),
        filter((r) => (r.value as number) % 3 !== 0),
        map((r) => r.newRecord({ value: BigInt((r.value as number) * 10) })),
      )
      .subscribe(out);
    await out.done;
    const expected = seqs(0, 1000).filter((v) => v % 3n !== 0n).map((v) => v * 10n);
    assert.deepEqual(state.values, expected);
    assert.equal(state.pending.length, 0);
    assert.deepEqual(committed(offsets), { '0': 999 }); // dropped records count as done too
    assert.equal(state.stopped, 1);
    assert.equal(src.status()?.name, 'counting');
    assert.equal(src.status()?.type, 'source');
  });

  test('status and metrics are the worker\'s while running; unsubscribing stops the connector', async () => {
    const { id, state } = newSink();
    const src = source({ 'connector.class': 'test.Counting', count: -1, batch: 10 }, { plugins: PLUGINS });
    const out = sink({ 'connector.class': 'test.Collecting', 'sink.id': id, 'tasks.max': 1 }, { plugins: PLUGINS, name: 'collect' });
    state.putDelayMs = 2;
    const subscription = src.subscribe(out);
    while (state.flushed.length + state.pending.length < 200) await new Promise((r) => setTimeout(r, 10));
    assert.equal(src.status()?.connector.state, 'RUNNING');
    assert.deepEqual(src.status()?.tasks.map((t) => t.state), ['RUNNING']);
    assert.equal(out.status()?.name, 'collect');
    assert.deepEqual(out.status()?.tasks.map((t) => t.state), ['RUNNING']);
    const [sourceTask] = src.progress();
    const [sinkTask] = out.progress();
    assert.ok(sourceTask!.metrics!.recordsPolled >= 200);
    assert.ok(sinkTask!.metrics!.recordsWritten >= 200, JSON.stringify(sinkTask!.metrics));
    subscription.unsubscribe();
    await out.done; // unsubscribing stops the sink gracefully
    assert.equal(state.stopped, 1);
    assert.equal(state.pending.length, 0, 'what was put is flushed at the stop');
    assert.deepEqual(state.values, seqs(0, state.values.length));
    assert.deepEqual(out.status()?.tasks.map((t) => t.state), ['RUNNING'], 'the status as it was before the stop');
  });

  test('a slow sink slows the source: records between poll and flush stay bounded', async () => {
    const { id, state } = newSink();
    const topic = unique('bounded');
    state.putDelayMs = 3;
    const src = source({ 'connector.class': 'test.Counting', count: 20_000, batch: 50, topic }, { plugins: PLUGINS, worker: { 'sluice.max.in.flight.batches': 4 } });
    const out = sink({ 'connector.class': 'test.Collecting', 'sink.id': id }, { plugins: PLUGINS });
    let maxAhead = 0;
    const watch = setInterval(() => (maxAhead = Math.max(maxAhead, (polled.get(topic) ?? 0) - state.flushed.length)), 1);
    src.subscribe(out);
    await out.done;
    clearInterval(watch);
    assert.equal(state.flushed.length, 20_000);
    // 4 batches of 50 may be between poll and flush (and one more being polled when a permit comes back).
    assert.ok(maxAhead <= 5 * 50, `polled ahead of the sink's flushes by ${maxAhead}`);
    assert.ok(state.maxUnflushed <= 4 * 50, `the sink held ${state.maxUnflushed} unflushed records`);
  });

  test('offsets never pass what the sink flushed: a restart resumes right after the last flushed record', async () => {
    const offsets = join(dir, `${unique('offsets')}.json`);
    const worker = { 'offset.storage.file.filename': offsets, 'offset.flush.interval.ms': 50, 'offset.flush.timeout.ms': 200 };
    const first = newSink();
    const src = source({ 'connector.class': 'test.Counting', count: 5000, batch: 100 }, { plugins: PLUGINS, worker });
    const out = sink({ 'connector.class': 'test.Collecting', 'sink.id': first.id }, { plugins: PLUGINS });
    const subscription = src.subscribe(out);
    while (first.state.flushed.length < 1000) await new Promise((r) => setTimeout(r, 5));
    first.state.hold = true; // from now on the sink takes records but never flushes them
    while (first.state.pending.length < 300) await new Promise((r) => setTimeout(r, 5));
    const lastFlushed = Number(first.state.flushed.at(-1)!.value);
    for (let i = 0; i < 200 && committed(offsets)['0'] !== lastFlushed; i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal(committed(offsets)['0'], lastFlushed, 'committed while the sink held records');
    await new Promise((r) => setTimeout(r, 200)); // several more offset flush intervals: nothing passes the held records
    assert.equal(committed(offsets)['0'], lastFlushed, 'still, while the sink held records');
    subscription.unsubscribe(); // like a crash of the sink: what it held was never flushed
    await new Promise((r) => setTimeout(r, 600)); // the source's stop (offset.flush.timeout.ms 200) and its last commit
    assert.equal(committed(offsets)['0'], lastFlushed, 'committed after the stop');

    const second = newSink();
    const again = sink({ 'connector.class': 'test.Collecting', 'sink.id': second.id }, { plugins: PLUGINS });
    source({ 'connector.class': 'test.Counting', count: 5000, batch: 100 }, { plugins: PLUGINS, worker }).subscribe(again);
    await again.done;
    assert.deepEqual(second.state.values, seqs(lastFlushed + 1, 5000));
    assert.deepEqual([...first.state.values, ...second.state.values], seqs(0, 5000), 'every record flushed exactly once across the two runs');
    assert.equal(committed(offsets)['0'], 4999);
  });

  test('several source tasks and sink tasks: each record once, per-task offsets', async () => {
    const { id, state } = newSink();
    const offsets = join(dir, `${unique('offsets')}.json`);
    const src = source({ 'connector.class': 'test.Counting', count: 700, batch: 33, 'tasks.max': 3 }, { plugins: PLUGINS, worker: { 'offset.storage.file.filename': offsets } });
    const out = sink({ 'connector.class': 'test.Collecting', 'sink.id': id, 'tasks.max': 2 }, { plugins: PLUGINS });
    src.subscribe(out);
    await out.done;
    assert.equal(state.flushed.length, 2100);
    for (const p of [0, 1, 2]) {
      assert.deepEqual(state.flushed.filter((r) => r.kafkaPartition === p).map((r) => r.value), seqs(0, 700), `partition ${p}`);
    }
    assert.deepEqual(committed(offsets), { '0': 699, '1': 699, '2': 699 });
    assert.equal(out.status()?.tasks.length, 2);
    assert.deepEqual(state.opened.sort(), ['numbers-0', 'numbers-1', 'numbers-2']);
  });

  test('mapAsync keeps order and holds each offset until its result was flushed; flatMap into several records', async () => {
    const { id, state } = newSink();
    const offsets = join(dir, `${unique('offsets')}.json`);
    const src = source({ 'connector.class': 'test.Counting', count: 300, batch: 25 }, { plugins: PLUGINS, worker: { 'offset.storage.file.filename': offsets } });
    const out = sink({ 'connector.class': 'test.Collecting', 'sink.id': id }, { plugins: PLUGINS });
    src
      .pipe(
        mapAsync(async (r: ConnectRecord) => {
          await new Promise((resolve) => setTimeout(resolve, Number(r.value) % 7)); // finish out of order
          return Number(r.value) % 10 === 0 ? null : r.newRecord({ value: (r.value as bigint) + 1000n });
        }, 8),
        mergeMap((r) => of(r, r.newRecord({ value: -(r.value as bigint) }))),
      )
      .subscribe(out);
    await out.done;
    const expected = seqs(0, 300)
      .filter((v) => v % 10n !== 0n)
      .flatMap((v) => [v + 1000n, -(v + 1000n)]);
    assert.deepEqual(state.values, expected);
    assert.deepEqual(committed(offsets), { '0': 299 });
  });

  test('an operator that holds records across an await without mapAsync is refused, not silently acknowledged', async () => {
    const { id } = newSink();
    const src = source({ 'connector.class': 'test.Counting', count: 100, batch: 10 }, { plugins: PLUGINS });
    const out = sink({ 'connector.class': 'test.Collecting', 'sink.id': id }, { plugins: PLUGINS });
    src.pipe(delay(5)).subscribe(out);
    await assert.rejects(out.done, OriginReleasedError);
  });
});

describe('errors', () => {
  test('an SMT failing on some records: errors.tolerance=all skips them and counts them; the rest arrive', async () => {
    const { id, state } = newSink();
    const src = source(
      {
        'connector.class': 'test.Counting',
        count: 200,
        batch: 20,
        transforms: 'limit',
        'transforms.limit.type': 'test.FailAbove',
        'transforms.limit.limit': 127,
        'errors.tolerance': 'all',
      },
      { plugins: PLUGINS },
    );
    const out = sink({ 'connector.class': 'test.Collecting', 'sink.id': id }, { plugins: PLUGINS });
    src.subscribe(out);
    await out.done;
    assert.deepEqual(state.values.map(Number), Array.from({ length: 128 }, (_, i) => i));
    assert.equal(src.progress()[0]?.metrics?.recordsSkipped, 72);
  });

  test('the same without tolerance fails the source task: the sink ends with the TaskFailure, nothing past it is committed', async () => {
    const { id, state } = newSink();
    const offsets = join(dir, `${unique('offsets')}.json`);
    const src = source(
      { 'connector.class': 'test.Counting', count: 200, batch: 20, transforms: 'limit', 'transforms.limit.type': 'test.FailAbove', 'transforms.limit.limit': 127 },
      { plugins: PLUGINS, worker: { 'offset.storage.file.filename': offsets } },
    );
    const out = sink({ 'connector.class': 'test.Collecting', 'sink.id': id }, { plugins: PLUGINS });
    src.subscribe(out);
    const failure = await out.done.then(() => null, (e: unknown) => e);
    assert.ok(failure instanceof TaskFailure, String(failure));
    assert.equal(failure.stage, 'TRANSFORMATION');
    assert.ok(state.values.length <= 128);
    assert.ok((committed(offsets)['0'] ?? -1) <= 119, JSON.stringify(committed(offsets)));
  });

  test('a sink task that fails in put ends the sink and stops the source; the failed batch is not committed', async () => {
    const { id, state } = newSink();
    const offsets = join(dir, `${unique('offsets')}.json`);
    state.failOn = 450n;
    const src = source({ 'connector.class': 'test.Counting', count: 1000, batch: 50 }, { plugins: PLUGINS, worker: { 'offset.storage.file.filename': offsets, 'offset.flush.timeout.ms': 200 } });
    const out = sink({ 'connector.class': 'test.Collecting', 'sink.id': id }, { plugins: PLUGINS });
    src.subscribe(out);
    const failure = await out.done.then(() => null, (e: unknown) => e);
    assert.ok(failure instanceof TaskFailure, String(failure));
    assert.equal(failure.stage, 'TASK_PUT');
    await new Promise((r) => setTimeout(r, 600)); // the source's stop and its last commit
    assert.ok((committed(offsets)['0'] ?? -1) < 400, JSON.stringify(committed(offsets)));
    assert.equal(state.values.includes(450n), false);
  });

  test('a RetriableException from put redelivers the batch', async () => {
    const { id, state } = newSink();
    state.retriable = 3;
    const out = sink({ 'connector.class': 'test.Collecting', 'sink.id': id }, { plugins: PLUGINS });
    source({ 'connector.class': 'test.Counting', count: 100, batch: 100 }, { plugins: PLUGINS }).subscribe(out);
    await out.done;
    assert.deepEqual(state.values, seqs(0, 100));
    assert.ok(state.puts >= 4);
  });

  test('invalid configs are refused with the key and the reason, before anything runs', async () => {
    const { id } = newSink();
    const out = sink({ 'connector.class': 'test.Collecting', 'sink.id': id }, { plugins: PLUGINS });
    const src = source({ 'connector.class': 'test.Counting', count: 'many' }, { plugins: PLUGINS });
    src.subscribe(out);
    const e = await out.done.then(() => null, (err: unknown) => err);
    assert.ok(e instanceof PipelineConfigError, String(e));
    assert.match(e.message, /count/);

    const wrongType = sink({ 'connector.class': 'test.Counting' }, { plugins: PLUGINS });
    of<ConnectRecord>().subscribe(wrongType);
    await assert.rejects(wrongType.done, /test\.Counting is a source connector; sink\(\) takes a sink connector/);

    const missing = sink({ 'connector.class': 'test.Collecting' }, { plugins: PLUGINS });
    of<ConnectRecord>().subscribe(missing);
    await assert.rejects(missing.done, (err: unknown) => err instanceof PipelineConfigError && /sink\.id/.test(err.message));

    const dlq = sink({ 'connector.class': 'test.Collecting', 'sink.id': id, 'errors.tolerance': 'all', 'errors.deadletterqueue.topic.name': 'dlq' }, { plugins: PLUGINS });
    source({ 'connector.class': 'test.Counting', count: 10 }, { plugins: PLUGINS }).subscribe(dlq);
    await assert.rejects(dlq.done, /errors\.deadletterqueue\.topic\.name.*bootstrap\.servers/);

    assert.throws(() => transform('org.apache.kafka.connect.transforms.Cast$Value', { spec: 'int99' }), /spec|int99/);
  });

  test('something that is not a record ends the sink with a NotARecordError', async () => {
    const { id } = newSink();
    const out = sink({ 'connector.class': 'test.Collecting', 'sink.id': id }, { plugins: PLUGINS });
    source({ 'connector.class': 'test.Counting', count: 10 }, { plugins: PLUGINS })
      .pipe(map((r) => r.value as unknown as ConnectRecord))
      .subscribe(out);
    await assert.rejects(out.done, NotARecordError);
  });
});

describe('ends that must not acknowledge what was not written', () => {
  test('mapAsync results that settle after the sink went away are not acknowledged', async () => {
    const { id, state } = newSink();
    const offsets = join(dir, `${unique('offsets')}.json`);
    const src = source({ 'connector.class': 'test.Counting', count: 100, batch: 10 }, { plugins: PLUGINS, worker: { 'offset.storage.file.filename': offsets, 'offset.flush.timeout.ms': 200 } });
    const out = sink({ 'connector.class': 'test.Collecting', 'sink.id': id }, { plugins: PLUGINS });
    state.hold = true; // nothing is ever flushed
    src.pipe(mapAsync(async (r: ConnectRecord) => (await new Promise((res) => setTimeout(res, 300)), r), 4)).subscribe(out);
    await new Promise((r) => setTimeout(r, 100));
    out.unsubscribe();
    await out.done;
    await new Promise((r) => setTimeout(r, 800)); // the mapAsync promises settle, the source's stop commits
    assert.deepEqual(committed(offsets), {}, 'nothing was flushed, so nothing is committed');
  });

  test('a synchronous operator that throws on a record ends the stream without acknowledging that record', async () => {
    const { id, state } = newSink();
    const offsets = join(dir, `${unique('offsets')}.json`);
    const src = source({ 'connector.class': 'test.Counting', count: 100, batch: 10 }, { plugins: PLUGINS, worker: { 'offset.storage.file.filename': offsets, 'offset.flush.timeout.ms': 200 } });
    const out = sink({ 'connector.class': 'test.Collecting', 'sink.id': id }, { plugins: PLUGINS });
    src
      .pipe(
        map((r) => {
          if (r.value === 45n) throw new Error('no 45');
          return r;
        }),
      )
      .subscribe(out);
    await assert.rejects(out.done, /no 45/);
    await new Promise((r) => setTimeout(r, 600));
    assert.ok((committed(offsets)['0'] ?? -1) < 45, JSON.stringify(committed(offsets)));
    assert.ok(!state.values.includes(45n));
  });

  test('an Observable that completes before the sink task started: every record is still put', async () => {
    const { id, state } = newSink();
    const out = sink({ 'connector.class': 'test.Collecting', 'sink.id': id, 'start.delay.ms': 100, 'tasks.max': 2 }, { plugins: PLUGINS });
    of(...Array.from({ length: 10 }, (_, i) => new SourceRecord({ topic: `t${i % 3}`, sourcePartition: {}, sourceOffset: {}, valueSchema: Schema.INT64, value: BigInt(i) }))).subscribe(out);
    await out.done;
    assert.deepEqual([...state.values].sort((a, b) => Number(a - b)), seqs(0, 10));
  });

  test('a put failure while the completion flushes rejects done', async () => {
    const { id, state } = newSink();
    state.failOn = 40n;
    const subject = new Subject<ConnectRecord>();
    const out = sink({ 'connector.class': 'test.Collecting', 'sink.id': id }, { plugins: PLUGINS });
    subject.subscribe(out);
    for (let i = 0; i < 50; i++) subject.next(new SourceRecord({ topic: 'mine', sourcePartition: {}, sourceOffset: {}, valueSchema: Schema.INT64, value: BigInt(i) }));
    subject.complete();
    const failure = await out.done.then(() => null, (e: unknown) => e);
    assert.ok(failure instanceof TaskFailure, String(failure));
    assert.equal(failure.stage, 'TASK_PUT');
  });

  test('sink() refuses a restart policy (a failed sink ends the stream)', async () => {
    const { id } = newSink();
    const out = sink({ 'connector.class': 'test.Collecting', 'sink.id': id, 'sluice.restart.policy': 'on-failure' }, { plugins: PLUGINS });
    of<ConnectRecord>().subscribe(out);
    await assert.rejects(out.done, (e: unknown) => e instanceof PipelineConfigError && /sluice\.restart\.policy/.test(e.message));
  });
});

describe('an Observable of your own', () => {
  test('into sink(): a Subject of records is put and flushed at completion', async () => {
    const { id, state } = newSink();
    const subject = new Subject<ConnectRecord>();
    const out = sink({ 'connector.class': 'test.Collecting', 'sink.id': id }, { plugins: PLUGINS });
    subject.subscribe(out);
    for (let i = 0; i < 50; i++) subject.next(new SourceRecord({ topic: 'mine', sourcePartition: {}, sourceOffset: {}, valueSchema: Schema.INT64, value: BigInt(i) }));
    subject.complete();
    await out.done;
    assert.deepEqual(state.values, seqs(0, 50));
    assert.deepEqual(state.flushed.map((r) => r.kafkaOffset), Array.from({ length: 50 }, (_, i) => i));
  });

  test('as a source connector of a worker pipeline (observableSource), through an in-process topic to a file', async () => {
    const subject = new Subject<SourceRecord>();
    const file = join(dir, `${unique('out')}.txt`);
    const pipeline = await Sluice.pipeline({
      plugins: [observableSource('app.Orders', subject)],
      worker: { 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' },
      connectors: [
        { name: 'in', config: { 'connector.class': 'app.Orders' } },
        { name: 'out', config: { 'connector.class': 'FileStreamSink', topics: 'orders', file, 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' } },
      ],
    });
    await pipeline.start();
    while (!subject.observed) await new Promise((r) => setTimeout(r, 5)); // a hot Subject: push once the task listens
    for (let i = 0; i < 20; i++) subject.next(new SourceRecord({ topic: 'orders', sourcePartition: {}, sourceOffset: {}, valueSchema: Schema.STRING, value: `order ${i}` }));
    subject.complete();
    await pipeline.finished({ pollMs: 20 });
    await pipeline.stop();
    assert.deepEqual(readFileSync(file, 'utf8').trim().split('\n'), Array.from({ length: 20 }, (_, i) => `order ${i}`));
  });

  test('observableSource fails its task when the Observable pushes beyond max.buffered', async () => {
    const subject = new Subject<SourceRecord>();
    const pipeline = await Sluice.pipeline({
      plugins: [observableSource('app.Flood', subject)],
      connectors: [
        { name: 'flood', config: { 'connector.class': 'app.Flood', 'max.buffered': 10, 'batch.size': 1 } },
        { name: 'drain', config: { 'connector.class': 'FileStreamSink', topics: 'flood', file: join(dir, `${unique('flood')}.txt`) } },
      ],
    });
    await pipeline.start();
    while (!subject.observed) await new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 1000; i++) subject.next(new SourceRecord({ topic: 'flood', sourcePartition: {}, sourceOffset: {}, value: String(i) }));
    let state = '';
    for (let i = 0; i < 100 && state !== 'FAILED'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      state = pipeline.status().find((c) => c.name === 'flood')?.tasks[0]?.state ?? '';
    }
    assert.equal(state, 'FAILED');
    assert.match(pipeline.status().find((c) => c.name === 'flood')?.tasks[0]?.trace ?? '', /max\.buffered=10/);
    await pipeline.stop();
  });
});

describe('tap of a running worker pipeline', () => {
  test('pipeline.tap(connector) sees the records after the SMTs, of a source and of a sink', async () => {
    const file = join(dir, `${unique('tap')}.txt`);
    const pipeline = await Sluice.pipeline({
      connectors: [
        {
          name: 'gen',
          config: {
            'connector.class': 'datagen', 'kafka.topic': 'tapped', quickstart: 'orders', 'random.seed': 7,
            transforms: 'mark', 'transforms.mark.type': 'org.apache.kafka.connect.transforms.InsertField$Value',
            'transforms.mark.static.field': 'tapped', 'transforms.mark.static.value': 'yes',
          },
        },
        { name: 'file', config: { 'connector.class': 'FileStreamSink', topics: 'tapped', file } },
      ],
    });
    await pipeline.start();
    try {
      const [fromSource, fromSink] = await Promise.all([
        firstValueFrom(pipeline.tap('gen').pipe(take(5), toArray(), timeout(10_000))),
        firstValueFrom(pipeline.tap('file').pipe(take(5), toArray(), timeout(10_000))),
      ]);
      for (const r of fromSource) assert.equal((r.value as { get(f: string): unknown }).get('tapped'), 'yes');
      assert.ok(fromSource.every((r) => r instanceof SourceRecord));
      assert.ok(fromSink.every((r) => r.topic === 'tapped' && !(r instanceof SourceRecord)));
    } finally {
      await pipeline.stop();
    }
  });
});
