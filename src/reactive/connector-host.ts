/**
 * Runs the one connector behind a `source()` or `sink()` in an embedded standalone worker whose runtime is
 * the reactive one, and reports a task failure that ends the stream (unless a restart policy takes it).
 */
import type { ConnectorPlugin, ExtensionPlugin } from '../connectors/api/index.js';
import { PluginRegistry } from '../connectors/registry.js';
import type { Log } from '../actors/index.js';
import { Sluice, type ConfigInput, type Pipeline } from '../worker/embedded.js';
import { PipelineConfigError } from '../worker/errors.js';
import type { ConnectorStateInfo, TaskProgress } from '../worker/herder.js';
import { reactiveRuntime, type ReactiveEnd } from './runtime.js';

export interface ReactiveOptions {
  /** The connector's name (status, logs, offsets); default the config's `name`, else `source` / `sink`. */
  readonly name?: string;
  /**
   * Worker config: `offset.storage.file.filename` (source offsets kept across runs; in memory without it),
   * `offset.flush.interval.ms`, converters for the dead letter queue, and `bootstrap.servers` when a connector
   * has `errors.deadletterqueue.topic.name`.
   */
  readonly worker?: ConfigInput;
  /** Plugins besides the built-in ones (connectors, converters, transforms, predicates, config providers). */
  readonly plugins?: readonly (ConnectorPlugin | ExtensionPlugin)[];
  /** A pino logger fits; default silent. */
  readonly log?: Log;
}

/** What `source()` and `sink()` tell about their connector. */
export interface ConnectorHandle {
  status(): ConnectorStateInfo | null;
  progress(): TaskProgress[];
}

export interface HostedConnector extends ConnectorHandle {
  /** The started pipeline; rejects with a PipelineConfigError (every problem) when the config is invalid. */
  readonly pipeline: Promise<Pipeline>;
  /** Graceful stop (idempotent); status and progress keep what they were just before it. */
  stop(): Promise<void>;
}

export function runConnector(
  end: ReactiveEnd,
  name: string,
  config: ConfigInput,
  options: ReactiveOptions,
  onFailure: (failure: unknown) => void,
): HostedConnector {
  const restartPolicy = String(config['sluice.restart.policy'] ?? 'none') !== 'none';
  const runtime = reactiveRuntime(end);
  const pipeline = (async () => {
    refuseWrongType(end.kind, name, config, options);
    if (end.kind === 'sink' && restartPolicy) {
      // A failed sink task's records would wait for a successor forever (their origins held): the stream ends
      // instead, and the next run gets them again from the source's committed offsets.
      throw new PipelineConfigError([
        { connector: name, key: 'sluice.restart.policy', reason: 'sink() takes no restart policy: a failed sink task ends the stream (restart it by subscribing again)' },
      ]);
    }
    // A reactive sink takes the records of whatever topic the Observable brings: no subscription to configure.
    const anyTopic = end.kind === 'sink' && config['topics'] === undefined && config['topics.regex'] === undefined;
    const p = await Sluice.pipeline({
      ...(options.worker ? { worker: options.worker } : {}),
      connectors: [{ name, config: anyTopic ? { ...config, 'topics.regex': everyTopicBut(config['errors.deadletterqueue.topic.name']) } : config }],
      ...(options.plugins ? { plugins: options.plugins } : {}),
      ...(options.log ? { log: options.log } : {}),
      runtime: (settings, log, context) => {
        const inner = runtime(settings, log, context);
        return {
          ...inner,
          async startTask(spec) {
            let run;
            try {
              run = await inner.startTask(spec);
            } catch (e) {
              if (!restartPolicy) queueMicrotask(() => onFailure(e));
              throw e;
            }
            if (!restartPolicy) run.done.catch((failure: unknown) => onFailure(failure));
            return run;
          },
        };
      },
    });
    await p.start();
    const status = p.status()[0];
    if (status?.connector.state === 'FAILED') onFailure(new Error(`connector ${name} FAILED: ${status.connector.trace ?? ''}`));
    return p;
  })();
  pipeline.catch(() => {});
  let running: Pipeline | null = null;
  let last: { status: ConnectorStateInfo | null; progress: TaskProgress[] } = { status: null, progress: [] };
  void pipeline.then((p) => (running = p), () => {});
  let stopped: Promise<void> | undefined;
  return {
    pipeline,
    status: () => (running ? (running.status()[0] ?? null) : last.status),
    progress: () => (running ? running.progress() : last.progress),
    stop: () =>
      (stopped ??= pipeline.then(
        async (p) => {
          last = { status: p.status()[0] ?? null, progress: p.progress() };
          running = null;
          await p.stop();
        },
        () => {},
      )),
  };
}

/** A topics.regex for every topic but the dead letter queue's (which Kafka Connect refuses to consume). */
function everyTopicBut(dlq: ConfigInput[string] | undefined): string {
  if (dlq === undefined || String(dlq).trim() === '') return '.*';
  return `(?!${String(dlq).trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$).*`;
}

function refuseWrongType(kind: 'source' | 'sink', name: string, config: ConfigInput, options: ReactiveOptions): void {
  const registry = PluginRegistry.withBuiltins();
  for (const plugin of options.plugins ?? []) registry.register(plugin);
  const cls = config['connector.class'];
  if (cls === undefined || !registry.has(String(cls))) return; // validation names the key
  const type = registry.resolve(String(cls)).type;
  if (type !== kind) {
    throw new PipelineConfigError([
      { connector: name, key: 'connector.class', reason: `${String(cls)} is a ${type} connector; ${kind}() takes a ${kind} connector` },
    ]);
  }
}
