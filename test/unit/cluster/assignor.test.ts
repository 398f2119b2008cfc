import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  EMPTY_ASSIGNMENT,
  rebalance,
  parseTaskKey,
  taskKey,
  type Allocation,
  type ClusterAssignment,
} from '../../../src/cluster/assignor.js';

const KINDS = ['connectors', 'tasks'] as const;

interface Worker {
  live: boolean;
  applied: number;
  running: { connectors: Set<string>; tasks: Set<string> };
}

/** A little cluster: workers apply assignments when the test says so; the leader rebalances when told. */
class Sim {
  assignment: ClusterAssignment = EMPTY_ASSIGNMENT;
  now = 1_000_000;
  readonly workers = new Map<string, Worker>();
  constructor(public work: Allocation, readonly maxDelayMs: number) {}

  live(): string[] {
    return [...this.workers].filter(([, w]) => w.live).map(([m]) => m);
  }

  join(m: string): void {
    const w = this.workers.get(m);
    if (w?.live) return;
    this.workers.set(m, { live: true, applied: 0, running: { connectors: new Set(), tasks: new Set() } });
  }

  /** The process dies: it runs nothing any more (a partitioned worker fences itself before it is declared gone). */
  crash(m: string): void {
    const w = this.workers.get(m);
    if (!w) return;
    w.live = false;
    w.running = { connectors: new Set(), tasks: new Set() };
  }

  apply(m: string): void {
    const w = this.workers.get(m);
    if (!w?.live) return;
    const mine = this.assignment.members[m];
    w.running = { connectors: new Set(mine?.connectors ?? []), tasks: new Set(mine?.tasks ?? []) };
    w.applied = this.assignment.generation;
  }

  rebalance(dt = 0) {
    this.now += dt;
    const acked: Record<string, number> = {};
    for (const m of this.live()) acked[m] = this.workers.get(m)!.applied;
    const r = rebalance({ previous: this.assignment, members: this.live(), acked, work: this.work, now: this.now, maxDelayMs: this.maxDelayMs });
    this.assignment = r.assignment;
    return r;
  }

  /** Rebalance and let every live worker apply until nothing changes. */
  settle(dt = 0): number {
    let rounds = 0;
    for (;;) {
      const r = this.rebalance(rounds === 0 ? dt : 0);
      for (const m of this.live()) this.apply(m);
      if (!r.changed) return rounds;
      if (++rounds > 50) throw new Error('no fixpoint after 50 rounds');
    }
  }

  checkNoDoubleRun(): void {
    for (const kind of KINDS) {
      const seen = new Map<string, string>();
      for (const [m, w] of this.workers) {
        if (!w.live) continue;
        for (const item of w.running[kind]) {
          const other = seen.get(item);
          assert.equal(other, undefined, `${kind} ${item} runs on ${other} and ${m} (generation ${this.assignment.generation})`);
          seen.set(item, m);
        }
      }
    }
  }

  checkAssignmentUnique(): void {
    for (const kind of KINDS) {
      const seen = new Map<string, string>();
      for (const [m, a] of Object.entries(this.assignment.members)) {
        for (const item of a[kind]) {
          assert.equal(seen.get(item), undefined, `${kind} ${item} assigned to ${seen.get(item)} and ${m}`);
          seen.set(item, m);
        }
      }
    }
  }
}

function workOf(connectors: Record<string, number>): Allocation {
  return {
    connectors: Object.keys(connectors),
    tasks: Object.entries(connectors).flatMap(([c, n]) => Array.from({ length: n }, (_, i) => taskKey(c, i))),
  };
}

function counts(a: ClusterAssignment, members: readonly string[], kind: 'connectors' | 'tasks'): number[] {
  return members.map((m) => a.members[m]?.[kind].length ?? 0);
}

function assertBalanced(sim: Sim): void {
  const live = sim.live();
  for (const kind of KINDS) {
    const c = counts(sim.assignment, live, kind);
    if (c.length > 0) assert.ok(Math.max(...c) - Math.min(...c) <= 1, `${kind} counts ${JSON.stringify(c)} are not balanced`);
  }
}

function assertEverythingAssigned(sim: Sim): void {
  if (sim.live().length === 0) return;
  for (const kind of KINDS) {
    const assigned = new Set(Object.values(sim.assignment.members).flatMap((a) => a[kind]));
    for (const item of sim.work[kind]) assert.ok(assigned.has(item), `${kind} ${item} is not assigned`);
    assert.equal(assigned.size, sim.work[kind].length, `${kind}: something assigned that is not work`);
  }
}

function ownership(a: ClusterAssignment): Map<string, string> {
  const out = new Map<string, string>();
  for (const [m, al] of Object.entries(a.members)) {
    for (const c of al.connectors) out.set(`c:${c}`, m);
    for (const t of al.tasks) out.set(`t:${t}`, m);
  }
  return out;
}

