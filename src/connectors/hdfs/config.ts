/**
 * Every config key of Confluent's HDFS sink (HdfsSinkConnectorConfig + storage-common's storage, partitioner
 * and Hive keys) with Confluent's defaults, plus a few Sluice keys (documented as such). A Confluent config runs
 * unchanged; keys for features that are not here (Hive, Kerberos) are accepted and refused only when turned on.
 */
import { ConfigDef, ConfigException, Validators, type ConfigValue, type ConnectorConfig } from '../api/index.js';
import { AVRO_FORMAT_CLASS, checkAvroCodec } from './formats/avro-codecs.js';
import type { Format } from './formats/format.js';
import { JSON_FORMAT_CLASS, JsonFormat } from './formats/json-format.js';
import { PARQUET_FORMAT_CLASS, parquetCodecOf } from './formats/parquet-codecs.js';
import { STRING_FORMAT_CLASS, StringFormat } from './formats/string-format.js';
import { createPartitioner, partitionerKind, type PartitionerSettings } from './partitioner/partitioner.js';
import { parseZone, type Zone } from './partitioner/time.js';
import { timestampExtractorKind } from './partitioner/timestamp-extractor.js';
import { parseCompatibility, type SchemaCompatibility } from './schema-compat.js';
import { HDFS_STORAGE_CLASS, storageKind } from './storage/index.js';

export const FORMAT_CLASSES: Record<string, string> = {
  [AVRO_FORMAT_CLASS]: 'avro',
  [PARQUET_FORMAT_CLASS]: 'parquet',
  [JSON_FORMAT_CLASS]: 'json',
  [STRING_FORMAT_CLASS]: 'string',
  // storage-common's format package (used by the S3/GCS sinks) names the same formats.
  'io.confluent.connect.storage.format.avro.AvroFormat': 'avro',
  'io.confluent.connect.storage.format.parquet.ParquetFormat': 'parquet',
  AvroFormat: 'avro',
  ParquetFormat: 'parquet',
  JsonFormat: 'json',
  StringFormat: 'string',
};

export function formatKind(cls: string): 'avro' | 'parquet' | 'json' | 'string' {
  const k = FORMAT_CLASSES[cls.trim()];
  if (k) return k as 'avro' | 'parquet' | 'json' | 'string';
  if (/OrcFormat$/.test(cls.trim())) throw new ConfigException('format.class', cls, 'ORC output is not supported; use Avro, Parquet, JSON or String');
  throw new ConfigException('format.class', cls, `unknown format; use one of ${AVRO_FORMAT_CLASS}, ${PARQUET_FORMAT_CLASS}, ${JSON_FORMAT_CLASS}, ${STRING_FORMAT_CLASS}`);
}

const G_HDFS = 'HDFS';
const G_STORAGE = 'Storage';
const G_CONNECTOR = 'Connector';
const G_PARTITIONER = 'Partitioner';
const G_HIVE = 'Hive';
const G_SLUICE = 'Sluice';

function checked(describe: string, test: (v: string) => void): ReturnType<typeof Validators.custom> {
  return Validators.custom(describe, (v) => {
    try {
      test(String(v));
      return undefined;
    } catch (e) {
      return e instanceof ConfigException ? e.reason : (e as Error).message;
    }
  });
}

