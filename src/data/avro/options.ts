/** Confluent's AvroDataConfig settings, with Confluent's defaults. */
import { DataException } from '../errors.js';

export interface AvroDataOptions {
  /** `connect.meta.data`: write and read the connect.* properties. Default true. */
  readonly connectMetaData?: boolean;
  /** `enhanced.avro.schema.support`: Avro enums and full names preserved. Default false. */
  readonly enhancedSchemaSupport?: boolean;
  /** `scrub.invalid.names`: Connect names that are not Avro names are rewritten (AvroData's doScrubName). Default false. */
  readonly scrubInvalidNames?: boolean;
  /** `generalized.sum.type.support`: unions and enums with Connect's generic union/enum parameters. Default false. */
  readonly generalizedSumTypeSupport?: boolean;
  /** `ignore.default.for.nullables`: a null field of a struct is written as null, not as its schema default. Default false. */
  readonly ignoreDefaultForNullables?: boolean;
  /** `allow.optional.map.keys`: a map with optional string keys is still an Avro map. Default false. */
  readonly allowOptionalMapKeys?: boolean;
  /** `flatten.singleton.unions`: a one-branch Avro union reads as that branch. Default true. */
  readonly flattenSingletonUnions?: boolean;
  /** `discard.type.doc.default` (deprecated in Confluent): docs and defaults as before Confluent 7. Default false. */
  readonly discardTypeDocDefault?: boolean;
}

export type AvroDataSettings = Required<AvroDataOptions>;

export const AVRO_DATA_DEFAULTS: AvroDataSettings = {
  connectMetaData: true,
  enhancedSchemaSupport: false,
  scrubInvalidNames: false,
  generalizedSumTypeSupport: false,
  ignoreDefaultForNullables: false,
  allowOptionalMapKeys: false,
  flattenSingletonUnions: true,
  discardTypeDocDefault: false,
};

export function avroDataSettings(opts: AvroDataOptions = {}, defaults: AvroDataSettings = AVRO_DATA_DEFAULTS): AvroDataSettings {
  return {
    connectMetaData: opts.connectMetaData ?? defaults.connectMetaData,
    enhancedSchemaSupport: opts.enhancedSchemaSupport ?? defaults.enhancedSchemaSupport,
    scrubInvalidNames: opts.scrubInvalidNames ?? defaults.scrubInvalidNames,
    generalizedSumTypeSupport: opts.generalizedSumTypeSupport ?? defaults.generalizedSumTypeSupport,
    ignoreDefaultForNullables: opts.ignoreDefaultForNullables ?? defaults.ignoreDefaultForNullables,
    allowOptionalMapKeys: opts.allowOptionalMapKeys ?? defaults.allowOptionalMapKeys,
    flattenSingletonUnions: opts.flattenSingletonUnions ?? defaults.flattenSingletonUnions,
    discardTypeDocDefault: opts.discardTypeDocDefault ?? defaults.discardTypeDocDefault,
  };
}

/** Java's `Integer.parseInt`, as AvroData uses it on schema parameters (a DataException instead of NumberFormatException). */
export function parseJavaInt(s: string | undefined, what: string): number {
  if (s === undefined || !/^[+-]?\d+$/.test(s)) throw new DataException(`invalid ${what} '${s ?? 'null'}': not an integer`);
  const n = Number(s);
  if (n < -2147483648 || n > 2147483647) throw new DataException(`invalid ${what} '${s}': out of the int range`);
  return n;
}
