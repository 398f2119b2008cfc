/**
 * `startSchemaRegistry`: a Confluent-compatible schema registry in this process — its store (a Kafka topic, a file
 * or memory) read, its HTTP server listening — and `close()` to stop both. `sluice registry` runs it too.
 */
import { clientPropertyProblems } from '../streams/kafka/client-settings.js';
import { createKafkajsClient } from '../streams/kafka/kafkajs-client.js';
import type { ClientProperties, KafkaClient, StreamLogger } from '../streams/kafka/client.js';
import { silentLogger } from '../streams/kafka/client.js';
import { RegistryServer } from './http/server.js';
import type { CompatibilityLevel, SchemaFormats } from './schema-formats.js';
import { SchemaRegistry } from './schema-registry.js';
import { FileStore } from './storage/file-store.js';
import { KafkaStore } from './storage/kafka-store.js';
import { MemoryStore } from './storage/memory-store.js';
import type { RegistryStore } from './storage/store.js';

export type RegistryStorage =
  /** The compacted topic (Confluent's `kafkastore.*`): `properties` are the Kafka client's (security.protocol, ssl.*, sasl.*, …). */
  | {
      readonly kind: 'kafka';
      readonly bootstrapServers: readonly string[];
      readonly topic?: string;
      readonly properties?: ClientProperties;
      readonly replicationFactor?: number;
      readonly topicConfigs?: Readonly<Record<string, string>>;
      readonly timeoutMs?: number;
      /** A client to use instead of one made from bootstrapServers and properties. */
      readonly client?: KafkaClient;
    }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'memory' }
  | { readonly kind: 'store'; readonly store: RegistryStore };

export interface StartSchemaRegistryOptions {
  /** Default: memory (nothing kept). */
  readonly storage?: RegistryStorage;
  /** `http://host:port` / `https://host:port`; default http://127.0.0.1:8081; port 0: a free one (see `url`). */
  readonly listener?: string;
  /** Default BACKWARD. */
  readonly defaultCompatibility?: CompatibilityLevel;
  /** Whether PUT /mode is allowed (Confluent's mode.mutability); default true. */
  readonly modeMutability?: boolean;
  /** PEM certificate (chain) and key for an https listener. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** user → password; every request then needs HTTP basic auth. */
  readonly basicAuth?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  /** Serve a listener other machines can reach without basic auth. */
  readonly allowInsecure?: boolean;
  readonly log?: StreamLogger;
  /** Schema parsing and compatibility; default the registry's own (src/registry/compat). */
  readonly formats?: SchemaFormats;
}

export interface RunningSchemaRegistry {
  /** Where it answers, e.g. http://127.0.0.1:8081. */
  readonly url: string;
  /** What holds its records ("topic _schemas", "file …", "memory"). */
  readonly storage: string;
  close(): Promise<void>;
}

/** The Kafka client properties (any role) that cannot be honoured, as one error; nothing is started. */
export class RegistryConfigError extends Error {
  override readonly name = 'RegistryConfigError';
}

function kafkaClient(storage: Extract<RegistryStorage, { kind: 'kafka' }>, log: StreamLogger): KafkaClient {
  if (storage.client) return storage.client;
  if (storage.bootstrapServers.length === 0) throw new RegistryConfigError('the Kafka store needs bootstrap servers');
  const properties = storage.properties ?? {};
  const problems = (['producer', 'consumer', 'admin'] as const).flatMap((role) => clientPropertyProblems(role, properties));
  if (problems.length > 0) {
    const unique = [...new Map(problems.map((p) => [`${p.key}: ${p.reason}`, p])).keys()];
    throw new RegistryConfigError(`the Kafka store's client settings cannot be used: ${unique.join('; ')}`);
  }
  return createKafkajsClient({
    brokers: storage.bootstrapServers,
    clientId: 'sluice-registry',
    logger: log,
    properties: { producer: properties, consumer: properties, admin: properties },
  });
}

function storeOf(storage: RegistryStorage, log: StreamLogger): RegistryStore {
  switch (storage.kind) {
    case 'kafka':
      return new KafkaStore({
        client: kafkaClient(storage, log),
        ...(storage.topic !== undefined ? { topic: storage.topic } : {}),
        ...(storage.replicationFactor !== undefined ? { replicationFactor: storage.replicationFactor } : {}),
        ...(storage.topicConfigs !== undefined ? { topicConfigs: storage.topicConfigs } : {}),
        ...(storage.timeoutMs !== undefined ? { timeoutMs: storage.timeoutMs } : {}),
        log,
      });
    case 'file':
      return new FileStore({ path: storage.path, warn: (message) => log.warn({ path: storage.path }, message) });
    case 'memory':
      return new MemoryStore();
    case 'store':
      return storage.store;
  }
}

export async function startSchemaRegistry(options: StartSchemaRegistryOptions = {}): Promise<RunningSchemaRegistry> {
  const log = options.log ?? silentLogger;
  // Loaded here so a registry given its own formats (tests) does not load the schema parsers.
  const formats = options.formats ?? (await import('./compat-formats.js')).compatFormats;
  const store = storeOf(options.storage ?? { kind: 'memory' }, log);
  const registry = new SchemaRegistry({
    store,
    formats,
    ...(options.defaultCompatibility ? { defaultCompatibility: options.defaultCompatibility } : {}),
    ...(options.modeMutability !== undefined ? { modeMutability: options.modeMutability } : {}),
  });
  await registry.start();
  let server: RegistryServer;
  try {
    const basicAuth = options.basicAuth instanceof Map ? options.basicAuth : options.basicAuth ? new Map(Object.entries(options.basicAuth)) : undefined;
    server = await RegistryServer.start({
      registry,
      ...(options.listener !== undefined ? { listener: options.listener } : {}),
      ...(options.tls ? { tls: options.tls } : {}),
      ...(basicAuth ? { basicAuth } : {}),
      ...(options.allowInsecure ? { allowInsecure: true } : {}),
      log,
    });
  } catch (e) {
    await registry.close().catch(() => {});
    throw e;
  }
  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    storage: store.description,
    close: () =>
      (closing ??= (async () => {
        await server.stop();
        await registry.close();
      })()),
  };
}
