/**
 * The compiled parts of JsonConverter: per-schema encoders (Connect value → JSON text), decoders (parsed JSON →
 * Connect value) and the schema ↔ JSON schema translation, with Kafka's JsonConverter semantics.
 */
import {
  BigDecimal,
  bigintToTwosComplement,
  DataException,
  Decimal,
  LogicalDate,
  LogicalTime,
  LogicalTimestamp,
  Schema,
  SchemaBuilder,
  Struct,
  schemaEquals,
  type SchemaType,
} from '../../data/index.js';
import { javaBigDecimalToString, javaDoubleToString, javaFloatToString, parseFloat32 } from './java-format.js';
import { JsonNumberText, decodeBase64, encodeBase64, quoteJson, type JsonValue } from './json-text.js';

export interface CodecOptions {
  readonly decimalNumeric: boolean;
  readonly replaceNullWithDefault: boolean;
}

export type Encoder = (value: unknown) => string;
export type Decoder = (json: unknown) => unknown;

/** Thrown (not an Error: no stack) when the fast JSON.parse tree cannot give an exact answer; the caller re-parses. */
export const NEED_EXACT: unique symbol = Symbol('need exact number text');

/** Set by the converter around each decode: true when numbers come from the exact parser (with number text). */
export const mode = { exact: false };

export const TYPE_NAMES: Record<SchemaType, string> = {
  INT8: 'int8', INT16: 'int16', INT32: 'int32', INT64: 'int64', FLOAT32: 'float', FLOAT64: 'double',
  BOOLEAN: 'boolean', STRING: 'string', BYTES: 'bytes', ARRAY: 'array', MAP: 'map', STRUCT: 'struct',
};

const DECIMAL = Decimal.LOGICAL_NAME;
const DATE = LogicalDate.LOGICAL_NAME;
const TIME = LogicalTime.LOGICAL_NAME;
const TIMESTAMP = LogicalTimestamp.LOGICAL_NAME;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const RANGES = { INT8: [-128, 127], INT16: [-32768, 32767], INT32: [-2147483648, 2147483647] } as const;

// ---------------------------------------------------------------------------------------------------------------
// errors with a field path

function joinPath(segment: string, inner: string | undefined): string {
  if (!inner) return segment;
  return inner.startsWith('[') ? segment + inner : `${segment}.${inner}`;
}

