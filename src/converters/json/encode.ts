/** JsonConverter's encoders: Connect value → JSON text per schema (compiled once per schema), and schema → JSON schema text. */
import { BigDecimal, bigintToTwosComplement, DataException, Decimal, LogicalDate, LogicalTime, Schema, Struct, schemaEquals } from '../../data/index.js';
import { javaBigDecimalToString, javaDoubleToString, javaFloatToString } from './java-format.js';
import { encodeBase64, quoteJson } from './json-text.js';
import { type CodecOptions, type Encoder, TYPE_NAMES, DECIMAL, DATE, TIME, TIMESTAMP, INT64_MIN, INT64_MAX, RANGES, rethrowAt, describe, invalid } from './codec-shared.js';

// ---------------------------------------------------------------------------------------------------------------
// encoding

const SMALL = 2n ** 47n;
const twoBuf = new Uint8Array(6);

/** Writes a safe integer's minimal big-endian two's complement (as Java's `BigInteger.toByteArray()`) into twoBuf; its length. */
function smallTwos(n: number): number {
  let len = 1;
  // smallest byte count whose signed range holds n
  while (len < 6 && (n < -(2 ** (8 * len - 1)) || n >= 2 ** (8 * len - 1))) len++;
  for (let i = len - 1; i >= 0; i--) {
    twoBuf[i] = n & 0xff;
    n = Math.floor(n / 256);
  }
  return len;
}

/** Java's `BigInteger.toByteArray()`: minimal big-endian two's complement (fast path below 2^47). */
function twosComplement(v: bigint): Uint8Array {
  if (v >= -SMALL && v < SMALL) return twoBuf.subarray(0, smallTwos(Number(v)));
  return bigintToTwosComplement(v);
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** `"<base64 of Java's BigInteger.toByteArray()>"` for an integer in [-2^47, 2^47), without a Buffer. */
function smallTwosComplementBase64(n: number): string {
  const len = smallTwos(n);
  let out = '"';
  for (let i = 0; i < len; i += 3) {
    const b0 = twoBuf[i]!;
    const b1 = i + 1 < len ? twoBuf[i + 1]! : 0;
    const b2 = i + 2 < len ? twoBuf[i + 2]! : 0;
    out += B64[b0 >> 2]! + B64[((b0 & 3) << 4) | (b1 >> 4)]! +
      (i + 1 < len ? B64[((b1 & 15) << 2) | (b2 >> 6)]! : '=') + (i + 2 < len ? B64[b2 & 63]! : '=');
  }
  return out + '"';
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
        const u = v.unscaled;
        if (u >= -SMALL && u < SMALL) return smallTwosComplementBase64(Number(u));
        return `"${encodeBase64(twosComplement(u))}"`;
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
