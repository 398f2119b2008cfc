/**
 * The data path a worker runs by default: the Kafka transport when `bootstrap.servers` is set (the in-process
 * broker otherwise), source offsets in `offset.storage.file.filename` (memory when absent), converters from the
 * connector or worker config, and the transforms seam.
 */
import {
  FileOffsetStore,
  MemoryOffsetStore,
  createKafkajsClient,
  createTransport,
  type ClientProperties,
  type KafkaClient,
  type ExactlyOnceSource,
  type OffsetStore,
  type PipelineOptions,
  type TaskRun,
  type Transport,
} from '../streams/index.js';
import { TaskThreadPool } from './threads/task-thread-pool.js';
import { virtualTimeInstalled } from '../async/index.js';
import type { ClientChooser } from '../streams/client-requests.js';
import type { ConnectorConfig } from '../connectors/api/index.js';
import type { PluginRegistry } from '../connectors/registry.js';
import type { Log } from '../actors/index.js';
import type { WorkerSettings } from './worker-config.js';
import type { TaskStartSpec, WorkerRuntime } from './runtime.js';
import { taskConverters } from './converters.js';
import { closeWhenDone, sinkTaskTransform, sourceTaskTransform } from './transforms.js';
import { adminClientConfig, internalClientConfig, workerClientChooser } from './client-configs.js';
import { KafkaOffsetStore } from './kafka-offset-store.js';
import { ExactlyOnceWiring, LayeredOffsetStore, STANDALONE_OFFSETS_TOPIC, STANDALONE_TRANSACTIONAL_PREFIX } from './exactly-once.js';
import { configTransformerFromWorker } from './config-providers.js';
import type { TapHub } from './taps.js';
import { TaskTracer } from '../tracing/index.js';

/**
 * The config a pipeline gets: the task config over the connector config. The pipelines read framework keys
 * (topic.creation.*, errors.*) from it, which Kafka Connect keeps in the connector config, not the task config.
 */
export function pipelineConfig(spec: Pick<TaskStartSpec, 'connectorConfig' | 'taskConfig'>): ConnectorConfig {
  return { ...spec.connectorConfig, ...spec.taskConfig };
}

/** Kafka Connect will not start without its cluster; neither does a Kafka-backed worker here. */
export class KafkaUnreachableError extends Error {
  override readonly name = 'KafkaUnreachableError';
  constructor(readonly bootstrapServers: readonly string[], options?: { cause?: unknown }) {
    super(
      `cannot reach Kafka at ${bootstrapServers.join(',')} (bootstrap.servers)` +
        (options?.cause instanceof Error ? `: ${options.cause.message}` : ''),
      options,
    );
  }
}

async function checkKafka(bootstrapServers: readonly string[], properties: ClientProperties, timeoutMs: number): Promise<void> {
  const admin = createKafkajsClient({ brokers: bootstrapServers, clientId: 'sluice-worker-startup' }).admin({ clientId: 'sluice-worker-startup', properties });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      (async () => {
        await admin.connect();
        await admin.listTopics();
      })(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (e) {
    throw new KafkaUnreachableError(bootstrapServers, { cause: e });
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => {});
  }
}

/** What a caller may supply instead of the defaults (the distributed worker keeps offsets in a Kafka topic). */
export interface RuntimeOverrides {
  readonly offsets?: OffsetStore;
  /**
   * With `exactly.once.source.support=enabled`: the worker's offsets topic store (the distributed worker's
   * `offsets`) and the group id that prefixes transactional ids. Absent: a standalone worker's own.
   */
  readonly exactlyOnce?: {
    readonly workerTopic: KafkaOffsetStore;
    readonly transactionalPrefix: string;
    /** Runs before each exactly-once source task starts (the distributed worker's zombie fencing round). */
    readonly preflight?: (connector: string) => Promise<void>;
  };
  /** The worker's plugins: converters, transforms and config providers beyond the built-in ones. */
  readonly plugins?: PluginRegistry;
  /** Where `Pipeline.tap` observes the records of a connector. */
  readonly taps?: TapHub;
}

/**
 * The worker config with its `${provider:path:key}` placeholders resolved (Kafka resolves a worker config's
 * variables when it loads it), for the client keys: `producer.sasl.jaas.config=${file:/etc/kafka/secrets:jaas}`.
 */
