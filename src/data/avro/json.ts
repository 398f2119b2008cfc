/**
 * JSON as Jackson holds it inside Java Avro: numbers keep their Java kind (an int prints `2`, a float
 * `12.2`, a double `1.0`), objects keep their key order. Avro schemas, their properties and field defaults
 * are made of these, so a schema prints byte for byte as Java's `Schema.toString()` does.
 */
import { DataException } from '../errors.js';
import { javaDoubleToString, javaFloatToString } from '../java-numbers.js';

export type JsonNumberKind = 'int' | 'long' | 'bigint' | 'float' | 'double';

/** A Jackson number node: IntNode, LongNode, BigIntegerNode, FloatNode, DoubleNode. */
export class JsonNumber {
  constructor(
    readonly kind: JsonNumberKind,
    readonly value: number | bigint,
  ) {}

  static int(v: number): JsonNumber {
    return new JsonNumber('int', v);
  }
  static long(v: number | bigint): JsonNumber {
    return new JsonNumber('long', v);
  }
  static float(v: number): JsonNumber {
    return new JsonNumber('float', v);
  }
  static double(v: number): JsonNumber {
    return new JsonNumber('double', v);
  }

  get isIntegral(): boolean {
    return this.kind === 'int' || this.kind === 'long' || this.kind === 'bigint';
  }

  /** Jackson's `canConvertToInt` / `canConvertToLong`. */
  fitsInt(): boolean {
    return this.isIntegral && BigInt(this.value) >= -2147483648n && BigInt(this.value) <= 2147483647n;
  }
  fitsLong(): boolean {
    return this.isIntegral && BigInt(this.value) >= -(2n ** 63n) && BigInt(this.value) < 2n ** 63n;
  }

  toNumber(): number {
    return Number(this.value);
  }

  /** The value as Java's `longValue()` of an integral node (a safe integer as number, else bigint). */
  toLong(): number | bigint {
    if (typeof this.value === 'number') return Number.isInteger(this.value) ? this.value : Math.trunc(this.value);
    const b = BigInt.asIntN(64, this.value);
    return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
  }

  toJSON(): number {
    return Number(this.value);
  }
}

export type JsonObject = Map<string, Json>;
export type Json = null | boolean | string | JsonNumber | Json[] | JsonObject;

export function isJsonObject(j: Json | undefined): j is JsonObject {
  return j instanceof Map;
}

// ------------------------------------------------------------------ printing (Jackson's compact generator)

const HEX = '0123456789ABCDEF';
const SHORT_ESCAPES: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r', 34: '\\"', 92: '\\\\' };

/** A JSON string as Jackson writes it: control characters as `\u00XX` with upper-case hex, non-ASCII raw. */
export function quoteJson(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 32 && c !== 34 && c !== 92) continue;
    out += s.slice(start, i) + (SHORT_ESCAPES[c] ?? `\\u00${HEX[c >> 4]}${HEX[c & 15]}`);
    start = i + 1;
  }
  return out + s.slice(start) + '"';
}

function printNumber(n: JsonNumber): string {
  switch (n.kind) {
    case 'int':
    case 'long':
    case 'bigint':
      return typeof n.value === 'bigint' ? n.value.toString() : String(Math.trunc(n.value));
    case 'float':
    case 'double': {
      const v = Number(n.value);
      // Jackson quotes the non-numeric doubles (QUOTE_NON_NUMERIC_NUMBERS is on by default).
      if (!Number.isFinite(v)) return `"${v !== v ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'}"`;
      return n.kind === 'float' ? javaFloatToString(v) : javaDoubleToString(v);
    }
  }
}

export function printJson(j: Json): string {
  if (j === null) return 'null';
  if (typeof j === 'boolean') return j ? 'true' : 'false';
  if (typeof j === 'string') return quoteJson(j);
  if (j instanceof JsonNumber) return printNumber(j);
  if (Array.isArray(j)) return `[${j.map(printJson).join(',')}]`;
  let out = '{';
  let first = true;
  for (const [k, v] of j) {
    out += `${first ? '' : ','}${quoteJson(k)}:${printJson(v)}`;
    first = false;
  }
  return out + '}';
}

