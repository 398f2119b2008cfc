/**
 * The worker's keys: Kafka's WorkerConfig + StandaloneConfig with Sluice's defaults, and the checks every worker
 * config goes through (standalone here; distributed-config.ts adds the group's keys to the same ConfigDef and
 * runs the same checks).
 */
import { ConfigDef, Validators, type ConfigProblem, type RawConfig } from '../connectors/api/index.js';
import { converterProblems } from '../connectors/converter-problems.js';
import { workerClientProblems } from './client-configs.js';
import { configTransformerFromWorker, hasVariables } from './config-providers.js';
import { listenerUriProblem } from './listener-uri.js';

export const DEFAULT_KEY_CONVERTER = 'org.apache.kafka.connect.json.JsonConverter';
export const DEFAULT_VALUE_CONVERTER = 'org.apache.kafka.connect.json.JsonConverter';
export const DEFAULT_HEADER_CONVERTER = 'org.apache.kafka.connect.storage.SimpleHeaderConverter';

/** Worker key prefixes passed through to converters, Kafka clients and config providers (prefix stripped there). */
export const WORKER_PASSTHROUGH_PREFIXES = [
  'key.converter.', 'value.converter.', 'header.converter.',
  'producer.', 'consumer.', 'admin.',
  'config.providers.', 'listeners.https.', 'ssl.', 'sasl.',
] as const;

/**
 * The standalone worker's keys (WorkerConfig + StandaloneConfig) with Sluice's defaults, which differ from
 * Kafka's where noted in the docs: `bootstrap.servers` absent means the in-process transport; key/value
 * converters default to JsonConverter; `offset.storage.file.filename` absent keeps offsets in memory.
 */
