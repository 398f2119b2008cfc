export type { Converter, ConverterConfig, HeaderConverter } from './converter.js';
export { ConverterConfigException, type ConverterType } from './config.js';
export { JsonConverter, JSON_CONVERTER_CONFIG, type DecimalFormat } from './json/json-converter.js';
export { javaBigDecimalToString, javaDoubleToString, javaFloatToString, parseFloat32 } from './json/java-format.js';
export { parseJson, quoteJson, JsonNumberText, JsonSyntaxError, type JsonValue } from './json/json-text.js';
export {
  StringConverter,
  ByteArrayConverter,
  ShortConverter,
  IntegerConverter,
  LongConverter,
  FloatConverter,
  DoubleConverter,
  BooleanConverter,
  javaToString,
} from './simple.js';
export { SimpleHeaderConverter } from './simple-header.js';
export {
  createConverter,
  createHeaderConverter,
  configureConverter,
  configureHeaderConverter,
  knownConverterNames,
  settingsWithPrefix,
  UnknownConverterError,
  ConverterRegistry,
  ConverterNameClashError,
  type ConverterEntry,
  type ConverterPrefix,
} from './registry.js';
export { Values, convertToString, parseString, inferSchema } from '../data/values.js';
export * from './schema-registry/index.js';
