import {
  BigDecimal,
  DataException,
  LogicalDate,
  isLogical,
  LogicalTime,
  LogicalTimestamp,
  SchemaBuilder,
  Struct,
  type ConnectRecord,
  type Schema,
  type SchemaType,
} from '../data/index.js';
import { ConfigDef, ConfigException, defineReplaceNullWithDefault, javaSplit, type RawConfig } from './transformation.js';
import { SidedTransformation, type Side } from './sided-transformation.js';
import { className, requireMap, requireStruct, requireStructSchema } from './requirements.js';
import { copySchemaBasics, fieldValue } from './schema-util.js';
import { mapCopy, mapGet, mapPut } from './schemaless-map.js';
import {
  doubleToInteger,
  formatConnectDate,
  inferSchemaType,
  javaBigDecimalToString,
  javaDoubleToString,
  javaFloatToString,
  parseJavaBoolean,
  parseJavaDouble,
  parseJavaInteger,
  toBase64,
  wrapInteger,
} from './java-values.js';

export const SPEC_CONFIG = 'spec';
const PURPOSE = 'cast types';

type CastTarget = 'INT8' | 'INT16' | 'INT32' | 'INT64' | 'FLOAT32' | 'FLOAT64' | 'BOOLEAN' | 'STRING';
const OUTPUT_TYPES: readonly CastTarget[] = ['INT8', 'INT16', 'INT32', 'INT64', 'FLOAT32', 'FLOAT64', 'BOOLEAN', 'STRING'];
const INPUT_TYPES: readonly SchemaType[] = [...OUTPUT_TYPES, 'BYTES'];
const ALL_TYPES = new Set<string>(['INT8', 'INT16', 'INT32', 'INT64', 'FLOAT32', 'FLOAT64', 'BOOLEAN', 'STRING', 'BYTES', 'ARRAY', 'MAP', 'STRUCT']);

/** The spec's field → target type; the whole-value cast is keyed by null. */
export function parseCastSpec(mappings: readonly string[]): Map<string | null, CastTarget> {
  const casts = new Map<string | null, CastTarget>();
  let whole = false;
  const target = (text: string): CastTarget => {
    const t = text.trim().toUpperCase();
    if (!ALL_TYPES.has(t)) throw new ConfigException(SPEC_CONFIG, mappings.join(','), `Invalid type found in casting spec: ${text.trim()}`);
    if (!OUTPUT_TYPES.includes(t as CastTarget)) {
      throw new ConfigException(SPEC_CONFIG, mappings.join(','),
        `Cast transformation does not support casting to ${t}; supported types are [${OUTPUT_TYPES.join(', ')}]`);
    }
    return t as CastTarget;
  };
  for (const mapping of mappings) {
    const parts = javaSplit(mapping, ':');
    if (parts.length > 2) throw new ConfigException(SPEC_CONFIG, mappings.join(','), `Invalid rename mapping: ${mapping}`);
    if (parts.length === 1) {
      casts.set(null, target(parts[0]!));
      whole = true;
    } else if (parts.length === 2) {
      casts.set(parts[0]!.trim(), target(parts[1]!));
    } else {
      throw new ConfigException(SPEC_CONFIG, mappings.join(','), `Invalid cast mapping: ${mapping}`);
    }
  }
  if (whole && mappings.length > 1) {
    throw new ConfigException(SPEC_CONFIG, mappings.join(','),
      'Cast transformations that specify a type to cast the entire value to may ony specify a single cast in their spec');
  }
  return casts;
}

const CONFIG_DEF = defineReplaceNullWithDefault(
  new ConfigDef().define({
    name: SPEC_CONFIG,
    type: 'LIST',
    importance: 'HIGH',
    validator: {
      ensureValid(name, value) {
        if (!Array.isArray(value) || value.length === 0) throw new ConfigException(name, value, 'Must specify at least one field to cast.');
        parseCastSpec(value as string[]);
      },
      describe: () => 'list of colon-delimited pairs, e.g. <code>foo:bar,abc:xyz</code>',
    },
    documentation:
      'List of fields and the type to cast them to of the form field1:type,field2:type to cast fields of Maps or Structs. ' +
      'A single type to cast the entire value. Valid types are int8, int16, int32, int64, float32, float64, boolean, and string. ' +
      'Note that binary fields can only be cast to string.',
  }),
);

