/**
 * A registry's options from Confluent Schema Registry's property keys (schema-registry.properties), so a Confluent
 * config file mostly works as it is: `listeners`, `kafkastore.bootstrap.servers`, `kafkastore.topic`,
 * `kafkastore.topic.replication.factor`, `kafkastore.topic.config.*`, `kafkastore.init.timeout.ms`, the Kafka client
 * keys under `kafkastore.` (security.protocol, ssl.*, sasl.*), `schema.compatibility.level`, `mode.mutability`,
 * `authentication.method`. Sluice's own: `sluice.registry.file` (the file store), `sluice.registry.basic.auth.file`,
 * `sluice.registry.tls.cert.file` / `.key.file` (PEM), `sluice.registry.allow.insecure`. Every problem is reported
 * together; keys it does not know are returned as warnings.
 */
import { readFileSync } from 'node:fs';
import { BasicAuthConfigError, readCredentials } from './http/basic-auth.js';
import { compatibilityLevel } from './schema-formats.js';
import { RegistryConfigError, type RegistryStorage, type StartSchemaRegistryOptions } from './start.js';

export interface RegistryConfig {
  readonly options: StartSchemaRegistryOptions;
  /** Keys that mean nothing here (Confluent keys Sluice does not use, typos). */
  readonly warnings: readonly string[];
}

/** Keys Confluent defines that have no effect here (read and passed over). */
const INERT = new Set([
  'host.name',
  'kafkastore.group.id',
  'kafkastore.timeout.ms',
  'kafkastore.checkpoint.dir',
  'kafkastore.checkpoint.version',
  'kafkastore.write.max.retries',
  'kafkastore.update.handlers',
  'schema.registry.group.id',
  'leader.eligibility',
  'master.eligibility',
  'authentication.realm',
  'authentication.roles',
  'debug',
  'inter.instance.protocol',
  'schema.registry.inter.instance.protocol',
]);

const REGISTRY_KEYS = new Set([
  'listeners',
  'kafkastore.bootstrap.servers',
  'kafkastore.topic',
  'kafkastore.topic.replication.factor',
  'kafkastore.init.timeout.ms',
  'kafkastore.connection.url',
  'schema.compatibility.level',
  'avro.compatibility.level',
  'mode.mutability',
  'authentication.method',
  'sluice.registry.file',
  'sluice.registry.basic.auth.file',
  'sluice.registry.tls.cert.file',
  'sluice.registry.tls.key.file',
  'sluice.registry.allow.insecure',
]);

function bool(key: string, value: string, problems: string[]): boolean {
  const v = value.trim().toLowerCase();
  if (v !== 'true' && v !== 'false') problems.push(`${key}: must be true or false, got "${value}"`);
  return v === 'true';
}

function int(key: string, value: string, problems: string[]): number | undefined {
  if (!/^-?\d+$/.test(value.trim())) {
    problems.push(`${key}: must be an integer, got "${value}"`);
    return undefined;
  }
  return Number(value.trim());
}

