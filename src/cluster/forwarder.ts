/**
 * Writes go to the leader (Kafka Connect forwards them over HTTP): run here when this worker leads, otherwise
 * sent over NATS request/reply to the leader's subject. With no reachable leader the worker waits up to
 * min(15 s, 2 × session timeout), then answers Kafka's 409. A leader that does not answer (or a NATS failure on
 * the way) is Kafka's RestClient answer, 500 `IO Error trying to forward REST request: …`, saying which leader and
 * how long, never NATS's bare `TIMEOUT`. This worker also serves the requests others send it (answering
 * NotLeaderError when it does not lead).
 */
import { natsRequestFailure, type Subscription } from './nats.js';
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

/** How long a forwarded write waits for the leader's answer. */
export const FORWARD_TIMEOUT_MS = 60_000;

/**
 * A write could not be forwarded to the leader, or its answer did not come back (Kafka's RestClient: 500 "IO Error
 * trying to forward REST request: …"). Whether the leader applied it is unknown: the status tells.
 */
export class ForwardingError extends Error {
  override readonly name = 'ForwardingError';
  constructor(
    readonly op: LeaderOp,
    readonly leader: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`IO Error trying to forward REST request: ${reason}`, options);
  }
}

/** What a user reads when the leader could not be reached or did not answer in time. */
function forwardingError(op: LeaderOp, leader: string, e: unknown): ForwardingError {
  const failure = natsRequestFailure(e);
  const reason =
    failure === 'timeout'
      ? `the leader (worker ${leader}) did not answer within ${FORWARD_TIMEOUT_MS} ms; the request may or may not have been applied (check the connector's status)`
      : failure === 'max-payload'
        ? `the request is larger than the NATS server's max_payload; send it to the leader (worker ${leader}) directly or raise max_payload`
        : `could not reach the leader (worker ${leader}): ${(e as Error).message}`;
  return new ForwardingError(op, leader, reason, { cause: e });
}

export interface ForwarderDeps {
  readonly group: GroupMember;
  readonly cluster: Pick<DistributedSettings, 'groupId' | 'sessionTimeoutMs' | 'heartbeatIntervalMs' | 'nats'>;
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
    this.#rpc = g.nc.subscribe(rpcSubject(this.#d.cluster.groupId, g.membership.self.member, this.#d.cluster.nats.bucketPrefix), {
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
          try {
            result = await requestOp(g.nc, rpcSubject(groupId, leader.member, this.#d.cluster.nats.bucketPrefix), op, args, FORWARD_TIMEOUT_MS);
          } catch (e) {
            // No responders means the leader is gone: retried below. Any other NATS failure is final.
            const failure = natsRequestFailure(e);
            if (failure !== undefined && failure !== 'no-responders') throw forwardingError(op, leader.worker_id, e);
            throw e;
          }
        }
      } catch (e) {
        if ((e instanceof NotLeaderError || natsRequestFailure(e) === 'no-responders') && Date.now() < deadline && hop < 50) {
          await sleep(Math.min(200, heartbeatIntervalMs));
          continue;
        }
        if (e instanceof NotLeaderError) throw new ConflictError(CONFLICT_MESSAGE);
        if (natsRequestFailure(e) === 'no-responders') throw new ConflictError(NO_LEADER_MESSAGE);
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
