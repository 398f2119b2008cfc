/**
 * Source-side pieces both dialects share: integer parsing, numeric.mapping, decimal schemas, timestamp granularity,
 * and the numeric and timestamp columns built from them.
 */
import { Buffer } from 'node:buffer';
import { BigDecimal, Decimal, LogicalTimestamp, SchemaBuilder } from '../../../data/index.js';
import { Instant, formatWall, parseTimestampText, parsedToInstant } from '../util/temporal.js';
import { Zone } from '../util/zone.js';
import type { NumericMapping, SourceMappingOptions, TimeKind, TimestampGranularity } from './dialect.js';

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

/** A numeric column under numeric.mapping: its schema, the converter from decimal text, whether it is integral. */
export function numericField(mapping: NumericMapping, precision: number | null, scale: number): { builder: SchemaBuilder; convert: (text: string) => unknown; integral: boolean } {
  const target = numericTarget(mapping, precision, scale);
  return {
    builder: schemaForNumericTarget(target),
    convert: numericConverter(target),
    integral: target.kind === 'int' || (target.kind === 'decimal' && scale === 0),
  };
}

/**
 * A timestamp column of either time kind: the schema per `timestamp.granularity`, the exact instant of its text
 * (`instant` columns are UTC text, `wall` columns are read in `db.timezone`) and the converter to the Connect
 * value. `unreadable` words the error for text that is not a timestamp.
 */
export function timestampColumn(kind: TimeKind, opts: SourceMappingOptions, unreadable: (text: string) => string): {
  builder: SchemaBuilder;
  instant: (text: string) => Instant;
  convert: (text: string) => unknown;
} {
  const zone = kind === 'instant' ? Zone.UTC : opts.zone;
  const instant = (t: string): Instant => {
    const p = parseTimestampText(t);
    if (!p) throw new Error(unreadable(t));
    return parsedToInstant(p, zone);
  };
  const f = timestampField(opts.granularity, opts.zone);
  return { builder: f.builder, instant, convert: (t) => f.fromInstant(instant(t)) };
}
