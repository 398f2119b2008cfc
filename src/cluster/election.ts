/**
 * Leader election with fencing: one `leader` key in the group's config bucket, taken with a compare-and-set
 * (`create` when there is none, `update` at the revision seen when its holder is gone). The revision the lease
 * was taken at is the leader's epoch — its fencing token: every value the leader writes to the config bucket
 * carries it, and replicas refuse a value whose epoch is older than a lease they already saw (src/cluster/
 * config-state.ts). A leader is the leader while the lease names it (this process: member key and incarnation)
 * and it is not fenced; nothing has to be renewed, the holder's membership heartbeats keep the lease alive.
 */
import { silentLog, type Log } from '../actors/index.js';
import { LEADER_KEY } from './keys.js';
import type { Membership } from './membership.js';
import { encodeJson, isWrongLastSequence, type KV } from './nats.js';

export interface LeaseValue {
  readonly worker_id: string;
  readonly url: string;
  readonly member: string;
  readonly incarnation: string;
  /** Epochs of the leases before this one (newest first, a few), so a replica can fence stale writes. */
  readonly previous: readonly number[];
}

export interface LeaseEntry {
  readonly value: LeaseValue | null;
  readonly revision: number;
}

export interface ElectionOptions {
  readonly kv: KV;
  readonly membership: Membership;
  /** The lease as the config replica last saw it (null: never written). */
  readonly lease: () => LeaseEntry | null;
  /** False while the replica may be stale (after a fencing, until it caught up): no leadership then. */
  readonly ready?: () => boolean;
  readonly log?: Log;
  /** How long a worker that is not the first live member waits before it competes (default 1000 ms). */
  readonly standbyDelayMs?: number;
}

export class LeaderElection {
  readonly #o: ElectionOptions;
  readonly #log: Log;
  readonly #listeners = new Set<() => void>();
  #attempting = false;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #wasLeader: number | null = null;

  constructor(options: ElectionOptions) {
    this.#o = options;
    this.#log = options.log ?? silentLog;
  }

  /** My epoch if I am the leader, null otherwise. */
  get epoch(): number | null {
    const lease = this.#o.lease();
    const self = this.#o.membership.self;
    if (this.#stopped || this.#o.membership.fenced || !lease?.value || this.#o.ready?.() === false) return null;
    return lease.value.member === self.member && lease.value.incarnation === self.incarnation ? lease.revision : null;
  }

  get isLeader(): boolean {
    return this.epoch !== null;
  }

  /** The current leader if it is alive (as this worker sees it). */
  leader(): LeaseValue | null {
    const lease = this.#o.lease();
    if (!lease?.value) return null;
    return this.#holderAlive(lease.value) ? lease.value : null;
  }

  /** Leadership gained or lost. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Re-evaluates after a lease, membership or fencing change: notifies and competes for a vacant lease. */
  evaluate(): void {
    if (this.#stopped) return;
    const epoch = this.epoch;
    if (epoch !== this.#wasLeader) {
      this.#log.info({ epoch, was: this.#wasLeader }, epoch !== null ? 'leadership taken' : 'leadership lost');
      this.#wasLeader = epoch;
      for (const l of this.#listeners) l();
    }
    const lease = this.#o.lease();
    if (lease?.value && this.#holderAlive(lease.value)) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      return;
    }
    if (this.#o.membership.fenced || this.#o.ready?.() === false) return;
    const live = this.#o.membership.live();
    const first = live[0]?.member === this.#o.membership.self.member;
    if (first) void this.#attempt();
    else if (!this.#timer) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        const l = this.#o.lease();
        if (!l?.value || !this.#holderAlive(l.value)) void this.#attempt();
      }, this.#o.standbyDelayMs ?? 1000);
    }
  }

  /** Gives the lease up (graceful shutdown of the leader), so another worker takes over without waiting. */
  async resign(): Promise<void> {
    const epoch = this.epoch;
    this.#stopped = true;
    clearTimeout(this.#timer);
    if (epoch === null) return;
    try {
      await this.#o.kv.delete(LEADER_KEY, { previousSeq: epoch });
    } catch (e) {
      if (!isWrongLastSequence(e)) this.#log.warn({ err: e }, 'could not give the lease up');
    }
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #holderAlive(v: LeaseValue): boolean {
    const m = this.#o.membership.member(v.member);
    return m !== undefined && m.incarnation === v.incarnation;
  }

  async #attempt(): Promise<void> {
    if (this.#attempting || this.#stopped || this.#o.membership.fenced || this.#o.ready?.() === false) return;
    this.#attempting = true;
    const lease = this.#o.lease();
    const self = this.#o.membership.self;
    const previous = lease?.value ? [lease.revision, ...lease.value.previous].slice(0, 8) : lease ? [lease.revision] : [];
    const value: LeaseValue = { worker_id: self.workerId, url: self.url, member: self.member, incarnation: self.incarnation, previous };
    try {
      const rev = lease && lease.value ? await this.#o.kv.update(LEADER_KEY, encodeJson(value), lease.revision) : await this.#o.kv.create(LEADER_KEY, encodeJson(value));
      this.#log.info({ epoch: rev, previous: lease?.revision ?? null }, 'lease taken');
    } catch (e) {
      if (!isWrongLastSequence(e)) this.#log.warn({ err: e }, 'could not take the lease');
      // Lost the race (or the lease changed): the watch brings the winner.
    } finally {
      this.#attempting = false;
    }
  }
}
