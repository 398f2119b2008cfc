/**
 * `schema.compatibility` (storage-common's StorageSchemaCompatibility + SchemaProjector): when a record's value
 * schema differs from the schema of the files being written, either roll the files and switch to the record's
 * schema, or project the record into the current schema.
 * - NONE: any schema not equal to the current one rolls the files.
 * - BACKWARD / FULL: a record with a newer version (or one that cannot be projected) rolls the files; older
 *   records are projected into the current, newer schema (missing optional/defaulted fields filled, extra
 *   fields dropped, numbers promoted).
 * - FORWARD: a record with an older version (or not projectable) rolls the files; newer records are projected
 *   down into the current, older schema (their new fields are dropped — as Confluent does).
 * Non-NONE modes need schema versions; switching between schema-based and schemaless data is refused.
 */
import { ConfigException } from '../api/index.js';
import { DataException, SchemaException, Struct, schemaEquals, type Schema, type SinkRecord } from '../../data/index.js';

export type SchemaCompatibility = 'NONE' | 'BACKWARD' | 'FORWARD' | 'FULL';
export const SCHEMA_COMPATIBILITIES: readonly SchemaCompatibility[] = ['NONE', 'BACKWARD', 'FORWARD', 'FULL'];

export function parseCompatibility(v: string): SchemaCompatibility {
  const u = v.trim().toUpperCase();
  if ((SCHEMA_COMPATIBILITIES as readonly string[]).includes(u)) return u as SchemaCompatibility;
  throw new ConfigException('schema.compatibility', v, 'must be one of NONE, BACKWARD, FORWARD, FULL');
}

const NUMERIC = ['INT8', 'INT16', 'INT32', 'INT64', 'FLOAT32', 'FLOAT64'];

function promotable(from: string, to: string): boolean {
  const a = NUMERIC.indexOf(from);
  const b = NUMERIC.indexOf(to);
  return a >= 0 && b >= 0 && a <= b;
}

const META_PARAMS = ['connect.record.doc', 'connect.record.aliases', 'connect.record.namespace'];

function filteredParams(p: ReadonlyMap<string, string> | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of p ?? []) {
    if (META_PARAMS.includes(k) || k.startsWith('io.confluent.connect.avro.field.doc.')) continue;
    out.set(k, v);
  }
  return out;
}

function isEnum(s: Schema): boolean {
  const p = s.parameters;
  return !!p && (p.has('io.confluent.connect.avro.Enum') || p.has('org.apache.kafka.connect.data.Enum') || p.has('protobuf.type.enum'));
}

/** Throws a SchemaException when `source` values cannot be projected into `target`. */
export function checkProjectable(source: Schema, target: Schema, path = ''): void {
  if (source.type !== target.type && !promotable(source.type, target.type)) {
    throw new SchemaException(`schema type mismatch: source type ${source.type}, target type ${target.type}`, { path });
  }
  if ((source.name ?? null) !== (target.name ?? null)) {
    throw new SchemaException(`schema name mismatch: source ${source.name}, target ${target.name}`, { path });
  }
  if (source.parameters && target.parameters) {
    const sp = filteredParams(source.parameters);
    const tp = filteredParams(target.parameters);
    if (isEnum(source) && isEnum(target)) {
      for (const [k, v] of sp) if (tp.get(k) !== v) throw new SchemaException(`enum symbols of the source are not a subset of the target's`, { path });
    } else if (sp.size !== tp.size || [...sp].some(([k, v]) => tp.get(k) !== v)) {
      throw new SchemaException('schema parameters differ', { path });
    }
  }
  if (source.optional && !target.optional && (target.defaultValue === null || target.defaultValue === undefined)) {
    throw new SchemaException('the source is optional but the target is required without a default', { path });
  }
  switch (target.type) {
    case 'STRUCT':
      for (const tf of target.fields) {
        const sf = source.field(tf.name);
        const p = path ? `${path}.${tf.name}` : tf.name;
        if (sf) checkProjectable(sf.schema, tf.schema, p);
        else if (!tf.schema.optional && (tf.schema.defaultValue === null || tf.schema.defaultValue === undefined)) {
          throw new SchemaException(`required field ${tf.name} is missing from the source schema`, { path: p });
        }
      }
      break;
    case 'ARRAY':
      checkProjectable(source.valueSchema!, target.valueSchema!, `${path}[]`);
      break;
    case 'MAP':
      checkProjectable(source.keySchema!, target.keySchema!, `${path}{key}`);
      checkProjectable(source.valueSchema!, target.valueSchema!, `${path}{}`);
      break;
    default:
      break;
  }
}

