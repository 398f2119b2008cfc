/**
 * JSON text as Jackson writes and reads it: string escaping identical to Jackson's generator, and a parser that
 * keeps 64-bit integers (bigint beyond 2^53) and, on request, the exact text of every number.
 */
import { Buffer } from 'node:buffer';

const HEX = '0123456789ABCDEF';
// Characters Jackson escapes: control characters, quote, backslash, and surrogates (pairs included).
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * A JSON string literal exactly as Kafka's Jackson writes it: short escapes for \b \t \n \f \r, `\u00XX`
 * (upper-case) for other control characters, and `\uXXXX` for each UTF-16 surrogate, characters beyond the BMP included.
 */
export function quoteJson(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c < 0x20) {
      switch (c) {
        case 0x08: esc = '\\b'; break;
        case 0x09: esc = '\\t'; break;
        case 0x0a: esc = '\\n'; break;
        case 0x0c: esc = '\\f'; break;
        case 0x0d: esc = '\\r'; break;
        default: esc = `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
      }
    } else if (c === 0x22) {
      esc = '\\"';
    } else if (c === 0x5c) {
      esc = '\\\\';
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // Jackson 2.16's UTF-8 generator (Kafka 3.9) escapes every surrogate, so a supplementary character such as
      // an emoji is written as an escaped pair ("\uD83D\uDE00"), and a lone surrogate as one escape.
      esc = `\\u${c.toString(16).toUpperCase()}`;
    }
    if (esc !== undefined) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}

/** A JSON number kept as its text (only produced by `parseJson(text, { keepNumberText: true })`). */
export class JsonNumberText {
  constructor(readonly text: string) {}
  /** True when written without fraction or exponent (Jackson's "integral number"). */
  get integral(): boolean {
    return !/[.eE]/.test(this.text);
  }
  toNumber(): number {
    return Number(this.text);
  }
}

/** A parsed JSON value: objects are plain objects (own "__proto__" keys kept as data). */
export type JsonValue =
  | null | boolean | number | bigint | string | JsonNumberText | JsonValue[] | { [key: string]: JsonValue };

export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
  constructor(message: string, readonly position: number) {
    super(message);
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A strict JSON parser (RFC 8259, plus Jackson's ALLOW_LEADING_ZEROS_FOR_NUMBERS as Kafka enables it) that keeps
 * integers beyond 2^53 as bigint. With `keepNumberText`, every non-integral number — and every integer written
 * with an exponent — is returned as a `JsonNumberText`.
 */
export function parseJson(text: string, opts: { keepNumberText?: boolean } = {}): JsonValue {
  const p = new Parser(text, opts.keepNumberText ?? false);
  p.ws();
  const v = p.value();
  p.ws();
  if (p.i < text.length) p.fail(`unexpected character ${describeChar(text, p.i)} after the JSON value`);
  return v;
}

/** True when the text has no non-whitespace content (Jackson then reads a "missing" node). */
export function isBlankJson(text: string): boolean {
  return /^[ \t\n\r]*$/.test(text);
}

function describeChar(text: string, i: number): string {
  if (i >= text.length) return 'end of input';
  const c = text[i]!;
  return c.charCodeAt(0) < 0x20 ? `code ${c.charCodeAt(0)}` : `'${c}'`;
}

class Parser {
  i = 0;
  constructor(readonly s: string, readonly keepText: boolean) {}

  fail(msg: string, at = this.i): never {
    const line = this.s.slice(0, at).split('\n').length;
    throw new JsonSyntaxError(`${msg} (at character ${at + 1}, line ${line})`, at);
  }

  ws(): void {
    const s = this.s;
    let i = this.i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.i = i;
  }

  value(): JsonValue {
    const s = this.s;
    const c = s.charCodeAt(this.i);
    switch (c) {
      case 0x7b: return this.object();
      case 0x5b: return this.array();
      case 0x22: return this.string();
      case 0x74: return this.literal('true', true);
      case 0x66: return this.literal('false', false);
      case 0x6e: return this.literal('null', null);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
        return this.fail(`unexpected ${describeChar(s, this.i)}: expected a JSON value`);
    }
  }

  literal<T>(word: string, v: T): T {
    if (!this.s.startsWith(word, this.i)) this.fail(`unrecognized token: expected '${word}'`);
    this.i += word.length;
    return v;
  }

  object(): { [key: string]: JsonValue } {
    const out: { [key: string]: JsonValue } = {};
    this.i++;
    this.ws();
    if (this.s.charCodeAt(this.i) === 0x7d) {
      this.i++;
      return out;
    }
    for (;;) {
      if (this.s.charCodeAt(this.i) !== 0x22) this.fail(`unexpected ${describeChar(this.s, this.i)}: expected a field name in double quotes`);
      const key = this.string();
      this.ws();
      if (this.s.charCodeAt(this.i) !== 0x3a) this.fail(`unexpected ${describeChar(this.s, this.i)}: expected ':' after a field name`);
      this.i++;
      this.ws();
      const v = this.value();
      if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      else out[key] = v;
      this.ws();
      const c = this.s.charCodeAt(this.i);
      if (c === 0x2c) {
        this.i++;
        this.ws();
      } else if (c === 0x7d) {
        this.i++;
        return out;
      } else {
        this.fail(`unexpected ${describeChar(this.s, this.i)}: expected ',' or '}' in an object`);
      }
    }
  }

  array(): JsonValue[] {
    const out: JsonValue[] = [];
    this.i++;
    this.ws();
    if (this.s.charCodeAt(this.i) === 0x5d) {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.ws();
      const c = this.s.charCodeAt(this.i);
      if (c === 0x2c) {
        this.i++;
        this.ws();
      } else if (c === 0x5d) {
        this.i++;
        return out;
      } else {
        this.fail(`unexpected ${describeChar(this.s, this.i)}: expected ',' or ']' in an array`);
      }
    }
  }

  string(): string {
    const s = this.s;
    const start = ++this.i;
    // Fast scan for the common case: no escapes.
    let i = start;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        this.i = i + 1;
        return s.slice(start, i);
      }
      if (c === 0x5c || c < 0x20 || i >= s.length) break;
      i++;
    }
    let out = s.slice(start, i);
    for (;;) {
      if (i >= s.length) this.fail('unexpected end of input in a string', i);
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        this.i = i + 1;
        return out;
      }
      if (c < 0x20) this.fail(`illegal unquoted control character (code ${c}) in a string`, i);
      if (c !== 0x5c) {
        const runStart = i;
        while (i < s.length) {
          const d = s.charCodeAt(i);
          if (d === 0x22 || d === 0x5c || d < 0x20) break;
          i++;
        }
        out += s.slice(runStart, i);
        continue;
      }
      const e = s.charCodeAt(i + 1);
      switch (e) {
        case 0x22: out += '"'; break;
        case 0x5c: out += '\\'; break;
        case 0x2f: out += '/'; break;
        case 0x62: out += '\b'; break;
        case 0x66: out += '\f'; break;
        case 0x6e: out += '\n'; break;
        case 0x72: out += '\r'; break;
        case 0x74: out += '\t'; break;
        case 0x75: {
          const hex = s.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('invalid \\u escape in a string', i);
          out += String.fromCharCode(Number.parseInt(hex, 16));
          i += 4;
          break;
        }
        default:
          this.fail(`unrecognized character escape ${describeChar(s, i + 1)} in a string`, i);
      }
      i += 2;
    }
  }

  number(): number | bigint | JsonNumberText {
    const s = this.s;
    const start = this.i;
    let i = start;
    if (s.charCodeAt(i) === 0x2d) i++;
    const intStart = i;
    while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
    if (i === intStart) this.fail('invalid number: expected a digit after the minus sign', i);
    let integral = true;
    if (s.charCodeAt(i) === 0x2e) {
      integral = false;
      i++;
      const f = i;
      while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
      if (i === f) this.fail('invalid number: expected a digit after the decimal point', i);
    }
    const ec = s.charCodeAt(i);
    if (ec === 0x65 || ec === 0x45) {
      integral = false;
      i++;
      const sc = s.charCodeAt(i);
      if (sc === 0x2b || sc === 0x2d) i++;
      const f = i;
      while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
      if (i === f) this.fail('invalid number: expected a digit in the exponent', i);
    }
    this.i = i;
    const text = s.slice(start, i);
    if (!integral) {
      if (this.keepText) return new JsonNumberText(text);
      const v = Number(text);
      // Jackson reads "-0.0" through BigDecimal, which has no negative zero; "-1e-400" stays -0.0.
      return v === 0 && !/[1-9]/.test(text.split(/[eE]/)[0]!) ? 0 : v;
    }
    if (i - intStart <= 15) {
      const n = Number(text);
      return n === 0 ? 0 : n; // "-0" is the integer zero
    }
    const b = BigInt(text);
    return b <= MAX_SAFE && b >= -MAX_SAFE ? Number(b) : b;
  }
}

/**
 * Strict base64 as Jackson's MIME-NO-LINEFEEDS variant reads it: padding required; whitespace is allowed only
 * between 4-character units.
 */
export function decodeBase64(s: string): Uint8Array | undefined {
  if (s.length % 4 !== 0 || !BASE64.test(s)) {
    let compact = '';
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c <= 0x20) {
        if (compact.length % 4 !== 0) return undefined;
      } else {
        compact += s[i];
      }
    }
    if (compact === s || compact.length % 4 !== 0 || !BASE64.test(compact)) return undefined;
    s = compact;
  }
  return Buffer.from(s, 'base64');
}
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function encodeBase64(b: Uint8Array): string {
  return (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength)).toString('base64');
}
