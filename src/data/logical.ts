import { BigDecimal, bigintToTwosComplement, twosComplementToBigint } from './big-decimal.js';
import { DataException } from './errors.js';
import type { Schema } from './schema.js';
import { SchemaBuilder } from './schema-builder.js';

const MS_PER_DAY = 86_400_000;

/** `org.apache.kafka.connect.data.Decimal`: BYTES holding the unscaled two's-complement integer. */
export const Decimal = {
  LOGICAL_NAME: 'org.apache.kafka.connect.data.Decimal',
  SCALE_FIELD: 'scale',
  builder(scale: number): SchemaBuilder {
    return SchemaBuilder.bytes().name(Decimal.LOGICAL_NAME).parameter(Decimal.SCALE_FIELD, String(scale)).version(1);
  },
  schema(scale: number): Schema {
    return Decimal.builder(scale).build();
  },
  scaleOf(schema: Schema): number {
    const raw = schema.parameters?.get(Decimal.SCALE_FIELD);
    if (raw === undefined) throw new DataException('invalid Decimal schema: scale parameter not found');
    const scale = Number.parseInt(raw, 10);
    if (!Number.isInteger(scale) || String(scale) !== raw.trim()) throw new DataException(`invalid Decimal scale '${raw}'`);
    return scale;
  },
  fromLogical(schema: Schema, value: BigDecimal): Uint8Array {
    const scale = Decimal.scaleOf(schema);
    if (value.scale !== scale) {
      throw new DataException(`decimal value has mismatching scale ${value.scale}; the schema expects ${scale}`);
    }
    return bigintToTwosComplement(value.unscaled);
  },
  toLogical(schema: Schema, bytes: Uint8Array): BigDecimal {
    return new BigDecimal(twosComplementToBigint(bytes), Decimal.scaleOf(schema));
  },
} as const;

/** `org.apache.kafka.connect.data.Date`: INT32 days since the epoch (UTC). */
export const LogicalDate = {
  LOGICAL_NAME: 'org.apache.kafka.connect.data.Date',
  builder(): SchemaBuilder {
    return SchemaBuilder.int32().name(LogicalDate.LOGICAL_NAME).version(1);
  },
  schema(): Schema {
    return LogicalDate.builder().build();
  },
  fromLogical(_schema: Schema, value: Date): number {
    const ms = value.getTime();
    if (ms % MS_PER_DAY !== 0) {
      throw new DataException('Kafka Connect Date type should not have any time fields set to non-zero values.');
    }
    return ms / MS_PER_DAY;
  },
  toLogical(_schema: Schema, days: number): Date {
    return new Date(days * MS_PER_DAY);
  },
} as const;

/** `org.apache.kafka.connect.data.Time`: INT32 milliseconds since midnight (UTC). */
export const LogicalTime = {
  LOGICAL_NAME: 'org.apache.kafka.connect.data.Time',
  builder(): SchemaBuilder {
    return SchemaBuilder.int32().name(LogicalTime.LOGICAL_NAME).version(1);
  },
  schema(): Schema {
    return LogicalTime.builder().build();
  },
  fromLogical(_schema: Schema, value: Date): number {
    const ms = value.getTime();
    if (ms < 0 || ms >= MS_PER_DAY) {
      throw new DataException('Kafka Connect Time type should not have any date fields set to non-zero values.');
    }
    return ms;
  },
  toLogical(_schema: Schema, ms: number): Date {
    if (ms < 0 || ms > MS_PER_DAY) {
      throw new DataException('Time values must use number of milliseconds greater than 0 and less than 86400000');
    }
    return new Date(ms);
  },
} as const;

/** `org.apache.kafka.connect.data.Timestamp`: INT64 milliseconds since the epoch. */
export const LogicalTimestamp = {
  LOGICAL_NAME: 'org.apache.kafka.connect.data.Timestamp',
  builder(): SchemaBuilder {
    return SchemaBuilder.int64().name(LogicalTimestamp.LOGICAL_NAME).version(1);
  },
  schema(): Schema {
    return LogicalTimestamp.builder().build();
  },
  fromLogical(_schema: Schema, value: Date): number {
    return value.getTime();
  },
  toLogical(_schema: Schema, ms: number | bigint): Date {
    return new Date(Number(ms));
  },
} as const;

export const LOGICAL_NAMES = new Set<string>([
  Decimal.LOGICAL_NAME,
  LogicalDate.LOGICAL_NAME,
  LogicalTime.LOGICAL_NAME,
  LogicalTimestamp.LOGICAL_NAME,
]);

export function isLogical(schema: Schema | null | undefined): boolean {
  return !!schema?.name && LOGICAL_NAMES.has(schema.name);
}
