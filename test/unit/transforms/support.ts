import { Headers, SinkRecord, SourceRecord, type ConnectRecord, type Schema } from '../../../src/data/index.js';
import { createPredicate, createTransformation, type Predicate, type Transformation } from '../../../src/transforms/index.js';

export interface RecordParts {
  topic?: string;
  partition?: number | null;
  keySchema?: Schema | null;
  key?: unknown;
  valueSchema?: Schema | null;
  value?: unknown;
  timestamp?: number | null;
  headers?: Headers;
}

export function sourceRecord(p: RecordParts = {}): SourceRecord {
  return new SourceRecord({
    topic: p.topic ?? 'topic',
    kafkaPartition: p.partition ?? null,
    keySchema: p.keySchema ?? null,
    key: p.key ?? null,
    valueSchema: p.valueSchema ?? null,
    value: p.value ?? null,
    timestamp: p.timestamp ?? null,
    headers: p.headers ?? new Headers(),
    sourcePartition: { db: 'x' },
    sourceOffset: { pos: 1 },
  });
}

export function sinkRecord(p: RecordParts & { offset?: number } = {}): SinkRecord {
  return new SinkRecord({
    topic: p.topic ?? 'topic',
    kafkaPartition: p.partition ?? 0,
    keySchema: p.keySchema ?? null,
    key: p.key ?? null,
    valueSchema: p.valueSchema ?? null,
    value: p.value ?? null,
    timestamp: p.timestamp ?? null,
    headers: p.headers ?? new Headers(),
    kafkaOffset: p.offset ?? 42,
  });
}

const PKG = 'org.apache.kafka.connect.transforms.';

/** A configured transform by its Kafka class name without the package, e.g. `Cast$Value`. */
export function xform<R extends ConnectRecord = SourceRecord>(name: string, config: Record<string, unknown> = {}): Transformation<R> {
  return createTransformation<R>(PKG + name, config);
}

export function predicate<R extends ConnectRecord = SourceRecord>(name: string, config: Record<string, unknown> = {}): Predicate<R> {
  return createPredicate<R>(`${PKG}predicates.${name}`, config);
}

/** Applies and asserts the record was not dropped. */
export function run<R extends ConnectRecord>(t: Transformation<R>, r: R): R {
  const out = t.apply(r);
  if (out === null) throw new Error('record was dropped');
  return out;
}
