/**
 * Config keys of Confluent's JDBC source and sink connectors, with the same names, types and defaults, so their
 * JSON configs run unchanged. Keys for features that make no sense here (SQL Server options, credential provider
 * classes) are accepted at their defaults and refused with a clear message otherwise.
 */
import { ConfigDef, ConfigException, Validators, type ConnectorConfig, type Validator } from '../api/index.js';
import { Zone } from './util/zone.js';
import { DIALECT_NAMES } from './dialect/index.js';

// ------------------------------------------------------------------------------------------ common keys

/** Confluent's prefix of driver properties: `connection.<prop>` keys the connector does not define go to the driver. */
export const CONNECTION_PREFIX = 'connection.';
export const CONNECTION_URL = 'connection.url';
export const CONNECTION_USER = 'connection.user';
export const CONNECTION_PASSWORD = 'connection.password';
export const CONNECTION_ATTEMPTS = 'connection.attempts';
export const CONNECTION_BACKOFF = 'connection.backoff.ms';
export const CREDENTIALS_PROVIDER = 'jdbc.credentials.provider.class';
export const DIALECT_NAME = 'dialect.name';
export const DB_TIMEZONE = 'db.timezone';
export const QUOTE_SQL_IDENTIFIERS = 'quote.sql.identifiers';
export const TABLE_TYPES = 'table.types';
export const DATE_CALENDAR_SYSTEM = 'date.calendar.system';

export const DEFAULT_CREDENTIALS_PROVIDER = 'io.confluent.connect.jdbc.util.DefaultJdbcCredentialsProvider';

const zoneValidator: Validator = Validators.custom('a valid time zone id (e.g. UTC, Europe/Paris, +02:00)', (v) => {
  try {
    Zone.of(String(v));
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
});

const dialectValidator: Validator = Validators.custom(`empty, or one of ${DIALECT_NAMES.join(', ')}`, (v) =>
  v === '' || (DIALECT_NAMES as readonly string[]).includes(String(v).trim())
    ? undefined
    : `Dialect ${String(v)} is not available; supported: ${DIALECT_NAMES.join(', ')}`);

const credentialsValidator: Validator = Validators.custom('the default provider', (v) =>
  v === null || v === '' || String(v) === DEFAULT_CREDENTIALS_PROVIDER
    ? undefined
    : 'Only the default credentials provider is supported: set connection.user and connection.password');

/**
 * The driver properties of a config, as Confluent's GenericDatabaseDialect.addConnectionProperties takes them:
 * every `connection.<prop>` key the ConfigDef does not define, with the prefix removed.
 */
export function driverProperties(config: ConnectorConfig, def: ConfigDef): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key.startsWith(CONNECTION_PREFIX) && key.length > CONNECTION_PREFIX.length && !def.key(key)) {
      out[key.slice(CONNECTION_PREFIX.length)] = value;
    }
  }
  return out;
}

function defineConnection(def: ConfigDef, urlRequired: boolean): ConfigDef {
  const g = 'Database';
  return def
    .passThrough(CONNECTION_PREFIX)
    .define({
      name: CONNECTION_URL, type: 'STRING', ...(urlRequired ? {} : { defaultValue: '' }), importance: 'HIGH', group: g,
      documentation: 'JDBC connection URL: jdbc:postgresql://host:5432/db, jdbc:mysql://host:3306/db, jdbc:mariadb://…, or a native postgres:// / mysql:// URL. URL parameters user, password, ssl/sslmode, currentSchema, useSSL, zeroDateTimeBehavior are honoured; other JDBC driver flags are ignored.',
    })
    .define({ name: CONNECTION_USER, type: 'STRING', defaultValue: null, importance: 'HIGH', group: g, documentation: 'JDBC connection user.' })
    .define({ name: CONNECTION_PASSWORD, type: 'PASSWORD', defaultValue: null, importance: 'HIGH', group: g, documentation: 'JDBC connection password.' })
    .define({
      name: CONNECTION_ATTEMPTS, type: 'INT', defaultValue: 3, validator: Validators.atLeast(1), importance: 'LOW', group: g,
      documentation: 'Maximum number of attempts to retrieve a valid JDBC connection. Must be a positive integer.',
    })
    .define({ name: CONNECTION_BACKOFF, type: 'LONG', defaultValue: 10_000, importance: 'LOW', group: g, documentation: 'Backoff time in milliseconds between connection attempts.' })
    .define({
      name: CREDENTIALS_PROVIDER, type: 'STRING', defaultValue: DEFAULT_CREDENTIALS_PROVIDER, validator: credentialsValidator,
      importance: 'LOW', group: g, documentation: 'Credentials provider class. Only the default (connection.user / connection.password) is supported.',
    })
    .define({
      name: DIALECT_NAME, type: 'STRING', defaultValue: '', validator: dialectValidator, importance: 'LOW', group: g,
      documentation: 'The name of the database dialect; empty means chosen from the connection URL.',
    });
}

