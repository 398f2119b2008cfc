/**
 * Which columns a record writes (Confluent's FieldsMetadata): key columns by `pk.mode` / `pk.fields`, value columns
 * filtered by `fields.whitelist`, and how to pull each column's value out of a record. Records with schemas (Struct,
 * or a STRING value) and schemaless records (a Map or plain object from JsonConverter with schemas off) are both
 * accepted; a schemaless record's columns are its value's keys, matched to the existing table's columns by name.
 */
import { Schema, SchemaBuilder, Struct, type Field, type SinkRecord } from '../../../data/index.js';
import type { PkMode } from '../config.js';
import { Instant } from '../util/temporal.js';

export const KAFKA_COLUMNS = ['__connect_topic', '__connect_partition', '__connect_offset'] as const;
const KAFKA_SCHEMAS = [Schema.STRING, Schema.INT32, Schema.INT64];

export interface ShapeColumn {
  /** Field name; the table column is matched to it exactly, then case-insensitively. */
  name: string;
  /** Connect schema, or null for schemaless values. */
  schema: Schema | null;
  isKey: boolean;
  get: (r: SinkRecord) => unknown;
}

export interface Shape {
  /** Records with equal ids share statements. */
  id: string;
  schemaless: boolean;
  keyColumns: ShapeColumn[];
  nonKeyColumns: ShapeColumn[];
  /** Column order for CREATE TABLE: __connect_* first, then value fields in schema order, then other key fields by name. */
  createOrder: ShapeColumn[];
}

export interface ShapeConfig {
  pkMode: PkMode;
  pkFields: string[];
  fieldsWhitelist: string[];
  replaceNullWithDefault: boolean;
  stringValueColumn: string;
  /** Fields (INT64/STRING epoch micros or nanos) written as timestamps: their schema becomes Timestamp. */
  timestampFields: Set<string>;
  timestampPrecision: 'microseconds' | 'nanoseconds';
}

/** A problem with one record (it goes to the errant record reporter or fails the task naming the record). */
export class RecordShapeError extends Error {
  override readonly name = 'RecordShapeError';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Struct) && !(v instanceof Uint8Array) &&
    !(v instanceof Date) && (v instanceof Map || Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);
}

function entryNames(v: unknown): string[] {
  if (v instanceof Map) return [...v.keys()].map(String);
  return Object.keys(v as object);
}

function entryGetter(name: string): (container: unknown) => unknown {
  return (c) => {
    if (c instanceof Map) return c.has(name) ? c.get(name) : null;
    const v = (c as Record<string, unknown>)[name];
    return v === undefined ? null : v;
  };
}

const schemaIds = new WeakMap<Schema, number>();
let nextSchemaId = 1;
function schemaId(s: Schema | null): string {
  if (!s) return '-';
  let id = schemaIds.get(s);
  if (id === undefined) schemaIds.set(s, (id = nextSchemaId++));
  return String(id);
}

/** The shape of a write (non-null value) record. */
export function writeShape(r: SinkRecord, cfg: ShapeConfig, cache: Map<string, Shape>): Shape {
  const value = r.value;
  const vs = r.valueSchema;
  const schemaless = vs === null;
  let cacheKey: string;
  if (!schemaless) {
    cacheKey = `s:${schemaId(r.keySchema)}:${schemaId(vs)}:${cfg.pkMode === 'record_key' && !r.keySchema ? keyShapeKey(r.key) : ''}`;
  } else {
    if (!isPlainObject(value)) {
      throw new RecordShapeError(`Schemaless record value must be a map/object (JSON with schemas.enable=false), got ${describe(value)}`);
    }
    cacheKey = `m:${schemaId(r.keySchema)}:${keyShapeKey(r.key)}:${entryNames(value).join('\u0000')}`;
  }
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  const shape = buildWriteShape(r, cfg, cacheKey);
  if (cache.size > 1000) cache.clear();
  cache.set(cacheKey, shape);
  return shape;
}

