import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CompletionTracker } from '../../../src/worker/completion.js';
import type { TaskProgress } from '../../../src/worker/herder.js';
import type { TaskMetrics } from '../../../src/streams/contracts.js';

function metrics(recordsWritten: number, pending = 0): TaskMetrics {
  return { recordsPolled: recordsWritten + pending, recordsWritten, inFlightBatches: 1, recordsFiltered: 0, batches: recordsWritten, offsetCommits: 0, offsetCommitFailures: 0, lastOffsetCommitMs: null };
}
const source = (written: number, finished: boolean, inFlight = 0): TaskProgress => ({
  connector: 'gen', task: 0, type: 'source', state: 'RUNNING', finished, metrics: metrics(written, inFlight),
});
const sink = (put: number): TaskProgress => ({ connector: 'out', task: 0, type: 'sink', state: 'RUNNING', finished: false, metrics: metrics(put) });

describe('completion rule', () => {
  test('a bounded pipeline is done once sources finished, sinks caught up and nothing moved for idleMs', () => {
    const t = new CompletionTracker({ untilIdle: false, idleMs: 1000 });
    assert.match(t.observe([source(500, false), sink(400)], 0).waitingFor!, /source tasks to finish \(gen-0\)/);
    assert.match(t.observe([source(1000, true, 3), sink(900)], 100).waitingFor!, /3 records in flight/);
    assert.match(t.observe([source(1000, true), sink(900)], 200).waitingFor!, /sinks to catch up \(900 of 1000/);
    assert.match(t.observe([source(1000, true), sink(1000)], 300).waitingFor!, /quiet/);
    assert.equal(t.observe([source(1000, true), sink(1000)], 1299).done, false);
    assert.deepEqual(t.observe([source(1000, true), sink(1000)], 1300), { done: true, waitingFor: null });
  });

  test('in-process, once the broker holds no unacknowledged record, a bounded pipeline ends without the quiet period', () => {
    const t = new CompletionTracker({ untilIdle: false, idleMs: 1000 });
    // Every other condition still holds it back.
    assert.match(t.observe([source(500, false), sink(500)], 0, [], 0).waitingFor!, /source tasks to finish/);
    assert.match(t.observe([source(1000, true, 3), sink(997)], 10, [], 0).waitingFor!, /3 records in flight/);
    assert.match(t.observe([source(1000, true), sink(900)], 20, [], 0).waitingFor!, /sinks to catch up/);
    // Records not yet committed by some sink (e.g. a dead letter queue another sink reads): the quiet period rules.
    assert.match(t.observe([source(1000, true), sink(1000)], 30, [], 12).waitingFor!, /quiet/);
    assert.deepEqual(t.observe([source(1000, true), sink(1000)], 40, [], 0), { done: true, waitingFor: null });
    // On Kafka (null) it waits for the quiet period as before.
    const k = new CompletionTracker({ untilIdle: false, idleMs: 1000 });
    assert.match(k.observe([source(1000, true), sink(1000)], 0, [], null).waitingFor!, /quiet/);
    // Until-idle is about quiet, whatever the broker holds.
    const u = new CompletionTracker({ untilIdle: true, idleMs: 1000 });
    assert.match(u.observe([source(1000, true), sink(1000)], 0, [], 0).waitingFor!, /quiet/);
  });

  test('any movement restarts the quiet period', () => {
    const t = new CompletionTracker({ untilIdle: false, idleMs: 1000 });
    t.observe([source(1000, true), sink(1000)], 0);
    t.observe([source(1000, true), sink(1001)], 900);
    assert.equal(t.observe([source(1000, true), sink(1001)], 1500).done, false);
    assert.equal(t.observe([source(1000, true), sink(1001)], 1900).done, true);
  });

  test('a pipeline without sources or with an unbounded source never ends by itself', () => {
    const t = new CompletionTracker({ untilIdle: false, idleMs: 10 });
    assert.equal(t.observe([sink(10)], 0).done, false);
    assert.equal(t.observe([sink(10)], 1e9).done, false);
    const u = new CompletionTracker({ untilIdle: false, idleMs: 10 });
    u.observe([source(5, false)], 0);
    assert.equal(u.observe([source(5, false)], 1e9).done, false);
  });

  test('until-idle ends any pipeline that stays quiet', () => {
    const t = new CompletionTracker({ untilIdle: true, idleMs: 1000 });
    t.observe([source(5, false), sink(3)], 0);
    assert.equal(t.observe([source(5, false), sink(3)], 999).done, false);
    assert.equal(t.observe([source(5, false), sink(3)], 1000).done, true);
  });

  test('tasks still starting keep it waiting', () => {
    const t = new CompletionTracker({ untilIdle: true, idleMs: 0 });
    assert.equal(t.observe([{ ...sink(0), state: 'UNASSIGNED' }], 5).done, false);
    assert.equal(t.observe([], 5).done, false);
  });
});
