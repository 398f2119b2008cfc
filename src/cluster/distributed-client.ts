/**
 * The wire of forwarded requests (a worker → the leader, over NATS request/reply on the leader's subject), and
 * a client that speaks it from outside the group (`sluice apply --cluster`): it reads the group's config bucket
 * to find the leader and the current connectors, and sends its writes to the leader like a worker would.
 */
import { ConfigException } from '../connectors/api/index.js';
import { ConnectorConfigError } from '../connectors/validation.js';
import type { ConnectorConfig } from '../connectors/api/index.js';
import { ConfigState } from './config-state.js';
import { bucketsOf, rpcSubject } from './keys.js';
import { NotLeaderError } from './group.js';
import { KvFollower, connectNats, decodeJson, encodeJson, natsRequestFailure, natsSettingsOf, openBucket, type NatsConnection, type NatsSettings } from './nats.js';
import { sleep } from '../async/index.js';
import { AlreadyExistsError, BadRequestError, ConflictError, NotFoundError } from '../worker/errors.js';
import type { ConnectorInfo, InitialState } from '../worker/herder.js';

/** The operations workers forward to the leader. */
export type LeaderOp =
  | 'addConnector'
  | 'putConnectorConfig'
  | 'patchConnectorConfig'
  | 'deleteConnector'
  | 'pauseConnector'
  | 'resumeConnector'
  | 'stopConnector'
  | 'restartConnector'
  | 'restartTask'
  | 'alterConnectorOffsets'
  | 'resetConnectorOffsets'
  | 'putTaskConfigs'
  | 'fenceZombies';

export interface OpResult {
  readonly value: unknown;
  /** The config-bucket revision after the op's writes (the caller waits for its replica to reach it). */
  readonly revision: number;
}

export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly connector?: string;
  readonly task?: number;
  readonly problems?: ReadonlyArray<{ key?: string; reason: string }>;
}

/** Kafka's 409 texts (§1.5 of the reference). */
export const NO_LEADER_MESSAGE =
  'Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway.';
export const CONFLICT_MESSAGE = 'Cannot complete request because of a conflicting operation (e.g. worker rebalance)';

export function toWire(e: unknown): WireError {
  const err = e instanceof Error ? e : new Error(String(e));
  const x = err as Error & { connector?: string; task?: number; problems?: WireError['problems'] };
  return {
    name: err.name,
    message: err.message,
    ...(x.connector !== undefined ? { connector: x.connector } : {}),
    ...(x.task !== undefined ? { task: x.task } : {}),
    ...(x.problems !== undefined ? { problems: x.problems } : {}),
  };
}

/** The herder error a wire error stands for (so the REST layer answers the same status on every worker). */
export function fromWire(w: WireError): Error {
  switch (w.name) {
    case 'NotFoundError':
      return new NotFoundError(w.connector ?? '', w.task);
    case 'AlreadyExistsError':
      return new AlreadyExistsError(w.connector ?? '');
    case 'BadRequestError':
      return new BadRequestError(w.message);
    case 'ConflictError':
      return new ConflictError(w.message);
    case 'ConnectorConfigError':
      return new ConnectorConfigError(w.connector, w.problems ?? []);
    case 'ConfigException':
      return new ConfigException(undefined, undefined, w.message);
    case 'NotLeaderError':
      return new NotLeaderError(w.message);
    default: {
      const e = new Error(w.message);
      e.name = w.name;
      return e;
    }
  }
}

const bigintSafe = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? v.toString() : v);

export const encodeRequest = (op: LeaderOp, args: readonly unknown[]): Uint8Array =>
  encodeJson({ op, args: JSON.parse(JSON.stringify(args, bigintSafe)) });

export const decodeRequest = (data: Uint8Array): { op: LeaderOp; args: unknown[] } => decodeJson(data) as { op: LeaderOp; args: unknown[] };

export const encodeReply = (reply: { ok: OpResult } | { error: WireError }): Uint8Array =>
  encodeJson(JSON.parse(JSON.stringify(reply, bigintSafe)));

/** Sends one op to a member; throws the herder error it answered with. */
export async function requestOp(nc: NatsConnection, subject: string, op: LeaderOp, args: readonly unknown[], timeoutMs = 60_000): Promise<OpResult> {
  const msg = await nc.request(subject, encodeRequest(op, args), { timeout: timeoutMs });
  const reply = decodeJson(msg.data) as { ok?: OpResult; error?: WireError };
  if (reply.error) throw fromWire(reply.error);
  return reply.ok!;
}

/** A client of a group from outside it: reads its configs and sends writes to its leader. */
export class ClusterClient {
  readonly config = new ConfigState();
  readonly #nc: NatsConnection;
  readonly #groupId: string;
  readonly #prefix: string;
  readonly #follower: KvFollower;

  private constructor(nc: NatsConnection, groupId: string, prefix: string, follower: KvFollower) {
    this.#nc = nc;
    this.#groupId = groupId;
    this.#prefix = prefix;
    this.#follower = follower;
  }

  /** Connects as a worker of the group would (`nats.*` settings, or an open server at a URL string). */
  static async connect(nats: NatsSettings | string, groupId: string): Promise<ClusterClient> {
    const settings = natsSettingsOf(nats);
    const nc = await connectNats({ nats: settings, name: `sluice client ${groupId}` });
    try {
      const bucket = bucketsOf(groupId, settings.bucketPrefix).config;
      const kv = await openBucket(nc, bucket, { history: 1 }, settings);
      let client!: ClusterClient;
      const follower = new KvFollower(kv, bucket, (c) => client.config.apply(c));
      client = new ClusterClient(nc, groupId, settings.bucketPrefix, follower);
      await follower.start();
      return client;
    } catch (e) {
      await nc.close().catch(() => {});
      throw e;
    }
  }

  /** Sends an op to the leader, waiting (up to `timeoutMs`) for one when there is none or it is changing. */
  async call(op: LeaderOp, args: readonly unknown[], timeoutMs = 30_000): Promise<unknown> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lease = this.config.lease?.value;
      try {
        if (!lease) throw new ConflictError(NO_LEADER_MESSAGE);
        const r = await requestOp(this.#nc, rpcSubject(this.#groupId, lease.member, this.#prefix), op, args);
        return r.value;
      } catch (e) {
        const retry = e instanceof NotLeaderError || natsRequestFailure(e) === 'no-responders' || (e instanceof ConflictError && !lease);
        if (!retry || Date.now() > deadline) {
          if (e instanceof NotLeaderError) throw new ConflictError(CONFLICT_MESSAGE);
          if (natsRequestFailure(e) === 'no-responders') throw new ConflictError(NO_LEADER_MESSAGE);
          throw e;
        }
        await sleep(250);
      }
    }
  }

  connectorConfig(name: string): ConnectorConfig | undefined {
    return this.config.connectors.get(name)?.config;
  }

  addConnector(name: string, config: ConnectorConfig, initialState: InitialState): Promise<ConnectorInfo> {
    return this.call('addConnector', [name, config, initialState]) as Promise<ConnectorInfo>;
  }

  putConnectorConfig(name: string, config: ConnectorConfig): Promise<{ created: boolean; info: ConnectorInfo }> {
    return this.call('putConnectorConfig', [name, config]) as Promise<{ created: boolean; info: ConnectorInfo }>;
  }

  async close(): Promise<void> {
    this.#follower.stop();
    await this.#nc.close().catch(() => {});
  }
}