export function hdfsSinkConfigDef(): ConfigDef {
  const d = new ConfigDef();
  let o = 0;
  // ----------------------------------------------------------------------------------------------- HDFS
  d.define({ name: 'hdfs.url', type: 'STRING', defaultValue: null, importance: 'HIGH', group: G_HDFS, orderInGroup: o++,
    documentation: 'The filesystem to write to (deprecated in favour of store.url; one of the two is required): hdfs://nn:8020/base (WebHDFS on the NameNode HTTP address from hadoop.conf.dir, default port 9870), webhdfs://nn:9870/base, http(s)://nn:9870/base, or file:///local/dir (a local or NFS/FUSE-mounted filesystem).' });
  d.define({ name: 'hadoop.conf.dir', type: 'STRING', defaultValue: '', importance: 'HIGH', group: G_HDFS, orderInGroup: o++,
    documentation: 'Directory with core-site.xml and hdfs-site.xml; dfs.namenode.http-address (and HA nameservices) are read from it.' });
  d.define({ name: 'hadoop.home', type: 'STRING', defaultValue: '', importance: 'HIGH', group: G_HDFS, orderInGroup: o++,
    documentation: 'Accepted for compatibility; not used.' });
  d.define({ name: 'logs.dir', type: 'STRING', defaultValue: 'logs', importance: 'HIGH', group: G_HDFS, orderInGroup: o++,
    documentation: 'Top-level directory of the write-ahead logs. ${topic} and ${n} (capture groups) are replaced.' });
  d.define({ name: 'topic.capture.groups.regex', type: 'STRING', defaultValue: null, importance: 'LOW', group: G_HDFS, orderInGroup: o++,
    documentation: 'A regex that must match the whole topic name; its groups fill ${0}, ${1}, … in topics.dir and logs.dir.',
    validator: Validators.custom('a regular expression', (v) => {
      try {
        new RegExp(String(v));
        return undefined;
      } catch (e) {
        return (e as Error).message;
      }
    }) });
  d.define({ name: 'hdfs.authentication.kerberos', type: 'BOOLEAN', defaultValue: false, importance: 'HIGH', group: G_HDFS, orderInGroup: o++,
    documentation: 'Kerberos (SPNEGO) is not supported; true is refused.' });
  d.define({ name: 'connect.hdfs.principal', type: 'STRING', defaultValue: '', importance: 'HIGH', group: G_HDFS, orderInGroup: o++, documentation: 'Accepted for compatibility; Kerberos is not supported.' });
  d.define({ name: 'connect.hdfs.keytab', type: 'STRING', defaultValue: '', importance: 'HIGH', group: G_HDFS, orderInGroup: o++, documentation: 'Accepted for compatibility; Kerberos is not supported.' });
  d.define({ name: 'hdfs.namenode.principal', type: 'STRING', defaultValue: '', importance: 'HIGH', group: G_HDFS, orderInGroup: o++, documentation: 'Accepted for compatibility; Kerberos is not supported.' });
  d.define({ name: 'kerberos.ticket.renew.period.ms', type: 'LONG', defaultValue: 3_600_000, importance: 'LOW', group: G_HDFS, orderInGroup: o++, documentation: 'Accepted for compatibility; Kerberos is not supported.' });

  // ----------------------------------------------------------------------------------------------- Storage
  o = 0;
  d.define({ name: 'store.url', type: 'STRING', defaultValue: null, importance: 'HIGH', group: G_STORAGE, orderInGroup: o++,
    documentation: 'The filesystem URL (preferred over hdfs.url); same forms as hdfs.url.' });
  d.define({ name: 'storage.class', type: 'CLASS', defaultValue: HDFS_STORAGE_CLASS, importance: 'HIGH', group: G_STORAGE, orderInGroup: o++,
    documentation: `${HDFS_STORAGE_CLASS} picks the backend from the URL scheme; io.sluice.connect.hdfs.storage.LocalStorage or io.sluice.connect.hdfs.storage.WebHdfsStorage force one.` });
  d.define({ name: 'topics.dir', type: 'STRING', defaultValue: 'topics', importance: 'HIGH', group: G_STORAGE, orderInGroup: o++,
    documentation: 'Top-level directory for the data. ${topic} and ${n} (capture groups) are replaced.' });
  d.define({ name: 'directory.delim', type: 'STRING', defaultValue: '/', importance: 'MEDIUM', group: G_STORAGE, orderInGroup: o++, documentation: 'Directory delimiter used in partition paths.' });
  d.define({ name: 'file.delim', type: 'STRING', defaultValue: '+', importance: 'MEDIUM', group: G_STORAGE, orderInGroup: o++, documentation: 'Accepted for compatibility; HDFS file names always use +.' });

  // ----------------------------------------------------------------------------------------------- Connector
  o = 0;
  d.define({ name: 'format.class', type: 'CLASS', defaultValue: AVRO_FORMAT_CLASS, importance: 'HIGH', group: G_CONNECTOR, orderInGroup: o++,
    documentation: `Output format: ${AVRO_FORMAT_CLASS} (default), ${PARQUET_FORMAT_CLASS}, ${JSON_FORMAT_CLASS} or ${STRING_FORMAT_CLASS}.`,
    validator: checked('a supported format class', formatKind) });
  d.define({ name: 'flush.size', type: 'INT', importance: 'HIGH', group: G_CONNECTOR, orderInGroup: o++, validator: Validators.atLeast(1),
    documentation: 'Records (per Kafka partition, across its open files) that trigger a file commit.' });
  d.define({ name: 'rotate.interval.ms', type: 'LONG', defaultValue: -1, importance: 'HIGH', group: G_CONNECTOR, orderInGroup: o++,
    documentation: 'Commit when the timestamp extractor\'s time has moved this far since the last commit (-1: off). With Record/RecordField extractors Confluent only checks this when new records arrive; here an idle partition is also committed once this much wall-clock time has passed since its last record (see rotate.interval.on.idle).' });
  d.define({ name: 'rotate.schedule.interval.ms', type: 'LONG', defaultValue: -1, importance: 'MEDIUM', group: G_CONNECTOR, orderInGroup: o++,
    documentation: 'Commit on a wall-clock schedule aligned to midnight in timezone (-1: off). Requires timezone.' });
  d.define({ name: 'retry.backoff.ms', type: 'LONG', defaultValue: 5000, importance: 'LOW', group: G_CONNECTOR, orderInGroup: o++, validator: Validators.atLeast(0),
    documentation: 'Pause after a failed write or recovery before trying again.' });
  d.define({ name: 'shutdown.timeout.ms', type: 'LONG', defaultValue: 3000, importance: 'MEDIUM', group: G_CONNECTOR, orderInGroup: o++, documentation: 'Accepted for compatibility (Hive is not supported).' });
  d.define({ name: 'filename.offset.zero.pad.width', type: 'INT', defaultValue: 10, importance: 'LOW', group: G_CONNECTOR, orderInGroup: o++, validator: Validators.atLeast(0),
    documentation: 'Zero-padding of the offsets in file names.' });
  d.define({ name: 'schemas.cache.config', type: 'INT', defaultValue: 1000, importance: 'LOW', group: G_CONNECTOR, orderInGroup: o++, validator: Validators.atLeast(1),
    documentation: 'Converted schemas kept in the cache.' });
  d.define({ name: 'enhanced.avro.schema.support', type: 'BOOLEAN', defaultValue: true, importance: 'LOW', group: G_CONNECTOR, orderInGroup: o++,
    documentation: 'Keep Avro enums (io.confluent.connect.avro.Enum parameters) as enums.' });
  d.define({ name: 'connect.meta.data', type: 'BOOLEAN', defaultValue: true, importance: 'LOW', group: G_CONNECTOR, orderInGroup: o++,
    documentation: 'Add connect.name/version/doc/parameters properties to the Avro schema.' });
  d.define({ name: 'avro.codec', type: 'STRING', defaultValue: null, importance: 'LOW', group: G_CONNECTOR, orderInGroup: o++,
    documentation: 'Avro block compression: null (none), deflate or snappy. bzip2 is refused.',
    validator: Validators.inIgnoreCase('null', 'deflate', 'snappy', 'bzip2') });
  d.define({ name: 'parquet.codec', type: 'STRING', defaultValue: 'snappy', importance: 'LOW', group: G_CONNECTOR, orderInGroup: o++,
    documentation: 'Parquet compression: none, snappy, gzip, zstd (Node.js >= 22.15), brotli. (Confluent\'s HDFS sink ignores this key and always uses snappy.)',
    validator: Validators.custom('(case insensitive) [none, snappy, gzip, zstd, brotli]', (v) => {
      const codec = String(v).trim().toLowerCase();
      if (codec === 'lz4' || codec === 'lzo') return `${String(v)} is not supported by this sink; use snappy, gzip, zstd, brotli or none`;
      return ['none', 'uncompressed', 'snappy', 'gzip', 'zstd', 'brotli'].includes(codec)
        ? undefined
        : 'String must be one of (case insensitive): none, snappy, gzip, zstd, brotli';
    }) });
  d.define({ name: 'allow.optional.map.keys', type: 'BOOLEAN', defaultValue: false, importance: 'LOW', group: G_CONNECTOR, orderInGroup: o++,
    documentation: 'Accepted for compatibility (optional map keys are written as MapEntry arrays, as AvroData does).' });
  d.define({ name: 'schema.compatibility', type: 'STRING', defaultValue: 'NONE', importance: 'HIGH', group: G_CONNECTOR, orderInGroup: o++,
    documentation: 'What a schema change does: NONE rolls files on any change; BACKWARD/FULL project older records into the newest schema; FORWARD projects newer records into the oldest.',
    validator: Validators.inIgnoreCase('NONE', 'BACKWARD', 'FORWARD', 'FULL') });

  // ----------------------------------------------------------------------------------------------- Partitioner
  o = 0;
  d.define({ name: 'partitioner.class', type: 'CLASS', defaultValue: 'io.confluent.connect.storage.partitioner.DefaultPartitioner', importance: 'HIGH', group: G_PARTITIONER, orderInGroup: o++,
    documentation: 'DefaultPartitioner, FieldPartitioner, TimeBasedPartitioner, DailyPartitioner or HourlyPartitioner (io.confluent.connect.storage.partitioner.*, or the deprecated io.confluent.connect.hdfs.partitioner.* names).',
    validator: checked('a supported partitioner class', partitionerKind) });
  d.define({ name: 'partition.field.name', type: 'LIST', defaultValue: '', importance: 'MEDIUM', group: G_PARTITIONER, orderInGroup: o++,
    documentation: 'Fields for FieldPartitioner (dot paths reach nested fields).' });
  d.define({ name: 'partition.duration.ms', type: 'LONG', defaultValue: -1, importance: 'MEDIUM', group: G_PARTITIONER, orderInGroup: o++,
    documentation: 'Bucket length of TimeBasedPartitioner.' });
  d.define({ name: 'path.format', type: 'STRING', defaultValue: '', importance: 'MEDIUM', group: G_PARTITIONER, orderInGroup: o++,
    documentation: "Joda-Time pattern of TimeBasedPartitioner directories, e.g. 'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH." });
  d.define({ name: 'locale', type: 'STRING', defaultValue: '', importance: 'MEDIUM', group: G_PARTITIONER, orderInGroup: o++,
    documentation: 'Locale of time-based partitioners (e.g. en-US).' });
  d.define({ name: 'timezone', type: 'STRING', defaultValue: '', importance: 'MEDIUM', group: G_PARTITIONER, orderInGroup: o++,
    documentation: 'Time zone of time-based partitioners and scheduled rotation (e.g. UTC, America/New_York, +05:30).' });
  d.define({ name: 'timestamp.extractor', type: 'STRING', defaultValue: 'Wallclock', importance: 'MEDIUM', group: G_PARTITIONER, orderInGroup: o++,
    documentation: 'Wallclock, Record or RecordField.', validator: checked('Wallclock, Record or RecordField', timestampExtractorKind) });
  d.define({ name: 'timestamp.field', type: 'STRING', defaultValue: 'timestamp', importance: 'MEDIUM', group: G_PARTITIONER, orderInGroup: o++,
    documentation: 'The value field RecordField reads (dot paths allowed).' });

  // ----------------------------------------------------------------------------------------------- Hive
  o = 0;
  d.define({ name: 'hive.integration', type: 'BOOLEAN', defaultValue: false, importance: 'HIGH', group: G_HIVE, orderInGroup: o++, documentation: 'Hive integration is not supported; true is refused.' });
  d.define({ name: 'hive.metastore.uris', type: 'STRING', defaultValue: '', importance: 'HIGH', group: G_HIVE, orderInGroup: o++, documentation: 'Accepted for compatibility.' });
  d.define({ name: 'hive.conf.dir', type: 'STRING', defaultValue: '', importance: 'HIGH', group: G_HIVE, orderInGroup: o++, documentation: 'Accepted for compatibility.' });
  d.define({ name: 'hive.home', type: 'STRING', defaultValue: '', importance: 'HIGH', group: G_HIVE, orderInGroup: o++, documentation: 'Accepted for compatibility.' });
  d.define({ name: 'hive.database', type: 'STRING', defaultValue: 'default', importance: 'HIGH', group: G_HIVE, orderInGroup: o++, documentation: 'Accepted for compatibility.' });
  d.define({ name: 'hive.table.name', type: 'STRING', defaultValue: '${topic}', importance: 'LOW', group: G_HIVE, orderInGroup: o++, documentation: 'Accepted for compatibility.' });

  // ----------------------------------------------------------------------------------------------- Sluice
  o = 0;
  d.define({ name: 'parquet.row.group.max.rows', type: 'INT', defaultValue: 100_000, importance: 'LOW', group: G_SLUICE, orderInGroup: o++, validator: Validators.atLeast(1),
    documentation: '(Sluice) Rows buffered per Parquet row group before it is encoded and written.' });
  d.define({ name: 'parquet.row.group.max.bytes', type: 'LONG', defaultValue: 64 * 1024 * 1024, importance: 'LOW', group: G_SLUICE, orderInGroup: o++, validator: Validators.atLeast(1024),
    documentation: '(Sluice) Approximate in-memory bytes buffered per Parquet row group before it is written.' });
  d.define({ name: 'behavior.on.null.values', type: 'STRING', defaultValue: 'ignore', importance: 'LOW', group: G_SLUICE, orderInGroup: o++,
    validator: Validators.inIgnoreCase('ignore', 'fail'),
    documentation: '(Sluice, as the S3 sink) Records with a null value (tombstones): ignore (skip them) or fail.' });
  d.define({ name: 'rotate.interval.on.idle', type: 'BOOLEAN', defaultValue: true, importance: 'LOW', group: G_SLUICE, orderInGroup: o++,
    documentation: '(Sluice) With rotate.interval.ms and a Record/RecordField extractor, also commit a partition whose last record arrived rotate.interval.ms ago by the wall clock (fixes files stuck in +tmp on idle topics, kafka-connect-hdfs #329).' });
  d.define({ name: 'webhdfs.user', type: 'STRING', defaultValue: '', importance: 'LOW', group: G_SLUICE, orderInGroup: o++,
    documentation: '(Sluice) user.name for WebHDFS simple authentication; default HADOOP_USER_NAME or the OS user.' });
  d.define({ name: 'webhdfs.write.chunk.bytes', type: 'INT', defaultValue: 8 * 1024 * 1024, importance: 'LOW', group: G_SLUICE, orderInGroup: o++, validator: Validators.atLeast(64 * 1024),
    documentation: '(Sluice) Bytes buffered per WebHDFS CREATE/APPEND request.' });
  return d;
}

