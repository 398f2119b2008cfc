/** What JsonConverter's encoders and decoders share: options, Jackson's type names, field-path errors. */
import { DataException, Decimal, LogicalDate, LogicalTime, LogicalTimestamp, Schema, Struct, type SchemaType } from '../../data/index.js';
import { JsonNumberText } from './json-text.js';

export interface CodecOptions {
  readonly decimalNumeric: boolean;
  readonly replaceNullWithDefault: boolean;
}

export type Encoder = (value: unknown) => string;
export type Decoder = (json: unknown) => unknown;

/** Thrown (not an Error: no stack) when the fast JSON.parse tree cannot give an exact answer; the caller re-parses. */
export const NEED_EXACT: unique symbol = Symbol('need exact number text');

/** Set by the converter around each decode: true when numbers come from the exact parser (with number text). */
export const mode = { exact: false };

export const TYPE_NAMES: Record<SchemaType, string> = {
  INT8: 'int8', INT16: 'int16', INT32: 'int32', INT64: 'int64', FLOAT32: 'float', FLOAT64: 'double',
  BOOLEAN: 'boolean', STRING: 'string', BYTES: 'bytes', ARRAY: 'array', MAP: 'map', STRUCT: 'struct',
};

export const DECIMAL = Decimal.LOGICAL_NAME;
export const DATE = LogicalDate.LOGICAL_NAME;
export const TIME = LogicalTime.LOGICAL_NAME;
export const TIMESTAMP = LogicalTimestamp.LOGICAL_NAME;
export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;
export const RANGES = { INT8: [-128, 127], INT16: [-32768, 32767], INT32: [-2147483648, 2147483647] } as const;

// ---------------------------------------------------------------------------------------------------------------
// errors with a field path

function joinPath(segment: string, inner: string | undefined): string {
  if (!inner) return segment;
  return inner.startsWith('[') ? segment + inner : `${segment}.${inner}`;
}

/** Re-throws `e` with `segment` prepended to its field path (DataExceptions only; anything else passes through). */
export function rethrowAt(e: unknown, segment: string): never {
  if (e instanceof DataException) {
    throw new DataException(e.reason, { ...e.context, path: joinPath(segment, e.context.path) }, { cause: e.cause ?? e });
  }
  throw e;
}

export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return `${value} (bigint)`;
  if (typeof value === 'string') return `${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)} (string)`;
  if (typeof value !== 'object') return `${String(value)} (${typeof value})`;
  if (Array.isArray(value)) return `array[${value.length}]`;
  if (value instanceof Uint8Array) return `bytes[${value.length}]`;
  if (value instanceof Map) return `map[${value.size}]`;
  if (value instanceof Struct) return `struct ${value.schema}`;
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

export function invalid(schema: Schema, value: unknown, expected: string): never {
  throw new DataException(`Invalid value ${describe(value)} for ${schema.type} schema${schema.name ? ` ${schema.name}` : ''}: expected ${expected}`);
}

/** Jackson's node type name of a parsed JSON value, for messages. */
export function nodeType(j: unknown): string {
  if (j === null || j === undefined) return 'NULL';
  switch (typeof j) {
    case 'boolean': return 'BOOLEAN';
    case 'number': case 'bigint': return 'NUMBER';
    case 'string': return 'STRING';
  }
  if (j instanceof JsonNumberText) return 'NUMBER';
  return Array.isArray(j) ? 'ARRAY' : 'OBJECT';
}
