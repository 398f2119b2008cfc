/** Sink-side pieces both dialects share: logical-type tests, JSON text of schemaless values, text forms of values. */
import { Buffer } from 'node:buffer';
import { BigDecimal, Decimal, LogicalDate, LogicalTime, LogicalTimestamp, Schema, Struct } from '../../../data/index.js';
import { Instant, formatConnectDate, formatConnectTime, formatDateFields, formatWall } from '../util/temporal.js';
import type { Zone } from '../util/zone.js';
import type { ColumnDefinition, SinkEncodeContext } from './dialect.js';
import { textOf } from './source-values.js';

export function isLogicalDate(schema: Schema | null): boolean {
  return schema?.name === LogicalDate.LOGICAL_NAME;
}
export function isLogicalTime(schema: Schema | null): boolean {
  return schema?.name === LogicalTime.LOGICAL_NAME;
}
export function isLogicalTimestamp(schema: Schema | null): boolean {
  return schema?.name === LogicalTimestamp.LOGICAL_NAME;
}
export function isDecimal(schema: Schema | null): boolean {
  return schema?.name === Decimal.LOGICAL_NAME;
}

/** JSON text of a schemaless value (plain objects, arrays, Maps, bigints kept exact). */
export function jsonText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
  }
  if (value instanceof BigDecimal) return value.toString();
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64'));
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  if (value instanceof Struct) {
    return `{${value.schema.fields.map((f) => `${JSON.stringify(f.name)}:${jsonText(value.get(f))}`).join(',')}}`;
  }
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as object);
  return `{${entries.map(([k, v]) => `${JSON.stringify(String(k))}:${jsonText(v)}`).join(',')}}`;
}

/**
 * The text form of a sink value for a string-like column (text, json, uuid, enum, unknown types), given its
 * Connect schema: logical dates/times print as SQL literals, decimals exactly, bytes as UTF-8.
 */
export function valueAsText(value: unknown, schema: Schema | null, zone: Zone): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof BigDecimal) return value.toString();
  if (value instanceof Date) {
    if (isLogicalDate(schema)) return formatConnectDate(value);
    if (isLogicalTime(schema)) return formatConnectTime(value);
    return formatWall(Instant.fromEpochMs(value.getTime()).toWall(zone), ' ', 3);
  }
  if (value instanceof Uint8Array) return textOf(value);
  return jsonText(value);
}

/**
 * The text both databases take for a DATE, TIME or json column's value, or null when the value is not one of those
 * (the dialect's own encoding handles it).
 */
export function dateTimeJsonText(value: unknown, schema: Schema | null, column: ColumnDefinition, ctx: SinkEncodeContext): string | null {
  switch (column.category) {
    case 'date':
      return value instanceof Date ? dateText(value, schema, ctx) : null;
    case 'time':
      return value instanceof Date ? formatConnectTime(value) : null;
    case 'json':
      return isJsonStructure(value) ? jsonText(value) : null;
    default:
      return null;
  }
}

/** A Date into a DATE column: a Connect Date is its day; any other Date is the day it falls on in `date.timezone`. */
function dateText(value: Date, schema: Schema | null, ctx: SinkEncodeContext): string {
  return isLogicalDate(schema) ? formatConnectDate(value) : formatDateFields(Instant.fromEpochMs(value.getTime()).toWall(ctx.dateZone));
}

/** Whether a value for a json column is a structure (object, Map, array, Struct) to write as JSON text. */
function isJsonStructure(value: unknown): boolean {
  return typeof value === 'object' && !(value instanceof Date) && !(value instanceof Uint8Array) && !(value instanceof BigDecimal);
}
