/**
 * What every herder shares (Kafka Connect's AbstractHerder): the Worker it drives, connector validation (the
 * plugins' checks, the worker's own keys, config-provider placeholders), the KIP-875 offsets plumbing, the
 * startup counters and the cluster id. A herder adds what differs: where configs, target states and task configs
 * are stored, and who decides what runs where (one process: standalone-herder.ts; a group:
 * src/cluster/distributed-herder.ts).
 */
import type { ConnectorConfig } from '../connectors/api/index.js';
import { PluginRegistry } from '../connectors/registry.js';
import { ConnectorConfigError, validateConnectorConfig, type ConfigInfos, type ProblemOptions } from '../connectors/validation.js';
import { silentLog, type Log } from '../actors/index.js';
import type { ConnectorStateInfo, ConnectorType, WorkerCounters } from './herder.js';
import { ConflictError } from './errors.js';
import { hasVariables } from './config-providers.js';
import type { WorkerSettings } from './worker-config.js';
import { assertValidConnector, withWorkerKeys, workerKeyProblems } from './validate.js';
import { isPasswordKey, overrideKeysOf } from './client-configs.js';
import { passwordKeysOf } from './secret-keys.js';
import { OffsetsApi } from './offsets-api.js';
import { Worker } from './worker.js';

export interface HerderBaseOptions {
  readonly registry?: PluginRegistry | undefined;
  /** Options for connector validation (converter and transform lookups). */
  readonly validation?: ProblemOptions | undefined;
  readonly log?: Log | undefined;
  /** Clock and randomness of the restart policy (tests). */
  readonly now?: (() => number) | undefined;
  readonly random?: (() => number) | undefined;
}

export type HerderState = 'new' | 'starting' | 'running' | 'stopping' | 'stopped';

export abstract class AbstractHerder {
  readonly settings: WorkerSettings;
  readonly registry: PluginRegistry;
  protected readonly log: Log;
  protected readonly worker: Worker;
  protected readonly offsetsApi: OffsetsApi;
  protected state: HerderState = 'new';
  readonly #validation: ProblemOptions | undefined;

  /** Throws WorkerConfigError when the worker's config providers are misconfigured. */
  protected constructor(settings: WorkerSettings, options: HerderBaseOptions) {
    this.settings = settings;
    this.log = options.log ?? silentLog;
    if (settings.unusedKeys.length > 0) {
      this.log.warn({ keys: settings.unusedKeys.map((k) => k.key) }, `worker config: ${settings.unusedKeys.map((k) => k.reason).join('; ')}; supplied but not used`);
    }
    this.registry = options.registry ?? PluginRegistry.withBuiltins();
    this.worker = new Worker({
      settings,
      log: this.log,
      configProviders: this.registry,
      ...(options.now ? { now: options.now } : {}),
      ...(options.random ? { random: options.random } : {}),
    });
    // Exactly-once needs transactions, so a worker without a Kafka cluster (in-process topics) does not have it.
    this.#validation = { ...options.validation, exactlyOnceSource: settings.exactlyOnceSource === 'enabled' && settings.bootstrapServers !== null };
    this.offsetsApi = new OffsetsApi(this.worker, this.registry);
  }

  get workerId(): string {
    return this.settings.workerId;
  }

  /** The values of the config's secrets (its PASSWORD keys: `secret-keys.ts`), resolved as its tasks get them. */
  secretValues(config: ConnectorConfig): string[] {
    let resolved = config;
    try {
      resolved = this.worker.transformer.transform(config);
    } catch {
      // a provider that cannot read: the raw values are all there is
    }
    const values = [...passwordKeysOf(this.registry, config)].flatMap((k) => [config[k], resolved[k]]);
    return [...new Set(values.filter((v): v is string => v !== undefined && v !== ''))];
  }

