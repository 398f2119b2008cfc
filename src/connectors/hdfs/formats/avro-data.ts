/**
 * Connect schema → Avro schema and Connect value → Avro value, as Confluent's AvroData (connect.meta.data and
 * enhanced.avro.schema.support on by default):
 * - struct → record named by the schema name (namespace + name); unnamed → io.confluent.connect.avro.ConnectDefault
 *   (the next unnamed ones ConnectDefault2, 3, … so one schema never defines a name twice);
 * - INT8/INT16 → int with `connect.type`; INT32 int; INT64 long; FLOAT32 float; FLOAT64 double; BYTES bytes;
 *   STRING string, or an Avro enum when the parameters carry io.confluent.connect.avro.Enum;
 * - Decimal → bytes + logicalType decimal, `scale`, `precision` (from connect.decimal.precision, default 64);
 *   Date → int date; Time → int time-millis; Timestamp → long timestamp-millis;
 * - map with a required string key → map; any other key → array of MapEntry{key,value} records;
 * - optional → union [null, T] with default null, or [T, null] when the schema has a default;
 * - `connect.name`, `connect.version`, `connect.doc`, `connect.parameters`, `connect.default` properties.
 * Values: INT64 stays a number, or a bigint beyond 2^53 (written exactly through a custom avsc long type).
 */
import {
  BigDecimal, DataException, Decimal, LogicalDate, LogicalTime, LogicalTimestamp, Struct, bigintToTwosComplement,
  schemaEquals, type Schema,
} from '../../../data/index.js';

export const AVRO_NAMESPACE = 'io.confluent.connect.avro';
export const DEFAULT_SCHEMA_NAME = 'ConnectDefault';
export const MAP_ENTRY_TYPE_NAME = 'MapEntry';
export const AVRO_TYPE_ENUM = `${AVRO_NAMESPACE}.Enum`;
export const AVRO_TYPE_UNION = `${AVRO_NAMESPACE}.Union`;
export const CONNECT_DECIMAL_PRECISION = 'connect.decimal.precision';
export const DEFAULT_DECIMAL_PRECISION = 64;
const MS_PER_DAY = 86_400_000;

export interface AvroDataOptions {
  /** `connect.meta.data`: add the connect.* properties. Default true. */
  readonly connectMetaData?: boolean;
  /** `enhanced.avro.schema.support`: enums (and package names) preserved. Default true. */
  readonly enhancedSchemaSupport?: boolean;
}

export type AvroSchema = string | AvroSchema[] | { [k: string]: unknown };

interface Ctx {
  readonly meta: boolean;
  readonly enhanced: boolean;
  /** Structs already defined: a second use refers to them by full name. */
  readonly defined: { schema: Schema; fullName: string }[];
  readonly usedNames: Set<string>;
  unnamed: number;
  mapEntries: number;
}

function splitName(full: string): { namespace: string | undefined; name: string } {
  const dot = full.lastIndexOf('.');
  return dot < 0 ? { namespace: undefined, name: full } : { namespace: full.slice(0, dot), name: full.slice(dot + 1) };
}

function isDecimal(s: Schema): boolean {
  return s.type === 'BYTES' && s.name === Decimal.LOGICAL_NAME;
}

function isEnum(s: Schema, ctx: { enhanced: boolean }): boolean {
  return ctx.enhanced && s.type === 'STRING' && !!s.parameters?.has(AVRO_TYPE_ENUM);
}

/** The Avro schema (as JSON) for a Connect schema. */
export function toAvroSchema(schema: Schema, opts: AvroDataOptions = {}): AvroSchema {
  const ctx: Ctx = {
    meta: opts.connectMetaData ?? true,
    enhanced: opts.enhancedSchemaSupport ?? true,
    defined: [],
    usedNames: new Set(),
    unnamed: 0,
    mapEntries: 0,
  };
  return fromConnect(schema, ctx, false);
}

function uniqueName(ctx: Ctx, namespace: string, base: string, counter: 'unnamed' | 'mapEntries'): string {
  ctx[counter]++;
  let n = ctx[counter];
  let name = n === 1 ? base : `${base}${n}`;
  while (ctx.usedNames.has(`${namespace}.${name}`)) {
    n = ++ctx[counter];
    name = `${base}${n}`;
  }
  return name;
}

/** Same struct apart from optionality/default: one Avro record definition serves both. */
function sameStruct(a: Schema, b: Schema): boolean {
  if (a === b) return true;
  if (a.type !== 'STRUCT' || b.type !== 'STRUCT' || a.name !== b.name || a.version !== b.version) return false;
  if (a.fields.length !== b.fields.length) return false;
  return a.fields.every((f, i) => f.name === b.fields[i]!.name && schemaEquals(f.schema, b.fields[i]!.schema));
}

