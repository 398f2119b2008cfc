/**
 * Confluent's AvroData in Sluice: the Avro mapping of the Connect data model, shared by the HDFS sink (Avro and
 * Parquet files) and the Schema Registry AvroConverter. Not exported from src/data/index.ts: importing this folder
 * loads avsc (through avro-long.ts), so only code that writes or reads Avro imports it.
 */
export { AvroData, bytesToConnect, type AvroReadOptions } from './avro-data.js';
export { toAvroSchema, plainSchema, HDFS_AVRO_DATA_DEFAULTS, type AvroSchema } from './avro-json-schema.js';
export { avroValueConverter, type ValueConverter } from './avro-value-converter.js';
export { BIG_LONG, zigZagLong, readZigZagLong } from './avro-long.js';
export { ANYTHING_SCHEMA_TEXT, isAnythingSchema } from './anything.js';
export type { DatumConverter, Shape } from './from-connect-datum.js';
export { fromConnectSchema } from './from-connect-schema.js';
export { toConnectSchema, type ToConnectContext } from './to-connect-schema.js';
export { parseAvroSchema } from './parse-schema.js';
export { printSchema, wireForm } from './print-schema.js';
export { JsonNumber, parseJson, printJson, plainJson, type Json, type JsonObject } from './json.js';
export { AVRO_DATA_DEFAULTS, avroDataSettings, type AvroDataOptions, type AvroDataSettings } from './options.js';
export { fullNameOf, schemaName, type AvroNode, type FieldNode, type NamedNode } from './schema-node.js';
export { scrubName } from './names.js';
export {
  AVRO_NAMESPACE, AVRO_TYPE_ANYTHING, AVRO_TYPE_ENUM, AVRO_TYPE_UNION, CONNECT_AVRO_DECIMAL_PRECISION_DEFAULT as DEFAULT_DECIMAL_PRECISION,
  CONNECT_AVRO_DECIMAL_PRECISION_PROP as CONNECT_DECIMAL_PRECISION, CONNECT_AVRO_FIXED_SIZE_PROP, DEFAULT_SCHEMA_NAME,
  GENERALIZED_TYPE_ENUM, GENERALIZED_TYPE_UNION, MAP_ENTRY_TYPE_NAME,
} from './names.js';
