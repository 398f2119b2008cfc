/**
 * Kafka Connect's connector framework keys: the keys every connector accepts beside its own (ConnectorConfig,
 * SinkConnectorConfig, SourceConnectorConfig, TopicCreationConfig), with Kafka's names, types, defaults, groups
 * and orders, and the keys that depend on other values (`transforms.<alias>.*`, `topic.creation.<group>.*`).
 * Like Kafka's, this lives in the runtime, not in the plugin API; it imports the API's ConfigDef and the Java-regex
 * translator of src/transforms (regex keys are java.util.regex patterns).
 */
import { ConfigDef, Validators, type RawConfig, type Validator } from './api/index.js';
import { compileJavaRegex } from '../transforms/java-regex.js';

export type ConnectorKind = 'source' | 'sink';

/** Kafka's names of the framework key groups (what the REST API's `groups` lists). */
const GROUP = {
  common: 'Common',
  transforms: 'Transforms',
  predicates: 'Predicates',
  errors: 'Error Handling',
  topicCreation: 'Topic Creation',
  exactlyOnce: 'Exactly Once Support',
  offsetsTopic: 'offsets.topic',
} as const;

export const TOPIC_CREATION_PREFIX = 'topic.creation.';
export const DEFAULT_TOPIC_CREATION_GROUP = 'default';

/** Kafka's `NonEmptyStringWithoutControlChars` (connector names). */
const nonEmptyStringWithoutControlChars: Validator = Validators.custom('non-empty string without ISO control characters', (v) => {
  if (typeof v !== 'string') return undefined;
  if (v.trim() === '') return 'String may not be empty';
  const control = [...v].map((c) => c.codePointAt(0)!).filter((c) => c < 0x20 || (c >= 0x7f && c <= 0x9f));
  if (control.length > 0) {
    return `String may not contain control sequences but had the following ASCII chars: ${control.join(', ')}`;
  }
  return undefined;
});

/** `transforms` / `predicates`: aliases must be unique. */
const aliasValidator: Validator = Validators.custom('unique aliases', (v) =>
  Array.isArray(v) && new Set(v).size < v.length ? 'Duplicate alias provided.' : undefined,
);

/** A `java.util.regex.Pattern` check: what the Java-regex translator (src/transforms) compiles or names as unsupported. */
export const regexValidator: Validator = Validators.custom('valid regex', (v) => {
  if (typeof v !== 'string' || v === '') return undefined;
  try {
    compileJavaRegex(v);
    return undefined;
  } catch (e) {
    return `Not a valid regular expression: ${(e as Error).message}`;
  }
});

/** Kafka's `Topic.validate` reason for an illegal topic name, or undefined. */
export function topicNameProblem(name: string): string | undefined {
  let why: string | undefined;
  if (name === '') why = 'the empty string is not allowed';
  else if (name === '.' || name === '..') why = `'${name}' is not allowed`;
  else if (name.length > 249) why = `the length of '${name}' is longer than the max allowed length 249`;
  else if (!/^[a-zA-Z0-9._-]+$/.test(name)) why = `'${name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'`;
  return why === undefined ? undefined : `Topic name is invalid: ${why}`;
}

/** `topics`: every listed name must be a legal topic name (empty entries are skipped, as Kafka's parseTopicsList does). */
const topicsValidator: Validator = Validators.custom('comma-separated legal topic names', (v) => {
  if (!Array.isArray(v)) return undefined;
  for (const t of v) {
    if (String(t) === '') continue;
    const why = topicNameProblem(String(t));
    if (why) return why;
  }
  return undefined;
});

const nonNegativeOrNull: Validator = Validators.custom('null or [0,...]', (v) =>
  typeof v === 'number' && v < 0 ? 'Interval must be non-negative' : undefined,
);

const replicationFactorValidator: Validator = Validators.custom('-1 or [1,...]', (v) =>
  typeof v === 'number' && v !== -1 && v < 1
    ? "Replication factor must be positive and not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default"
    : undefined,
);

const partitionsValidator: Validator = Validators.custom('-1 or [1,...]', (v) =>
  typeof v === 'number' && v !== -1 && v < 1 ? "Number of partitions must be positive, or -1 to use the broker's default" : undefined,
);

