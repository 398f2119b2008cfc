/**
 * Kafka's `transforms.util.Requirements`: the checks an SMT makes on what it is given, with Kafka's messages
 * (`Only Struct objects supported for [<purpose>], found: <class>`), so errors read the same as in Kafka Connect.
 */
import { DataException, SinkRecord, Struct, type ConnectRecord, type Schema } from '../data/index.js';
import { isMapValue, type SchemalessMap } from './schemaless-map.js';

/** A Java-ish class name for error messages. */
export function className(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return 'java.lang.String';
  if (typeof value === 'boolean') return 'java.lang.Boolean';
  if (typeof value === 'bigint') return 'java.lang.Long';
  if (typeof value === 'number') return Number.isInteger(value) ? 'java.lang.Long' : 'java.lang.Double';
  if (value instanceof Uint8Array) return 'byte[]';
  if (value instanceof Struct) return 'org.apache.kafka.connect.data.Struct';
  if (Array.isArray(value)) return 'java.util.List';
  if (isMapValue(value)) return 'java.util.Map';
  if (value instanceof Date) return 'java.util.Date';
  return (value as object).constructor?.name ?? typeof value;
}

export function requireMap(value: unknown, purpose: string): SchemalessMap {
  if (!isMapValue(value)) {
    throw new DataException(`Only Map objects supported in absence of schema for [${purpose}], found: ${className(value)}`);
  }
  return value;
}

export function requireMapOrNull(value: unknown, purpose: string): SchemalessMap | null {
  return value === null || value === undefined ? null : requireMap(value, purpose);
}

export function requireStruct(value: unknown, purpose: string): Struct {
  if (!(value instanceof Struct)) {
    throw new DataException(`Only Struct objects supported for [${purpose}], found: ${className(value)}`);
  }
  return value;
}

export function requireStructOrNull(value: unknown, purpose: string): Struct | null {
  return value === null || value === undefined ? null : requireStruct(value, purpose);
}

/** A STRUCT schema, checked before a struct schema is derived from it (the message names the schema). */
export function requireStructSchema(schema: Schema, purpose: string): Schema {
  if (schema.type !== 'STRUCT') throw new DataException(`Only Struct objects supported for [${purpose}], found schema: ${schema}`);
  return schema;
}

export function requireSinkRecord(record: ConnectRecord, purpose: string): SinkRecord {
  if (!(record instanceof SinkRecord)) {
    throw new DataException(`Only SinkRecord supported for [${purpose}], found: ${record.constructor.name}`);
  }
  return record;
}

export function requireSchema(schema: Schema | null, purpose: string): Schema {
  if (!schema) throw new DataException(`Schema required for [${purpose}]`);
  return schema;
}
