import { Buffer } from 'node:buffer';
import { DataException, NULL_SCHEMA_AND_VALUE, type Schema, type SchemaAndValue } from '../../data/index.js';
import { configBoolean, configEnum, configInt, converterType, type ConverterType } from '../config.js';
import type { Converter, ConverterConfig, HeaderConverter } from '../converter.js';
import { LruCache } from '../lru.js';
import {
  NEED_EXACT,
  compileDecoder,
  compileEncoder,
  decodeSchemaless,
  encodeSchemaless,
  mode,
  schemaFromJson,
  schemaToJsonText,
  type CodecOptions,
  type Decoder,
  type Encoder,
} from './codec.js';
import { FAIL, byteReading, compileByteReader, cursor, type ByteReader } from './fast-decode.js';
import { EnvelopeSlab } from './envelope-slab.js';
import { compileByteEncoder, type ByteEncoder } from './encode-bytes.js';
import { Utf8Out } from '../../data/utf8-out.js';
import { JsonSyntaxError, isBlankJson, parseJson, type JsonValue } from './json-text.js';

export const JSON_CONVERTER_CONFIG = {
  SCHEMAS_ENABLE: 'schemas.enable',
  SCHEMAS_CACHE_SIZE: 'schemas.cache.size',
  DECIMAL_FORMAT: 'decimal.format',
  REPLACE_NULL_WITH_DEFAULT: 'replace.null.with.default',
} as const;

export type DecimalFormat = 'BASE64' | 'NUMERIC';

interface EncoderEntry {
  readonly encode: Encoder;
  schemaText?: string;
  envelopeHead?: Buffer;
}

interface SchemaEntry {
  readonly schema: Schema;
  /** Set once a payload of this schema needed exact number text (NUMERIC decimals): skip the fast parse then. */
  preferExact: boolean;
  /** Records of this schema the byte reader read / handed back to the ordinary path. */
  fastHits: number;
  fastMisses: number;
}

const ENVELOPE_ERROR =
  'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields.' +
  ' If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.';

/**
 * For schemaless text: integers of 16+ digits may be beyond 2^53, and "-0" must read as the integer 0 (and
 * "-0.0" as +0.0, as Jackson's BigDecimal does): such texts take the exact parser; JSON.parse is exact for the
 * rest. (With a schema no scan is needed: a decoder meeting a number JSON.parse may have rounded asks for a
 * re-parse by throwing NEED_EXACT.)
 */
const NEEDS_EXACT_PARSE = /(?<![\d.])\d{16,}(?![\d.eE])|-0(?:\.0+)?(?:[eE][+-]?\d+)?(?![\d.eE])/;
const ENVELOPE_PREFIX = '{"schema":';
const NO_HEAD = new Uint8Array(0);
const PAYLOAD_KEY = ',"payload":';
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Kafka Connect's `org.apache.kafka.connect.json.JsonConverter`, byte-for-byte: the `{"schema":…,"payload":…}`
 * envelope (`schemas.enable`, default true), Kafka's schema JSON, base64 bytes and decimals (`decimal.format`
 * BASE64 or NUMERIC), `[key,value]` pairs for maps with non-string keys, INT64 at full precision, doubles and
 * floats printed as Java prints them, and `replace.null.with.default`. Also a HeaderConverter.
 */
export class JsonConverter implements Converter, HeaderConverter {
  #schemasEnabled = true;
  #cacheSize = 1000;
  #decimalFormat: DecimalFormat = 'BASE64';
  #replaceNull = true;
  #type: ConverterType = 'value';
  #opts: CodecOptions = { decimalNumeric: false, replaceNullWithDefault: true };
  #encoders = new LruCache<Schema, EncoderEntry>(1000);
  #decoders = new LruCache<Schema, Decoder>(1000);
  #schemasByText = new LruCache<string, SchemaEntry>(1000);
  #lastSchemaText: string | undefined;
  #lastSchemaEntry: SchemaEntry | undefined;
  /** `{"schema":<the last schema's text>,"payload":` as UTF-8: a record starting with it is read from its bytes. */
  #lastHead: Buffer | undefined;
  #readers = new LruCache<Schema, ByteReader>(1000);
  readonly #slab = new EnvelopeSlab();
  /** Where each payload is written before it is framed (a record grown past 1 MiB does not keep it that big). */
  readonly #payload = new Utf8Out();
  #byteEncoders = new LruCache<Schema, ByteEncoder>(1000);
  readonly #byteEncoderFor = (s: Schema): ByteEncoder => this.#byteEncoder(s);
  readonly #encoderFor = (s: Schema): Encoder => this.#encoderEntry(s).encode;
  readonly #decoderFor = (s: Schema): Decoder => this.#decoder(s);
  readonly #readerFor = (s: Schema): ByteReader => this.#reader(s);

