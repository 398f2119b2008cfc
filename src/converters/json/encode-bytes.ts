/**
 * JsonConverter's payload written as UTF-8 straight into a reused buffer (data/utf8-out.ts) rather than built as a
 * string of concatenated pieces (a datagen order's pieces were ~1 KB of garbage per record). It writes the text
 * the string encoders (encode.ts) write, byte for byte: the shapes records mostly have (structs, arrays, strings,
 * integers) are written here, and every other value (maps, logical types, floats, booleans, bytes, nulls) and
 * every value a schema refuses is handed to the string encoder of its schema, which writes its text or throws
 * its error.
 */
import { Buffer } from 'node:buffer';
import { Struct, type Schema } from '../../data/index.js';
import type { Utf8Out } from '../../data/utf8-out.js';
import { quoteJson } from './json-text.js';
import { type Encoder, DECIMAL, DATE, TIME, TIMESTAMP, RANGES, rethrowAt } from './codec-shared.js';

export type ByteEncoder = (value: unknown, out: Utf8Out) => void;

/** `text` gives the (cached) string encoder of a schema, `sub` the byte encoders of nested schemas. */
export function compileByteEncoder(schema: Schema, text: (s: Schema) => Encoder, sub: (s: Schema) => ByteEncoder): ByteEncoder {
  const whole = text(schema);
  const slow: ByteEncoder = (v, out) => out.utf8(whole(v));
  const name = schema.name;
  if (name === TIMESTAMP && schema.type === 'INT64') {
    // Its epoch milliseconds (String() of a 13-digit number was a tenth of a datagen order's encoding).
    return (v, out) => (v instanceof Date && Number.isSafeInteger(v.getTime()) ? out.integer(v.getTime()) : slow(v, out));
  }
  if ((name === DECIMAL && schema.type === 'BYTES') || ((name === DATE || name === TIME) && schema.type === 'INT32')) return slow;
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32': {
      const [lo, hi] = RANGES[schema.type];
      return (v, out) => (typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi ? out.integer(v) : slow(v, out));
    }
    case 'INT64':
      return (v, out) => (typeof v === 'number' && Number.isSafeInteger(v) ? out.integer(v) : slow(v, out));
    case 'STRING':
      return (v, out) => (typeof v === 'string' ? out.quoted(v, quoteJson) : slow(v, out));
    case 'ARRAY': {
      const elem = sub(schema.valueSchema!);
      return (v, out) => {
        if (!Array.isArray(v)) return slow(v, out);
        out.byte(0x5b);
        let i = 0;
        try {
          for (; i < v.length; i++) {
            if (i > 0) out.byte(0x2c);
            elem(v[i], out);
          }
        } catch (e) { rethrowAt(e, `[${i}]`); }
        out.byte(0x5d);
      };
    }
    case 'STRUCT': {
      const fields = schema.fields;
      const n = fields.length;
      const encs = fields.map((f) => sub(f.schema));
      const prefixes = fields.map((f, i) => Buffer.from(`${i === 0 ? '{' : ','}${quoteJson(f.name)}:`, 'utf8'));
      return (v, out) => {
        // Anything but a Struct of this very schema (an equal one too) is the string encoder's to write or refuse.
        if (!(v instanceof Struct) || v.schema !== schema || n === 0) return slow(v, out);
        const vals = v.values();
        let i = 0;
        try {
          for (; i < n; i++) {
            out.bytes(prefixes[i]!);
            encs[i]!(vals[i], out);
          }
        } catch (e) { rethrowAt(e, fields[i]!.name); }
        out.byte(0x7d);
      };
    }
    default:
      return slow;
  }
}
