/**
 * Connect value → Avro datum, as AvroData.fromConnectData builds the Java object Avro then writes: logical types
 * to their stored form, INT8/INT16 to int, enums to symbols of the Avro enum, fixed bytes (decimals sign-extended
 * to the fixed size), string-keyed maps in Java HashMap order, other maps as MapEntry records, structs as records
 * of the Avro record the schema maps to, union structs as their first non-null field.
 *
 * A datum is a plain value whose Java class is described by its Shape (records are arrays in field order, union
 * structs `{ i, v }` with the index of the field taken); write-datum.ts writes it with an Avro schema. Compiled
 * once per Connect schema; errors name the field path.
 */
import { DataException } from '../errors.js';
import { schemaEquals } from '../equality.js';
import type { Schema } from '../schema.js';
import { Struct } from '../struct.js';
import { className, isUnionStruct, toStoredLogical } from './from-connect-default.js';
import { isDecimalName, isFixedSchema } from './from-connect-schema.js';
import { javaHashMapOrder } from './java-hash-map.js';
import {
  AVRO_TYPE_ENUM, CONNECT_AVRO_FIXED_SIZE_PROP, DEFAULT_SCHEMA_FULL_NAME, GENERALIZED_TYPE_ENUM, KEY_FIELD, VALUE_FIELD,
  maybeScrub, scrubFullName,
} from './names.js';
import type { AvroDataSettings } from './options.js';
import { fullNameOf, schemaName, unionIndexNamed, type AvroNode } from './schema-node.js';
import { connectMemberFieldName, unionMemberFieldName } from './union-branch.js';

export type Shape =
  | { readonly k: 'int' | 'long' | 'float' | 'double' | 'boolean' | 'string' | 'bytes' }
  | { readonly k: 'fixed' | 'enum'; readonly name: string }
  | { readonly k: 'array'; items: Shape }
  | { readonly k: 'map'; values: Shape }
  | { readonly k: 'record'; readonly name: string; fields: { readonly name: string; shape: Shape }[] }
  | { readonly k: 'choice'; readonly options: readonly Shape[] };

/** Java's `GenericData.getSchemaName` of a datum of this shape (the union branch it resolves to). */
export function shapeName(shape: Shape): string {
  return shape.k === 'fixed' || shape.k === 'enum' || shape.k === 'record' ? shape.name : shape.k;
}

export interface DatumConverter {
  readonly shape: Shape;
  /** The datum, or null. Throws DataException naming the field path. */
  readonly convert: (value: unknown) => unknown;
}

const INT_RANGES = { INT8: [-128, 127], INT16: [-32768, 32767], INT32: [-2147483648, 2147483647] } as const;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

function invalid(schema: Schema, value: unknown, path: string): never {
  throw new DataException(`Invalid type for ${schema.type}: ${className(value)}`, { path });
}

function childPath(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

/** AvroData's crossReferenceSchemaNames: does this union branch hold the Connect schema? */
function crossReference(schema: Schema, branch: AvroNode, s: AvroDataSettings): boolean {
  const full = schemaName(branch);
  return full === scrubFullName(schema.name, s.scrubInvalidNames) || branch.type === schema.type.toLowerCase() ||
    (schema.name === undefined && full.startsWith(DEFAULT_SCHEMA_FULL_NAME));
}

/** AvroData's avroSchemaForUnderlyingTypeIfOptional. */
export function underlying(schema: Schema, node: AvroNode, s: AvroDataSettings): AvroNode {
  if (!schema.optional) return node;
  if (node.type !== 'union') throw new DataException(`An optional schema should have an Avro Union type, not ${schema.type}`);
  return node.types.find((t) => t.type !== 'null' && crossReference(schema, t, s)) ?? node;
}

/** AvroData's avroSchemaForUnderlyingMapEntryType. */
function underlyingMapEntries(schema: Schema, node: AvroNode): AvroNode {
  if (!schema.optional) return node;
  if (node.type !== 'union') throw new DataException(`An optional schema should have an Avro Union type, not ${schema.type}`);
  return node.types.find((t) => t.type === 'array') ?? node;
}

function need<T extends AvroNode['type']>(node: AvroNode, type: T, path: string): Extract<AvroNode, { type: T }> {
  if (node.type !== type) throw new DataException(`Not ${type === 'array' ? 'an' : 'a'} ${type}: ${schemaName(node)}`, { path });
  return node as Extract<AvroNode, { type: T }>;
}

/** Sign-extends a decimal's two's-complement bytes to the fixed size (AvroData's padToFixedSize). */
export function padToFixedSize(bytes: Uint8Array, size: number, path: string): Uint8Array {
  if (bytes.length === size) return bytes;
  if (bytes.length > size) throw new DataException(`Unscaled value byte array length ${bytes.length} is greater than fixed size ${size}`, { path });
  const out = new Uint8Array(size).fill(bytes.length > 0 && bytes[0]! >= 0x80 ? 0xff : 0);
  out.set(bytes, size - bytes.length);
  return out;
}

export function entriesOf(value: unknown): [unknown, unknown][] | undefined {
  if (value instanceof Map) return [...value.entries()];
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Struct) && !(value instanceof Uint8Array)) {
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) return Object.entries(value);
  }
  return undefined;
}

