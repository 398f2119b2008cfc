/**
 * A worker's membership of a group: the NATS connection, the group's three KV buckets, the replicas of the
 * config and status buckets (kept current by watches), heartbeats and the leader election. The distributed
 * herder builds on it; it knows nothing about connectors or tasks beyond the shapes of the stored values.
 *
 * Buckets (named from `group.id`, see keys.ts): `<…>_config` (history 1: connector configs, target states,
 * task configs + commits, restart requests, the assignment, the leader lease — one stream, so one total order),
 * `<…>_status` (connector/task statuses, topics), `<…>_members` (heartbeats; entries expire after a while).
 */
import { silentLog, type Log } from '../actors/index.js';
import { ConfigState, type ConfigEvent, type Fenced } from './config-state.js';
import { LeaderElection } from './election.js';
import { bucketsOf, type GroupBuckets } from './keys.js';
import { Membership } from './membership.js';
import { KvFollower, connectNats, encodeJson, isWrongLastSequence, logConnectionEvents, natsSettingsOf, openBucket, type KV, type NatsConnection, type NatsSettings } from './nats.js';
import { settlesWithin, sleep } from '../async/index.js';
import { StatusReplica, type StatusEvent } from './status-state.js';

export interface GroupOptions {
  /** How to reach NATS (a URL string: an open server); also names the buckets and sets their replicas. */
  readonly nats: NatsSettings | string;
  readonly groupId: string;
  /** Kafka Connect's worker_id (host:port); also the member's identity in the group. */
  readonly workerId: string;
  /** The worker's advertised REST URL. */
  readonly url: string;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly fenceAfterMs?: number;
  readonly log?: Log;
  /** An already open connection (tests); closed by `leave()` only if the group opened it. */
  readonly connection?: NatsConnection;
}

/** The leader is not (or no longer) the leader: its write was not made. */
export class NotLeaderError extends Error {
  override readonly name = 'NotLeaderError';
}

export class GroupMember {
  readonly nc: NatsConnection;
  readonly buckets: GroupBuckets;
  readonly config = new ConfigState();
  readonly status = new StatusReplica();
  readonly membership: Membership;
  readonly election: LeaderElection;
  readonly configKv: KV;
  readonly statusKv: KV;
  readonly membersKv: KV;
  readonly #log: Log;
  readonly #ownsConnection: boolean;
  readonly #configFollower: KvFollower;
  readonly #statusFollower: KvFollower;
  readonly #configListeners = new Set<(e: ConfigEvent) => void>();
  readonly #statusListeners = new Set<(e: StatusEvent) => void>();
  readonly #readyListeners = new Set<(ready: boolean) => void>();
  #left = false;
  #synced = true;
  #resyncing = false;

