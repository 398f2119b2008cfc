/**
 * Single message transforms and predicates: Kafka Connect's built-in set, its class names, and the wiring of
 * `transforms=` / `predicates=` connector configs into a chain.
 */
export {
  TransformException,
  parseConfig,
  REPLACE_NULL_WITH_DEFAULT_CONFIG,
  type Predicate,
  type Transformation,
} from './transformation.js';
export { SidedTransformation, operatingSchema, operatingValue, withOperating, type Side } from './sided-transformation.js';
export { SchemaCache, copySchemaBasics } from './schema-util.js';
export { Cast, castValue, parseCastSpec } from './cast.js';
export { ExtractField, SingleFieldPath, parseFieldPath, type FieldSyntaxVersion } from './extract-field.js';
export { Flatten } from './flatten.js';
export { HeaderFrom } from './header-from.js';
export { DropHeaders, InsertHeader } from './headers.js';
export { HoistField } from './hoist-field.js';
export { InsertField, parseInsertionSpec } from './insert-field.js';
export { MaskField } from './mask-field.js';
export { ReplaceField, parseRenameMappings } from './replace-field.js';
export { Filter, RegexRouter, TimestampRouter } from './routing.js';
export { SetSchemaMetadata } from './set-schema-metadata.js';
export { TimestampConverter, type TimestampType, type UnixPrecision } from './timestamp-converter.js';
export { ValueToKey } from './value-to-key.js';
export { HasHeaderKey, RecordIsTombstone, TopicNameMatches } from './predicates.js';
export {
  TransformRegistry,
  builtinRegistry,
  transformRegistry,
  TransformNameClashError,
  createTransformation,
  createPredicate,
  pluginConfigDef,
  TRANSFORMS_PACKAGE,
  PREDICATES_PACKAGE,
  type PluginKind,
  type TransformPlugin,
} from './registry.js';
export {
  buildTransformChain,
  chainOf,
  transformsConfigDef,
  transformConfigDefFor,
  aliasList,
  TRANSFORMS_CONFIG,
  PREDICATES_CONFIG,
  PREDICATE_CONFIG,
  NEGATE_CONFIG,
  type ChainOptions,
  type TransformChain,
  type TransformStage,
} from './chain.js';
export { JavaDateFormat, DateParseError, DatePatternError } from './date-format.js';
export { JavaPattern, JavaRegexError, compileJavaReplacement, javaReplaceFirst, translateJavaRegex } from './java-regex.js';
export { parseString, formatConnectDate } from './java-values.js';
