export { SchemaRegistryConverter, type RegistryConverterKind } from './registry-converter.js';
export { AVRO_CONVERTER, PROTOBUF_CONVERTER, JSON_SCHEMA_CONVERTER } from './kinds.js';
export { RegistryClient, RegistryResponseError, RegistryUnavailableError, type SubjectVersion } from './registry-client.js';
export { registryClientSettings, serdeSettings, type RegistryClientSettings, type SerdeSettings } from './serde-config.js';
export { frame, unframe, MAGIC_BYTE } from './wire-format.js';
export type { FormatReader, FormatWriter, RegisteredSchema, RegistryFormat, RegistryFormatFactory, SchemaReference, SchemaType as RegistrySchemaType } from './format.js';