function projectable(source: Schema, target: Schema): boolean {
  try {
    checkProjectable(source, target);
    return true;
  } catch {
    return false;
  }
}

/** Kafka's SchemaProjector.project, for Connect values. */
export function projectValue(source: Schema, value: unknown, target: Schema, path = ''): unknown {
  checkProjectable(source, target, path);
  return projectChecked(source, value, target, path);
}

function projectChecked(source: Schema, value: unknown, target: Schema, path: string): unknown {
  if (value === null || value === undefined) {
    if (source.optional && !target.optional) return target.defaultValue;
    return null;
  }
  switch (target.type) {
    case 'STRUCT': {
      const s = value as Struct;
      const out = new Struct(target);
      for (const tf of target.fields) {
        const sf = source.field(tf.name);
        const p = path ? `${path}.${tf.name}` : tf.name;
        if (sf) out.put(tf, projectChecked(sf.schema, s.get(sf), tf.schema, p));
        else if (tf.schema.defaultValue !== null && tf.schema.defaultValue !== undefined) out.put(tf, tf.schema.defaultValue);
      }
      return out;
    }
    case 'ARRAY':
      return (value as unknown[]).map((v) => projectChecked(source.valueSchema!, v, target.valueSchema!, `${path}[]`));
    case 'MAP': {
      const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as object);
      return new Map(entries.map(([k, v]) => [
        projectChecked(source.keySchema!, k, target.keySchema!, `${path}{key}`),
        projectChecked(source.valueSchema!, v, target.valueSchema!, `${path}{}`),
      ]));
    }
    default:
      if (source.type !== target.type && (typeof value === 'number' || typeof value === 'bigint')) {
        if (target.type === 'FLOAT32') return Math.fround(Number(value));
        if (target.type === 'FLOAT64') return Number(value);
      }
      return value;
  }
}

export class SchemaCompatibilityChecker {
  readonly mode: SchemaCompatibility;
  /** Schemas known to equal a given current schema (identity fast path). */
  #equalTo = new WeakMap<Schema, Schema>();

  constructor(mode: SchemaCompatibility) {
    this.mode = mode;
  }

  #equals(a: Schema, b: Schema): boolean {
    if (a === b || this.#equalTo.get(a) === b) return true;
    if (schemaEquals(a, b)) {
      this.#equalTo.set(a, b);
      return true;
    }
    return false;
  }

  /** Whether the files must roll and `recordSchema` become the current schema. */
  shouldChangeSchema(record: SinkRecord, current: Schema | null): boolean {
    const vs = record.valueSchema;
    if (vs === null && current === null) return false;
    const ctx = { topic: record.topic, partition: record.kafkaPartition ?? -1, offset: record.kafkaOffset };
    if (vs === null || current === null) throw new DataException('switching between schema-based and schemaless data is not supported', ctx);
    if (this.#equals(vs, current)) return false;
    if (this.mode === 'NONE') return true;
    if (vs.version === undefined || current.version === undefined) {
      throw new DataException(`schema version required for ${this.mode} compatibility (schema.compatibility=${this.mode})`, ctx);
    }
    if (this.mode === 'FORWARD') return vs.version < current.version || !projectable(vs, current);
    return vs.version > current.version || !projectable(vs, current);
  }

  /** The record as written into files of `current` (projected when the modes allow). */
  project(record: SinkRecord, current: Schema | null): SinkRecord {
    if (this.mode === 'NONE' || current === null || record.valueSchema === null) return record;
    if (this.#equals(record.valueSchema, current)) return record;
    try {
      const value = projectValue(record.valueSchema, record.value, current);
      return record.newRecord({ valueSchema: current, value });
    } catch (e) {
      if (e instanceof DataException) throw e.withContext({ topic: record.topic, partition: record.kafkaPartition ?? -1, offset: record.kafkaOffset });
      throw e;
    }
  }
}