  /**
   * `PUT /connector-plugins/{p}/config/validate`: Kafka Connect's ConfigInfos for the config with its
   * placeholders resolved, showing the raw placeholder (never the secret) as the value of such keys, plus the
   * worker's own keys (restart policy). Throws a ConfigException when connector.class is missing or unknown.
   */
  async validateConfig(config: ConnectorConfig): Promise<ConfigInfos> {
    const transformer = this.worker.transformer;
    const problems = transformer.problems(config);
    const resolved = problems.length === 0 ? transformer.transform(config) : config;
    const infos = await validateConnectorConfig(this.registry, resolved, withWorkerKeys(this.#validation, this.registry));
    problems.push(...workerKeyProblems(resolved, this.settings.raw, this.registry));
    const configs = infos.configs.map((c) => {
      const key = c.value?.name ?? c.definition?.name;
      if (!c.value || key === undefined || config[key] === undefined || !hasVariables(config[key]!)) return c;
      return { ...c, value: { ...c.value, value: c.definition?.type === 'PASSWORD' ? '[hidden]' : config[key]! } };
    });
    // Kafka lists each client override the connector's clients take, its secrets [hidden] (validateClientOverrides).
    const type = this.typeOf(config);
    if (type === 'source' || type === 'sink') {
      for (const key of overrideKeysOf(type, config)) {
        const value = isPasswordKey(key) ? '[hidden]' : config[key]!;
        configs.push({ definition: null, value: { name: key, value, recommended_values: [], errors: [], visible: true } });
      }
    }
    let errorCount = infos.error_count;
    for (const p of problems) {
      const key = p.key ?? 'connector.class';
      const i = configs.findIndex((c) => (c.value?.name ?? c.definition?.name) === key);
      const raw = config[key] === undefined ? null : isPasswordKey(key) ? '[hidden]' : config[key]!;
      if (i >= 0) {
        const c = configs[i]!;
        const value = c.value ?? { name: key, value: raw, recommended_values: [], errors: [], visible: true };
        configs[i] = { ...c, value: { ...value, errors: [...value.errors, p.reason] } };
      } else {
        configs.unshift({ definition: null, value: { name: key, value: raw, recommended_values: [], errors: [p.reason], visible: true } });
      }
      errorCount++;
    }
    return { ...infos, error_count: errorCount, configs };
  }

  async kafkaClusterId(): Promise<string | null> {
    return this.worker.kafkaClusterId();
  }

  workerCounters(): WorkerCounters {
    return this.worker.counters();
  }

  /** Validation on the config with its placeholders resolved (a provider that cannot read is a problem too). */
  protected async assertValid(name: string, config: ConnectorConfig): Promise<void> {
    const transformer = this.worker.transformer;
    const problems = transformer.problems(config);
    if (problems.length > 0) throw new ConnectorConfigError(name, problems);
    await assertValidConnector(this.registry, name, transformer.transform(config), this.#validation, this.settings.raw);
  }

  protected ensureRunning(): void {
    if (this.state !== 'running') {
      throw new ConflictError(this.state === 'new' || this.state === 'starting' ? 'the worker has not been started' : 'the worker is stopping');
    }
  }

  /** The connector's type from its class ('unknown' when the class does not resolve). */
  protected typeOf(config: ConnectorConfig): ConnectorType {
    try {
      return this.registry.resolve(config['connector.class'] ?? '').type;
    } catch {
      return 'unknown';
    }
  }
}

/**
 * The 202 body of a restart: the plan's status with each instance's trace kept, as Kafka's buildRestartPlan
 * keeps it (a FAILED instance shown RESTARTING still carries the trace of its failure).
 */
export function restartStatusWithTraces(planned: ConnectorStateInfo, current: ConnectorStateInfo): ConnectorStateInfo {
  const traceOf = (e: { trace?: string | undefined } | undefined) => (e?.trace ? { trace: e.trace } : {});
  const taskTraces = new Map(current.tasks.map((t) => [t.id, t]));
  return {
    ...planned,
    connector: planned.connector.trace ? planned.connector : { ...planned.connector, ...traceOf(current.connector) },
    tasks: planned.tasks.map((t) => (t.trace ? t : { ...t, ...traceOf(taskTraces.get(t.id)) })),
  };
}