function commonConnectorDef(): ConfigDef {
  let order = 0;
  let errOrder = 0;
  return new ConfigDef()
    .define({
      name: 'name', type: 'STRING', validator: nonEmptyStringWithoutControlChars, importance: 'HIGH',
      documentation: 'Globally unique name to use for this connector.',
      group: GROUP.common, orderInGroup: ++order, width: 'MEDIUM', displayName: 'Connector name',
    })
    .define({
      name: 'connector.class', type: 'STRING', importance: 'HIGH',
      documentation:
        'Name or alias of the class for this connector. Must be a subclass of org.apache.kafka.connect.connector.Connector. ' +
        'If the connector is org.apache.kafka.connect.file.FileStreamSinkConnector, you can either specify this full name, ' +
        ' or use "FileStreamSink" or "FileStreamSinkConnector" to make the configuration a bit shorter',
      group: GROUP.common, orderInGroup: ++order, width: 'LONG', displayName: 'Connector class',
    })
    .define({
      name: 'tasks.max', type: 'INT', defaultValue: 1, validator: Validators.atLeast(1), importance: 'HIGH',
      documentation: 'Maximum number of tasks to use for this connector.',
      group: GROUP.common, orderInGroup: ++order, width: 'SHORT', displayName: 'Tasks max',
    })
    .define({
      name: 'tasks.max.enforce', type: 'BOOLEAN', defaultValue: true, importance: 'LOW',
      documentation:
        '(Deprecated) Whether to enforce that the tasks.max property is respected by the connector. By default, connectors ' +
        'that generate too many tasks will fail. If false, the excess task configs only produce a warning.',
      group: GROUP.common, orderInGroup: ++order, width: 'SHORT', displayName: 'Enforce tasks max',
    })
    .define({
      name: 'key.converter', type: 'CLASS', defaultValue: null, importance: 'LOW',
      documentation:
        'Converter class used to convert between Kafka Connect format and the serialized form that is written to Kafka. ' +
        'This controls the format of the keys in messages written to or read from Kafka. Absent: the worker\'s key.converter.',
      group: GROUP.common, orderInGroup: ++order, width: 'SHORT', displayName: 'Key converter class',
    })
    .define({
      name: 'value.converter', type: 'CLASS', defaultValue: null, importance: 'LOW',
      documentation:
        'Converter class used to convert between Kafka Connect format and the serialized form that is written to Kafka. ' +
        'This controls the format of the values in messages written to or read from Kafka. Absent: the worker\'s value.converter.',
      group: GROUP.common, orderInGroup: ++order, width: 'SHORT', displayName: 'Value converter class',
    })
    .define({
      name: 'header.converter', type: 'CLASS', defaultValue: null, importance: 'LOW',
      documentation:
        'HeaderConverter class used to convert between Kafka Connect format and the serialized form that is written to Kafka. ' +
        'Absent: the worker\'s header.converter (by default SimpleHeaderConverter).',
      group: GROUP.common, orderInGroup: ++order, width: 'SHORT', displayName: 'Header converter class',
    })
    .define({
      name: 'transforms', type: 'LIST', defaultValue: [], validator: aliasValidator, importance: 'LOW',
      documentation: 'Aliases for the transformations to be applied to records.',
      group: GROUP.transforms, orderInGroup: ++order, width: 'LONG', displayName: 'Transforms',
    })
    .define({
      name: 'predicates', type: 'LIST', defaultValue: [], validator: aliasValidator, importance: 'LOW',
      documentation: 'Aliases for the predicates used by transformations.',
      group: GROUP.predicates, orderInGroup: ++order, width: 'LONG', displayName: 'Predicates',
    })
    .define({
      name: 'config.action.reload', type: 'STRING', defaultValue: 'restart', validator: Validators.in('none', 'restart'),
      importance: 'LOW',
      documentation:
        'The action that Connect should take on the connector when changes in external configuration providers result in ' +
        "a change in the connector's configuration properties. 'none' does nothing; 'restart' restarts the connector.",
      group: GROUP.common, orderInGroup: ++order, width: 'MEDIUM', displayName: 'Reload Action',
    })
    .define({
      name: 'errors.retry.timeout', type: 'LONG', defaultValue: 0, importance: 'MEDIUM',
      documentation:
        'The maximum duration in milliseconds that a failed operation will be reattempted. The default is 0, which means ' +
        'no retries will be attempted. Use -1 for infinite retries.',
      group: GROUP.errors, orderInGroup: ++errOrder, width: 'MEDIUM', displayName: 'Retry Timeout for Errors',
    })
    .define({
      name: 'errors.retry.delay.max.ms', type: 'LONG', defaultValue: 60000, importance: 'MEDIUM',
      documentation:
        'The maximum duration in milliseconds between consecutive retry attempts. Jitter will be added to the delay once ' +
        'this limit is reached to prevent thundering herd issues.',
      group: GROUP.errors, orderInGroup: ++errOrder, width: 'MEDIUM', displayName: 'Maximum Delay Between Retries for Errors',
    })
    .define({
      name: 'errors.tolerance', type: 'STRING', defaultValue: 'none', validator: Validators.in('none', 'all'),
      importance: 'MEDIUM',
      documentation:
        "Behavior for tolerating errors during connector operation. 'none' is the default value and signals that any error " +
        "will result in an immediate connector task failure; 'all' changes the behavior to skip over problematic records.",
      group: GROUP.errors, orderInGroup: ++errOrder, width: 'SHORT', displayName: 'Error Tolerance',
    })
    .define({
      name: 'errors.log.enable', type: 'BOOLEAN', defaultValue: false, importance: 'MEDIUM',
      documentation:
        'If true, write each error and the details of the failed operation and problematic record to the Connect ' +
        'application log. This is false by default, so that only errors that are not tolerated are reported.',
      group: GROUP.errors, orderInGroup: ++errOrder, width: 'SHORT', displayName: 'Log Errors',
    })
    .define({
      name: 'errors.log.include.messages', type: 'BOOLEAN', defaultValue: false, importance: 'MEDIUM',
      documentation:
        'Whether to include in the log the Connect record that resulted in a failure. For sink records, the topic, ' +
        'partition, offset, and timestamp will be logged. For source records, the key and value (and their schemas), ' +
        'all headers, and the timestamp, Kafka topic, Kafka partition, source partition, and source offset will be logged.',
      group: GROUP.errors, orderInGroup: ++errOrder, width: 'SHORT', displayName: 'Log Error Details',
    });
}

