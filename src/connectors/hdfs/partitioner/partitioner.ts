/**
 * storage-common's partitioners: where a record goes below `<topics.dir>/<topic>/`.
 * - DefaultPartitioner: `partition=<kafkaPartition>`
 * - FieldPartitioner: `<f1>=<v1>/<f2>=<v2>` from `partition.field.name` (dot paths reach nested fields)
 * - TimeBasedPartitioner: the start of the record's `partition.duration.ms` bucket in `timezone`, formatted
 *   with `path.format`; DailyPartitioner / HourlyPartitioner fix the duration and the format.
 */
import { ConfigException } from '../../api/index.js';
import { DataException, Struct, type SinkRecord } from '../../../data/index.js';
import { compileJodaPattern, parseZone, partitionStart, type Zone } from './time.js';
import { timestampExtractor, type TimestampExtractor } from './timestamp-extractor.js';
import { fieldByPath } from './field-path.js';

export interface Partitioner {
  /** The encoded partition of a record (`partition=3`, `year=2024/month=05`). */
  encodePartition(record: SinkRecord, nowMs: number): string;
  /** `<topic><delim><encodedPartition>` */
  generatePartitionedPath(topic: string, encodedPartition: string): string;
  /** The extractor time-based partitioners use (rotation by `rotate.interval.ms` uses it too); Wallclock otherwise. */
  readonly timestampExtractor: TimestampExtractor | undefined;
}

export interface PartitionerSettings {
  readonly partitionerClass: string;
  readonly directoryDelim: string;
  readonly partitionFieldNames: readonly string[];
  readonly partitionDurationMs: number;
  readonly pathFormat: string;
  readonly locale: string;
  readonly timezone: string;
  readonly timestampExtractor: string;
  readonly timestampField: string;
}

export type PartitionerKind = 'default' | 'field' | 'time' | 'daily' | 'hourly';

const KINDS: Record<string, PartitionerKind> = {
  DefaultPartitioner: 'default',
  FieldPartitioner: 'field',
  TimeBasedPartitioner: 'time',
  DailyPartitioner: 'daily',
  HourlyPartitioner: 'hourly',
};

export const PARTITIONER_CLASSES = [
  ...Object.keys(KINDS).map((k) => `io.confluent.connect.storage.partitioner.${k}`),
  ...Object.keys(KINDS).map((k) => `io.confluent.connect.hdfs.partitioner.${k}`),
];

/** The partitioner kind for a class name (storage-common, the deprecated hdfs aliases, or the simple name). */
export function partitionerKind(cls: string): PartitionerKind {
  const name = cls.trim();
  const simple = name.slice(name.lastIndexOf('.') + 1);
  const kind = KINDS[simple];
  const pkg = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : '';
  if (!kind || (pkg !== '' && pkg !== 'io.confluent.connect.storage.partitioner' && pkg !== 'io.confluent.connect.hdfs.partitioner')) {
    throw new ConfigException('partitioner.class', cls, `unknown partitioner; use one of ${PARTITIONER_CLASSES.slice(0, 5).join(', ')} (or the io.confluent.connect.hdfs.partitioner aliases)`);
  }
  return kind;
}

export const DAILY_PATH_FORMAT = "'year'=YYYY/'month'=MM/'day'=dd";
export const HOURLY_PATH_FORMAT = "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH";

export function createPartitioner(s: PartitionerSettings): Partitioner {
  const delim = s.directoryDelim;
  const path = (topic: string, enc: string): string => topic + delim + enc;
  switch (partitionerKind(s.partitionerClass)) {
    case 'default':
      return {
        encodePartition: (r) => `partition=${r.kafkaPartition}`,
        generatePartitionedPath: path,
        timestampExtractor: undefined,
      };
    case 'field': {
      const names = s.partitionFieldNames.map((n) => n.trim()).filter((n) => n !== '');
      if (names.length === 0) throw new ConfigException('partition.field.name', '', 'FieldPartitioner needs at least one field name');
      return {
        encodePartition: (r) => names.map((n) => `${n}=${fieldPartitionValue(r, n)}`).join(delim),
        generatePartitionedPath: path,
        timestampExtractor: undefined,
      };
    }
    case 'time':
    case 'daily':
    case 'hourly': {
      const kind = partitionerKind(s.partitionerClass);
      const duration = kind === 'daily' ? 86_400_000 : kind === 'hourly' ? 3_600_000 : s.partitionDurationMs;
      const format = kind === 'daily' ? DAILY_PATH_FORMAT : kind === 'hourly' ? HOURLY_PATH_FORMAT : s.pathFormat;
      if (kind === 'time') {
        if (!(duration > 0)) throw new ConfigException('partition.duration.ms', duration, 'TimeBasedPartitioner needs a partition.duration.ms > 0');
        if (format.trim() === '') throw new ConfigException('path.format', format, 'TimeBasedPartitioner needs a path.format');
      }
      if (s.locale.trim() === '') throw new ConfigException('locale', s.locale, 'time-based partitioners need a locale (e.g. en-US)');
      if (s.timezone.trim() === '') throw new ConfigException('timezone', s.timezone, 'time-based partitioners need a timezone (e.g. UTC)');
      const zone: Zone = parseZone(s.timezone);
      // A trailing delimiter in path.format is stripped, as storage-common does.
      const trimmedFormat = format.endsWith(delim) ? format.slice(0, -delim.length) : format;
      const fmt = compileJodaPattern(trimmedFormat, s.locale);
      const extractor = timestampExtractor(s.timestampExtractor, s.timestampField);
      return {
        encodePartition: (r, now) => {
          const ts = extractor.extract(r, now);
          if (ts === null || ts === undefined || !Number.isFinite(ts)) {
            throw new DataException(`the timestamp extractor gave no timestamp for this record`, { topic: r.topic, partition: r.kafkaPartition ?? -1, offset: r.kafkaOffset });
          }
          return fmt(partitionStart(duration, ts, zone), zone);
        },
        generatePartitionedPath: path,
        timestampExtractor: extractor,
      };
    }
  }
}

function fieldPartitionValue(r: SinkRecord, name: string): string {
  const ctx = { topic: r.topic, partition: r.kafkaPartition ?? -1, offset: r.kafkaOffset, path: name };
  const v = r.value;
  if (!(v instanceof Struct) && !(v instanceof Map) && (typeof v !== 'object' || v === null || Array.isArray(v))) {
    throw new DataException('FieldPartitioner needs a Struct (or map) value', ctx);
  }
  const got = fieldByPath(v, name);
  if (!got.found) throw new DataException(`the value has no field '${name}' (partition.field.name)`, ctx);
  const x = got.value;
  if (x === null || x === undefined) return 'null';
  if (got.schemaType !== undefined && !['INT8', 'INT16', 'INT32', 'INT64', 'STRING', 'BOOLEAN'].includes(got.schemaType)) {
    throw new DataException(`FieldPartitioner supports INT8-INT64, STRING and BOOLEAN fields; '${name}' is ${got.schemaType}`, ctx);
  }
  if (typeof x === 'string' || typeof x === 'boolean' || typeof x === 'bigint') return String(x);
  if (typeof x === 'number' && Number.isInteger(x)) return String(x);
  throw new DataException(`FieldPartitioner supports integer, string and boolean values; '${name}' is ${typeof x}`, ctx);
}