function wrapOptional(schema: Schema, t: AvroSchema, ignoreOptional: boolean): AvroSchema {
  if (ignoreOptional || !schema.optional) return t;
  return schema.defaultValue !== null && schema.defaultValue !== undefined ? [t, 'null'] : ['null', t];
}

function fromConnect(schema: Schema, ctx: Ctx, ignoreOptional: boolean): AvroSchema {
  if (schema.type === 'STRUCT' && schema.name !== AVRO_TYPE_UNION) {
    const known = ctx.defined.find((d) => sameStruct(d.schema, schema));
    if (known) return wrapOptional(schema, known.fullName, ignoreOptional);
  }
  if (isEnum(schema, ctx)) {
    const enumName = schema.parameters!.get(AVRO_TYPE_ENUM)!;
    if (ctx.usedNames.has(enumName)) return wrapOptional(schema, enumName, ignoreOptional);
    ctx.usedNames.add(enumName);
  }
  let base: { [k: string]: unknown } | AvroSchema[];
  let connectType: string | undefined;
  switch (schema.type) {
    case 'INT8':
      connectType = 'int8';
      base = { type: 'int' };
      break;
    case 'INT16':
      connectType = 'int16';
      base = { type: 'int' };
      break;
    case 'INT32':
      base = { type: 'int' };
      break;
    case 'INT64':
      base = { type: 'long' };
      break;
    case 'FLOAT32':
      base = { type: 'float' };
      break;
    case 'FLOAT64':
      base = { type: 'double' };
      break;
    case 'BOOLEAN':
      base = { type: 'boolean' };
      break;
    case 'STRING':
      if (isEnum(schema, ctx)) {
        const enumName = schema.parameters!.get(AVRO_TYPE_ENUM)!;
        const symbols: string[] = [];
        for (const [k, v] of schema.parameters!) if (k.startsWith(AVRO_TYPE_ENUM + '.')) symbols.push(v);
        const { namespace, name } = splitName(enumName);
        base = { type: 'enum', name, ...(namespace ? { namespace } : {}), symbols };
        const doc = schema.parameters!.get(`${AVRO_NAMESPACE}.enum.doc.${name}`);
        if (doc) base['doc'] = doc;
        const def = schema.parameters!.get(`${AVRO_NAMESPACE}.enum.default.${name}`);
        if (def) base['default'] = def;
      } else {
        base = { type: 'string' };
      }
      break;
    case 'BYTES':
      base = { type: 'bytes' };
      if (isDecimal(schema)) {
        base['scale'] = Decimal.scaleOf(schema);
        base['precision'] = decimalPrecision(schema);
      }
      break;
    case 'ARRAY':
      base = { type: 'array', items: fromConnect(schema.valueSchema!, ctx, false) };
      break;
    case 'MAP': {
      const key = schema.keySchema!;
      if (key.type === 'STRING' && !key.optional) {
        base = { type: 'map', values: fromConnect(schema.valueSchema!, ctx, false) };
      } else {
        const namespace = schema.name ? (splitName(schema.name).namespace ?? AVRO_NAMESPACE) : AVRO_NAMESPACE;
        const name = schema.name ? splitName(schema.name).name : uniqueName(ctx, namespace, MAP_ENTRY_TYPE_NAME, 'mapEntries');
        ctx.usedNames.add(`${namespace}.${name}`);
        const entry: { [k: string]: unknown } = {
          type: 'record',
          name,
          namespace,
          fields: [recordField('key', key, ctx), recordField('value', schema.valueSchema!, ctx)],
        };
        if (schema.name) entry['connect.internal.type'] = MAP_ENTRY_TYPE_NAME;
        base = { type: 'array', items: entry };
      }
      break;
    }
    case 'STRUCT': {
      if (schema.name === AVRO_TYPE_UNION) {
        const branches: AvroSchema[] = schema.optional ? ['null'] : [];
        for (const f of schema.fields) branches.push(fromConnect(f.schema, ctx, true));
        return branches;
      }
      let namespace: string | undefined = AVRO_NAMESPACE;
      let name: string;
      if (schema.name) {
        ({ namespace, name } = splitName(schema.name));
      } else {
        name = uniqueName(ctx, AVRO_NAMESPACE, DEFAULT_SCHEMA_NAME, 'unnamed');
      }
      const fullName = namespace ? `${namespace}.${name}` : name;
      ctx.usedNames.add(fullName);
      const rec: { [k: string]: unknown } = { type: 'record', name, ...(namespace ? { namespace } : {}) };
      const recordDoc = schema.parameters?.get(`${AVRO_NAMESPACE}.record.doc`);
      if (recordDoc) rec['doc'] = recordDoc;
      // Register before the fields so a recursive reference resolves to the name.
      ctx.defined.push({ schema, fullName });
      rec['fields'] = schema.fields.map((f) => {
        const doc = schema.parameters?.get(`${AVRO_NAMESPACE}.field.doc.${f.name}`);
        return recordField(f.name, f.schema, ctx, doc);
      });
      base = rec;
      break;
    }
  }

  if (ctx.meta) {
    if (schema.doc !== undefined) base['connect.doc'] = schema.doc;
    if (schema.version !== undefined) base['connect.version'] = schema.version;
    if (schema.parameters && schema.parameters.size > 0) base['connect.parameters'] = Object.fromEntries(schema.parameters);
    if (schema.defaultValue !== null && schema.defaultValue !== undefined && !schema.parameters?.has(`${AVRO_NAMESPACE}.field.default`)) {
      base['connect.default'] = defaultToJson(schema, schema.defaultValue);
    }
    if (schema.name !== undefined) base['connect.name'] = schema.name;
    if (connectType) base['connect.type'] = connectType;
  }
  if (schema.name === Decimal.LOGICAL_NAME && schema.type === 'BYTES') {
    const scale = Decimal.scaleOf(schema);
    if (scale >= 0 && scale <= decimalPrecision(schema)) base['logicalType'] = 'decimal';
    else base['logicalType'] = 'decimal'; // AvroData's legacy form: the same property
  } else if (schema.name === LogicalTime.LOGICAL_NAME) base['logicalType'] = 'time-millis';
  else if (schema.name === LogicalTimestamp.LOGICAL_NAME) base['logicalType'] = 'timestamp-millis';
  else if (schema.name === LogicalDate.LOGICAL_NAME) base['logicalType'] = 'date';
  if (schema.parameters) {
    for (const [k, v] of schema.parameters) if (k.startsWith('avro') && !(k in base)) base[k] = v;
  }

  // A primitive without properties is written as its name, as Avro (Java) prints it.
  const plain = !Array.isArray(base) && Object.keys(base).length === 1 && typeof base['type'] === 'string' ? (base['type'] as string) : base;
  return wrapOptional(schema, plain, ignoreOptional);
}

