/** Confluent's three registry converters: class names, and the format modules they load on first use. */
import type { RegistryConverterKind } from './registry-converter.js';

export const AVRO_CONVERTER: RegistryConverterKind = {
  className: 'io.confluent.connect.avro.AvroConverter',
  label: 'Avro',
  load: async () => (await import('../avro/avro-format.js')).avroFormat,
};

export const PROTOBUF_CONVERTER: RegistryConverterKind = {
  className: 'io.confluent.connect.protobuf.ProtobufConverter',
  label: 'Protobuf',
  load: async () => (await import('../protobuf/index.js')).protobufFormat,
};

export const JSON_SCHEMA_CONVERTER: RegistryConverterKind = {
  className: 'io.confluent.connect.json.JsonSchemaConverter',
  label: 'JSON',
  load: async () => (await import('../jsonschema/index.js')).jsonSchemaFormat,
};
