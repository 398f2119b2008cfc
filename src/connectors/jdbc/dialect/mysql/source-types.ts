/**
 * MySQL / MariaDB result columns → Connect fields, from the column type, flags, length and decimals the protocol
 * reports (no catalog query). BIGINT, DECIMAL and dates arrive as text and are converted exactly.
 */
import { Buffer } from 'node:buffer';
import { LogicalDate, LogicalTime, SchemaBuilder } from '../../../../data/index.js';
import { Instant, parseDateText, parseTimeText } from '../../util/temporal.js';
import { utcFromFields } from '../../util/zone.js';
import type { SourceColumn, SourceMappingOptions, TimeKind } from '../dialect.js';
import { int64FromText, numericField, textOf, timestampColumn } from '../source-values.js';

/** A result column's metadata as mysql2 reports it. */
export interface MyField {
  name: string;
  orgName?: string;
  table?: string;
  orgTable?: string;
  schema?: string;
  characterSet: number;
  columnLength: number;
  columnType: number;
  flags: number;
  decimals: number;
}

const T = {
  DECIMAL: 0, TINY: 1, SHORT: 2, LONG: 3, FLOAT: 4, DOUBLE: 5, NULL: 6, TIMESTAMP: 7, LONGLONG: 8, INT24: 9,
  DATE: 10, TIME: 11, DATETIME: 12, YEAR: 13, NEWDATE: 14, VARCHAR: 15, BIT: 16, JSON: 245, NEWDECIMAL: 246,
  ENUM: 247, SET: 248, TINY_BLOB: 249, MEDIUM_BLOB: 250, LONG_BLOB: 251, BLOB: 252, VAR_STRING: 253, STRING: 254,
  GEOMETRY: 255,
} as const;
const FLAG = { NOT_NULL: 1, UNSIGNED: 32, AUTO_INCREMENT: 512 } as const;
const BINARY_CHARSET = 63;
const TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(T).map(([k, v]) => [v, k]));

/** A result column → Connect field; `zeroDateToNull` per the URL's zeroDateTimeBehavior=convertToNull. */
export function sourceColumn(f: MyField, opts: SourceMappingOptions, zeroDateToNull: boolean): SourceColumn | { name: string; unsupported: string } {
  const nullable = (f.flags & FLAG.NOT_NULL) === 0;
  const unsigned = (f.flags & FLAG.UNSIGNED) !== 0;
  const binary = f.characterSet === BINARY_CHARSET;
  const typeName = TYPE_NAMES[f.columnType] ?? String(f.columnType);
  let builder: SchemaBuilder;
  let convert: (raw: unknown) => unknown;
  let instant: ((raw: unknown) => Instant) | undefined;
  let timeKind: TimeKind | undefined;
  let integral = false;
  let optional = nullable;
  const num = (raw: unknown): number => (typeof raw === 'number' ? raw : Number(raw));
  switch (f.columnType) {
    case T.TINY:
      builder = unsigned ? SchemaBuilder.int16() : SchemaBuilder.int8();
      convert = num;
      integral = true;
      break;
    case T.SHORT:
      builder = unsigned ? SchemaBuilder.int32() : SchemaBuilder.int16();
      convert = num;
      integral = true;
      break;
    case T.INT24:
    case T.LONG:
      builder = unsigned ? SchemaBuilder.int64() : SchemaBuilder.int32();
      convert = num;
      integral = true;
      break;
    case T.LONGLONG:
      builder = SchemaBuilder.int64();
      convert = (raw) => int64FromText(String(raw));
      integral = true;
      break;
    case T.FLOAT:
      builder = SchemaBuilder.float32();
      convert = num;
      break;
    case T.DOUBLE:
      builder = SchemaBuilder.float64();
      convert = num;
      break;
    case T.DECIMAL:
    case T.NEWDECIMAL: {
      const scale = f.decimals;
      const precision = f.columnLength - (scale > 0 ? 1 : 0) - (unsigned ? 0 : 1);
      // numeric.mapping applies to MySQL DECIMAL too (Confluent ignores it there: kafka-connect-jdbc #563).
      const n = numericField(opts.numericMapping, precision, scale);
      builder = n.builder;
      convert = (raw) => n.convert(String(raw));
      integral = n.integral;
      break;
    }
    case T.BIT:
      if (f.columnLength === 1) {
        builder = SchemaBuilder.bool();
        convert = (raw) => (raw as Uint8Array)[0] === 1;
      } else {
        builder = SchemaBuilder.bytes();
        convert = (raw) => raw as Uint8Array;
      }
      break;
    case T.YEAR:
      builder = LogicalDate.builder();
      convert = (raw) => {
        const y = num(raw);
        if (y === 0) throw new Error('YEAR 0000 has no Connect Date value');
        return new Date(utcFromFields(y, 1, 1));
      };
      break;
    case T.DATE:
    case T.NEWDATE:
      builder = LogicalDate.builder();
      if (zeroDateToNull) optional = true;
      convert = (raw) => {
        const t = String(raw);
        if (t.startsWith('0000-00-00')) {
          if (zeroDateToNull) return null;
          throw new Error(`zero date '${t}' has no Connect value (add zeroDateTimeBehavior=convertToNull to the URL to read it as null)`);
        }
        const d = parseDateText(t);
        if (!d) throw new Error(`cannot read date '${t}'`);
        return d;
      };
      break;
    case T.TIME:
      builder = LogicalTime.builder();
      convert = (raw) => {
        const r = parseTimeText(String(raw));
        if (!r) throw new Error(`TIME value '${String(raw)}' is outside a day (00:00:00 to 24:00:00) and has no Connect Time value`);
        return new Date(r.ms);
      };
      break;
    case T.DATETIME:
    case T.TIMESTAMP: {
      timeKind = f.columnType === T.TIMESTAMP ? 'instant' : 'wall';
      const unreadable = (t: string): string => `cannot read timestamp '${t}'${t.startsWith('0000') ? ' (zero dates need zeroDateTimeBehavior=convertToNull)' : ''}`;
      const c = timestampColumn(timeKind, opts, unreadable);
      const notZero = (t: string): string => {
        if (t.startsWith('0000-00-00')) throw new Error(unreadable(t));
        return t;
      };
      builder = c.builder;
      if (zeroDateToNull) optional = true;
      instant = (raw) => c.instant(notZero(String(raw)));
      convert = (raw) => (zeroDateToNull && String(raw).startsWith('0000-00-00') ? null : c.convert(notZero(String(raw))));
      break;
    }
    case T.JSON:
      builder = SchemaBuilder.string();
      convert = (raw) => textOf(raw);
      break;
    case T.VARCHAR:
    case T.VAR_STRING:
    case T.STRING:
    case T.ENUM:
    case T.SET:
    case T.TINY_BLOB:
    case T.MEDIUM_BLOB:
    case T.LONG_BLOB:
    case T.BLOB:
      if (binary) {
        builder = SchemaBuilder.bytes();
        convert = (raw) => (raw instanceof Uint8Array ? raw : Buffer.from(String(raw), 'latin1'));
      } else {
        builder = SchemaBuilder.string();
        convert = (raw) => textOf(raw);
      }
      break;
    default:
      return { name: f.name, unsupported: typeName };
  }
  if (optional) builder.optional();
  return {
    name: f.name,
    schema: builder.build(),
    convert,
    instant,
    timeKind,
    typeName,
    autoIncrement: (f.flags & FLAG.AUTO_INCREMENT) !== 0,
    nullable: optional,
    integral,
  };
}
