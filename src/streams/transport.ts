/**
 * What the worker uses to run task pipelines without caring which transport carries the records:
 * a real Kafka cluster (through kafkajs), or the in-process broker (no Kafka at all).
 */
import type { SinkTaskInput, SourceTaskInput, TaskRun } from './contracts.js';
import type { KafkaAdmin, KafkaClient, StreamLogger } from './kafka/client.js';
import { createKafkajsClient } from './kafka/kafkajs-client.js';
import { InProcessBroker } from './in-process/broker.js';
import { createInProcessClient } from './in-process/client.js';
import { startSourceTask } from './source/source-pipeline.js';
import { startSinkTask } from './sink/sink-pipeline.js';
import { topicCreationGroups } from './source/topic-creation.js';
import type { RecordErrorHandler } from './errors/record-error-handler.js';
import { createErrorHandler, type ErrorHandlerEnv } from './errors/error-handler.js';

export type TransportOptions =
  | {
      kind: 'kafka';
      bootstrapServers: string[];
      /** Prepended to Kafka Connect's client ids (`connector-producer-<c>-<t>`, `connector-consumer-<c>-<t>`). */
      clientIdPrefix?: string;
      logger?: StreamLogger;
    }
  | {
      kind: 'in-process';
      /** Unacknowledged records a topic may hold before sources wait (default 10 000). */
      capacity?: number;
      /** Partitions of topics created on first use (default 1). */
      defaultPartitions?: number;
      logger?: StreamLogger;
    };

export interface Transport {
  startSource(input: SourceTaskInput): TaskRun;
  startSink(input: SinkTaskInput): TaskRun;
  /** An admin client (unconnected) of the same cluster or in-process broker: sink offsets, cluster id. */
  admin(): KafkaAdmin;
  /** Releases the transport; stop the task runs first. */
  close(): Promise<void>;
}

/**
 * Per-record error policy seam. Default: the handler the task config's `errors.*` keys ask for
 * (createErrorHandler: tolerance, retries, log, dead letter queue on this transport).
 */
export interface TransportHooks {
  errors?: (input: SourceTaskInput | SinkTaskInput, env: ErrorHandlerEnv) => RecordErrorHandler;
}

export function createTransport(options: TransportOptions, hooks: TransportHooks = {}): Transport {
  let client: KafkaClient;
  let prefix = '';
  let broker: InProcessBroker | undefined;
  if (options.kind === 'kafka') {
    client = createKafkajsClient({ brokers: options.bootstrapServers, clientId: options.clientIdPrefix ?? 'sluice', ...(options.logger ? { logger: options.logger } : {}) });
    prefix = options.clientIdPrefix ?? '';
  } else {
    broker = new InProcessBroker({
      ...(options.capacity !== undefined ? { capacity: options.capacity } : {}),
      ...(options.defaultPartitions !== undefined ? { defaultPartitions: options.defaultPartitions } : {}),
    });
    client = createInProcessClient(broker);
  }
  const logger = options.logger;
  const errors = hooks.errors ?? ((input: SourceTaskInput | SinkTaskInput, env: ErrorHandlerEnv) => createErrorHandler(input, env));
  const env = (kind: 'source' | 'sink'): ErrorHandlerEnv => ({
    kind,
    client,
    inProcess: options.kind === 'in-process',
    clientIdPrefix: prefix,
    ...(logger ? { logger } : {}),
  });
  let closed = false;
  const open = () => {
    if (closed) throw new Error('transport is closed');
  };
  return {
    startSource(input) {
      open();
      const { connector, task } = input.id;
      let wantsTopics = true; // an invalid topic.creation.* config fails the task at start, with the key named
      try {
        wantsTopics = topicCreationGroups(input.config) !== null;
      } catch {}
      return startSourceTask(input, {
        producer: client.producer({ clientId: `${prefix}connector-producer-${connector}-${task}` }),
        ...(wantsTopics ? { admin: client.admin() } : {}),
        ...(logger ? { logger } : {}),
        errors: errors(input, env('source')),
      });
    },
    startSink(input) {
      open();
      const { connector, task } = input.id;
      return startSinkTask(input, {
        consumer: client.consumer({
          groupId: `connect-${connector}`,
          clientId: `${prefix}connector-consumer-${connector}-${task}`,
          fromBeginning: true,
        }),
        ...(logger ? { logger } : {}),
        errors: errors(input, env('sink')),
      });
    },
    admin() {
      open();
      return client.admin();
    },
    async close() {
      closed = true;
    },
  };
}
