/**
 * A JSON reader and writer that keep what Jackson keeps and JavaScript's JSON loses: the text of each number (so
 * `1.0` stays apart from `1`, and big integers stay exact) and the order of object members.
 */

/** A JSON number as written in the source text. */
export class JsonNumber {
  constructor(readonly literal: string) {}
  /** Jackson reads a number without `.`, `e` or `E` as an integral node (int, long or BigInteger). */
  get isIntegral(): boolean {
    return !/[.eE]/.test(this.literal);
  }
  get value(): number {
    return Number(this.literal);
  }
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;
/** Members in source order; a repeated name keeps its first position and its last value, as Jackson's readTree. */
export type JsonObject = Map<string, JsonValue>;

export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
}

export function isJsonObject(v: JsonValue | undefined): v is JsonObject {
  return v instanceof Map;
}

/** Parses strict JSON text (RFC 8259); `allowNonNumeric` also accepts NaN, Infinity and -Infinity as numbers. */
export function parseJsonText(text: string, allowNonNumeric = false): JsonValue {
  let pos = 0;
  const fail = (what: string): never => {
    throw new JsonSyntaxError(`${what} at position ${pos}`);
  };
  const skipWs = (): void => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) pos++;
      else break;
    }
  };
  const numberRe = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const nonNumericRe = /(?:NaN|-?Infinity)/y;

  const readString = (): string => {
    pos++; // opening quote
    let out = '';
    let start = pos;
    while (true) {
      if (pos >= text.length) fail('Unterminated string');
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        out += text.slice(start, pos);
        pos++;
        return out;
      }
      if (c < 0x20) fail('Unescaped control character in string');
      if (c === 0x5c) {
        out += text.slice(start, pos);
        const e = text[pos + 1];
        pos += 2;
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
            const hex = text.slice(pos, pos + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('Bad unicode escape');
            out += String.fromCharCode(parseInt(hex, 16));
            pos += 4;
            break;
          }
          default:
            fail('Bad escape');
        }
        start = pos;
        continue;
      }
      pos++;
    }
  };

  const readValue = (depth: number): JsonValue => {
    if (depth > 1000) fail('Nesting too deep');
    skipWs();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const obj: JsonObject = new Map();
      skipWs();
      if (text[pos] === '}') {
        pos++;
        return obj;
      }
      while (true) {
        skipWs();
        if (text[pos] !== '"') fail('Expected a member name');
        const key = readString();
        skipWs();
        if (text[pos] !== ':') fail("Expected ':'");
        pos++;
        obj.set(key, readValue(depth + 1));
        skipWs();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === '}') {
          pos++;
          return obj;
        }
        fail("Expected ',' or '}'");
      }
    }
    if (c === '[') {
      pos++;
      const arr: JsonValue[] = [];
      skipWs();
      if (text[pos] === ']') {
        pos++;
        return arr;
      }
      while (true) {
        arr.push(readValue(depth + 1));
        skipWs();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === ']') {
          pos++;
          return arr;
        }
        fail("Expected ',' or ']'");
      }
    }
    if (c === '"') return readString();
    if (text.startsWith('true', pos)) {
      pos += 4;
      return true;
    }
    if (text.startsWith('false', pos)) {
      pos += 5;
      return false;
    }
    if (text.startsWith('null', pos)) {
      pos += 4;
      return null;
    }
    numberRe.lastIndex = pos;
    const m = numberRe.exec(text);
    if (m) {
      pos += m[0].length;
      return new JsonNumber(m[0]);
    }
    if (allowNonNumeric) {
      nonNumericRe.lastIndex = pos;
      const n = nonNumericRe.exec(text);
      if (n) {
        pos += n[0].length;
        return new JsonNumber(n[0]);
      }
    }
    return fail(pos >= text.length ? 'Unexpected end of input' : `Unexpected character '${c}'`);
  };

  const value = readValue(0);
  skipWs();
  if (pos < text.length) fail('Unexpected trailing content');
  return value;
}

/** A string literal with Jackson's escapes: short forms for \b \t \n \f \r, `\u00XX` (upper-case hex) for other controls. */
export function jacksonString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c === 0x22) esc = '\\"';
    else if (c === 0x5c) esc = '\\\\';
    else if (c < 0x20) {
      esc =
        c === 0x08 ? '\\b' : c === 0x09 ? '\\t' : c === 0x0a ? '\\n' : c === 0x0c ? '\\f' : c === 0x0d ? '\\r'
          : `\\u00${c.toString(16).toUpperCase().padStart(2, '0')}`;
    }
    if (esc !== undefined) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}

/** Compact JSON text as Jackson writes a tree; `formatNumber` decides how a number prints (it differs per mapper). */
export function writeJsonText(value: JsonValue, formatNumber: (n: JsonNumber) => string): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return jacksonString(value);
  if (value instanceof JsonNumber) return formatNumber(value);
  if (Array.isArray(value)) return `[${value.map((v) => writeJsonText(v, formatNumber)).join(',')}]`;
  const parts: string[] = [];
  for (const [k, v] of value) parts.push(`${jacksonString(k)}:${writeJsonText(v, formatNumber)}`);
  return `{${parts.join(',')}}`;
}

/** Structural equality of two JSON values; numbers are equal when their values are (1 equals 1.0). */
export function jsonEquals(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (a instanceof JsonNumber && b instanceof JsonNumber) return a.value === b.value;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEquals(x, b[i]!));
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) {
      if (!b.has(k) || !jsonEquals(v, b.get(k)!)) return false;
    }
    return true;
  }
  return false;
}