/** The same value as plain JSON (objects for maps, JS numbers), as JSON.parse would give it. */
export function plainJson(j: Json): unknown {
  if (j === null || typeof j !== 'object') return j;
  if (j instanceof JsonNumber) return j.toJSON();
  if (Array.isArray(j)) return j.map(plainJson);
  const out: Record<string, unknown> = {};
  for (const [k, v] of j) out[k] = plainJson(v);
  return out;
}

// ------------------------------------------------------------------ parsing (Jackson's readTree, comments allowed)

/** Parses JSON text as Jackson's ObjectMapper does for Avro: int/long/BigInteger by size, doubles, ordered objects. */
export function parseJson(text: string): Json {
  const p = new Parser(text);
  p.space();
  const v = p.value();
  p.space();
  if (p.pos < text.length) p.fail('unexpected text after the JSON value');
  return v;
}

const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

class Parser {
  pos = 0;
  constructor(readonly text: string) {}

  fail(why: string): never {
    throw new DataException(`invalid JSON at offset ${this.pos}: ${why}`);
  }

  space(): void {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++;
      else if (c === 47 && t[this.pos + 1] === '/') {
        const end = t.indexOf('\n', this.pos);
        this.pos = end < 0 ? t.length : end + 1;
      } else if (c === 47 && t[this.pos + 1] === '*') {
        const end = t.indexOf('*/', this.pos + 2);
        if (end < 0) this.fail('unterminated comment');
        this.pos = end + 2;
      } else return;
    }
  }

  value(): Json {
    const t = this.text;
    const c = t[this.pos];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (t.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    return this.fail(c === undefined ? 'unexpected end' : `unexpected character '${c}'`);
  }

  object(): JsonObject {
    const out: JsonObject = new Map();
    this.pos++;
    this.space();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.space();
      if (this.text[this.pos] !== '"') this.fail('expected a field name');
      const key = this.string();
      this.space();
      if (this.text[this.pos] !== ':') this.fail("expected ':'");
      this.pos++;
      this.space();
      out.set(key, this.value());
      this.space();
      const c = this.text[this.pos++];
      if (c === '}') return out;
      if (c !== ',') this.fail("expected ',' or '}'");
    }
  }

  array(): Json[] {
    const out: Json[] = [];
    this.pos++;
    this.space();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.space();
      out.push(this.value());
      this.space();
      const c = this.text[this.pos++];
      if (c === ']') return out;
      if (c !== ',') this.fail("expected ',' or ']'");
    }
  }

  string(): string {
    const t = this.text;
    let out = '';
    let start = ++this.pos;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (Number.isNaN(c)) this.fail('unterminated string');
      if (c === 34) {
        out += t.slice(start, this.pos++);
        return out;
      }
      if (c < 32) this.fail('control character in string');
      if (c !== 92) {
        this.pos++;
        continue;
      }
      out += t.slice(start, this.pos);
      const e = t[this.pos + 1];
      this.pos += 2;
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          const hex = t.slice(this.pos, this.pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('invalid \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 4;
          break;
        }
        default:
          this.fail(`invalid escape '\\${e ?? ''}'`);
      }
      start = this.pos;
    }
  }

  number(): JsonNumber {
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (!m) return this.fail('invalid number');
    this.pos += m[0].length;
    if (m[1] === undefined && m[2] === undefined) {
      const b = BigInt(m[0]);
      if (b >= INT_MIN && b <= INT_MAX) return JsonNumber.int(Number(b));
      if (b >= LONG_MIN && b <= LONG_MAX) return JsonNumber.long(Number.isSafeInteger(Number(b)) ? Number(b) : b);
      return new JsonNumber('bigint', b);
    }
    return JsonNumber.double(Number(m[0]));
  }
}
