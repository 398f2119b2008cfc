/**
 * The incremental cooperative assignor (Kafka Connect's IncrementalCooperativeAssignor, KIP-415), as a pure
 * function: the previous assignment, the live members, what each member confirmed, the work, the clock and the
 * delay setting in; the next assignment out. The leader calls it whenever something changed and writes the
 * result when it differs.
 *
 * Rules (each one is a property test in test/unit/cluster/assignor.test.ts):
 * - Every connector and task of `work` is owned by at most one member, and never handed to a member while
 *   another member may still run it: work taken from a member (revoked) stays unplaced until that member
 *   confirmed an assignment generation at least as new as the revocation (it stopped it), or left the group.
 * - Sticky: a member keeps what it owns unless the work was deleted, duplicated, or it holds more than its
 *   balanced share; only the excess moves, and it moves once.
 * - Balanced: once nothing is delayed or being revoked, connector counts and task counts of the live members
 *   differ by at most one (connectors and tasks are balanced separately, as Kafka does).
 * - `scheduled.rebalance.max.delay.ms`: the work of a member that left is held for it until `since + maxDelay`;
 *   if it comes back before then it gets that work back, otherwise the work goes to the least loaded members.
 *   A delay of 0 reassigns at once.
 * - Work owned by nobody (new connectors and tasks, released work) goes to the least loaded member, connectors
 *   and tasks each by their own count.
 */

/** A set of connectors and tasks (task ids are `<connector>-<n>`, as in Kafka's status and config keys). */
export interface Allocation {
  readonly connectors: readonly string[];
  readonly tasks: readonly string[];
}

export interface RevokingEntry extends Allocation {
  /** The assignment generation that took the work away; a member confirming it (or a later one) has stopped it. */
  readonly generation: number;
}

export interface DelayedEntry extends Allocation {
  /** When the member was found gone. */
  readonly since: number;
  /** When its work is released to the others. */
  readonly deadline: number;
}

export interface ClusterAssignment {
  /** Increases by one each time the assignment changes. */
  readonly generation: number;
  /** What each live member runs: its whole set (not increments). */
  readonly members: Readonly<Record<string, Allocation>>;
  /** Work taken from a member that has not confirmed it stopped it yet. */
  readonly revoking: Readonly<Record<string, RevokingEntry>>;
  /** The work of members that left, held for them until the deadline. */
  readonly delayed: Readonly<Record<string, DelayedEntry>>;
}

export interface RebalanceInput {
  readonly previous: ClusterAssignment;
  /** The live members. */
  readonly members: readonly string[];
  /** Per live member, the newest assignment generation it applied (stopped what it no longer owns). */
  readonly acked: Readonly<Record<string, number>>;
  /** Every connector and task that should run. */
  readonly work: Allocation;
  readonly now: number;
  /** `scheduled.rebalance.max.delay.ms`. */
  readonly maxDelayMs: number;
}

export interface RebalanceResult {
  /** The next assignment; its generation is the previous one + 1 when `changed`, the same otherwise. */
  readonly assignment: ClusterAssignment;
  readonly changed: boolean;
  /** Per member, what it gained in this round. */
  readonly added: Readonly<Record<string, Allocation>>;
  /** Per member, what it lost in this round. */
  readonly revoked: Readonly<Record<string, Allocation>>;
  /** When the assignor must run again even if nothing else happens (the earliest delay deadline); null: never. */
  readonly nextCheckAt: number | null;
}

export const EMPTY_ASSIGNMENT: ClusterAssignment = Object.freeze({ generation: 0, members: {}, revoking: {}, delayed: {} });

const KINDS = ['connectors', 'tasks'] as const;
type Kind = (typeof KINDS)[number];

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const sorted = (items: Iterable<string>): string[] => [...items].sort(cmp);

interface Bag {
  connectors: Set<string>;
  tasks: Set<string>;
}
const bag = (a?: Allocation): Bag => ({ connectors: new Set(a?.connectors ?? []), tasks: new Set(a?.tasks ?? []) });
const fromBag = (b: Bag): Allocation => ({ connectors: sorted(b.connectors), tasks: sorted(b.tasks) });
const isEmptyBag = (b: Bag): boolean => b.connectors.size === 0 && b.tasks.size === 0;