export interface HdfsSinkSettings {
  readonly url: string;
  readonly storageClass: string;
  readonly hadoopConfDir: string;
  readonly topicsDir: string;
  readonly logsDir: string;
  readonly captureRegex: RegExp | null;
  readonly formatClass: string;
  readonly flushSize: number;
  readonly rotateIntervalMs: number;
  readonly rotateScheduleIntervalMs: number;
  readonly scheduleZone: Zone | null;
  readonly retryBackoffMs: number;
  readonly zeroPadWidth: number;
  readonly schemaCacheSize: number;
  readonly enhancedAvroSchemaSupport: boolean;
  readonly connectMetaData: boolean;
  readonly avroCodec: string;
  readonly parquetCodec: string;
  readonly compatibility: SchemaCompatibility;
  readonly partitioner: PartitionerSettings;
  readonly parquetRowGroupMaxRows: number;
  readonly parquetRowGroupMaxBytes: number;
  readonly behaviorOnNullValues: 'ignore' | 'fail';
  readonly rotateOnIdle: boolean;
  readonly webhdfsUser: string;
  readonly webhdfsChunkBytes: number;
}

const URL_FORMS = 'file:///dir, hdfs://namenode:8020/dir, webhdfs://namenode:9870/dir or http(s)://namenode:9870/dir';

