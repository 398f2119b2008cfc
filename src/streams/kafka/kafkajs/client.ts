/**
 * The KafkaClient port on kafkajs 2.2.4: the factory. This folder is the only place that imports kafkajs.
 * Each client gets its own kafkajs instance configured from its Kafka properties (parseClientSettings): TLS,
 * SASL, timeouts and retry backoff; a property it cannot honour throws ClientConfigException at creation.
 */
import { createRequire } from 'node:module';
import { kafkajs, whenKafkajsLoaded } from './lib.js';
import type { KafkaConfig, LogEntry, RetryOptions, SASLOptions } from 'kafkajs';
import type { ConnectionOptions } from 'node:tls';
import type { ClientProperties, KafkaClient, StreamLogger } from '../client.js';
import { silentLogger } from '../client.js';
import { parseClientSettings, type ClientRole, type ClientSettings, type ConnectionSettings } from '../client-settings.js';
import { KafkajsProducer } from './producer.js';
import { KafkajsConsumer } from './consumer.js';
import { KafkajsAdmin } from './admin.js';
import { KafkajsTransactionalProducer } from './transactional-producer.js';
import { registerCodecs } from './codecs.js';
import { oauthBearerProvider } from './sasl-oauthbearer.js';

whenKafkajsLoaded(registerCodecs);

export interface KafkajsClientOptions {
  readonly brokers: readonly string[];
  readonly clientId?: string;
  readonly logger?: StreamLogger;
  /** Milliseconds; used when the properties do not set socket.connection.setup.timeout.ms. Default 3000. */
  readonly connectionTimeout?: number;
  /** Each role's Kafka properties, used where a client is created without its own. */
  readonly properties?: {
    readonly producer?: ClientProperties;
    readonly consumer?: ClientProperties;
    readonly admin?: ClientProperties;
  };
}

/** The messages of the protocol errors kafkajs retries by itself (LEADER_NOT_AVAILABLE, ...). */
let retriableMessages: ReadonlySet<string> | undefined;
function retriableMessage(message: string): boolean {
  if (!retriableMessages) {
    const { errorCodes } = createRequire(import.meta.url)('kafkajs/src/protocol/error.js') as {
      errorCodes: { retriable: boolean; message: string }[];
    };
    retriableMessages = new Set(errorCodes.filter((e) => e.retriable).map((e) => e.message));
  }
  return retriableMessages.has(message);
}

/**
 * kafkajs logs a failed response at error level where it happens (`Response Metadata(...)`) and again where it is
 * handled, and logs protocol errors it then retries (a new topic's LEADER_NOT_AVAILABLE) as errors. Those become
 * debug lines: what fails for good is reported once, by whoever gets the error.
 */
export function isRoutineKafkajsError(namespace: string, message: string, extra: Record<string, unknown>): boolean {
  if (namespace === 'Connection' && message.startsWith('Response ')) return true;
  const cause = typeof extra['error'] === 'string' ? extra['error'] : message.replace(/^Failed to send messages: /, '');
  return retriableMessage(cause) || retriableMessage(message);
}

function logCreator(logger: StreamLogger) {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, ...extra } = log;
      const obj = { kafkajs: namespace, ...extra };
      const { logLevel } = kafkajs();
      const routine = (level === logLevel.ERROR || level === logLevel.WARN) && isRoutineKafkajsError(namespace, message, extra);
      if (routine) logger.debug(obj, message);
      else if (level === logLevel.ERROR) logger.error(obj, message);
      else if (level === logLevel.WARN) logger.warn(obj, message);
      else if (level === logLevel.INFO) logger.info(obj, message);
      else logger.debug(obj, message);
    };
}

/** kafkajs's `ssl` option (Node's tls.connect options). */
export function kafkajsSsl(connection: ConnectionSettings): ConnectionOptions | undefined {
  const tls = connection.tls;
  if (!tls) return undefined;
  return {
    rejectUnauthorized: true,
    ...(tls.ca ? { ca: [...tls.ca] } : {}),
    ...(tls.cert !== undefined ? { cert: tls.cert } : {}),
    ...(tls.key !== undefined ? { key: tls.key } : {}),
    ...(tls.pfx !== undefined ? { pfx: tls.pfx } : {}),
    ...(tls.passphrase !== undefined ? { passphrase: tls.passphrase } : {}),
    ...(tls.minVersion ? { minVersion: tls.minVersion } : {}),
    ...(tls.maxVersion ? { maxVersion: tls.maxVersion } : {}),
    // ssl.endpoint.identification.algorithm="": the chain is still verified, the host name is not.
    ...(tls.verifyHostname ? {} : { checkServerIdentity: () => undefined }),
  };
}

