/** Connect value → JSON tree, as Confluent's JsonSchemaData.fromConnectData builds it. */
import {
  BigDecimal, DataException, Decimal, LogicalDate, LogicalTime, LogicalTimestamp, Struct, schemaEquals, type Schema,
} from '../../data/index.js';
import { INT64_MAX, INT64_MIN, RANGES, describe, rethrowAt } from '../json/codec-shared.js';
import { javaBigDecimalToString, javaDoubleToString, javaFloatToString } from '../json/java-format.js';
import type { DecimalFormat } from './config.js';
import { JBinary, type JsonNode } from './json-node.js';
import { KEY_FIELD, VALUE_FIELD, VARIANT_LOGICAL_NAME } from './keywords.js';
import { JNumber } from './ordered-json.js';
import { isUnionSchema } from './sum-types.js';

export interface ValueWriteOptions {
  readonly decimalFormat: DecimalFormat;
  readonly ignoreDefaultForNullables: boolean;
}

function invalidType(schema: Schema, value: unknown): never {
  throw new DataException(`Invalid type for ${schema.type}: ${describe(value)}`);
}

function javaFloatText(v: number, float32: boolean): JNumber {
  if (Number.isNaN(v)) return new JNumber('NaN');
  if (!Number.isFinite(v)) return new JNumber(v > 0 ? 'Infinity' : '-Infinity');
  return new JNumber(float32 ? javaFloatToString(v) : javaDoubleToString(v));
}

function logical(schema: Schema, value: unknown, opts: ValueWriteOptions): JsonNode | undefined {
  switch (schema.name) {
    case Decimal.LOGICAL_NAME:
      if (!(value instanceof BigDecimal)) throw new DataException(`Invalid type for Decimal, expected BigDecimal but was ${describe(value)}`);
      return opts.decimalFormat === 'NUMERIC' ? new JNumber(javaBigDecimalToString(value)) : new JBinary(Decimal.fromLogical(schema, value));
    case LogicalDate.LOGICAL_NAME:
      if (!(value instanceof Date)) throw new DataException(`Invalid type for Date, expected Date but was ${describe(value)}`);
      return new JNumber(String(LogicalDate.fromLogical(schema, value)));
    case LogicalTime.LOGICAL_NAME:
      if (!(value instanceof Date)) throw new DataException(`Invalid type for Time, expected Date but was ${describe(value)}`);
      return new JNumber(String(LogicalTime.fromLogical(schema, value)));
    case LogicalTimestamp.LOGICAL_NAME:
      if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
        throw new DataException(`Invalid type for Timestamp, expected Date but was ${describe(value)}`);
      }
      return new JNumber(String(value.getTime()));
    case VARIANT_LOGICAL_NAME:
      throw new DataException('Variant values (org.apache.kafka.connect.data.Variant) are not supported');
    default:
      return undefined;
  }
}

/**
 * The JSON node of `value` under `schema`; undefined where Java has null: a null value whose schema is neither
 * optional nor has a default (a struct then leaves the field out).
 */
export function fromConnectData(schema: Schema, value: unknown, opts: ValueWriteOptions): JsonNode | undefined {
  if (value === null || value === undefined) {
    if (schema.defaultValue !== null && schema.defaultValue !== undefined && !opts.ignoreDefaultForNullables) {
      return fromConnectData(schema, schema.defaultValue, opts);
    }
    return schema.optional ? null : undefined;
  }
  if (schema.name !== undefined) {
    const node = logical(schema, value, opts);
    if (node !== undefined) return node;
  }
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32': {
      const [lo, hi] = RANGES[schema.type];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < lo || value > hi) invalidType(schema, value);
      return new JNumber(String(value === 0 ? 0 : value));
    }
    case 'INT64':
      if (typeof value === 'bigint') {
        if (value < INT64_MIN || value > INT64_MAX) invalidType(schema, value);
        return new JNumber(value.toString());
      }
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) invalidType(schema, value);
      return new JNumber(String(value === 0 ? 0 : value));
    case 'FLOAT32':
    case 'FLOAT64':
      if (typeof value !== 'number') invalidType(schema, value);
      return javaFloatText(value, schema.type === 'FLOAT32');
    case 'BOOLEAN':
      if (typeof value !== 'boolean') invalidType(schema, value);
      return value;
    case 'STRING':
      if (typeof value !== 'string') invalidType(schema, value);
      return value;
    case 'BYTES':
      if (value instanceof Uint8Array) return new JBinary(value);
      if (value instanceof BigDecimal) return new JNumber(javaBigDecimalToString(value));
      return invalidType(schema, value);
    case 'ARRAY':
      return arrayNode(schema, value, opts);
    case 'MAP':
      return mapNode(schema, value, opts);
    case 'STRUCT':
      return structNode(schema, value, opts);
  }
}

