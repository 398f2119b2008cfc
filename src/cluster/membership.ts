/**
 * Group membership over a JetStream KV bucket: each worker puts its entry every `heartbeat.interval.ms`; every
 * worker watches the bucket and takes a member as gone once it saw no new heartbeat from it for
 * `session.timeout.ms` — by its own clock, so clocks need not agree. Before declaring a member gone it reads the
 * member's entry once directly (a watch that stalled, e.g. during a server restart, must not kill anybody), and
 * a worker that cannot reach NATS itself declares nobody gone.
 *
 * A worker whose own heartbeats have not been stored for `fenceAfterMs` (half the session timeout by default)
 * is fenced: it must stop its tasks, since the others will soon take it for gone and move its work. It is
 * unfenced by the next heartbeat that is stored.
 */
import { randomBytes } from 'node:crypto';
import { silentLog, type Log } from '../actors/index.js';
import { escapeToken } from './keys.js';
import { KvFollower, decodeJson, encodeJson, type KV, type KvChange } from './nats.js';

export interface MemberInfo {
  /** The member's key in the bucket (its worker id, escaped). */
  readonly member: string;
  /** Kafka Connect's `worker_id` (advertised host:port). */
  readonly workerId: string;
  /** The worker's advertised REST URL (`http://host:port`). */
  readonly url: string;
  /** Random per process start: a member restarted under the same worker id has a new one. */
  readonly incarnation: string;
  /** The newest assignment generation the member applied (it stopped whatever it no longer owns). */
  readonly generation: number;
  readonly seq: number;
}

export interface MembershipOptions {
  readonly kv: KV;
  readonly bucket: string;
  readonly workerId: string;
  readonly url: string;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  /** Default: half the session timeout. */
  readonly fenceAfterMs?: number;
  readonly log?: Log;
  /** Monotonic milliseconds (tests). */
  readonly now?: () => number;
}

interface Seen {
  info: MemberInfo;
  seenAt: number;
  revision: number;
}

export const memberKey = (workerId: string): string => escapeToken(workerId);

export class Membership {
  readonly self: Pick<MemberInfo, 'member' | 'workerId' | 'url' | 'incarnation'>;
  readonly #o: MembershipOptions;
  readonly #log: Log;
  readonly #now: () => number;
  readonly #seen = new Map<string, Seen>();
  readonly #listeners = new Set<() => void>();
  readonly #fenceListeners = new Set<(fenced: boolean) => void>();
  readonly #follower: KvFollower;
  #generation = 0;
  #seq = 0;
  #lastStoredSentAt: number;
  #inFlight = false;
  #fenced = false;
  #beat: NodeJS.Timeout | undefined;
  #check: NodeJS.Timeout | undefined;
  #stopped = false;
  #expiring = false;
  #liveKeys = '';

  constructor(options: MembershipOptions) {
    this.#o = options;
    this.#log = options.log ?? silentLog;
    this.#now = options.now ?? (() => performance.now());
    this.self = {
      member: memberKey(options.workerId),
      workerId: options.workerId,
      url: options.url,
      incarnation: randomBytes(6).toString('hex'),
    };
    this.#lastStoredSentAt = this.#now();
    this.#follower = new KvFollower(options.kv, options.bucket, (c) => this.#onChange(c), this.#log);
  }

  get fenceAfterMs(): number {
    return this.#o.fenceAfterMs ?? Math.floor(this.#o.sessionTimeoutMs / 2);
  }

  /** Joins: the first heartbeat is stored, and every current member is known. */
  async start(): Promise<void> {
    await this.#heartbeat(true);
    await this.#follower.start();
    this.#beat = setInterval(() => void this.#heartbeat(false), this.#o.heartbeatIntervalMs);
    // Local bookkeeping only (a member is read from NATS once, when it looks gone): check often.
    this.#check = setInterval(() => void this.#expire(), Math.max(20, Math.min(200, Math.floor(this.#o.heartbeatIntervalMs / 2))));
    this.#emitIfChanged(true);
  }

  /** Leaves: heartbeats stop; with `graceful`, the entry is deleted so the others see it at once. */
  async stop(graceful: boolean): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#beat);
    clearInterval(this.#check);
    this.#follower.stop();
    if (graceful) {
      try {
        await this.#o.kv.delete(this.self.member);
      } catch (e) {
        this.#log.warn({ err: e }, 'could not remove the membership entry; the others will time it out');
      }
    }
  }