export function standaloneWorkerConfigDef(): ConfigDef {
  const def = new ConfigDef()
    .define({
      name: 'bootstrap.servers', type: 'LIST', defaultValue: null, importance: 'HIGH',
      validator: Validators.list(Validators.custom('host:port', (v) =>
        typeof v === 'string' && !/^\S+:\d+$/.test(v) ? `Invalid url in bootstrap.servers: ${v}` : undefined), false),
      documentation:
        'A list of host/port pairs to use for establishing the initial connection to the Kafka cluster. ' +
        'Sluice: when absent, records flow through an in-process transport and no broker is used.',
    })
    .define({
      name: 'key.converter', type: 'CLASS', defaultValue: DEFAULT_KEY_CONVERTER, importance: 'HIGH',
      documentation: 'Converter class used to convert between Kafka Connect format and the serialized form written to Kafka (keys). Sluice default: JsonConverter.',
    })
    .define({
      name: 'value.converter', type: 'CLASS', defaultValue: DEFAULT_VALUE_CONVERTER, importance: 'HIGH',
      documentation: 'Converter class used to convert between Kafka Connect format and the serialized form written to Kafka (values). Sluice default: JsonConverter.',
    })
    .define({
      name: 'header.converter', type: 'CLASS', defaultValue: DEFAULT_HEADER_CONVERTER, importance: 'LOW',
      documentation: 'HeaderConverter class used to convert between Kafka Connect format and the serialized form written to Kafka (headers).',
    })
    .define({
      name: 'offset.storage.file.filename', type: 'STRING', defaultValue: null, validator: Validators.nonEmptyString(),
      importance: 'HIGH',
      documentation: 'File to store source connector offsets in. Sluice: when absent, offsets are kept in memory only.',
    })
    .define({
      name: 'exactly.once.source.support', type: 'STRING', defaultValue: 'disabled',
      validator: Validators.inIgnoreCase('disabled', 'preparing', 'enabled'), importance: 'HIGH',
      documentation:
        'Whether to enable exactly-once support for source connectors in the cluster by using transactions to write ' +
        'source records and their source offsets, and by proactively fencing out old task generations before bringing ' +
        'up new ones. Sluice: a standalone worker with a Kafka cluster supports it too (its offsets then go to ' +
        'offset.storage.topic inside each transaction, and to its offsets file after the commit).',
    })
    .define({
      name: 'offset.storage.topic', type: 'STRING', defaultValue: null, validator: Validators.nonEmptyString(),
      importance: 'HIGH',
      documentation:
        'The name of the Kafka topic where source connector offsets are stored. Required by a distributed worker. ' +
        'Sluice: a standalone worker uses it only with exactly.once.source.support=enabled (default ' +
        'sluice-standalone-offsets).',
    })
    .define({
      name: 'offset.flush.interval.ms', type: 'LONG', defaultValue: 60000, validator: Validators.atLeast(0), importance: 'LOW',
      documentation: 'Interval at which to try committing offsets for tasks.',
    })
    .define({
      name: 'offset.flush.timeout.ms', type: 'LONG', defaultValue: 5000, validator: Validators.atLeast(0), importance: 'LOW',
      documentation:
        'Maximum number of milliseconds to wait for records to flush and partition offset data to be committed to ' +
        'offset storage before cancelling the process and restoring the offset data to be committed in a future attempt.',
    })
    .define({
      name: 'task.shutdown.graceful.timeout.ms', type: 'LONG', defaultValue: 5000, validator: Validators.atLeast(0),
      importance: 'LOW',
      documentation: 'Amount of time to wait for tasks to shutdown gracefully. This is the total amount of time, not per task.',
    })
    .define({
      name: 'sluice.max.in.flight.batches', type: 'INT', defaultValue: 4, validator: Validators.atLeast(1), importance: 'MEDIUM',
      documentation:
        'Sluice: how many record batches a task may have in flight between poll and acknowledgement. Memory is bounded ' +
        'by batch size × this value.',
    })
    .define({
      name: 'sluice.task.threads', type: 'INT', defaultValue: null, validator: Validators.atLeast(0), importance: 'MEDIUM',
      documentation:
        'Sluice: worker threads the tasks run on, each task wholly in one thread (its task instance, converters, ' +
        'transforms and Kafka clients). Default: the number of cores available with bootstrap.servers, 0 without ' +
        '(in-process topics, whose broker serves every thread from the main thread). 0 runs every task on the main thread. ' +
        'Tasks of connectors or converters handed over as objects rather than module specifiers, traced tasks ' +
        '(sluice.tracing.enabled), exactly-once source tasks and tapped tasks stay on the main thread.',
    })
    .define({
      name: 'sluice.task.threads.unresponsive.timeout.ms', type: 'LONG', defaultValue: 60000, validator: Validators.atLeast(1000),
      importance: 'LOW',
      documentation:
        'Sluice: a task thread that has not answered for this long (a task blocks its event loop) is ended; its tasks ' +
        'fail with that reason and their restart policy applies.',
    })
    .define({
      name: 'sluice.tracing.enabled', type: 'BOOLEAN', defaultValue: false, importance: 'LOW',
      documentation:
        'Sluice: OpenTelemetry spans per batch stage and a W3C traceparent header on every record a source produces, ' +
        "through the global @opentelemetry/api tracer provider (the sluice command sets one up from the OTEL_* " +
        'environment). OTEL_TRACES_EXPORTER=otlp turns it on for the sluice command when this key is not set.',
    });
  // Kafka's other common worker keys, accepted so existing worker files load; the runtime uses what it supports.
  const others: Array<[string, 'STRING' | 'LIST' | 'BOOLEAN' | 'INT' | 'LONG', unknown, string]> = [
    ['plugin.path', 'LIST', null, 'List of paths for plugins (accepted for compatibility; Sluice plugins are ES modules).'],
    ['plugin.discovery', 'STRING', 'hybrid_warn', 'Method to use to discover plugins (accepted for compatibility).'],
    ['config.providers', 'LIST', [], 'Comma-separated names of ConfigProvider classes.'],
    ['topic.creation.enable', 'BOOLEAN', true, 'Whether to allow automatic creation of topics used by source connectors.'],
    ['topic.tracking.enable', 'BOOLEAN', true, 'Enable tracking the set of active topics per connector.'],
    ['topic.tracking.allow.reset', 'BOOLEAN', true, 'If true, allow user requests to reset the set of active topics per connector.'],
    ['listeners', 'LIST', 'http://:8083', 'List of comma-separated URIs the REST API will listen on.'],
    ['rest.advertised.host.name', 'STRING', null, 'Hostname to give out to other workers to connect to.'],
    ['rest.advertised.port', 'INT', null, 'Port to give out to other workers to connect to.'],
    ['rest.advertised.listener', 'STRING', null, 'Advertised listener (HTTP or HTTPS) which will be given to other workers to use.'],
    ['admin.listeners', 'LIST', null, 'List of comma-separated URIs the Admin REST API will listen on.'],
    ['access.control.allow.origin', 'STRING', '', 'Value to set the Access-Control-Allow-Origin header to for REST API requests.'],
    ['access.control.allow.methods', 'STRING', '', 'Sets the methods supported for cross origin requests.'],
    ['response.http.headers.config', 'STRING', '', 'Rules for REST API HTTP response headers.'],
    ['rest.extension.classes', 'LIST', '', 'Comma-separated names of ConnectRestExtension classes.'],
    ['metrics.sample.window.ms', 'LONG', 30000, 'The window of time a metrics sample is computed over.'],
    ['metrics.num.samples', 'INT', 2, 'The number of samples maintained to compute metrics.'],
    ['metrics.recording.level', 'STRING', 'INFO', 'The highest recording level for metrics.'],
    ['metric.reporters', 'LIST', '', 'A list of classes to use as metrics reporters.'],
    ['auto.include.jmx.reporter', 'BOOLEAN', true, 'Deprecated; accepted for compatibility.'],
    ['client.dns.lookup', 'STRING', 'use_all_dns_ips', 'Controls how the client uses DNS lookups.'],
    ['client.id', 'STRING', '', 'An id string to pass to the server when making requests.'],
    ['security.protocol', 'STRING', 'PLAINTEXT', 'Protocol used to communicate with brokers.'],
    ['request.timeout.ms', 'INT', 40000, 'The maximum amount of time the client will wait for the response of a request.'],
    ['retry.backoff.ms', 'LONG', 100, 'The amount of time to wait before attempting to retry a failed request.'],
    ['metadata.max.age.ms', 'LONG', 300000, 'The period of time after which a refresh of metadata is forced.'],
    // Sluice's REST API keys (src/rest/README.md).
    ['sluice.rest.basic.auth.file', 'STRING', null, 'Sluice: credentials file ("user: password" lines) for the basic auth REST extension.'],
    ['sluice.rest.tls.cert.file', 'STRING', null, 'Sluice: PEM certificate (chain) for https:// REST listeners.'],
    ['sluice.rest.tls.key.file', 'STRING', null, 'Sluice: PEM private key for https:// REST listeners.'],
    ['sluice.rest.allow.insecure', 'BOOLEAN', false, 'Sluice: allow a REST listener reachable from other machines without authentication.'],
  ];
  const listenerUris = Validators.list(Validators.custom('http(s)://host:port', (v) => listenerUriProblem(String(v))));
  for (const [name, type, defaultValue, documentation] of others) {
    const validator = name === 'listeners' || name === 'admin.listeners' ? { validator: listenerUris } : {};
    def.define({ name, type, defaultValue, importance: 'LOW', documentation, ...validator });
  }
  def.define({
    name: 'connector.client.config.override.policy', type: 'STRING', defaultValue: 'All', importance: 'MEDIUM',
    documentation:
      'Class name or alias of implementation of ConnectorClientConfigOverridePolicy. Defines what client configurations can be ' +
      'overridden by the connector. The default implementation is `All`, meaning connector configurations can override all ' +
      'client properties. The other possible policies in the framework include `None` to disallow connectors from overriding ' +
      'client properties, and `Principal` to allow connectors to override only client principals.',
  });
  // Kafka's client secrets at the worker's top level (withClientSslSupport / SASL): PASSWORD, shown as [hidden].
  for (const name of ['ssl.key.password', 'ssl.keystore.password', 'ssl.keystore.key', 'ssl.truststore.password', 'sasl.jaas.config']) {
    def.define({ name, type: 'PASSWORD', defaultValue: null, importance: 'HIGH', documentation: `The client's ${name} (Kafka's PASSWORD type: never shown or logged).` });
  }
  return def;
}

