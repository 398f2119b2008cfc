import { Buffer } from 'node:buffer';
import { BigDecimal } from './big-decimal.js';
import { schemaEquals } from './equality.js';
import { DataException } from './errors.js';
import { Decimal, LogicalDate, LogicalTime, LogicalTimestamp } from './logical.js';
import { Schema, type SchemaType } from './schema.js';
import { SchemaBuilder } from './schema-builder.js';
import { Struct } from './struct.js';
import { javaBigDecimalToString, javaDoubleToString, javaFloatToString, parseFloat32 } from './java-numbers.js';

export { javaBigDecimalToString, javaDoubleToString, javaFloatToString, parseFloat32 } from './java-numbers.js';

// =================================================================================================================
// Values: Kafka Connect's text form of Connect values (`org.apache.kafka.connect.data.Values`), used by
// SimpleHeaderConverter, and schema inference for schemaless values.
// =================================================================================================================

const MILLIS_PER_DAY = 86_400_000;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function formatDate(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}
function formatTime(d: Date): string {
  return `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}Z`;
}

/** Java's `Values.dateFormatFor(value).format(value)` in UTC: time if before one day, date if midnight, else timestamp. */
export function formatTemporal(d: Date): string {
  const ms = d.getTime();
  if (ms < MILLIS_PER_DAY) return formatTime(d);
  if (ms % MILLIS_PER_DAY === 0) return formatDate(d);
  return `${formatDate(d)}T${formatTime(d)}`;
}

function escapeEmbedded(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

function appendNumber(value: number, schema: Schema | null | undefined): string {
  if (schema?.type === 'FLOAT32') return javaFloatToString(value);
  if (schema?.type === 'FLOAT64') return javaDoubleToString(value);
  if (schema && (schema.type === 'INT8' || schema.type === 'INT16' || schema.type === 'INT32' || schema.type === 'INT64')) {
    return String(value);
  }
  return Number.isSafeInteger(value) && !Object.is(value, -0) ? String(value) : javaDoubleToString(value);
}

function append(value: unknown, embedded: boolean, schema: Schema | null | undefined): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'number': return appendNumber(value, schema);
    case 'bigint': return value.toString();
    case 'boolean': return value ? 'true' : 'false';
    case 'string': return embedded ? `"${escapeEmbedded(value)}"` : value;
  }
  if (value instanceof BigDecimal) return javaBigDecimalToString(value);
  if (value instanceof Uint8Array) {
    const b64 = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
    return embedded ? `"${b64}"` : b64;
  }
  if (Array.isArray(value)) return `[${value.map((v) => append(v, true, schema?.valueSchema)).join(',')}]`;
  if (value instanceof Map) {
    return `{${[...value].map(([k, v]) => `${append(k, true, schema?.keySchema)}:${append(v, true, schema?.valueSchema)}`).join(',')}}`;
  }
  if (value instanceof Struct) {
    return `{${value.schema.fields.map((f) => `${append(f.name, true, null)}:${append(value.get(f), true, f.schema)}`).join(',')}}`;
  }
  if (value instanceof Date) return formatTemporal(value);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return `{${Object.entries(value).map(([k, v]) => `${append(k, true, null)}:${append(v, true, schema?.valueSchema)}`).join(',')}}`;
  }
  throw new DataException(`Failed to serialize unexpected value type ${(value as object).constructor?.name ?? typeof value}: ${String(value)}`);
}

/**
 * `Values.convertToString(schema, value)`: strings raw, numbers as Java prints them (the schema tells FLOAT32 from
 * FLOAT64; without one, integers print as integers), booleans, bytes as base64, `[a,b]`, `{k:v}`, structs as
 * `{"f":v}` with nested strings quoted and escaped, dates as `yyyy-MM-dd` / `HH:mm:ss.SSSZ` / both (UTC).
 */
export function convertToString(schema: Schema | null, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return append(value, false, schema);
}

// ---------------------------------------------------------------------------------------------------------------
// Schema inference

/**
 * `Values.inferSchema(value)`: the schema of a schemaless value, or null when none can be inferred (null, empty
 * or mixed collections, decimals, dates). JS numbers carry no width: integers become INT32 when they fit, else
 * INT64; other numbers FLOAT64; bigint INT64.
 */
