// The pure parts of exactly-once source support: transactional ids, boundaries, the layered offset store, and the
// config bucket's task count record (Kafka's pendingFencing).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryOffsetStore } from '../../../src/streams/index.js';
import { LayeredOffsetStore, connectorOffsetsTopic, transactionBoundaryOf, transactionalIdOf } from '../../../src/worker/exactly-once.js';
import { ConfigState } from '../../../src/cluster/config-state.js';
import { LEADER_KEY, configKeys } from '../../../src/cluster/keys.js';

describe('exactly-once source: worker pieces', () => {
  test("transactional ids are Kafka Connect's <group>-<connector>-<task>", () => {
    assert.equal(transactionalIdOf('connect-cluster', { connector: 'jdbc-orders', task: 3 }), 'connect-cluster-jdbc-orders-3');
  });

  test('transaction.boundary and its interval (default: offset.flush.interval.ms)', () => {
    assert.deepEqual(transactionBoundaryOf({}, 60_000), { boundary: 'poll', intervalMs: 60_000 });
    assert.deepEqual(transactionBoundaryOf({ 'transaction.boundary': 'INTERVAL' }, 60_000), { boundary: 'interval', intervalMs: 60_000 });
    assert.deepEqual(transactionBoundaryOf({ 'transaction.boundary': 'interval', 'transaction.boundary.interval.ms': '250' }, 60_000), { boundary: 'interval', intervalMs: 250 });
    assert.deepEqual(transactionBoundaryOf({ 'transaction.boundary': 'connector' }, 1000).boundary, 'connector');
    assert.equal(connectorOffsetsTopic({ 'offsets.storage.topic': '  ' }), null);
    assert.equal(connectorOffsetsTopic({ 'offsets.storage.topic': 'own' }), 'own');
  });

  test("a connector's own offsets are read first, the worker's where it has none; writes go to both", async () => {
    const own = new MemoryOffsetStore();
    const worker = new MemoryOffsetStore();
    const layered = new LayeredOffsetStore(own, worker);
    await layered.start();
    await worker.set('c', [[{ t: 'a' }, { n: 1 }], [{ t: 'b' }, { n: 2 }]]);
    await own.set('c', [[{ t: 'b' }, { n: 20 }]]);
    const a = { t: 'a' };
    const b = { t: 'b' };
    const got = await layered.get('c', [a, b, { t: 'z' }]);
    assert.deepEqual([...got.values()], [{ n: 1 }, { n: 20 }, null]);
    assert.deepEqual((await layered.all('c')).sort((x, y) => String(x[0]['t']).localeCompare(String(y[0]['t']))), [[a, { n: 1 }], [b, { n: 20 }]]);
    await layered.set('c', [[a, null]]);
    assert.deepEqual([...(await own.get('c', [a])).values()], [null]);
    assert.deepEqual([...(await worker.get('c', [a])).values()], [null], 'a reset reaches both stores');
    await layered.stop();
  });

  test('the task count record: fencing is pending until a round recorded the generation in effect', () => {
    const cfg = new ConfigState();
    let revision = 0;
    const put = (key: string, value: Record<string, unknown>) => cfg.apply({ key, value, revision: ++revision, deleted: false });
    put(LEADER_KEY, { member: 'w1' });
    const epoch = cfg.currentEpoch;
    put(configKeys.task('c', 0), { properties: {}, generation: 1, epoch });
    put(configKeys.commit('c'), { tasks: 1, generation: 1, epoch });
    assert.equal(cfg.pendingFencing('c'), true, 'no round yet');
    put(configKeys.taskCount('c'), { tasks: 1, generation: 1, epoch });
    assert.equal(cfg.pendingFencing('c'), false);
    assert.deepEqual(cfg.taskCounts.get('c'), { tasks: 1, generation: 1, epoch });
    put(configKeys.task('c', 0), { properties: {}, generation: 2, epoch });
    put(configKeys.task('c', 1), { properties: {}, generation: 2, epoch });
    put(configKeys.commit('c'), { tasks: 2, generation: 2, epoch });
    assert.equal(cfg.pendingFencing('c'), true, 'a new generation needs a new round');
    // A record written by a deposed leader is refused like any fenced value.
    put(LEADER_KEY, { member: 'w2' });
    put(configKeys.taskCount('c'), { tasks: 2, generation: 2, epoch });
    assert.equal(cfg.pendingFencing('c'), true);
  });
});
