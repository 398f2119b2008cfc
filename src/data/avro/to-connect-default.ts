/**
 * Avro defaults → Connect default values, as AvroData's defaultValueFromAvro: a `connect.default` property is read
 * by the Avro type it sits on, a field default (already a Java object, see java-object.ts) by AvroData's value
 * conversion; then the logical type of the Connect schema applies. Throws DataException when the default does not
 * fit (the caller then drops it, as Confluent does).
 */
import { javaDoubleToString } from '../java-numbers.js';
import { DataException } from '../errors.js';
import { Decimal, LogicalDate, LogicalTime, LogicalTimestamp } from '../logical.js';
import type { Schema } from '../schema.js';
import { Struct } from '../struct.js';
import { isUnionStruct } from './from-connect-default.js';
import { JsonNumber, type Json } from './json.js';
import type { JavaObject } from './java-object.js';
import { maybeScrub } from './names.js';
import type { AvroDataSettings } from './options.js';
import type { AvroNode } from './schema-node.js';
import { isInstanceForSimpleSchema, unionMemberFieldName, type JavaClass } from './union-branch.js';

const MAX_DATE_MS = 8.64e15;

/** A Timestamp of `ms` milliseconds; JavaScript dates end at ±8.64e15 ms. */
export function timestampOf(ms: number | bigint): Date {
  const n = Number(ms);
  if (!(n >= -MAX_DATE_MS && n <= MAX_DATE_MS)) throw new DataException(`timestamp ${String(ms)} ms is outside the range of a JavaScript Date (±8.64e15 ms)`);
  return new Date(n);
}

/** AvroData's TO_CONNECT_LOGICAL_CONVERTERS by the schema's exact name. */
export function toConnectLogical(schema: Schema, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  switch (schema.name) {
    case Decimal.LOGICAL_NAME:
      if (!(value instanceof Uint8Array)) throw new DataException(`Invalid type for Decimal, underlying representation should be bytes but was ${typeof value}`);
      return Decimal.toLogical(schema, value);
    case LogicalDate.LOGICAL_NAME:
      if (typeof value !== 'number') throw new DataException('Invalid type for Date, underlying representation should be int32');
      return LogicalDate.toLogical(schema, value);
    case LogicalTime.LOGICAL_NAME:
      if (typeof value !== 'number') throw new DataException('Invalid type for Time, underlying representation should be int32');
      return LogicalTime.toLogical(schema, value);
    case LogicalTimestamp.LOGICAL_NAME:
      if (typeof value !== 'number' && typeof value !== 'bigint') throw new DataException('Invalid type for Timestamp, underlying representation should be int64');
      return timestampOf(value);
    default:
      return value;
  }
}

/** Java's `(int)` / `(short)` / `(byte)` of an int. */
export function narrowInt(v: number, bits: 8 | 16 | 32): number {
  return bits === 32 ? v | 0 : (v << (32 - bits)) >> (32 - bits);
}

function jsonLong(j: Json): number | bigint {
  return j instanceof JsonNumber ? (j.isIntegral ? j.toLong() : Math.trunc(j.toNumber())) : 0;
}

function jsonInt(j: Json): number {
  const l = jsonLong(j);
  return Number(BigInt.asIntN(32, BigInt(l)));
}

function jsonDouble(j: Json): number {
  return j instanceof JsonNumber ? j.toNumber() : 0;
}

/** Jackson's `asText()`. */
function jsonText(j: Json): string {
  if (typeof j === 'string') return j;
  if (j === null) return 'null';
  if (typeof j === 'boolean') return String(j);
  if (j instanceof JsonNumber) return j.isIntegral ? String(j.value) : javaDoubleToString(j.toNumber());
  return '';
}

/** Jackson's `asBoolean()`. */
function jsonBoolean(j: Json): boolean {
  if (typeof j === 'boolean') return j;
  if (typeof j === 'string') return j.trim() === 'true';
  if (j instanceof JsonNumber) return j.toNumber() !== 0;
  return false;
}

function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** A `connect.default` (or a field default taken from one) read by the Avro type it belongs to. */
export function defaultFromJson(schema: Schema, node: AvroNode, j: Json | undefined, s: AvroDataSettings): unknown {
  return toConnectLogical(schema, rawFromJson(schema, node, j, s));
}