export function inferSchema(value: unknown): Schema | null {
  if (typeof value === 'string') return Schema.STRING;
  if (typeof value === 'boolean') return Schema.BOOLEAN;
  if (typeof value === 'bigint') return Schema.INT64;
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return value >= -2147483648 && value <= 2147483647 ? Schema.INT32 : Schema.INT64;
    return Schema.FLOAT64;
  }
  if (value instanceof Uint8Array) return Schema.BYTES;
  if (Array.isArray(value)) {
    if (value.length === 0) return null;
    const d = new SchemaDetector();
    for (const e of value) if (!d.canDetect(e)) return null;
    const s = d.schema();
    return s ? SchemaBuilder.array(s).build() : null;
  }
  const entries = value instanceof Map ? [...value] : isPlainObject(value) ? Object.entries(value) : undefined;
  if (entries) {
    if (entries.length === 0) return null;
    const kd = new SchemaDetector();
    const vd = new SchemaDetector();
    for (const [k, v] of entries) if (!kd.canDetect(k) || !vd.canDetect(v)) return null;
    const ks = kd.schema();
    const vs = vd.schema();
    return ks && vs ? SchemaBuilder.map(ks, vs).build() : null;
  }
  if (value instanceof Struct) return value.schema;
  return null;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);
}

class SchemaDetector {
  #type: SchemaType | undefined;
  #optional = false;
  canDetect(value: unknown): boolean {
    if (value === null || value === undefined) {
      this.#optional = true;
      return true;
    }
    const s = inferSchema(value);
    if (!s) return false;
    if (this.#type === undefined) this.#type = s.type;
    else if (this.#type !== s.type) return false;
    return true;
  }
  schema(): Schema | null {
    if (this.#type === undefined || this.#type === 'ARRAY' || this.#type === 'MAP' || this.#type === 'STRUCT') {
      return null; // Java builds a bare ARRAY/MAP/STRUCT type here, which has no element schema: not expressible
    }
    const b = SchemaBuilder.type(this.#type);
    if (this.#optional) b.optional();
    return b.build();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing (Values.parseString): a faithful port of Kafka's tokenizer and ValueParser, quirks included.

const DATE_SCHEMA = LogicalDate.schema();
const TIME_SCHEMA = LogicalTime.schema();
const TIMESTAMP_SCHEMA = LogicalTimestamp.schema();

function isBlank(s: string | null): boolean {
  return s === null || javaTrim(s) === '';
}

/** Java's String.trim(): strips characters ≤ U+0020 at both ends. */
function javaTrim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 0x20) a++;
  while (b > a && s.charCodeAt(b - 1) <= 0x20) b--;
  return s.slice(a, b);
}

class Tokenizer {
  pos = 0;
  nextToken: string | null = null;
  previousToken: string | null = null;
  constructor(readonly original: string) {}

  mark(): number {
    return this.pos - (this.nextToken !== null ? this.nextToken.length : 0);
  }
  rewindTo(p: number): void {
    this.pos = p;
    this.nextToken = null;
    this.previousToken = null;
  }
  hasNext(): boolean {
    return this.nextToken !== null || this.canConsumeNextToken();
  }
  canConsumeNextToken(): boolean {
    return this.original.length > this.pos;
  }
  next(): string {
    if (this.nextToken !== null) {
      this.previousToken = this.nextToken;
      this.nextToken = null;
    } else {
      this.previousToken = this.consumeNextToken();
    }
    return this.previousToken;
  }
  nextN(n: number): string | null {
    const current = this.mark();
    const start = this.mark();
    for (let i = 0; i !== n; i++) {
      if (!this.hasNext()) {
        this.rewindTo(start);
        return null;
      }
      this.next();
    }
    return this.original.slice(current, this.pos);
  }
  consumeNextToken(): string {
    let escaped = false;
    const start = this.pos;
    const s = this.original;
    while (this.canConsumeNextToken()) {
      const c = s[this.pos];
      switch (c) {
        case '\\':
          escaped = !escaped;
          break;
        case ':': case ',': case '{': case '}': case '[': case ']': case '"':
          if (!escaped) {
            if (start < this.pos) return s.slice(start, this.pos);
            this.pos++;
            return s.slice(start, start + 1);
          }
          escaped = false;
          break;
        default:
          escaped = false;
      }
      this.pos++;
    }
    return s.slice(start, this.pos);
  }
  canConsume(expected: string): boolean {
    if (this.isNext(expected)) {
      this.nextToken = null;
      return true;
    }
    return false;
  }
  isNext(expected: string): boolean {
    if (this.nextToken === null) {
      if (!this.hasNext()) return false;
      this.nextToken = this.consumeNextToken();
    }
    while (isBlank(this.nextToken) && this.canConsumeNextToken()) this.nextToken = this.consumeNextToken();
    return javaTrim(this.nextToken!) === expected;
  }
}

/** A value's schema and the value, as parsed; the schema is null when Kafka's would have no element type. */
interface Parsed {
  readonly schema: Schema | null;
  readonly value: unknown;
}

const TRUE: Parsed = Object.freeze({ schema: Schema.BOOLEAN, value: true });
const FALSE: Parsed = Object.freeze({ schema: Schema.BOOLEAN, value: false });
const BIGGER_THAN_LONG = 10n ** 19n;

class ValueParser {
  constructor(readonly p: Tokenizer) {}

  canParseSingleTokenLiteral(embedded: boolean, literal: string): boolean {
    const start = this.p.mark();
    if (this.p.canConsume(literal)) {
      if (embedded || !this.p.hasNext()) return true;
    }
    this.p.rewindTo(start);
    return false;
  }

  parse(embedded: boolean): Parsed | null {
    const p = this.p;
    if (!p.hasNext()) return null;
    if (embedded && p.canConsume('"')) return this.parseQuotedString();
    if (this.canParseSingleTokenLiteral(embedded, 'null')) return null;
    if (this.canParseSingleTokenLiteral(embedded, 'true')) return TRUE;
    if (this.canParseSingleTokenLiteral(embedded, 'false')) return FALSE;
    const start = p.mark();
    try {
      if (p.canConsume('[')) return this.parseArray();
      if (p.canConsume('{')) return this.parseMap();
    } catch (e) {
      if (!(e instanceof DataException)) throw e;
      p.rewindTo(start);
    }
    const token = p.next();
    if (isBlank(token)) return { schema: Schema.STRING, value: token };
    return this.parseNextToken(embedded, javaTrim(token));
  }

  parseNextToken(embedded: boolean, token: string): Parsed {
    const first = token[0]!;
    const digit = /^\p{Nd}$/u.test(first);
    if (digit) {
      const temporal = this.parseMultipleTokensAsTemporal(token);
      if (temporal) return temporal;
    }
    if (digit || first === '+' || first === '-') {
      const n = parseAsNumber(token);
      if (n) return n;
    }
    if (embedded) throw new DataException('Failed to parse embedded value');
    return { schema: Schema.STRING, value: this.p.original };
  }

  parseQuotedString(): Parsed {
    let sb = '';
    while (this.p.hasNext()) {
      if (this.p.canConsume('"')) break;
      sb += this.p.next();
    }
    return parseAsTemporal(sb) ?? { schema: Schema.STRING, value: sb };
  }

  parseArray(): Parsed {
    const p = this.p;
    let result: unknown[] = [];
    const merger = new SchemaMerger();
    while (p.hasNext()) {
      if (p.canConsume(']')) {
        const common = merger.schema();
        if (common) {
          const listSchema = SchemaBuilder.array(common).build();
          result = result.map((v) => convertTo(common, v));
          return { schema: listSchema, value: result };
        }
        return { schema: null, value: result }; // Kafka: an ARRAY schema without element schema
      }
      if (p.canConsume(',')) throw new DataException(`Unable to parse an empty array element: ${p.original}`);
      const element = this.parse(true);
      merger.merge(element);
      result.push(element ? element.value : null);
      const current = p.mark();
      if (p.canConsume(']')) p.rewindTo(current);
      else if (!p.canConsume(',')) throw new DataException("Array elements missing ',' delimiter");
    }
    if (p.previousToken === ',') throw new DataException(`Array is missing element after ',': ${p.original}`);
    throw new DataException(`Array is missing terminating ']': ${p.original}`);
  }

  parseMap(): Parsed {
    const p = this.p;
    let result = new Map<unknown, unknown>();
    const keys = new SchemaMerger();
    const values = new SchemaMerger();
    while (p.hasNext()) {
      if (p.canConsume('}')) {
        const ks = keys.schema();
        const vs = values.schema();
        if (ks && vs) {
          const mapSchema = SchemaBuilder.map(ks, vs).build();
          result = new Map([...result].map(([k, v]) => [convertTo(ks, k), convertTo(vs, v)]));
          return { schema: mapSchema, value: result };
        }
        if (ks) result = new Map([...result].map(([k, v]) => [convertTo(ks, k), v]));
        return { schema: null, value: result }; // Kafka: a MAP schema without key and/or value schema
      }
      if (p.canConsume(',')) throw new DataException(`Unable to parse a map entry with no key or value: ${p.original}`);
      const key = this.parse(true);
      if (!key || key.value === null) throw new DataException(`Map entry may not have a null key: ${p.original}`);
      if (!p.canConsume(':')) throw new DataException(`Map entry is missing ':' at ${p.pos} in ${p.original}`);
      const value = this.parse(true);
      result.set(key.value, value ? value.value : null);
      p.canConsume(',');
      keys.merge(key);
      values.merge(value);
    }
    if (p.previousToken === ',') throw new DataException(`Map is missing element after ',': ${p.original}`);
    throw new DataException(`Map is missing terminating '}': ${p.original}`);
  }

  parseMultipleTokensAsTemporal(token: string): Parsed | null {
    const position = this.p.mark();
    const remainder = this.p.nextN(4);
    if (remainder !== null) {
      const t = parseAsTemporal(token + remainder);
      if (t) return t;
    }
    this.p.rewindTo(position);
    return parseAsTemporal(token);
  }
}

function parseAsNumber(token: string): Parsed | null {
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(token)) return null; // Java: NumberFormatException
  const decimal = BigDecimal.parse(token);
  const exact = parseAsExactDecimal(decimal);
  if (exact) return exact;
  const f = parseFloat32(token);
  const d = Number(token);
  if (Number.isFinite(f) && decimal.scale !== 0) return { schema: Schema.FLOAT32, value: f };
  if (Number.isFinite(d) && decimal.scale !== 0) return { schema: Schema.FLOAT64, value: d };
  return { schema: Decimal.schema(decimal.scale), value: decimal };
}

function parseAsExactDecimal(decimal: BigDecimal): Parsed | null {
  const unscaledAbs = decimal.unscaled < 0n ? -decimal.unscaled : decimal.unscaled;
  const abs = new BigDecimal(unscaledAbs, decimal.scale);
  if (abs.compareTo(new BigDecimal(BIGGER_THAN_LONG, 0)) > 0) return null;
  if (unscaledAbs !== 0n && abs.compareTo(new BigDecimal(1n, 0)) < 0) return null;
  // whole number?
  let integral: bigint;
  if (decimal.scale <= 0) integral = decimal.unscaled * 10n ** BigInt(-decimal.scale);
  else {
    const p = 10n ** BigInt(decimal.scale);
    if (decimal.unscaled % p !== 0n) return null;
    integral = decimal.unscaled / p;
  }
  if (integral < INT64_MIN || integral > INT64_MAX) return null;
  if (integral >= -128n && integral <= 127n) return { schema: Schema.INT8, value: Number(integral) };
  if (integral >= -32768n && integral <= 32767n) return { schema: Schema.INT16, value: Number(integral) };
  if (integral >= -2147483648n && integral <= 2147483647n) return { schema: Schema.INT32, value: Number(integral) };
  const safe = integral >= -9007199254740991n && integral <= 9007199254740991n;
  return { schema: Schema.INT64, value: safe ? Number(integral) : integral };
}

/**
 * SimpleDateFormat (lenient, UTC) on Kafka's three patterns; like Java, text after a complete match is ignored
 * and out-of-range fields roll over (month 13 → January of the next year).
 */
function parseAsTemporal(raw: string | null): Parsed | null {
  if (raw === null) return null;
  const token = raw.replace(/\\:/g, ':');
  let m: RegExpExecArray | null;
  switch (token.length) {
    case 13:
      m = /^(\d+):(\d+):(\d+)\.(\d+)Z/.exec(token);
      return m ? { schema: TIME_SCHEMA, value: utc(1970, 1, 1, +m[1]!, +m[2]!, +m[3]!, +m[4]!) } : null;
    case 24:
      m = /^(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)\.(\d+)Z/.exec(token);
      return m ? { schema: TIMESTAMP_SCHEMA, value: utc(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!, +m[7]!) } : null;
    case 10:
      m = /^(\d+)-(\d+)-(\d+)/.exec(token);
      return m ? { schema: DATE_SCHEMA, value: utc(+m[1]!, +m[2]!, +m[3]!, 0, 0, 0, 0) } : null;
    default:
      return null;
  }
}

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): Date {
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, ms);
  return date;
}

class SchemaMerger {
  #common: Schema | null = null;
  #compatible = true;
  merge(latest: Parsed | null): void {
    if (latest && latest.schema && this.#compatible) {
      if (!this.#common) this.#common = latest.schema;
      else {
        this.#common = mergeSchemas(this.#common, latest.schema);
        this.#compatible = this.#common !== null;
      }
    }
  }
  schema(): Schema | null {
    return this.#common;
  }
}

const NUMERIC_RANK: Partial<Record<SchemaType, number>> = { INT8: 0, INT16: 1, INT32: 2, INT64: 3, FLOAT32: 4, FLOAT64: 5 };

function mergeSchemas(previous: Schema, next: Schema): Schema | null {
  if (previous.type !== next.type) {
    const a = NUMERIC_RANK[previous.type];
    const b = NUMERIC_RANK[next.type];
    if (a === undefined || b === undefined) return null;
    return b > a ? next : previous;
  }
  if (previous.optional === next.optional) return previous.optional ? previous : next;
  return schemaEquals(previous, next) ? previous : null;
}

/** `Values.convertTo(toSchema, null, value)` for what parsing produces: numeric widening and logical types. */
function convertTo(to: Schema, value: unknown): unknown {
  if (value === null || value === undefined) {
    if (to.optional) return null;
    throw new DataException('Unable to convert a null value to a schema that requires a value');
  }
  const num = (): number => {
    if (typeof value === 'number') return value;
    if (typeof value === 'bigint') return Number(value);
    if (value instanceof BigDecimal) return value.toNumber();
    throw new DataException(`Unable to convert ${String(value)} to a number`);
  };
  const long = (): number | bigint => {
    if (typeof value === 'bigint') return value;
    if (value instanceof BigDecimal) return value.setScale(0, false).unscaled;
    return Math.trunc(num());
  };
  switch (to.name) {
    case Decimal.LOGICAL_NAME:
      if (value instanceof BigDecimal) return value;
      if (typeof value === 'number') return BigDecimal.fromNumber(value);
      if (typeof value === 'string') return BigDecimal.parse(value);
      throw new DataException(`Unable to convert ${String(value)} to ${to}`);
    case LogicalDate.LOGICAL_NAME:
      return value instanceof Date ? value : LogicalDate.toLogical(to, Number(long()) | 0);
    case LogicalTime.LOGICAL_NAME:
      return value instanceof Date ? value : LogicalTime.toLogical(to, Number(long()) | 0);
    case LogicalTimestamp.LOGICAL_NAME:
      return value instanceof Date ? value : LogicalTimestamp.toLogical(to, long());
  }
  switch (to.type) {
    case 'INT8': return (Number(BigInt.asIntN(8, BigInt(long()))));
    case 'INT16': return (Number(BigInt.asIntN(16, BigInt(long()))));
    case 'INT32': return (Number(BigInt.asIntN(32, BigInt(long()))));
    case 'INT64': {
      const l = BigInt.asIntN(64, BigInt(long()));
      return l >= -9007199254740991n && l <= 9007199254740991n ? Number(l) : l;
    }
    case 'FLOAT32': return Math.fround(num());
    case 'FLOAT64': return num();
    case 'STRING': return typeof value === 'string' ? value : convertToString(null, value);
    default: return value;
  }
}

/**
 * `Values.parseString(text)`: infers a schema and value from text (SimpleHeaderConverter's read side):
 * `true`/`false`, the smallest integer type, FLOAT32/FLOAT64/Decimal, `[…]` arrays and `{…}` maps (falling back to
 * the whole text as a STRING when they do not parse), dates/times/timestamps of the exact ISO-8601 lengths, else STRING.
 * Returns `{schema: null, value: null}` for the text `null`.
 */
export function parseString(text: string | null): { schema: Schema | null; value: unknown } {
  if (text === null) return { schema: null, value: null };
  if (text === '') return { schema: Schema.STRING, value: text };
  const parsed = new ValueParser(new Tokenizer(text)).parse(false);
  return parsed ?? { schema: null, value: null };
}

/** Kafka's `Values` utility, grouped. */
export const Values = { convertToString, parseString, inferSchema } as const;
