/**
 * Connect value → the value avsc encodes for the HDFS sink's Avro files (the schema from `toAvroSchema`, avsc
 * compiled with unwrapped unions): structs → plain objects, Decimal → Buffer (two's complement; rescaled to the
 * schema's scale when no digit is lost; sign-extended to a fixed size), Date/Time → int, Timestamp → long,
 * BYTES → Buffer, maps → objects or MapEntry arrays, union structs → their first non-null field's value.
 * INT64 stays a number, or a bigint beyond 2^53 (written exactly through BIG_LONG). Errors name the field path.
 */
import { BigDecimal, bigintToTwosComplement } from '../big-decimal.js';
import { DataException } from '../errors.js';
import { schemaEquals } from '../equality.js';
import { Decimal, LogicalDate, LogicalTime, LogicalTimestamp } from '../logical.js';
import type { Schema } from '../schema.js';
import { Struct } from '../struct.js';
import { padToFixedSize } from './from-connect-datum.js';
import { isFixedSchema } from './from-connect-schema.js';
import { AVRO_TYPE_ENUM, AVRO_TYPE_UNION, CONNECT_AVRO_FIXED_SIZE_PROP } from './names.js';
import type { AvroDataOptions } from './options.js';

const MS_PER_DAY = 86_400_000;

function isEnum(s: Schema, ctx: { enhanced: boolean }): boolean {
  return ctx.enhanced && s.type === 'STRING' && !!s.parameters?.has(AVRO_TYPE_ENUM);
}

function rescale(schema: Schema, value: BigDecimal): BigDecimal {
  const scale = Decimal.scaleOf(schema);
  if (value.scale === scale) return value;
  try {
    return value.setScale(scale);
  } catch {
    throw new DataException(`decimal ${value.toString()} has scale ${value.scale}; the schema's scale is ${scale} and it does not fit without rounding`);
  }
}

export type ValueConverter = (value: unknown) => unknown;

/**
 * A converter from Connect values of `schema` to the values avsc encodes for `toAvroSchema(schema)`:
 * structs → plain objects, Decimal → Buffer (two's complement), Date/Time → int, Timestamp → long, BYTES →
 * Buffer, maps → objects or MapEntry arrays. Errors name the field path.
 */
export function avroValueConverter(schema: Schema, opts: AvroDataOptions = {}): ValueConverter {
  const enhanced = opts.enhancedSchemaSupport ?? true;
  return compile(schema, { enhanced }, '');
}

function fail(path: string, schema: Schema, value: unknown): never {
  const got = value === null ? 'null' : value instanceof Object ? value.constructor.name : typeof value;
  throw new DataException(`invalid value for ${schema.type}${schema.name ? ` (${schema.name})` : ''}: got ${got}`, { path });
}

function toBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

function compile(schema: Schema, ctx: { enhanced: boolean }, path: string): ValueConverter {
  const inner = compileRequired(schema, ctx, path);
  const optional = schema.optional;
  const dflt = schema.defaultValue;
  return (v) => {
    if (v === null || v === undefined) {
      if (dflt !== null && dflt !== undefined) return inner(dflt);
      if (optional) return null;
      throw new DataException(`a required ${schema.type} value is null`, { path });
    }
    return inner(v);
  };
}