function decimalPrecision(schema: Schema): number {
  const p = schema.parameters?.get(CONNECT_DECIMAL_PRECISION);
  if (p === undefined) return DEFAULT_DECIMAL_PRECISION;
  const n = Number.parseInt(p, 10);
  if (!Number.isInteger(n) || n <= 0) throw new DataException(`invalid ${CONNECT_DECIMAL_PRECISION} '${p}'`);
  return n;
}

function recordField(name: string, schema: Schema, ctx: Ctx, doc?: string): { [k: string]: unknown } {
  const f: { [k: string]: unknown } = { name, type: fromConnect(schema, ctx, false) };
  if (doc) f['doc'] = doc;
  if (schema.defaultValue !== null && schema.defaultValue !== undefined) f['default'] = defaultToJson(schema, schema.defaultValue);
  else if (schema.optional) f['default'] = null;
  return f;
}

function bytesToLatin1(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return s;
}

/** A Connect default value as Avro's JSON default encoding. */
function defaultToJson(schema: Schema, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (isDecimal(schema)) return bytesToLatin1(Decimal.fromLogical(schema, rescale(schema, value as BigDecimal)));
  if (value instanceof Date) {
    if (schema.name === LogicalDate.LOGICAL_NAME) return LogicalDate.fromLogical(schema, value);
    if (schema.name === LogicalTime.LOGICAL_NAME) return LogicalTime.fromLogical(schema, value);
    return value.getTime();
  }
  switch (schema.type) {
    case 'INT64':
      return typeof value === 'bigint' ? Number(value) : value;
    case 'BYTES':
      return bytesToLatin1(value as Uint8Array);
    case 'STRING':
    case 'BOOLEAN':
    case 'INT8':
    case 'INT16':
    case 'INT32':
    case 'FLOAT32':
    case 'FLOAT64':
      return value;
    case 'ARRAY':
      return (value as unknown[]).map((v) => defaultToJson(schema.valueSchema!, v));
    case 'MAP': {
      const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as object);
      if (schema.keySchema!.type === 'STRING' && !schema.keySchema!.optional) {
        return Object.fromEntries(entries.map(([k, v]) => [k, defaultToJson(schema.valueSchema!, v)]));
      }
      return entries.map(([k, v]) => ({ key: defaultToJson(schema.keySchema!, k), value: defaultToJson(schema.valueSchema!, v) }));
    }
    case 'STRUCT': {
      const s = value as Struct;
      const out: Record<string, unknown> = {};
      for (const f of schema.fields) out[f.name] = defaultToJson(f.schema, s.get(f));
      return out;
    }
  }
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
    return (v) => {
      if (!(v instanceof BigDecimal)) return v instanceof Uint8Array ? toBuffer(v) : fail(path, schema, v);
      return toBuffer(bigintToTwosComplement(rescale(schema, v).unscaled));
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
