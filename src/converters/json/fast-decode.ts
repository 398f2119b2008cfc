/**
 * JsonConverter's fast read path: a payload read straight from its UTF-8 bytes, guided by the schema, when the
 * bytes are in the canonical shape Kafka's (and our) writer produces — struct fields in schema order, no
 * whitespace, strings without escapes, numbers without leading zeros. Nothing else is decided here: every leaf
 * (string, number, true/false/null) is read as the value `JSON.parse` would give and handed to the compiled
 * decoder of its schema (decode.ts), so the semantics are the ordinary path's. Anything else — another shape,
 * an error, a number needing its exact text — answers FAIL (or throws), and the caller reads the record again the
 * ordinary way, which then also gives the ordinary errors.
 */
import { Buffer } from 'node:buffer';
import { Struct, type Schema } from '../../data/index.js';
import type { Decoder } from './codec-shared.js';
import { quoteJson } from './json-text.js';

/** This record is not in the canonical shape (or not readable here): read it the ordinary way. */
export const FAIL: unique symbol = Symbol('not in the fast shape');

/** Reads one value of its schema from `buf` at `cursor.at`, advancing it; FAIL (or a throw) means "not here". */
export type ByteReader = (buf: Buffer) => unknown;

/** Off only in tests that hold the fast path against the ordinary one. */
export const byteReading = { enabled: true };

/** The read position, shared by the readers of one record (a decode never re-enters itself). */
export const cursor = { at: 0 };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Buffer's own latin1Slice (what `toString('latin1', …)` ends in, without its argument handling), for ASCII runs. */
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice?: (this: Buffer, start: number, end: number) => string }).latin1Slice;
const latin1: (b: Buffer, start: number, end: number) => string = latin1Slice
  ? (b, start, end) => latin1Slice.call(b, start, end)
  : (b, start, end) => b.toString('latin1', start, end);

/** Reads a JSON leaf (string, number, true, false, null) as JSON.parse would; FAIL for anything else. */
function readLeaf(b: Buffer): unknown {
  let i = cursor.at;
  const c = b[i];
  if (c === 0x22) {
    const start = ++i;
    let ascii = true;
    for (;;) {
      const d = b[i];
      if (d === 0x22) break;
      if (d === undefined || d === 0x5c || d < 0x20) return FAIL; // end of input, an escape, or a control character
      if (d >= 0x80) ascii = false;
      i++;
    }
    cursor.at = i + 1;
    return ascii ? latin1(b, start, i) : utf8.decode(b.subarray(start, i)); // fatal: bad UTF-8 throws
  }
  if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) return readNumber(b, i);
  if (c === 0x74) { // true
    if (b[i + 1] !== 0x72 || b[i + 2] !== 0x75 || b[i + 3] !== 0x65) return FAIL;
    cursor.at = i + 4;
    return true;
  }
  if (c === 0x66) { // false
    if (b[i + 1] !== 0x61 || b[i + 2] !== 0x6c || b[i + 3] !== 0x73 || b[i + 4] !== 0x65) return FAIL;
    cursor.at = i + 5;
    return false;
  }
  if (c === 0x6e) { // null
    if (b[i + 1] !== 0x75 || b[i + 2] !== 0x6c || b[i + 3] !== 0x6c) return FAIL;
    cursor.at = i + 4;
    return null;
  }
  return FAIL;
}

function isDigit(d: number | undefined): boolean {
  return d !== undefined && d >= 0x30 && d <= 0x39;
}

