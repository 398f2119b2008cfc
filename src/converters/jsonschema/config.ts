/** The settings of Confluent's JsonSchemaDataConfig (and its AbstractDataConfig), read from the converter's config. */
import { ConnectException } from '../../data/index.js';

export type DecimalFormat = 'BASE64' | 'NUMERIC';

export interface JsonSchemaDataOptions {
  /** `object.additional.properties`: false writes `"additionalProperties":false` on every struct's object schema. */
  readonly allowAdditionalProperties: boolean;
  /** `use.optional.for.nonrequired`: properties not listed in `required` read as optional fields. */
  readonly useOptionalForNonRequired: boolean;
  /** `decimal.format`: Decimal values as base64 strings of the unscaled bytes, or as JSON numbers. */
  readonly decimalFormat: DecimalFormat;
  /** `generalized.sum.type.support`: enums and unions as Confluent's ConnectEnum / ConnectUnion. */
  readonly generalizedSumTypeSupport: boolean;
  /** `ignore.default.for.nullables`: a null stays null instead of becoming the field's default. */
  readonly ignoreDefaultForNullables: boolean;
  /** `flatten.singleton.unions`: a oneOf/anyOf/allOf of one schema reads as that schema. */
  readonly flattenSingletonUnions: boolean;
  /** `ignore.modern.dialects`: accepted; draft 2019-09 and 2020-12 schemas are read with the draft-7 rules either way. */
  readonly ignoreModernDialects: boolean;
  /** `schemas.cache.config`: how many registered schemas a format keeps read. */
  readonly schemasCacheSize: number;
}

export const DEFAULT_JSON_SCHEMA_DATA_OPTIONS: JsonSchemaDataOptions = Object.freeze({
  allowAdditionalProperties: true,
  useOptionalForNonRequired: false,
  decimalFormat: 'BASE64',
  generalizedSumTypeSupport: false,
  ignoreDefaultForNullables: false,
  flattenSingletonUnions: true,
  ignoreModernDialects: false,
  schemasCacheSize: 1000,
});

/** An invalid JSON Schema converter setting (Kafka's ConfigException): names the key, the value and the reason. */
export class JsonSchemaConfigException extends ConnectException {
  override readonly name = 'JsonSchemaConfigException';
  constructor(readonly key: string, readonly value: unknown, reason: string) {
    super(`Invalid value ${String(value)} for configuration ${key}: ${reason}`);
  }
}

type Config = Readonly<Record<string, unknown>>;

function bool(config: Config, key: string, dflt: boolean): boolean {
  const v = config[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'boolean') return v;
  const t = typeof v === 'string' ? v.trim().toLowerCase() : '';
  if (t === 'true') return true;
  if (t === 'false') return false;
  throw new JsonSchemaConfigException(key, v, 'Expected value to be either true or false');
}

function int(config: Config, key: string, dflt: number): number {
  const v = config[key];
  if (v === undefined || v === null) return dflt;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < -2147483648 || n > 2147483647) throw new JsonSchemaConfigException(key, v, 'Not a number of type INT');
  return n;
}

function decimalFormat(config: Config): DecimalFormat {
  const v = config['decimal.format'];
  if (v === undefined || v === null) return 'BASE64';
  const up = String(v).trim().toUpperCase();
  if (up === 'BASE64' || up === 'NUMERIC') return up;
  throw new JsonSchemaConfigException('decimal.format', v, 'String must be one of (case insensitive): BASE64, NUMERIC');
}

/** Reads the JsonSchemaDataConfig keys (other keys are ignored: they belong to the converter or the registry client). */
export function jsonSchemaDataOptions(config: Config): JsonSchemaDataOptions {
  if (bool(config, 'preserve.additional.properties', false)) {
    throw new JsonSchemaConfigException('preserve.additional.properties', config['preserve.additional.properties'],
      'not supported: undeclared properties would need Confluent\'s Variant type, which Sluice does not have');
  }
  const d = DEFAULT_JSON_SCHEMA_DATA_OPTIONS;
  return Object.freeze({
    allowAdditionalProperties: bool(config, 'object.additional.properties', d.allowAdditionalProperties),
    useOptionalForNonRequired: bool(config, 'use.optional.for.nonrequired', d.useOptionalForNonRequired),
    decimalFormat: decimalFormat(config),
    generalizedSumTypeSupport: bool(config, 'generalized.sum.type.support', d.generalizedSumTypeSupport),
    ignoreDefaultForNullables: bool(config, 'ignore.default.for.nullables', d.ignoreDefaultForNullables),
    flattenSingletonUnions: bool(config, 'flatten.singleton.unions', d.flattenSingletonUnions),
    ignoreModernDialects: bool(config, 'ignore.modern.dialects', d.ignoreModernDialects),
    schemasCacheSize: Math.max(1, int(config, 'schemas.cache.config', d.schemasCacheSize)),
  });
}