function sinkConnectorDef(): ConfigDef {
  return commonConnectorDef()
    .define({
      name: 'topics', type: 'LIST', defaultValue: '', validator: topicsValidator, importance: 'HIGH',
      documentation: 'List of topics to consume, separated by commas',
      group: GROUP.common, orderInGroup: 4, width: 'LONG', displayName: 'Topics',
    })
    .define({
      name: 'topics.regex', type: 'STRING', defaultValue: '', validator: regexValidator, importance: 'HIGH',
      documentation:
        'Regular expression giving topics to consume. Under the hood, the regex is compiled to a java.util.regex.Pattern. ' +
        'Only one of topics or topics.regex should be specified.',
      group: GROUP.common, orderInGroup: 4, width: 'LONG', displayName: 'Topics regex',
    })
    .define({
      name: 'errors.deadletterqueue.topic.name', type: 'STRING', defaultValue: '', importance: 'MEDIUM',
      documentation:
        'The name of the topic to be used as the dead letter queue (DLQ) for messages that result in an error when ' +
        'processed by this sink connector, or its transformations or converters. The topic name is blank by default, ' +
        'which means that no messages are to be recorded in the DLQ.',
      group: GROUP.errors, orderInGroup: 6, width: 'MEDIUM', displayName: 'Dead Letter Queue Topic Name',
    })
    .define({
      name: 'errors.deadletterqueue.topic.replication.factor', type: 'SHORT', defaultValue: 3, importance: 'MEDIUM',
      documentation: 'Replication factor used to create the dead letter queue topic when it doesn\'t already exist.',
      group: GROUP.errors, orderInGroup: 7, width: 'MEDIUM', displayName: 'Dead Letter Queue Topic Replication Factor',
    })
    .define({
      name: 'errors.deadletterqueue.context.headers.enable', type: 'BOOLEAN', defaultValue: false, importance: 'MEDIUM',
      documentation:
        'If true, add headers containing error context to the messages written to the dead letter queue. To avoid ' +
        'clashing with headers from the original record, all error context header keys, all error context header keys ' +
        'will start with __connect.errors.',
      group: GROUP.errors, orderInGroup: 8, width: 'MEDIUM', displayName: 'Enable Error Context Headers',
    });
}

