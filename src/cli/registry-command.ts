/**
 * `sluice registry`: Sluice's Confluent-compatible schema registry as a process. It keeps its records in a Kafka
 * topic (`--kafka`, Confluent's `_schemas` format) or a file (`--file`), reads a Confluent-style properties file
 * (`--config`; flags win over it), prints its URL and serves until SIGTERM/SIGINT (exit 0).
 */
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { parseProperties } from '../worker/properties.js';
import { RegistryConfigError, RegistryServerConfigError, RegistryStoreError, registryConfig, startSchemaRegistry } from '../registry/index.js';
import { UsageError, parseOptions, type LogLevel } from './args.js';
import { CommandFailure, EXIT_CONFIG, EXIT_OK, EXIT_UNAVAILABLE, usageFailed } from './command-exit.js';
import { untilStopped } from './command-setup.js';
import { jsonLogger } from './logger.js';
import type { CliIo } from './io.js';

export const REGISTRY_USAGE = `Usage: sluice registry [options]

A schema registry with Confluent Schema Registry's REST API (v1), for the Avro, Protobuf and JSON Schema
converters. It keeps its records in a compacted Kafka topic in Confluent's own format (a Confluent registry
and this one read each other's topic), or in a file when there is no broker. One registry writes a topic or
file at a time.

Options:
  --kafka SERVERS          Kafka bootstrap servers, host:port[,host:port] (kafkastore.bootstrap.servers).
  --topic NAME             The topic (kafkastore.topic; default _schemas).
  --file PATH              Keep the records in this file instead (JSON lines; sluice.registry.file).
  --memory                 Keep nothing (for trying things out).
  --config FILE            A Confluent-style properties file: listeners, kafkastore.bootstrap.servers,
                           kafkastore.topic, kafkastore.topic.replication.factor, kafkastore.topic.config.*,
                           kafkastore.init.timeout.ms, kafkastore.<Kafka client key> (security.protocol,
                           ssl.*, sasl.*), schema.compatibility.level, mode.mutability,
                           authentication.method=BASIC, sluice.registry.basic.auth.file,
                           sluice.registry.tls.cert.file, sluice.registry.tls.key.file,
                           sluice.registry.allow.insecure, sluice.registry.file.
  --listeners URL          http://host:port or https://host:port (default http://127.0.0.1:8081).
  --host HOST, --port N    The listener's host and port (with http:// unless --listeners says https).
  --compatibility LEVEL    The default compatibility level (schema.compatibility.level; default BACKWARD).
  --basic-auth-file FILE   Require HTTP basic auth; FILE holds "user: password" lines.
  --tls-cert FILE, --tls-key FILE
                           PEM certificate (chain) and key for an https listener.
  --allow-insecure         Serve a listener other machines can reach without basic auth.
  --log-level LEVEL        trace, debug, info (default), warn, error, fatal, silent.
  -h, --help               Show this help.

Exit codes: 0 stopped by SIGTERM/SIGINT; 1 usage error; 2 invalid configuration; 5 the store could not
be read (Kafka unreachable) or the listener could not be bound.
`;

const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

export interface RegistryArgs {
  readonly config?: string;
  /** Properties the flags set; they win over the --config file's. */
  readonly overrides: ReadonlyMap<string, string>;
  readonly memory: boolean;
  readonly logLevel: LogLevel;
}