function compileRequired(schema: Schema, ctx: { enhanced: boolean }, path: string): ValueConverter {
  if (schema.name === Decimal.LOGICAL_NAME && schema.type === 'BYTES') {
    const size = isFixedSchema(schema) ? Number(schema.parameters!.get(CONNECT_AVRO_FIXED_SIZE_PROP)) : undefined;
    return (v) => {
      if (!(v instanceof BigDecimal)) return v instanceof Uint8Array ? toBuffer(v) : fail(path, schema, v);
      const bytes = bigintToTwosComplement(rescale(schema, v).unscaled);
      return toBuffer(size === undefined ? bytes : padToFixedSize(bytes, size, path));
    };
  }
  if (schema.name === LogicalDate.LOGICAL_NAME && schema.type === 'INT32') {
    return (v) => (v instanceof Date ? Math.floor(v.getTime() / MS_PER_DAY) : typeof v === 'number' ? v : fail(path, schema, v));
  }
  if (schema.name === LogicalTime.LOGICAL_NAME && schema.type === 'INT32') {
    return (v) => (v instanceof Date ? v.getTime() : typeof v === 'number' ? v : fail(path, schema, v));
  }
  if (schema.name === LogicalTimestamp.LOGICAL_NAME && schema.type === 'INT64') {
    return (v) => (v instanceof Date ? v.getTime() : typeof v === 'number' || typeof v === 'bigint' ? v : fail(path, schema, v));
  }
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32':
    case 'FLOAT32':
    case 'FLOAT64':
      return (v) => (typeof v === 'number' ? v : fail(path, schema, v));
    case 'INT64':
      return (v) => (typeof v === 'number' || typeof v === 'bigint' ? v : fail(path, schema, v));
    case 'BOOLEAN':
      return (v) => (typeof v === 'boolean' ? v : fail(path, schema, v));
    case 'STRING':
      if (isEnum(schema, ctx)) return (v) => (typeof v === 'string' ? v : fail(path, schema, v));
      return (v) => (typeof v === 'string' ? v : fail(path, schema, v));
    case 'BYTES':
      return (v) => (v instanceof Uint8Array ? toBuffer(v) : fail(path, schema, v));
    case 'ARRAY': {
      const el = compile(schema.valueSchema!, ctx, `${path}[]`);
      return (v) => {
        if (!Array.isArray(v)) return fail(path, schema, v);
        const out = new Array<unknown>(v.length);
        for (let i = 0; i < v.length; i++) out[i] = el(v[i]);
        return out;
      };
    }
    case 'MAP': {
      const key = schema.keySchema!;
      const val = compile(schema.valueSchema!, ctx, `${path}{}`);
      if (key.type === 'STRING' && !key.optional) {
        return (v) => {
          const out = Object.create(null) as Record<string, unknown>;
          if (v instanceof Map) {
            for (const [k, x] of v) {
              if (typeof k !== 'string') fail(`${path}{key}`, key, k);
              out[k] = val(x);
            }
          } else if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
            for (const k of Object.keys(v)) out[k] = val((v as Record<string, unknown>)[k]);
          } else return fail(path, schema, v);
          return out;
        };
      }
      const k = compile(key, ctx, `${path}{key}`);
      return (v) => {
        const entries = v instanceof Map ? [...v.entries()] : typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.entries(v) : fail(path, schema, v);
        return entries.map(([kk, vv]) => ({ key: k(kk), value: val(vv) }));
      };
    }
    case 'STRUCT': {
      if (schema.name === AVRO_TYPE_UNION) {
        const branches = schema.fields.map((f) => ({ f, conv: compileRequired(f.schema, ctx, path ? `${path}.${f.name}` : f.name) }));
        return (v) => {
          if (!(v instanceof Struct)) return fail(path, schema, v);
          for (const { f, conv } of branches) {
            const x = v.get(f);
            if (x !== null && x !== undefined) return conv(x);
          }
          return null;
        };
      }
      const fields = schema.fields.map((f) => ({ f, name: f.name, conv: compile(f.schema, ctx, path ? `${path}.${f.name}` : f.name) }));
      const sameSchemas = new WeakSet<Schema>([schema]);
      return (v) => {
        if (!(v instanceof Struct)) return fail(path, schema, v);
        if (!sameSchemas.has(v.schema)) {
          if (!schemaEquals(v.schema, schema)) {
            throw new DataException(`the struct's schema ${v.schema} differs from the writer's ${schema}`, { path });
          }
          sameSchemas.add(v.schema);
        }
        const out: Record<string, unknown> = {};
        for (const { f, name, conv } of fields) out[name] = conv(v.get(f));
        return out;
      };
    }
  }
}
