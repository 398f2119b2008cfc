/**
 * Connector config validation as the worker applies it before starting a connector: the plugins' validation
 * (framework keys, the connector's own keys, unknown keys) plus the worker's own connector keys (the restart
 * policy), which the plugin-level validation leaves to the worker.
 */
import { ConfigException, type ConnectorConfig } from '../connectors/api/index.js';
import type { PluginRegistry } from '../connectors/registry.js';
import { ConnectorConfigError, connectorConfigProblems, type ProblemOptions } from '../connectors/validation.js';
import { parseRestartPolicy, restartPolicyConfigDef } from '../actors/restart-policy.js';
import { RATE_LIMIT_PREFIX, rateLimitConfigDef } from '../streams/util/rate-limit.js';
import type { ConfigDef } from '../connectors/api/index.js';
import { TAP_PREFIX, tapConfigDef } from './taps.js';
import type { ConfigProblem } from './errors.js';
import { transformConfigDef, transformProblems } from './transforms.js';
import { DLQ_PREFIX, errorHandlingProblems } from '../streams/errors/error-handling-config.js';
import { converterExists } from './converters.js';
import { connectorClientProblems } from './client-configs.js';

/** Connector key prefixes the worker defines and checks itself. */
export const WORKER_CONNECTOR_PREFIXES = ['sluice.restart.', RATE_LIMIT_PREFIX, TAP_PREFIX] as const;

/** The worker's own connector keys: the restart policy, the rate limits, the tap's redaction. */
export function workerConnectorConfigDef(): ConfigDef {
  return restartPolicyConfigDef().merge(rateLimitConfigDef()).merge(tapConfigDef());
}

/**
 * Prefixes the worker accepts beyond Kafka's per-kind keys: the dead letter queue keys, which Sluice also
 * honours on source connectors (checked by workerKeyProblems).
 */
const WORKER_ACCEPTED_PREFIXES = [DLQ_PREFIX] as const;

/**
 * The options to give the plugins' validation: the worker's own keys are not reported as unknown, and converter
 * and transform names are checked against those `plugins` has (default: the built-in ones).
 */
export function withWorkerKeys(options: ProblemOptions = {}, plugins?: PluginRegistry): ProblemOptions {
  const hooks: ProblemOptions = plugins
    ? {
        converterExists: (name, kind) => converterExists(name, kind, plugins.converters),
        transformConfigDef: (type, kind) => transformConfigDef(type, kind, plugins.transforms),
        transformClasses: (kind) => plugins.transforms.plugins().filter((p) => p.kind === kind).map((p) => p.className).sort(),
      }
    : { converterExists, transformConfigDef };
  return {
    ...hooks,
    ...options,
    allowedPrefixes: [...(options.allowedPrefixes ?? []), ...WORKER_CONNECTOR_PREFIXES, ...WORKER_ACCEPTED_PREFIXES],
  };
}

/**
 * Problems of the worker's own connector keys: unknown `sluice.restart.*` keys, bad values; what building the
 * transform chain finds beyond the per-key checks; the dead letter queue keys (a source connector's too); the
 * client overrides (`producer.override.*`, ...) the worker's `connector.client.config.override.policy` forbids
 * or the clients cannot honour (`worker`: the worker config, placeholders resolved; absent: policy All).
 */
export function workerKeyProblems(
  config: ConnectorConfig,
  worker: Readonly<Record<string, string>> = {},
  plugins?: PluginRegistry,
): ConfigProblem[] {
  const def = workerConnectorConfigDef();
  // A sink's framework ConfigDef defines the DLQ keys and checks their types; a source's does not.
  const looksLikeSink = (config['topics'] ?? '').trim() !== '' || (config['topics.regex'] ?? '').trim() !== '';
  const problems: ConfigProblem[] = [
    ...transformProblems(config, plugins?.transforms),
    ...errorHandlingProblems(config, { dlqValues: !looksLikeSink }),
    ...connectorClientProblems(worker, config, looksLikeSink ? 'sink' : 'source'),
  ];
  for (const key of Object.keys(config)) {
    if (WORKER_CONNECTOR_PREFIXES.some((p) => key.startsWith(p)) && !def.key(key)) {
      const known = def.names().filter((n) => WORKER_CONNECTOR_PREFIXES.some((p) => key.startsWith(p) && n.startsWith(p)));
      problems.push({ key, reason: `unknown connector configuration key "${key}" (known: ${known.join(', ')})` });
    }
  }
  problems.push(...def.problems(config));
  if (!problems.some((p) => p.key?.startsWith('sluice.'))) {
    try {
      parseRestartPolicy(config);
    } catch (e) {
      if (!(e instanceof ConfigException)) throw e;
      problems.push({ ...(e.key ? { key: e.key } : {}), reason: e.message });
    }
  }
  return problems;
}

/** Every problem of a connector config (never throws for an invalid config). */
export async function connectorProblems(
  registry: PluginRegistry,
  config: ConnectorConfig,
  options: ProblemOptions = {},
  worker: Readonly<Record<string, string>> = {},
): Promise<ConfigProblem[]> {
  return [...(await connectorConfigProblems(registry, config, withWorkerKeys(options, registry))), ...workerKeyProblems(config, worker, registry)];
}

/** Throws ConnectorConfigError (every key and reason) unless the config is valid. */
export async function assertValidConnector(
  registry: PluginRegistry,
  name: string,
  config: ConnectorConfig,
  options: ProblemOptions = {},
  worker: Readonly<Record<string, string>> = {},
): Promise<void> {
  const problems = await connectorProblems(registry, config, options, worker);
  if (config['name'] !== undefined && config['name'] !== name) {
    problems.unshift({ key: 'name', reason: `connector name "${config['name']}" does not match the name "${name}" it is created under` });
  }
  if (problems.length > 0) {
    throw new ConnectorConfigError(name, problems.map((p) => ({ ...(p.key ? { key: p.key } : {}), reason: p.reason })));
  }
}
