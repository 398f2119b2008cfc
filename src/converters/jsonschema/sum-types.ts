/** Confluent's marks for unions and enums on Connect schemas (JsonSchemaData.isUnionSchema, ConnectUnion, ConnectEnum). */
import type { Schema } from '../../data/index.js';
import { GENERALIZED_TYPE_ENUM, GENERALIZED_TYPE_UNION, JSON_TYPE_ENUM, JSON_TYPE_ONE_OF } from './keywords.js';

/** A STRUCT standing for a oneOf/anyOf: named `io.confluent.connect.json.OneOf` or carrying ConnectUnion's parameter. */
export function isUnionSchema(schema: Schema): boolean {
  return schema.name === JSON_TYPE_ONE_OF || (schema.parameters?.has(GENERALIZED_TYPE_UNION) ?? false);
}

/** A STRING standing for a JSON enum (either mark). */
export function isEnumSchema(schema: Schema): boolean {
  return !!schema.parameters && (schema.parameters.has(GENERALIZED_TYPE_ENUM) || schema.parameters.has(JSON_TYPE_ENUM));
}