function schemaForTarget(type: CastTarget): SchemaBuilder {
  return SchemaBuilder.type(type);
}

/** What a value is, for the number conversions: its Connect type plus whether it is floating point. */
function inputType(schema: Schema | null, value: unknown, path: string): SchemaType {
  const inferred = schema ? schema.type : inferSchemaType(value);
  if (inferred === null) {
    throw new DataException(
      `Cast transformation was passed a value of type ${className(value)} which is not supported by Connect's data API`, { path });
  }
  if (!INPUT_TYPES.includes(inferred)) {
    throw new DataException(
      `Cast transformation does not support casting from ${inferred}; supported types are [${INPUT_TYPES.join(', ')}]`, { path });
  }
  return inferred;
}

function unexpected(value: unknown, path: string): never {
  throw new DataException(`Unexpected type in Cast transformation: ${className(value)}`, { path });
}

function toInteger(value: unknown, target: 'INT8' | 'INT16' | 'INT32' | 'INT64', floating: boolean, path: string): number | bigint {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') return parseJavaInteger(value, target);
  if (typeof value === 'bigint') return wrapInteger(value, target);
  if (typeof value === 'number') return floating || !Number.isInteger(value) ? doubleToInteger(value, target) : wrapInteger(value, target);
  if (value instanceof BigDecimal) {
    // BigDecimal.xxxValue(): drop the fraction, keep the low bits.
    const truncated = value.scale <= 0 ? value.unscaled * 10n ** BigInt(-value.scale) : value.unscaled / 10n ** BigInt(value.scale);
    return wrapInteger(truncated, target);
  }
  return unexpected(value, path);
}

function toFloat(value: unknown, float32: boolean, path: string): number {
  let n: number;
  if (typeof value === 'boolean') n = value ? 1 : 0;
  else if (typeof value === 'string') return parseJavaDouble(value, float32);
  else if (typeof value === 'number') n = value;
  else if (typeof value === 'bigint') n = Number(value);
  else if (value instanceof BigDecimal) n = value.toNumber();
  else return unexpected(value, path);
  return float32 ? Math.fround(n) : n;
}

function toBoolean(value: unknown, floating: boolean, path: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return parseJavaBoolean(value);
  // Number.longValue() != 0: a double 0.5 is false.
  if (typeof value === 'number') return (floating || !Number.isInteger(value) ? Math.trunc(value) : value) !== 0 && !Number.isNaN(value);
  if (typeof value === 'bigint') return value !== 0n;
  if (value instanceof BigDecimal) return toInteger(value, 'INT64', false, path) !== 0;
  return unexpected(value, path);
}

function toStringValue(value: unknown, type: SchemaType): string {
  if (value instanceof Date) return formatConnectDate(value);
  if (value instanceof Uint8Array) return toBase64(value);
  if (value instanceof BigDecimal) return javaBigDecimalToString(value);
  if (typeof value === 'number') {
    if (type === 'FLOAT32') return javaFloatToString(value);
    if (type === 'FLOAT64') return javaDoubleToString(value);
    return Number.isInteger(value) ? String(value) : javaDoubleToString(value);
  }
  return String(value);
}

/** Cast's `encodeLogicalType`: Date/Time/Timestamp become their physical numbers before a non-string cast. */
function encodeLogical(schema: Schema, value: unknown): unknown {
  if (!(value instanceof Date)) return value;
  switch (schema.name) {
    case LogicalDate.LOGICAL_NAME: return LogicalDate.fromLogical(schema, value);
    case LogicalTime.LOGICAL_NAME: return LogicalTime.fromLogical(schema, value);
    case LogicalTimestamp.LOGICAL_NAME: return LogicalTimestamp.fromLogical(schema, value);
    default: return value;
  }
}

