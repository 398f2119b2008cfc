/**
 * The embedded API: run a pipeline inside a service, no CLI, no files.
 *
 *   const p = await Sluice.pipeline({ worker: {...}, connectors: [{ name, config }], plugins: [myPlugin] });
 *   await p.start(); p.status(); await p.stop();
 */
import type { ConnectorPlugin, ExtensionPlugin } from '../connectors/api/index.js';
import { refuseBuiltinProviderNames } from './config-providers.js';
import { registerModule } from './plugin-modules.js';
import { sleep } from '../async/index.js';
import { PluginRegistry } from '../connectors/registry.js';
import { silentLog, type Log } from '../actors/index.js';
import { StandaloneHerder } from './standalone-herder.js';
import type { ConnectorStateInfo, InitialState, TaskProgress } from './herder.js';
import { ConflictError, PipelineConfigError, WorkerConfigError, type ConfigProblem } from './errors.js';
import { connectorProblems } from './validate.js';
import { CompletionTracker, type CompletionRule } from './completion.js';
import type { WorkerRuntime } from './runtime.js';
import type { WorkerSettings } from './worker-config.js';
import type { TapHub, TapStage, Tapped } from './taps.js';
import type { Observable } from 'rxjs';
import type { ConnectRecord } from '../data/index.js';

/** Config values may be given as numbers and booleans; they become Kafka Connect's strings. */
export type ConfigInput = Readonly<Record<string, string | number | boolean>>;

export interface ConnectorDefinition {
  readonly name: string;
  readonly config: ConfigInput;
  /** Default RUNNING. */
  readonly initialState?: InitialState;
}

export interface PipelineDefinition {
  /** Worker config; `bootstrap.servers` absent = in-process transport, no broker. */
  readonly worker?: ConfigInput;
  readonly connectors: readonly ConnectorDefinition[];
  /**
   * Plugins of the service, in addition to the built-in ones: connectors, and converters, transforms, predicates
   * and config providers; a name a built-in or an earlier plugin of the same kind has is refused (a ConfigException naming both).
   * A string is an ES module specifier (a package name, a file URL or path) whose plugins are loaded as `--plugin`
   * loads them: tasks can then run on the worker's task threads. A plugin handed over as an object cannot be loaded
   * in another thread, so with one every task of the pipeline runs on the main thread (`sluice.task.threads`).
   */
  readonly plugins?: readonly (ConnectorPlugin | ExtensionPlugin | string)[];
  /** A pino logger fits; default silent. */
  readonly log?: Log;
  /** Replace the data path (advanced; tests; the reactive API). */
  readonly runtime?: (settings: WorkerSettings, log: Log, context: { plugins: PluginRegistry; taps: TapHub }) => WorkerRuntime;
}

const strings = (config: ConfigInput = {}): Record<string, string> =>
  Object.fromEntries(Object.entries(config).map(([k, v]) => [k, String(v)]));

interface PlannedConnector {
  readonly name: string;
  readonly config: Record<string, string>;
  readonly initialState: InitialState;
}

export class Pipeline {
  readonly herder: StandaloneHerder;
  readonly #connectors: readonly PlannedConnector[];
  #started = false;

  /** Use `Sluice.pipeline(...)`, which validates everything first. */
  constructor(herder: StandaloneHerder, connectors: readonly PlannedConnector[]) {
    this.herder = herder;
    this.#connectors = connectors;
  }

  /** Starts the worker and then each connector in order; if one cannot be created, stops what started and throws. */
  async start(): Promise<void> {
    if (this.#started) throw new ConflictError('the pipeline was already started');
    this.#started = true;
    await this.herder.start();
    try {
      for (const c of this.#connectors) await this.herder.addConnector(c.name, c.config, c.initialState);
    } catch (e) {
      await this.herder.stop();
      throw e;
    }
  }

  /** Graceful stop: tasks stop within task.shutdown.graceful.timeout.ms, committing what was acknowledged. */
  stop(): Promise<void> {
    return this.herder.stop();
  }

  /** Kafka Connect's status of every connector. */
  status(): ConnectorStateInfo[] {
    return this.herder.connectors().map((name) => this.herder.connectorStatus(name));
  }

  /**
   * The records of a running connector as they leave its transformation chain (a source's before conversion, a
   * sink's as `put` gets them) — with stage `poll`, as they enter it; with `bytes`, as the bytes sent to or
   * consumed from Kafka — from every task, while subscribed. Nobody tapping costs the data path nothing.
   */
  tap<S extends TapStage = 'transform'>(connector: string, stage: S = 'transform' as S): Observable<Tapped<S>> {
    return this.herder.taps.observe(connector, stage);
  }

  /** Per-task state and counters. */
  progress(): TaskProgress[] {
    return this.herder.progress();
  }

  /**
   * Resolves once the pipeline has finished by itself (see completion.ts: bounded sources finished and sinks
   * caught up, or with `untilIdle` simply quiet). Does not stop it.
   */
  async finished(rule: Partial<CompletionRule> & { pollMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    const tracker = new CompletionTracker({ untilIdle: rule.untilIdle ?? false, idleMs: rule.idleMs ?? 1000 });
    const pollMs = rule.pollMs ?? 100;
    for (;;) {
      rule.signal?.throwIfAborted();
      if (tracker.observe(this.herder.progress(), Date.now(), [], this.herder.unacknowledgedRecords()).done) return;
      await sleep(pollMs);
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

export const Sluice = {
  /** Builds a pipeline, checking the worker config and every connector config (all problems at once). */
  async pipeline(definition: PipelineDefinition): Promise<Pipeline> {
    const registry = PluginRegistry.withBuiltins();
    for (const plugin of definition.plugins ?? []) {
      if (typeof plugin === 'string') {
        await registerModule(registry, plugin);
        continue;
      }
      refuseBuiltinProviderNames(plugin);
      registry.register(plugin);
    }
    const problems: Array<ConfigProblem & { connector?: string }> = [];
    let herder: StandaloneHerder | undefined;
    try {
      herder = new StandaloneHerder({
        worker: strings(definition.worker),
        registry,
        log: definition.log ?? silentLog,
        ...(definition.runtime ? { runtime: definition.runtime } : {}),
      });
    } catch (e) {
      if (!(e instanceof WorkerConfigError)) throw e;
      problems.push(...e.problems);
    }
    const connectors = definition.connectors.map((c) => ({
      name: c.name,
      config: { ...strings(c.config), name: c.name },
      initialState: c.initialState ?? 'RUNNING',
    }));
    definition.connectors.forEach((d, i) => {
      if (d.config['name'] !== undefined && String(d.config['name']) !== d.name) {
        problems.push({ connector: d.name, key: 'name', reason: `config name "${String(d.config['name'])}" must equal the connector name` });
      }
      if (connectors.findIndex((c) => c.name === d.name) !== i) problems.push({ connector: d.name, reason: `connector name "${d.name}" is used twice` });
    });
    for (const c of connectors) {
      for (const p of await connectorProblems(registry, c.config)) problems.push({ connector: c.name, ...p });
    }
    if (problems.length > 0 || !herder) throw new PipelineConfigError(problems);
    return new Pipeline(herder, connectors);
  },
};
