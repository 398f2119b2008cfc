// The template's connectors on sluice/testing: whole pipelines in process under a virtual clock (polls every
// second, offset flushes, the sink's commits), one task by hand, validation and the task split.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PipelineConfigError } from 'sluice';
import { harness, sinkTaskHarness, sourceTaskHarness, VirtualClock } from 'sluice/testing';
import plugins, { CounterSourceConnector, CounterSourceTask, LinesSinkTask, counterSourceConfigDef } from '../src/index.js';

const WORKER = {
  'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter.schemas.enable': false,
};
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
const tempDir = () => mkdtempSync(join(tmpdir(), 'counter-template-'));

test('counters → lines file: every position once, offsets committed, in virtual time', async () => {
  const dir = tempDir();
  const started = process.hrtime.bigint();
  const h = await harness({
    worker: WORKER,
    plugins,
    connectors: [
      { name: 'counters', config: { 'connector.class': 'CounterSource', topic: 'counts', counters: 'a,b,c', 'counter.max': 20, 'batch.size': 5, 'poll.interval.ms': 1000, 'tasks.max': 2 } },
      { name: 'file', config: { 'connector.class': 'LinesSink', topics: 'counts', file: join(dir, 'counts.jsonl') } },
    ],
  });
  try {
    const t0 = h.now();
    await h.finished();
    assert.ok(h.now() - t0 >= 4000, 'four polls a second apart');
    assert.deepEqual(h.taskStates('counters'), ['RUNNING', 'RUNNING'], 'two tasks: a,c and b');
    // What went through the topic (the harness's recorder reads it), with the worker's converters.
    assert.equal(h.records('counts').length, 60);
    // Source offsets are committed every offset.flush.interval.ms (60 s by default): a minute of virtual time.
    await h.runUntil(async () => (await h.committedOffsets('counters')).length === 3);
    assert.equal(h.now() - t0, 60_000);
    assert.deepEqual(
      (await h.committedOffsets('counters')).map((o) => [o.partition['counter'], o.offset?.['position']]).sort(),
      [['a', 19], ['b', 19], ['c', 19]],
    );
  } finally {
    await h.stop();
  }
  const written = lines(join(dir, 'counts.jsonl')).map((l) => JSON.parse(l) as { key: string; value: { counter: string; position: number } });
  for (const counter of ['a', 'b', 'c']) {
    assert.deepEqual(written.filter((r) => r.key === counter).map((r) => r.value.position), [...Array(20).keys()], `counter ${counter}`);
  }
  assert.ok(process.hrtime.bigint() - started < 5_000_000_000n, 'in well under 5 real seconds');
  rmSync(dir, { recursive: true, force: true });
});

test('a new run resumes each counter from its committed offset', async () => {
  const dir = tempDir();
  const worker = { ...WORKER, 'offset.storage.file.filename': join(dir, 'offsets.json'), 'offset.flush.interval.ms': 10_000 };
  const connectors = [
    { name: 'counters', config: { 'connector.class': 'CounterSource', topic: 'counts', counters: 'a,b', 'batch.size': 1, 'poll.interval.ms': 1000 } },
  ];
  try {
    const first = await harness({ worker, plugins, connectors });
    await first.advance(30_000); // 30 polls, offsets flushed at 10, 20 and 30 s, and at the stop
    await first.stop();
    const second = await harness({ worker, plugins, connectors });
    try {
      await second.advance(2_000);
      const values = second.values('counts') as Array<{ counter: string; position: number }>;
      assert.deepEqual(values.filter((v) => v.counter === 'a').map((v) => v.position), [30, 31]);
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a bad value is refused before anything starts, naming the key', async () => {
  await assert.rejects(
    harness({
      worker: WORKER,
      plugins,
      connectors: [
        { name: 'counters', config: { 'connector.class': 'CounterSource', topic: 'counts', counters: 'a,a', 'batch.size': 0 } },
        { name: 'file', config: { 'connector.class': 'LinesSink', topics: 'counts', file: '/tmp/x', format: 'xml' } },
      ],
    }),
    (e: unknown) => {
      assert.ok(e instanceof PipelineConfigError);
      assert.deepEqual(e.problems.map((p) => `${p.connector} ${p.key}`).sort(), ['counters batch.size', 'counters counters', 'file format']);
      return true;
    },
  );
  // The same checks as `sluice validate` and PUT /connector-plugins/…/config/validate make.
  const errors = await new CounterSourceConnector().validate({ topic: '', 'counter.max': '-2' });
  const byKey = Object.fromEntries([...errors].map(([k, v]) => [k, v.errorMessages]));
  assert.equal(byKey['topic']!.length, 1);
  assert.equal(byKey['counter.max']!.length, 1);
});

test('taskConfigs: the counters dealt out to at most one task each', async () => {
  const connector = new CounterSourceConnector();
  connector.start({ topic: 't', counters: 'a,b,c' });
  const counters = async (max: number) => (await connector.taskConfigs(max)).map((c) => c['task.counters']);
  assert.deepEqual(await counters(1), ['a,b,c']);
  assert.deepEqual(await counters(2), ['a,c', 'b']);
  assert.deepEqual(await counters(8), ['a', 'b', 'c']);
  assert.ok(counterSourceConfigDef().key('task.counters'));
});

test('one source task by hand: resumes from the offsets given, polls on virtual time', async () => {
  const clock = VirtualClock.install({ now: 0 });
  try {
    const source = await sourceTaskHarness(
      CounterSourceTask,
      { topic: 't', 'task.counters': 'a', 'batch.size': 3, 'poll.interval.ms': 500 },
      { offsets: [{ partition: { counter: 'a' }, offset: { position: 9 } }] },
    );
    const polled = await clock.drive(source.poll());
    assert.equal(clock.now(), 500);
    assert.deepEqual(polled.map((r) => r.sourceOffset), [{ position: 10 }, { position: 11 }, { position: 12 }]);
    assert.deepEqual(await source.commit(), [{ partition: { counter: 'a' }, offset: { position: 12 } }]);
    await source.stop();
  } finally {
    clock.uninstall();
  }
});

test('one sink task by hand: nothing reaches the file before preCommit; a full buffer asks for a commit', async () => {
  const dir = tempDir();
  const file = join(dir, 'out.txt');
  const sink = await sinkTaskHarness(LinesSinkTask, { file, format: 'value', 'buffer.max.records': 3 }, { assignment: [{ topic: 't', partition: 0 }] });
  await sink.put([{ topic: 't', value: 'one' }, { topic: 't', value: 'two' }]);
  assert.deepEqual(lines(file), []);
  assert.equal(sink.requests.commitRequests, 0);
  await sink.put([{ topic: 't', value: 'three' }]);
  assert.equal(sink.requests.commitRequests, 1, 'three lines buffered: a commit is asked for');
  assert.deepEqual(await sink.preCommit(), new Map([['t-0', 3]]));
  assert.deepEqual(lines(file), ['one', 'two', 'three']);
  await sink.stop();
  rmSync(dir, { recursive: true, force: true });
});
