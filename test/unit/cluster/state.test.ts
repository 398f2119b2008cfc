import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bucketsOf, configKeys, escapeToken, parseKey, statusKeys, unescapeToken } from '../../../src/cluster/keys.js';
import { ConfigState, targetStateValue } from '../../../src/cluster/config-state.js';
import { StatusReplica, acceptsStatus, canWriteSafely, type StatusValue } from '../../../src/cluster/status-state.js';
import type { KvChange } from '../../../src/cluster/nats.js';

const KEY_TOKEN = /^[-_=a-zA-Z0-9]+$/;

describe('keys', () => {
  test('any string escapes into one valid key token and back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const t = escapeToken(s);
        assert.match(t, KEY_TOKEN);
        assert.equal(unescapeToken(t), s);
      }),
    );
  });

  test('keys parse back to what they name', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.nat(1000), fc.string({ minLength: 1 }), (c, n, topic) => {
        assert.deepEqual(parseKey(configKeys.connector(c)), { kind: 'connector', connector: c });
        assert.deepEqual(parseKey(configKeys.targetState(c)), { kind: 'target-state', connector: c });
        assert.deepEqual(parseKey(configKeys.task(c, n)), { kind: 'task', connector: c, task: n });
        assert.deepEqual(parseKey(configKeys.commit(c)), { kind: 'commit', connector: c });
        assert.deepEqual(parseKey(statusKeys.topic(c, topic)), { kind: 'topic', connector: c, topic });
      }),
    );
  });

  test('bucket names are valid JetStream names', () => {
    const b = bucketsOf('connect-cluster.prod/eu');
    for (const name of Object.values(b)) assert.match(name, /^[-_a-zA-Z0-9]+$/);
    assert.equal(b.config, 'sluice_connect-cluster_2eprod_2feu_config');
  });
});

let rev = 0;
const put = (key: string, value: unknown): KvChange => ({ key, value, revision: ++rev, deleted: false });
const del = (key: string): KvChange => ({ key, value: null, revision: ++rev, deleted: true });
const lease = (member: string): unknown => ({ worker_id: member, url: `http://${member}`, member, incarnation: 'x', previous: [] });

describe('config replica', () => {
  test('task configs take effect only with their commit, all of one generation together', () => {
    const s = new ConfigState();
    const l = put('leader', lease('a'));
    s.apply(l);
    const e = l.revision;
    s.apply(put(configKeys.connector('c'), { properties: { 'connector.class': 'X', name: 'c' }, epoch: e }));
    s.apply(put(configKeys.task('c', 0), { properties: { t: '0' }, generation: 1, epoch: e }));
    assert.deepEqual(s.taskConfigs('c'), []);
    s.apply(put(configKeys.task('c', 1), { properties: { t: '1' }, generation: 1, epoch: e }));
    assert.deepEqual(s.apply(put(configKeys.commit('c'), { tasks: 2, generation: 1, epoch: e })), { type: 'tasks', connector: 'c' });
    assert.deepEqual(s.taskConfigs('c'), [{ t: '0' }, { t: '1' }]);
    // A commit whose task values are not all of its generation: inconsistent, no task configs.
    s.apply(put(configKeys.task('c', 0), { properties: { t: '0b' }, generation: 2, epoch: e }));
    s.apply(put(configKeys.commit('c'), { tasks: 2, generation: 2, epoch: e }));
    assert.deepEqual(s.taskConfigs('c'), []);
    assert.ok(s.inconsistent.has('c'));
    s.apply(put(configKeys.task('c', 0), { properties: { t: '0c' }, generation: 3, epoch: e }));
    s.apply(put(configKeys.commit('c'), { tasks: 1, generation: 3, epoch: e }));
    assert.deepEqual(s.taskConfigs('c'), [{ t: '0c' }]);
    assert.equal(s.inconsistent.has('c'), false);
  });

  test('a write by a deposed leader (older epoch after a newer lease) is refused; earlier writes stand', () => {
    const s = new ConfigState();
    const l1 = put('leader', lease('a'));
    s.apply(l1);
    s.apply(put(configKeys.connector('c'), { properties: { v: '1' }, epoch: l1.revision }));
    const l2 = put('leader', lease('b'));
    s.apply(l2);
    // a still thinks it leads and writes: refused
    assert.deepEqual(s.apply(put(configKeys.connector('c'), { properties: { v: 'zombie' }, epoch: l1.revision })), {
      type: 'stale',
      key: configKeys.connector('c'),
    });
    assert.deepEqual(s.connectors.get('c')!.config, { v: '1' });
    assert.ok(s.staleKeys.has(configKeys.connector('c')));
    // a fenced tombstone from the zombie is refused too
    s.apply(put(configKeys.connector('c'), { deleted: true, epoch: l1.revision }));
    assert.ok(s.connectors.has('c'));
    // the new leader's write is accepted
    s.apply(put(configKeys.connector('c'), { properties: { v: '2' }, epoch: l2.revision }));
    assert.deepEqual(s.connectors.get('c')!.config, { v: '2' });
    assert.equal(s.staleKeys.size, 0);
    s.apply(put(configKeys.connector('c'), { deleted: true, epoch: l2.revision }));
    assert.equal(s.connectors.has('c'), false);
  });

  test('target states: STOPPED is stored as PAUSED for old readers, read from state.v2; none means STARTED', () => {
    assert.deepEqual(targetStateValue('STOPPED', 3), { state: 'PAUSED', 'state.v2': 'STOPPED', epoch: 3 });
    const s = new ConfigState();
    assert.equal(s.targetState('c'), 'STARTED');
    s.apply(put(configKeys.targetState('c'), targetStateValue('STOPPED', 0)));
    assert.equal(s.targetState('c'), 'STOPPED');
    s.apply(del(configKeys.targetState('c')));
    assert.equal(s.targetState('c'), 'STARTED');
  });
});

