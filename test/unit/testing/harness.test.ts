// sluice/testing: whole pipelines on the in-process transport under virtual time. Each test moves minutes of
// virtual time and checks real outcomes (records, committed offsets, statuses) in a fraction of that in real time.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { harness, VirtualClock, type Harness } from '../../../src/testing/index.js';
import { PipelineConfigError } from '../../../src/worker/errors.js';
import { pollFailures, realMs, rotatedFiles, rotatingSinkPlugin, tickPlugin } from './support.js';

const WORKER = { 'value.converter': 'json', 'value.converter.schemas.enable': false, 'key.converter': 'string' };
const MINUTE = 60_000;
const realSetTimeout = globalThis.setTimeout;
const RealDate = globalThis.Date;

async function using(h: Harness, body: (h: Harness) => Promise<void>): Promise<void> {
  try {
    await body(h);
  } finally {
    await h.stop();
  }
}

describe('sluice/testing harness', () => {
  test('poll cadence: a source polling every 1 s writes 600 records in 10 virtual minutes, 1 s apart, in well under 5 real seconds', async () => {
    const started = realMs();
    const h = await harness({
      worker: WORKER,
      now: new Date('2026-01-01T00:00:00Z'),
      connectors: [{ name: 'ticks', config: { 'connector.class': 'tick', topic: 'ticks', 'interval.ms': 1000 } }],
      plugins: [tickPlugin],
    });
    await using(h, async () => {
      const t0 = h.now();
      assert.equal(t0, Date.parse('2026-01-01T00:00:00Z'), 'Date.now() is the virtual clock');
      await h.advance(10 * MINUTE);
      const values = h.values('ticks') as { n: number; at: number }[];
      assert.equal(values.length, 600);
      assert.deepEqual(values.map((v) => v.n), [...Array(600).keys()]);
      assert.deepEqual(values.map((v) => v.at - t0), values.map((_, i) => (i + 1) * 1000), 'one record per virtual second, exactly');
      assert.deepEqual(h.taskStates('ticks'), ['RUNNING']);
      assert.equal(h.progress()[0]!.metrics?.recordsWritten, 600);
    });
    const realTaken = realMs() - started;
    assert.ok(realTaken < 5000, `10 virtual minutes took ${realTaken} ms of real time`);
    assert.equal(globalThis.setTimeout, realSetTimeout, 'the real timers are back after stop');
    assert.equal(globalThis.Date, RealDate);
  });

  test('source offsets are committed every offset.flush.interval.ms, not before, to the offsets file; a new run resumes from them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-harness-'));
    const worker = { ...WORKER, 'offset.flush.interval.ms': 30_000, 'offset.storage.file.filename': join(dir, 'offsets.json') };
    const connectors = [{ name: 'ticks', config: { 'connector.class': 'tick', topic: 't', 'interval.ms': 1000, 'tasks.max': 2 } }];
    try {
      const h = await harness({ worker, connectors, plugins: [tickPlugin] });
      await using(h, async () => {
        await h.advance(29_999);
        assert.equal(h.values('t').length, 2 * 29, 'two tasks, one record a second each');
        assert.deepEqual(await h.committedOffsets('ticks'), [], 'nothing committed before the first flush interval');
        await h.advance(1);
        const offsets = await h.committedOffsets('ticks');
        // The commit timer is older than the poll timer due at the same millisecond: it commits the 29 records
        // acknowledged before it (n = 0…28); the 30th goes with the next commit.
        assert.deepEqual(offsets.map((o) => [o.partition['task'], o.offset?.['n']]).sort(), [[0, 28], [1, 28]]);
        await h.advance(45_000);
        assert.deepEqual((await h.committedOffsets('ticks')).map((o) => o.offset?.['n']), [58, 58], 'the next flush at 60 s; none at 75 s');
      });
      // The graceful stop committed everything acknowledged (75 records a task, n = 0…74); the next run goes on from there.
      const again = await harness({ worker, connectors, plugins: [tickPlugin] });
      await using(again, async () => {
        assert.deepEqual((await again.committedOffsets('ticks')).map((o) => o.offset?.['n']), [74, 74]);
        await again.advance(3_000);
        const ns = (again.values('t') as { task: number; n: number }[]).filter((v) => v.task === 0).map((v) => v.n);
        assert.deepEqual(ns, [75, 76, 77]);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('restart policy on-failure: FAILED, then RUNNING again exactly when the backoff says, then exhausted', async () => {
    pollFailures.set('flaky/0', 100);
    const h = await harness({
      worker: WORKER,
      connectors: [
        {
          name: 'flaky',
          config: {
            'connector.class': 'tick', topic: 'f', 'interval.ms': 1000,
            'sluice.restart.policy': 'on-failure',
            'sluice.restart.backoff.initial.ms': 10_000,
            'sluice.restart.backoff.max.ms': 60_000,
            'sluice.restart.max.restarts': 3,
            'sluice.restart.window.ms': 3_600_000,
          },
        },
      ],
      plugins: [tickPlugin],
    });
    await using(h, async () => {
      const task = () => h.connectorStatus('flaky').tasks[0]!;
      const nextAttempts: number[] = [];
      for (let restart = 1; restart <= 3; restart++) {
        await h.runUntil(() => task().state === 'FAILED' && task().restart?.next_attempt_at != null, { description: `failure ${restart}` });
        const failedAt = h.now();
        const next = task().restart!.next_attempt_at!;
        nextAttempts.push(next - failedAt);
        const step = Math.min(60_000, 10_000 * 2 ** (restart - 1));
        assert.ok(next - failedAt >= step / 2 && next - failedAt <= step, `backoff ${next - failedAt} ms within [${step / 2}, ${step}]`);
        await h.advance(next - h.now() - 1);
        assert.equal(task().state, 'FAILED', 'still FAILED 1 ms before the attempt');
        await h.advance(1);
        await h.runUntil(() => task().state !== 'FAILED' || task().restart?.restarts === restart, { timeoutMs: 10 });
        assert.equal(task().restart?.restarts, restart);
      }
      await h.runUntil(() => task().state === 'FAILED' && task().restart?.exhausted === true, { description: 'the policy exhausted' });
      await h.advance(10 * MINUTE);
      assert.equal(task().state, 'FAILED', 'stays FAILED once exhausted');
      assert.match(task().trace ?? '', /lost its upstream/);
      assert.equal(h.values('f').length, 0);
    });
    pollFailures.delete('flaky/0');
  });

  test('a restarted task moves records again', async () => {
    pollFailures.set('once/0', 1);
    const h = await harness({
      worker: WORKER,
      connectors: [{ name: 'once', config: { 'connector.class': 'tick', topic: 'o', 'sluice.restart.policy': 'on-failure', 'sluice.restart.backoff.initial.ms': 5000 } }],
      plugins: [tickPlugin],
    });
    await using(h, async () => {
      await h.advance(MINUTE);
      const status = h.connectorStatus('once').tasks[0]!;
      assert.equal(status.state, 'RUNNING');
      assert.equal(status.restart?.restarts, 1);
      const n = h.values('o').length;
      assert.ok(n >= 50 && n <= 58, `about a record a second after the restart (2.5–5 s backoff): ${n}`);
    });
  });

  test('a sink with its own rotate timer: records are written at each rotation and only rotated offsets are committed', async () => {
    rotatedFiles.delete('files');
    const started = realMs();
    const h = await harness({
      // In process, a record is acknowledged only once every sink committed it: a sink that commits every 30 s
      // needs room for 30 s of batches in flight.
      worker: { ...WORKER, 'offset.flush.interval.ms': 5000, 'sluice.max.in.flight.batches': 100 },
      connectors: [
        { name: 'ticks', config: { 'connector.class': 'tick', topic: 'events', 'interval.ms': 1000 } },
        { name: 'files', config: { 'connector.class': 'rotating', topics: 'events', 'rotate.interval.ms': 30_000 } },
      ],
      plugins: [tickPlugin, rotatingSinkPlugin],
    });
    await using(h, async () => {
      const t0 = h.now();
      await h.advance(29_000);
      assert.deepEqual(rotatedFiles.get('files'), [], 'no file before the first rotation');
      assert.deepEqual(await h.committedOffsets('files'), [], 'nothing committed: nothing rotated');
      await h.advance(1_000);
      const files = rotatedFiles.get('files')!;
      assert.equal(files.length, 1);
      assert.equal(files[0]!.at - t0, 30_000);
      // The rotate timer is older than the poll due at the same millisecond: the first file has n = 0…28.
      assert.deepEqual(files[0]!.values.map((v) => (v as { n: number }).n), [...Array(29).keys()]);
      await h.advance(5_000);
      assert.deepEqual(await h.committedOffsets('files'), [{ partition: { kafka_topic: 'events', kafka_partition: 0 }, offset: { kafka_offset: 29 } }]);
      await h.advance(565_000);
      assert.equal(rotatedFiles.get('files')!.length, 20, 'one file every 30 virtual seconds for 10 minutes');
      const written = rotatedFiles.get('files')!.flatMap((f) => f.values as { n: number }[]).map((v) => v.n);
      assert.deepEqual(written, [...Array(599).keys()], 'every record once, in order');
      assert.deepEqual(await h.committedOffsets('files'), [{ partition: { kafka_topic: 'events', kafka_partition: 0 }, offset: { kafka_offset: 599 } }]);
      // The source's offsets follow the sink: a record is acknowledged once the sink committed it.
      const source = await h.committedOffsets('ticks');
      assert.ok(Number(source[0]!.offset?.['n']) < 599, 'the source never commits past what the sink rotated');
    });
    const realTaken = realMs() - started;
    assert.ok(realTaken < 5000, `10 virtual minutes took ${realTaken} ms of real time`);
  });

  test('an invalid connector config is refused with its key and the real timers are back', async () => {
    await assert.rejects(
      harness({ worker: WORKER, connectors: [{ name: 'x', config: { 'connector.class': 'tick', 'interval.ms': 'soon' } }], plugins: [tickPlugin] }),
      (e: unknown) => e instanceof PipelineConfigError && e.problems.some((p) => p.key === 'interval.ms'),
    );
    assert.equal(globalThis.setTimeout, realSetTimeout);
    assert.equal(VirtualClock.current(), undefined);
    await assert.rejects(harness({ worker: { 'bootstrap.servers': 'localhost:9092' }, connectors: [] }), /in-process/);
  });
});
