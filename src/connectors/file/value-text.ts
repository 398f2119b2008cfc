/**
 * How the FileStream sink writes a record value as one line. Kafka's sink prints `value.toString()`; Sluice
 * writes strings as they are and structured values as compact JSON, so the output is machine-readable:
 * - string → as is; null → `null`; number, boolean, bigint → their decimal text;
 * - Struct → object of its fields (in schema order); Map / plain object → object (non-string keys: array of
 *   `[key, value]` pairs); array → array;
 * - Decimal (BigDecimal) → an exact JSON number; Date / Time / Timestamp (Date) → ISO-8601 string;
 *   bytes → base64 string.
 */
import { BigDecimal, Struct, type Schema } from '../../data/index.js';

/** Per struct schema, each field's `{"name":` / `,"name":` (quoting every name of every record showed in profiles). */
const FIELD_PREFIXES = new WeakMap<Schema, readonly string[]>();

function fieldPrefixes(schema: Schema): readonly string[] {
  let p = FIELD_PREFIXES.get(schema);
  if (!p) FIELD_PREFIXES.set(schema, (p = schema.fields.map((f, i) => (i === 0 ? '{' : ',') + JSON.stringify(f.name) + ':')));
  return p;
}

export function valueToText(value: unknown): string {
  if (typeof value === 'string') return value;
  return toJson(value);
}

export function toJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      break;
  }
  if (value instanceof Struct) {
    const prefixes = fieldPrefixes(value.schema);
    if (prefixes.length === 0) return '{}';
    const vals = value.values();
    let out = '';
    for (let i = 0; i < prefixes.length; i++) out += prefixes[i]! + toJson(vals[i]);
    return out + '}';
  }
  if (value instanceof BigDecimal) return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'null' : '"' + value.toISOString() + '"'; // nothing in it to escape
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64'));
  // Loops rather than entries/map/join: schemaless JSON reaches the sink as plain objects and arrays, and the
  // intermediate arrays and closures showed in its profile.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + toJson(value[i]);
    return out + ']';
  }
  if (value instanceof Map) {
    let stringKeys = true;
    for (const k of value.keys()) {
      if (typeof k !== 'string') {
        stringKeys = false;
        break;
      }
    }
    let out = stringKeys ? '{' : '[';
    let first = true;
    for (const [k, v] of value) {
      out += (first ? '' : ',') + (stringKeys ? JSON.stringify(k) + ':' + toJson(v) : '[' + toJson(k) + ',' + toJson(v) + ']');
      first = false;
    }
    return out + (stringKeys ? '}' : ']');
  }
  if (typeof value === 'object') {
    let out = '{';
    let first = true;
    for (const k in value) {
      if (!Object.hasOwn(value, k)) continue;
      out += (first ? '' : ',') + JSON.stringify(k) + ':' + toJson((value as Record<string, unknown>)[k]);
      first = false;
    }
    return out + '}';
  }
  return JSON.stringify(String(value));
}