export function resolvedWorkerConfig(settings: Pick<WorkerSettings, 'raw'>, plugins?: PluginRegistry): Readonly<Record<string, string>> {
  return configTransformerFromWorker(settings.raw, plugins).transform(settings.raw);
}

/** The clients of the offsets topics: the worker's top-level client keys, read_committed when `readCommitted`. */
export function offsetsTopicClient(settings: WorkerSettings, bootstrapServers: readonly string[], clientId: string, plugins?: PluginRegistry, readCommitted = false): KafkaClient {
  const worker = resolvedWorkerConfig(settings, plugins);
  const properties = (role: 'producer' | 'consumer' | 'admin') => internalClientConfig(worker, role, '').properties;
  return createKafkajsClient({
    brokers: bootstrapServers,
    clientId,
    properties: {
      producer: properties('producer'),
      consumer: { ...properties('consumer'), ...(readCommitted ? { 'isolation.level': 'read_committed' } : {}) },
      admin: properties('admin'),
    },
  });
}

/** What a task's pipeline is built from, on the main thread or in a task thread. */
export interface TaskPipelineContext {
  readonly transport: Transport;
  /** The worker's raw config: converters and client keys are read from it. */
  readonly workerConfig: Readonly<Record<string, string>>;
  readonly options: PipelineOptions;
  readonly tracing: boolean;
  readonly plugins?: PluginRegistry;
  readonly taps?: TapHub;
}

/** Builds a task's pipeline (converters, its transform chain, the transport) and starts it. */
export function startTaskPipeline(ctx: TaskPipelineContext, spec: TaskStartSpec, offsets: OffsetStore, exactlyOnce?: ExactlyOnceSource): TaskRun {
  const { plugins, taps, transport, options } = ctx;
  const config = pipelineConfig(spec);
  const converters = taskConverters(spec.connectorConfig, ctx.workerConfig, plugins?.converters);
  const onTopic = spec.onTopic ? { onTopic: spec.onTopic } : {};
  const bytesTap = taps ? { bytesTap: taps.bytes(spec.id.connector) } : {};
  const tracer = ctx.tracing ? { tracer: new TaskTracer(spec.type, spec.id) } : {};
  // The transform chain is built once per task and closed when its pipeline ends.
  if (spec.type === 'source') {
    const t = sourceTaskTransform(config, plugins?.transforms);
    const transform = taps ? taps.tapped(spec.id.connector, t.transform) : t.transform;
    const eosInput = exactlyOnce ? { exactlyOnce } : {};
    return closeWhenDone(t, () =>
      transport.startSource({ id: spec.id, task: spec.task, config, converters, transform, offsets, options, ...eosInput, ...onTopic, ...bytesTap, ...tracer }),
    );
  }
  const t = sinkTaskTransform(config, plugins?.transforms);
  const transform = taps ? taps.tapped(spec.id.connector, t.transform) : t.transform;
  return closeWhenDone(t, () => transport.startSink({ id: spec.id, task: spec.task, config, converters, transform, options, ...onTopic, ...bytesTap, ...tracer }));
}