// ------------------------------------------------------------------------------------------ source

export const S = {
  TABLE_WHITELIST: 'table.whitelist',
  TABLE_BLACKLIST: 'table.blacklist',
  TABLE_INCLUDE_LIST: 'table.include.list',
  TABLE_EXCLUDE_LIST: 'table.exclude.list',
  CATALOG_PATTERN: 'catalog.pattern',
  SCHEMA_PATTERN: 'schema.pattern',
  TABLE_POLL_INTERVAL: 'table.poll.interval.ms',
  TABLE_MONITORING_STARTUP_LIMIT: 'table.monitoring.startup.polling.limit.ms',
  MODE: 'mode',
  INCREMENTING_COLUMN: 'incrementing.column.name',
  TIMESTAMP_COLUMN: 'timestamp.column.name',
  INCREMENTING_MAPPING: 'incrementing.column.mapping',
  TIMESTAMP_MAPPING: 'timestamp.columns.mapping',
  VALIDATE_NON_NULL: 'validate.non.null',
  TIMESTAMP_INITIAL: 'timestamp.initial',
  TIMESTAMP_DELAY: 'timestamp.delay.interval.ms',
  TIMESTAMP_GRANULARITY: 'timestamp.granularity',
  QUERY: 'query',
  QUERY_MASKED: 'query.masked',
  QUERY_SUFFIX: 'query.suffix',
  TRANSACTION_ISOLATION: 'transaction.isolation.mode',
  QUERY_RETRY_ATTEMPTS: 'query.retry.attempts',
  NUMERIC_MAPPING: 'numeric.mapping',
  NUMERIC_PRECISION_MAPPING: 'numeric.precision.mapping',
  TOPIC_PREFIX: 'topic.prefix',
  POLL_INTERVAL: 'poll.interval.ms',
  BATCH_MAX_ROWS: 'batch.max.rows',
  MAX_BUFFER_SIZE: 'max.buffer.size',
  POLL_LINGER: 'poll.linger.ms',
  TABLES: 'tables',
  TABLES_FETCHED: 'tables.fetched',
} as const;

export const MODES = ['bulk', 'timestamp', 'incrementing', 'timestamp+incrementing'] as const;
export type Mode = (typeof MODES)[number];
export const NUMERIC_MAPPINGS = ['none', 'precision_only', 'best_fit', 'best_fit_eager_double'] as const;
export const GRANULARITIES = [
  'connect_logical', 'micros_long', 'micros_string', 'micros_iso_datetime_string', 'nanos_long', 'nanos_string',
  'nanos_iso_datetime_string',
] as const;
export const TABLE_TYPE_VALUES = ['TABLE', 'VIEW', 'SYSTEM TABLE', 'GLOBAL TEMPORARY', 'LOCAL TEMPORARY', 'ALIAS', 'SYNONYM', 'PARTITIONED TABLE', 'MATERIALIZED VIEW', 'FOREIGN TABLE'];
export const ISOLATION_MODES = ['DEFAULT', 'READ_UNCOMMITTED', 'READ_COMMITTED', 'REPEATABLE_READ', 'SERIALIZABLE', 'SQL_SERVER_SNAPSHOT'];

const topicPrefixValidator: Validator = Validators.custom('[a-zA-Z0-9._-]*, at most 249 characters', (v) =>
  typeof v === 'string' && (v.length > 249 || !/^[a-zA-Z0-9._-]*$/.test(v))
    ? 'Topic prefix may only contain ASCII alphanumerics, ".", "_" and "-", and be at most 249 characters'
    : undefined);