function rawFromJson(schema: Schema, node: AvroNode, j: Json | undefined, s: AvroDataSettings): unknown {
  if (j === undefined || j === null) return null;
  switch (node.type) {
    case 'int':
      if (schema.type === 'INT8') return narrowInt(jsonInt(j), 8);
      if (schema.type === 'INT16') return narrowInt(jsonInt(j), 16);
      if (schema.type === 'INT32') return jsonInt(j);
      return null;
    case 'long':
      return jsonLong(j);
    case 'float':
      return Math.fround(jsonDouble(j));
    case 'double':
      return jsonDouble(j);
    case 'boolean':
      return jsonBoolean(j);
    case 'null':
      return null;
    case 'string':
    case 'enum':
      return jsonText(j);
    case 'bytes':
    case 'fixed':
      return typeof j === 'string' ? latin1Bytes(j) : null;
    case 'array':
      if (!Array.isArray(j)) throw new DataException('Invalid JSON for array default value');
      return j.map((e) => defaultFromJson(schema.valueSchema!, node.items, e, s));
    case 'map': {
      if (!(j instanceof Map)) throw new DataException('Invalid JSON for map default value');
      const out = new Map<string, unknown>();
      for (const [k, v] of j) out.set(k, defaultFromJson(schema.valueSchema!, node.values, v, s));
      return out;
    }
    case 'record': {
      if (!(j instanceof Map)) throw new DataException('Invalid JSON for record default value');
      if (schema.type !== 'STRUCT') throw new DataException(`a record default for a ${schema.type} schema`);
      const out = new Struct(schema);
      for (const f of node.fields) {
        const field = schema.field(f.name);
        if (!field) throw new DataException(`${f.name} is not a valid field name`);
        out.put(field, defaultFromJson(field.schema, f.type, j.get(f.name), s));
      }
      return out;
    }
    case 'union': {
      const first = node.types[0];
      if (first === undefined || first.type === 'null') return null;
      const field = schema.field(unionMemberFieldName(first, 0, s));
      if (!field) throw new DataException('no union field for the default');
      return defaultFromJson(field.schema, first, j, s);
    }
  }
}

/** The Java class of a parsed default, for the union branch match. */
function classOf(o: JavaObject): JavaClass {
  switch (o.t) {
    case 'int': return { k: 'Integer' };
    case 'long': return { k: 'Long' };
    case 'float': return { k: 'Float' };
    case 'double': return { k: 'Double' };
    case 'boolean': return { k: 'Boolean' };
    case 'string': return { k: 'CharSequence' };
    case 'bytes': return { k: 'byte[]', size: o.v.length };
    case 'list': return { k: 'Collection' };
    case 'map': return { k: 'Map' };
    case 'null': return { k: 'Other' };
  }
}

function invalidType(schema: Schema, o: JavaObject): DataException {
  return new DataException(`Invalid type for ${schema.type}: ${o.t}`);
}

/** A field default (a Java object) through AvroData's toConnectData, then the schema's logical type. */
export function defaultFromJava(schema: Schema, o: JavaObject | undefined, s: AvroDataSettings): unknown {
  return toConnectLogical(schema, rawFromJava(schema, o, s));
}

function rawFromJava(schema: Schema, o: JavaObject | undefined, s: AvroDataSettings): unknown {
  if (o === undefined) {
    if (!schema.optional) throw new DataException('Found null value for non-optional schema');
    return null;
  }
  if (o.t === 'null') return null;
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32':
      if (o.t !== 'int') throw invalidType(schema, o);
      return schema.type === 'INT32' ? o.v : narrowInt(o.v, schema.type === 'INT8' ? 8 : 16);
    case 'INT64':
      if (o.t !== 'long') throw invalidType(schema, o);
      return o.v;
    case 'FLOAT32':
      if (o.t !== 'float') throw invalidType(schema, o);
      return o.v;
    case 'FLOAT64':
      if (o.t !== 'double') throw invalidType(schema, o);
      return o.v;
    case 'BOOLEAN':
      if (o.t !== 'boolean') throw invalidType(schema, o);
      return o.v;
    case 'STRING':
      if (o.t !== 'string') throw invalidType(schema, o);
      return o.v;
    case 'BYTES':
      if (o.t !== 'bytes') throw invalidType(schema, o);
      return o.v;
    case 'ARRAY':
      if (o.t !== 'list') throw invalidType(schema, o);
      return o.v.map((e) => defaultFromJava(schema.valueSchema!, e, s));
    case 'MAP': {
      const key = schema.keySchema!;
      if (o.t !== 'map' || key.type !== 'STRING' || key.optional) throw invalidType(schema, o);
      const out = new Map<string, unknown>();
      for (const [k, v] of o.v) out.set(k, defaultFromJava(schema.valueSchema!, v, s));
      return out;
    }
    case 'STRUCT': {
      if (isUnionStruct(schema)) {
        const cls = classOf(o);
        for (const [i, f] of schema.fields.entries()) {
          if (isInstanceForSimpleSchema(f.schema, cls, i, s)) return new Struct(schema).put(f, defaultFromJava(f.schema, o, s));
        }
        throw new DataException('Did not find matching union field for data');
      }
      if (o.t !== 'map') throw invalidType(schema, o);
      const out = new Struct(schema);
      for (const f of schema.fields) {
        const name = maybeScrub(f.name, s.scrubInvalidNames);
        out.put(f, o.v.has(name) ? defaultFromJava(f.schema, o.v.get(name), s) : f.schema.defaultValue);
      }
      return out;
    }
  }
}
