/**
 * MySQL sink types and values: the column type of a Connect schema for CREATE/ALTER (string and bytes keys get
 * bounded types), DEFAULT literals, and statement parameters (numbers stay numbers, decimals go in as exact literals,
 * timestamps as wall-clock text).
 */
import { Buffer } from 'node:buffer';
import { BigDecimal, Schema, Struct } from '../../../../data/index.js';
import { Instant, formatWall } from '../../util/temporal.js';
import { Zone } from '../../util/zone.js';
import type { ColumnDefinition, SinkEncodeContext } from '../dialect.js';
import { dateTimeJsonText, isLogicalDate, jsonText, valueAsText } from '../sink-values.js';

/** Raw SQL (a decimal literal) that mysql2 inlines without quotes. */
class RawSql {
  readonly #sql: string;
  constructor(sql: string) {
    this.#sql = sql;
  }
  toSqlString(): string {
    return this.#sql;
  }
}

export function sqlTypeFor(schema: Schema, isKey: boolean): string {
  switch (schema.name) {
    case 'org.apache.kafka.connect.data.Decimal': {
      const scale = Number(schema.parameters?.get('scale') ?? 0);
      return `DECIMAL(65,${scale})`;
    }
    case 'org.apache.kafka.connect.data.Date': return 'DATE';
    case 'org.apache.kafka.connect.data.Time': return 'TIME(3)';
    case 'org.apache.kafka.connect.data.Timestamp': return 'DATETIME(3)';
  }
  switch (schema.type) {
    case 'INT8': return 'TINYINT';
    case 'INT16': return 'SMALLINT';
    case 'INT32': return 'INT';
    case 'INT64': return 'BIGINT';
    case 'FLOAT32': return 'FLOAT';
    case 'FLOAT64': return 'DOUBLE';
    case 'BOOLEAN': return 'TINYINT';
    // TEXT cannot be a key column (kafka-connect-jdbc #996): key strings get VARCHAR(255).
    case 'STRING': return isKey ? 'VARCHAR(255)' : 'TEXT';
    case 'BYTES': return isKey ? 'VARBINARY(255)' : 'VARBINARY(1024)';
  }
  throw new Error(`${schema} (type ${schema.type}) doesn't have a mapping to the SQL database column type`);
}

export function defaultLiteral(schema: Schema, value: unknown): string {
  if (value instanceof BigDecimal) return value.toString();
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (value instanceof Uint8Array) return `X'${Buffer.from(value).toString('hex')}'`;
  if (value instanceof Date) return `'${valueAsText(value, schema, Zone.UTC)}'`;
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  throw new Error(`cannot write a default value for ${schema}`);
}

export function encodeParam(value: unknown, schema: Schema | null, column: ColumnDefinition, ctx: SinkEncodeContext): unknown {
  if (value === null || value === undefined) return null;
  const shared = dateTimeJsonText(value, schema, column, ctx);
  if (shared !== null) return shared;
  switch (column.category) {
    case 'int':
    case 'float':
    case 'decimal':
    case 'bit':
    case 'bool':
      if (typeof value === 'number' || typeof value === 'bigint') return value;
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (value instanceof BigDecimal) return new RawSql(value.toString());
      break;
    case 'bytes':
      if (value instanceof Uint8Array) return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      break;
    case 'timestamp':
      if (value instanceof Instant) return timestampText(value, column.timeKind === 'instant' ? Zone.UTC : ctx.zone);
      if (value instanceof Date || typeof value === 'number' || typeof value === 'bigint') {
        const ms = value instanceof Date ? value.getTime() : Number(value);
        // A Connect Date into a timestamp column is midnight UTC of that day, whatever db.timezone says.
        return timestampText(Instant.fromEpochMs(ms), column.timeKind === 'instant' || isLogicalDate(schema) ? Zone.UTC : ctx.zone);
      }
      break;
  }
  if (value instanceof Struct || Array.isArray(value)) return jsonText(value);
  if (value instanceof Instant) return timestampText(value, ctx.zone);
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (typeof value === 'number' || typeof value === 'bigint') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return valueAsText(value, schema, ctx.zone);
}

/** DATETIME/TIMESTAMP text with microseconds: the wall clock of `i` in `zone`. */
export function timestampText(i: Instant, zone: Zone): string {
  return formatWall(i.toWall(zone), ' ', 6, i.nanos);
}

export function isDataError(error: unknown): boolean {
  const x = error as { errno?: number; sqlState?: string };
  if (typeof x?.sqlState === 'string' && (x.sqlState.startsWith('22') || x.sqlState.startsWith('23'))) return true;
  return typeof x?.errno === 'number' && [1048, 1062, 1264, 1265, 1292, 1364, 1366, 1406, 1451, 1452, 3819, 4025, 1411, 1367].includes(x.errno);
}