/** Computes the next assignment. Pure: same input, same output; nothing in the input is modified. */
export function rebalance(input: RebalanceInput): RebalanceResult {
  const { previous: prev, now } = input;
  const maxDelay = Math.max(0, input.maxDelayMs);
  const live = sorted(new Set(input.members));
  const liveSet = new Set(live);
  const work: Bag = bag(input.work);
  const nextGeneration = prev.generation + 1;

  const owned = new Map<string, Bag>(live.map((m) => [m, bag()]));
  const revoking = new Map<string, { bag: Bag; generation: number }>();
  const delayed = new Map<string, { bag: Bag; since: number; deadline: number }>();
  const unassigned: Bag = bag();
  const claimed: Bag = bag();

  const revoke = (member: string, kind: Kind, item: string): void => {
    let r = revoking.get(member);
    if (!r) revoking.set(member, (r = { bag: bag(), generation: nextGeneration }));
    r.bag[kind].add(item);
    r.generation = nextGeneration;
  };

  // 1. Pending revocations: dropped once confirmed or once the member is gone (a member that left stopped
  //    its work: it fences itself before the others may consider it gone).
  for (const m of sorted(Object.keys(prev.revoking))) {
    const entry = prev.revoking[m]!;
    if (!liveSet.has(m)) continue;
    if ((input.acked[m] ?? 0) >= entry.generation) continue;
    revoking.set(m, { bag: bag(entry), generation: entry.generation });
  }
  const busy = (kind: Kind, item: string): boolean => {
    for (const r of revoking.values()) if (r.bag[kind].has(item)) return true;
    return false;
  };

  // 2. What live members keep: their previous work that still exists, once (a duplicate is revoked).
  for (const m of live) {
    const before = prev.members[m];
    if (!before) continue;
    for (const kind of KINDS) {
      for (const item of before[kind]) {
        if (!work[kind].has(item) || claimed[kind].has(item)) {
          revoke(m, kind, item); // deleted or duplicated: stop it, and do not place it until confirmed
          continue;
        }
        claimed[kind].add(item);
        owned.get(m)![kind].add(item);
      }
    }
  }

  // 3. Members that left: hold their work for them (or release it at once with no delay). Those held
  //    before keep their deadline; one that is back gets its work again.
  const heldBefore = new Map<string, { bag: Bag; since: number }>();
  for (const m of Object.keys(prev.delayed)) {
    const e = prev.delayed[m]!;
    heldBefore.set(m, { bag: bag(e), since: e.since });
  }
  for (const m of Object.keys(prev.members)) {
    if (liveSet.has(m)) continue;
    const held = heldBefore.get(m) ?? { bag: bag(), since: now };
    for (const kind of KINDS) for (const item of prev.members[m]![kind]) held.bag[kind].add(item);
    heldBefore.set(m, held);
  }
  for (const m of sorted(heldBefore.keys())) {
    const held = heldBefore.get(m)!;
    const deadline = held.since + maxDelay;
    const back = liveSet.has(m);
    const release = !back && (maxDelay === 0 || deadline <= now);
    const keep: Bag = bag();
    for (const kind of KINDS) {
      for (const item of held.bag[kind]) {
        if (!work[kind].has(item) || claimed[kind].has(item)) continue;
        claimed[kind].add(item);
        if (back) owned.get(m)![kind].add(item);
        else if (release) unassigned[kind].add(item);
        else keep[kind].add(item);
      }
    }
    if (!back && !release && !isEmptyBag(keep)) delayed.set(m, { bag: keep, since: held.since, deadline });
  }

  // 4. Work nobody owns or holds: to be placed (unless a member still has to confirm it stopped it).
  for (const kind of KINDS) {
    for (const item of work[kind]) {
      if (!claimed[kind].has(item)) unassigned[kind].add(item);
    }
  }

  // 5. Load balancing, only when nothing is held or being revoked (as Kafka: no balancing during a delay).
  if (live.length > 0 && delayed.size === 0 && revoking.size === 0) {
    for (const kind of KINDS) {
      const total = work[kind].size;
      const floor = Math.floor(total / live.length);
      const extra = total % live.length;
      // The members holding the most keep the larger share: that moves the least.
      const byLoad = [...live].sort((a, b) => owned.get(b)![kind].size - owned.get(a)![kind].size || cmp(a, b));
      byLoad.forEach((m, i) => {
        const target = floor + (i < extra ? 1 : 0);
        const mine = owned.get(m)![kind];
        if (mine.size <= target) return;
        const excess = sorted(mine).slice(target);
        for (const item of excess) {
          mine.delete(item);
          revoke(m, kind, item);
        }
      });
    }
  }

  // 6. Placement: each unowned item to the least loaded member of its kind.
  if (live.length > 0) {
    for (const kind of KINDS) {
      for (const item of sorted(unassigned[kind])) {
        if (busy(kind, item)) continue;
        let best = live[0]!;
        for (const m of live) {
          const load = owned.get(m)![kind].size;
          const bestLoad = owned.get(best)![kind].size;
          if (load < bestLoad) best = m;
          else if (load === bestLoad) {
            const total = owned.get(m)!.connectors.size + owned.get(m)!.tasks.size;
            const bestTotal = owned.get(best)!.connectors.size + owned.get(best)!.tasks.size;
            if (total < bestTotal) best = m;
          }
        }
        owned.get(best)![kind].add(item);
      }
    }
  }

  // 7. The result, and whether anything changed.
  const members: Record<string, Allocation> = {};
  for (const m of live) members[m] = fromBag(owned.get(m)!);
  const added: Record<string, Allocation> = {};
  const revokedNow: Record<string, Allocation> = {};
  for (const m of live) {
    const before = bag(prev.members[m]);
    const after = owned.get(m)!;
    const plus: Bag = bag();
    const minus: Bag = bag();
    for (const kind of KINDS) {
      for (const item of after[kind]) if (!before[kind].has(item)) plus[kind].add(item);
      for (const item of before[kind]) if (!after[kind].has(item)) minus[kind].add(item);
    }
    if (!isEmptyBag(plus)) added[m] = fromBag(plus);
    if (!isEmptyBag(minus)) revokedNow[m] = fromBag(minus);
  }
  const revokingOut: Record<string, RevokingEntry> = {};
  for (const m of sorted(revoking.keys())) {
    const r = revoking.get(m)!;
    if (!isEmptyBag(r.bag)) revokingOut[m] = { ...fromBag(r.bag), generation: r.generation };
  }
  const delayedOut: Record<string, DelayedEntry> = {};
  for (const m of sorted(delayed.keys())) {
    const d = delayed.get(m)!;
    delayedOut[m] = { ...fromBag(d.bag), since: d.since, deadline: d.deadline };
  }
  const candidate = { members, revoking: revokingOut, delayed: delayedOut };
  const changed = !sameState(prev, candidate);
  const assignment: ClusterAssignment = changed
    ? { generation: nextGeneration, ...candidate }
    : { generation: prev.generation, ...candidate, revoking: sameGenerations(revokingOut, prev.revoking) };
  let nextCheckAt: number | null = null;
  for (const d of Object.values(delayedOut)) nextCheckAt = nextCheckAt === null ? d.deadline : Math.min(nextCheckAt, d.deadline);
  return { assignment, changed, added, revoked: revokedNow, nextCheckAt };
}