  constructor(config?: ConverterConfig, isKey?: boolean) {
    if (config) this.configure(config, isKey);
  }

  /** Kafka's `configure(configs, isKey)` (key/value) or `configure(configs)` (header; `converter.type` may say otherwise). */
  configure(config: ConverterConfig, isKey?: boolean): void {
    this.#type = converterType(config, isKey);
    this.#schemasEnabled = configBoolean(config, JSON_CONVERTER_CONFIG.SCHEMAS_ENABLE, true);
    this.#cacheSize = configInt(config, JSON_CONVERTER_CONFIG.SCHEMAS_CACHE_SIZE, 1000);
    this.#decimalFormat = configEnum(config, JSON_CONVERTER_CONFIG.DECIMAL_FORMAT, ['BASE64', 'NUMERIC'] as const, 'BASE64');
    this.#replaceNull = configBoolean(config, JSON_CONVERTER_CONFIG.REPLACE_NULL_WITH_DEFAULT, true);
    this.#opts = { decimalNumeric: this.#decimalFormat === 'NUMERIC', replaceNullWithDefault: this.#replaceNull };
    this.#encoders = new LruCache(this.#cacheSize);
    this.#decoders = new LruCache(this.#cacheSize);
    this.#schemasByText = new LruCache(this.#cacheSize);
    this.#readers = new LruCache(this.#cacheSize);
    this.#byteEncoders = new LruCache(this.#cacheSize);
    this.#lastSchemaText = undefined;
    this.#lastSchemaEntry = undefined;
    this.#lastHead = undefined;
  }

