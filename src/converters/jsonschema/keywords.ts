/** The names Confluent's JsonSchemaData writes into and reads from JSON Schemas (io.confluent.connect.json). */

export const NAMESPACE = 'io.confluent.connect.json';

export const CONNECT_TYPE = 'connect.type';
export const CONNECT_VERSION = 'connect.version';
export const CONNECT_PARAMETERS = 'connect.parameters';
export const CONNECT_INDEX = 'connect.index';

export const CONNECT_TYPE_BYTES = 'bytes';
export const CONNECT_TYPE_MAP = 'map';

/** `connect.type` of each Connect number type (int8 … float64). */
export const NUMBER_CONNECT_TYPES = {
  INT8: 'int8', INT16: 'int16', INT32: 'int32', INT64: 'int64', FLOAT32: 'float32', FLOAT64: 'float64',
} as const;

/** Entry names of a map with non-string keys, written as an array of {"key":…,"value":…} objects. */
export const KEY_FIELD = 'key';
export const VALUE_FIELD = 'value';

/** Parameter marking a schema that a `$ref` points back to, and the prefix of its generated ids (`#id1`, …). */
export const JSON_ID_PROP = `${NAMESPACE}.Id`;
export const DEFAULT_ID_PREFIX = '#id';

/** Enum and oneOf marks without generalized.sum.type.support. */
export const JSON_TYPE_ENUM = `${NAMESPACE}.Enum`;
export const JSON_TYPE_ONE_OF = `${NAMESPACE}.OneOf`;

/** Enum and union marks with generalized.sum.type.support (Confluent's ConnectEnum / ConnectUnion). */
export const GENERALIZED_TYPE_ENUM = 'org.apache.kafka.connect.data.Enum';
export const GENERALIZED_TYPE_UNION = 'org.apache.kafka.connect.data.Union';
export const GENERALIZED_TYPE_UNION_PREFIX = 'connect_union_';
export const GENERALIZED_TYPE_UNION_FIELD_PREFIX = `${GENERALIZED_TYPE_UNION_PREFIX}field_`;

/** Enum symbol standing for a `null` enum value. */
export const NULL_MARKER = '<NULL>';

/** Confluent's ConnectVariant (an untyped `{}` schema); not supported here. */
export const VARIANT_LOGICAL_NAME = 'org.apache.kafka.connect.data.Variant';