/** Re-throws `e` with `segment` prepended to its field path (DataExceptions only; anything else passes through). */
export function rethrowAt(e: unknown, segment: string): never {
  if (e instanceof DataException) {
    throw new DataException(e.reason, { ...e.context, path: joinPath(segment, e.context.path) }, { cause: e.cause ?? e });
  }
  throw e;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return `${value} (bigint)`;
  if (typeof value === 'string') return `${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)} (string)`;
  if (typeof value !== 'object') return `${String(value)} (${typeof value})`;
  if (Array.isArray(value)) return `array[${value.length}]`;
  if (value instanceof Uint8Array) return `bytes[${value.length}]`;
  if (value instanceof Map) return `map[${value.size}]`;
  if (value instanceof Struct) return `struct ${value.schema}`;
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

function invalid(schema: Schema, value: unknown, expected: string): never {
  throw new DataException(`Invalid value ${describe(value)} for ${schema.type} schema${schema.name ? ` ${schema.name}` : ''}: expected ${expected}`);
}

/** Jackson's node type name of a parsed JSON value, for messages. */
export function nodeType(j: unknown): string {
  if (j === null || j === undefined) return 'NULL';
  switch (typeof j) {
    case 'boolean': return 'BOOLEAN';
    case 'number': case 'bigint': return 'NUMBER';
    case 'string': return 'STRING';
  }
  if (j instanceof JsonNumberText) return 'NUMBER';
  return Array.isArray(j) ? 'ARRAY' : 'OBJECT';
}

// ---------------------------------------------------------------------------------------------------------------
// encoding

const SMALL = 2n ** 47n;
const twoBuf = new Uint8Array(6);

/** Java's `BigInteger.toByteArray()`: minimal big-endian two's complement (fast path below 2^47). */
function twosComplement(v: bigint): Uint8Array {
  if (v >= -SMALL && v < SMALL) {
    let n = Number(v);
    let len = 1;
    // smallest byte count whose signed range holds n
    while (len < 6 && (n < -(2 ** (8 * len - 1)) || n >= 2 ** (8 * len - 1))) len++;
    for (let i = len - 1; i >= 0; i--) {
      twoBuf[i] = n & 0xff;
      n = Math.floor(n / 256);
    }
    return twoBuf.subarray(0, len);
  }
  return bigintToTwosComplement(v);
}

/** Encodes a JS number as Kafka would encode the Java value schemaless JSON would hold (Long for integers, else Double). */
function encodeNumberSchemaless(v: number): string {
  if (Number.isSafeInteger(v) && !Object.is(v, -0)) return String(v);
  return encodeDouble(v);
}

function encodeDouble(v: number): string {
  if (Number.isFinite(v)) return javaDoubleToString(v);
  return v !== v ? '"NaN"' : v > 0 ? '"Infinity"' : '"-Infinity"';
}

function encodeFloat(v: number): string {
  if (Number.isFinite(v)) return javaFloatToString(v);
  return v !== v ? '"NaN"' : v > 0 ? '"Infinity"' : '"-Infinity"';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Schemaless value → JSON text, by the value's own type (Kafka infers the type from the Java class). */
export function encodeSchemaless(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string': return quoteJson(v);
    case 'number': return encodeNumberSchemaless(v);
    case 'boolean': return v ? 'true' : 'false';
    case 'bigint':
      if (v < INT64_MIN || v > INT64_MAX) throw new DataException(`Invalid value ${v} (bigint): outside the INT64 range`);
      return v.toString();
  }
  if (v instanceof Uint8Array) return `"${encodeBase64(v)}"`;
  if (Array.isArray(v)) {
    let out = '[';
    let i = 0;
    try {
      for (; i < v.length; i++) out += (i ? ',' : '') + encodeSchemaless(v[i]);
    } catch (e) { rethrowAt(e, `[${i}]`); }
    return out + ']';
  }
  if (v instanceof Map) {
    let objectMode = true;
    for (const k of v.keys()) if (typeof k !== 'string') { objectMode = false; break; }
    let out = objectMode ? '{' : '[';
    let first = true;
    for (const [k, val] of v) {
      try {
        out += (first ? '' : ',') + (objectMode
          ? `${quoteJson(k as string)}:${encodeSchemaless(val)}`
          : `[${encodeSchemaless(k)},${encodeSchemaless(val)}]`);
      } catch (e) { rethrowAt(e, `[${String(k)}]`); }
      first = false;
    }
    return out + (objectMode ? '}' : ']');
  }
  if (isPlainObject(v)) {
    let out = '{';
    let first = true;
    for (const k in v) {
      if (!Object.hasOwn(v, k)) continue;
      try {
        out += `${first ? '' : ','}${quoteJson(k)}:${encodeSchemaless(v[k])}`;
      } catch (e) { rethrowAt(e, k); }
      first = false;
    }
    return out + '}';
  }
  if (v instanceof Struct) {
    throw new DataException(`Mismatching schema: a Struct (${v.schema}) can only be written with its schema, but no schema was given`);
  }
  throw new DataException(`${describe(v)} does not have a corresponding schema type; give the value a schema`);
}

/** Compiles the encoder for one schema; `sub` gives (cached) encoders for nested schemas. */
export function compileEncoder(schema: Schema, opts: CodecOptions, sub: (s: Schema) => Encoder): Encoder {
  const base = compileEncoderNonNull(schema, opts, sub);
  const dflt = schema.defaultValue;
  const replace = opts.replaceNullWithDefault && dflt !== null && dflt !== undefined;
  const optional = schema.optional;
  let defaultText: string | undefined;
  return (v) => {
    if (v === null || v === undefined) {
      if (replace) return (defaultText ??= base(dflt));
      if (optional) return 'null';
      throw new DataException('Conversion error: null value for field that is required and has no default value');
    }
    return base(v);
  };
}

function compileEncoderNonNull(schema: Schema, opts: CodecOptions, sub: (s: Schema) => Encoder): Encoder {
  switch (schema.name) {
    case DECIMAL: {
      if (opts.decimalNumeric) {
        return (v) => {
          if (!(v instanceof BigDecimal)) invalid(schema, v, 'a BigDecimal');
          return javaBigDecimalToString(v);
        };
      }
      let scale: number | undefined;
      return (v) => {
        if (!(v instanceof BigDecimal)) invalid(schema, v, 'a BigDecimal');
        scale ??= Decimal.scaleOf(schema);
        if (v.scale !== scale) return `"${encodeBase64(Decimal.fromLogical(schema, v))}"`; // throws the scale error
        return `"${encodeBase64(twosComplement(v.unscaled))}"`;
      };
    }
    case DATE:
      if (schema.type !== 'INT32') break;
      return (v) => {
        if (!(v instanceof Date) || Number.isNaN(v.getTime())) invalid(schema, v, 'a valid Date');
        return String(LogicalDate.fromLogical(schema, v));
      };
    case TIME:
      if (schema.type !== 'INT32') break;
      return (v) => {
        if (!(v instanceof Date) || Number.isNaN(v.getTime())) invalid(schema, v, 'a valid Date');
        return String(LogicalTime.fromLogical(schema, v));
      };
    case TIMESTAMP:
      if (schema.type !== 'INT64') break;
      return (v) => {
        if (!(v instanceof Date) || Number.isNaN(v.getTime())) invalid(schema, v, 'a valid Date');
        return String(v.getTime());
      };
  }
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32': {
      const [lo, hi] = RANGES[schema.type];
      return (v) => {
        if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) invalid(schema, v, `an integer in [${lo}, ${hi}]`);
        return String(v);
      };
    }
    case 'INT64':
      return (v) => {
        if (typeof v === 'number') {
          if (Number.isSafeInteger(v)) return String(v);
          invalid(schema, v, Number.isInteger(v) ? 'a bigint for an integer beyond 2^53 (a JS number may have lost digits)' : 'an integer');
        }
        if (typeof v === 'bigint' && v >= INT64_MIN && v <= INT64_MAX) return v.toString();
        return invalid(schema, v, 'an integer (number or bigint) in the INT64 range');
      };
    case 'FLOAT32':
      return (v) => {
        if (typeof v !== 'number') invalid(schema, v, 'a number');
        return encodeFloat(v);
      };
    case 'FLOAT64':
      return (v) => {
        if (typeof v !== 'number') invalid(schema, v, 'a number');
        return encodeDouble(v);
      };
    case 'BOOLEAN':
      return (v) => {
        if (v === true) return 'true';
        if (v === false) return 'false';
        return invalid(schema, v, 'a boolean');
      };
    case 'STRING':
      return (v) => {
        if (typeof v !== 'string') invalid(schema, v, 'a string');
        return quoteJson(v);
      };
    case 'BYTES':
      return (v) => {
        if (!(v instanceof Uint8Array)) invalid(schema, v, 'a Uint8Array');
        return `"${encodeBase64(v)}"`;
      };
    case 'ARRAY': {
      const elem = sub(schema.valueSchema!);
      return (v) => {
        if (!Array.isArray(v)) invalid(schema, v, 'an array');
        const n = v.length;
        if (n === 0) return '[]';
        let out = '[';
        let i = 0;
        try {
          out += elem(v[0]);
          for (i = 1; i < n; i++) out += ',' + elem(v[i]);
        } catch (e) { rethrowAt(e, `[${i}]`); }
        return out + ']';
      };
    }
    case 'MAP': {
      const keyEnc = sub(schema.keySchema!);
      const valEnc = sub(schema.valueSchema!);
      const objectMode = schema.keySchema!.type === 'STRING';
      const entry = objectMode
        ? (k: unknown, val: unknown) => {
            const key = typeof k === 'string' ? quoteJson(k) : textKey(keyEnc(k));
            return `${key}:${valEnc(val)}`;
          }
        : (k: unknown, val: unknown) => `[${keyEnc(k)},${valEnc(val)}]`;
      const open = objectMode ? '{' : '[';
      const close = objectMode ? '}' : ']';
      return (v) => {
        let out = open;
        let first = true;
        if (v instanceof Map) {
          for (const [k, val] of v) {
            try { out += (first ? '' : ',') + entry(k, val); } catch (e) { rethrowAt(e, `[${String(k)}]`); }
            first = false;
          }
        } else if (isPlainObject(v)) {
          for (const k in v) {
            if (!Object.hasOwn(v, k)) continue;
            try { out += (first ? '' : ',') + entry(k, v[k]); } catch (e) { rethrowAt(e, `[${k}]`); }
            first = false;
          }
        } else {
          invalid(schema, v, 'a Map (or a plain object)');
        }
        return out + close;
      };
    }
    case 'STRUCT': {
      const fields = schema.fields;
      const encs = fields.map((f) => sub(f.schema));
      const prefixes = fields.map((f, i) => `${i === 0 ? '{' : ','}${quoteJson(f.name)}:`);
      const n = fields.length;
      return (v) => {
        if (!(v instanceof Struct)) invalid(schema, v, 'a Struct');
        if (v.schema !== schema && !schemaEquals(v.schema, schema)) {
          throw new DataException(`Mismatching schema: the Struct's schema ${v.schema} is not the schema it is written with, ${schema}`);
        }
        if (n === 0) return '{}';
        const vals = v.values();
        let out = '';
        let i = 0;
        try {
          for (; i < n; i++) out += prefixes[i] + encs[i]!(vals[i]);
        } catch (e) { rethrowAt(e, fields[i]!.name); }
        return out + '}';
      };
    }
  }
}

