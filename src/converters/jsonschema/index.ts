/** Confluent's JSON Schema converter format (io.confluent.connect.json.JsonSchemaConverter); see README.md. */
export { jsonSchemaFormat, JsonSchemaFormat } from './json-schema-format.js';
export {
  jsonSchemaDataOptions, DEFAULT_JSON_SCHEMA_DATA_OPTIONS, JsonSchemaConfigException,
  type JsonSchemaDataOptions, type DecimalFormat,
} from './config.js';