const tableTypesValidator: Validator = Validators.list(Validators.custom(`one of ${TABLE_TYPE_VALUES.join(', ')}`, (v) =>
  TABLE_TYPE_VALUES.includes(String(v).toUpperCase()) ? undefined : `Unknown table type ${String(v)}`));

const regexListValidator: Validator = Validators.list(Validators.custom('a regular expression', (v) => {
  try {
    new RegExp(String(v));
    return undefined;
  } catch (e) {
    return `Invalid regular expression: ${(e as Error).message}`;
  }
}));

export function sourceConfigDef(): ConfigDef {
  const def = defineConnection(new ConfigDef(), false);
  const g = 'Database';
  const m = 'Mode';
  const c = 'Connector';
  return def
    .define({ name: S.TABLE_WHITELIST, type: 'LIST', defaultValue: '', importance: 'MEDIUM', group: g, documentation: 'List of tables to include in copying (unquoted FQN, quoted FQN or bare name). Cannot be combined with table.blacklist.' })
    .define({ name: S.TABLE_BLACKLIST, type: 'LIST', defaultValue: '', importance: 'MEDIUM', group: g, documentation: 'List of tables to exclude from copying.' })
    .define({ name: S.TABLE_INCLUDE_LIST, type: 'LIST', defaultValue: '', validator: regexListValidator, importance: 'MEDIUM', group: g, documentation: 'Regular expressions (full match) of unquoted fully-qualified table names to copy.' })
    .define({ name: S.TABLE_EXCLUDE_LIST, type: 'LIST', defaultValue: '', validator: regexListValidator, importance: 'MEDIUM', group: g, documentation: 'Regular expressions of tables to leave out, applied after table.include.list.' })
    .define({ name: S.CATALOG_PATTERN, type: 'STRING', defaultValue: null, importance: 'MEDIUM', group: g, documentation: 'Catalog pattern (SQL LIKE) to fetch table metadata from the database. On MySQL/MariaDB the catalog is the database; null means the database of the URL.' })
    .define({ name: S.SCHEMA_PATTERN, type: 'STRING', defaultValue: null, importance: 'MEDIUM', group: g, documentation: 'Schema pattern (SQL LIKE) to fetch table metadata from the database; null means every schema.' })
    .define({ name: TABLE_TYPES, type: 'LIST', defaultValue: 'TABLE', validator: tableTypesValidator, importance: 'LOW', group: g, documentation: 'Table types to copy: TABLE, VIEW, PARTITIONED TABLE, MATERIALIZED VIEW, SYSTEM TABLE, …' })
    .define({ name: S.TABLE_POLL_INTERVAL, type: 'LONG', defaultValue: 60_000, importance: 'LOW', group: c, documentation: 'How often to list tables; a change in the list reconfigures the tasks.' })
    .define({ name: S.TABLE_MONITORING_STARTUP_LIMIT, type: 'LONG', defaultValue: 10_000, importance: 'LOW', group: c, documentation: 'How long the first table listing may take at start before it fails the connector.' })
    .define({ name: S.MODE, type: 'STRING', defaultValue: '', validator: Validators.in('', ...MODES), importance: 'HIGH', group: m, documentation: 'bulk, incrementing, timestamp or timestamp+incrementing.' })
    .define({ name: S.INCREMENTING_COLUMN, type: 'STRING', defaultValue: '', importance: 'MEDIUM', group: m, documentation: 'Strictly increasing, non-null column; empty means the auto-increment column.' })
    .define({ name: S.TIMESTAMP_COLUMN, type: 'LIST', defaultValue: '', importance: 'MEDIUM', group: m, documentation: 'Timestamp column(s); with several, COALESCE(c1,c2,…) is the row timestamp.' })
    .define({ name: S.INCREMENTING_MAPPING, type: 'LIST', defaultValue: '', importance: 'LOW', group: m, documentation: 'regex:column pairs choosing the incrementing column per table (use with table.include.list).' })
    .define({ name: S.TIMESTAMP_MAPPING, type: 'LIST', defaultValue: '', importance: 'LOW', group: m, documentation: 'regex:[c1|c2] pairs choosing the timestamp columns per table.' })
    .define({ name: S.VALIDATE_NON_NULL, type: 'BOOLEAN', defaultValue: true, importance: 'LOW', group: m, documentation: 'Fail at start when the incrementing column, or every timestamp column, is nullable.' })
    .define({ name: S.TIMESTAMP_INITIAL, type: 'LONG', defaultValue: null, importance: 'LOW', group: m, documentation: 'Epoch ms to start from when no offset is stored; -1 means the current database time; null means from the beginning.' })
    .define({ name: S.TIMESTAMP_DELAY, type: 'LONG', defaultValue: 0, validator: Validators.atLeast(0), importance: 'HIGH', group: m, documentation: 'Rows are read only once their timestamp is this much older than the database clock, giving transactions time to commit: a row whose transaction commits within this delay of its timestamp is never missed.' })
    .define({ name: S.TIMESTAMP_GRANULARITY, type: 'STRING', defaultValue: 'connect_logical', validator: Validators.in(...GRANULARITIES), importance: 'LOW', group: m, documentation: 'How timestamp columns appear in records.' })
    .define({ name: DB_TIMEZONE, type: 'STRING', defaultValue: 'UTC', validator: zoneValidator, importance: 'MEDIUM', group: c, documentation: 'Zone of wall-clock columns (PostgreSQL timestamp without time zone, MySQL DATETIME): their values, and the timestamp bounds compared with them, are read in this zone. Columns that store instants (timestamptz, MySQL TIMESTAMP) are exact whatever this says.' })
    .define({ name: DATE_CALENDAR_SYSTEM, type: 'STRING', defaultValue: 'LEGACY', validator: Validators.in('LEGACY', 'PROLEPTIC_GREGORIAN'), importance: 'LOW', group: c, documentation: 'Accepted for compatibility; dates are always proleptic Gregorian here.' })
    .define({ name: S.QUERY, type: 'STRING', defaultValue: '', importance: 'MEDIUM', group: m, documentation: 'Custom query; incremental criteria are appended to it.' })
    .define({ name: S.QUERY_MASKED, type: 'PASSWORD', defaultValue: '', importance: 'MEDIUM', group: m, documentation: 'Like query, hidden in logs and the REST API.' })
    .define({ name: S.QUERY_SUFFIX, type: 'STRING', defaultValue: '', importance: 'LOW', group: m, documentation: 'Suffix appended after the generated query (after ORDER BY).' })
    .define({ name: QUOTE_SQL_IDENTIFIERS, type: 'STRING', defaultValue: 'always', validator: Validators.in('always', 'never'), importance: 'MEDIUM', group: c, documentation: 'When to quote table names, column names and other identifiers in SQL.' })
    .define({ name: S.TRANSACTION_ISOLATION, type: 'STRING', defaultValue: 'DEFAULT', validator: Validators.in(...ISOLATION_MODES.filter((x) => x !== 'SQL_SERVER_SNAPSHOT')), importance: 'LOW', group: m, documentation: 'Isolation level of the source queries.' })
    .define({ name: S.QUERY_RETRY_ATTEMPTS, type: 'INT', defaultValue: -1, importance: 'LOW', group: m, documentation: 'Retries of a failed query before the task fails; -1 means unlimited.' })
    .define({ name: S.NUMERIC_MAPPING, type: 'STRING', defaultValue: null, validator: Validators.in(...NUMERIC_MAPPINGS), importance: 'LOW', group: m, documentation: 'none, precision_only, best_fit or best_fit_eager_double (applies to PostgreSQL NUMERIC and MySQL DECIMAL).' })
    .define({ name: S.NUMERIC_PRECISION_MAPPING, type: 'BOOLEAN', defaultValue: false, importance: 'LOW', group: m, documentation: 'Deprecated: true acts as numeric.mapping=precision_only.' })
    .define({ name: S.TOPIC_PREFIX, type: 'STRING', defaultValue: '', validator: topicPrefixValidator, importance: 'HIGH', group: c, documentation: 'Prefix of topic names: prefix + table name, or the whole topic in query mode.' })
    .define({ name: S.POLL_INTERVAL, type: 'INT', defaultValue: 5000, validator: Validators.atLeast(0), importance: 'HIGH', group: c, documentation: 'Frequency in ms to poll for new data in each table.' })
    .define({ name: S.BATCH_MAX_ROWS, type: 'INT', defaultValue: 1000, validator: Validators.atLeast(1), importance: 'LOW', group: c, documentation: 'Maximum rows per poll, and the cursor fetch size.' })
    .define({ name: S.MAX_BUFFER_SIZE, type: 'INT', defaultValue: 0, validator: Validators.atLeast(0), importance: 'LOW', group: c, documentation: 'Accepted for compatibility: rows are pulled from the cursor on demand, so no buffer is kept.' })
    .define({ name: S.POLL_LINGER, type: 'LONG', defaultValue: 5000, importance: 'LOW', group: c, documentation: 'Accepted for compatibility: poll returns as soon as a batch is ready, and within about a second when idle.' })
    .define({ name: S.TABLES, type: 'STRING', defaultValue: '', importance: 'LOW', internal: true, documentation: 'Tables of this task (task config).' })
    .define({ name: S.TABLES_FETCHED, type: 'BOOLEAN', defaultValue: true, importance: 'LOW', internal: true, documentation: 'Whether the table list was known (task config).' });
}