/** Jackson's `asText()` of an encoded map key, as an object key. */
function textKey(encoded: string): string {
  return encoded.charCodeAt(0) === 0x22 ? encoded : quoteJson(encoded);
}

/** The schema as Kafka's JSON schema text (key order as Kafka writes it). */
export function schemaToJsonText(schema: Schema, encoderFor: (s: Schema) => Encoder): string {
  let s = `{"type":"${TYPE_NAMES[schema.type]}"`;
  switch (schema.type) {
    case 'ARRAY':
      s += `,"items":${schemaToJsonText(schema.valueSchema!, encoderFor)}`;
      break;
    case 'MAP':
      s += `,"keys":${schemaToJsonText(schema.keySchema!, encoderFor)},"values":${schemaToJsonText(schema.valueSchema!, encoderFor)}`;
      break;
    case 'STRUCT':
      s += `,"fields":[${schema.fields
        .map((f) => `${schemaToJsonText(f.schema, encoderFor).slice(0, -1)},"field":${quoteJson(f.name)}}`)
        .join(',')}]`;
      break;
    default:
  }
  s += `,"optional":${schema.optional}`;
  if (schema.name !== undefined) s += `,"name":${quoteJson(schema.name)}`;
  if (schema.version !== undefined) s += `,"version":${schema.version}`;
  if (schema.doc !== undefined) s += `,"doc":${quoteJson(schema.doc)}`;
  if (schema.parameters !== undefined) {
    s += `,"parameters":{${[...schema.parameters].map(([k, v]) => `${quoteJson(k)}:${quoteJson(v)}`).join(',')}}`;
  }
  if (schema.defaultValue !== null && schema.defaultValue !== undefined) {
    s += `,"default":${encoderFor(schema)(schema.defaultValue)}`;
  }
  return s + '}';
}