function sourceConnectorDef(): ConfigDef {
  let order = 0;
  return commonConnectorDef()
    .define({
      name: 'topic.creation.groups', type: 'LIST', defaultValue: [],
      validator: Validators.custom('unique topic creation group aliases, excluding "default"', (v) => {
        if (!Array.isArray(v)) return undefined;
        if (new Set(v).size < v.length) return 'Duplicate alias provided.';
        return undefined;
      }),
      importance: 'LOW',
      documentation:
        'Groups of configurations for topics created by source connectors. The "default" group always exists and ' +
        'matches all topics.',
      group: GROUP.topicCreation, orderInGroup: ++order, width: 'LONG', displayName: 'Topic Creation Groups',
    })
    .define({
      name: 'exactly.once.support', type: 'STRING', defaultValue: 'requested',
      validator: Validators.inIgnoreCase('requested', 'required'), importance: 'MEDIUM',
      documentation:
        'Permitted values are requested, required. If set to "required", forces a preflight check for the connector to ' +
        'ensure that it can provide exactly-once semantics with the given configuration.',
      group: GROUP.exactlyOnce, orderInGroup: ++order, width: 'SHORT', displayName: 'Exactly once support',
    })
    .define({
      name: 'transaction.boundary', type: 'STRING', defaultValue: 'poll',
      validator: Validators.inIgnoreCase('poll', 'interval', 'connector'), importance: 'MEDIUM',
      documentation:
        'Permitted values are: poll, interval, connector. If set to "poll", a new producer transaction will be started ' +
        'and committed for every batch of records that each task from this connector provides to Connect.',
      group: GROUP.exactlyOnce, orderInGroup: ++order, width: 'SHORT', displayName: 'Transaction Boundary',
    })
    .define({
      name: 'transaction.boundary.interval.ms', type: 'LONG', defaultValue: null, validator: nonNegativeOrNull,
      importance: 'LOW',
      documentation:
        'If "transaction.boundary" is set to "interval", determines the interval for producer transaction commits by ' +
        'connector tasks. If unset, defaults to the value of the worker-level "offset.flush.interval.ms" property.',
      group: GROUP.exactlyOnce, orderInGroup: ++order, width: 'SHORT', displayName: 'Transaction boundary interval',
    })
    .define({
      name: 'offsets.storage.topic', type: 'STRING', defaultValue: null, validator: Validators.nonEmptyString(),
      importance: 'LOW',
      documentation:
        'The name of a separate offsets topic to use for this connector. If empty or not specified, the worker\'s global ' +
        'offsets topic name will be used.',
      group: GROUP.offsetsTopic, orderInGroup: ++order, width: 'LONG', displayName: 'Offsets topic',
    });
}

/** The framework keys of a source or sink connector (no per-transform or per-topic-creation-group keys yet). */
export function connectorConfigDef(kind: ConnectorKind): ConfigDef {
  return kind === 'sink' ? sinkConnectorDef() : sourceConnectorDef();
}

/** Does the config use KIP-158 topic creation (any `topic.creation.` key)? */
export function usesTopicCreation(config: RawConfig): boolean {
  return Object.keys(config).some((k) => k.startsWith(TOPIC_CREATION_PREFIX));
}

function topicCreationGroupDef(isDefault: boolean): ConfigDef {
  const def = new ConfigDef()
    .define({
      name: 'include', type: 'LIST', defaultValue: isDefault ? '.*' : [], importance: 'LOW',
      validator: Validators.list(regexValidator),
      documentation: 'A list of regular expression literals used to match the topic names used by the source connector.',
    })
    .define({
      name: 'exclude', type: 'LIST', defaultValue: [], importance: 'LOW',
      validator: Validators.list(regexValidator),
      documentation: 'A list of regular expression literals used to exclude topic names from this group.',
    });
  const rf = { name: 'replication.factor', type: 'SHORT', validator: replicationFactorValidator, importance: 'LOW',
    documentation: 'The replication factor for new topics created for this connector; -1 for the broker\'s default.' } as const;
  const parts = { name: 'partitions', type: 'INT', validator: partitionsValidator, importance: 'LOW',
    documentation: 'The number of partitions new topics created for this connector; -1 for the broker\'s default.' } as const;
  // The default group's values are required once topic creation is used; other groups inherit them.
  return isDefault ? def.define(rf).define(parts) : def.define({ ...rf, defaultValue: null }).define({ ...parts, defaultValue: null });
}

