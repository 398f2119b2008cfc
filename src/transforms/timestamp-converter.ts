import {
  DataException,
  LogicalDate,
  LogicalTime,
  LogicalTimestamp,
  Schema,
  SchemaBuilder,
  Struct,
  type ConnectRecord,
} from '../data/index.js';
import { ConfigDef, ConfigException, defineReplaceNullWithDefault, type RawConfig } from './transformation.js';
import { SidedTransformation, type Side } from './sided-transformation.js';
import { className, requireMap, requireStructOrNull, requireStructSchema } from './requirements.js';
import { copySchemaBasics, fieldValue } from './schema-util.js';
import { mapCopy, mapGet, mapPut } from './schemaless-map.js';
import { Validators } from '../connectors/api/config-def.js';
import { DateParseError, DatePatternError, JavaDateFormat } from './date-format.js';
import { longValue } from './java-values.js';

export const FIELD_CONFIG = 'field';
export const TARGET_TYPE_CONFIG = 'target.type';
export const FORMAT_CONFIG = 'format';
export const UNIX_PRECISION_CONFIG = 'unix.precision';
const PURPOSE = 'converting timestamp formats';
const MS_PER_DAY = 86_400_000;

export type TimestampType = 'string' | 'unix' | 'Date' | 'Time' | 'Timestamp';
export type UnixPrecision = 'seconds' | 'milliseconds' | 'microseconds' | 'nanoseconds';
const TYPES: readonly TimestampType[] = ['string', 'unix', 'Date', 'Time', 'Timestamp'];
const PRECISIONS: readonly UnixPrecision[] = ['nanoseconds', 'microseconds', 'milliseconds', 'seconds'];

const CONFIG_DEF = defineReplaceNullWithDefault(
  new ConfigDef()
    .define({
      name: FIELD_CONFIG, type: 'STRING', defaultValue: '', importance: 'HIGH',
      documentation: 'The field containing the timestamp, or empty if the entire value is a timestamp',
    })
    .define({
      name: TARGET_TYPE_CONFIG, type: 'STRING', importance: 'HIGH', validator: Validators.in(...TYPES),
      documentation: 'The desired timestamp representation: string, unix, Date, Time, or Timestamp',
    })
    .define({
      name: FORMAT_CONFIG, type: 'STRING', defaultValue: '', importance: 'MEDIUM',
      documentation: 'A SimpleDateFormat-compatible format for the timestamp. Used to generate the output when type=string ' +
        'or used to parse the input if the input is a string.',
    })
    .define({
      name: UNIX_PRECISION_CONFIG, type: 'STRING', defaultValue: 'milliseconds', importance: 'LOW', validator: Validators.in(...PRECISIONS),
      documentation: 'The desired Unix precision for the timestamp: seconds, milliseconds, microseconds, or nanoseconds. ' +
        'Used to generate the output when type=unix or used to parse the input if the input is a Long.' +
        'Note: This SMT will cause precision loss during conversions from, and to, values with sub-millisecond components.',
    }),
);

const SCHEMAS: Record<TimestampType, [Schema, Schema]> = {
  string: [Schema.STRING, Schema.OPTIONAL_STRING],
  unix: [Schema.INT64, Schema.OPTIONAL_INT64],
  Date: [LogicalDate.schema(), LogicalDate.builder().optional().build()],
  Time: [LogicalTime.schema(), LogicalTime.builder().optional().build()],
  Timestamp: [LogicalTimestamp.schema(), LogicalTimestamp.builder().optional().build()],
};

const UNIT_PER_MS: Record<UnixPrecision, bigint> = { seconds: 0n, milliseconds: 1n, microseconds: 1000n, nanoseconds: 1_000_000n };
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

function checkedDate(ms: number, path: string): Date {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) throw new DataException(`Timestamp ${ms} ms is outside the range a Date can hold`, { path });
  return d;
}

/**
 * `org.apache.kafka.connect.transforms.TimestampConverter$Key` / `$Value`: converts a field (or the whole key/value)
 * between epoch numbers (`unix`, in `unix.precision`), formatted strings (`format`, a SimpleDateFormat pattern,
 * always UTC) and Connect's Date, Time and Timestamp logical types.
 */
export class TimestampConverter<R extends ConnectRecord = ConnectRecord> extends SidedTransformation<R> {
  static readonly CONFIG_DEF = CONFIG_DEF;
  #field = '';
  #target: TimestampType = 'Timestamp';
  #format: JavaDateFormat | null = null;
  #precision: UnixPrecision = 'milliseconds';

  constructor(side: Side) {
    super(side, CONFIG_DEF);
  }

  configure(config: RawConfig): void {
    const c = this.parse(config);
    this.#field = c[FIELD_CONFIG] as string;
    this.#target = c[TARGET_TYPE_CONFIG] as TimestampType;
    this.#precision = c[UNIX_PRECISION_CONFIG] as UnixPrecision;
    const pattern = c[FORMAT_CONFIG] as string;
    if (this.#target === 'string' && pattern.trim() === '') {
      throw new ConfigException(undefined, undefined, 'TimestampConverter requires format option to be specified when using string timestamps');
    }
    this.#format = null;
    if (pattern.trim() !== '') {
      try {
        this.#format = new JavaDateFormat(pattern);
      } catch (e) {
        if (!(e instanceof DatePatternError)) throw e;
        throw new ConfigException(FORMAT_CONFIG, pattern,
          `TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: ${pattern} (${e.message})`);
      }
    }
  }