  /** Reports the assignment generation applied (stored with the next heartbeat, sent now). */
  setGeneration(generation: number): void {
    if (generation <= this.#generation) return;
    this.#generation = generation;
    void this.#heartbeat(true);
  }

  get generation(): number {
    return this.#generation;
  }

  get fenced(): boolean {
    return this.#fenced;
  }

  /** The live members, sorted by member key (this worker included unless it is fenced). */
  live(): MemberInfo[] {
    const out: MemberInfo[] = [];
    for (const [m, s] of this.#seen) {
      if (m === this.self.member) {
        if (!this.#fenced && s.info.incarnation === this.self.incarnation) out.push(s.info);
        continue;
      }
      out.push(s.info);
    }
    return out.sort((a, b) => (a.member < b.member ? -1 : a.member > b.member ? 1 : 0));
  }

  member(member: string): MemberInfo | undefined {
    return this.live().find((m) => m.member === member);
  }

  /** Called whenever the live set or a member's reported generation changes. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onFence(listener: (fenced: boolean) => void): () => void {
    this.#fenceListeners.add(listener);
    return () => this.#fenceListeners.delete(listener);
  }

  async #heartbeat(force: boolean): Promise<void> {
    if (this.#stopped && !force) return;
    if (this.#inFlight && !force) {
      this.#checkFence();
      return;
    }
    this.#inFlight = true;
    const sentAt = this.#now();
    const info: MemberInfo = { ...this.self, generation: this.#generation, seq: ++this.#seq };
    try {
      await this.#o.kv.put(this.self.member, encodeJson(info));
      if (sentAt > this.#lastStoredSentAt) this.#lastStoredSentAt = sentAt;
      if (this.#fenced) {
        this.#fenced = false;
        this.#log.info({ member: this.self.member }, 'heartbeats stored again; unfenced');
        // Our own view may be stale after an outage: give every member a fresh session before judging it.
        const now = this.#now();
        for (const s of this.#seen.values()) s.seenAt = Math.max(s.seenAt, now);
        for (const l of this.#fenceListeners) l(false);
        this.#emitIfChanged(true);
      }
    } catch (e) {
      this.#log.debug({ err: e }, 'heartbeat failed');
    } finally {
      this.#inFlight = false;
      this.#checkFence();
    }
  }

  #checkFence(): void {
    if (this.#stopped || this.#fenced) return;
    if (this.#now() - this.#lastStoredSentAt > this.fenceAfterMs) {
      this.#fenced = true;
      this.#log.warn({ member: this.self.member, fenceAfterMs: this.fenceAfterMs }, 'heartbeats not stored; fenced (tasks stop)');
      for (const l of this.#fenceListeners) l(true);
      this.#emitIfChanged(true);
    }
  }

  #onChange(c: KvChange): void {
    if (c.deleted) {
      if (this.#seen.delete(c.key)) this.#emitIfChanged(true);
      return;
    }
    const info = c.value as MemberInfo;
    if (!info || typeof info.workerId !== 'string') return;
    const before = this.#seen.get(c.key);
    this.#seen.set(c.key, { info: { ...info, member: c.key }, seenAt: this.#now(), revision: c.revision });
    if (c.key === this.self.member && info.incarnation !== this.self.incarnation) {
      this.#log.warn({ workerId: info.workerId }, 'another process heartbeats under this worker id');
    }
    const changed = !before || before.info.generation !== info.generation || before.info.incarnation !== info.incarnation;
    this.#emitIfChanged(changed);
  }

  async #expire(): Promise<void> {
    this.#checkFence();
    if (this.#fenced || this.#stopped || this.#expiring) return; // we cannot judge the others while we cannot reach NATS
    this.#expiring = true;
    try {
      await this.#expireNow();
    } finally {
      this.#expiring = false;
    }
  }

  async #expireNow(): Promise<void> {
    const now = this.#now();
    let changed = false;
    for (const [m, s] of [...this.#seen]) {
      if (m === this.self.member || now - s.seenAt <= this.#o.sessionTimeoutMs) continue;
      // Look once more, directly: a stalled watch must not kill a live member.
      let entry;
      try {
        entry = await this.#o.kv.get(m);
      } catch {
        return; // cannot reach NATS right now: judge nobody
      }
      const current = this.#seen.get(m);
      if (current !== s) continue; // changed meanwhile
      if (entry && entry.operation === 'PUT' && entry.revision > s.revision) {
        try {
          const info = decodeJson(entry.value) as MemberInfo;
          this.#seen.set(m, { info: { ...info, member: m }, seenAt: this.#now(), revision: entry.revision });
          changed = true;
          continue;
        } catch {
          // fall through: gone
        }
      }
      this.#seen.delete(m);
      this.#log.info({ member: m, workerId: s.info.workerId, silentMs: Math.round(now - s.seenAt) }, 'member gone (session timeout)');
      changed = true;
    }
    this.#emitIfChanged(changed);
  }

  #emitIfChanged(changed: boolean): void {
    const keys = this.live()
      .map((m) => `${m.member}/${m.incarnation}`)
      .join(',');
    if (!changed && keys === this.#liveKeys) return;
    this.#liveKeys = keys;
    for (const l of this.#listeners) {
      try {
        l();
      } catch (e) {
        this.#log.error({ err: e }, 'membership listener failed');
      }
    }
  }
}