  private constructor(
    options: GroupOptions,
    nc: NatsConnection,
    kvs: { config: KV; status: KV; members: KV },
    owns: boolean,
  ) {
    this.#log = options.log ?? silentLog;
    this.nc = nc;
    this.#ownsConnection = owns;
    if (owns) logConnectionEvents(nc, this.#log);
    this.buckets = bucketsOf(options.groupId, natsSettingsOf(options.nats).bucketPrefix);
    this.configKv = kvs.config;
    this.statusKv = kvs.status;
    this.membersKv = kvs.members;
    this.membership = new Membership({
      kv: kvs.members,
      bucket: this.buckets.members,
      workerId: options.workerId,
      url: options.url,
      sessionTimeoutMs: options.sessionTimeoutMs,
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      ...(options.fenceAfterMs !== undefined ? { fenceAfterMs: options.fenceAfterMs } : {}),
      log: this.#log,
    });
    this.election = new LeaderElection({
      kv: kvs.config,
      membership: this.membership,
      lease: () => this.config.lease,
      ready: () => this.#synced,
      log: this.#log,
      standbyDelayMs: options.heartbeatIntervalMs,
    });
    this.#configFollower = new KvFollower(kvs.config, this.buckets.config, (c) => {
      const e = this.config.apply(c);
      if (e.type === 'lease') this.election.evaluate();
      for (const l of this.#configListeners) l(e);
    }, this.#log);
    this.#statusFollower = new KvFollower(kvs.status, this.buckets.status, (c) => {
      const e = this.status.apply(c);
      for (const l of this.#statusListeners) l(e);
    }, this.#log);
    this.membership.onChange(() => this.election.evaluate());
    this.membership.onFence((fenced) => {
      this.#onFence(fenced);
      this.election.evaluate();
    });
  }

  /** Connects, opens (creates) the buckets, reads them to the end, joins and takes part in the election. */
  static async join(options: GroupOptions): Promise<GroupMember> {
    const nats = natsSettingsOf(options.nats);
    const nc = options.connection ?? (await connectNats({ nats, name: `sluice ${options.groupId} ${options.workerId}` }));
    try {
      const b = bucketsOf(options.groupId, nats.bucketPrefix);
      const ttlMs = Math.max(60_000, options.sessionTimeoutMs * 10);
      const [config, status, members] = await Promise.all([
        openBucket(nc, b.config, { history: 1 }, nats, { log: options.log ?? silentLog }),
        openBucket(nc, b.status, { history: 1 }, nats, { log: options.log ?? silentLog }),
        openBucket(nc, b.members, { history: 1, ttlMs }, nats, { log: options.log ?? silentLog }),
      ]);
      const g = new GroupMember(options, nc, { config, status, members }, !options.connection);
      await Promise.all([g.#configFollower.start(), g.#statusFollower.start()]);
      await g.membership.start();
      g.election.evaluate();
      return g;
    } catch (e) {
      if (!options.connection) await nc.close().catch(() => {});
      throw e;
    }
  }

  /** The last config-bucket revision this replica applied. */
  get configRevision(): number {
    return this.#configFollower.revision;
  }

  /** Resolves once the config replica applied `revision` (read-your-writes for a forwarded request); false on timeout. */
  awaitConfigRevision(revision: number, timeoutMs = 10_000): Promise<boolean> {
    if (this.configRevision >= revision) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        off();
        resolve(false);
      }, timeoutMs);
      const off = this.onConfig(() => {
        if (this.configRevision >= revision) {
          clearTimeout(timer);
          off();
          resolve(true);
        }
      });
    });
  }

  /**
   * Catches the config replica up with the bucket as it is now (after an outage the watch may still be
   * behind): resolves once every change stored before the call has been applied; rejects when NATS cannot be
   * asked or the watch does not catch up within `timeoutMs`.
   */
  async syncConfig(timeoutMs = 10_000): Promise<void> {
    const status = await this.configKv.status();
    const last = status.streamInfo.state.last_seq;
    if (this.configRevision >= last) return;
    // Behind: the watch may be waiting out a missed server heartbeat; watch again from where it is.
    this.#configFollower.rewatch();
    this.#statusFollower.rewatch();
    if (!(await this.awaitConfigRevision(last, timeoutMs))) {
      throw new Error(`the config replica did not reach revision ${last} within ${timeoutMs} ms (at ${this.configRevision})`);
    }
  }

  /**
   * Whether this worker may act on what its replicas say: not fenced, and caught up since the last fencing
   * (while it could not reach NATS the others may have moved its work and its leadership).
   */
  get ready(): boolean {
    return this.#synced && !this.membership.fenced;
  }

  /** Called when `ready` changes. */
  onReady(listener: (ready: boolean) => void): () => void {
    this.#readyListeners.add(listener);
    return () => this.#readyListeners.delete(listener);
  }

  #onFence(fenced: boolean): void {
    if (fenced) {
      if (this.#synced) {
        this.#synced = false;
        this.#emitReady();
      }
      return;
    }
    void this.#resync();
  }

  async #resync(): Promise<void> {
    if (this.#resyncing) return;
    this.#resyncing = true;
    try {
      for (let attempt = 0; !this.#left && !this.membership.fenced && !this.#synced; attempt++) {
        try {
          await this.syncConfig();
          this.#synced = true;
          this.#log.info({ revision: this.configRevision }, 'caught up with the group');
          this.election.evaluate();
          this.#emitReady();
        } catch (e) {
          this.#log.warn({ err: e, attempt }, 'could not catch up with the group yet; retrying');
          await sleep(500);
        }
      }
    } finally {
      this.#resyncing = false;
    }
  }

  #emitReady(): void {
    const ready = this.ready;
    for (const l of this.#readyListeners) l(ready);
  }

  onConfig(listener: (e: ConfigEvent) => void): () => void {
    this.#configListeners.add(listener);
    return () => this.#configListeners.delete(listener);
  }

  onStatus(listener: (e: StatusEvent) => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  /**
   * Writes a leader value to the config bucket: stamped with the leader's epoch, compare-and-set against the
   * revision this replica holds for the key. Throws NotLeaderError when this worker does not lead (or a newer
   * leader wrote the key meanwhile).
   */
  async writeConfig(key: string, value: Record<string, unknown>): Promise<number> {
    const epoch = this.election.epoch;
    if (epoch === null) throw new NotLeaderError('this worker is not the leader');
    const data = encodeJson({ ...value, epoch } satisfies Fenced);
    for (let attempt = 0; ; attempt++) {
      const expected = this.config.revisions.get(key);
      try {
        const rev = expected === undefined ? await this.configKv.create(key, data) : await this.configKv.update(key, data, expected);
        if (rev > (this.config.revisions.get(key) ?? 0)) this.config.revisions.set(key, rev);
        return rev;
      } catch (e) {
        if (!isWrongLastSequence(e) || attempt >= 2) throw e;
        // Our replica is behind on this key: read it directly, and go on only if we still lead.
        const current = await this.configKv.get(key);
        if (current) this.config.revisions.set(key, current.revision);
        else this.config.revisions.delete(key);
        if (this.election.epoch !== epoch) throw new NotLeaderError('leadership lost during a write');
      }
    }
  }

  /** Fenced tombstone (replicas treat it as a deletion). */
  deleteConfig(key: string): Promise<number> {
    return this.writeConfig(key, { deleted: true });
  }

  /**
   * Leaves the group. Graceful: the lease is given up and the membership entry deleted, so the others react at
   * once — bounded by `goodbyeTimeoutMs` (NATS may be unreachable; then the others time this worker out).
   */
  async leave(graceful: boolean, goodbyeTimeoutMs = 5_000): Promise<void> {
    if (this.#left) return;
    this.#left = true;
    const bounded = (p: Promise<unknown>) => settlesWithin(p, goodbyeTimeoutMs, { unref: true });
    if (graceful) await bounded(this.election.resign());
    else this.election.stop();
    await bounded(this.membership.stop(graceful));
    this.#configFollower.stop();
    this.#statusFollower.stop();
    if (this.#ownsConnection) {
      if (graceful) await bounded(this.nc.drain());
      await this.nc.close().catch(() => {});
    }
  }

  /** Abrupt loss, as a killed process: no goodbye, no more heartbeats (tests and benchmarks). */
  async crash(): Promise<void> {
    await this.leave(false);
  }
}