/** `PLAINTEXT://host:9092,SASL_SSL://other:9093` or `host:9092,…` → host:port list. */
function bootstrapServers(value: string, problems: string[]): string[] {
  const servers = value.split(',').map((s) => s.trim().replace(/^[A-Za-z_]+:\/\//, '')).filter((s) => s !== '');
  for (const s of servers) if (!/^\S+:\d+$/.test(s)) problems.push(`kafkastore.bootstrap.servers: "${s}" is not host:port`);
  if (servers.length === 0) problems.push('kafkastore.bootstrap.servers: no servers given');
  return servers;
}

function readPem(key: string, path: string, problems: string[]): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (e) {
    problems.push(`${key}: cannot read ${path}: ${(e as Error).message}`);
    return undefined;
  }
}

/** The registry options of Confluent-style properties; throws RegistryConfigError with every problem. */
export function registryConfig(properties: ReadonlyMap<string, string> | Readonly<Record<string, string>>): RegistryConfig {
  const props = properties instanceof Map ? new Map(properties) : new Map(Object.entries(properties));
  const get = (k: string): string | undefined => {
    const v = props.get(k);
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const problems: string[] = [];
  const warnings: string[] = [];
  const clientProperties: Record<string, string> = {};
  const topicConfigs: Record<string, string> = {};
  for (const [key, value] of props) {
    if (REGISTRY_KEYS.has(key) || INERT.has(key)) continue;
    if (key.startsWith('kafkastore.topic.config.')) topicConfigs[key.slice('kafkastore.topic.config.'.length)] = value;
    else if (key.startsWith('kafkastore.')) clientProperties[key.slice('kafkastore.'.length)] = value;
    else warnings.push(key);
  }

  const listenersValue = get('listeners');
  const listeners = listenersValue?.split(',').map((s) => s.trim()).filter((s) => s !== '') ?? [];
  if (listeners.length > 1) problems.push(`listeners: Sluice's registry serves one listener, got ${listeners.length} (${listenersValue})`);

  if (get('kafkastore.connection.url')) problems.push('kafkastore.connection.url: ZooKeeper is not supported; set kafkastore.bootstrap.servers');
  const servers = get('kafkastore.bootstrap.servers');
  const file = get('sluice.registry.file');
  if (servers && file) problems.push('kafkastore.bootstrap.servers and sluice.registry.file are both set; the registry keeps its records in one place');
  let storage: RegistryStorage | undefined;
  if (servers) {
    const replication = get('kafkastore.topic.replication.factor');
    const timeout = get('kafkastore.init.timeout.ms');
    const replicationFactor = replication === undefined ? undefined : int('kafkastore.topic.replication.factor', replication, problems);
    const timeoutMs = timeout === undefined ? undefined : int('kafkastore.init.timeout.ms', timeout, problems);
    storage = {
      kind: 'kafka',
      bootstrapServers: bootstrapServers(servers, problems),
      topic: get('kafkastore.topic') ?? '_schemas',
      properties: clientProperties,
      ...(replicationFactor !== undefined ? { replicationFactor } : {}),
      ...(Object.keys(topicConfigs).length > 0 ? { topicConfigs } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    };
  } else if (file) {
    storage = { kind: 'file', path: file };
  }

  const levelText = get('schema.compatibility.level') ?? get('avro.compatibility.level');
  const level = levelText === undefined ? undefined : compatibilityLevel(levelText);
  if (levelText !== undefined && !level) problems.push(`schema.compatibility.level: "${levelText}" is not one of none, backward, backward_transitive, forward, forward_transitive, full, full_transitive`);

  const mutability = get('mode.mutability');
  const method = (get('authentication.method') ?? 'NONE').toUpperCase();
  if (method !== 'NONE' && method !== 'BASIC') problems.push(`authentication.method: "${method}" is not supported (NONE or BASIC)`);
  const authFile = get('sluice.registry.basic.auth.file');
  if (method === 'BASIC' && !authFile) problems.push('authentication.method=BASIC needs sluice.registry.basic.auth.file (the users file: "user: password" lines)');
  let basicAuth: Map<string, string> | undefined;
  if (authFile) {
    try {
      basicAuth = readCredentials(authFile);
    } catch (e) {
      if (!(e instanceof BasicAuthConfigError)) throw e;
      problems.push(`sluice.registry.basic.auth.file: ${e.message}`);
    }
  }

  const certFile = get('sluice.registry.tls.cert.file');
  const keyFile = get('sluice.registry.tls.key.file');
  if ((certFile === undefined) !== (keyFile === undefined)) problems.push('sluice.registry.tls.cert.file and sluice.registry.tls.key.file go together');
  const cert = certFile && keyFile ? readPem('sluice.registry.tls.cert.file', certFile, problems) : undefined;
  const key = certFile && keyFile ? readPem('sluice.registry.tls.key.file', keyFile, problems) : undefined;
  const insecureText = get('sluice.registry.allow.insecure');
  const allowInsecure = insecureText !== undefined && bool('sluice.registry.allow.insecure', insecureText, problems);
  const modeMutability = mutability === undefined ? undefined : bool('mode.mutability', mutability, problems);

  if (problems.length > 0) throw new RegistryConfigError(problems.join('; '));
  return {
    warnings,
    options: {
      ...(storage ? { storage } : {}),
      ...(listeners[0] ? { listener: listeners[0] } : {}),
      ...(level ? { defaultCompatibility: level } : {}),
      ...(modeMutability !== undefined ? { modeMutability } : {}),
      ...(cert && key ? { tls: { cert, key } } : {}),
      ...(basicAuth ? { basicAuth } : {}),
      ...(allowInsecure ? { allowInsecure: true } : {}),
    },
  };
}
