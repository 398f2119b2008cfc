/**
 * The distributed worker's config: Kafka Connect's connect-distributed keys (DistributedConfig) plus the `nats.*`
 * keys of how the worker reaches NATS (nats-config.ts).
 * Every standalone key applies too (converters, REST listeners, config providers, …).
 *
 * Mapping to Sluice:
 * - `group.id`: the group; its JetStream KV buckets are named from it (`sluice_<group>_config|status|members`).
 * - `config.storage.topic`, `status.storage.topic` and their `.partitions` / `.replication.factor`: accepted so
 *   existing files load, not used — configs and statuses live in the group's KV buckets, not in Kafka topics.
 * - `offset.storage.topic`, `.partitions` (25), `.replication.factor` (3), other `offset.storage.<config>`: the
 *   offsets topic, in Kafka Connect's format (src/cluster/kafka-offset-store.ts).
 * - `session.timeout.ms` (10 000), `heartbeat.interval.ms` (3 000), `scheduled.rebalance.max.delay.ms` (300 000):
 *   membership and the assignor; `sluice.cluster.fence.after.ms` (default half the session timeout): how long
 *   a worker that cannot store its heartbeat keeps its tasks before it stops them.
 * - `connect.protocol`, `rebalance.timeout.ms`, `worker.sync.timeout.ms`, `worker.unsync.backoff.ms`,
 *   `inter.worker.*`: accepted, not used (the protocol is always incremental cooperative over NATS).
 * - `exactly.once.source.support` (standalone def): `enabled` runs source tasks in transactions with zombie fencing.
 */
import { ConfigDef, Validators, underPrefix, type ConfigProblem } from '../connectors/api/index.js';
import { WORKER_PASSTHROUGH_PREFIXES, checkWorkerConfig, standaloneWorkerConfigDef, unusedWorkerKeys } from './worker-config-def.js';
import { WorkerConfigError } from './errors.js';
import { firstListener, parseWorkerSettings, type WorkerSettings } from './worker-config.js';
import { defineNatsKeys, natsProblems, natsSettingsOf, type NatsSettings } from './nats-config.js';
import { configTransformerFromWorker, type ConfigProviderPlugins } from './config-providers.js';

export interface DistributedSettings {
  readonly groupId: string;
  /** How this worker reaches NATS (servers, TLS, credentials, JetStream domain, bucket replicas and names). */
  readonly nats: NatsSettings;
  readonly bootstrapServers: string[];
  readonly offsetTopic: string;
  readonly offsetPartitions: number;
  readonly offsetReplicationFactor: number;
  /** `offset.storage.<config>` keys other than the ones above, prefix removed (topic configs at creation). */
  readonly offsetTopicConfigs: Record<string, string>;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly fenceAfterMs: number;
  readonly scheduledRebalanceMaxDelayMs: number;
  /** The worker's REST URL as the other workers reach it (`http://host:port`). */
  readonly url: string;
}

const STORAGE_PREFIXES = ['offset.storage.', 'config.storage.', 'status.storage.'] as const;