/** Unchanged revocations keep their generation (a revocation is only renewed when the assignment changes). */
function sameGenerations(out: Record<string, RevokingEntry>, prev: Readonly<Record<string, RevokingEntry>>): Record<string, RevokingEntry> {
  const r: Record<string, RevokingEntry> = {};
  for (const [m, e] of Object.entries(out)) r[m] = { ...e, generation: prev[m]?.generation ?? e.generation };
  return r;
}

function sameAllocation(a: Allocation | undefined, b: Allocation | undefined): boolean {
  if (!a || !b) return a === b;
  return sameList(a.connectors, b.connectors) && sameList(a.tasks, b.tasks);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sa = sorted(a);
  const sb = sorted(b);
  return sa.every((x, i) => x === sb[i]);
}

function sameRecord<T extends Allocation>(a: Readonly<Record<string, T>>, b: Readonly<Record<string, T>>, extra: (x: T, y: T) => boolean): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => b[k] !== undefined && sameAllocation(a[k], b[k]) && extra(a[k]!, b[k]!));
}

function sameState(
  prev: ClusterAssignment,
  next: Pick<ClusterAssignment, 'members' | 'revoking' | 'delayed'>,
): boolean {
  return (
    sameRecord(prev.members, next.members, () => true) &&
    sameRecord(prev.revoking, next.revoking, () => true) &&
    sameRecord(prev.delayed, next.delayed, (x, y) => x.since === y.since && x.deadline === y.deadline)
  );
}

// ---- helpers for the runtime ------------------------------------------------------------------------------------

/** Kafka's task id text: `<connector>-<n>` (the number is after the last `-`, so names may contain `-`). */
export const taskKey = (connector: string, task: number): string => `${connector}-${task}`;

export function parseTaskKey(key: string): { connector: string; task: number } {
  const i = key.lastIndexOf('-');
  if (i <= 0) throw new Error(`not a task id: ${key}`);
  const task = Number(key.slice(i + 1));
  if (!Number.isInteger(task) || task < 0) throw new Error(`not a task id: ${key}`);
  return { connector: key.slice(0, i), task };
}

/** The member that owns a connector or task in an assignment (undefined: nobody yet). */
export function ownerOf(assignment: ClusterAssignment, kind: Kind, item: string): string | undefined {
  for (const [m, a] of Object.entries(assignment.members)) if (a[kind].includes(item)) return m;
  return undefined;
}