/**
 * Why `hdfs.url` / `store.url` cannot name a filesystem, or undefined: what the storage would otherwise refuse
 * (or, for `file://host/path`, silently misread as `/path`) only when the first task starts.
 */
export function filesystemUrlProblem(url: string): string | undefined {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return url.startsWith('/') ? undefined : `not a URL nor an absolute path: use ${URL_FORMS}`;
  if (scheme === 'file') {
    const m = /^file:(?:\/\/([^/]*))?(.*)$/is.exec(url)!;
    const authority = m[1] ?? '';
    if (authority !== '' && authority.toLowerCase() !== 'localhost') {
      return `'${authority}' is read as a host name; a local directory needs three slashes, as in file:///${authority}${m[2]}`;
    }
    return m[2]!.startsWith('/') ? undefined : 'a file URL needs an absolute path, as in file:///data';
  }
  if (!['hdfs', 'webhdfs', 'swebhdfs', 'http', 'https'].includes(scheme)) return undefined; // storageKind names the scheme
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `not a valid URL: use ${URL_FORMS}`;
  }
  if (u.hostname === '') return `names no host: use ${scheme}://namenode:port/dir`;
  return undefined;
}

/** Parses and cross-checks a config; throws the first ConfigException. */
export function parseHdfsSinkConfig(props: ConnectorConfig): HdfsSinkSettings {
  const v = hdfsSinkConfigDef().parse(props);
  const str = (k: string): string => (v[k] === null || v[k] === undefined ? '' : String(v[k]));
  const url = (str('store.url') || str('hdfs.url')).trim();
  if (url === '') throw new ConfigException('hdfs.url', null, 'one of store.url or hdfs.url is required (e.g. hdfs://namenode:8020 or file:///data)');
  const urlKey = str('store.url').trim() !== '' ? 'store.url' : 'hdfs.url';
  const urlProblem = filesystemUrlProblem(url);
  if (urlProblem) throw new ConfigException(urlKey, url, urlProblem);
  storageKind(url, str('storage.class'));
  if (v['hive.integration'] === true) throw new ConfigException('hive.integration', true, 'Hive integration is not supported by this sink');
  if (v['hdfs.authentication.kerberos'] === true) throw new ConfigException('hdfs.authentication.kerberos', true, 'Kerberos authentication is not supported by this sink');
  const formatClass = str('format.class');
  const kind = formatKind(formatClass);
  const avroCodec = str('avro.codec') || 'null';
  if (kind === 'avro') checkAvroCodec(avroCodec);
  const parquetCodec = str('parquet.codec') || 'snappy';
  if (kind === 'parquet') parquetCodecOf(parquetCodec);
  const partitioner: PartitionerSettings = {
    partitionerClass: str('partitioner.class'),
    directoryDelim: str('directory.delim') || '/',
    partitionFieldNames: (v['partition.field.name'] as string[] | null) ?? [],
    partitionDurationMs: Number(v['partition.duration.ms']),
    pathFormat: str('path.format'),
    locale: str('locale'),
    timezone: str('timezone'),
    timestampExtractor: str('timestamp.extractor'),
    timestampField: str('timestamp.field'),
  };
  // Confluent's PartitionerConfig checks the zone id whatever the partitioner (Java's ZoneId.of).
  if (partitioner.timezone.trim() !== '') parseZone(partitioner.timezone);
  createPartitioner(partitioner); // throws the partitioner's own config errors
  const rotateScheduleIntervalMs = Number(v['rotate.schedule.interval.ms']);
  let scheduleZone: Zone | null = null;
  if (rotateScheduleIntervalMs > 0) {
    if (partitioner.timezone.trim() === '') {
      throw new ConfigException('rotate.schedule.interval.ms', rotateScheduleIntervalMs, 'scheduled rotation needs timezone to be set');
    }
    scheduleZone = parseZone(partitioner.timezone);
  }
  const captureRaw = str('topic.capture.groups.regex');
  return {
    url,
    storageClass: str('storage.class'),
    hadoopConfDir: str('hadoop.conf.dir'),
    topicsDir: str('topics.dir'),
    logsDir: str('logs.dir'),
    captureRegex: captureRaw ? new RegExp(`^(?:${captureRaw})$`) : null,
    formatClass,
    flushSize: Number(v['flush.size']),
    rotateIntervalMs: Number(v['rotate.interval.ms']),
    rotateScheduleIntervalMs,
    scheduleZone,
    retryBackoffMs: Number(v['retry.backoff.ms']),
    zeroPadWidth: Number(v['filename.offset.zero.pad.width']),
    schemaCacheSize: Number(v['schemas.cache.config']),
    enhancedAvroSchemaSupport: v['enhanced.avro.schema.support'] === true,
    connectMetaData: v['connect.meta.data'] === true,
    avroCodec,
    parquetCodec,
    compatibility: parseCompatibility(str('schema.compatibility')),
    partitioner,
    parquetRowGroupMaxRows: Number(v['parquet.row.group.max.rows']),
    parquetRowGroupMaxBytes: Number(v['parquet.row.group.max.bytes']),
    behaviorOnNullValues: str('behavior.on.null.values').toLowerCase() === 'fail' ? 'fail' : 'ignore',
    rotateOnIdle: v['rotate.interval.on.idle'] === true,
    webhdfsUser: str('webhdfs.user'),
    webhdfsChunkBytes: Number(v['webhdfs.write.chunk.bytes']),
  };
}