export function distributedWorkerConfigDef(): ConfigDef {
  const def = standaloneWorkerConfigDef();
  const d = (name: string, type: 'STRING' | 'INT' | 'LONG' | 'SHORT' | 'LIST', defaultValue: unknown, documentation: string, extra: object = {}) =>
    def.define({ name, type, ...(defaultValue === undefined ? {} : { defaultValue }), importance: 'HIGH', documentation, ...extra });
  d('group.id', 'STRING', undefined, 'A unique string that identifies the Connect cluster group this worker belongs to.', {
    validator: Validators.nonEmptyString(),
  });
  defineNatsKeys(def);
  d('offset.storage.partitions', 'INT', 25, 'The number of partitions used when creating the offset storage topic (-1: broker default).');
  d('offset.storage.replication.factor', 'SHORT', 3, 'Replication factor used when creating the offset storage topic (-1: broker default).');
  d('config.storage.topic', 'STRING', null, 'Accepted for compatibility; Sluice keeps connector configs in the group\'s NATS KV bucket.');
  d('config.storage.replication.factor', 'SHORT', 3, 'Accepted for compatibility; not used.');
  d('status.storage.topic', 'STRING', null, 'Accepted for compatibility; Sluice keeps statuses in the group\'s NATS KV bucket.');
  d('status.storage.partitions', 'INT', 5, 'Accepted for compatibility; not used.');
  d('status.storage.replication.factor', 'SHORT', 3, 'Accepted for compatibility; not used.');
  d('session.timeout.ms', 'INT', 10_000, 'A worker whose heartbeats were not seen for this long is out of the group.', { validator: Validators.atLeast(100) });
  d('heartbeat.interval.ms', 'INT', 3_000, 'How often a worker stores its heartbeat.', { validator: Validators.atLeast(10) });
  d('rebalance.timeout.ms', 'INT', 60_000, 'Accepted for compatibility; not used.');
  d('scheduled.rebalance.max.delay.ms', 'INT', 300_000, 'How long the work of a worker that left waits for it to come back before it is reassigned.', {
    validator: Validators.atLeast(0),
  });
  d('sluice.cluster.fence.after.ms', 'INT', null, 'Sluice: a worker that could not store a heartbeat for this long stops its tasks (default: half of session.timeout.ms).');
  d('connect.protocol', 'STRING', 'sessioned', 'Accepted for compatibility; the group always rebalances incrementally and cooperatively.', {
    validator: Validators.inIgnoreCase('eager', 'compatible', 'sessioned'),
  });
  d('worker.sync.timeout.ms', 'INT', 3_000, 'Accepted for compatibility; not used.');
  d('worker.unsync.backoff.ms', 'INT', 300_000, 'Accepted for compatibility; not used.');
  for (const k of ['inter.worker.key.generation.algorithm', 'inter.worker.key.size', 'inter.worker.key.ttl.ms', 'inter.worker.signature.algorithm', 'inter.worker.verification.algorithms']) {
    d(k, 'STRING', null, 'Accepted for compatibility; not used.');
  }
  return def;
}

/** Keys a distributed worker does not use (a standalone worker's offset file among them): kept and warned about. */
function unusedKeysOf(raw: Readonly<Record<string, string>>, def: ConfigDef): ConfigProblem[] {
  const fileOffsets: ConfigProblem[] =
    raw['offset.storage.file.filename'] === undefined
      ? []
      : [{ key: 'offset.storage.file.filename', reason: 'a standalone worker key: a distributed worker keeps offsets in offset.storage.topic' }];
  return [...fileOffsets, ...unusedWorkerKeys(raw, def, [...WORKER_PASSTHROUGH_PREFIXES, ...STORAGE_PREFIXES]).filter((p) => p.key !== 'offset.storage.file.filename')];
}

/** The standalone part of a distributed config (what parseWorkerSettings and the standalone machinery accept). */
export function standalonePart(raw: Readonly<Record<string, string>>): Record<string, string> {
  const def = standaloneWorkerConfigDef();
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'offset.storage.file.filename') continue;
    if (def.key(k) || underPrefix(k, WORKER_PASSTHROUGH_PREFIXES)) out[k] = v;
  }
  return out;
}

