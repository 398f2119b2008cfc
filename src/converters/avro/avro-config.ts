/**
 * The AvroConverter settings the Avro format reads (prefix already stripped): Confluent's AvroDataConfig keys,
 * `schemas.cache.config` and the deserializer's `avro.use.logical.type.converters`.
 */
import type { AvroDataOptions } from '../../data/avro/options.js';
import { configBoolean, configInt } from '../config.js';
import type { ConverterConfig } from '../converter.js';

export interface AvroFormatSettings {
  readonly avroData: Required<AvroDataOptions>;
  /** `avro.use.logical.type.converters` (Confluent default false). */
  readonly logicalTypeConverters: boolean;
  /** `schemas.cache.config`: schemas kept per direction (Confluent default 1000, at least 1). */
  readonly cacheSize: number;
}

export function avroFormatSettings(config: ConverterConfig): AvroFormatSettings {
  return {
    avroData: {
      connectMetaData: configBoolean(config, 'connect.meta.data', true),
      enhancedSchemaSupport: configBoolean(config, 'enhanced.avro.schema.support', false),
      scrubInvalidNames: configBoolean(config, 'scrub.invalid.names', false),
      generalizedSumTypeSupport: configBoolean(config, 'generalized.sum.type.support', false),
      ignoreDefaultForNullables: configBoolean(config, 'ignore.default.for.nullables', false),
      allowOptionalMapKeys: configBoolean(config, 'allow.optional.map.keys', false),
      flattenSingletonUnions: configBoolean(config, 'flatten.singleton.unions', true),
      discardTypeDocDefault: configBoolean(config, 'discard.type.doc.default', false),
    },
    logicalTypeConverters: configBoolean(config, 'avro.use.logical.type.converters', false),
    cacheSize: Math.max(1, configInt(config, 'schemas.cache.config', 1000)),
  };
}