  get schemasEnabled(): boolean { return this.#schemasEnabled; }
  get decimalFormat(): DecimalFormat { return this.#decimalFormat; }
  get replaceNullWithDefault(): boolean { return this.#replaceNull; }
  get converterType(): ConverterType { return this.#type; }
  /** Number of schemas cached for writing / for reading (as Kafka's `sizeOfFromConnectSchemaCache` / `sizeOfToConnectSchemaCache`). */
  get cacheSizes(): { fromConnect: number; toConnect: number } {
    return { fromConnect: this.#encoders.size, toConnect: this.#schemasByText.size };
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Uint8Array | null {
    return this.fromConnectData(topic, schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, bytes: Uint8Array | null): SchemaAndValue {
    return this.toConnectData(topic, bytes);
  }

  fromConnectData(topic: string, schema: Schema | null, value: unknown): Uint8Array | null {
    if (schema === null || schema === undefined) {
      if (value === null || value === undefined) return null;
    }
    try {
      if (schema) {
        const payload = this.#payload;
        payload.reset(1024 * 1024);
        this.#byteEncoder(schema)(value, payload);
        if (!this.#schemasEnabled) return this.#slab.framed(NO_HEAD, payload, null);
        // The envelope's head (`{"schema":…,"payload":`) is encoded once per schema; only the payload per record.
        const entry = this.#encoderEntry(schema);
        const head = (entry.envelopeHead ??= Buffer.from(`${ENVELOPE_PREFIX}${this.schemaToJson(schema)}${PAYLOAD_KEY}`, 'utf8'));
        return this.#slab.framed(head, payload, 0x7d /* } */);
      }
      return Buffer.from(this.toJsonText(null, value), 'utf8');
    } catch (e) {
      throw this.#withTopic(e, topic, 'Converting Kafka Connect data to byte[] failed');
    }
  }

  /** The JSON text `fromConnectData` writes (without the tombstone rule). */
  toJsonText(schema: Schema | null, value: unknown): string {
    const payload = schema ? this.#encoderEntry(schema).encode(value) : encodeSchemaless(value);
    if (!this.#schemasEnabled) return payload;
    return `${ENVELOPE_PREFIX}${schema ? this.schemaToJson(schema) : 'null'}${PAYLOAD_KEY}${payload}}`;
  }

  /** Kafka's JSON schema text for a Connect schema (cached). */
  schemaToJson(schema: Schema): string {
    const entry = this.#encoderEntry(schema);
    return (entry.schemaText ??= schemaToJsonText(schema, this.#encoderFor));
  }

  /** Connect schema from Kafka's JSON schema (a parsed JSON value or its text). */
  schemaFromJson(json: JsonValue | string): Schema | null {
    const value = typeof json === 'string' ? parseJson(json, { keepNumberText: true }) : json;
    const prev = mode.exact;
    mode.exact = typeof json === 'string';
    try {
      return schemaFromJson(value, this.#decoderFor);
    } finally {
      mode.exact = prev;
    }
  }

  toConnectData(topic: string, bytes: Uint8Array | null): SchemaAndValue {
    if (bytes === null || bytes === undefined) return NULL_SCHEMA_AND_VALUE;
    // Fast path: an envelope whose head (`{"schema":…,"payload":`) is the last schema's, read from its bytes.
    const head = this.#lastHead;
    if (head !== undefined && this.#schemasEnabled && bytes.length > head.length && byteReading.enabled &&
        head.compare(bytes, 0, head.length, 0, head.length) === 0) {
      const entry = this.#lastSchemaEntry!;
      if (!entry.preferExact && entry.fastMisses <= 8 + (entry.fastHits >> 2)) {
        const value = this.#readPayloadBytes(entry.schema, bytes, head.length);
        if (value !== FAIL) {
          entry.fastHits++;
          return { schema: entry.schema, value };
        }
        entry.fastMisses++;
      }
    }
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch (e) {
      throw new DataException(
        'Converting byte[] to Kafka Connect data failed due to serialization error: the bytes are not valid UTF-8',
        { topic },
        { cause: e },
      );
    }
    try {
      return this.fromJsonText(text);
    } catch (e) {
      throw this.#withTopic(e, topic, 'Converting byte[] to Kafka Connect data failed');
    }
  }

  /** Reads JSON text as `toConnectData` reads its bytes. */
  fromJsonText(text: string): SchemaAndValue {
    if (!this.#schemasEnabled) {
      if (isBlankJson(text)) return NULL_SCHEMA_AND_VALUE;
      return { schema: null, value: this.#decodeSchemalessText(text) };
    }
    // Fast path: an envelope as Kafka (and we) write it, whose schema text is already known.
    if (text.startsWith(ENVELOPE_PREFIX)) {
      // Most topics carry one schema: compare with the last one in place, before slicing and hashing the text.
      const last = this.#lastSchemaText;
      let at: number;
      let entry: SchemaEntry | undefined;
      if (last !== undefined && text.charCodeAt(ENVELOPE_PREFIX.length + last.length) === 0x2c /* , */ &&
          text.slice(ENVELOPE_PREFIX.length, ENVELOPE_PREFIX.length + last.length) === last &&
          text.startsWith(PAYLOAD_KEY, ENVELOPE_PREFIX.length + last.length)) {
        at = ENVELOPE_PREFIX.length + last.length;
        entry = this.#lastSchemaEntry;
      } else {
        at = text.indexOf(PAYLOAD_KEY, ENVELOPE_PREFIX.length);
        if (at > 0) {
          const schemaText = text.slice(ENVELOPE_PREFIX.length, at);
          entry = this.#schemasByText.get(schemaText);
          if (entry) {
            const headBytes = Buffer.from(`${ENVELOPE_PREFIX}${schemaText}${PAYLOAD_KEY}`, 'utf8');
            this.#lastSchemaText = headBytes.toString('utf8', ENVELOPE_PREFIX.length, headBytes.length - PAYLOAD_KEY.length); // flat, not a slice of this record
            this.#lastSchemaEntry = entry;
            this.#lastHead = headBytes;
          }
        }
      }
      if (at > 0) {
        let end = text.length - 1;
        while (end > at && isWs(text.charCodeAt(end))) end--;
        if (entry && text.charCodeAt(end) === 0x7d) {
          const payloadText = text.slice(at + PAYLOAD_KEY.length, end);
          const value = this.#decodePayloadText(entry, payloadText);
          if (value !== INVALID) return { schema: entry.schema, value };
        }
      }
    }
    return this.#decodeEnvelope(text);
  }

  /**
   * Reads the payload from the bytes after the envelope's head (at `start`) with the schema's byte reader; FAIL when
   * they are not in the canonical shape or anything goes wrong (the ordinary path then reads them, and explains).
   */
  #readPayloadBytes(schema: Schema, bytes: Uint8Array, start: number): unknown {
    const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const read = this.#reader(schema);
    cursor.at = start;
    mode.exact = false;
    let value: unknown;
    try {
      value = read(buf);
    } catch {
      return FAIL;
    }
    if (value === FAIL) return FAIL;
    let i = cursor.at;
    if (buf[i++] !== 0x7d) return FAIL;
    for (; i < buf.length; i++) if (!isWs(buf[i]!)) return FAIL;
    return value;
  }

  #decodePayloadText(entry: SchemaEntry, payloadText: string): unknown {
    const decode = this.#decoder(entry.schema);
    if (!entry.preferExact) {
      let json: unknown;
      try {
        json = JSON.parse(payloadText);
      } catch {
        return INVALID; // let the full parser explain (or accept Jackson's leading zeros)
      }
      mode.exact = false;
      try {
        return decode(json);
      } catch (e) {
        if (e !== NEED_EXACT) throw e;
        entry.preferExact = true;
      }
    }
    let json: JsonValue;
    try {
      json = parseJson(payloadText, { keepNumberText: true });
    } catch {
      return INVALID;
    }
    mode.exact = true;
    try {
      return decode(json);
    } finally {
      mode.exact = false;
    }
  }

  #decodeEnvelope(text: string): SchemaAndValue {
    const run = (exact: boolean): SchemaAndValue => {
      const json = exact ? parseJson(text, { keepNumberText: true }) : isBlankJson(text) ? undefined : JSON.parse(text);
      if (
        typeof json !== 'object' || json === null || Array.isArray(json) ||
        !Object.hasOwn(json, 'schema') || !Object.hasOwn(json, 'payload') || Object.keys(json).length !== 2
      ) {
        throw new DataException(ENVELOPE_ERROR);
      }
      mode.exact = exact;
      const envelope = json as { schema: unknown; payload: unknown };
      const schema = schemaFromJson(envelope.schema, this.#decoderFor);
      if (!schema) return { schema: null, value: decodeSchemaless(envelope.payload) };
      const value = this.#decoder(schema)(envelope.payload);
      this.#rememberSchemaText(text, schema);
      return { schema, value };
    };
    try {
      if (isBlankJson(text)) throw new DataException(ENVELOPE_ERROR);
      if (!NEEDS_EXACT_PARSE.test(text)) {
        try {
          return run(false);
        } catch (e) {
          if (e !== NEED_EXACT && !(e instanceof SyntaxError)) throw e;
        }
      }
      return run(true);
    } finally {
      mode.exact = false;
    }
  }

  /** Caches the schema under its exact text in this envelope, so the next record with it takes the fast path. */
  #rememberSchemaText(text: string, schema: Schema): void {
    if (!text.startsWith(ENVELOPE_PREFIX)) return;
    const at = text.indexOf(PAYLOAD_KEY, ENVELOPE_PREFIX.length);
    if (at < 0) return;
    const schemaText = text.slice(ENVELOPE_PREFIX.length, at);
    if (this.#schemasByText.get(schemaText)) return;
    // The slice is the schema value only if it is one complete JSON value (JSON values are prefix-free).
    try {
      parseJson(schemaText);
    } catch {
      return;
    }
    this.#schemasByText.set(schemaText, { schema, preferExact: false, fastHits: 0, fastMisses: 0 });
  }

  #decodeSchemalessText(text: string): unknown {
    if (!NEEDS_EXACT_PARSE.test(text)) {
      try {
        return JSON.parse(text);
      } catch {
        // fall through: the exact parser accepts leading zeros as Jackson does, and explains real errors
      }
    }
    return decodeSchemaless(parseJson(text));
  }

  #encoderEntry(schema: Schema): EncoderEntry {
    let entry = this.#encoders.get(schema);
    if (!entry) {
      entry = { encode: compileEncoder(schema, this.#opts, this.#encoderFor) };
      this.#encoders.set(schema, entry);
    }
    return entry;
  }

  #byteEncoder(schema: Schema): ByteEncoder {
    let e = this.#byteEncoders.get(schema);
    if (!e) {
      e = compileByteEncoder(schema, this.#encoderFor, this.#byteEncoderFor);
      this.#byteEncoders.set(schema, e);
    }
    return e;
  }

  #decoder(schema: Schema): Decoder {
    let d = this.#decoders.get(schema);
    if (!d) {
      d = compileDecoder(schema, this.#opts, this.#decoderFor);
      this.#decoders.set(schema, d);
    }
    return d;
  }

  #reader(schema: Schema): ByteReader {
    let r = this.#readers.get(schema);
    if (!r) {
      r = compileByteReader(schema, this.#decoderFor, this.#readerFor);
      this.#readers.set(schema, r);
    }
    return r;
  }

  #withTopic(e: unknown, topic: string, what: string): unknown {
    if (e instanceof DataException) return e.withContext({ topic });
    if (e instanceof JsonSyntaxError || e instanceof SyntaxError) {
      return new DataException(`${what} due to serialization error: malformed JSON: ${e.message}`, { topic }, { cause: e });
    }
    if (e === NEED_EXACT) return new DataException(`${what}: internal error (exact number text unavailable)`, { topic });
    return e;
  }
}

const INVALID = Symbol('invalid payload text');

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
