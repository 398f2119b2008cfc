/**
 * PostgreSQL sink types and values: the column type of a Connect schema for CREATE/ALTER, DEFAULT literals, and
 * the text input form of a value (statement parameters and COPY rows alike; bytes may bind as a Buffer).
 */
import { Buffer } from 'node:buffer';
import { BigDecimal, Schema, Struct } from '../../../../data/index.js';
import { formatPgArray } from '../../util/pg-array.js';
import { Instant, formatConnectDate, formatConnectTime, formatWall } from '../../util/temporal.js';
import { Zone, type WallClock } from '../../util/zone.js';
import type { ColumnDefinition, SinkEncodeContext, SqlCategory } from '../dialect.js';
import {
  dateTimeJsonText, isDecimal, isLogicalDate, isLogicalTime, isLogicalTimestamp, jsonText, valueAsText,
} from '../sink-values.js';

export function sqlTypeFor(schema: Schema): string {
  switch (schema.name) {
    case 'org.apache.kafka.connect.data.Decimal': return 'DECIMAL';
    case 'org.apache.kafka.connect.data.Date': return 'DATE';
    case 'org.apache.kafka.connect.data.Time': return 'TIME';
    case 'org.apache.kafka.connect.data.Timestamp': return 'TIMESTAMP';
  }
  switch (schema.type) {
    case 'INT8': return 'SMALLINT';
    case 'INT16': return 'SMALLINT';
    case 'INT32': return 'INT';
    case 'INT64': return 'BIGINT';
    case 'FLOAT32': return 'REAL';
    case 'FLOAT64': return 'DOUBLE PRECISION';
    case 'BOOLEAN': return 'BOOLEAN';
    case 'STRING': return 'TEXT';
    case 'BYTES': return 'BYTEA';
    case 'ARRAY': {
      const el = schema.valueSchema!;
      if (el.type === 'ARRAY' || el.type === 'MAP' || el.type === 'STRUCT') break;
      return `${sqlTypeFor(el)}[]`;
    }
  }
  throw new Error(`${schema} (type ${schema.type}) doesn't have a mapping to the SQL database column type`);
}

export function defaultLiteral(schema: Schema, value: unknown): string {
  if (value instanceof BigDecimal) return value.toString();
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Uint8Array) return `'\\x${Buffer.from(value).toString('hex')}'`;
  if (value instanceof Date) {
    if (isLogicalDate(schema)) return `'${formatConnectDate(value)}'`;
    if (isLogicalTime(schema)) return `'${formatConnectTime(value)}'`;
    return `'${formatWall(Instant.fromEpochMs(value.getTime()).toWall(Zone.UTC), ' ', 3)}'`;
  }
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  if (Array.isArray(value)) return `'${formatPgArray(value, (v) => valueAsText(v, schema.valueSchema ?? null, Zone.UTC)).replace(/'/g, "''")}'`;
  throw new Error(`cannot write a default value for ${schema}`);
}

/** A statement parameter: bytes bind as a Buffer, everything else as its text input form. */
export function encodeParam(value: unknown, schema: Schema | null, column: ColumnDefinition, ctx: SinkEncodeContext): unknown {
  if (value === null || value === undefined) return null;
  if (column.category === 'bytes' && value instanceof Uint8Array) {
    return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  return valueText(value, schema, column, ctx);
}

/** A COPY text-format field, before COPY escaping. */
export function encodeCopy(value: unknown, schema: Schema | null, column: ColumnDefinition, ctx: SinkEncodeContext): string {
  if (column.category === 'bytes' && value instanceof Uint8Array) {
    return '\\x' + Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
  }
  return valueText(value, schema, column, ctx);
}

/** The PostgreSQL text input form of a sink value for `column`. */
function valueText(value: unknown, schema: Schema | null, column: ColumnDefinition, ctx: SinkEncodeContext): string {
  const shared = dateTimeJsonText(value, schema, column, ctx);
  if (shared !== null) return shared;
  switch (column.category) {
    case 'bool':
      if (typeof value === 'boolean') return value ? 't' : 'f';
      if (typeof value === 'number' || typeof value === 'bigint') return Number(value) !== 0 ? 't' : 'f';
      break;
    case 'timestamp':
      if (value instanceof Instant) return timestampText(value, column.timeKind === 'instant' ? null : ctx.zone);
      if (value instanceof Date) {
        const i = Instant.fromEpochMs(value.getTime());
        if (column.timeKind === 'instant') return timestampText(i, null);
        // A Connect Date into a timestamp column is midnight UTC of that day, whatever db.timezone says.
        return timestampText(i, isLogicalDate(schema) ? Zone.UTC : ctx.zone);
      }
      if (typeof value === 'number' || typeof value === 'bigint') {
        return timestampText(Instant.fromEpochMs(Number(value)), column.timeKind === 'instant' ? null : ctx.zone);
      }
      break;
    case 'array':
      if (Array.isArray(value)) {
        const el = column.element ?? { ...column, category: 'string' as SqlCategory };
        const elSchema = schema?.valueSchema ?? null;
        return formatPgArray(value, (v) => valueText(v, elSchema, el, ctx));
      }
      break;
    case 'bytes':
      if (typeof value === 'string') return value;
      break;
    case 'decimal':
    case 'int':
    case 'float':
      if (value instanceof BigDecimal) return value.toString();
      if (typeof value === 'boolean') return value ? '1' : '0';
      break;
  }
  if (value instanceof Struct) return jsonText(value);
  if (value instanceof Instant) return wallText(value.toWall(ctx.zone), value.nanos);
  if (isDecimal(schema) && value instanceof BigDecimal) return value.toString();
  if (isLogicalTimestamp(schema) && value instanceof Date) {
    return wallText(Instant.fromEpochMs(value.getTime()).toWall(ctx.zone), 0);
  }
  if (value instanceof Uint8Array) return '\\x' + Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
  return valueAsText(value, schema, ctx.zone);
}

/** Timestamp input text: the wall clock in `zone`, or (zone null) the UTC instant with its `+00` offset. */
export function timestampText(i: Instant, zone: Zone | null): string {
  return zone === null ? wallText(i.toWall(Zone.UTC), i.nanos) + '+00' : wallText(i.toWall(zone), i.nanos);
}

/** PostgreSQL timestamp input text with microseconds; years before 1 get the BC suffix. */
function wallText(w: WallClock, nanos: number): string {
  if (w.year <= 0) return formatWall({ ...w, year: 1 - w.year }, ' ', 6, nanos) + ' BC';
  return formatWall(w, ' ', 6, nanos);
}

export function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23') || code === '42804' || code === '42P18');
}
