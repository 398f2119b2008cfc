/** Pieces both dialects share: integer parsing, numeric.mapping, decimal schemas, timestamp granularity. */
import { Buffer } from 'node:buffer';
import {
  BigDecimal, Decimal, LogicalDate, LogicalTime, LogicalTimestamp, Schema, SchemaBuilder, Struct,
} from '../../../data/index.js';
import { Instant, formatConnectDate, formatConnectTime, formatWall } from '../util/temporal.js';
import type { Zone } from '../util/zone.js';
import type { NumericMapping, TimestampGranularity } from './dialect.js';

export const PRECISION_PARAM = 'connect.decimal.precision';
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** Decimal text of an integer → number when safe, else bigint; throws outside INT64. */
export function int64FromText(text: string): number | bigint {
  if (text.length < 16) {
    const n = Number(text);
    if (Number.isInteger(n)) return n;
  }
  let b: bigint;
  try {
    b = BigInt(text);
  } catch {
    throw new Error(`'${text}' is not an integer`);
  }
  if (b < INT64_MIN || b > INT64_MAX) throw new Error(`${text} is outside the INT64 range`);
  return b >= -SAFE_MAX && b <= SAFE_MAX ? Number(b) : b;
}

export function offsetNumber(v: bigint): number | bigint {
  return v >= -SAFE_MAX && v <= SAFE_MAX ? Number(v) : v;
}

export type NumericTarget =
  | { kind: 'int'; type: 'INT8' | 'INT16' | 'INT32' | 'INT64' }
  | { kind: 'float' }
  | { kind: 'decimal'; scale: number; precision: number | null };

/**
 * Confluent's numeric.mapping for a NUMERIC(p,s) column. An unconstrained numeric (precision unknown) always stays
 * a Decimal — Confluent maps it to INT8 under best_fit and truncates values (kafka-connect-jdbc #480).
 */
export function numericTarget(mapping: NumericMapping, precision: number | null, scale: number): NumericTarget {
  const dec: NumericTarget = { kind: 'decimal', scale, precision };
  if (precision === null || precision <= 0) return dec;
  const byPrecision = (): NumericTarget => ({
    kind: 'int',
    type: precision <= 2 ? 'INT8' : precision <= 4 ? 'INT16' : precision <= 9 ? 'INT32' : 'INT64',
  });
  switch (mapping) {
    case 'none':
      return dec;
    case 'precision_only':
      return scale === 0 && precision <= 18 ? byPrecision() : dec;
    case 'best_fit':
      if (precision <= 18) {
        if (scale >= -84 && scale <= 0) return byPrecision();
        if (scale > 0) return { kind: 'float' };
      }
      return dec;
    case 'best_fit_eager_double':
      if (scale > 0) return { kind: 'float' };
      if (precision <= 18 && scale >= -84 && scale <= 0) return byPrecision();
      return dec;
  }
}

export function decimalSchemaBuilder(scale: number, precision: number | null): SchemaBuilder {
  const b = Decimal.builder(scale);
  if (precision !== null && precision > 0) b.parameter(PRECISION_PARAM, String(precision));
  return b;
}

/** A converter from decimal text per a numeric target. */
export function numericConverter(target: NumericTarget): (text: string) => unknown {
  switch (target.kind) {
    case 'int':
      if (target.type === 'INT64') return (t) => int64FromText(integralText(t));
      return (t) => Number(integralText(t));
    case 'float':
      return (t) => Number(t);
    case 'decimal': {
      const scale = target.scale;
      return (t) => {
        if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) throw new Error(`'${t}' is not a finite decimal number`);
        const d = BigDecimal.parse(t);
        return d.scale === scale ? d : d.setScale(scale, true);
      };
    }
  }
}

/** `12.000` → `12` for integral targets (a scale-0 numeric never has a fraction; best_fit with negative scale). */
function integralText(t: string): string {
  const dot = t.indexOf('.');
  if (dot < 0 && !/[eE]/.test(t)) return t;
  return BigDecimal.parse(t).setScale(0, true).unscaled.toString();
}

export function schemaForNumericTarget(target: NumericTarget): SchemaBuilder {
  switch (target.kind) {
    case 'int':
      return SchemaBuilder.type(target.type);
    case 'float':
      return SchemaBuilder.float64();
    case 'decimal':
      return decimalSchemaBuilder(target.scale, target.precision);
  }
}

/** Schema and converter for a timestamp column under `timestamp.granularity`. */
export function timestampField(granularity: TimestampGranularity, zone: Zone): { builder: SchemaBuilder; fromInstant: (i: Instant) => unknown } {
  switch (granularity) {
    case 'connect_logical':
      return { builder: LogicalTimestamp.builder(), fromInstant: (i) => i.toDate() };
    case 'micros_long':
      return { builder: SchemaBuilder.int64(), fromInstant: (i) => offsetNumber(epochUnits(i, 1000)) };
    case 'nanos_long':
      return { builder: SchemaBuilder.int64(), fromInstant: (i) => offsetNumber(epochUnits(i, 1)) };
    case 'micros_string':
      return { builder: SchemaBuilder.string(), fromInstant: (i) => epochUnits(i, 1000).toString() };
    case 'nanos_string':
      return { builder: SchemaBuilder.string(), fromInstant: (i) => epochUnits(i, 1).toString() };
    case 'micros_iso_datetime_string':
      return { builder: SchemaBuilder.string(), fromInstant: (i) => formatWall(i.toWall(zone), 'T', 6, i.nanos) };
    case 'nanos_iso_datetime_string':
      return { builder: SchemaBuilder.string(), fromInstant: (i) => formatWall(i.toWall(zone), 'T', 9, i.nanos) };
  }
}

function epochUnits(i: Instant, unitNanos: number): bigint {
  return BigInt(i.seconds) * BigInt(1_000_000_000 / unitNanos) + BigInt(Math.floor(i.nanos / unitNanos));
}

export function textOf(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  return String(raw);
}

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
