/**
 * The compiled parts of JsonConverter: per-schema encoders (Connect value → JSON text), decoders (parsed JSON →
 * Connect value) and the schema ↔ JSON schema translation, with Kafka's JsonConverter semantics.
 */
export { NEED_EXACT, mode, TYPE_NAMES, rethrowAt, nodeType, type CodecOptions, type Encoder, type Decoder } from './codec-shared.js';
export { encodeSchemaless, compileEncoder, schemaToJsonText } from './encode.js';
export { decodeSchemaless, compileDecoder, schemaFromJson } from './decode.js';
