/**
 * Where a client of a Sluice cluster (`sluice apply`, `sluice migrate`) finds the group: `--cluster NATS_URL`
 * and `--group GROUP_ID`, or `--worker-config FILE` (a distributed worker's config: its `nats.*` keys — TLS,
 * credentials, JetStream domain, bucket prefix — and its `group.id`), the flags overriding the file.
 */
import { parseNatsClientSettings } from '../worker/distributed-config.js';
import type { NatsSettings } from '../worker/nats-config.js';
import { readWorkerConfig } from './worker-command.js';
import type { ClusterFlags } from './cluster-flags.js';

/** The NATS settings and the group the flags name. Throws WorkerConfigError for a bad worker config. */
export async function clusterConnection(flags: ClusterFlags): Promise<{ nats: NatsSettings; group: string }> {
  const raw = flags.workerConfig !== undefined ? await readWorkerConfig(flags.workerConfig) : {};
  const nats = parseNatsClientSettings({ ...raw, ...(flags.cluster !== undefined ? { 'nats.url': flags.cluster } : {}) });
  const group = flags.group ?? raw['group.id'];
  if (group === undefined || group.trim() === '') throw new Error(`${flags.workerConfig ?? 'the worker config'} has no group.id (or pass --group)`);
  return { nats, group };
}
