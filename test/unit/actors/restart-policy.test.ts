import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ConfigException } from '../../../src/connectors/api/index.js';
import {
  NO_RESTART,
  backoffDelay,
  decideRestart,
  parseRestartPolicy,
  type RestartPolicy,
} from '../../../src/actors/restart-policy.js';

const policy: RestartPolicy = { kind: 'on-failure', initialBackoffMs: 1000, maxBackoffMs: 30_000, maxRestarts: 3, windowMs: 60_000 };

describe('restart policy', () => {
  test('is off by default, as in Kafka Connect', () => {
    assert.deepEqual(parseRestartPolicy({ name: 'c' }), NO_RESTART);
    assert.deepEqual(decideRestart(NO_RESTART, [], 0), { restart: false, reason: 'policy-none', attempts: [] });
  });

  test('parses every key', () => {
    assert.deepEqual(
      parseRestartPolicy({
        'sluice.restart.policy': 'on-failure',
        'sluice.restart.backoff.initial.ms': '1000',
        'sluice.restart.backoff.max.ms': '30000',
        'sluice.restart.max.restarts': '3',
        'sluice.restart.window.ms': '60000',
      }),
      policy,
    );
  });

  test('refuses bad values naming the key', () => {
    const bad = (config: Record<string, string>, key: string) =>
      assert.throws(() => parseRestartPolicy(config), (e: unknown) => e instanceof ConfigException && e.key === key);
    bad({ 'sluice.restart.policy': 'always' }, 'sluice.restart.policy');
    bad({ 'sluice.restart.backoff.initial.ms': 'soon' }, 'sluice.restart.backoff.initial.ms');
    bad({ 'sluice.restart.max.restarts': '-2' }, 'sluice.restart.max.restarts');
    bad({ 'sluice.restart.backoff.initial.ms': '5000', 'sluice.restart.backoff.max.ms': '100' }, 'sluice.restart.backoff.max.ms');
  });

  test('backoff doubles from the initial value, with equal jitter, up to the cap', () => {
    assert.equal(backoffDelay(policy, 0, () => 0), 500);
    assert.equal(backoffDelay(policy, 0, () => 0.999999), 1000);
    assert.equal(backoffDelay(policy, 3, () => 0), 4000);
    assert.equal(backoffDelay(policy, 3, () => 0.999999), 8000);
    assert.equal(backoffDelay(policy, 10, () => 0.999999), 30_000);
    assert.equal(backoffDelay(policy, 1000, () => 0.5), 22_500);
  });

  test('backoff stays within [step/2, cap] and never shrinks as restarts grow (fixed jitter)', () => {
    fc.assert(
      fc.property(fc.nat(200), fc.double({ min: 0, max: 0.9999, noNaN: true }), (n, r) => {
        const d = backoffDelay(policy, n, () => r);
        const step = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** n);
        return d >= Math.floor(step / 2) && d <= policy.maxBackoffMs && backoffDelay(policy, n + 1, () => r) >= d;
      }),
    );
  });

  test('schedules the next attempt and records it', () => {
    const d = decideRestart(policy, [], 10_000, () => 0);
    assert.deepEqual(d, { restart: true, delayMs: 500, nextAttemptAt: 10_500, attempts: [10_500] });
  });

  test('counts only restarts within the window, and gives up at the limit', () => {
    const now = 100_000;
    const three = [now - 30_000, now - 20_000, now - 10_000];
    assert.deepEqual(decideRestart(policy, three, now), { restart: false, reason: 'max-restarts', attempts: three });
    const oneExpired = [now - 70_000, now - 20_000, now - 10_000];
    const d = decideRestart(policy, oneExpired, now, () => 0);
    assert.equal(d.restart, true);
    assert.deepEqual(d.attempts, [now - 20_000, now - 10_000, now + 2000]);
  });

  test('-1 means unlimited restarts', () => {
    const unlimited = { ...policy, maxRestarts: -1 };
    const many = Array.from({ length: 500 }, (_, i) => 100_000 - i);
    assert.equal(decideRestart(unlimited, many, 100_000).restart, true);
  });
});