function keyShapeKey(key: unknown): string {
  if (key === null || key === undefined) return 'null';
  if (isPlainObject(key)) return `{${entryNames(key).join('\u0000')}}`;
  return typeof key;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Struct) return 'a Struct';
  return typeof v === 'object' ? (v as object).constructor?.name ?? 'an object' : `a ${typeof v}`;
}

function withTimestamp(name: string, schema: Schema | null, cfg: ShapeConfig): Schema | null {
  if (!cfg.timestampFields.has(name)) return schema;
  const b = SchemaBuilder.int64().name('org.apache.kafka.connect.data.Timestamp').version(1);
  if (schema?.optional ?? true) b.optional();
  return b.build();
}

/** For `timestamp.fields.list` fields: epoch micros/nanos (number, bigint or digits) → an exact Instant. */
function epochTimestamp(name: string, get: (r: SinkRecord) => unknown, cfg: ShapeConfig): (r: SinkRecord) => unknown {
  if (!cfg.timestampFields.has(name)) return get;
  const perSecond = cfg.timestampPrecision === 'nanoseconds' ? 1_000_000_000n : 1_000_000n;
  return (r) => {
    const v = get(r);
    if (v === null || v === undefined) return null;
    let n: bigint;
    try {
      n = BigInt(typeof v === 'string' ? v.trim() : (v as number | bigint));
    } catch {
      throw new RecordShapeError(`Field ${name} is in timestamp.fields.list but holds ${describe(v)} '${String(v)}', not epoch ${cfg.timestampPrecision}`);
    }
    let seconds = n / perSecond;
    let frac = n % perSecond;
    if (frac < 0n) { frac += perSecond; seconds -= 1n; }
    return new Instant(Number(seconds), Number(frac) * (perSecond === 1_000_000n ? 1000 : 1));
  };
}

function keyColumns(r: SinkRecord, cfg: ShapeConfig): ShapeColumn[] {
  switch (cfg.pkMode) {
    case 'none':
      return [];
    case 'kafka': {
      const names = cfg.pkFields.length === 0 ? [...KAFKA_COLUMNS] : cfg.pkFields;
      if (names.length !== 3) {
        throw new RecordShapeError(`PK mode for table is kafka so there should either be no field names defined for defaults ${KAFKA_COLUMNS.join(',')} to be applicable, or exactly 3, defined fields are: ${names.join(',')}`);
      }
      return [
        { name: names[0]!, schema: KAFKA_SCHEMAS[0]!, isKey: true, get: (x) => x.topic },
        { name: names[1]!, schema: KAFKA_SCHEMAS[1]!, isKey: true, get: (x) => x.kafkaPartition },
        { name: names[2]!, schema: KAFKA_SCHEMAS[2]!, isKey: true, get: (x) => (x as SinkRecord).kafkaOffset },
      ];
    }
    case 'record_key': {
      const ks = r.keySchema;
      const key = r.key;
      if (key === null || key === undefined) throw new RecordShapeError('Record key is null but pk.mode is record_key');
      if (ks && ks.type === 'STRUCT') {
        const fields = cfg.pkFields.length === 0 ? ks.fields : cfg.pkFields.map((n) => {
          const f = ks.field(n);
          if (!f) throw new RecordShapeError(`PK field ${n} is not in the key schema ${ks}; key fields: ${ks.fields.map((x) => x.name).join(', ')}`);
          return f;
        });
        return fields.map((f: Field) => ({ name: f.name, schema: f.schema, isKey: true, get: (x) => (x.key as Struct).get(f) }));
      }
      if (!ks && isPlainObject(key)) {
        const names = cfg.pkFields.length === 0 ? entryNames(key) : cfg.pkFields;
        for (const n of names) {
          if (!entryNames(key).includes(n)) throw new RecordShapeError(`PK field ${n} is not in the record key; key fields: ${entryNames(key).join(', ')}`);
        }
        return names.map((n) => {
          const g = entryGetter(n);
          return { name: n, schema: null, isKey: true, get: (x) => g(x.key) };
        });
      }
      if (ks && (ks.type === 'ARRAY' || ks.type === 'MAP')) throw new RecordShapeError(`Key schema must be primitive type or Struct, but is of type: ${ks.type}`);
      if (key instanceof Struct || Array.isArray(key)) throw new RecordShapeError(`Record key is ${describe(key)} without a key schema`);
      if (cfg.pkFields.length !== 1) {
        throw new RecordShapeError(`Need exactly one PK column defined since the key schema for records is a primitive type, defined columns are: ${cfg.pkFields.join(',')}`);
      }
      return [{ name: cfg.pkFields[0]!, schema: ks, isKey: true, get: (x) => x.key }];
    }
    case 'record_value':
      return []; // taken from the value below
  }
}