/** Per-key validation plus the cross-key checks, reported on the key they are about. */
export function validateHdfsSinkConfig(props: ConnectorConfig): Map<string, ConfigValue> {
  const result = hdfsSinkConfigDef().validate(props);
  if ([...result.values()].some((c) => c.errorMessages.length > 0)) return result;
  try {
    parseHdfsSinkConfig(props);
  } catch (e) {
    if (!(e instanceof ConfigException)) throw e;
    const key = e.key ?? 'hdfs.url';
    const cv = result.get(key);
    if (cv) cv.errorMessages.push(e.message);
    else result.set(key, { name: key, value: props[key] ?? null, recommendedValues: [], errorMessages: [e.message], visible: true });
  }
  return result;
}

/** The format of the settings; Avro's and Parquet's libraries load here, with the first task that writes them. */
export async function createFormat(s: HdfsSinkSettings): Promise<Format> {
  const data = { connectMetaData: s.connectMetaData, enhancedSchemaSupport: s.enhancedAvroSchemaSupport };
  switch (formatKind(s.formatClass)) {
    case 'avro': {
      const { AvroFormat } = await import('./formats/avro-format.js');
      return new AvroFormat({ ...data, codec: s.avroCodec, cacheSize: s.schemaCacheSize });
    }
    case 'parquet': {
      const { ParquetFormat } = await import('./formats/parquet-format.js');
      return new ParquetFormat({ ...data, codec: s.parquetCodec, rowGroupMaxRows: s.parquetRowGroupMaxRows, rowGroupMaxBytes: s.parquetRowGroupMaxBytes });
    }
    case 'json':
      return new JsonFormat();
    case 'string':
      return new StringFormat();
  }
}
