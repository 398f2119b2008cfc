/**
 * `sluice apply FILE… (--cluster NATS_URL --group ID | --url REST_URL)`: seeds the connectors of pipeline files
 * into a running cluster, idempotently. A connector that does not exist is created (with its initial_state);
 * one whose stored config differs is updated (its target state is left as it is); an identical one is left
 * alone. The files' `worker` sections are not used (the cluster's workers have their own config).
 *
 * With --cluster the writes go to the group's leader over NATS, as a worker's would; with --url they go
 * through any worker's Kafka Connect REST API (POST /connectors, PUT /connectors/{c}/config).
 */
import { ConnectorConfigError } from '../connectors/validation.js';
import { ClusterClient } from '../cluster/distributed-client.js';
import type { ConnectorConfig } from '../connectors/api/index.js';
import type { InitialState } from '../worker/herder.js';
import type { PipelineConnectorSpec } from './pipeline-file.js';
import { CommandFailure, EXIT_CONFIG, EXIT_CONNECTOR, EXIT_OK, exitCodeOf } from './command-exit.js';
import { loadPipeline, loadPlugins } from './command-setup.js';
import type { CliIo } from './io.js';
import { restApi } from './rest-client.js';
import { clusterConnection } from './cluster-connection.js';
import type { ClusterFlags } from './cluster-flags.js';

export interface ApplyOptions {
  readonly files: string[];
  readonly plugins: string[];
  readonly cluster?: string;
  readonly group?: string;
  readonly workerConfig?: string;
  readonly url?: string;
  readonly json: boolean;
}

export type ApplyOutcome = 'created' | 'updated' | 'unchanged';

/** Same keys and values (order does not matter). */
export function sameConfig(a: ConnectorConfig, b: ConnectorConfig): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

interface Target {
  current(name: string): Promise<ConnectorConfig | undefined>;
  create(name: string, config: ConnectorConfig, initialState: InitialState): Promise<void>;
  update(name: string, config: ConnectorConfig): Promise<void>;
  close(): Promise<void>;
}

async function natsTarget(flags: ClusterFlags): Promise<Target> {
  const { nats, group } = await clusterConnection(flags);
  const client = await ClusterClient.connect(nats, group);
  return {
    current: async (name) => client.connectorConfig(name),
    create: async (name, config, initialState) => {
      await client.addConnector(name, config, initialState);
    },
    update: async (name, config) => {
      await client.putConnectorConfig(name, config);
    },
    close: () => client.close(),
  };
}

function restTarget(base: string): Target {
  const call = restApi(base);
  const path = (name: string) => `/connectors/${encodeURIComponent(name)}`;
  return {
    current: (name) => call<ConnectorConfig>('GET', `${path(name)}/config`, undefined, true),
    async create(name, config, initialState) {
      await call('POST', '/connectors', { name, config, initial_state: initialState });
    },
    async update(name, config) {
      await call('PUT', `${path(name)}/config`, config);
    },
    close: async () => {},
  };
}

/** Applies the connectors; returns each one's outcome (throws on the first that cannot be applied). */
export async function applyConnectors(
  connectors: readonly PipelineConnectorSpec[],
  target: Target,
  onOutcome: (c: PipelineConnectorSpec, outcome: ApplyOutcome) => void = () => {},
): Promise<Map<string, ApplyOutcome>> {
  const out = new Map<string, ApplyOutcome>();
  for (const c of connectors) {
    const current = await target.current(c.name);
    let outcome: ApplyOutcome;
    if (current === undefined) {
      await target.create(c.name, c.config, c.initialState);
      outcome = 'created';
    } else if (sameConfig(current, c.config)) {
      outcome = 'unchanged';
    } else {
      await target.update(c.name, c.config);
      outcome = 'updated';
    }
    out.set(c.name, outcome);
    onOutcome(c, outcome);
  }
  return out;
}

export async function applyCommand(options: ApplyOptions, io: CliIo): Promise<number> {
  return exitCodeOf(io, async () => {
    const registry = await loadPlugins(options.plugins);
    const spec = await loadPipeline(options.files, registry, 'be applied');
    let target: Target;
    try {
      target = options.url ? restTarget(options.url) : await natsTarget(options);
    } catch (e) {
      throw new CommandFailure(EXIT_CONFIG, `sluice: cannot reach the cluster: ${(e as Error).message}`);
    }
    try {
      await applyConnectors(spec.connectors, target, (c, outcome) => {
        io.stdout.write(options.json ? `${JSON.stringify({ connector: c.name, outcome })}\n` : `${c.name}: ${outcome}\n`);
      });
      return EXIT_OK;
    } catch (e) {
      const why = e instanceof ConnectorConfigError ? e.message : (e as Error).message;
      throw new CommandFailure(EXIT_CONNECTOR, `sluice: ${why}`);
    } finally {
      await target.close();
    }
  });
}