/**
 * Adds the keys that depend on other values (Kafka's `ConnectorConfig.enrich` / `SourceConnectorConfig.enrich`):
 * `transforms.<alias>.type|predicate|negate`, `predicates.<alias>.type`, and for sources that use topic
 * creation `topic.creation.<group>.*`. The keys of each transform's own ConfigDef are added by `extra`.
 */
export function enrichConnectorConfigDef(
  base: ConfigDef,
  kind: ConnectorKind,
  config: RawConfig,
  extra?: (prefix: string, alias: string, kind: 'transformation' | 'predicate', type: string | undefined) => ConfigDef | undefined,
): ConfigDef {
  const def = new ConfigDef().merge(base);
  const aliases = (key: string): string[] => {
    const raw = config[key];
    if (typeof raw !== 'string') return Array.isArray(raw) ? raw.map(String) : [];
    return [...new Set(raw.split(',').map((a) => a.trim()).filter((a) => a !== ''))];
  };
  for (const alias of aliases('transforms')) {
    const prefix = `transforms.${alias}.`;
    const group = `Transforms: ${alias}`;
    let order = 0;
    def.define({
      name: `${prefix}type`, type: 'CLASS', importance: 'HIGH', group, orderInGroup: ++order, width: 'LONG',
      documentation: 'Class for the \'' + alias + '\' transformation.', displayName: 'Transformation type for ' + alias,
    });
    def.define({
      name: `${prefix}predicate`, type: 'STRING', defaultValue: null, importance: 'MEDIUM', group, orderInGroup: ++order,
      documentation: 'The alias of a predicate used to determine whether to apply this transformation.',
      displayName: 'Predicate',
    });
    def.define({
      name: `${prefix}negate`, type: 'BOOLEAN', defaultValue: false, importance: 'MEDIUM', group, orderInGroup: ++order,
      documentation: 'Whether the configured predicate should be negated.', displayName: 'Negate',
    });
    const own = extra?.(prefix, alias, 'transformation', stringOrUndefined(config[`${prefix}type`]));
    if (own) def.embed(prefix, group, ++order, own);
  }
  for (const alias of aliases('predicates')) {
    const prefix = `predicates.${alias}.`;
    const group = `Predicates: ${alias}`;
    def.define({
      name: `${prefix}type`, type: 'CLASS', importance: 'HIGH', group, orderInGroup: 1, width: 'LONG',
      documentation: 'Class for the \'' + alias + '\' predicate.', displayName: 'Predicate type for ' + alias,
    });
    const own = extra?.(prefix, alias, 'predicate', stringOrUndefined(config[`${prefix}type`]));
    if (own) def.embed(prefix, group, 2, own);
  }
  if (kind === 'source' && usesTopicCreation(config)) {
    const groups = aliases('topic.creation.groups').filter((g) => g !== DEFAULT_TOPIC_CREATION_GROUP);
    for (const g of groups) def.embed(`${TOPIC_CREATION_PREFIX}${g}.`, g, 0, topicCreationGroupDef(false));
    def.embed(`${TOPIC_CREATION_PREFIX}${DEFAULT_TOPIC_CREATION_GROUP}.`, DEFAULT_TOPIC_CREATION_GROUP, 0, topicCreationGroupDef(true));
  }
  return def;
}

function stringOrUndefined(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** Key prefixes of a connector config that are passed on to converters, clients and topic creation. */
export const CONNECTOR_PASSTHROUGH_PREFIXES = [
  'key.converter.', 'value.converter.', 'header.converter.',
  'producer.override.', 'consumer.override.', 'admin.override.',
] as const;
