/**
 * `timestamp.extractor`: Wallclock (system time when written), Record (the Kafka record timestamp), RecordField
 * (a value field named by `timestamp.field`, dot paths allowed: a Connect Timestamp/Date, epoch-ms INT32/INT64,
 * or a string of digits or ISO-8601; schemaless maps too).
 */
import { ConfigException } from '../../api/index.js';
import { DataException, type SinkRecord } from '../../../data/index.js';
import { fieldByPath } from './field-path.js';

export interface TimestampExtractor {
  readonly kind: 'Wallclock' | 'Record' | 'RecordField';
  extract(record: SinkRecord, nowMs: number): number;
}

const PREFIX = 'io.confluent.connect.storage.partitioner.TimeBasedPartitioner$';

export function timestampExtractorKind(name: string): TimestampExtractor['kind'] {
  const n = name.trim();
  const simple = n.startsWith(PREFIX) ? n.slice(PREFIX.length).replace(/TimestampExtractor$/, '') : n;
  if (simple === 'Wallclock' || simple === 'Record' || simple === 'RecordField') return simple;
  throw new ConfigException('timestamp.extractor', name, 'must be Wallclock, Record or RecordField (or their TimeBasedPartitioner$…TimestampExtractor class names)');
}

export function timestampExtractor(name: string, field: string): TimestampExtractor {
  const kind = timestampExtractorKind(name);
  switch (kind) {
    case 'Wallclock':
      return { kind, extract: (_r, now) => now };
    case 'Record':
      return {
        kind,
        extract: (r) => {
          if (r.timestamp === null) {
            throw new DataException('the record has no timestamp (timestamp.extractor=Record)', { topic: r.topic, partition: r.kafkaPartition ?? -1, offset: r.kafkaOffset });
          }
          return r.timestamp;
        },
      };
    case 'RecordField':
      return { kind, extract: (r) => fieldTimestamp(r, field) };
  }
}

function fieldTimestamp(r: SinkRecord, field: string): number {
  const ctx = { topic: r.topic, partition: r.kafkaPartition ?? -1, offset: r.kafkaOffset, path: field };
  const got = fieldByPath(r.value, field);
  if (!got.found) throw new DataException(`the value has no field '${field}' (timestamp.field)`, ctx);
  const v = got.value;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    if (/^\d+$/.test(v)) return Number(v);
    const t = Date.parse(v);
    if (!Number.isNaN(t)) return t;
    throw new DataException(`field '${field}' is not a timestamp: '${v}'`, ctx);
  }
  throw new DataException(`field '${field}' is ${v === null ? 'null' : typeof v}; it needs to be a Timestamp, a number of ms or a date string`, ctx);
}
