/**
 * Connect default values as the JSON AvroData writes them: `connect.default` properties (AvroData's
 * defaultValueFromConnect) and Avro field defaults (the same JSON after Jackson's toObject/toJsonNode round,
 * checked the way Java Avro checks a field default).
 */
import { BigDecimal } from '../big-decimal.js';
import { DataException } from '../errors.js';
import { Decimal, LogicalDate, LogicalTime, LogicalTimestamp } from '../logical.js';
import type { Schema } from '../schema.js';
import { Struct } from '../struct.js';
import { JsonNumber, type Json, type JsonObject } from './json.js';
import { AVRO_FIELD_DEFAULT_FLAG_PROP, AVRO_TYPE_UNION, GENERALIZED_TYPE_UNION, maybeScrub } from './names.js';
import type { AvroDataSettings } from './options.js';
import type { AvroNode } from './schema-node.js';

export function isUnionStruct(schema: Schema): boolean {
  return schema.type === 'STRUCT' && (schema.name === AVRO_TYPE_UNION || !!schema.parameters?.has(GENERALIZED_TYPE_UNION));
}

/** Connect's logical value → its stored form (AvroData's TO_AVRO_LOGICAL_CONVERTERS, by exact name). */
export function toStoredLogical(schema: Schema, value: unknown): unknown {
  switch (schema.name) {
    case Decimal.LOGICAL_NAME:
      if (!(value instanceof BigDecimal)) throw invalidLogical('Decimal', 'BigDecimal', value);
      return Decimal.fromLogical(schema, value);
    case LogicalDate.LOGICAL_NAME:
      if (!(value instanceof Date)) throw invalidLogical('Date', 'Date', value);
      return LogicalDate.fromLogical(schema, value);
    case LogicalTime.LOGICAL_NAME:
      if (!(value instanceof Date)) throw invalidLogical('Time', 'Date', value);
      return LogicalTime.fromLogical(schema, value);
    case LogicalTimestamp.LOGICAL_NAME:
      if (!(value instanceof Date)) throw invalidLogical('Timestamp', 'Date', value);
      return LogicalTimestamp.fromLogical(schema, value);
    default:
      return value;
  }
}

export function className(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'Object';
  return typeof v;
}

function invalidLogical(type: string, expected: string, value: unknown): DataException {
  return new DataException(`Invalid type for ${type}, expected ${expected} but was ${className(value)}`);
}

/** Bytes as Avro's JSON encoding of bytes: each byte one ISO-8859-1 character. */
export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

function mapEntries(value: unknown): [unknown, unknown][] | undefined {
  if (value instanceof Map) return [...value.entries()];
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Struct) && !(value instanceof Uint8Array)) {
    return Object.entries(value);
  }
  return undefined;
}

/** AvroData's defaultValueFromConnect: the JSON of a Connect (default) value. */
export function defaultToJson(schema: Schema, value: unknown, s: AvroDataSettings): Json {
  if (value === null || value === undefined) return null;
  const v = toStoredLogical(schema, value);
  const bad = (): never => {
    throw new DataException(`Invalid type used for default value of ${schema.type} field: ${className(schema.defaultValue)}`);
  };
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32':
      return typeof v === 'number' && Number.isInteger(v) ? JsonNumber.int(v) : bad();
    case 'INT64':
      return typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)) ? JsonNumber.long(v) : bad();
    case 'FLOAT32':
      return typeof v === 'number' ? JsonNumber.float(v) : bad();
    case 'FLOAT64':
      return typeof v === 'number' ? JsonNumber.double(v) : bad();
    case 'BOOLEAN':
      return typeof v === 'boolean' ? v : bad();
    case 'STRING':
      return typeof v === 'string' ? v : bad();
    case 'BYTES':
      return v instanceof Uint8Array ? latin1(v) : bad();
    case 'ARRAY':
      return Array.isArray(v) ? v.map((e) => defaultToJson(schema.valueSchema!, e, s)) : bad();
    case 'MAP': {
      const entries = mapEntries(v) ?? bad();
      const key = schema.keySchema!;
      if (key.type === 'STRING' && (!key.optional || s.allowOptionalMapKeys)) {
        const out: JsonObject = new Map();
        for (const [k, e] of entries) out.set(typeof k === 'string' ? k : bad(), defaultToJson(schema.valueSchema!, e, s));
        return out;
      }
      return entries.map(([k, e]) => [defaultToJson(key, k, s), defaultToJson(schema.valueSchema!, e, s)]);
    }
    case 'STRUCT': {
      if (!(v instanceof Struct)) return bad();
      const union = isUnionStruct(schema);
      const out: JsonObject = new Map();
      for (const f of schema.fields) {
        const j = defaultToJson(f.schema, v.get(f), s);
        // Confluent returns the first branch's value for a union, whether or not it is the one set.
        if (union) return j;
        out.set(maybeScrub(f.name, s.scrubInvalidNames), j);
      }
      return out;
    }
  }
}

/** The JSON Java Avro keeps as a field default: JacksonUtils.toObject then toJsonNode (floats become doubles). */
export function asFieldDefault(j: Json): Json {
  if (j === null || typeof j !== 'object') return j;
  if (j instanceof JsonNumber) return j.kind === 'float' ? JsonNumber.double(Math.fround(Number(j.value))) : j;
  if (Array.isArray(j)) return j.map(asFieldDefault);
  const out: JsonObject = new Map();
  for (const [k, v] of j) out.set(k, asFieldDefault(v));
  return out;
}

/** Java Avro's `Schema.isValidDefault` (Avro 1.12: a union default may match any branch). */
export function isValidDefault(node: AvroNode, j: Json | undefined): boolean {
  if (j === undefined) return false;
  switch (node.type) {
    case 'string':
    case 'bytes':
    case 'enum':
    case 'fixed':
      return typeof j === 'string';
    case 'int':
      return j instanceof JsonNumber && j.fitsInt();
    case 'long':
      return j instanceof JsonNumber && j.fitsLong();
    case 'float':
    case 'double':
      return j instanceof JsonNumber;
    case 'boolean':
      return typeof j === 'boolean';
    case 'null':
      return j === null;
    case 'array':
      return Array.isArray(j) && j.every((e) => isValidDefault(node.items, e));
    case 'map':
      return j instanceof Map && [...j.values()].every((e) => isValidDefault(node.values, e));
    case 'union':
      return node.types.some((t) => isValidDefault(t, j));
    case 'record':
      return j instanceof Map && node.fields.every((f) => isValidDefault(f.type, j.has(f.name) ? j.get(f.name) : f.default));
  }
}

/** AvroData's parametersFromConnect: the connect.parameters object (without the field-default flag). */
export function parametersJson(params: ReadonlyMap<string, string>, s: AvroDataSettings): JsonObject {
  const out: JsonObject = new Map();
  for (const [k, v] of params) if (s.discardTypeDocDefault || k !== AVRO_FIELD_DEFAULT_FLAG_PROP) out.set(k, v);
  return out;
}
