/**
 * The worker runtime of a reactive pipeline: the standalone herder runs the connector (config validation,
 * task split, actors, restart policy, status and metrics, as for any connector) and this runtime starts each
 * task's data path against the Observable instead of a transport.
 */
import { ConfigException } from '../connectors/api/index.js';
import type { PluginRegistry } from '../connectors/registry.js';
import type { Log } from '../actors/index.js';
import { FileOffsetStore } from '../streams/offsets/file-offset-store.js';
import { MemoryOffsetStore } from '../streams/offsets/memory-offset-store.js';
import { createKafkajsClient } from '../streams/kafka/kafkajs-client.js';
import { InProcessBroker } from '../streams/in-process/broker.js';
import { createInProcessClient } from '../streams/in-process/client.js';
import { createErrorHandler, type ErrorHandlerEnv } from '../streams/errors/error-handler.js';
import { errorHandlingSettings } from '../streams/errors/error-handling-config.js';
import type { KafkaClient } from '../streams/kafka/client.js';
import type { WorkerRuntime } from '../worker/runtime.js';
import type { WorkerSettings } from '../worker/worker-config.js';
import { pipelineConfig, resolvedWorkerConfig } from '../worker/default-runtime.js';
import { taskConverters } from '../worker/converters.js';
import { closeWhenDone, sinkTaskTransform, sourceTaskTransform } from '../worker/transforms.js';
import { workerClientChooser } from '../worker/client-configs.js';
import { startReactiveSource, type SourceOutlet } from './source-run.js';
import { startReactiveSink, type SinkInlet } from './sink-run.js';

export type ReactiveEnd = { readonly kind: 'source'; readonly outlet: SourceOutlet } | { readonly kind: 'sink'; readonly inlet: SinkInlet };

export function reactiveRuntime(end: ReactiveEnd) {
  return (settings: WorkerSettings, log: Log, context?: { plugins: PluginRegistry }): WorkerRuntime => {
    const plugins = context?.plugins;
    const offsets = settings.offsetFile ? new FileOffsetStore(settings.offsetFile, log) : new MemoryOffsetStore();
    let client: KafkaClient | undefined;
    const env = (kind: 'source' | 'sink'): ErrorHandlerEnv => {
      if (settings.bootstrapServers) {
        client ??= createKafkajsClient({ brokers: settings.bootstrapServers, clientId: 'sluice', logger: log });
        return { kind, client, inProcess: false, clients: workerClientChooser(resolvedWorkerConfig(settings, plugins)), logger: log };
      }
      client ??= createInProcessClient(new InProcessBroker());
      return { kind, client, inProcess: true, logger: log };
    };
    return {
      offsets,
      start: () => offsets.start(),
      startTask(spec) {
        const config = pipelineConfig(spec);
        if (errorHandlingSettings(config).dlqTopic !== null && !settings.bootstrapServers) {
          throw new ConfigException(
            'errors.deadletterqueue.topic.name',
            config['errors.deadletterqueue.topic.name'],
            'a dead letter queue of a reactive pipeline is a Kafka topic: give the worker config bootstrap.servers',
          );
        }
        const converters = taskConverters(spec.connectorConfig, settings.raw, plugins?.converters);
        const options = settings.pipeline;
        if (spec.type === 'source') {
          if (end.kind !== 'source') throw new ConfigException('connector.class', spec.connectorConfig['connector.class'], 'sink() runs sink connectors only');
          const t = sourceTaskTransform(config, plugins?.transforms);
          const input = { id: spec.id, task: spec.task, config, converters, transform: t.transform, offsets, options };
          return closeWhenDone(t, () => startReactiveSource(input, { outlet: end.outlet, errors: createErrorHandler(input, env('source')), log }));
        }
        if (end.kind !== 'sink') throw new ConfigException('connector.class', spec.connectorConfig['connector.class'], 'source() runs source connectors only');
        const t = sinkTaskTransform(config, plugins?.transforms);
        const input = { id: spec.id, task: spec.task, config, converters, transform: t.transform, options };
        return closeWhenDone(t, () => startReactiveSink(input, { inlet: end.inlet, errors: createErrorHandler(input, env('sink')), log }));
      },
      close: () => offsets.stop(),
    };
  };
}
