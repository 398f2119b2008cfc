/**
 * Confluent's ProtobufDataConfig (and the AbstractDataConfig keys it inherits), read from the converter's flat
 * settings. Unknown keys belong to the converter and are ignored here.
 */
import { ConnectException } from '../../data/index.js';

export interface ProtobufDataConfig {
  /** enhanced.protobuf.schema.support: Connect names are the full names (package kept). */
  readonly enhancedSchemaSupport: boolean;
  /** scrub.invalid.names */
  readonly scrubInvalidNames: boolean;
  /** int.for.enums: enums read as INT32 instead of STRING. */
  readonly intForEnums: boolean;
  /** optional.for.nullables: optional Connect fields become proto3 `optional`; only `optional` fields read as optional. */
  readonly optionalForNullables: boolean;
  /** optional.for.proto2: proto2 `optional` fields that are not set read as null. */
  readonly optionalForProto2: boolean;
  /** wrapper.for.nullables: optional primitives become google.protobuf.*Value wrappers. */
  readonly wrapperForNullables: boolean;
  /** wrapper.for.raw.primitives: a root wrapper message reads as the bare primitive. */
  readonly wrapperForRawPrimitives: boolean;
  /** generate.struct.for.nulls: unset message fields read as a struct of defaults instead of null. */
  readonly generateStructForNulls: boolean;
  /** generate.index.for.unions: the Connect field of a oneof is named `<oneof>_<index>`. */
  readonly generateIndexForUnions: boolean;
  /** flatten.unions: oneof members read as plain optional fields. */
  readonly flattenUnions: boolean;
  /** generalized.sum.type.support: unions and enums use Connect's generic parameters. */
  readonly generalizedSumTypeSupport: boolean;
  /** ignore.default.for.nullables: a null field is written as null, not as its schema default. */
  readonly ignoreDefaultForNullables: boolean;
  /** schemas.cache.config: how many compiled schemas a format keeps. */
  readonly schemasCacheSize: number;
}

const BOOLEANS = {
  enhancedSchemaSupport: ['enhanced.protobuf.schema.support', false],
  scrubInvalidNames: ['scrub.invalid.names', false],
  intForEnums: ['int.for.enums', false],
  optionalForNullables: ['optional.for.nullables', false],
  optionalForProto2: ['optional.for.proto2', true],
  wrapperForNullables: ['wrapper.for.nullables', false],
  wrapperForRawPrimitives: ['wrapper.for.raw.primitives', true],
  generateStructForNulls: ['generate.struct.for.nulls', false],
  generateIndexForUnions: ['generate.index.for.unions', true],
  flattenUnions: ['flatten.unions', false],
  generalizedSumTypeSupport: ['generalized.sum.type.support', false],
  ignoreDefaultForNullables: ['ignore.default.for.nullables', false],
} as const satisfies Record<string, readonly [string, boolean]>;

const CACHE_SIZE_KEY = 'schemas.cache.config';
const CACHE_SIZE_DEFAULT = 1000;

/** The keys this format reads (for documentation and validation messages). */
export const PROTOBUF_DATA_CONFIG_KEYS: readonly string[] = [...Object.values(BOOLEANS).map(([k]) => k), CACHE_SIZE_KEY];

export function protobufDataConfig(config: Readonly<Record<string, unknown>>): ProtobufDataConfig {
  const flags = Object.fromEntries(
    Object.entries(BOOLEANS).map(([prop, [key, fallback]]) => [prop, readBoolean(config, key, fallback)]),
  ) as Record<keyof typeof BOOLEANS, boolean>;
  return { ...flags, schemasCacheSize: readPositiveInt(config, CACHE_SIZE_KEY, CACHE_SIZE_DEFAULT) };
}

/** Kafka's ConfigDef BOOLEAN: a boolean, or "true"/"false" in any case. */
function readBoolean(config: Readonly<Record<string, unknown>>, key: string, fallback: boolean): boolean {
  const raw = config[key];
  if (raw === undefined || raw === null) return fallback;
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string') {
    const t = raw.trim().toLowerCase();
    if (t === 'true') return true;
    if (t === 'false') return false;
  }
  throw new ConnectException(`Invalid value ${String(raw)} for configuration ${key}: Expected value to be either true or false`);
}

function readPositiveInt(config: Readonly<Record<string, unknown>>, key: string, fallback: number): number {
  const raw = config[key];
  if (raw === undefined || raw === null) return fallback;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n)) throw new ConnectException(`Invalid value ${String(raw)} for configuration ${key}: Not a number of type INT`);
  return Math.max(1, n);
}