const st = (state: StatusValue['state'], worker_id: string, generation: number): StatusValue => ({ state, trace: null, worker_id, generation });

describe('status replica', () => {
  test('a late UNASSIGNED from the old owner does not replace the new owner\'s RUNNING', () => {
    const r = new StatusReplica();
    r.apply(put(statusKeys.task('c', 0), st('RUNNING', 'a:1', 5)));
    r.apply(put(statusKeys.task('c', 0), st('RUNNING', 'b:1', 7)));
    assert.deepEqual(r.apply(put(statusKeys.task('c', 0), st('UNASSIGNED', 'a:1', 6))), { type: 'ignored', key: statusKeys.task('c', 0) });
    assert.equal(r.task('c', 0)!.worker_id, 'b:1');
    // stale generation from another worker: ignored, whatever the state
    r.apply(put(statusKeys.task('c', 0), st('FAILED', 'a:1', 6)));
    assert.equal(r.task('c', 0)!.state, 'RUNNING');
    // the owner itself may always update
    r.apply(put(statusKeys.task('c', 0), st('UNASSIGNED', 'b:1', 7)));
    assert.equal(r.task('c', 0)!.state, 'UNASSIGNED');
    // a newer generation from another worker replaces it
    r.apply(put(statusKeys.task('c', 0), st('RUNNING', 'a:1', 8)));
    assert.equal(r.task('c', 0)!.worker_id, 'a:1');
    r.apply(del(statusKeys.task('c', 0)));
    assert.equal(r.task('c', 0), undefined);
  });

  test('rules', () => {
    assert.equal(acceptsStatus(undefined, st('UNASSIGNED', 'a', 0)), true);
    assert.equal(acceptsStatus(st('RUNNING', 'b', 3), st('UNASSIGNED', 'a', 3)), false);
    assert.equal(acceptsStatus(st('RUNNING', 'b', 3), st('UNASSIGNED', 'a', 4)), true);
    assert.equal(acceptsStatus(st('PAUSED', 'b', 3), st('UNASSIGNED', 'a', 3)), true);
    assert.equal(canWriteSafely(st('RUNNING', 'b', 4), 'a', 3), false);
    assert.equal(canWriteSafely(st('RUNNING', 'b', 3), 'a', 3), true);
    assert.equal(canWriteSafely(st('RUNNING', 'a', 9), 'a', 3), true);
  });
});
