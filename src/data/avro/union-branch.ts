/**
 * How AvroData names the fields of an io.confluent.connect.avro.Union struct, and which field takes a value read
 * from a union (AvroData's unionMemberFieldName and isInstanceOfAvroSchemaTypeForSimpleSchema, by the Java class
 * the value would have).
 */
import type { Schema } from '../schema.js';
import { isFixedSchema } from './from-connect-schema.js';
import {
  AVRO_TYPE_ENUM, CONNECT_AVRO_FIXED_SIZE_PROP, GENERALIZED_TYPE_ENUM, GENERALIZED_TYPE_UNION_FIELD_PREFIX, scrubFullName,
  splitName,
} from './names.js';
import type { AvroDataSettings } from './options.js';
import { fullNameOf, type AvroNode, type FixedNode } from './schema-node.js';

/** The name of the union struct field for Avro branch `index`. */
export function unionMemberFieldName(member: AvroNode, index: number, s: AvroDataSettings): string {
  if (s.generalizedSumTypeSupport) return `${GENERALIZED_TYPE_UNION_FIELD_PREFIX}${index}`;
  if (member.type === 'record' || member.type === 'enum' || member.type === 'fixed') {
    return s.enhancedSchemaSupport ? fullNameOf(member) : splitName(member.name, s.scrubInvalidNames)[1];
  }
  return member.type;
}

const AVRO_TYPE_OF: Partial<Record<Schema['type'], string>> = {
  INT32: 'int', INT64: 'long', FLOAT32: 'float', FLOAT64: 'double', BOOLEAN: 'boolean', STRING: 'string', BYTES: 'bytes',
  ARRAY: 'array', MAP: 'map',
};

/** The union field name AvroData gives a Connect branch schema (undefined where Confluent would fail). */
export function connectMemberFieldName(schema: Schema, index: number, s: AvroDataSettings): string | undefined {
  if (s.generalizedSumTypeSupport) return `${GENERALIZED_TYPE_UNION_FIELD_PREFIX}${index}`;
  if (schema.type === 'STRUCT' || isEnumParams(schema) || isFixedSchema(schema)) {
    if (schema.name === undefined) return undefined;
    return s.enhancedSchemaSupport ? scrubFullName(schema.name, s.scrubInvalidNames) : splitName(schema.name, s.scrubInvalidNames)[1];
  }
  return AVRO_TYPE_OF[schema.type];
}

/** AvroData's isEnumSchema: a STRING with either enum parameter. */
export function isEnumParams(schema: Schema): boolean {
  return schema.type === 'STRING' && !!schema.parameters && (schema.parameters.has(GENERALIZED_TYPE_ENUM) || schema.parameters.has(AVRO_TYPE_ENUM));
}

/** The Java class of a value Java Avro reads (or of a default Java Avro parsed). */
export type JavaClass =
  | { readonly k: 'Integer' | 'Long' | 'Float' | 'Double' | 'Boolean' | 'CharSequence' | 'Collection' | 'Map' | 'Other' }
  | { readonly k: 'ByteBuffer' | 'byte[]'; readonly size: number }
  | { readonly k: 'Fixed'; readonly schema: FixedNode }
  | { readonly k: 'EnumSymbol'; readonly fullName: string }
  | { readonly k: 'Record'; readonly connect: Schema };

const SIMPLE_CLASSES: Partial<Record<Schema['type'], readonly JavaClass['k'][]>> = {
  INT32: ['Integer'], INT64: ['Long'], FLOAT32: ['Float'], FLOAT64: ['Double'], BOOLEAN: ['Boolean'], STRING: ['CharSequence'],
  BYTES: ['ByteBuffer', 'byte[]', 'Fixed'], ARRAY: ['Collection'], MAP: ['Map'],
};

/** AvroData's isInstanceOfAvroSchemaTypeForSimpleSchema. */
export function isInstanceForSimpleSchema(field: Schema, value: JavaClass, index: number, s: AvroDataSettings): boolean {
  if (isEnumParams(field)) {
    const enumName = field.parameters!.get(s.generalizedSumTypeSupport ? GENERALIZED_TYPE_ENUM : AVRO_TYPE_ENUM);
    return value.k === 'EnumSymbol' && value.fullName === enumName;
  }
  const classes = SIMPLE_CLASSES[field.type];
  if (!classes?.includes(value.k)) return false;
  if (!isFixedSchema(field)) return true;
  const size = Number(field.parameters!.get(CONNECT_AVRO_FIXED_SIZE_PROP));
  if (value.k === 'ByteBuffer' || value.k === 'byte[]') return value.size === size;
  if (value.k === 'Fixed') return unionMemberFieldName(value.schema, index, s) === connectMemberFieldName(field, index, s);
  return false;
}