/** Cross-key problems of a source config, as [key, message] pairs (Confluent's JdbcSourceConnectorValidation). */
export function sourceCrossKeyProblems(config: ConnectorConfig): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const has = (k: string): boolean => (config[k] ?? '').trim() !== '';
  const mode = (config[S.MODE] ?? '').trim();
  if (!has(CONNECTION_URL)) out.push([CONNECTION_URL, 'connection.url must be set']);
  if (mode === '') out.push([S.MODE, `mode must be one of ${MODES.join(', ')}`]);
  const query = has(S.QUERY) || has(S.QUERY_MASKED);
  if (has(S.QUERY) && has(S.QUERY_MASKED)) out.push([S.QUERY_MASKED, 'query and query.masked cannot both be set']);
  const legacy = [S.TABLE_WHITELIST, S.TABLE_BLACKLIST, S.INCREMENTING_COLUMN, S.TIMESTAMP_COLUMN].filter(has);
  const modern = [S.TABLE_INCLUDE_LIST, S.TABLE_EXCLUDE_LIST, S.INCREMENTING_MAPPING, S.TIMESTAMP_MAPPING].filter(has);
  if (legacy.length > 0 && modern.length > 0) {
    out.push([modern[0]!, `Cannot mix ${legacy.join(', ')} with ${modern.join(', ')}: use either the legacy keys or the include/exclude lists and column mappings`]);
  }
  if (has(S.TABLE_WHITELIST) && has(S.TABLE_BLACKLIST)) out.push([S.TABLE_BLACKLIST, 'table.whitelist and table.blacklist cannot both be set']);
  if (has(S.TABLE_EXCLUDE_LIST) && !has(S.TABLE_INCLUDE_LIST)) out.push([S.TABLE_EXCLUDE_LIST, 'table.exclude.list requires table.include.list']);
  if (query) {
    for (const k of [S.TABLE_WHITELIST, S.TABLE_BLACKLIST, S.TABLE_INCLUDE_LIST, S.TABLE_EXCLUDE_LIST]) {
      if (has(k)) out.push([k, `${k} cannot be used with query: a query connector reads only its query`]);
    }
  }
  if (mode === 'incrementing' || mode === 'timestamp+incrementing') {
    // an empty incrementing column means auto-detection (table mode) — a query needs the column named.
    if (query && !has(S.INCREMENTING_COLUMN)) out.push([S.INCREMENTING_COLUMN, `incrementing.column.name must be set for mode ${mode} with a query`]);
  }
  if ((mode === 'timestamp' || mode === 'timestamp+incrementing') && !has(S.TIMESTAMP_COLUMN) && !has(S.TIMESTAMP_MAPPING)) {
    out.push([S.TIMESTAMP_COLUMN, `timestamp.column.name must be set for mode ${mode}`]);
  }
  return out;
}