  apply(record: R): R {
    const schema = this.operatingSchema(record);
    const value = this.operatingValue(record);
    if (!schema) {
      if (value === null || value === undefined || this.#field === '') {
        return this.newRecord(record, null, this.convert(value, null, ''));
      }
      const map = requireMap(value, PURPOSE);
      const updated = mapCopy(map);
      mapPut(updated, this.#field, this.convert(mapGet(map, this.#field), null, this.#field));
      return this.newRecord(record, null, updated);
    }
    if (this.#field === '') {
      const updatedSchema = SCHEMAS[this.#target][schema.optional ? 1 : 0];
      return this.newRecord(record, updatedSchema, this.convert(value, typeFromSchema(schema, ''), ''));
    }
    const struct = requireStructOrNull(value, PURPOSE);
    const updatedSchema = this.schemaCache.get(schema, (s) => this.#buildSchema(s));
    return this.newRecord(record, updatedSchema, struct === null ? null : this.#convertStruct(struct, updatedSchema));
  }

  #buildSchema(schema: Schema): Schema {
    const b = copySchemaBasics(requireStructSchema(schema, PURPOSE), SchemaBuilder.struct());
    for (const f of schema.fields) {
      b.field(f.name, f.name === this.#field ? SCHEMAS[this.#target][f.schema.optional ? 1 : 0] : f.schema);
    }
    if (schema.optional) b.optional();
    // A struct-level default is not carried over: a default Struct would have to hold its own schema.
    return b.build();
  }

  #convertStruct(struct: Struct, schema: Schema): Struct {
    const out = new Struct(schema);
    for (const f of struct.schema.fields) {
      const v = fieldValue(struct, f, this.replaceNullWithDefault);
      out.put(f.name, f.name === this.#field ? this.convert(v, typeFromSchema(f.schema, f.name), f.name) : v);
    }
    return out;
  }

  /** Converts one timestamp value from `from` (inferred when null) to the target type. */
  convert(value: unknown, from: TimestampType | null, path: string): unknown {
    if (value === null || value === undefined) return null;
    const source = from ?? inferType(value, path);
    return this.#toType(this.#toRaw(value, source, path), path);
  }

  #toRaw(value: unknown, type: TimestampType, path: string): Date {
    switch (type) {
      case 'string': {
        if (typeof value !== 'string') throw new DataException(`Expected string timestamp to be a String, but found ${className(value)}`, { path });
        if (!this.#format) throw new DataException(`TimestampConverter needs the ${FORMAT_CONFIG} option to parse string timestamps`, { path });
        try {
          return this.#format!.parse(value);
        } catch (e) {
          if (!(e instanceof DateParseError)) throw e;
          throw new DataException(`Could not parse timestamp: value (${value}) does not match pattern (${this.#format!.toPattern()})`,
            { path }, { cause: e });
        }
      }
      case 'unix': {
        if (!(typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value)))) {
          throw new DataException(`Expected Unix timestamp to be a Long, but found ${className(value)}`, { path });
        }
        return checkedDate(this.#unixToMillis(value), path);
      }
      case 'Date':
      case 'Time':
      case 'Timestamp':
        if (!(value instanceof Date)) throw new DataException(`Expected ${type} to be a java.util.Date, but found ${className(value)}`, { path });
        return value;
    }
  }

  /** TimeUnit.X.toMillis: truncating division, saturating multiplication. */
  #unixToMillis(value: number | bigint): number {
    if (this.#precision === 'milliseconds') return Number(value);
    if (this.#precision === 'seconds') {
      const ms = BigInt(value) * 1000n;
      return Number(ms > LONG_MAX ? LONG_MAX : ms < LONG_MIN ? LONG_MIN : ms);
    }
    const per = UNIT_PER_MS[this.#precision];
    if (typeof value === 'number') {
      const d = Number(per);
      return (value - (value % d)) / d;
    }
    return Number(value / per);
  }

  #toType(date: Date, path: string): unknown {
    const ms = date.getTime();
    switch (this.#target) {
      case 'string':
        return this.#format!.format(date);
      case 'unix': {
        if (this.#precision === 'milliseconds') return ms;
        if (this.#precision === 'seconds') return (ms - (ms % 1000)) / 1000 + 0;
        const v = BigInt(ms) * UNIT_PER_MS[this.#precision];
        return longValue(v > LONG_MAX ? LONG_MAX : v < LONG_MIN ? LONG_MIN : v);
      }
      case 'Date':
        return checkedDate(Math.floor(ms / MS_PER_DAY) * MS_PER_DAY, path);
      case 'Time':
        return new Date(((ms % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY);
      case 'Timestamp':
        return date;
    }
  }
}

/** Which timestamp representation a schema holds (Kafka's `timestampTypeFromSchema`). */
export function typeFromSchema(schema: Schema, path: string): TimestampType {
  if (schema.name === LogicalTimestamp.LOGICAL_NAME) return 'Timestamp';
  if (schema.name === LogicalDate.LOGICAL_NAME) return 'Date';
  if (schema.name === LogicalTime.LOGICAL_NAME) return 'Time';
  if (schema.type === 'STRING') return 'string';
  if (schema.type === 'INT64') return 'unix';
  throw new DataException(`Schema ${schema} does not correspond to a known timestamp type format`, { path });
}

/** Schemaless: a Date is a Timestamp, an integer a unix time, a string a formatted time. */
function inferType(value: unknown, path: string): TimestampType {
  if (value instanceof Date) return 'Timestamp';
  if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))) return 'unix';
  if (typeof value === 'string') return 'string';
  throw new DataException(`TimestampConverter does not support ${className(value)} objects as timestamps`, { path });
}
