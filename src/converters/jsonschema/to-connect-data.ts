/**
 * Parsed JSON → Connect value, as Confluent's JsonSchemaData.toConnectData reads it (payloads, and `default`s).
 * Numbers arrive as `parseJson(…, { keepNumberText: true })` gives them: integers as number or bigint, every
 * other number as its text, which is what Jackson's reader keeps with USE_BIG_DECIMAL_FOR_FLOATS.
 */
import {
  BigDecimal, DataException, Decimal, LogicalDate, LogicalTime, LogicalTimestamp, Struct, type Schema,
} from '../../data/index.js';
import { INT64_MAX, INT64_MIN, RANGES, nodeType, rethrowAt } from '../json/codec-shared.js';
import { parseFloat32 } from '../json/java-format.js';
import { JsonNumberText, decodeBase64, type JsonValue } from '../json/json-text.js';
import { KEY_FIELD, VALUE_FIELD, VARIANT_LOGICAL_NAME } from './keywords.js';
import { isUnionSchema } from './sum-types.js';

type JsonObject = { [key: string]: JsonValue };

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const NON_FINITE: Record<string, number> = { NaN: Number.NaN, Infinity: Infinity, '-Infinity': -Infinity };

function isObject(j: JsonValue | undefined): j is JsonObject {
  return typeof j === 'object' && j !== null && !Array.isArray(j) && !(j instanceof JsonNumberText);
}

function isNumber(j: JsonValue | undefined): j is number | bigint | JsonNumberText {
  return typeof j === 'number' || typeof j === 'bigint' || j instanceof JsonNumberText;
}

/** Jackson's isIntegralNumber(): written without fraction or exponent. */
function isIntegral(j: JsonValue | undefined): j is number | bigint {
  return typeof j === 'number' || typeof j === 'bigint';
}