// ------------------------------------------------------------------------------------------ sink

export const K = {
  INSERT_MODE: 'insert.mode',
  BATCH_SIZE: 'batch.size',
  DELETE_ENABLED: 'delete.enabled',
  REPLACE_NULL_WITH_DEFAULT: 'replace.null.with.default',
  TABLE_NAME_FORMAT: 'table.name.format',
  PK_MODE: 'pk.mode',
  PK_FIELDS: 'pk.fields',
  FIELDS_WHITELIST: 'fields.whitelist',
  DATE_TIMEZONE: 'date.timezone',
  TIMESTAMP_FIELDS_LIST: 'timestamp.fields.list',
  TIMESTAMP_PRECISION_MODE: 'timestamp.precision.mode',
  STRING_OUTPUT_COLUMN: 'string.output.value.column.name',
  AUTO_CREATE: 'auto.create',
  AUTO_EVOLVE: 'auto.evolve',
  MSSQL_MERGE_HOLDLOCK: 'mssql.use.merge.holdlock',
  MAX_RETRIES: 'max.retries',
  RETRY_BACKOFF: 'retry.backoff.ms',
  TRIM_SENSITIVE_LOG: 'trim.sensitive.log',
} as const;

export const INSERT_MODES = ['insert', 'upsert', 'update'] as const;
export type InsertMode = (typeof INSERT_MODES)[number];
export const PK_MODES = ['none', 'kafka', 'record_key', 'record_value'] as const;
export type PkMode = (typeof PK_MODES)[number];