/** A JSON number as JSON.parse reads it (integers of up to 15 digits summed here, the rest by Number()). */
function readNumber(b: Buffer, start: number): unknown {
  let i = start;
  const neg = b[i] === 0x2d;
  if (neg) i++;
  const intStart = i;
  let v = 0;
  while (isDigit(b[i])) v = v * 10 + (b[i++]! - 0x30);
  const digits = i - intStart;
  if (digits === 0) return FAIL;
  if (digits > 1 && b[intStart] === 0x30) return FAIL; // leading zero: JSON.parse rejects it, Jackson reads it
  let integral = true;
  if (b[i] === 0x2e) {
    integral = false;
    i++;
    if (!isDigit(b[i])) return FAIL;
    while (isDigit(b[i])) i++;
  }
  if (b[i] === 0x65 || b[i] === 0x45) {
    integral = false;
    i++;
    if (b[i] === 0x2b || b[i] === 0x2d) i++;
    if (!isDigit(b[i])) return FAIL;
    while (isDigit(b[i])) i++;
  }
  cursor.at = i;
  if (integral && digits <= 15) return neg ? -v : v;
  return Number(latin1(b, start, i));
}

function isNull(b: Buffer, i: number): boolean {
  return b[i] === 0x6e && b[i + 1] === 0x75 && b[i + 2] === 0x6c && b[i + 3] === 0x6c;
}

/**
 * Compiles the fast reader for a schema. `decoderFor` gives the ordinary compiled decoder (leaves, and nulls of
 * any schema, go through it); `sub` the (cached) fast readers of nested schemas.
 */
export function compileByteReader(schema: Schema, decoderFor: (s: Schema) => Decoder, sub: (s: Schema) => ByteReader): ByteReader {
  const dec = decoderFor(schema);
  switch (schema.type) {
    case 'STRUCT': return structReader(schema, dec, sub);
    case 'ARRAY': return arrayReader(schema, dec, sub);
    case 'MAP': return () => FAIL; // the ordinary path reads maps
  }
  // every other type (logical types included) is a JSON leaf for its ordinary decoder
  return (b) => {
    const j = readLeaf(b);
    return j === FAIL ? FAIL : dec(j);
  };
}

function structReader(schema: Schema, dec: Decoder, sub: (s: Schema) => ByteReader): ByteReader {
  const fields = schema.fields;
  const n = fields.length;
  const readers = fields.map((f) => sub(f.schema));
  // `{"name":` for the first field, `,"name":` for the rest, as bytes
  const keys = fields.map((f, i) => Buffer.from(`${i === 0 ? '{' : ','}${quoteJson(f.name)}:`, 'utf8'));
  return (b) => {
    let i = cursor.at;
    if (isNull(b, i)) {
      cursor.at = i + 4;
      return dec(null);
    }
    if (n === 0) {
      if (b[i] !== 0x7b || b[i + 1] !== 0x7d) return FAIL;
      cursor.at = i + 2;
      return dec({});
    }
    // Each value comes from the compiled decoder of its field's schema, which checked it.
    const values = new Array<unknown>(n);
    for (let k = 0; k < n; k++) {
      const key = keys[k]!;
      const len = key.length;
      for (let m = 0; m < len; m++) if (b[i + m] !== key[m]) return FAIL;
      cursor.at = i + len;
      const v = readers[k]!(b);
      if (v === FAIL) return FAIL;
      values[k] = v ?? null;
      i = cursor.at;
    }
    if (b[i] !== 0x7d) return FAIL;
    cursor.at = i + 1;
    return Struct.ofCheckedValues(schema, values);
  };
}

function arrayReader(schema: Schema, dec: Decoder, sub: (s: Schema) => ByteReader): ByteReader {
  const elem = sub(schema.valueSchema!);
  return (b) => {
    let i = cursor.at;
    if (isNull(b, i)) {
      cursor.at = i + 4;
      return dec(null);
    }
    if (b[i] !== 0x5b) return FAIL;
    const out: unknown[] = [];
    if (b[i + 1] === 0x5d) {
      cursor.at = i + 2;
      return out;
    }
    cursor.at = i + 1;
    for (;;) {
      const v = elem(b);
      if (v === FAIL) return FAIL;
      out.push(v);
      i = cursor.at;
      const c = b[i];
      cursor.at = i + 1;
      if (c === 0x5d) return out;
      if (c !== 0x2c) return FAIL;
    }
  };
}