function arrayNode(schema: Schema, value: unknown, opts: ValueWriteOptions): JsonNode {
  if (!Array.isArray(value)) invalidType(schema, value);
  const items = schema.valueSchema!;
  const out: JsonNode[] = new Array<JsonNode>(value.length);
  for (let i = 0; i < value.length; i++) {
    try {
      out[i] = fromConnectData(items, value[i], opts) ?? null;
    } catch (e) {
      rethrowAt(e, `[${i}]`);
    }
  }
  return out;
}

function mapEntries(schema: Schema, value: unknown): Iterable<[unknown, unknown]> {
  if (value instanceof Map) return value.entries();
  if (typeof value === 'object' && value !== null && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
    return Object.entries(value);
  }
  return invalidType(schema, value);
}

/** String keys (not optional) make a JSON object; other keys an array of {"key":…,"value":…} objects. */
function mapNode(schema: Schema, value: unknown, opts: ValueWriteOptions): JsonNode {
  const keySchema = schema.keySchema!;
  const valueSchema = schema.valueSchema!;
  const objectMode = keySchema.type === 'STRING' && !keySchema.optional;
  const obj = new Map<string, JsonNode>();
  const list: JsonNode[] = [];
  for (const [k, v] of mapEntries(schema, value)) {
    let key: JsonNode | undefined;
    let val: JsonNode | undefined;
    try {
      key = fromConnectData(keySchema, k, opts);
      val = fromConnectData(valueSchema, v, opts);
    } catch (e) {
      rethrowAt(e, `[${String(k)}]`);
    }
    if (objectMode) {
      if (typeof key !== 'string') throw new DataException('Invalid null key in a map with string keys');
      obj.set(key, val ?? null);
    } else {
      list.push(new Map([[KEY_FIELD, key ?? null], [VALUE_FIELD, val ?? null]]));
    }
  }
  return objectMode ? obj : list;
}

function structNode(schema: Schema, value: unknown, opts: ValueWriteOptions): JsonNode | undefined {
  if (!(value instanceof Struct)) return invalidType(schema, value);
  if (value.schema !== schema && !schemaEquals(value.schema, schema)) throw new DataException('Mismatching schema.');
  const read = (f: Schema['fields'][number]) => (opts.ignoreDefaultForNullables ? value.getWithoutDefault(f) : value.get(f));
  if (isUnionSchema(schema)) {
    // a union is held as a struct with one field per branch: the first non-null one is the value
    for (const f of schema.fields) {
      const v = read(f);
      if (v !== null && v !== undefined) {
        try {
          return fromConnectData(f.schema, v, opts);
        } catch (e) {
          rethrowAt(e, f.name);
        }
      }
    }
    return fromConnectData(schema, null, opts);
  }
  const obj = new Map<string, JsonNode>();
  for (const f of schema.fields) {
    let node: JsonNode | undefined;
    try {
      node = fromConnectData(f.schema, read(f), opts);
    } catch (e) {
      rethrowAt(e, f.name);
    }
    if (node !== undefined) obj.set(f.name, node);
  }
  return obj;
}