export function parseRegistryArgs(argv: readonly string[]): { help: true } | RegistryArgs {
  const { values, positionals } = parseOptions(argv, {
    help: { type: 'boolean', short: 'h' },
    kafka: { type: 'string' },
    topic: { type: 'string' },
    file: { type: 'string' },
    memory: { type: 'boolean' },
    config: { type: 'string' },
    listeners: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    compatibility: { type: 'string' },
    'basic-auth-file': { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'allow-insecure': { type: 'boolean' },
    'log-level': { type: 'string' },
  });
  if (values.help) return { help: true };
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const stores = [values.kafka !== undefined, values.file !== undefined, values.memory === true].filter(Boolean).length;
  if (stores > 1) throw new UsageError('--kafka, --file and --memory exclude each other');
  if (values.port !== undefined && (!/^\d+$/.test(values.port) || Number(values.port) > 65535)) throw new UsageError(`--port must be a port number, got "${values.port}"`);
  if (values.listeners !== undefined && (values.host !== undefined || values.port !== undefined)) throw new UsageError('--listeners and --host/--port exclude each other');
  const level = (values['log-level'] ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(level)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
  const o = new Map<string, string>();
  if (values.kafka !== undefined) o.set('kafkastore.bootstrap.servers', values.kafka);
  if (values.topic !== undefined) o.set('kafkastore.topic', values.topic);
  if (values.file !== undefined) o.set('sluice.registry.file', values.file);
  if (values.listeners !== undefined) o.set('listeners', values.listeners);
  if (values.host !== undefined || values.port !== undefined) o.set('listeners', `http://${values.host ?? '127.0.0.1'}:${values.port ?? '8081'}`);
  if (values.compatibility !== undefined) o.set('schema.compatibility.level', values.compatibility);
  if (values['basic-auth-file'] !== undefined) o.set('sluice.registry.basic.auth.file', values['basic-auth-file']);
  if (values['tls-cert'] !== undefined) o.set('sluice.registry.tls.cert.file', values['tls-cert']);
  if (values['tls-key'] !== undefined) o.set('sluice.registry.tls.key.file', values['tls-key']);
  if (values['allow-insecure']) o.set('sluice.registry.allow.insecure', 'true');
  return { ...(values.config !== undefined ? { config: values.config } : {}), overrides: o, memory: values.memory === true, logLevel: level };
}

/** The --config file's properties with the flags' on top; the flags' store replaces the file's. */
async function properties(args: RegistryArgs): Promise<Map<string, string>> {
  let props = new Map<string, string>();
  if (args.config !== undefined) {
    try {
      props = parseProperties(await readFile(args.config, 'utf8'));
    } catch (e) {
      throw new CommandFailure(EXIT_CONFIG, `sluice: cannot read the registry config ${args.config}: ${(e as Error).message}`);
    }
  }
  if (args.overrides.has('kafkastore.bootstrap.servers') || args.memory) props.delete('sluice.registry.file');
  if (args.overrides.has('sluice.registry.file') || args.memory) props.delete('kafkastore.bootstrap.servers');
  for (const [k, v] of args.overrides) props.set(k, v);
  return props;
}

export async function registryCommand(argv: readonly string[], io: CliIo): Promise<number> {
  let args;
  try {
    args = parseRegistryArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return usageFailed(io, e.message, 'sluice registry --help');
  }
  if ('help' in args) {
    io.stdout.write(REGISTRY_USAGE);
    return EXIT_OK;
  }
  const log: Logger = jsonLogger(args.logLevel, io.stdoutFd);
  const a = args;
  return untilStopped(io, log, async (stop) => {
    const props = await properties(a);
    let config;
    try {
      config = registryConfig(props);
    } catch (e) {
      if (e instanceof RegistryConfigError) throw new CommandFailure(EXIT_CONFIG, `sluice: invalid registry config: ${e.message}`);
      throw e;
    }
    if (config.warnings.length > 0) log.warn({ keys: config.warnings }, 'registry config keys that mean nothing here');
    if (!config.options.storage && !a.memory) {
      return usageFailed(io, 'sluice registry needs --kafka SERVERS, --file PATH or --memory (or kafkastore.bootstrap.servers / sluice.registry.file in --config)', 'sluice registry --help');
    }
    let registry;
    try {
      registry = await startSchemaRegistry({ ...config.options, log });
    } catch (e) {
      log.error({ err: e }, 'schema registry could not start');
      if (e instanceof RegistryConfigError) throw new CommandFailure(EXIT_CONFIG, `sluice: invalid registry config: ${e.message}`);
      if (e instanceof RegistryServerConfigError && !/address is in use/.test(e.message)) throw new CommandFailure(EXIT_CONFIG, `sluice: ${e.message}`);
      if (e instanceof RegistryServerConfigError || e instanceof RegistryStoreError) throw new CommandFailure(EXIT_UNAVAILABLE, `sluice: the schema registry could not start: ${e.message}`);
      throw new CommandFailure(EXIT_UNAVAILABLE, `sluice: the schema registry could not start: ${(e as Error).message}`);
    }
    io.stdout.write(`sluice registry: listening on ${registry.url} (records in ${registry.storage})\n`);
    await stop.requested();
    await registry.close();
    log.info({ reason: `signal ${stop.received}` }, 'schema registry stopped');
    return EXIT_OK;
  });
}