/**
 * Every problem of a worker config against `def`, in this order: bad types and values, the mode's own `checks`,
 * then the client keys and the converters built as the worker will (the worker's default converters where the
 * config names none). Keys it does not define are not problems (unusedWorkerKeys).
 */
export function checkWorkerConfig(config: RawConfig, def: ConfigDef, checks: readonly ConfigProblem[] = []): ConfigProblem[] {
  return [
    ...def.problems(config),
    ...checks,
    ...workerClientProblems(resolvedForClients(stringsOf(config)), { internal: def.key('group.id') !== undefined }),
    ...converterProblems(config, {
      'key.converter': DEFAULT_KEY_CONVERTER,
      'value.converter': DEFAULT_VALUE_CONVERTER,
      'header.converter': DEFAULT_HEADER_CONVERTER,
    }),
  ];
}

/** Every problem of a standalone worker config: bad types, validators, client keys, converters. */
export function workerConfigProblems(config: RawConfig): ConfigProblem[] {
  return checkWorkerConfig(config, standaloneWorkerConfigDef());
}

/**
 * The keys of a standalone worker config nobody defines outside the pass-through prefixes, each with a
 * did-you-mean: kept and warned about, as Kafka's AbstractConfig logs keys "supplied but not used".
 */
export function unusedWorkerKeys(config: RawConfig, def: ConfigDef = standaloneWorkerConfigDef(), prefixes: readonly string[] = WORKER_PASSTHROUGH_PREFIXES): ConfigProblem[] {
  return def.unknownKeyProblems(config, 'worker', prefixes);
}

function stringsOf(config: RawConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) if (typeof v === 'string') out[k] = v;
  return out;
}

/**
 * The config with its placeholders resolved, as the clients will get it; when a provider fails (reported where
 * the worker builds its providers), the keys holding placeholders are left out of the client checks.
 */
function resolvedForClients(config: Record<string, string>): Record<string, string> {
  try {
    return configTransformerFromWorker(config).transform(config);
  } catch {
    return Object.fromEntries(Object.entries(config).filter(([, v]) => !hasVariables(v)));
  }
}
