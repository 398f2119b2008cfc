import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { RetriableException } from '../../../src/connectors/api/index.js';
import { retryAfterFailure, retryDeadline, retryDelayMs } from '../../../src/streams/errors/index.js';

describe('retry delay (errors.retry.delay.max.ms)', () => {
  test('300 ms·2^(n−1) below the cap', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDelayMs(n, 60_000)), [300, 600, 1200, 2400, 4800, 9600, 19_200, 38_400]);
  });

  test('above the cap: a random value in [0, cap)', () => {
    assert.equal(retryDelayMs(9, 60_000, Infinity, () => 0.5), 30_000); // 76 800 > 60 000
    assert.equal(retryDelayMs(3, 1000, Infinity, () => 0), 0); // 1200 > 1000
    assert.equal(retryDelayMs(3, 1000, Infinity, () => 0.999999), 999);
    assert.equal(retryDelayMs(2, 600, Infinity, () => 0.5), 600, 'equal to the cap is not above it');
    for (let i = 0; i < 200; i++) {
      const d = retryDelayMs(20, 5000);
      assert.ok(d >= 0 && d < 5000 && Number.isInteger(d), String(d));
    }
  });

  test('never past the deadline; a cap of 0 means no wait; huge attempt numbers stay finite', () => {
    assert.equal(retryDelayMs(4, 60_000, 1000), 1000);
    assert.equal(retryDelayMs(1, 60_000, 0), 0);
    assert.equal(retryDelayMs(1, 0), 0);
    assert.equal(retryDelayMs(5000, 60_000, Infinity, () => 0.25), 15_000);
  });

  test('deadline: start + timeout, forever for -1', () => {
    assert.equal(retryDeadline({ timeoutMs: 5000, maxDelayMs: 1 }, 1000), 6000);
    assert.equal(retryDeadline({ timeoutMs: -1, maxDelayMs: 1 }, 1000), Infinity);
    assert.equal(retryDeadline({ timeoutMs: 0, maxDelayMs: 1 }, 1000), 1000);
  });
});

describe('retryAfterFailure', () => {
  /** A fake clock whose sleep advances time. */
  function clock() {
    let now = 0;
    const slept: number[] = [];
    return {
      now: () => now,
      sleep: async (ms: number) => {
        slept.push(ms);
        now += ms;
      },
      slept,
    };
  }

  test('retries a transient failure until it succeeds, with the exponential schedule', async () => {
    const c = clock();
    let calls = 0;
    const op = () => {
      if (++calls < 4) throw new RetriableException(`transient ${calls}`);
      return 'done';
    };
    const out = await retryAfterFailure({ timeoutMs: 60_000, maxDelayMs: 60_000 }, op, new RetriableException('first'), 0, c);
    assert.deepEqual(out, { ok: true, value: 'done', retries: 4, aborted: false });
    assert.deepEqual(c.slept, [300, 600, 1200, 2400]);
  });

  test('stops at the deadline with the last error; the last wait is cut to the deadline', async () => {
    const c = clock();
    const op = () => {
      throw new RetriableException('still down');
    };
    const out = await retryAfterFailure({ timeoutMs: 1000, maxDelayMs: 60_000 }, op, new RetriableException('first'), 0, c);
    assert.equal(out.ok, false);
    assert.equal((out.error as Error).message, 'still down');
    assert.deepEqual(c.slept, [300, 600, 100]);
    assert.equal(c.now(), 1000);
  });

  test('timeout 0: no retry at all; a non-retriable error: no retry either', async () => {
    const c = clock();
    let calls = 0;
    const op = () => ++calls;
    const zero = await retryAfterFailure({ timeoutMs: 0, maxDelayMs: 100 }, op, new RetriableException('x'), 0, c);
    assert.equal(zero.ok, false);
    const other = await retryAfterFailure({ timeoutMs: -1, maxDelayMs: 100 }, op, new TypeError('bad'), 0, c);
    assert.equal(other.ok, false);
    assert.ok(other.error instanceof TypeError);
    assert.equal(calls, 0);
    assert.deepEqual(c.slept, []);
  });

  test('a non-retriable error during retries ends them at once', async () => {
    const c = clock();
    let calls = 0;
    const op = () => {
      calls++;
      throw calls === 2 ? new Error('broken for good') : new RetriableException('again');
    };
    const out = await retryAfterFailure({ timeoutMs: -1, maxDelayMs: 100 }, op, new RetriableException('first'), 0, c);
    assert.equal(out.ok, false);
    assert.equal((out.error as Error).message, 'broken for good');
    assert.equal(calls, 2);
  });

  test('-1 retries forever until the signal aborts (stopping)', async () => {
    const c = clock();
    const ac = new AbortController();
    let calls = 0;
    const op = () => {
      if (++calls === 50) ac.abort();
      throw new RetriableException('down');
    };
    const out = await retryAfterFailure({ timeoutMs: -1, maxDelayMs: 1000 }, op, new RetriableException('first'), 0, { ...c, signal: ac.signal });
    assert.equal(out.ok, false);
    assert.equal(out.aborted, true);
    assert.equal(calls, 50);
    assert.ok(c.slept.slice(3).every((d) => d >= 0 && d < 1000));
  });
});
