import { BigDecimal } from './big-decimal.js';
import { DataException } from './errors.js';
import type { Schema } from './schema.js';
import { schemaEquals } from './equality.js';
import { Struct } from './struct.js';

const DECIMAL = 'org.apache.kafka.connect.data.Decimal';
const DATE_NAMES = new Set([
  'org.apache.kafka.connect.data.Date',
  'org.apache.kafka.connect.data.Time',
  'org.apache.kafka.connect.data.Timestamp',
]);

const INT_RANGES = {
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
} as const;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function fail(schema: Schema, value: unknown, path: string, why?: string): never {
  const shown = typeof value === 'bigint' ? `${value}n` : value instanceof Uint8Array ? `bytes[${value.length}]` : describeValue(value);
  throw new DataException(why ?? `invalid value ${shown} for schema ${schema}`, { path });
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array[${value.length}]`;
  if (value instanceof Map) return `map[${value.size}]`;
  if (value instanceof Struct) return `struct ${value.schema}`;
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  const s = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return s.length > 60 ? `${s.slice(0, 57)}...` : `${s} (${typeof value})`;
}

/**
 * Checks that `value` fits `schema` (Connect's `ConnectSchema.validateValue`), recursively.
 * Throws a DataException whose context names the field path.
 */
export function validateValue(schema: Schema, value: unknown, path = ''): void {
  if (value === null || value === undefined) {
    if (schema.optional || (schema.defaultValue !== null && schema.defaultValue !== undefined)) return;
    fail(schema, value, path, `invalid value: null used for required field${path ? ` "${path}"` : ''}, schema type: ${schema.type}`);
  }
  if (schema.name === DECIMAL) {
    if (!(value instanceof BigDecimal)) fail(schema, value, path, `invalid Decimal value ${describeValue(value)}: expected a BigDecimal`);
    return;
  }
  if (schema.name && DATE_NAMES.has(schema.name)) {
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) fail(schema, value, path, `invalid ${schema.name.split('.').pop()} value ${describeValue(value)}: expected a valid Date`);
    return;
  }
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32': {
      const [lo, hi] = INT_RANGES[schema.type];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < lo || value > hi) fail(schema, value, path);
      return;
    }
    case 'INT64':
      if (typeof value === 'bigint') {
        if (value < INT64_MIN || value > INT64_MAX) fail(schema, value, path, `value ${value} is outside the INT64 range`);
        return;
      }
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
        fail(schema, value, path, typeof value === 'number' && Number.isInteger(value)
          ? `INT64 value ${value} is beyond 2^53 as a JS number and may have lost precision: use a bigint`
          : undefined);
      }
      return;
    case 'FLOAT32':
    case 'FLOAT64':
      if (typeof value !== 'number') fail(schema, value, path);
      return;
    case 'BOOLEAN':
      if (typeof value !== 'boolean') fail(schema, value, path);
      return;
    case 'STRING':
      if (typeof value !== 'string') fail(schema, value, path);
      return;
    case 'BYTES':
      if (!(value instanceof Uint8Array)) fail(schema, value, path);
      return;
    case 'ARRAY': {
      if (!Array.isArray(value)) fail(schema, value, path);
      const items = schema.valueSchema!;
      for (let i = 0; i < value.length; i++) validateValue(items, value[i], `${path}[${i}]`);
      return;
    }
    case 'MAP': {
      const ks = schema.keySchema!;
      const vs = schema.valueSchema!;
      if (value instanceof Map) {
        for (const [k, v] of value) {
          validateValue(ks, k, `${path}{key}`);
          validateValue(vs, v, `${path}[${String(k)}]`);
        }
        return;
      }
      if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
        for (const [k, v] of Object.entries(value)) {
          validateValue(ks, k, `${path}{key}`);
          validateValue(vs, v, `${path}[${k}]`);
        }
        return;
      }
      fail(schema, value, path);
    }
    // falls through only by throwing
    case 'STRUCT':
      if (!(value instanceof Struct)) fail(schema, value, path);
      if (!schemaEquals(value.schema, schema)) {
        fail(schema, value, path, `struct schemas do not match: expected ${schema}, got ${value.schema}`);
      }
      return;
  }
}