export function sinkConfigDef(): ConfigDef {
  const def = defineConnection(new ConfigDef(), true);
  const w = 'Writes';
  const d = 'Data Mapping';
  const ddl = 'DDL Support';
  const r = 'Retries';
  return def
    .define({ name: K.INSERT_MODE, type: 'STRING', defaultValue: 'insert', validator: Validators.inIgnoreCase(...INSERT_MODES), importance: 'HIGH', group: w, documentation: 'insert (plain INSERT; COPY on PostgreSQL), upsert (INSERT … ON CONFLICT / ON DUPLICATE KEY UPDATE) or update.' })
    .define({ name: K.BATCH_SIZE, type: 'INT', defaultValue: 3000, validator: Validators.atLeast(0), importance: 'MEDIUM', group: w, documentation: 'Records written per multi-row statement for each table.' })
    .define({ name: K.DELETE_ENABLED, type: 'BOOLEAN', defaultValue: false, importance: 'MEDIUM', group: w, documentation: 'Treat null record values (tombstones) as deletes. Requires pk.mode=record_key.' })
    .define({ name: TABLE_TYPES, type: 'LIST', defaultValue: 'TABLE', validator: Validators.list(Validators.inIgnoreCase('TABLE', 'VIEW', 'PARTITIONED TABLE')), importance: 'LOW', group: w, documentation: 'Table types the sink may write: TABLE, PARTITIONED TABLE, VIEW.' })
    .define({ name: K.REPLACE_NULL_WITH_DEFAULT, type: 'BOOLEAN', defaultValue: true, importance: 'LOW', group: w, documentation: 'Write a null field as its schema default when it has one.' })
    .define({ name: K.TABLE_NAME_FORMAT, type: 'STRING', defaultValue: '${topic}', validator: Validators.nonEmptyString(), importance: 'MEDIUM', group: d, documentation: 'Destination table name; ${topic} is replaced by the topic. May be schema-qualified.' })
    .define({ name: K.PK_MODE, type: 'STRING', defaultValue: 'none', validator: Validators.inIgnoreCase(...PK_MODES), importance: 'HIGH', group: d, documentation: 'none, kafka, record_key or record_value.' })
    .define({ name: K.PK_FIELDS, type: 'LIST', defaultValue: '', importance: 'MEDIUM', group: d, documentation: 'Primary key fields; meaning depends on pk.mode.' })
    .define({ name: K.FIELDS_WHITELIST, type: 'LIST', defaultValue: '', importance: 'MEDIUM', group: d, documentation: 'Value fields to write; empty means all.' })
    .define({ name: DB_TIMEZONE, type: 'STRING', defaultValue: 'UTC', validator: zoneValidator, importance: 'MEDIUM', group: d, documentation: 'Zone in which Connect timestamps are written into wall-clock columns (timestamp without time zone, DATETIME).' })
    .define({ name: K.DATE_TIMEZONE, type: 'STRING', defaultValue: 'DB_TIMEZONE', validator: Validators.in('DB_TIMEZONE', 'UTC'), importance: 'LOW', group: d, documentation: 'Zone for writing timestamps into DATE columns: DB_TIMEZONE (db.timezone) or UTC. Connect Date values are always written as their calendar day.' })
    .define({ name: K.TIMESTAMP_FIELDS_LIST, type: 'LIST', defaultValue: '', importance: 'LOW', group: d, documentation: 'Top-level INT64/STRING fields holding epoch micros or nanos to write as timestamps.' })
    .define({ name: K.TIMESTAMP_PRECISION_MODE, type: 'STRING', defaultValue: 'microseconds', validator: Validators.in('microseconds', 'nanoseconds'), importance: 'LOW', group: d, documentation: 'Unit of timestamp.fields.list values.' })
    .define({ name: DATE_CALENDAR_SYSTEM, type: 'STRING', defaultValue: 'LEGACY', validator: Validators.in('LEGACY', 'PROLEPTIC_GREGORIAN'), importance: 'LOW', group: d, documentation: 'Accepted for compatibility; dates are always proleptic Gregorian here.' })
    .define({ name: K.STRING_OUTPUT_COLUMN, type: 'STRING', defaultValue: 'record_value', importance: 'LOW', group: d, documentation: 'Column that receives records whose value schema is STRING.' })
    .define({ name: K.AUTO_CREATE, type: 'BOOLEAN', defaultValue: false, importance: 'MEDIUM', group: ddl, documentation: 'CREATE TABLE when the destination table is missing (needs records with schemas).' })
    .define({ name: K.AUTO_EVOLVE, type: 'BOOLEAN', defaultValue: false, importance: 'MEDIUM', group: ddl, documentation: 'ALTER TABLE … ADD missing columns (only optional or defaulted fields; never type changes or drops).' })
    .define({ name: QUOTE_SQL_IDENTIFIERS, type: 'STRING', defaultValue: 'always', validator: Validators.in('always', 'never'), importance: 'MEDIUM', group: ddl, documentation: 'When to quote table names, column names and other identifiers in SQL.' })
    .define({ name: K.MSSQL_MERGE_HOLDLOCK, type: 'BOOLEAN', defaultValue: true, importance: 'LOW', group: ddl, documentation: 'SQL Server only; ignored.' })
    .define({ name: K.MAX_RETRIES, type: 'INT', defaultValue: 10, validator: Validators.atLeast(0), importance: 'MEDIUM', group: r, documentation: 'Retries of a put that failed for a reason other than bad data.' })
    .define({ name: K.RETRY_BACKOFF, type: 'INT', defaultValue: 3000, validator: Validators.atLeast(0), importance: 'MEDIUM', group: r, documentation: 'Wait in ms before a retry.' })
    .define({ name: K.TRIM_SENSITIVE_LOG, type: 'BOOLEAN', defaultValue: false, importance: 'LOW', internal: true, documentation: 'Leave record values out of error messages.' });
}