/** kafkajs's `sasl` option. */
export function kafkajsSasl(connection: ConnectionSettings): SASLOptions | undefined {
  const sasl = connection.sasl;
  if (!sasl) return undefined;
  if (sasl.mechanism === 'oauthbearer') return { mechanism: 'oauthbearer', oauthBearerProvider: oauthBearerProvider(sasl) };
  return { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } as SASLOptions;
}

const has = (p: ClientProperties, k: string) => p[k] !== undefined && p[k]!.trim() !== '';

/**
 * kafkajs's retry from the backoff keys that are given (kafkajs's own defaults otherwise, which the rest of
 * Sluice was tuned with): retry.backoff.ms (else reconnect.backoff.ms) starts it, retry.backoff.max.ms (else
 * reconnect.backoff.max.ms) caps it, `retries` (admin) counts it.
 */
function retryOf(props: ClientProperties, connection: ConnectionSettings): RetryOptions | undefined {
  const retry: RetryOptions = {};
  if (has(props, 'retry.backoff.ms')) retry.initialRetryTime = connection.retryBackoffMs;
  else if (has(props, 'reconnect.backoff.ms')) retry.initialRetryTime = connection.reconnectBackoffMs;
  if (has(props, 'retry.backoff.max.ms')) retry.maxRetryTime = connection.retryBackoffMaxMs;
  else if (has(props, 'reconnect.backoff.max.ms')) retry.maxRetryTime = connection.reconnectBackoffMaxMs;
  if (connection.retries !== undefined) retry.retries = connection.retries;
  return Object.keys(retry).length > 0 ? retry : undefined;
}

export function createKafkajsClient(options: KafkajsClientOptions): KafkaClient {
  const logger = options.logger ?? silentLogger;
  // kafkajs sets the client id per Kafka instance; an instance is only configuration, so one per client.
  const kafka = (role: ClientRole, clientId: string, properties: ClientProperties = {}) => {
    const settings = parseClientSettings(role, properties);
    const c = settings.connection;
    const ssl = kafkajsSsl(c);
    const sasl = kafkajsSasl(c);
    const retry = retryOf(properties, c);
    const config: KafkaConfig = {
      brokers: [...options.brokers],
      clientId,
      connectionTimeout: has(properties, 'socket.connection.setup.timeout.ms') ? c.connectionTimeoutMs : (options.connectionTimeout ?? 3000),
      requestTimeout: c.requestTimeoutMs,
      ...(ssl ? { ssl } : {}),
      ...(sasl ? { sasl } : {}),
      ...(retry ? { retry } : {}),
      logLevel: options.logger ? kafkajs().logLevel.INFO : kafkajs().logLevel.NOTHING,
      logCreator: logCreator(logger),
    };
    return { kafka: new (kafkajs().Kafka)(config), settings };
  };
  const base = options.clientId ?? 'sluice';
  const defaults = options.properties ?? {};
  return {
    producer: (o) => {
      const { kafka: k, settings } = kafka('producer', o.clientId, o.properties ?? defaults.producer);
      return new KafkajsProducer(k, settings.producer);
    },
    consumer: (o) => {
      const { kafka: k, settings } = kafka('consumer', o.clientId, o.properties ?? defaults.consumer);
      return new KafkajsConsumer(k, o, logger, settings satisfies ClientSettings);
    },
    admin: (o) => {
      const { kafka: k } = kafka('admin', o?.clientId ?? `${base}-admin`, o?.properties ?? defaults.admin);
      return new KafkajsAdmin(k.admin(), k);
    },
    // Always idempotent with acks=all (the properties' acks and max.in.flight are not used); the id comes
    // from the options, never from `transactional.id` in the properties (refused there).
    transactionalProducer: (o) => {
      const { kafka: k, settings } = kafka('producer', o.clientId, o.properties ?? defaults.producer);
      return new KafkajsTransactionalProducer(k, {
        transactionalId: o.transactionalId,
        transactionTimeoutMs: o.transactionTimeoutMs ?? settings.producer.transactionTimeoutMs,
        settings: settings.producer,
      });
    },
  };
}