/** Casts one value (Cast's `castValueToType`); `path` names the field in errors. */
export function castValue(schema: Schema | null, value: unknown, target: CastTarget, path = ''): unknown {
  if (value === null || value === undefined) return null;
  const type = inputType(schema, value, path);
  let v: unknown = value;
  if (schema?.name && target !== 'STRING') v = encodeLogical(schema, v);
  const floating = type === 'FLOAT32' || type === 'FLOAT64';
  try {
    switch (target) {
      case 'INT8':
      case 'INT16':
      case 'INT32':
      case 'INT64':
        return toInteger(v, target, floating, path);
      case 'FLOAT32':
        return toFloat(v, true, path);
      case 'FLOAT64':
        return toFloat(v, false, path);
      case 'BOOLEAN':
        return toBoolean(v, floating, path);
      case 'STRING':
        return toStringValue(v, type);
    }
  } catch (e) {
    if (e instanceof RangeError) {
      throw new DataException(`Value (${String(value)}) was out of range for requested data type`, { path }, { cause: e });
    }
    throw e;
  }
}

/**
 * `org.apache.kafka.connect.transforms.Cast$Key` / `$Value`: casts top-level fields (or the whole key/value) to
 * int8…float64, boolean or string. Logical Date/Time/Timestamp values cast through their physical numbers,
 * bytes only to string (base64), Decimals through their exact value.
 */
export class Cast<R extends ConnectRecord = ConnectRecord> extends SidedTransformation<R> {
  static readonly CONFIG_DEF = CONFIG_DEF;
  #casts = new Map<string | null, CastTarget>();
  #whole: CastTarget | undefined;

  constructor(side: Side) {
    super(side, CONFIG_DEF);
  }

  configure(config: RawConfig): void {
    const c = this.parse(config);
    this.#casts = parseCastSpec(c[SPEC_CONFIG] as string[]);
    this.#whole = this.#casts.get(null);
  }

  apply(record: R): R {
    const value = this.operatingValue(record);
    if (value === null || value === undefined) return record;
    const schema = this.operatingSchema(record);
    return schema ? this.#applyWithSchema(record, schema, value) : this.#applySchemaless(record, value);
  }

  #applySchemaless(record: R, value: unknown): R {
    if (this.#whole) return this.newRecord(record, null, castValue(null, value, this.#whole));
    const map = requireMap(value, PURPOSE);
    const updated = mapCopy(map);
    for (const [field, target] of this.#casts) {
      if (field === null) continue;
      mapPut(updated, field, castValue(null, mapGet(map, field), target, field));
    }
    return this.newRecord(record, null, updated);
  }

  #applyWithSchema(record: R, schema: Schema, value: unknown): R {
    const updatedSchema = this.schemaCache.get(schema, (s) => this.#buildSchema(s));
    if (this.#whole) return this.newRecord(record, updatedSchema, castValue(schema, value, this.#whole));
    const struct = requireStruct(value, PURPOSE);
    const updated = new Struct(updatedSchema);
    for (const field of struct.schema.fields) {
      const orig = fieldValue(struct, field, this.replaceNullWithDefault);
      const target = this.#casts.get(field.name);
      updated.put(field.name, target ? castValue(field.schema, orig, target, field.name) : orig);
    }
    return this.newRecord(record, updatedSchema, updated);
  }

  #buildSchema(schema: Schema): Schema {
    let builder: SchemaBuilder;
    if (this.#whole) {
      builder = schemaForTarget(this.#whole);
      // Kafka copies name, version, doc and parameters; a logical type's name would make the new schema
      // unusable (an INT32 "Date" holding a number), so those are not carried over.
      if (!isLogical(schema)) copySchemaBasics(schema, builder);
      else if (schema.doc !== undefined) builder.doc(schema.doc);
    } else {
      builder = copySchemaBasics(requireStructSchema(schema, PURPOSE), SchemaBuilder.struct());
      for (const field of schema.fields) {
        const target = this.#casts.get(field.name);
        if (!target) {
          builder.field(field.name, field.schema);
          continue;
        }
        const fb = schemaForTarget(target);
        if (field.schema.optional) fb.optional();
        if (field.schema.defaultValue !== null && field.schema.defaultValue !== undefined) {
          fb.defaultValue(castValue(field.schema, field.schema.defaultValue, target, field.name));
        }
        builder.field(field.name, fb.build());
      }
    }
    if (schema.optional) builder.optional();
    // A struct-level default cannot be cast (Kafka throws "does not support casting from STRUCT" for every
    // record); it is dropped instead. A whole-value default is cast like the value.
    if (this.#whole && schema.defaultValue !== null && schema.defaultValue !== undefined) {
      builder.defaultValue(castValue(schema, schema.defaultValue, this.#whole));
    }
    return builder.build();
  }
}

