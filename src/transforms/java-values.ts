/**
 * The pieces of Java's and Connect's value handling the SMTs rely on: `ConnectSchema.schemaType` inference for
 * schemaless values, Java's number parsing/printing (`Integer.parseInt`, `Double.toString`, `BigDecimal.toString`),
 * `Values.dateFormatFor` and `Values.parseString` (InsertHeader's literal parsing).
 */
import {
  BigDecimal,
  Decimal,
  LogicalDate,
  LogicalTime,
  LogicalTimestamp,
  Schema,
  SchemaBuilder,
  Struct,
  type SchemaAndValue,
  type SchemaType,
} from '../data/index.js';
import { isMapValue } from './transformation.js';

const MS_PER_DAY = 86_400_000;

/** Java's `ConnectSchema.schemaType(value.getClass())` for schemaless values; null when Connect has no type for it. */
export function inferSchemaType(value: unknown): SchemaType | null {
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? 'INT64' : 'FLOAT64';
    case 'bigint':
      return 'INT64';
    case 'boolean':
      return 'BOOLEAN';
    case 'string':
      return 'STRING';
    case 'object':
      if (value === null) return null;
      if (value instanceof Uint8Array) return 'BYTES';
      if (Array.isArray(value)) return 'ARRAY';
      if (value instanceof Struct) return 'STRUCT';
      if (isMapValue(value)) return 'MAP';
      return null;
    default:
      return null;
  }
}

// ---- integers ---------------------------------------------------------------------------------------------------

const INT_BITS: Record<'INT8' | 'INT16' | 'INT32' | 'INT64', number> = { INT8: 8, INT16: 16, INT32: 32, INT64: 64 };
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** An INT64 value in the project's convention: a number when safe, else a bigint. */
export function longValue(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Java's narrowing of an integral value (two's-complement wrap), e.g. `((Number) 300L).byteValue()` is 44. */
export function wrapInteger(value: number | bigint, type: 'INT8' | 'INT16' | 'INT32' | 'INT64'): number | bigint {
  if (typeof value === 'number' && Math.abs(value) <= 0x7fffffff) {
    switch (type) {
      case 'INT8': return (value << 24) >> 24;
      case 'INT16': return (value << 16) >> 16;
      default: return value;
    }
  }
  const wrapped = BigInt.asIntN(INT_BITS[type], BigInt(value));
  return type === 'INT64' ? longValue(wrapped) : Number(wrapped);
}

/** Java's `(int)`/`(long)` cast of a double (NaN → 0, saturating, towards zero), then narrowed like `byteValue()`. */
export function doubleToInteger(value: number, type: 'INT8' | 'INT16' | 'INT32' | 'INT64'): number | bigint {
  if (Number.isNaN(value)) return 0;
  const t = Math.trunc(value);
  if (type === 'INT64') {
    if (t >= 2 ** 63) return LONG_MAX;
    if (t <= -(2 ** 63)) return LONG_MIN;
    return longValue(BigInt(t));
  }
  const asInt = t >= 2147483647 ? 2147483647 : t <= -2147483648 ? -2147483648 : t;
  return wrapInteger(asInt, type);
}

const INT_RANGES = {
  INT8: [-128n, 127n],
  INT16: [-32768n, 32767n],
  INT32: [-2147483648n, 2147483647n],
  INT64: [LONG_MIN, LONG_MAX],
} as const;

/** Java's `Byte.parseByte` / `Short.parseShort` / `Integer.parseInt` / `Long.parseLong`; throws RangeError (NumberFormatException). */
export function parseJavaInteger(text: string, type: 'INT8' | 'INT16' | 'INT32' | 'INT64'): number | bigint {
  if (!/^[+-]?\d+$/.test(text)) throw new RangeError(`For input string: "${text}"`);
  const v = BigInt(text);
  const [lo, hi] = INT_RANGES[type];
  if (v < lo || v > hi) throw new RangeError(`Value out of range. Value:"${text}"`);
  return type === 'INT64' ? longValue(v) : Number(v);
}