/** Parses and checks a distributed worker config; throws WorkerConfigError listing every problem. */
export function parseDistributedSettings(
  raw: Readonly<Record<string, string>>,
  plugins?: ConfigProviderPlugins,
): { worker: WorkerSettings; cluster: DistributedSettings } {
  const withDefaults: Record<string, string> = { 'bootstrap.servers': 'localhost:9092', ...raw };
  const def = distributedWorkerConfigDef();
  const nats = natsPart(withDefaults, plugins);
  const problems = [...checkWorkerConfig(withDefaults, def), ...('problems' in nats ? nats.problems : [])];
  // Defined (optional) by the standalone keys; a distributed worker requires it, in Kafka's words.
  if ((withDefaults['offset.storage.topic'] ?? '').trim() === '' && !problems.some((p) => p.key === 'offset.storage.topic')) {
    problems.push({ key: 'offset.storage.topic', reason: 'Missing required configuration "offset.storage.topic" which has no default value.' });
  }
  if (problems.length > 0 || 'problems' in nats) throw new WorkerConfigError(problems);
  const v = def.parse(withDefaults);
  const base = parseWorkerSettings(standalonePart(withDefaults));
  const listener = firstListener(v);
  // Kafka advertises rest.advertised.host.name, else the listener's host, else the machine's name.
  const listenerHost = /^\w+:\/\/(\[[^\]]*\]|[^:/]*)/.exec(listener)?.[1] ?? '';
  const advertisedHost =
    (v['rest.advertised.host.name'] as string | null) ??
    (listenerHost !== '' && listenerHost !== '0.0.0.0' && listenerHost !== '[::]' ? listenerHost : null);
  const port = base.workerId.slice(base.workerId.lastIndexOf(':') + 1);
  const workerId = advertisedHost ? `${advertisedHost}:${port}` : base.workerId;
  const worker: WorkerSettings = { ...base, workerId, raw: { ...withDefaults }, unusedKeys: unusedKeysOf(withDefaults, def) };
  const session = v['session.timeout.ms'] as number;
  const heartbeat = v['heartbeat.interval.ms'] as number;
  if (heartbeat >= session) throw new WorkerConfigError([{ key: 'heartbeat.interval.ms', reason: `must be lower than session.timeout.ms (${session})` }]);
  const offsetTopicConfigs: Record<string, string> = {};
  for (const [k, val] of Object.entries(withDefaults)) {
    if (!k.startsWith('offset.storage.')) continue;
    const rest = k.slice('offset.storage.'.length);
    if (['topic', 'partitions', 'replication.factor', 'file.filename'].includes(rest)) continue;
    offsetTopicConfigs[rest] = val;
  }
  const fence = (v['sluice.cluster.fence.after.ms'] as number | null) ?? Math.floor(session / 2);
  const scheme = (v['rest.advertised.listener'] as string | null) ?? (listener.startsWith('https') ? 'https' : 'http');
  return {
    worker,
    cluster: {
      groupId: v['group.id'] as string,
      nats: nats.settings,
      bootstrapServers: base.bootstrapServers ?? ['localhost:9092'],
      offsetTopic: v['offset.storage.topic'] as string,
      offsetPartitions: v['offset.storage.partitions'] as number,
      offsetReplicationFactor: v['offset.storage.replication.factor'] as number,
      offsetTopicConfigs,
      sessionTimeoutMs: session,
      heartbeatIntervalMs: heartbeat,
      fenceAfterMs: Math.max(heartbeat, Math.min(fence, session - heartbeat)),
      scheduledRebalanceMaxDelayMs: v['scheduled.rebalance.max.delay.ms'] as number,
      url: `${scheme.toLowerCase()}://${worker.workerId}`,
    },
  };
}

/**
 * The `nats.*` settings, their values resolved through the worker's config providers first (Kafka resolves worker
 * configs too), or every problem with them.
 */
function natsPart(raw: Readonly<Record<string, string>>, plugins?: ConfigProviderPlugins): { settings: NatsSettings } | { problems: ConfigProblem[] } {
  const own = Object.fromEntries(Object.entries(raw).filter(([k]) => k.startsWith('nats.')));
  let values: Record<string, string>;
  try {
    values = configTransformerFromWorker(raw, plugins).transform(own);
  } catch (e) {
    const key = Object.keys(own).find((k) => /\$\{/.test(own[k]!));
    return { problems: [{ ...(key ? { key } : {}), reason: (e as Error).message }] };
  }
  const problems = natsProblems(values);
  return problems.length > 0 ? { problems } : { settings: natsSettingsOf(values) };
}

/**
 * The NATS settings of a worker config for a client of the group from outside it (`sluice apply --cluster`,
 * `sluice migrate --cluster`): only the `nats.*` keys are checked, as a worker checks them.
 */
export function parseNatsClientSettings(raw: Readonly<Record<string, string>>): NatsSettings {
  const own = Object.fromEntries(Object.entries(raw).filter(([k]) => k.startsWith('nats.')));
  const typed = distributedWorkerConfigDef().problems(own).filter((p) => p.key?.startsWith('nats.'));
  const nats = natsPart(raw);
  const problems = [...typed, ...('problems' in nats ? nats.problems : [])];
  if (problems.length > 0 || 'problems' in nats) throw new WorkerConfigError(problems);
  return nats.settings;
}
