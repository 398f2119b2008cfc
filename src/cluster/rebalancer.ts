/**
 * The leader's assignor loop: runs the incremental cooperative assignor (assignor.ts) whenever members, their
 * confirmed generations or the work change, and at the delay deadlines the assignor names, and writes the
 * assignment when it changed. One round at a time; a round asked for during one runs right after it. A round
 * starts from the assignment in the replica, so it waits until the replica has this leader's own last write.
 */
import type { Log } from '../actors/index.js';
import { EMPTY_ASSIGNMENT, rebalance, taskKey, type Allocation, type ClusterAssignment, type RebalanceResult } from './assignor.js';
import type { AssignmentValue, ConfigState } from './config-state.js';
import { NotLeaderError } from './group.js';

/** What a round reads and writes (a GroupMember in production; fakes in unit tests). */
export interface RebalanceView {
  isLeader(): boolean;
  /** The assignment in the replica, with its revision. */
  assignment(): (AssignmentValue & { revision: number }) | null;
  /** Live members with the generation each confirmed. */
  live(): readonly { readonly member: string; readonly generation: number }[];
  work(): Allocation;
  /** Rewrites what a deposed leader overwrote (before a round). */
  repairStale(): Promise<void>;
  /** Writes the assignment (fenced); resolves with the revision written. */
  writeAssignment(value: Omit<AssignmentValue, 'epoch'>): Promise<number>;
  /** Resolves when the leader's writes in progress are done. */
  leaderIdle(): Promise<unknown>;
}

export interface RebalancerOptions {
  readonly maxDelayMs: number;
  /** Whether the herder still runs (no round, no timer after it stopped). */
  readonly running: () => boolean;
  readonly log: Log;
  readonly now?: () => number;
}

/** The work: every connector, and the tasks of the committed task configs of those not STOPPED. */
export function workOf(cfg: Pick<ConfigState, 'connectors' | 'targetState' | 'taskConfigs'>): Allocation {
  const connectors = [...cfg.connectors.keys()];
  const tasks: string[] = [];
  for (const c of connectors) {
    if (cfg.targetState(c) === 'STOPPED') continue;
    const n = cfg.taskConfigs(c).length;
    for (let i = 0; i < n; i++) tasks.push(taskKey(c, i));
  }
  return { connectors, tasks };
}

/** What one assignor run starts from. */
export interface RoundInput {
  /** The assignment in the replica (null: none yet). */
  readonly current: ClusterAssignment | null;
  readonly live: readonly { readonly member: string; readonly generation: number }[];
  readonly work: Allocation;
}

/** One assignor run (pure): the members' confirmed generations are what they put in their heartbeats. */
export function decide(input: RoundInput, now: number, maxDelayMs: number): RebalanceResult {
  const { current, live } = input;
  const acked: Record<string, number> = {};
  for (const m of live) acked[m.member] = m.generation;
  const previous: ClusterAssignment = current
    ? { generation: current.generation, members: current.members, revoking: current.revoking, delayed: current.delayed }
    : EMPTY_ASSIGNMENT;
  return rebalance({ previous, members: live.map((m) => m.member), acked, work: input.work, now, maxDelayMs });
}

export class Rebalancer {
  readonly #view: RebalanceView;
  readonly #o: RebalancerOptions;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #deadlineTimer: NodeJS.Timeout | undefined;
  #rebalancing = false;
  #again = false;
  #lastWrite = 0;

  constructor(view: RebalanceView, options: RebalancerOptions) {
    this.#view = view;
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  /** Asks for a round soon (rounds asked for within a few ms run once). Only the leader runs rounds. */
  schedule(): void {
    if (!this.#o.running() || !this.#view.isLeader()) return;
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#run();
    }, 5);
  }

  stop(): void {
    clearTimeout(this.#timer);
    clearTimeout(this.#deadlineTimer);
  }

  async #run(): Promise<void> {
    if (this.#rebalancing) {
      this.#again = true;
      return;
    }
    this.#rebalancing = true;
    try {
      do {
        this.#again = false;
        await this.#view.leaderIdle(); // after any write in progress
        await this.#once();
      } while (this.#again && this.#o.running());
    } catch (e) {
      if (!(e instanceof NotLeaderError)) this.#o.log.warn({ err: e }, 'rebalance failed; retrying');
      if (this.#o.running()) setTimeout(() => this.schedule(), 500).unref();
    } finally {
      this.#rebalancing = false;
    }
  }

  async #once(): Promise<void> {
    const view = this.#view;
    if (!this.#o.running() || !view.isLeader()) return;
    // Our own last write must be in the replica first: the next round starts from it.
    const current = view.assignment();
    if ((current?.revision ?? 0) < this.#lastWrite) return;
    await view.repairStale();
    const r = decide({ current, live: view.live(), work: view.work() }, this.#now(), this.#o.maxDelayMs);
    clearTimeout(this.#deadlineTimer);
    if (r.nextCheckAt !== null) {
      this.#deadlineTimer = setTimeout(() => this.schedule(), Math.max(0, r.nextCheckAt - this.#now()) + 5);
    }
    if (!r.changed) return;
    this.#lastWrite = await view.writeAssignment(r.assignment);
    this.#o.log.info(
      {
        generation: r.assignment.generation,
        added: summarize(r.added),
        revoked: summarize(r.revoked),
        delayed: Object.keys(r.assignment.delayed),
        revoking: Object.keys(r.assignment.revoking),
      },
      'assignment written',
    );
  }
}

function summarize(r: Readonly<Record<string, Allocation>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [m, a] of Object.entries(r)) out[m] = a.connectors.length + a.tasks.length;
  return out;
}
