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
import { TransactionalDlqProducer } from './source/transactional-dlq.js';
import { startSinkTask } from './sink/sink-pipeline.js';
import { trackConsumerLag, type PartitionLag } from './util/consumer-lag.js';
import { topicCreationGroups } from './source/topic-creation.js';
import type { RecordErrorHandler } from './errors/record-error-handler.js';
import { createErrorHandler, type ErrorHandlerEnv } from './errors/error-handler.js';
import { defaultClientChooser, type ClientChooser, type ClientChoice } from './client-requests.js';

export type TransportOptions =
  | {
      kind: 'kafka';
      bootstrapServers: string[];
      /** Prepended to Kafka Connect's client ids (`connector-producer-<c>-<t>`, `connector-consumer-<c>-<t>`). */
      clientIdPrefix?: string;
      /**
       * Each client's id, group and Kafka properties (the worker applies Kafka Connect's precedence of its own
       * keys and the connector's overrides). Absent: Kafka Connect's ids and the client factory's defaults.
       */
      clients?: ClientChooser;
      logger?: StreamLogger;
    }
  | {
      kind: 'in-process';
      /** Unacknowledged records a topic may hold before sources wait (default 10 000). */
      capacity?: number;
      /** Partitions of topics created on first use (default 1). */
      defaultPartitions?: number;
      /** The in-process broker's client to use instead of a broker of its own (a task thread's, served from the main thread). */
      client?: KafkaClient;
      logger?: StreamLogger;
    };

export interface Transport {
  startSource(input: SourceTaskInput): TaskRun;
  startSink(input: SinkTaskInput): TaskRun;
  /** An admin client (unconnected) of the same cluster or in-process broker: sink offsets, cluster id. */
  admin(): KafkaAdmin;
  /** The client the task pipelines use (a task thread's in-process clients are served from it). */
  client(): KafkaClient;
  /**
   * The in-process broker's records produced and not yet acknowledged, i.e. not yet committed by every sink
   * reading their topic (every task thread's included). Null on Kafka, and in-process on a client given in.
   */
  unacknowledged(): number | null;
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
  let choose: ClientChooser = defaultClientChooser;
  if (options.kind === 'kafka') {
    client = createKafkajsClient({ brokers: options.bootstrapServers, clientId: options.clientIdPrefix ?? 'sluice', ...(options.logger ? { logger: options.logger } : {}) });
    prefix = options.clientIdPrefix ?? '';
    choose = options.clients ?? defaultClientChooser;
  } else if (options.client) {
    client = options.client;
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
    clients: choose,
    ...(logger ? { logger } : {}),
  });
  const props = (c: ClientChoice) => (c.properties ? { properties: c.properties } : {});
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
      const request = { purpose: 'task', connector, config: input.config } as const;
      const producer = choose({ ...request, role: 'producer', clientId: `${prefix}connector-producer-${connector}-${task}` });
      const admin = wantsTopics ? choose({ ...request, role: 'admin', clientId: `${prefix}connector-adminclient-${connector}-${task}` }) : undefined;
      const eos = input.exactlyOnce;
      const transactional =
        eos && client.transactionalProducer
          ? client.transactionalProducer({
              clientId: producer.clientId,
              transactionalId: eos.transactionalId,
              ...(eos.transactionTimeoutMs !== undefined ? { transactionTimeoutMs: eos.transactionTimeoutMs } : {}),
              ...props(producer),
            })
          : undefined;
      // Exactly-once with a dead letter queue: its writes go in the task's transactions.
      const dlq = transactional && (input.config['errors.deadletterqueue.topic.name'] ?? '').trim() !== '' ? new TransactionalDlqProducer() : undefined;
      return startSourceTask(input, {
        producer: transactional ?? client.producer({ clientId: producer.clientId, ...props(producer) }),
        ...(transactional ? { transactional } : {}),
        ...(dlq ? { transactionalDlq: dlq } : {}),
        ...(admin ? { admin: client.admin({ clientId: admin.clientId, ...props(admin) }) } : {}),
        ...(logger ? { logger } : {}),
        errors: errors(input, dlq ? { ...env('source'), dlqProducer: dlq } : env('source')),
      });
    },
    startSink(input) {
      open();
      const { connector, task } = input.id;
      const consumer = choose({
        role: 'consumer',
        purpose: 'task',
        connector,
        config: input.config,
        clientId: `${prefix}connector-consumer-${connector}-${task}`,
        groupId: `connect-${connector}`,
      });
      const tracked = trackConsumerLag(
        client.consumer({
          groupId: consumer.groupId ?? `connect-${connector}`,
          clientId: consumer.clientId,
          // Kafka Connect forces auto.offset.reset=earliest; consumer.* / consumer.override.* may change it.
          fromBeginning: consumer.properties?.['auto.offset.reset'] !== 'latest',
          ...props(consumer),
        }),
      );
      const run = startSinkTask(input, {
        consumer: tracked.consumer,
        ...(logger ? { logger } : {}),
        errors: errors(input, env('sink')),
      });
      return withConsumerLag(run, tracked.lag);
    },
    admin() {
      open();
      const admin = choose({ role: 'admin', purpose: 'worker', clientId: `${prefix === '' ? 'sluice' : prefix}-admin` });
      return client.admin({ clientId: admin.clientId, ...props(admin) });
    },
    client: () => client,
    unacknowledged: () => broker?.unacknowledged() ?? null,
    async close() {
      closed = true;
    },
  };
}

/** The run, its metrics with the consumer's lag per partition. */
function withConsumerLag(run: TaskRun, lag: () => PartitionLag[]): TaskRun {
  return {
    id: run.id,
    done: run.done,
    pause: () => run.pause(),
    resume: () => run.resume(),
    stop: (timeoutMs) => run.stop(timeoutMs),
    metrics: () => ({ ...run.metrics(), consumerLag: lag() }),
    ...(run.finished ? { finished: () => run.finished!() } : {}),
  };
}
