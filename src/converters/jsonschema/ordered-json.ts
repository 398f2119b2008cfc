/**
 * JSON values that keep what JS objects lose: the order of every key (a JS object lists integer-like keys first)
 * and the exact text of every number. Schema documents are read into this form, and the schema text written
 * from it, because key order and number text are part of what Confluent registers.
 */
import { DataException } from '../../data/index.js';

/** A JSON number as text: as written in a document, or as Java's `Number.toString()` prints the value. */
export class JNumber {
  constructor(readonly text: string) {}
  /** No fraction and no exponent (Jackson reads it as an int, long or BigInteger). */
  get integral(): boolean {
    return !/[.eE]/.test(this.text);
  }
}

export type OObject = Map<string, OJson>;
export type OJson = null | boolean | string | JNumber | OJson[] | OObject;

export function isOObject(v: OJson | undefined): v is OObject {
  return v instanceof Map;
}

/** Parses strict JSON (RFC 8259) keeping key order and number text; a repeated key keeps its first place, last value. */
export function parseOrderedJson(text: string, what = 'JSON'): OJson {
  const p = new Parser(text, what);
  p.ws();
  const v = p.value(0);
  p.ws();
  if (p.i < text.length) p.fail('unexpected content after the JSON value');
  return v;
}

const MAX_DEPTH = 1000;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Parser {
  i = 0;
  constructor(readonly s: string, readonly what: string) {}

  fail(reason: string): never {
    throw new DataException(`invalid ${this.what}: ${reason} at character ${this.i + 1}`);
  }

  ws(): void {
    while (this.i < this.s.length) {
      const c = this.s.charCodeAt(this.i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.i++;
    }
  }

  value(depth: number): OJson {
    if (depth > MAX_DEPTH) this.fail('nesting too deep');
    const c = this.s[this.i];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    if (c === 't') return this.word('true', true);
    if (c === 'f') return this.word('false', false);
    if (c === 'n') return this.word('null', null);
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.s);
    if (!m) this.fail(c === undefined ? 'unexpected end of input' : `unexpected character '${c}'`);
    this.i += m[0].length;
    return new JNumber(m[0]);
  }

  word<T>(w: string, v: T): T {
    if (!this.s.startsWith(w, this.i)) this.fail(`unrecognized token, expected '${w}'`);
    this.i += w.length;
    return v;
  }

  object(depth: number): OObject {
    const out: OObject = new Map();
    this.i++;
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      if (this.s[this.i] !== '"') this.fail('expected a property name in double quotes');
      const key = this.string();
      this.ws();
      if (this.s[this.i] !== ':') this.fail("expected ':' after a property name");
      this.i++;
      this.ws();
      out.set(key, this.value(depth + 1));
      this.ws();
      const c = this.s[this.i++];
      if (c === '}') return out;
      if (c !== ',') this.fail("expected ',' or '}' in an object");
      this.ws();
    }
  }

  array(depth: number): OJson[] {
    const out: OJson[] = [];
    this.i++;
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.s[this.i++];
      if (c === ']') return out;
      if (c !== ',') this.fail("expected ',' or ']' in an array");
      this.ws();
    }
  }

  string(): string {
    const s = this.s;
    let out = '';
    let start = ++this.i;
    for (;;) {
      if (this.i >= s.length) this.fail('unterminated string');
      const c = s.charCodeAt(this.i);
      if (c === 0x22) {
        out += s.slice(start, this.i++);
        return out;
      }
      if (c < 0x20) this.fail('control character in a string');
      if (c !== 0x5c) {
        this.i++;
        continue;
      }
      out += s.slice(start, this.i);
      const e = s[this.i + 1];
      const simple = e === undefined ? undefined : ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        this.i += 2;
      } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(this.i + 2, this.i + 6))) {
        out += String.fromCharCode(Number.parseInt(s.slice(this.i + 2, this.i + 6), 16));
        this.i += 6;
      } else {
        this.fail('invalid escape in a string');
      }
      start = this.i;
    }
  }
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
