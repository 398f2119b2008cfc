/**
 * Writes go to the leader (Kafka Connect forwards them over HTTP): run here when this worker leads, otherwise
 * sent over NATS request/reply to the leader's subject. With no reachable leader the worker waits up to
 * min(15 s, 2 × session timeout), then answers Kafka's 409. This worker also serves the requests others send it
 * (answering NotLeaderError when it does not lead).
 */
import type { Subscription } from 'nats';
import { sleep } from '../async/index.js';
import { ConflictError } from '../worker/errors.js';
import type { DistributedSettings } from '../worker/distributed-config.js';
import { NotLeaderError, type GroupMember } from './group.js';
import { rpcSubject } from './keys.js';
import {
  CONFLICT_MESSAGE,
  NO_LEADER_MESSAGE,
  decodeRequest,
  encodeReply,
  requestOp,
  toWire,
  type LeaderOp,
  type OpResult,
} from './distributed-client.js';

export interface ForwarderDeps {
  readonly group: GroupMember;
  readonly cluster: Pick<DistributedSettings, 'groupId' | 'sessionTimeoutMs' | 'heartbeatIntervalMs'>;
  /** Runs an op on this worker as the leader (LeaderOps.run). */
  asLeader(op: LeaderOp, args: unknown[]): Promise<OpResult>;
  /** Whether this worker serves requests (it is running). */
  running(): boolean;
}

export class Forwarder {
  readonly #d: ForwarderDeps;
  #rpc: Subscription | undefined;

  constructor(deps: ForwarderDeps) {
    this.#d = deps;
  }

  /** Answers the requests other workers send to this one. */
  serve(): void {
    const g = this.#d.group;
    this.#rpc = g.nc.subscribe(rpcSubject(this.#d.cluster.groupId, g.membership.self.member), {
      callback: (err, msg) => {
        if (err) return;
        void this.#serve(msg.data).then((reply) => msg.respond(reply));
      },
    });
  }

  close(): void {
    this.#rpc?.unsubscribe();
  }

  /**
   * Runs a write on the leader: here if this worker leads, otherwise over NATS request/reply (Kafka forwards
   * over HTTP with at most two hops). Waits briefly for a leader when there is none, then answers Kafka's 409.
   * On success, waits until this worker's replica has the write, so a read here right after sees it.
   */
  async forward(op: LeaderOp, args: unknown[]): Promise<unknown> {
    const g = this.#d.group;
    const { sessionTimeoutMs, heartbeatIntervalMs, groupId } = this.#d.cluster;
    const deadline = Date.now() + Math.min(15_000, sessionTimeoutMs * 2);
    for (let hop = 0; ; hop++) {
      let result: OpResult;
      if (!g.ready) {
        // This worker cannot reach the group: it knows no leader it could reach.
        if (Date.now() > deadline) throw new ConflictError(NO_LEADER_MESSAGE);
        await sleep(Math.min(200, heartbeatIntervalMs));
        continue;
      }
      try {
        if (g.election.isLeader) {
          result = await this.#d.asLeader(op, args);
        } else {
          const leader = g.election.leader();
          if (!leader) {
            if (Date.now() > deadline) throw new ConflictError(NO_LEADER_MESSAGE);
            await sleep(Math.min(200, heartbeatIntervalMs));
            continue;
          }
          result = await requestOp(g.nc, groupId, leader.member, op, args);
        }
      } catch (e) {
        if ((e instanceof NotLeaderError || (e as { code?: string }).code === '503') && Date.now() < deadline && hop < 50) {
          await sleep(Math.min(200, heartbeatIntervalMs));
          continue;
        }
        if (e instanceof NotLeaderError) throw new ConflictError(CONFLICT_MESSAGE);
        if ((e as { code?: string }).code === '503') throw new ConflictError(NO_LEADER_MESSAGE);
        throw e;
      }
      await g.awaitConfigRevision(result.revision, 5_000);
      return result.value;
    }
  }

  async #serve(data: Uint8Array): Promise<Uint8Array> {
    try {
      const { op, args } = decodeRequest(data);
      if (!this.#d.running() || !this.#d.group.election.isLeader) throw new NotLeaderError('not the leader');
      return encodeReply({ ok: await this.#d.asLeader(op, args) });
    } catch (e) {
      return encodeReply({ error: toWire(e) });
    }
  }
}
