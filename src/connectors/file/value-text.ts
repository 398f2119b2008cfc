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
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'null' : JSON.stringify(value.toISOString());
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64'));
  if (Array.isArray(value)) return '[' + value.map(toJson).join(',') + ']';
  if (value instanceof Map) {
    const entries = [...value.entries()];
    if (entries.every(([k]) => typeof k === 'string')) {
      return '{' + entries.map(([k, v]) => JSON.stringify(k) + ':' + toJson(v)).join(',') + '}';
    }
    return '[' + entries.map(([k, v]) => '[' + toJson(k) + ',' + toJson(v) + ']').join(',') + ']';
  }
  if (typeof value === 'object') {
    return '{' + Object.entries(value).map(([k, v]) => JSON.stringify(k) + ':' + toJson(v)).join(',') + '}';
  }
  return JSON.stringify(String(value));
}