export function defaultRuntime(settings: WorkerSettings, log: Log, overrides: RuntimeOverrides = {}): WorkerRuntime {
  const plugins = overrides.plugins;
  const taps = overrides.taps;
  const file = overrides.offsets ? undefined : settings.offsetFile ? new FileOffsetStore(settings.offsetFile, log) : new MemoryOffsetStore();
  const eos = exactlyOnceWiring(settings, log, overrides, file);
  const offsets = overrides.offsets ?? eos?.workerOffsets ?? file!;
  // Resolved on first use: a provider that cannot read fails the worker's start, not its construction.
  let chooser: ClientChooser | undefined;
  const clients: ClientChooser = (request) => (chooser ??= workerClientChooser(resolvedWorkerConfig(settings, plugins)))(request);
  const transport: Transport = createTransport(
    settings.bootstrapServers
      ? { kind: 'kafka', bootstrapServers: settings.bootstrapServers, clients, logger: log }
      : { kind: 'in-process', logger: log },
  );
  const context: TaskPipelineContext = { transport, workerConfig: settings.raw, options: settings.pipeline, tracing: settings.tracing, ...(plugins ? { plugins } : {}), ...(taps ? { taps } : {}) };
  const threadModules = plugins ? plugins.threadModules() : [];
  const pool =
    settings.taskThreads > 0 && threadModules
      ? new TaskThreadPool({
          size: settings.taskThreads,
          unresponsiveMs: settings.taskThreadUnresponsiveMs,
          setup: { workerConfig: settings.raw, options: settings.pipeline, bootstrapServers: settings.bootstrapServers, pluginModules: threadModules },
          // The in-process broker stays on this thread: every task thread's clients are served from it.
          ...(settings.bootstrapServers ? {} : { hostClient: () => transport.client() }),
          ...(taps ? { taps } : {}),
          log,
        })
      : undefined;
  return {
    offsets,
    async start() {
      if (settings.bootstrapServers) {
        const admin = adminClientConfig(resolvedWorkerConfig(settings, plugins), null, 'sluice-worker-startup');
        await checkKafka(settings.bootstrapServers, admin.properties, 15_000);
      }
      await offsets.start();
    },
    startTask(spec) {
      if (!eos || spec.type === 'sink') {
        // A task runs in a thread of the pool when the pool can build it there (its plugins load by module), and
        // time is real (sluice/testing's virtual clock drives this thread's timers only).
        return pool && !settings.tracing && !virtualTimeInstalled() ? pool.startTask(spec, offsets) : startTaskPipeline(context, spec, offsets);
      }
      // Exactly-once: the fencing round first (distributed), then its offsets topic and transactional id.
      const wiring = eos.wiring;
      return (async () => {
        await overrides.exactlyOnce?.preflight?.(spec.id.connector);
        const config = pipelineConfig(spec);
        const [exactlyOnce, taskOffsets] = await Promise.all([wiring.sourceFor(spec.id, config), wiring.offsetsFor(config)]);
        return startTaskPipeline(context, spec, taskOffsets, exactlyOnce);
      })();
    },
    admin: () => transport.admin(),
    unacknowledged: () => transport.unacknowledged(),
    ...(eos ? { offsetsFor: (config: ConnectorConfig) => eos.wiring.offsetsFor(config) } : {}),
    async close() {
      try {
        await pool?.close();
        await transport.close();
        await eos?.wiring.close();
      } finally {
        await offsets.stop();
      }
    },
  };
}

/**
 * The exactly-once wiring when the worker enables it and has a Kafka cluster: the distributed worker's offsets
 * topic store, or a standalone worker's (its topic over its file, so offsets of runs before still count).
 */
function exactlyOnceWiring(
  settings: WorkerSettings,
  log: Log,
  overrides: RuntimeOverrides,
  file: OffsetStore | undefined,
): { wiring: ExactlyOnceWiring; workerOffsets: OffsetStore } | undefined {
  if (settings.exactlyOnceSource !== 'enabled' || !settings.bootstrapServers) return undefined;
  const client = offsetsTopicClient(settings, settings.bootstrapServers, 'sluice-offsets', overrides.plugins, true);
  const distributed = overrides.exactlyOnce;
  const prefix = distributed?.transactionalPrefix ?? STANDALONE_TRANSACTIONAL_PREFIX;
  const base = distributed ? `sluice-${prefix}` : prefix;
  const names = { readerGroupPrefix: `${base}-offsets-reader`, clientId: base };
  const workerTopic =
    distributed?.workerTopic ??
    new KafkaOffsetStore({ client, topic: settings.offsetTopic ?? STANDALONE_OFFSETS_TOPIC, partitions: -1, replicationFactor: -1, log, ...names });
  // Distributed: the worker's store is the topic. Standalone: the topic over the file, which gets a copy of each commit.
  const workerOffsets = distributed ? (overrides.offsets ?? workerTopic) : new LayeredOffsetStore(workerTopic, file!);
  const wiring = new ExactlyOnceWiring({
    workerTopic, workerOffsets, ...(distributed ? {} : { mirror: file! }), client, transactionalPrefix: prefix,
    offsetFlushIntervalMs: settings.pipeline.offsetFlushIntervalMs, log, ...names,
  });
  return { wiring, workerOffsets };
}