/** Java's `Double.parseDouble` (and `Float.parseFloat` with `float32`): whitespace trimmed, NaN/Infinity, f/d suffix, hex. */
export function parseJavaDouble(text: string, float32 = false): number {
  const t = text.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, '');
  let v: number;
  const dec = /^([+-]?)(NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[fFdD]?$/.exec(t);
  if (dec) {
    v = dec[2] === 'NaN' ? NaN : Number(dec[1] + dec[2]);
  } else {
    const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)[fFdD]?$/.exec(t);
    if (!hex || (hex[2] === '' && !hex[3])) throw new RangeError(`For input string: "${text}"`);
    const intPart = hex[2] ?? '';
    const frac = hex[3] ?? '';
    const mantissa = Number.parseInt((intPart + frac) || '0', 16);
    v = mantissa * 2 ** (Number(hex[4]) - 4 * frac.length);
    if (hex[1] === '-') v = -v;
  }
  return float32 ? Math.fround(v) : v;
}

/** Java's `Boolean.parseBoolean`: true only for "true", ignoring case. */
export function parseJavaBoolean(text: string): boolean {
  return text.toLowerCase() === 'true';
}

// ---- printing ---------------------------------------------------------------------------------------------------

function javaFloating(shortest: number): string {
  if (Number.isNaN(shortest)) return 'NaN';
  if (shortest === Infinity) return 'Infinity';
  if (shortest === -Infinity) return '-Infinity';
  if (shortest === 0) return Object.is(shortest, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(shortest);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(shortest);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exp] = shortest.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exp)}`;
}

/** Java's `Double.toString` (shortest round-trip digits, as JDK 19+). */
export function javaDoubleToString(value: number): string {
  return javaFloating(value);
}

/** Java's `Float.toString` for a float32 value held as a number. */
export function javaFloatToString(value: number): string {
  if (!Number.isFinite(value) || value === 0) return javaFloating(value);
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(value.toPrecision(p));
    if (Math.fround(candidate) === value) return javaFloating(candidate);
  }
  return javaFloating(value);
}

/** Java's `BigDecimal.toString`: plain unless the scale is negative or the exponent below -6. */
export function javaBigDecimalToString(value: BigDecimal): string {
  const neg = value.unscaled < 0n;
  const digits = (neg ? -value.unscaled : value.unscaled).toString();
  const adjusted = -value.scale + (digits.length - 1);
  if (value.scale >= 0 && adjusted >= -6) return value.toString();
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${neg ? '-' : ''}${mantissa}E${adjusted >= 0 ? '+' : ''}${adjusted}`;
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function isoDate(d: Date): string {
  const y = d.getUTCFullYear();
  return `${y < 0 ? '-' : ''}${pad(Math.abs(y), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}

function isoTime(d: Date): string {
  return `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}Z`;
}

/**
 * Connect's `Values.dateFormatFor(date).format(date)`: a time (`HH:mm:ss.SSS'Z'`) when the value is before
 * 1970-01-02 (negative values included), a date (`yyyy-MM-dd`) when it is a whole day, else a timestamp.
 */
export function formatConnectDate(d: Date): string {
  const ms = d.getTime();
  if (ms < MS_PER_DAY) return isoTime(d);
  if (ms % MS_PER_DAY === 0) return isoDate(d);
  return `${isoDate(d)}T${isoTime(d)}`;
}

/** Java's `String.valueOf` of a primitive value, as Connect would have it (for SimpleHeaderConverter-like output). */
export function javaToString(value: unknown, schema?: Schema | null): string {
  if (value instanceof BigDecimal) return javaBigDecimalToString(value);
  if (typeof value === 'number') {
    const type = schema?.type;
    if (type === 'FLOAT32') return javaFloatToString(value);
    if (type === 'FLOAT64' || (!type && !Number.isInteger(value))) return javaDoubleToString(value);
    if (!type && !Number.isFinite(value)) return javaDoubleToString(value);
    return String(value);
  }
  return String(value);
}

// ---- Values.parseString ------------------------------------------------------------------------------------------

class ParseFailure extends Error {}

const NUMERIC_ORDER: SchemaType[] = ['INT8', 'INT16', 'INT32', 'INT64', 'FLOAT32', 'FLOAT64'];

/** Connect's `SchemaMerger`: a common schema of parsed elements, widening numbers; undefined when there is none. */
function commonSchema(schemas: (Schema | null)[]): Schema | null | undefined {
  let common: Schema | null = null;
  for (const s of schemas) {
    if (s === null) continue;
    if (common === null) { common = s; continue; }
    if (s === common) continue;
    if (s.name === undefined && common.name === undefined && s.type === common.type && s.type !== 'ARRAY' && s.type !== 'MAP') continue;
    const a = NUMERIC_ORDER.indexOf(common.type);
    const b = NUMERIC_ORDER.indexOf(s.type);
    if (a >= 0 && b >= 0 && !common.name && !s.name) {
      common = b > a ? s : common;
      continue;
    }
    return undefined;
  }
  return common;
}

class ValueParser {
  #pos = 0;
  constructor(readonly text: string) {}

  #skipWs(): void {
    while (this.#pos < this.text.length && /\s/.test(this.text[this.#pos]!)) this.#pos++;
  }
  #peek(): string | undefined {
    this.#skipWs();
    return this.text[this.#pos];
  }
  #consume(ch: string): boolean {
    if (this.#peek() === ch) {
      this.#pos++;
      return true;
    }
    return false;
  }

  parseEmbedded(): SchemaAndValue {
    const c = this.#peek();
    if (c === undefined) throw new ParseFailure('unexpected end');
    if (c === '"') return this.#quoted();
    if (c === '[') { this.#pos++; return this.#array(); }
    if (c === '{') { this.#pos++; return this.#map(); }
    const start = this.#pos;
    while (this.#pos < this.text.length && !',:[]{}"'.includes(this.text[this.#pos]!)) this.#pos++;
    let token = this.text.slice(start, this.#pos).trim();
    // Times contain ':' — take the whole ISO time/timestamp when it starts here.
    const rest = this.text.slice(start).trimStart();
    const temporal = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z|\d{2}:\d{2}:\d{2}\.\d{3}Z)/.exec(rest);
    if (temporal) {
      this.#pos = this.text.length - rest.length + temporal[1]!.length;
      token = temporal[1]!;
    }
    if (token === 'null') return { schema: null, value: null };
    if (token === 'true') return { schema: Schema.BOOLEAN, value: true };
    if (token === 'false') return { schema: Schema.BOOLEAN, value: false };
    const scalar = parseScalar(token);
    if (scalar) return scalar;
    throw new ParseFailure('Failed to parse embedded value');
  }

  #quoted(): SchemaAndValue {
    this.#pos++; // opening quote
    let out = '';
    while (this.#pos < this.text.length) {
      const c = this.text[this.#pos++]!;
      if (c === '\\' && this.#pos < this.text.length) { out += this.text[this.#pos++]; continue; }
      if (c === '"') return { schema: Schema.STRING, value: out };
      out += c;
    }
    throw new ParseFailure('unterminated string');
  }

  #array(): SchemaAndValue {
    const items: SchemaAndValue[] = [];
    if (this.#consume(']')) return listResult(items);
    for (;;) {
      if (this.#peek() === ',') throw new ParseFailure('Unable to parse an empty array element');
      items.push(this.parseEmbedded());
      if (this.#consume(']')) return listResult(items);
      if (!this.#consume(',')) throw new ParseFailure("Array elements missing ',' delimiter");
    }
  }

  #map(): SchemaAndValue {
    const entries: [SchemaAndValue, SchemaAndValue][] = [];
    if (this.#consume('}')) return mapResult(entries);
    for (;;) {
      const k = this.parseEmbedded();
      if (!this.#consume(':')) throw new ParseFailure("Map entry is missing ':'");
      const v = this.parseEmbedded();
      entries.push([k, v]);
      if (this.#consume('}')) return mapResult(entries);
      if (!this.#consume(',')) throw new ParseFailure("Map entries missing ',' delimiter");
    }
  }

  atEnd(): boolean {
    return this.#peek() === undefined;
  }
}

function listResult(items: SchemaAndValue[]): SchemaAndValue {
  const common = commonSchema(items.map((i) => i.schema));
  if (!common) return { schema: null, value: items.map((i) => i.value) };
  const schema = SchemaBuilder.array(SchemaBuilder.from(common).optional().build()).build();
  return { schema, value: items.map((i) => i.value) };
}

function mapResult(entries: [SchemaAndValue, SchemaAndValue][]): SchemaAndValue {
  const value = new Map(entries.map(([k, v]) => [k.value, v.value]));
  const ks = commonSchema(entries.map(([k]) => k.schema));
  const vs = commonSchema(entries.map(([, v]) => v.schema));
  if (!ks || !vs) return { schema: null, value };
  return {
    schema: SchemaBuilder.map(SchemaBuilder.from(ks).optional().build(), SchemaBuilder.from(vs).optional().build()).build(),
    value,
  };
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z$/;
const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z$/;

function utc(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): Date {
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, ms);
  return date;
}

/** A number, an ISO date/time/timestamp, or undefined. */
function parseScalar(token: string): SchemaAndValue | undefined {
  if (token === '') return undefined;
  const first = token[0]!;
  const isDigit = first >= '0' && first <= '9';
  if (isDigit) {
    let m = TIMESTAMP_RE.exec(token);
    if (m) {
      return { schema: LogicalTimestamp.schema(), value: utc(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!, +m[7]!) };
    }
    m = DATE_RE.exec(token);
    if (m) return { schema: LogicalDate.schema(), value: utc(+m[1]!, +m[2]!, +m[3]!) };
    m = TIME_RE.exec(token);
    if (m) {
      const d = utc(1970, 1, 1, +m[1]!, +m[2]!, +m[3]!, +m[4]!);
      if (d.getTime() < MS_PER_DAY) return { schema: LogicalTime.schema(), value: d };
    }
  }
  if (isDigit || first === '+' || first === '-') {
    let decimal: BigDecimal;
    try {
      decimal = BigDecimal.parse(token);
    } catch {
      return undefined;
    }
    return numberSchemaAndValue(decimal);
  }
  return undefined;
}

/** Connect's `Values.parseAsNumber`: the smallest integer type, else float32, float64, or a Decimal. */
function numberSchemaAndValue(decimal: BigDecimal): SchemaAndValue {
  const divisor = decimal.scale > 0 ? 10n ** BigInt(decimal.scale) : 1n;
  const integral = decimal.scale <= 0 || decimal.unscaled % divisor === 0n;
  if (integral) {
    const n = decimal.scale <= 0 ? decimal.unscaled * 10n ** BigInt(-decimal.scale) : decimal.unscaled / divisor;
    if (n >= -128n && n <= 127n) return { schema: Schema.INT8, value: Number(n) };
    if (n >= -32768n && n <= 32767n) return { schema: Schema.INT16, value: Number(n) };
    if (n >= -2147483648n && n <= 2147483647n) return { schema: Schema.INT32, value: Number(n) };
    if (n >= LONG_MIN && n <= LONG_MAX) return { schema: Schema.INT64, value: longValue(n) };
  }
  const d = decimal.toNumber();
  const f = Math.fround(d);
  if (Number.isFinite(f) && decimal.scale !== 0) return { schema: Schema.FLOAT32, value: f };
  if (Number.isFinite(d) && decimal.scale !== 0) return { schema: Schema.FLOAT64, value: d };
  return { schema: Decimal.schema(decimal.scale), value: decimal };
}

/**
 * Connect's `Values.parseString`: infers a schema from text — booleans, the smallest integer type, floats,
 * decimals, ISO dates/times/timestamps, `[...]` arrays and `{k:v}` maps — falling back to STRING.
 */
export function parseString(text: string | null | undefined): SchemaAndValue {
  if (text === null || text === undefined) return { schema: null, value: null };
  if (text === '') return { schema: Schema.STRING, value: text };
  const trimmed = text.trim();
  if (trimmed === '') return { schema: Schema.STRING, value: text };
  if (trimmed === 'true') return { schema: Schema.BOOLEAN, value: true };
  if (trimmed === 'false') return { schema: Schema.BOOLEAN, value: false };
  if (trimmed[0] === '[' || trimmed[0] === '{') {
    try {
      const parser = new ValueParser(trimmed);
      const result = parser.parseEmbedded();
      if (parser.atEnd()) return result;
    } catch (e) {
      if (!(e instanceof ParseFailure)) throw e;
    }
    return { schema: Schema.STRING, value: text };
  }
  return parseScalar(trimmed) ?? { schema: Schema.STRING, value: text };
}