function own(obj: JsonObject, key: string): JsonValue | undefined {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/** An integral value (12, or 12.0 / 1.2e1 written as a float), as bigint; undefined when it has a fraction. */
function exactInteger(j: number | bigint | JsonNumberText): bigint | undefined {
  if (typeof j === 'bigint') return j;
  if (typeof j === 'number') return Number.isInteger(j) ? BigInt(j) : undefined;
  const d = BigDecimal.parse(j.text);
  try {
    return d.setScale(0).unscaled;
  } catch {
    return undefined;
  }
}

function integer(schema: Schema, j: JsonValue, lo: bigint, hi: bigint): bigint {
  const v = isNumber(j) ? exactInteger(j) : undefined;
  if (v === undefined) throw new DataException(`Invalid value for ${schema.type} field: ${describeJson(j)} is not an integer`);
  if (v < lo || v > hi) throw new DataException(`Invalid value for ${schema.type} field: ${v} is out of range`);
  return v;
}

function describeJson(j: JsonValue): string {
  if (j instanceof JsonNumberText) return j.text;
  if (typeof j === 'string') return JSON.stringify(j.length > 40 ? `${j.slice(0, 37)}...` : j);
  if (typeof j === 'number' || typeof j === 'bigint' || typeof j === 'boolean') return String(j);
  return `a JSON ${nodeType(j).toLowerCase()}`;
}

function float(schema: Schema, j: JsonValue, float32: boolean): number {
  if (typeof j === 'number') return float32 ? Math.fround(j) : j;
  if (typeof j === 'bigint' || j instanceof JsonNumberText) {
    const text = typeof j === 'bigint' ? j.toString() : j.text;
    return float32 ? parseFloat32(text) : Number(text);
  }
  // Jackson writes non-finite floats as strings ("NaN"); read them back rather than as Confluent's 0.0.
  if (typeof j === 'string' && j in NON_FINITE) return NON_FINITE[j]!;
  throw new DataException(`Invalid value for ${schema.type} field: expected a number but found ${describeJson(j)}`);
}

function logical(schema: Schema, j: JsonValue): unknown {
  switch (schema.name) {
    case Decimal.LOGICAL_NAME:
      if (isNumber(j)) return typeof j === 'object' ? BigDecimal.parse(j.text) : BigDecimal.of(j);
      if (typeof j === 'string') {
        const bytes = decodeBase64(j);
        if (!bytes || bytes.length === 0) throw new DataException('Invalid bytes for Decimal field');
        return Decimal.toLogical(schema, bytes);
      }
      throw new DataException(`Invalid type for Decimal, underlying representation should be numeric or bytes but was ${nodeType(j)}`);
    case LogicalDate.LOGICAL_NAME:
    case LogicalTime.LOGICAL_NAME: {
      const which = schema.name === LogicalDate.LOGICAL_NAME ? 'Date' : 'Time';
      if (typeof j !== 'number' || !Number.isInteger(j) || j < INT32_MIN || j > INT32_MAX) {
        throw new DataException(`Invalid type for ${which}, underlying representation should be integer but was ${nodeType(j)}`);
      }
      return which === 'Date' ? LogicalDate.toLogical(schema, j) : LogicalTime.toLogical(schema, j);
    }
    case LogicalTimestamp.LOGICAL_NAME: {
      if (!isIntegral(j)) throw new DataException(`Invalid type for Timestamp, underlying representation should be integral but was ${nodeType(j)}`);
      const date = LogicalTimestamp.toLogical(schema, j);
      if (Number.isNaN(date.getTime())) throw new DataException(`Timestamp ${j} is outside the range of a JavaScript Date`);
      return date;
    }
    case VARIANT_LOGICAL_NAME:
      throw new DataException('Variant values (org.apache.kafka.connect.data.Variant) are not supported');
    default:
      return undefined;
  }
}

/**
 * The Connect value of `j` (undefined: the property is missing). A missing or null value gives the schema's
 * default, else null — but a JSON null for a required schema without default is an error.
 */
export function toConnectData(schema: Schema, j: JsonValue | undefined): unknown {
  if (j === undefined || j === null) {
    if (schema.defaultValue !== null && schema.defaultValue !== undefined) return schema.defaultValue;
    if (j === undefined || schema.optional) return null;
    throw new DataException(`Invalid null value for required ${schema.type} field`);
  }
  if (schema.name !== undefined) {
    const v = logical(schema, j);
    if (v !== undefined) return v;
  }
  switch (schema.type) {
    case 'BOOLEAN':
      if (typeof j !== 'boolean') throw new DataException(`Invalid value for BOOLEAN field: expected a boolean but found ${describeJson(j)}`);
      return j;
    case 'INT8':
    case 'INT16':
    case 'INT32': {
      const [lo, hi] = RANGES[schema.type];
      return Number(integer(schema, j, BigInt(lo), BigInt(hi)));
    }
    case 'INT64': {
      const v = integer(schema, j, INT64_MIN, INT64_MAX);
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    }
    case 'FLOAT32':
    case 'FLOAT64':
      return float(schema, j, schema.type === 'FLOAT32');
    case 'STRING':
      if (typeof j !== 'string') throw new DataException(`Invalid value for STRING field: expected a string but found ${describeJson(j)}`);
      return j;
    case 'BYTES': {
      const bytes = typeof j === 'string' ? decodeBase64(j) : undefined;
      if (!bytes) throw new DataException(`Invalid bytes field: expected a base64 string but found ${describeJson(j)}`);
      return bytes;
    }
    case 'ARRAY': {
      if (!Array.isArray(j)) throw new DataException(`Arrays should be encoded as JSON arrays, but found ${nodeType(j)}`);
      const items = schema.valueSchema!;
      const out = new Array<unknown>(j.length);
      for (let i = 0; i < j.length; i++) {
        try {
          out[i] = toConnectData(items, j[i]);
        } catch (e) {
          rethrowAt(e, `[${i}]`);
        }
      }
      return out;
    }
    case 'MAP':
      return mapValue(schema, j);
    case 'STRUCT':
      return isUnionSchema(schema) ? unionValue(schema, j) : structValue(schema, j);
  }
}

function mapValue(schema: Schema, j: JsonValue): Map<unknown, unknown> {
  const keySchema = schema.keySchema!;
  const valueSchema = schema.valueSchema!;
  const out = new Map<unknown, unknown>();
  if (keySchema.type === 'STRING' && !keySchema.optional) {
    if (!isObject(j)) throw new DataException(`Maps with string fields should be encoded as JSON objects, but found ${nodeType(j)}`);
    for (const [k, v] of Object.entries(j)) {
      try {
        out.set(k, toConnectData(valueSchema, v));
      } catch (e) {
        rethrowAt(e, `[${k}]`);
      }
    }
    return out;
  }
  if (!Array.isArray(j)) throw new DataException(`Maps with non-string fields should be encoded as JSON array of objects, but found ${nodeType(j)}`);
  j.forEach((entry, i) => {
    if (!isObject(entry)) throw new DataException(`Found invalid map entry instead of object: ${nodeType(entry)}`, { path: `[${i}]` });
    const size = Object.keys(entry).length;
    if (size !== 2) throw new DataException(`Found invalid map entry, expected length 2 but found :${size}`, { path: `[${i}]` });
    try {
      out.set(toConnectData(keySchema, own(entry, KEY_FIELD)), toConnectData(valueSchema, own(entry, VALUE_FIELD)));
    } catch (e) {
      rethrowAt(e, `[${i}]`);
    }
  });
  return out;
}

function structValue(schema: Schema, j: JsonValue): Struct {
  if (!isObject(j)) throw new DataException(`Structs should be encoded as JSON objects, but found ${nodeType(j)}`);
  const out = new Struct(schema);
  for (const f of schema.fields) {
    try {
      const v = toConnectData(f.schema, own(j, f.name));
      if (v !== null) out.put(f, v);
    } catch (e) {
      rethrowAt(e, f.name);
    }
  }
  return out;
}

/** JsonSchemaData.isInstanceOfSchemaTypeForSimpleSchema: does a JSON value plainly belong to a union branch? */
function isInstanceOfSimple(branch: Schema, j: JsonValue): boolean {
  switch (branch.type) {
    case 'INT8': case 'INT16': case 'INT32': case 'INT64': return isIntegral(j);
    case 'FLOAT32': case 'FLOAT64': return isNumber(j);
    case 'BOOLEAN': return typeof j === 'boolean';
    case 'STRING': return typeof j === 'string';
    case 'BYTES': return j instanceof JsonNumberText; // Jackson's isBinary() never holds for parsed JSON; isBigDecimal() does for fractions
    case 'ARRAY': return Array.isArray(j);
    case 'MAP': return isObject(j) || Array.isArray(j);
    case 'STRUCT': return false;
  }
}

/** JsonSchemaData.matchStructSchema: how many (nested) property names of an object a struct branch declares. */
function matchStructSchema(branch: Schema, j: JsonValue | undefined): number {
  if (branch.type !== 'STRUCT' || !isObject(j)) return 0;
  let score = 0;
  for (const f of branch.fields) {
    if (Object.prototype.hasOwnProperty.call(j, f.name)) score += 1 + matchStructSchema(f.schema, j[f.name]);
  }
  return score;
}

/** A oneOf/anyOf held as a struct: the value goes to the first branch it plainly belongs to, else the best struct match. */
function unionValue(schema: Schema, j: JsonValue): Struct {
  let best: Schema['fields'][number] | undefined;
  let bestScore = 0;
  for (const f of schema.fields) {
    if (isInstanceOfSimple(f.schema, j)) return putBranch(schema, f, j);
    const score = matchStructSchema(f.schema, j);
    if (score > bestScore) {
      bestScore = score;
      best = f;
    }
  }
  if (best) return putBranch(schema, best, j);
  throw new DataException('Did not find matching oneof field for data');
}

function putBranch(schema: Schema, f: Schema['fields'][number], j: JsonValue): Struct {
  try {
    return new Struct(schema).put(f, toConnectData(f.schema, j));
  } catch (e) {
    return rethrowAt(e, f.name);
  }
}