/** The datum converter of Connect values of `schema` for the Avro schema AvroData gave it. */
export function datumConverter(schema: Schema, node: AvroNode, s: AvroDataSettings, path = ''): DatumConverter {
  const inner = nonNull(schema, node, s, path);
  const optional = schema.optional;
  return {
    shape: inner.shape,
    convert: (v) => {
      if (v === null || v === undefined) {
        if (!optional) throw new DataException('Found null value for non-optional schema', { path });
        return null;
      }
      return inner.convert(v);
    },
  };
}

function withLogical(schema: Schema, c: DatumConverter, path: string): DatumConverter {
  if (schema.name === undefined) return c;
  const conv = c.convert;
  switch (schema.name) {
    case 'org.apache.kafka.connect.data.Decimal':
    case 'org.apache.kafka.connect.data.Date':
    case 'org.apache.kafka.connect.data.Time':
    case 'org.apache.kafka.connect.data.Timestamp':
      return {
        shape: c.shape,
        convert: (v) => {
          let stored: unknown;
          try {
            stored = toStoredLogical(schema, v);
          } catch (e) {
            throw e instanceof DataException ? e.withContext({ path }) : e;
          }
          return conv(stored);
        },
      };
    default:
      return c;
  }
}

function nonNull(schema: Schema, node: AvroNode, s: AvroDataSettings, path: string): DatumConverter {
  return withLogical(schema, byType(schema, node, s, path), path);
}

function byType(schema: Schema, node: AvroNode, s: AvroDataSettings, path: string): DatumConverter {
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32': {
      const [lo, hi] = INT_RANGES[schema.type];
      return { shape: { k: 'int' }, convert: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi ? v : invalid(schema, v, path)) };
    }
    case 'INT64':
      return {
        shape: { k: 'long' },
        convert: (v) => {
          if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
          if (typeof v === 'bigint' && v >= LONG_MIN && v <= LONG_MAX) return v;
          return invalid(schema, v, path);
        },
      };
    case 'FLOAT32':
      return { shape: { k: 'float' }, convert: (v) => (typeof v === 'number' ? v : invalid(schema, v, path)) };
    case 'FLOAT64':
      return { shape: { k: 'double' }, convert: (v) => (typeof v === 'number' ? v : invalid(schema, v, path)) };
    case 'BOOLEAN':
      return { shape: { k: 'boolean' }, convert: (v) => (typeof v === 'boolean' ? v : invalid(schema, v, path)) };
    case 'STRING':
      return stringConverter(schema, node, s, path);
    case 'BYTES':
      return bytesConverter(schema, node, s, path);
    case 'ARRAY': {
      const list = need(underlying(schema, node, s), 'array', path);
      const item = datumConverter(schema.valueSchema!, list.items, s, `${path}[]`);
      return {
        shape: { k: 'array', items: item.shape },
        convert: (v) => (Array.isArray(v) ? v.map(item.convert) : invalid(schema, v, path)),
      };
    }
    case 'MAP':
      return mapConverter(schema, node, s, path);
    case 'STRUCT':
      return isUnionStruct(schema) ? unionConverter(schema, node, s, path) : structConverter(schema, node, s, path);
  }
}

function stringConverter(schema: Schema, node: AvroNode, s: AvroDataSettings, path: string): DatumConverter {
  const params = schema.parameters;
  const enumParam = s.generalizedSumTypeSupport && params?.has(GENERALIZED_TYPE_ENUM) ? GENERALIZED_TYPE_ENUM
    : s.enhancedSchemaSupport && params?.has(AVRO_TYPE_ENUM) ? AVRO_TYPE_ENUM : undefined;
  if (enumParam === undefined) {
    return { shape: { k: 'string' }, convert: (v) => (typeof v === 'string' ? v : invalid(schema, v, path)) };
  }
  const enumName = params!.get(enumParam)!;
  let enumNode = node;
  if (node.type === 'union') {
    const i = unionIndexNamed(node, enumName);
    if (i < 0) throw new DataException(`enum ${enumName} is not in the union ${node.types.map(schemaName).join(', ')}`, { path });
    enumNode = node.types[i]!;
  }
  return { shape: { k: 'enum', name: schemaName(enumNode) }, convert: (v) => (typeof v === 'string' ? v : invalid(schema, v, path)) };
}

function bytesConverter(schema: Schema, node: AvroNode, s: AvroDataSettings, path: string): DatumConverter {
  const check = (v: unknown): Uint8Array => (v instanceof Uint8Array ? v : invalid(schema, v, path));
  if (!isFixedSchema(schema)) return { shape: { k: 'bytes' }, convert: check };
  const size = Number(schema.parameters!.get(CONNECT_AVRO_FIXED_SIZE_PROP));
  let fixed: AvroNode | undefined = node;
  if (node.type === 'union') {
    fixed = undefined;
    node.types.forEach((t, i) => {
      if (t.type === 'fixed' && t.size === size && unionMemberFieldName(t, i, s) === connectMemberFieldName(schema, i, s)) fixed = t;
    });
    if (!fixed) throw new DataException(`Fixed size ${size} not in union ${node.types.map(schemaName).join(', ')}`, { path });
  }
  const decimal = isDecimalName(schema.name);
  return {
    shape: { k: 'fixed', name: schemaName(fixed) },
    convert: (v) => (decimal ? padToFixedSize(check(v), size, path) : check(v)),
  };
}