export function sinkCrossKeyProblems(config: ConnectorConfig): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const pkMode = (config[K.PK_MODE] ?? 'none').trim().toLowerCase();
  const insertMode = (config[K.INSERT_MODE] ?? 'insert').trim().toLowerCase();
  if ((config[K.DELETE_ENABLED] ?? 'false').trim().toLowerCase() === 'true' && pkMode !== 'record_key') {
    out.push([K.DELETE_ENABLED, 'Primary key mode must be \'record_key\' when delete support is enabled']);
  }
  const pkFields = (config[K.PK_FIELDS] ?? '').split(',').map((f) => f.trim()).filter((f) => f !== '');
  if (pkMode === 'kafka' && pkFields.length !== 0 && pkFields.length !== 3) {
    // Confluent's FieldsMetadata refuses this when the first record arrives; the config alone decides it.
    out.push([K.PK_FIELDS, `PK mode is kafka so there should either be no field names defined for the defaults ` +
      `[__connect_topic, __connect_partition, __connect_offset] to be applicable, or exactly 3, defined fields are: [${pkFields.join(', ')}]`]);
  }
  if ((insertMode === 'upsert' || insertMode === 'update') && pkMode === 'none') {
    out.push([K.PK_MODE, `Insert mode ${insertMode} requires key field names to be known: set pk.mode to kafka, record_key or record_value`]);
  }
  return out;
}

/** Typed values of a config, or a ConnectException-worthy ConfigException naming the first bad key. */
export function parseOrThrow(def: ConfigDef, config: ConnectorConfig, problems: Array<[string, string]>): Record<string, unknown> {
  const values = def.parse(config);
  if (problems.length > 0) {
    const [key, message] = problems[0]!;
    throw new ConfigException(key, config[key] ?? '', message);
  }
  return values;
}