// ---------------------------------------------------------------------------------------------------------------
// decoding

function isJsonObject(j: unknown): j is Record<string, unknown> {
  return typeof j === 'object' && j !== null && !Array.isArray(j) && !(j instanceof JsonNumberText);
}

/** The integer a JSON number holds, or undefined when it has a fraction (1.0 and 1e3 are integers). */
function integralOf(j: unknown): number | bigint | undefined {
  if (typeof j === 'number') return Number.isInteger(j) ? j : undefined;
  if (typeof j === 'bigint') return j;
  if (j instanceof JsonNumberText) {
    const d = BigDecimal.parse(j.text);
    if (d.scale <= 0) return normalizeInt(d.unscaled * 10n ** BigInt(-d.scale));
    const p = 10n ** BigInt(d.scale);
    return d.unscaled % p === 0n ? normalizeInt(d.unscaled / p) : undefined;
  }
  return undefined;
}

function normalizeInt(b: bigint): number | bigint {
  return b >= -9007199254740991n && b <= 9007199254740991n ? Number(b) : b;
}

/** True when the literal is a zero ("-0.0", "0e5"): Jackson reads it as BigDecimal zero, which has no sign. */
function isZeroLiteral(text: string): boolean {
  const e = text.search(/[eE]/);
  return !/[1-9]/.test(e < 0 ? text : text.slice(0, e));
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function isFloatMidpoint(x: number, f: number): boolean {
  if (!Number.isFinite(f)) return false;
  f32[0] = f;
  if (f === 0) u32[0] = 1;
  else if ((x > f) === (f > 0)) u32[0] = u32[0]! + 1;
  else u32[0] = u32[0]! - 1;
  const other = f === 0 && x < 0 ? -f32[0]! : f32[0]!;
  return (f + other) / 2 === x;
}

const SPECIAL_FLOATS: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

function decodeDouble(schema: Schema, j: unknown): number {
  if (typeof j === 'number') {
    if (j === 0 && Object.is(j, -0)) {
      if (!mode.exact) throw NEED_EXACT;
    }
    return j;
  }
  if (j instanceof JsonNumberText) {
    const x = Number(j.text);
    return x === 0 && isZeroLiteral(j.text) ? 0 : x;
  }
  if (typeof j === 'bigint') return Number(j);
  if (typeof j === 'string' && j in SPECIAL_FLOATS) return SPECIAL_FLOATS[j]!;
  return invalidJson(schema, j, 'a number');
}

function decodeFloat(schema: Schema, j: unknown): number {
  if (typeof j === 'number') {
    const f = Math.fround(j);
    if (f === j) {
      if (f === 0 && Object.is(f, -0) && !mode.exact) throw NEED_EXACT;
      return f;
    }
    if (!mode.exact && isFloatMidpoint(j, f)) throw NEED_EXACT;
    return f;
  }
  if (j instanceof JsonNumberText) {
    const f = parseFloat32(j.text);
    return f === 0 && isZeroLiteral(j.text) ? 0 : f;
  }
  if (typeof j === 'bigint') return parseFloat32(j.toString());
  if (typeof j === 'string' && j in SPECIAL_FLOATS) return SPECIAL_FLOATS[j]!;
  return invalidJson(schema, j, 'a number');
}

function invalidJson(schema: Schema, j: unknown, expected: string): never {
  const shown = j instanceof JsonNumberText ? j.text : typeof j === 'object' && j !== null ? nodeType(j) : describe(j);
  throw new DataException(
    `Invalid JSON ${shown} for ${schema.type} schema${schema.name ? ` ${schema.name}` : ''}: expected ${expected}`,
  );
}

/** Schemaless JSON → Connect value (objects → plain objects, integers → number/bigint within INT64). */
export function decodeSchemaless(j: unknown): unknown {
  if (j === null || typeof j !== 'object') {
    if (typeof j === 'bigint' && (j < INT64_MIN || j > INT64_MAX)) {
      throw new DataException(`Invalid JSON integer ${j}: outside the INT64 range`);
    }
    return j ?? null;
  }
  if (j instanceof JsonNumberText) {
    const x = j.toNumber();
    return x === 0 && isZeroLiteral(j.text) ? 0 : x;
  }
  if (Array.isArray(j)) {
    let i = 0;
    try {
      for (; i < j.length; i++) {
        const e = j[i];
        if (e !== null && (typeof e === 'object' || typeof e === 'bigint')) j[i] = decodeSchemaless(e);
      }
    } catch (e) { rethrowAt(e, `[${i}]`); }
    return j;
  }
  const o = j as Record<string, unknown>;
  for (const k in o) {
    const e = o[k];
    if (e !== null && (typeof e === 'object' || typeof e === 'bigint')) {
      try { o[k] = decodeSchemaless(e); } catch (err) { rethrowAt(err, k); }
    }
  }
  return o;
}

export function compileDecoder(schema: Schema, opts: CodecOptions, sub: (s: Schema) => Decoder): Decoder {
  const base = compileDecoderNonNull(schema, sub);
  const dflt = schema.defaultValue;
  const replace = opts.replaceNullWithDefault && dflt !== null && dflt !== undefined;
  const optional = schema.optional;
  return (j) => {
    if (j === null || j === undefined) {
      if (replace) return dflt;
      if (optional) return null;
      throw new DataException(`Invalid null value for required ${schema.type} field`);
    }
    return base(j);
  };
}

function compileDecoderNonNull(schema: Schema, sub: (s: Schema) => Decoder): Decoder {
  switch (schema.name) {
    case DECIMAL:
      if (schema.type !== 'BYTES') break;
      return (j) => {
        if (typeof j === 'string') {
          const bytes = decodeBase64(j);
          if (!bytes || bytes.length === 0) {
            throw new DataException(`Invalid bytes for Decimal field: ${JSON.stringify(j)} is not base64 of a two's-complement integer`);
          }
          return Decimal.toLogical(schema, bytes);
        }
        if (typeof j === 'number') {
          if (!mode.exact) throw NEED_EXACT;
          return new BigDecimal(BigInt(j), 0);
        }
        if (typeof j === 'bigint') return new BigDecimal(j, 0);
        if (j instanceof JsonNumberText) return BigDecimal.parse(j.text);
        throw new DataException(`Invalid type for Decimal, underlying representation should be numeric or bytes but was ${nodeType(j)}`);
      };
    case DATE:
    case TIME: {
      if (schema.type !== 'INT32') break;
      const toLogical = schema.name === DATE ? LogicalDate.toLogical : LogicalTime.toLogical;
      const what = schema.name === DATE ? 'Date' : 'Time';
      return (j) => {
        if (typeof j !== 'number' || !Number.isInteger(j) || j < -2147483648 || j > 2147483647) {
          throw new DataException(`Invalid type for ${what}, underlying representation should be integer but was ${nodeType(j)}${typeof j === 'number' || j instanceof JsonNumberText || typeof j === 'bigint' ? ` ${String(j instanceof JsonNumberText ? j.text : j)}` : ''}`);
        }
        return toLogical(schema, j);
      };
    }
    case TIMESTAMP:
      if (schema.type !== 'INT64') break;
      return (j) => {
        if (typeof j === 'number' && !Number.isSafeInteger(j) && Number.isInteger(j) && !mode.exact) throw NEED_EXACT;
        const v = typeof j === 'number' ? (Number.isInteger(j) ? j : undefined) : typeof j === 'bigint' ? j : undefined;
        if (v === undefined) {
          throw new DataException(`Invalid type for Timestamp, underlying representation should be integral but was ${nodeType(j)}`);
        }
        return new Date(Number(v));
      };
  }
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32': {
      const [lo, hi] = RANGES[schema.type];
      return (j) => {
        if (typeof j === 'number' && Number.isInteger(j) && j >= lo && j <= hi) return j === 0 ? 0 : j;
        const v = integralOf(j);
        if (v === undefined || v < lo || v > hi) invalidJson(schema, j, `an integer in [${lo}, ${hi}]`);
        return Number(v);
      };
    }
    case 'INT64':
      return (j) => {
        if (typeof j === 'number') {
          if (Number.isSafeInteger(j)) return j === 0 ? 0 : j;
          // JSON.parse rounds integers beyond 2^53: read this payload again with the exact parser
          if (!mode.exact && Number.isInteger(j)) throw NEED_EXACT;
        }
        const v = integralOf(j);
        if (v === undefined) return invalidJson(schema, j, 'an integer');
        if (typeof v === 'number') return Number.isSafeInteger(v) ? v : checkInt64(schema, j, BigInt(v));
        return checkInt64(schema, j, v);
      };
    case 'FLOAT32':
      return (j) => decodeFloat(schema, j);
    case 'FLOAT64':
      return (j) => decodeDouble(schema, j);
    case 'BOOLEAN':
      return (j) => (typeof j === 'boolean' ? j : invalidJson(schema, j, 'true or false'));
    case 'STRING':
      return (j) => (typeof j === 'string' ? j : invalidJson(schema, j, 'a string'));
    case 'BYTES':
      return (j) => {
        if (typeof j !== 'string') return invalidJson(schema, j, 'a base64 string');
        const b = decodeBase64(j);
        if (!b) throw new DataException(`Invalid bytes field: ${JSON.stringify(j.length > 40 ? `${j.slice(0, 37)}...` : j)} is not valid base64`);
        return b;
      };
    case 'ARRAY': {
      const elem = sub(schema.valueSchema!);
      return (j) => {
        if (!Array.isArray(j)) return invalidJson(schema, j, 'a JSON array');
        const n = j.length;
        const out = new Array<unknown>(n);
        let i = 0;
        try {
          for (; i < n; i++) out[i] = elem(j[i]);
        } catch (e) { rethrowAt(e, `[${i}]`); }
        return out;
      };
    }
    case 'MAP': {
      const keyDec = sub(schema.keySchema!);
      const valDec = sub(schema.valueSchema!);
      if (schema.keySchema!.type === 'STRING') {
        return (j) => {
          if (!isJsonObject(j)) {
            throw new DataException(`Maps with string fields should be encoded as JSON objects, but found ${nodeType(j)}`);
          }
          const out = new Map<unknown, unknown>();
          for (const k in j) {
            try { out.set(k, valDec(j[k])); } catch (e) { rethrowAt(e, `[${k}]`); }
          }
          return out;
        };
      }
      return (j) => {
        if (!Array.isArray(j)) {
          throw new DataException(`Maps with non-string fields should be encoded as JSON array of tuples, but found ${nodeType(j)}`);
        }
        const out = new Map<unknown, unknown>();
        for (let i = 0; i < j.length; i++) {
          const e = j[i];
          if (!Array.isArray(e)) throw new DataException(`Found invalid map entry instead of array tuple: ${nodeType(e)}`, { path: `[${i}]` });
          if (e.length !== 2) throw new DataException(`Found invalid map entry, expected length 2 but found :${e.length}`, { path: `[${i}]` });
          let k: unknown;
          try { k = keyDec(e[0]); } catch (err) { rethrowAt(err, `[${i}]{key}`); }
          try { out.set(k, valDec(e[1])); } catch (err) { rethrowAt(err, `[${String(k)}]`); }
        }
        return out;
      };
    }
    case 'STRUCT': {
      const fields = schema.fields;
      const decs = fields.map((f) => sub(f.schema));
      const names = fields.map((f) => f.name);
      // Field names that a plain object inherits ("toString", "constructor", ...) need an own-property check.
      const inherited = names.map((n) => n in Object.prototype);
      const n = fields.length;
      return (j) => {
        if (!isJsonObject(j)) throw new DataException(`Structs should be encoded as JSON objects, but found ${nodeType(j)}`);
        const s = new Struct(schema);
        let i = 0;
        try {
          for (; i < n; i++) {
            const name = names[i]!;
            const raw = inherited[i] && !Object.hasOwn(j, name) ? undefined : j[name];
            s.put(fields[i]!, decs[i]!(raw));
          }
        } catch (e) { rethrowAt(e, names[i]!); }
        return s;
      };
    }
  }
  throw new DataException(`Unknown schema type: ${String(schema.type)}`);
}

