import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Rebalancer, decide, workOf, type RebalanceView } from '../../../src/cluster/rebalancer.js';
import type { AssignmentValue } from '../../../src/cluster/config-state.js';
import type { Allocation } from '../../../src/cluster/assignor.js';
import { silentLog } from '../../../src/actors/index.js';
import { sleep } from '../../../src/async/index.js';

const WORK: Allocation = { connectors: ['a', 'b'], tasks: ['a-0', 'a-1', 'b-0', 'b-1'] };
const live = (...members: Array<[string, number]>) => members.map(([member, generation]) => ({ member, generation }));

describe('the rebalancer decision', () => {
  test('the work: every connector; tasks of committed configs, none of a STOPPED connector', () => {
    const connectors = new Map([
      ['a', { config: {}, revision: 1 }],
      ['b', { config: {}, revision: 2 }],
      ['c', { config: {}, revision: 3 }],
    ]);
    const tasks: Record<string, number> = { a: 2, b: 1, c: 3 };
    const work = workOf({
      connectors,
      targetState: (c: string) => (c === 'c' ? 'STOPPED' : 'STARTED'),
      taskConfigs: (c: string) => Array.from({ length: tasks[c] ?? 0 }, () => ({})),
    });
    assert.deepEqual(work, { connectors: ['a', 'b', 'c'], tasks: ['a-0', 'a-1', 'b-0'] });
  });

  test('first round: the work is spread over the live members; the same inputs again change nothing', () => {
    const r1 = decide({ current: null, live: live(['m1', 0], ['m2', 0]), work: WORK }, 1000, 5000);
    assert.equal(r1.changed, true);
    assert.equal(r1.assignment.generation, 1);
    assert.deepEqual(Object.keys(r1.assignment.members).sort(), ['m1', 'm2']);
    for (const m of ['m1', 'm2']) {
      assert.equal(r1.assignment.members[m]!.connectors.length, 1);
      assert.equal(r1.assignment.members[m]!.tasks.length, 2);
    }
    const r2 = decide({ current: r1.assignment, live: live(['m1', 1], ['m2', 1]), work: WORK }, 1100, 5000);
    assert.equal(r2.changed, false);
  });

  test("a departed member's work waits for the delay deadline, then moves", () => {
    const r1 = decide({ current: null, live: live(['m1', 0], ['m2', 0]), work: WORK }, 1000, 5000);
    const r2 = decide({ current: r1.assignment, live: live(['m1', 1]), work: WORK }, 1200, 5000);
    assert.equal(r2.changed, true);
    assert.equal(r2.nextCheckAt, 6200);
    assert.deepEqual(Object.keys(r2.assignment.delayed), ['m2']);
    assert.equal(r2.assignment.members['m2'], undefined);
    const gen = r2.assignment.generation;
    const r3 = decide({ current: r2.assignment, live: live(['m1', gen]), work: WORK }, 6300, 5000);
    assert.equal(r3.changed, true);
    assert.deepEqual([...r3.assignment.members['m1']!.tasks].sort(), WORK.tasks);
    assert.deepEqual(r3.assignment.delayed, {});
  });
});

/** A view whose replica takes the writes at once (or not, with `lagging`). */
function fakeView(init: { leader?: boolean; members: Array<[string, number]>; lagging?: boolean }) {
  let assignment: (AssignmentValue & { revision: number }) | null = null;
  let revision = 0;
  const writes: Array<Omit<AssignmentValue, 'epoch'>> = [];
  let repairs = 0;
  const view: RebalanceView & { members: Array<[string, number]>; leader: boolean } = {
    leader: init.leader ?? true,
    members: init.members,
    isLeader: () => view.leader,
    assignment: () => assignment,
    live: () => live(...view.members),
    work: () => WORK,
    repairStale: async () => {
      repairs++;
    },
    writeAssignment: async (value) => {
      writes.push(value);
      revision++;
      if (!init.lagging) assignment = { ...value, epoch: 1, revision };
      return revision;
    },
    leaderIdle: () => Promise.resolve(),
  };
  return { view, writes, repairs: () => repairs };
}

describe('the rebalancer loop', () => {
  test('only the leader runs rounds; a round writes the assignment when it changed', async () => {
    const follower = fakeView({ leader: false, members: [['m1', 0]] });
    const r0 = new Rebalancer(follower.view, { maxDelayMs: 5000, running: () => true, log: silentLog });
    r0.schedule();
    await sleep(30);
    assert.equal(follower.writes.length, 0);

    const f = fakeView({ members: [['m1', 0], ['m2', 0]] });
    const r = new Rebalancer(f.view, { maxDelayMs: 5000, running: () => true, log: silentLog });
    r.schedule();
    r.schedule(); // asked twice within the debounce: one round
    await sleep(30);
    assert.equal(f.writes.length, 1);
    assert.equal(f.repairs(), 1);
    // Nothing changed: no write.
    f.view.members = [['m1', 1], ['m2', 1]];
    r.schedule();
    await sleep(30);
    assert.equal(f.writes.length, 1);
    r.stop();
  });

  test('a round waits until the replica has its own last write', async () => {
    const f = fakeView({ members: [['m1', 0]], lagging: true });
    const r = new Rebalancer(f.view, { maxDelayMs: 5000, running: () => true, log: silentLog });
    r.schedule();
    await sleep(30);
    assert.equal(f.writes.length, 1);
    f.view.members = [['m1', 0], ['m2', 0]];
    r.schedule();
    await sleep(30);
    assert.equal(f.writes.length, 1, 'no round from an assignment older than its own write');
    r.stop();
  });

  test('a delay deadline schedules the next round by itself', async () => {
    let now = 1000;
    const f = fakeView({ members: [['m1', 0], ['m2', 0]] });
    const r = new Rebalancer(f.view, { maxDelayMs: 40, running: () => true, log: silentLog, now: () => now });
    r.schedule();
    await sleep(30);
    assert.equal(f.writes.length, 1);
    f.view.members = [['m1', 1]];
    r.schedule();
    await sleep(30);
    assert.equal(f.writes.length, 2);
    assert.deepEqual(Object.keys(f.writes[1]!.delayed), ['m2']);
    now += 50;
    await sleep(120); // the deadline timer fires (40 ms + 5) and the round moves m2's work
    assert.equal(f.writes.length, 3);
    assert.deepEqual(f.writes[2]!.delayed, {});
    assert.deepEqual([...f.writes[2]!.members['m1']!.tasks].sort(), WORK.tasks);
    r.stop();
  });

  test('nothing runs once the herder stopped', async () => {
    let running = true;
    const f = fakeView({ members: [['m1', 0]] });
    const r = new Rebalancer(f.view, { maxDelayMs: 5000, running: () => running, log: silentLog });
    running = false;
    r.schedule();
    await sleep(30);
    assert.equal(f.writes.length, 0);
  });
});
