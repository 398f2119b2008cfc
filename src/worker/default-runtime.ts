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
  type OffsetStore,
  type Transport,
} from '../streams/index.js';
import type { ClientChooser } from '../streams/client-requests.js';
import type { ConnectorConfig } from '../connectors/api/index.js';
import type { PluginRegistry } from '../connectors/registry.js';
import type { Log } from '../actors/index.js';
import type { WorkerSettings } from './worker-config.js';
import type { TaskStartSpec, WorkerRuntime } from './runtime.js';
import { taskConverters } from './converters.js';
import { closeWhenDone, sinkTaskTransform, sourceTaskTransform } from './transforms.js';
import { adminClientConfig, workerClientChooser } from './client-configs.js';
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
  /** The worker's plugins: converters, transforms and config providers beyond the built-in ones. */
  readonly plugins?: PluginRegistry;
  /** Where `Pipeline.tap` observes the records of a connector. */
  readonly taps?: TapHub;
}

/**
 * The worker config with its `${provider:path:key}` placeholders resolved (Kafka resolves a worker config's
 * variables when it loads it), for the client keys: `producer.sasl.jaas.config=${file:/etc/kafka/secrets:jaas}`.
 */
export function resolvedWorkerConfig(settings: WorkerSettings, plugins?: PluginRegistry): Readonly<Record<string, string>> {
  return configTransformerFromWorker(settings.raw, plugins).transform(settings.raw);
}

export function defaultRuntime(settings: WorkerSettings, log: Log, overrides: RuntimeOverrides = {}): WorkerRuntime {
  const plugins = overrides.plugins;
  const taps = overrides.taps;
  const offsets = overrides.offsets ?? (settings.offsetFile ? new FileOffsetStore(settings.offsetFile, log) : new MemoryOffsetStore());
  // Resolved on first use: a provider that cannot read fails the worker's start, not its construction.
  let chooser: ClientChooser | undefined;
  const clients: ClientChooser = (request) => (chooser ??= workerClientChooser(resolvedWorkerConfig(settings, plugins)))(request);
  const transport: Transport = createTransport(
    settings.bootstrapServers
      ? { kind: 'kafka', bootstrapServers: settings.bootstrapServers, clients, logger: log }
      : { kind: 'in-process', logger: log },
  );
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
      const config = pipelineConfig(spec);
      const converters = taskConverters(spec.connectorConfig, settings.raw, plugins?.converters);
      const options = settings.pipeline;
      const onTopic = spec.onTopic ? { onTopic: spec.onTopic } : {};
      const bytesTap = taps ? { bytesTap: taps.bytes(spec.id.connector) } : {};
      const tracer = settings.tracing ? { tracer: new TaskTracer(spec.type, spec.id) } : {};
      // The transform chain is built once per task and closed when its pipeline ends.
      if (spec.type === 'source') {
        const t = sourceTaskTransform(config, plugins?.transforms);
        const transform = taps ? taps.tapped(spec.id.connector, t.transform) : t.transform;
        return closeWhenDone(t, () => transport.startSource({ id: spec.id, task: spec.task, config, converters, transform, offsets, options, ...onTopic, ...bytesTap, ...tracer }));
      }
      const t = sinkTaskTransform(config, plugins?.transforms);
      const transform = taps ? taps.tapped(spec.id.connector, t.transform) : t.transform;
      return closeWhenDone(t, () => transport.startSink({ id: spec.id, task: spec.task, config, converters, transform, options, ...onTopic, ...bytesTap, ...tracer }));
    },
    admin: () => transport.admin(),
    async close() {
      try {
        await transport.close();
      } finally {
        await offsets.stop();
      }
    },
  };
}