function checkInt64(schema: Schema, j: unknown, v: bigint): bigint | number {
  if (v < INT64_MIN || v > INT64_MAX) invalidJson(schema, j, 'an integer in the INT64 range');
  return normalizeInt(v);
}

/**
 * Kafka's JSON schema → Connect schema (`JsonConverter.asConnectSchema`): `optional` missing or not `true` means
 * required; name/doc must be strings and version an integer to count; parameter values must be strings.
 */
export function schemaFromJson(j: JsonValue | unknown, decoderFor: (s: Schema) => Decoder): Schema | null {
  if (j === null) return null;
  if (!isJsonObject(j) || typeof j.type !== 'string') throw new DataException("Schema must contain 'type' field");
  let builder: SchemaBuilder;
  switch (j.type) {
    case 'boolean': builder = SchemaBuilder.bool(); break;
    case 'int8': builder = SchemaBuilder.int8(); break;
    case 'int16': builder = SchemaBuilder.int16(); break;
    case 'int32': builder = SchemaBuilder.int32(); break;
    case 'int64': builder = SchemaBuilder.int64(); break;
    case 'float': builder = SchemaBuilder.float32(); break;
    case 'double': builder = SchemaBuilder.float64(); break;
    case 'bytes': builder = SchemaBuilder.bytes(); break;
    case 'string': builder = SchemaBuilder.string(); break;
    case 'array': {
      const items = j.items;
      if (items === null || items === undefined) throw new DataException('Array schema did not specify the element type');
      builder = SchemaBuilder.array(nested(items, 'items', decoderFor));
      break;
    }
    case 'map': {
      if (j.keys === undefined || j.keys === null) throw new DataException('Map schema did not specify the key type');
      if (j.values === undefined || j.values === null) throw new DataException('Map schema did not specify the value type');
      builder = SchemaBuilder.map(nested(j.keys, 'keys', decoderFor), nested(j.values, 'values', decoderFor));
      break;
    }
    case 'struct': {
      builder = SchemaBuilder.struct();
      const fields = j.fields;
      if (!Array.isArray(fields)) throw new DataException('Struct schema\'s "fields" argument is not an array.');
      for (const f of fields) {
        const name = isJsonObject(f) ? f.field : undefined;
        if (typeof name !== 'string') throw new DataException("Struct schema's field name not specified properly");
        builder.field(name, nested(f, name, decoderFor));
      }
      break;
    }
    default:
      throw new DataException(`Unknown schema type: ${j.type}`);
  }
  if (j.optional === true) builder.optional();
  if (typeof j.name === 'string') builder.name(j.name);
  const version = integralOf(j.version);
  if (version !== undefined && !(j.version instanceof JsonNumberText)) builder.version(Number(BigInt.asIntN(32, BigInt(version))));
  if (typeof j.doc === 'string') builder.doc(j.doc);
  if (isJsonObject(j.parameters)) {
    for (const k in j.parameters) {
      const v = j.parameters[k];
      if (typeof v !== 'string') throw new DataException('Schema parameters must have string values.');
      builder.parameter(k, v);
    }
  }
  if (j.default !== undefined) {
    const withoutDefault = builder.build();
    const value = decoderFor(withoutDefault)(j.default);
    builder.defaultValue(value);
  }
  return builder.build();
}

function nested(j: unknown, where: string, decoderFor: (s: Schema) => Decoder): Schema {
  try {
    const s = schemaFromJson(j, decoderFor);
    if (!s) throw new DataException('a nested schema cannot be null');
    return s;
  } catch (e) {
    return rethrowAt(e, where);
  }
}