function mapConverter(schema: Schema, node: AvroNode, s: AvroDataSettings, path: string): DatumConverter {
  const key = schema.keySchema!;
  if (key.type === 'STRING' && (!key.optional || s.allowOptionalMapKeys)) {
    const map = need(underlying(schema, node, s), 'map', path);
    const value = datumConverter(schema.valueSchema!, map.values, s, `${path}{}`);
    return {
      shape: { k: 'map', values: value.shape },
      convert: (v) => {
        const entries = entriesOf(v) ?? invalid(schema, v, path);
        const keys = entries.map(([k]) => (typeof k === 'string' ? k : invalid(key, k, `${path}{key}`)));
        return javaHashMapOrder(keys).map((i) => [keys[i], value.convert(entries[i]![1])]);
      },
    };
  }
  const list = need(underlyingMapEntries(schema, node), 'array', path);
  const entry = need(list.items, 'record', path);
  const keyField = entry.fields.findIndex((f) => f.name === KEY_FIELD);
  const valueField = entry.fields.findIndex((f) => f.name === VALUE_FIELD);
  if (keyField < 0 || valueField < 0 || entry.fields.length !== 2) throw new DataException(`${fullNameOf(entry)} is not a map entry record`, { path });
  const k = datumConverter(key, entry.fields[keyField]!.type, s, `${path}{key}`);
  const v = datumConverter(schema.valueSchema!, entry.fields[valueField]!.type, s, `${path}{}`);
  const fields = entry.fields.map((f, i) => ({ name: f.name, shape: i === keyField ? k.shape : v.shape }));
  return {
    shape: { k: 'array', items: { k: 'record', name: fullNameOf(entry), fields } },
    convert: (value) => {
      const entries = entriesOf(value) ?? invalid(schema, value, path);
      return entries.map(([kk, vv]) => {
        const rec = new Array<unknown>(fields.length).fill(null);
        rec[keyField] = k.convert(kk);
        rec[valueField] = v.convert(vv);
        return rec;
      });
    },
  };
}

function checkStruct(schema: Schema, v: unknown, path: string): Struct {
  if (!(v instanceof Struct)) return invalid(schema, v, path);
  if (v.schema !== schema && !schemaEquals(v.schema, schema)) throw new DataException('Mismatching struct schema', { path });
  return v;
}

function structConverter(schema: Schema, node: AvroNode, s: AvroDataSettings, path: string): DatumConverter {
  const rec = underlying(schema, node, s);
  if (rec.type !== 'record') throw new DataException(`Not a record: ${schemaName(rec)}`, { path });
  const fields = schema.fields.map((f) => {
    const name = maybeScrub(f.name, s.scrubInvalidNames);
    const pos = rec.fields.findIndex((af) => af.name === name);
    if (pos < 0) throw new DataException(`the Avro record ${fullNameOf(rec)} has no field ${name}`, { path: childPath(path, f.name) });
    return { field: f, pos, conv: datumConverter(f.schema, rec.fields[pos]!.type, s, childPath(path, f.name)) };
  });
  const shapeFields = rec.fields.map((af, pos) => {
    const mapped = fields.find((f) => f.pos === pos);
    if (!mapped) throw new DataException(`Field ${af.name} not set and has no default value`, { path: childPath(path, af.name) });
    return { name: af.name, shape: mapped.conv.shape };
  });
  const size = rec.fields.length;
  const ignoreDefaults = s.ignoreDefaultForNullables;
  return {
    shape: { k: 'record', name: fullNameOf(rec), fields: shapeFields },
    convert: (v) => {
      const struct = checkStruct(schema, v, path);
      const out = new Array<unknown>(size).fill(null);
      for (const { field, pos, conv } of fields) out[pos] = conv.convert(ignoreDefaults ? struct.getWithoutDefault(field) : struct.get(field));
      return out;
    },
  };
}

function unionConverter(schema: Schema, node: AvroNode, s: AvroDataSettings, path: string): DatumConverter {
  const options = schema.fields.map((f) => datumConverter(f.schema, node, s, childPath(path, f.name)));
  const ignoreDefaults = s.ignoreDefaultForNullables;
  const optional = schema.optional;
  return {
    shape: { k: 'choice', options: options.map((o) => o.shape) },
    convert: (v) => {
      const struct = checkStruct(schema, v, path);
      for (let i = 0; i < options.length; i++) {
        const f = schema.fields[i]!;
        const x = ignoreDefaults ? struct.getWithoutDefault(f) : struct.get(f);
        if (x !== null && x !== undefined) return { i, v: options[i]!.convert(x) };
      }
      if (!optional) throw new DataException('Found null value for non-optional schema', { path });
      return null;
    },
  };
}
