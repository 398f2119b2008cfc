// The VirtualClock under sluice/testing, and the one-task harnesses (a source task polled by hand, a sink task
// given batches by hand), both on virtual time.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { sleep } from '../../../src/async/index.js';
import { sinkTaskHarness, sourceTaskHarness, VirtualClock, VirtualTimeoutError } from '../../../src/testing/index.js';
import { realMs, rotatingSinkPlugin, tickPlugin } from './support.js';
import type { SinkConnector, SourceConnector } from '../../../src/connectors/api/index.js';

const realSetTimeout = globalThis.setTimeout;

describe('VirtualClock', () => {
  test('advance fires each timer at its own virtual time, in order, and the work it starts runs before the next', async () => {
    const clock = VirtualClock.install({ now: 1_000_000 });
    try {
      const seen: string[] = [];
      setTimeout(() => seen.push(`b@${Date.now()}`), 200);
      setTimeout(() => seen.push(`a@${Date.now()}`), 100);
      const interval = setInterval(() => seen.push(`i@${Date.now()}`), 150);
      void (async () => {
        await sleep(50);
        seen.push(`s1@${Date.now()}`);
        await new Promise((r) => setImmediate(r));
        seen.push(`imm@${Date.now()}`);
        await sleep(100);
        seen.push(`s2@${Date.now()}`);
      })();
      await clock.advance(300);
      clearInterval(interval);
      // At 150 ms the interval (created at 0) fires before the sleep created at 50 ms, as Node orders them.
      assert.deepEqual(seen, ['s1@1000050', 'imm@1000050', 'a@1000100', 'i@1000150', 's2@1000150', 'b@1000200', 'i@1000300']);
      assert.equal(clock.now(), 1_000_300);
      assert.equal(performance.now() >= 300, true, 'performance.now is virtual too');
    } finally {
      clock.uninstall();
    }
    assert.equal(globalThis.setTimeout, realSetTimeout);
  });

  test('runUntil moves only as far as needed; drive awaits a promise that waits on timers; timeouts are virtual', async () => {
    const started = realMs();
    const clock = VirtualClock.install({ now: 0 });
    try {
      let ticks = 0;
      const t = setInterval(() => ticks++, 1000);
      await clock.runUntil(() => ticks === 5);
      assert.equal(clock.now(), 5000);
      clearInterval(t);
      assert.equal(await clock.drive(sleep(3_600_000).then(() => 'an hour later'), { timeoutMs: 7_200_000 }), 'an hour later');
      assert.equal(clock.now(), 3_605_000);
      await assert.rejects(clock.runUntil(() => false, { timeoutMs: 86_400_000, description: 'never' }), VirtualTimeoutError);
      assert.throws(() => VirtualClock.install(), /already installed/);
    } finally {
      clock.uninstall();
    }
    assert.ok(realMs() - started < 2000, 'a virtual day in well under 2 real seconds');
  });
});

describe('one task by hand', () => {
  test('sourceTaskHarness: a task resumes from the offsets given, polls on virtual time, and commit returns the offsets to store', async () => {
    const clock = VirtualClock.install({ now: 0 });
    try {
      const connector = tickPlugin.create() as SourceConnector;
      connector.start({ name: 'ticks', topic: 'x', 'interval.ms': '500' });
      const [config] = await connector.taskConfigs(1);
      const source = await sourceTaskHarness(connector.taskClass(), config!, { offsets: [{ partition: { task: 0 }, offset: { n: 41 } }] });
      const polled = await clock.drive(source.poll());
      assert.equal(clock.now(), 500);
      assert.deepEqual(polled.map((r) => (r.value as { n: number }).n), [42]);
      await clock.drive(source.poll());
      assert.deepEqual(await source.commit(), [{ partition: { task: 0 }, offset: { n: 43 } }]);
      await source.stop();
    } finally {
      clock.uninstall();
    }
  });

  test('sinkTaskHarness: a sink that rotates on a timer lets only rotated offsets be committed', async () => {
    const clock = VirtualClock.install({ now: 0 });
    try {
      const connector = rotatingSinkPlugin.create() as SinkConnector;
      connector.start({ name: 'by-hand', 'rotate.interval.ms': '10000' });
      const sink = await sinkTaskHarness(connector.taskClass(), (await connector.taskConfigs(1))[0]!, { assignment: [{ topic: 'a', partition: 0 }] });
      await sink.put([{ topic: 'a', value: 1 }, { topic: 'a', value: 2 }]);
      assert.deepEqual(await sink.preCommit(), new Map(), 'nothing rotated yet');
      await clock.advance(10_000);
      await sink.put([{ topic: 'a', value: 3 }]);
      assert.deepEqual(await sink.preCommit(), new Map([['a-0', 2]]), 'the first two records were rotated at 10 s');
      await clock.advance(10_000);
      assert.deepEqual(await sink.preCommit(), new Map([['a-0', 3]]));
      await sink.stop();
    } finally {
      clock.uninstall();
    }
  });
});
