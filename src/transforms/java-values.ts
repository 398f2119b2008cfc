/**
 * The pieces of Java's value handling the SMTs rely on: `ConnectSchema.schemaType` inference for schemaless
 * values, Java's integer narrowing and number parsing (`Integer.parseInt`, `Double.parseDouble`), and — re-exported
 * from src/data — Java's number printing, `Values.dateFormatFor` and `Values.parseString`.
 */
import { Buffer } from 'node:buffer';
import { Struct, type SchemaType } from '../data/index.js';
import { parseFloat32 } from '../data/values.js';
import { isMapValue } from './schemaless-map.js';

/** Java's `ConnectSchema.schemaType(value.getClass())` for schemaless values; null when Connect has no type for it. */
export function inferSchemaType(value: unknown): SchemaType | null {
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? 'INT64' : 'FLOAT64';
    case 'bigint':
      return 'INT64';
    case 'boolean':
      return 'BOOLEAN';
    case 'string':
      return 'STRING';
    case 'object':
      if (value === null) return null;
      if (value instanceof Uint8Array) return 'BYTES';
      if (Array.isArray(value)) return 'ARRAY';
      if (value instanceof Struct) return 'STRUCT';
      if (isMapValue(value)) return 'MAP';
      return null;
    default:
      return null;
  }
}

// ---- integers ---------------------------------------------------------------------------------------------------

const INT_BITS: Record<'INT8' | 'INT16' | 'INT32' | 'INT64', number> = { INT8: 8, INT16: 16, INT32: 32, INT64: 64 };
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** An INT64 value in the project's convention: a number when safe, else a bigint. */
export function longValue(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Java's narrowing of an integral value (two's-complement wrap), e.g. `((Number) 300L).byteValue()` is 44. */
export function wrapInteger(value: number | bigint, type: 'INT8' | 'INT16' | 'INT32' | 'INT64'): number | bigint {
  if (typeof value === 'number' && Math.abs(value) <= 0x7fffffff) {
    switch (type) {
      case 'INT8': return (value << 24) >> 24;
      case 'INT16': return (value << 16) >> 16;
      default: return value;
    }
  }
  const wrapped = BigInt.asIntN(INT_BITS[type], BigInt(value));
  return type === 'INT64' ? longValue(wrapped) : Number(wrapped);
}

/** Java's `(int)`/`(long)` cast of a double (NaN → 0, saturating, towards zero), then narrowed like `byteValue()`. */
export function doubleToInteger(value: number, type: 'INT8' | 'INT16' | 'INT32' | 'INT64'): number | bigint {
  if (Number.isNaN(value)) return 0;
  const t = Math.trunc(value);
  if (type === 'INT64') {
    if (t >= 2 ** 63) return LONG_MAX;
    if (t <= -(2 ** 63)) return LONG_MIN;
    return longValue(BigInt(t));
  }
  const asInt = t >= 2147483647 ? 2147483647 : t <= -2147483648 ? -2147483648 : t;
  return wrapInteger(asInt, type);
}

const INT_RANGES = {
  INT8: [-128n, 127n],
  INT16: [-32768n, 32767n],
  INT32: [-2147483648n, 2147483647n],
  INT64: [LONG_MIN, LONG_MAX],
} as const;

/** Java's `Byte.parseByte` / `Short.parseShort` / `Integer.parseInt` / `Long.parseLong`; throws RangeError (NumberFormatException). */
export function parseJavaInteger(text: string, type: 'INT8' | 'INT16' | 'INT32' | 'INT64'): number | bigint {
  if (!/^[+-]?\d+$/.test(text)) throw new RangeError(`For input string: "${text}"`);
  const v = BigInt(text);
  const [lo, hi] = INT_RANGES[type];
  if (v < lo || v > hi) throw new RangeError(`Value out of range. Value:"${text}"`);
  return type === 'INT64' ? longValue(v) : Number(v);
}

/** Java's `Double.parseDouble` (and `Float.parseFloat` with `float32`): whitespace trimmed, NaN/Infinity, f/d suffix, hex. */
export function parseJavaDouble(text: string, float32 = false): number {
  const t = text.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, '');
  let v: number;
  const dec = /^([+-]?)(NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[fFdD]?$/.exec(t);
  if (dec) {
    v = dec[2] === 'NaN' ? NaN : Number(dec[1] + dec[2]);
  } else {
    const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)[fFdD]?$/.exec(t);
    if (!hex || (hex[2] === '' && !hex[3])) throw new RangeError(`For input string: "${text}"`);
    const intPart = hex[2] ?? '';
    const frac = hex[3] ?? '';
    const mantissa = Number.parseInt((intPart + frac) || '0', 16);
    v = mantissa * 2 ** (Number(hex[4]) - 4 * frac.length);
    if (hex[1] === '-') v = -v;
  }
  return float32 ? (dec && dec[2] !== 'NaN' && dec[2] !== 'Infinity' ? parseFloat32(dec[1] + dec[2]) : Math.fround(v)) : v;
}

/** Java's `Boolean.parseBoolean`: true only for "true", ignoring case. */
export function parseJavaBoolean(text: string): boolean {
  return text.toLowerCase() === 'true';
}

// ---- printing: one implementation of Java's number printing and Connect's Values lives in src/data ----------------

export {
  javaBigDecimalToString,
  javaDoubleToString,
  javaFloatToString,
  formatTemporal as formatConnectDate,
  parseString,
  parseFloat32,
} from '../data/values.js';

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