function buildWriteShape(r: SinkRecord, cfg: ShapeConfig, id: string): Shape {
  const vs = r.valueSchema;
  const keys = keyColumns(r, cfg);
  let valueCols: ShapeColumn[];
  if (vs && vs.type === 'STRING') {
    if (cfg.pkMode === 'record_value') throw new RecordShapeError('pk.mode record_value cannot be used with records whose value schema is STRING');
    valueCols = [{ name: cfg.stringValueColumn, schema: vs, isKey: false, get: (x) => x.value }];
  } else if (vs && vs.type === 'STRUCT') {
    if (!(r.value instanceof Struct)) throw new RecordShapeError(`Record value must be a Struct for its STRUCT schema, got ${describe(r.value)}`);
    valueCols = vs.fields.map((f) => {
      const get = cfg.replaceNullWithDefault ? (x: SinkRecord) => (x.value as Struct).get(f) : (x: SinkRecord) => (x.value as Struct).getWithoutDefault(f);
      return { name: f.name, schema: withTimestamp(f.name, f.schema, cfg), isKey: false, get: epochTimestamp(f.name, get, cfg) };
    });
  } else if (vs) {
    throw new RecordShapeError(`Value schema must be of type Struct or String, but is of type: ${vs.type}`);
  } else {
    valueCols = entryNames(r.value).map((n) => {
      const g = entryGetter(n);
      return { name: n, schema: withTimestamp(n, null, cfg), isKey: false, get: epochTimestamp(n, (x) => g(x.value), cfg) };
    });
  }
  let keyCols = keys;
  if (cfg.pkMode === 'record_value') {
    const names = cfg.pkFields.length === 0 ? valueCols.map((c) => c.name) : cfg.pkFields;
    keyCols = names.map((n) => {
      const c = valueCols.find((v) => v.name === n);
      if (!c) throw new RecordShapeError(`PK field ${n} is not in the record value; value fields: ${valueCols.map((v) => v.name).join(', ')}`);
      return { ...c, isKey: true };
    });
  }
  const keyNames = new Set(keyCols.map((k) => k.name));
  const whitelist = new Set(cfg.fieldsWhitelist);
  const nonKey = valueCols.filter((c) => !keyNames.has(c.name) && (whitelist.size === 0 || whitelist.has(c.name)));
  if (keyCols.length === 0 && nonKey.length === 0) throw new RecordShapeError('No fields found using key and value schemas');
  const kafka = cfg.pkMode === 'kafka' ? keyCols : [];
  const valueOrder = valueCols.filter((c) => keyNames.has(c.name) || nonKey.includes(c)).map((c) => keyCols.find((k) => k.name === c.name) ?? c);
  const restKeys = keyCols.filter((k) => !kafka.includes(k) && !valueOrder.includes(k)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    id,
    schemaless: vs === null,
    keyColumns: keyCols,
    nonKeyColumns: nonKey,
    createOrder: [...kafka, ...valueOrder, ...restKeys],
  };
}

/** The shape of a delete (tombstone) record: the record_key columns only. */
export function deleteShape(r: SinkRecord, cfg: ShapeConfig, cache: Map<string, Shape>): Shape {
  const cacheKey = `d:${schemaId(r.keySchema)}:${r.keySchema ? '' : keyShapeKey(r.key)}`;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  const keys = keyColumns(r, cfg);
  const shape: Shape = { id: cacheKey, schemaless: r.keySchema === null, keyColumns: keys, nonKeyColumns: [], createOrder: keys };
  cache.set(cacheKey, shape);
  return shape;
}
