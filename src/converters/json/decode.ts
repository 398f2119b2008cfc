/** JsonConverter's decoders: parsed JSON → Connect value per schema (compiled once per schema), and JSON schema → Schema. */
import { BigDecimal, DataException, Decimal, LogicalDate, LogicalTime, Schema, SchemaBuilder, Struct } from '../../data/index.js';
import { parseFloat32 } from './java-format.js';
import { JsonNumberText, decodeBase64, type JsonValue } from './json-text.js';
import { type CodecOptions, type Decoder, NEED_EXACT, mode, DECIMAL, DATE, TIME, TIMESTAMP, INT64_MIN, INT64_MAX, RANGES, rethrowAt, describe, nodeType } from './codec-shared.js';

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

const B64 = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;

/**
 * The two's-complement integer in a base64 text of 4 or 8 characters (1 to 6 bytes: a safe integer), read as
 * decodeBase64 + twosComplementToBigint would (bits beyond the last byte ignored, as Buffer does); undefined for
 * any other text, which takes the ordinary path.
 */
function smallBase64Int(s: string): number | undefined {
  const len = s.length;
  if (len !== 4 && len !== 8) return undefined;
  let pad = 0;
  if (s.charCodeAt(len - 1) === 0x3d) pad = s.charCodeAt(len - 2) === 0x3d ? 2 : 1;
  let v = 0;
  for (let i = 0; i < len - pad; i++) {
    const c = s.charCodeAt(i);
    const d = c < 128 ? B64[c]! : -1;
    if (d < 0) return undefined;
    v = v * 64 + d;
  }
  for (let i = 0; i < pad; i++) v *= 64;
  const bytes = (len / 4) * 3 - pad;
  v = Math.floor(v / 2 ** (8 * pad)); // the pad characters' bits and the bits beyond the last byte
  const top = 2 ** (8 * bytes);
  return v >= top / 2 ? v - top : v;
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
    case DECIMAL: {
      if (schema.type !== 'BYTES') break;
      let scale: number | undefined;
      return (j) => {
        if (typeof j === 'string') {
          const small = smallBase64Int(j);
          if (small !== undefined) return new BigDecimal(BigInt(small), (scale ??= Decimal.scaleOf(schema)));
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
    }
    case DATE:
    case TIME: {
      if (schema.type !== 'INT32') break;
      const toLogical = schema.name === DATE ? LogicalDate.toLogical : LogicalTime.toLogical;
      const what = schema.name === DATE ? 'Date' : 'Time';
      return (j) => {
        if (typeof j !== 'number' || !Number.isInteger(j) || j < -2147483648 || j > 2147483647) {
          throw new DataException(`Invalid type for ${what}, underlying representation should be integer but was ${nodeType(j)}${typeof j === 'number' || j instanceof JsonNumberText || typeof j === 'bigint' ? ` ${String(j instanceof JsonNumberText ? j.text : j)}` : ''}`);
        }
        return validDate(what, toLogical(schema, j));
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
        return validDate('Timestamp', new Date(Number(v)));
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
        // Each value comes from the compiled decoder of its field's schema, which checked it.
        const values = new Array<unknown>(n);
        let i = 0;
        try {
          for (; i < n; i++) {
            const name = names[i]!;
            const raw = inherited[i] && !Object.hasOwn(j, name) ? undefined : j[name];
            values[i] = decs[i]!(raw) ?? null;
          }
        } catch (e) { rethrowAt(e, names[i]!); }
        return Struct.ofCheckedValues(schema, values);
      };
    }
  }
  throw new DataException(`Unknown schema type: ${String(schema.type)}`);
}

/** A date beyond ±8.64e15 ms is no Date in JavaScript (Java's holds it): the record cannot be read. */
function validDate(what: string, d: Date): Date {
  if (Number.isNaN(d.getTime())) throw new DataException(`Invalid ${what}: the value is beyond the range of a JavaScript Date (±8.64e15 ms from the epoch)`);
  return d;
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
