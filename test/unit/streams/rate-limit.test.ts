// sluice.rate.limit.*: the token bucket itself (property: never more than the rate plus one second's burst and
// one batch over any run), and whole pipelines on sluice/testing's virtual clock — a source held to its records
// per second, a sink to its bytes per second, a limit changed by a config update without losing a record, the
// throttle time in the task metrics, and bad values refused with the key.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TokenBucket, RateLimits } from '../../../src/streams/util/rate-limit.js';
import { harness } from '../../../src/testing/index.js';
import { PipelineConfigError } from '../../../src/worker/errors.js';
import { Sluice } from '../../../src/index.js';

const WORKER = { 'value.converter': 'json', 'value.converter.schemas.enable': false, 'key.converter': 'string', 'offset.flush.interval.ms': 1000 };
const SECOND = 1000;

describe('TokenBucket', () => {
  test('under its rate nothing waits; over it, the wait pays the debt exactly', () => {
    let now = 0;
    const b = new TokenBucket(100, () => now);
    b.take(100); // the first second's burst
    assert.equal(b.waitMs(), 0);
    b.take(50);
    assert.equal(b.waitMs(), 500);
    now += 500;
    assert.equal(b.waitMs(), 0);
    now += 10_000; // idle: the bucket holds one second, not ten
    b.take(150);
    assert.equal(b.waitMs(), 500);
  });

  test('property: a task that waits as told never takes more than rate × time + one second + one batch', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.array(fc.record({ batch: fc.integer({ min: 1, max: 2000 }), idle: fc.integer({ min: 0, max: 3000 }) }), { minLength: 1, maxLength: 60 }),
        (rate, steps) => {
          let now = 0;
          const b = new TokenBucket(rate, () => now);
          let taken = 0;
          let maxBatch = 0;
          for (const { batch, idle } of steps) {
            now += b.waitMs(); // the task waits out the debt before its next batch
            now += idle;
            b.take(batch);
            taken += batch;
            maxBatch = Math.max(maxBatch, batch);
            assert.ok(taken <= (rate * now) / 1000 + rate + maxBatch + 1e-6, `${taken} taken in ${now} ms at ${rate}/s`);
          }
          // And waiting is never longer than the debt needs: after the wait the bucket is exactly out of debt.
          now += b.waitMs();
          assert.equal(b.waitMs(), 0);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('after waiting as told, the bucket is out of debt (a case whose refill arithmetic rounds: rate 8, 34 then 1056 records)', () => {
    let now = 0;
    const b = new TokenBucket(8, () => now);
    for (const { batch, idle } of [{ batch: 34, idle: 0 }, { batch: 1056, idle: 866 }]) {
      now += b.waitMs();
      now += idle;
      b.take(batch);
    }
    now += b.waitMs();
    assert.equal(b.waitMs(), 0);
  });

  test('RateLimits.of: none unless a limit is set; a rate must be positive', () => {
    assert.equal(RateLimits.of({}), null);
    assert.equal(RateLimits.of({ 'sluice.rate.limit.records.per.second': '0' }), null);
    assert.ok(RateLimits.of({ 'sluice.rate.limit.bytes.per.second': '1e6' })?.limitsBytes);
    assert.throws(() => new TokenBucket(0), RangeError);
  });
});

describe('rate limits in a pipeline (virtual time)', () => {
  test('a source limited to 200 records/s writes 200 a second, and its throttle time is counted', async () => {
    const h = await harness({
      worker: WORKER,
      connectors: [
        {
          name: 'gen',
          config: { 'connector.class': 'datagen', 'kafka.topic': 'limited', 'random.seed': 1, 'batch.size': 50, 'sluice.rate.limit.records.per.second': 200 },
        },
      ],
    });
    try {
      await h.advance(60 * SECOND);
      const n = h.values('limited').length;
      // 60 s at 200/s, plus at most one second's burst and one batch.
      assert.ok(n >= 60 * 200 - 50 && n <= 60 * 200 + 200 + 50, `${n} records in 60 s`);
      const m = h.progress()[0]!.metrics!;
      assert.ok((m.throttleTimeMs ?? 0) > 50 * SECOND, `throttled ${m.throttleTimeMs} ms`);
    } finally {
      await h.stop();
    }
  });

  test('a sink limited in bytes per second consumes at that rate; the source waits for it, nothing is lost', async () => {
    const h = await harness({
      worker: { ...WORKER, 'sluice.max.in.flight.batches': 100 },
      record: false,
      connectors: [
        { name: 'gen', config: { 'connector.class': 'datagen', 'kafka.topic': 'bytes', 'random.seed': 2, 'max.records': 5000, 'batch.size': 100 } },
        { name: 'out', config: { 'connector.class': 'FileStreamSink', topics: 'bytes', file: '/dev/null', 'sluice.rate.limit.bytes.per.second': 20_000 } },
      ],
    });
    try {
      await h.advance(30 * SECOND);
      const sink = h.progress().find((p) => p.connector === 'out')!.metrics!;
      // About 300 bytes per JSON order: 20 kB/s is some 65 records a second, far below what the source makes.
      const perRecord = 250;
      assert.ok(sink.recordsWritten < (30 * 20_000 + 20_000) / perRecord + 500, `${sink.recordsWritten} records put in 30 s`);
      assert.ok(sink.recordsWritten > 1000, `${sink.recordsWritten} records put in 30 s`);
      assert.ok((sink.throttleTimeMs ?? 0) > 10 * SECOND);
      await h.runUntil(() => (h.progress().find((p) => p.connector === 'out')!.metrics?.recordsWritten ?? 0) >= 5000, { timeoutMs: 10 * 60 * SECOND });
    } finally {
      await h.stop();
    }
  });

  test('a config update changes the limit: tasks restart with it, and every record arrives', async () => {
    const h = await harness({
      worker: WORKER,
      connectors: [
        {
          name: 'gen',
          config: { 'connector.class': 'datagen', 'kafka.topic': 'changed', 'random.seed': 3, 'max.records': 20_000, 'batch.size': 100, 'sluice.rate.limit.records.per.second': 100 },
        },
      ],
    });
    try {
      await h.advance(10 * SECOND);
      const slow = h.values('changed').length;
      assert.ok(slow <= 10 * 100 + 100 + 100, `${slow} at 100/s`);
      const config = { ...h.pipeline.herder.connectorConfig('gen'), 'sluice.rate.limit.records.per.second': '1000' };
      await h.clock.drive(h.pipeline.herder.putConnectorConfig('gen', config));
      await h.advance(10 * SECOND);
      const fast = h.values('changed').length - slow;
      assert.ok(fast >= 10 * 1000 - 1000 && fast <= 10 * 1000 + 1000 + 100, `${fast} in 10 s at 1000/s`);
      await h.runUntil(() => h.values('changed').length >= 20_000, { timeoutMs: 10 * 60 * SECOND });
      const ids = new Set(h.values('changed').map((v) => (v as { order_id: number }).order_id));
      assert.equal(ids.size, 20_000, 'every order, whatever was redone after the restart');
    } finally {
      await h.stop();
    }
  });
});

test('rate limit keys are checked: a negative value and an unknown sluice.rate.limit key are refused with the key', async () => {
  const e = await Sluice.pipeline({
    connectors: [
      {
        name: 'gen',
        config: { 'connector.class': 'datagen', 'kafka.topic': 't', 'sluice.rate.limit.records.per.second': -5, 'sluice.rate.limit.messages.per.second': 3 },
      },
    ],
  }).then(
    () => null,
    (err: unknown) => err,
  );
  assert.ok(e instanceof PipelineConfigError, String(e));
  assert.deepEqual(e.problems.map((p) => p.key).sort(), ['sluice.rate.limit.messages.per.second', 'sluice.rate.limit.records.per.second']);
  assert.match(e.message, /records\.per\.second.*at least 0/);
});
