/**
 * Does a value fit its column? Checked before writing so a bad record is named with its topic, partition, offset
 * and column (and can go to the errant record reporter) instead of failing a whole multi-row statement with a
 * database message. Checks only what the database would reject anyway: NOT NULL, integer ranges, decimal precision,
 * character/binary lengths, number syntax, UUID syntax, nested values in scalar columns (text and json columns take
 * them as JSON text). Anything else the database
 * rejects is found by replaying the failed statement row by row.
 */
import { BigDecimal, Struct } from '../../../data/index.js';
import type { ColumnDefinition } from '../dialect/index.js';
import { Instant, parseTimestampText, parsedToInstant } from '../util/temporal.js';
import type { Zone } from '../util/zone.js';

const INT_LIMITS: Record<number, [bigint, bigint, bigint]> = {
  // bits → [signed min, signed max, unsigned max]
  8: [-128n, 127n, 255n],
  16: [-32768n, 32767n, 65535n],
  24: [-8388608n, 8388607n, 16777215n],
  32: [-2147483648n, 2147483647n, 4294967295n],
  64: [-(2n ** 63n), 2n ** 63n - 1n, 2n ** 64n - 1n],
};
const NUMBER_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;
const UUID_TEXT = /^\{?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\}?$/;

function integerOf(value: unknown): bigint | null {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : null;
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'string') return INTEGER_TEXT.test(value) ? BigInt(value.trim()) : null;
  if (value instanceof BigDecimal) {
    try {
      return value.setScale(0).unscaled;
    } catch {
      return null;
    }
  }
  return null;
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return `bytes[${value.length}]`;
  if (value instanceof Struct) return 'a struct';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof BigDecimal) return value.toString();
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

function shownOf(value: unknown, redact: boolean): string {
  return redact ? 'the value' : `value ${show(value)}`;
}

function isNested(value: unknown): boolean {
  return value instanceof Struct || (typeof value === 'object' && value !== null && !Array.isArray(value) &&
    !(value instanceof Uint8Array) && !(value instanceof Date) && !(value instanceof BigDecimal) && !(value instanceof Instant));
}

/** The reason `value` cannot go into `column`, or null when it fits (as far as can be told here). */
export function checkValue(value: unknown, column: ColumnDefinition, redact = false): string | null {
  if (value === null || value === undefined) {
    return column.nullable ? null : `null for NOT NULL column ${column.name} (${column.typeName})`;
  }
  switch (column.category) {
    case 'int': {
      const lim = INT_LIMITS[column.intBits ?? 64] ?? INT_LIMITS[64]!;
      if (typeof value === 'number' && Number.isSafeInteger(value)) {
        const ok = column.unsigned ? value >= 0 && value <= Number(lim[2]) : value >= Number(lim[0]) && value <= Number(lim[1]);
        return ok ? null : `${shownOf(value, redact)} is out of range for column ${column.name} (${column.typeName})`;
      }
      const n = integerOf(value);
      if (n === null) return `${shownOf(value, redact)} is not an integer for column ${column.name} (${column.typeName})`;
      const min = column.unsigned ? 0n : lim[0];
      const max = column.unsigned ? lim[2] : lim[1];
      if (n < min || n > max) return `${shownOf(value, redact)} is out of range for column ${column.name} (${column.typeName})`;
      return null;
    }
    case 'float':
      if (typeof value === 'number' || typeof value === 'bigint' || value instanceof BigDecimal) return null;
      if (typeof value === 'string' && (NUMBER_TEXT.test(value) || /^(NaN|-?Infinity)$/.test(value))) return null;
      return `${shownOf(value, redact)} is not a number for column ${column.name} (${column.typeName})`;
    case 'decimal': {
      if (!column.precision || column.scale === null || column.scale === undefined) {
        if (value instanceof BigDecimal || typeof value === 'bigint' || (typeof value === 'number' && Number.isFinite(value))) return null;
      }
      let d: BigDecimal;
      if (value instanceof BigDecimal) d = value;
      else if (typeof value === 'bigint') d = new BigDecimal(value, 0);
      else if (typeof value === 'number' && Number.isFinite(value)) d = BigDecimal.fromNumber(value);
      else if (typeof value === 'string' && NUMBER_TEXT.test(value)) d = BigDecimal.parse(value.trim());
      else return `${shownOf(value, redact)} is not a decimal number for column ${column.name} (${column.typeName})`;
      if (column.precision && column.scale !== null && column.scale !== undefined) {
        const abs = d.unscaled < 0n ? -d.unscaled : d.unscaled;
        const intDigits = abs === 0n ? 0 : Math.max(0, abs.toString().length - d.scale);
        if (intDigits > column.precision - column.scale) {
          return `${shownOf(value, redact)} does not fit column ${column.name} (${column.typeName}): at most ${column.precision - column.scale} digits before the decimal point`;
        }
      }
      return null;
    }
    case 'string':
    case 'uuid':
    case 'json':
      if (typeof value === 'string') {
        if (column.category === 'uuid' && !UUID_TEXT.test(value)) return `${shownOf(value, redact)} is not a UUID for column ${column.name}`;
        if (column.maxLength && value.length > column.maxLength && [...value].length > column.maxLength) {
          return `${shownOf(value, redact)} is longer than ${column.maxLength} characters for column ${column.name} (${column.typeName})`;
        }
        return null;
      }
      // Nested values (structs, maps, arrays) are written as JSON text into json and text columns.
      if (column.category === 'uuid' && (isNested(value) || Array.isArray(value))) {
        return `${shownOf(value, redact)} cannot be written into column ${column.name} (${column.typeName})`;
      }
      return null;
    case 'bytes':
      if (value instanceof Uint8Array) {
        if (column.maxLength && value.length > column.maxLength) {
          return `${shownOf(value, redact)} is longer than ${column.maxLength} bytes for column ${column.name} (${column.typeName})`;
        }
        return null;
      }
      if (isNested(value)) return `${shownOf(value, redact)} cannot be written into column ${column.name} (${column.typeName})`;
      return null;
    case 'array':
      if (!Array.isArray(value)) {
        return typeof value === 'string' ? null : `${shownOf(value, redact)} is not an array for column ${column.name} (${column.typeName})`;
      }
      if (column.element) {
        const el = { ...column.element, name: `${column.name}[]`, nullable: true };
        for (const item of value) {
          if (Array.isArray(item)) continue;
          const why = checkValue(item, el, redact);
          if (why) return why;
        }
      }
      return null;
    default:
      if (isNested(value)) return `${shownOf(value, redact)} cannot be written into column ${column.name} (${column.typeName})`;
      return null;
  }
}

/**
 * Schemaless values (JSON) for temporal columns: ISO-8601 / SQL timestamp text becomes an exact instant (its own
 * offset, else `db.timezone`), so `…Z` strings land right in every column type. Numbers stay epoch milliseconds.
 */
export function normalizeSchemaless(value: unknown, column: ColumnDefinition, zone: Zone): unknown {
  if (column.category === 'timestamp' && typeof value === 'string') {
    const p = parseTimestampText(value.trim());
    if (p) return parsedToInstant(p, zone);
  }
  return value;
}