const arbWork = fc
  .dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/), fc.integer({ min: 0, max: 12 }), { minKeys: 0, maxKeys: 6 })
  .map(workOf);
const arbMembers = fc.uniqueArray(fc.stringMatching(/^w[0-9]{1,2}$/), { minLength: 1, maxLength: 7 });

describe('assignor', () => {
  test('task ids round-trip, names with dashes included', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.nat(), (c, n) => {
        assert.deepEqual(parseTaskKey(taskKey(c, n)), { connector: c, task: n });
      }),
    );
  });

  test('a settled cluster is balanced, every connector and task is assigned once, nothing is held or revoked', () => {
    fc.assert(
      fc.property(arbWork, arbMembers, (work, members) => {
        const sim = new Sim(work, 0);
        for (const m of members) sim.join(m);
        sim.settle();
        sim.checkAssignmentUnique();
        assertBalanced(sim);
        assertEverythingAssigned(sim);
        assert.deepEqual(sim.assignment.revoking, {});
        assert.deepEqual(sim.assignment.delayed, {});
      }),
      { numRuns: 300 },
    );
  });

  test('the same input gives the same output (pure)', () => {
    fc.assert(
      fc.property(arbWork, arbMembers, fc.nat({ max: 10_000 }), (work, members, delay) => {
        const input = { previous: EMPTY_ASSIGNMENT, members, acked: {}, work, now: 5, maxDelayMs: delay };
        const frozen = JSON.stringify(input);
        const a = rebalance(input);
        const b = rebalance(input);
        assert.deepEqual(a, b);
        assert.equal(JSON.stringify(input), frozen, 'the input was modified');
      }),
    );
  });

  test('no connector or task ever runs on two workers, whatever the order of joins, crashes, applies and rebalances', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('join' as const), m: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ k: fc.constant('crash' as const), m: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ k: fc.constant('apply' as const), m: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ k: fc.constant('rebalance' as const), dt: fc.integer({ min: 0, max: 3000 }) }),
      fc.record({ k: fc.constant('work' as const), w: arbWork }),
    );
    fc.assert(
      fc.property(arbWork, fc.constantFrom(0, 1000, 5000), fc.array(op, { maxLength: 80 }), (work, delay, ops) => {
        const sim = new Sim(work, delay);
        sim.join('w0');
        for (const o of ops) {
          if (o.k === 'join') sim.join(`w${o.m}`);
          else if (o.k === 'crash') sim.crash(`w${o.m}`);
          else if (o.k === 'apply') sim.apply(`w${o.m}`);
          else if (o.k === 'rebalance') sim.rebalance(o.dt);
          else sim.work = o.w;
          sim.checkAssignmentUnique();
          sim.checkNoDoubleRun();
        }
        // Whatever happened, it settles: balanced and complete once the delays are over.
        // (a departure is noticed at the first rebalance after it; its delay runs from there)
        sim.settle(0);
        sim.settle(delay + 1);
        sim.checkNoDoubleRun();
        assertBalanced(sim);
        assertEverythingAssigned(sim);
      }),
      { numRuns: 400 },
    );
  });

  test('sticky: a worker joining takes only the minimum from the others, and nothing else moves', () => {
    fc.assert(
      fc.property(arbWork, arbMembers, fc.integer({ min: 1, max: 3 }), (work, members, joining) => {
        const sim = new Sim(work, 0);
        for (const m of members) sim.join(m);
        sim.settle();
        const before = ownership(sim.assignment);
        const n = members.length + joining;
        for (let i = 0; i < joining; i++) sim.join(`new${i}`);
        sim.settle();
        const after = ownership(sim.assignment);
        let moved = 0;
        for (const [item, m] of before) if (after.get(item) !== m) moved++;
        // The minimum: what each old member holds beyond its balanced share (larger shares to the fullest).
        let minimum = 0;
        for (const kind of KINDS) {
          const total = work[kind].length;
          const prevCounts = members.map((m) => [...before].filter(([item, o]) => o === m && item.startsWith(kind === 'connectors' ? 'c:' : 't:')).length);
          prevCounts.sort((a, b) => b - a);
          const floor = Math.floor(total / n);
          const extra = total % n;
          prevCounts.forEach((c, i) => {
            minimum += Math.max(0, c - (floor + (i < extra ? 1 : 0)));
          });
        }
        assert.equal(moved, minimum);
        // Whatever moved went to the new workers.
        for (const [item, m] of before) if (after.get(item) !== m) assert.match(after.get(item)!, /^new/);
        assertBalanced(sim);
      }),
      { numRuns: 300 },
    );
  });

  test('a departed worker: its work waits for the delay; if it returns in time it gets exactly that work back', () => {
    fc.assert(
      fc.property(arbWork, arbMembers.filter((m) => m.length >= 2), fc.integer({ min: 1, max: 10_000 }), (work, members, delay) => {
        const sim = new Sim(work, delay);
        for (const m of members) sim.join(m);
        sim.settle();
        const gone = members[0]!;
        const its = sim.assignment.members[gone]!;
        const others = new Map(members.slice(1).map((m) => [m, sim.assignment.members[m]!]));
        sim.crash(gone);
        sim.settle(0);
        // Held: the others keep exactly what they had, the departed worker's work is delayed, not reassigned.
        for (const [m, a] of others) assert.deepEqual(sim.assignment.members[m], a);
        if (its.connectors.length + its.tasks.length > 0) {
          assert.deepEqual(
            { connectors: sim.assignment.delayed[gone]!.connectors, tasks: sim.assignment.delayed[gone]!.tasks },
            { connectors: [...its.connectors], tasks: [...its.tasks] },
          );
        }
        sim.settle(delay - 1); // still within the delay
        for (const [m, a] of others) assert.deepEqual(sim.assignment.members[m], a);
        sim.join(gone);
        sim.settle(0);
        assert.deepEqual(sim.assignment.members[gone], its);
        for (const [m, a] of others) assert.deepEqual(sim.assignment.members[m], a);
      }),
      { numRuns: 200 },
    );
  });

  test('a departed worker that does not return: after the delay only its work moves, spread over the others', () => {
    fc.assert(
      fc.property(arbWork, arbMembers.filter((m) => m.length >= 2), fc.integer({ min: 0, max: 10_000 }), (work, members, delay) => {
        const sim = new Sim(work, delay);
        for (const m of members) sim.join(m);
        sim.settle();
        const before = ownership(sim.assignment);
        const gone = members[0]!;
        sim.crash(gone);
        const r = sim.rebalance(0);
        if (delay > 0 && Object.keys(sim.assignment.delayed).length > 0) {
          assert.equal(r.nextCheckAt, sim.now + delay);
        }
        sim.settle(0);
        sim.settle(delay); // the deadline passes
        const after = ownership(sim.assignment);
        for (const [item, m] of before) {
          if (m !== gone) assert.equal(after.get(item), m, `${item} moved from ${m} though its worker stayed`);
          else assert.notEqual(after.get(item), undefined);
        }
        assert.deepEqual(sim.assignment.delayed, {});
        assertBalanced(sim);
        assertEverythingAssigned(sim);
      }),
      { numRuns: 200 },
    );
  });

  test('a revoked task is not handed to another worker until its owner confirmed it stopped it', () => {
    const sim = new Sim(workOf({ c: 4 }), 0);
    sim.join('a');
    sim.settle();
    assert.deepEqual(sim.assignment.members['a']!.tasks, ['c-0', 'c-1', 'c-2', 'c-3']);
    sim.join('b');
    const r1 = sim.rebalance();
    // a loses two tasks; b gets nothing yet (b gets the connector, which nobody ran... it was a's: see below)
    assert.deepEqual(r1.revoked['a']?.tasks, ['c-2', 'c-3']);
    assert.deepEqual(sim.assignment.members['b']!.tasks, []);
    sim.apply('b');
    const r2 = sim.rebalance();
    assert.equal(r2.changed, false, 'nothing changes before a confirms');
    sim.apply('a'); // a stopped c-2 and c-3 and confirmed
    const r3 = sim.rebalance();
    assert.deepEqual(r3.added['b']?.tasks, ['c-2', 'c-3']);
    assert.deepEqual(sim.assignment.revoking, {});
  });

  test('deleted work is revoked; a connector re-created under the same name waits for the old instance to stop', () => {
    const sim = new Sim(workOf({ x: 1 }), 0);
    sim.join('a');
    sim.join('b');
    sim.settle();
    const owner = sim.assignment.members['a']!.connectors.includes('x') ? 'a' : 'b';
    sim.work = workOf({});
    sim.rebalance();
    assert.deepEqual(sim.assignment.revoking[owner]!.connectors, ['x']);
    sim.work = workOf({ x: 1 });
    sim.rebalance();
    assert.equal(Object.values(sim.assignment.members).some((a) => a.connectors.includes('x')), false);
    sim.apply(owner);
    sim.rebalance();
    assert.equal(Object.values(sim.assignment.members).filter((a) => a.connectors.includes('x')).length, 1);
  });

  test('no delay configured: a departed worker\'s work moves at once', () => {
    const sim = new Sim(workOf({ c: 6 }), 0);
    for (const m of ['a', 'b', 'c']) sim.join(m);
    sim.settle();
    sim.crash('b');
    sim.settle();
    assert.deepEqual(sim.assignment.delayed, {});
    assertEverythingAssigned(sim);
    assert.deepEqual(counts(sim.assignment, ['a', 'c'], 'tasks'), [3, 3]);
  });

  test('no members: nothing is assigned, and the work is placed when one joins', () => {
    const sim = new Sim(workOf({ c: 3 }), 1000);
    sim.settle();
    assert.deepEqual(sim.assignment.members, {});
    sim.join('a');
    sim.settle();
    assertEverythingAssigned(sim);
  });
});
