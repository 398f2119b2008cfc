/**
 * The data path a worker runs by default: the Kafka transport when `bootstrap.servers` is set (the in-process
 * broker otherwise), source offsets in `offset.storage.file.filename` (memory when absent), converters from the
 * connector or worker config, and the transforms seam.
 */
import { FileOffsetStore, MemoryOffsetStore, createTransport, type Transport } from '../streams/index.js';
import type { ConnectorConfig } from '../connectors/api/index.js';
import type { Log } from '../actors/index.js';
import type { WorkerSettings } from './worker-config.js';
import type { TaskStartSpec, WorkerRuntime } from './runtime.js';
import { taskConverters } from './converters.js';
import { sinkTransform, sourceTransform } from './transforms.js';

/**
 * The config a pipeline gets: the task config over the connector config. The pipelines read framework keys
 * (topic.creation.*, errors.*) from it, which Kafka Connect keeps in the connector config, not the task config.
 */
export function pipelineConfig(spec: Pick<TaskStartSpec, 'connectorConfig' | 'taskConfig'>): ConnectorConfig {
  return { ...spec.connectorConfig, ...spec.taskConfig };
}

export function defaultRuntime(settings: WorkerSettings, log: Log): WorkerRuntime {
  const offsets = settings.offsetFile ? new FileOffsetStore(settings.offsetFile) : new MemoryOffsetStore();
  const transport: Transport = createTransport(
    settings.bootstrapServers
      ? { kind: 'kafka', bootstrapServers: settings.bootstrapServers, logger: log }
      : { kind: 'in-process', logger: log },
  );
  return {
    offsets,
    start: () => offsets.start(),
    startTask(spec) {
      const config = pipelineConfig(spec);
      const converters = taskConverters(spec.connectorConfig, settings.raw);
      const options = settings.pipeline;
      return spec.type === 'source'
        ? transport.startSource({ id: spec.id, task: spec.task, config, converters, transform: sourceTransform(config), offsets, options })
        : transport.startSink({ id: spec.id, task: spec.task, config, converters, transform: sinkTransform(config), options });
    },
    async close() {
      try {
        await transport.close();
      } finally {
        await offsets.stop();
      }
    },
  };
}
