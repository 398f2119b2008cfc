/**
 * Kafka Connect's simple converters: StringConverter, ByteArrayConverter, the number converters
 * (Short/Integer/Long/Float/Double, Kafka's fixed-width big-endian serializers) and BooleanConverter.
 * Every one is also a HeaderConverter; null ↔ null everywhere.
 */
import { Buffer } from 'node:buffer';
import { BigDecimal, DataException, Schema, Struct, type SchemaAndValue } from '../data/index.js';
import { configString, converterType, ConverterConfigException, type ConverterType } from './config.js';
import type { Converter, ConverterConfig, HeaderConverter } from './converter.js';
import { javaBigDecimalToString, javaDoubleToString, javaFloatToString } from './json/java-format.js';

/** Shared shape: configure(config, isKey?) serves both Converter and HeaderConverter. */
abstract class BaseConverter implements Converter, HeaderConverter {
  protected type: ConverterType = 'value';

  configure(config: ConverterConfig, isKey?: boolean): void {
    this.type = converterType(config, isKey);
  }

  abstract fromConnectData(topic: string, schema: Schema | null, value: unknown): Uint8Array | null;
  abstract toConnectData(topic: string, bytes: Uint8Array | null): SchemaAndValue;

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Uint8Array | null {
    return this.fromConnectData(topic, schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, bytes: Uint8Array | null): SchemaAndValue {
    return this.toConnectData(topic, bytes);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// StringConverter

type Charset = 'UTF-8' | 'UTF-16' | 'UTF-16BE' | 'UTF-16LE' | 'ISO-8859-1' | 'US-ASCII';
const CHARSET_ALIASES: Record<string, Charset> = {
  'utf-8': 'UTF-8', utf8: 'UTF-8',
  'utf-16': 'UTF-16', utf16: 'UTF-16',
  'utf-16be': 'UTF-16BE', utf_16be: 'UTF-16BE', unicodebigunmarked: 'UTF-16BE',
  'utf-16le': 'UTF-16LE', utf_16le: 'UTF-16LE', unicodelittleunmarked: 'UTF-16LE',
  'iso-8859-1': 'ISO-8859-1', 'iso8859-1': 'ISO-8859-1', iso8859_1: 'ISO-8859-1', latin1: 'ISO-8859-1', 'iso-latin-1': 'ISO-8859-1',
  'us-ascii': 'US-ASCII', ascii: 'US-ASCII', 'iso646-us': 'US-ASCII',
};

function encodeText(s: string, charset: Charset): Uint8Array {
  switch (charset) {
    case 'UTF-8':
      return Buffer.from(s, 'utf8');
    case 'UTF-16LE':
      return Buffer.from(s, 'utf16le');
    case 'UTF-16BE':
    case 'UTF-16': {
      const le = Buffer.from(s, 'utf16le');
      const bom = charset === 'UTF-16' && s.length > 0 ? 2 : 0; // Java's UTF-16 encoder writes a big-endian BOM
      const out = Buffer.alloc(le.length + bom);
      if (bom) { out[0] = 0xfe; out[1] = 0xff; }
      for (let i = 0; i < le.length; i += 2) { out[bom + i] = le[i + 1]!; out[bom + i + 1] = le[i]!; }
      return out;
    }
    case 'ISO-8859-1':
    case 'US-ASCII': {
      const max = charset === 'US-ASCII' ? 0x7f : 0xff;
      const out = Buffer.alloc(s.length);
      let n = 0;
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        // Java replaces an unmappable character (a surrogate pair counts as one) with '?'
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
        out[n++] = c <= max ? c : 0x3f;
      }
      return out.subarray(0, n);
    }
  }
}

function decodeText(b: Uint8Array, charset: Charset): string {
  const buf = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  switch (charset) {
    case 'UTF-8':
      return buf.toString('utf8');
    case 'UTF-16LE':
      return buf.toString('utf16le');
    case 'UTF-16':
    case 'UTF-16BE': {
      let start = 0;
      let little = false;
      if (charset === 'UTF-16' && buf.length >= 2) {
        if (buf[0] === 0xfe && buf[1] === 0xff) start = 2;
        else if (buf[0] === 0xff && buf[1] === 0xfe) { start = 2; little = true; }
      }
      const body = Buffer.from(buf.subarray(start));
      if (!little) swapPairs(body);
      return body.toString('utf16le');
    }
    case 'ISO-8859-1':
      return buf.toString('latin1');
    case 'US-ASCII': {
      let s = '';
      for (const c of buf) s += c < 0x80 ? String.fromCharCode(c) : '\ufffd';
      return s;
    }
  }
}

function swapPairs(b: Buffer): void {
  for (let i = 0; i + 1 < b.length; i += 2) { const t = b[i]!; b[i] = b[i + 1]!; b[i + 1] = t; }
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * Java's `Object.toString()` of the value Connect would hold: `2.0` for a FLOAT64 2, `{a=1, b=2}` for maps,
 * `[1, 2]` for lists, `Struct{…}`, `Mon Jun 10 06:13:20 UTC 2024` for dates (in UTC), BigDecimal as Java prints it.
 * Bytes (which Java prints as an identity hash) are written as base64.
 */
export function javaToString(value: unknown, schema?: Schema | null): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string': return value;
    case 'boolean': return value ? 'true' : 'false';
    case 'bigint': return value.toString();
    case 'number':
      if (schema?.type === 'FLOAT32') return javaFloatToString(value);
      if (schema?.type === 'FLOAT64') return javaDoubleToString(value);
      return Number.isSafeInteger(value) && !Object.is(value, -0) ? String(value) : javaDoubleToString(value);
  }
  if (value instanceof BigDecimal) return javaBigDecimalToString(value);
  if (value instanceof Date) {
    const d = value;
    if (Number.isNaN(d.getTime())) return 'Invalid Date';
    return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
  }
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (Array.isArray(value)) return `[${value.map((v) => javaToString(v, schema?.valueSchema)).join(', ')}]`;
  if (value instanceof Map) {
    return `{${[...value].map(([k, v]) => `${javaToString(k, schema?.keySchema)}=${javaToString(v, schema?.valueSchema)}`).join(', ')}}`;
  }
  if (value instanceof Struct) {
    // Java's Struct.toString: the fields whose stored value is not null (no defaults), comma-separated.
    const fields = value.schema.fields;
    const vals = value.values();
    let out = 'Struct{';
    let first = true;
    for (let i = 0; i < fields.length; i++) {
      const v = vals[i];
      if (v === null || v === undefined) continue;
      out += (first ? '' : ',') + fields[i]!.name + '=' + javaToString(v, fields[i]!.schema);
      first = false;
    }
    return out + '}';
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return `{${Object.entries(value).map(([k, v]) => `${k}=${javaToString(v, schema?.valueSchema)}`).join(', ')}}`;
  }
  return String(value);
}

/** `org.apache.kafka.connect.storage.StringConverter`: any value's toString in `converter.encoding` (UTF-8). */
export class StringConverter extends BaseConverter {
  #charset: Charset = 'UTF-8';

  constructor(config?: ConverterConfig, isKey?: boolean) {
    super();
    if (config) this.configure(config, isKey);
  }

  override configure(config: ConverterConfig, isKey?: boolean): void {
    super.configure(config, isKey);
    const name = configString(config, 'converter.encoding', 'UTF-8');
    const cs = CHARSET_ALIASES[name.trim().toLowerCase()];
    if (!cs) {
      throw new ConverterConfigException('converter.encoding', name, `unsupported encoding; supported: ${[...new Set(Object.values(CHARSET_ALIASES))].join(', ')}`);
    }
    this.#charset = cs;
  }

  get encoding(): string { return this.#charset; }

  fromConnectData(_topic: string, schema: Schema | null, value: unknown): Uint8Array | null {
    if (value === null || value === undefined) return null;
    return encodeText(javaToString(value, schema), this.#charset);
  }

  toConnectData(_topic: string, bytes: Uint8Array | null): SchemaAndValue {
    return { schema: Schema.OPTIONAL_STRING, value: bytes === null || bytes === undefined ? null : decodeText(bytes, this.#charset) };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// ByteArrayConverter

/** `org.apache.kafka.connect.converters.ByteArrayConverter`: bytes pass through; only BYTES (or no) schema. */
export class ByteArrayConverter extends BaseConverter {
  constructor(config?: ConverterConfig, isKey?: boolean) {
    super();
    if (config) this.configure(config, isKey);
  }

  fromConnectData(topic: string, schema: Schema | null, value: unknown): Uint8Array | null {
    if (schema && schema.type !== 'BYTES') {
      throw new DataException(`Invalid schema type for ByteArrayConverter: ${schema.type}`, { topic });
    }
    if (value === null || value === undefined) return null;
    if (!(value instanceof Uint8Array)) {
      throw new DataException(`ByteArrayConverter is not compatible with objects of type ${describeType(value)}`, { topic });
    }
    return value;
  }

  toConnectData(_topic: string, bytes: Uint8Array | null): SchemaAndValue {
    return { schema: Schema.OPTIONAL_BYTES, value: bytes ?? null };
  }
}

function describeType(v: unknown): string {
  if (typeof v !== 'object' || v === null) return typeof v;
  return (v as object).constructor?.name ?? 'object';
}

// ---------------------------------------------------------------------------------------------------------------
// Number converters

interface NumberCodec {
  readonly typeName: string;
  readonly size: number;
  readonly schema: Schema;
  write(view: DataView, value: unknown): boolean;
  read(view: DataView): number | bigint;
}

abstract class NumberConverter extends BaseConverter {
  protected abstract readonly codec: NumberCodec;

  fromConnectData(topic: string, _schema: Schema | null, value: unknown): Uint8Array | null {
    if (value === null || value === undefined) return null;
    const out = new Uint8Array(this.codec.size);
    if (!this.codec.write(new DataView(out.buffer), value)) {
      throw new DataException(`Failed to serialize to ${this.codec.typeName} (was ${typeof value === 'number' || typeof value === 'bigint' ? `${typeof value} ${String(value)}` : describeType(value)})`, { topic });
    }
    return out;
  }

  toConnectData(topic: string, bytes: Uint8Array | null): SchemaAndValue {
    if (bytes === null || bytes === undefined) return { schema: this.codec.schema, value: null };
    if (bytes.length !== this.codec.size) {
      throw new DataException(`Failed to deserialize ${this.codec.typeName}: Size of data received by ${capitalize(this.codec.typeName)}Deserializer is not ${this.codec.size}`, { topic });
    }
    return { schema: this.codec.schema, value: this.codec.read(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)) };
  }
}

function capitalize(s: string): string {
  return s[0]!.toUpperCase() + s.slice(1);
}

function intCodec(typeName: string, size: 2 | 4, schema: Schema, lo: number, hi: number): NumberCodec {
  return {
    typeName, size, schema,
    write(view, v) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) return false;
      if (size === 2) view.setInt16(0, v);
      else view.setInt32(0, v);
      return true;
    },
    read(view) {
      return size === 2 ? view.getInt16(0) : view.getInt32(0);
    },
  };
}

const SHORT = intCodec('short', 2, Schema.OPTIONAL_INT16, -32768, 32767);
const INTEGER = intCodec('integer', 4, Schema.OPTIONAL_INT32, -2147483648, 2147483647);
const LONG: NumberCodec = {
  typeName: 'long', size: 8, schema: Schema.OPTIONAL_INT64,
  write(view, v) {
    let b: bigint;
    if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v);
    else if (typeof v === 'bigint' && v >= -(2n ** 63n) && v < 2n ** 63n) b = v;
    else return false;
    view.setBigInt64(0, b);
    return true;
  },
  read(view) {
    const b = view.getBigInt64(0);
    return b >= -9007199254740991n && b <= 9007199254740991n ? Number(b) : b;
  },
};
const FLOAT: NumberCodec = {
  typeName: 'float', size: 4, schema: Schema.OPTIONAL_FLOAT32,
  write(view, v) {
    if (typeof v !== 'number') return false;
    view.setFloat32(0, v);
    return true;
  },
  read(view) {
    return view.getFloat32(0);
  },
};
const DOUBLE: NumberCodec = {
  typeName: 'double', size: 8, schema: Schema.OPTIONAL_FLOAT64,
  write(view, v) {
    if (typeof v !== 'number') return false;
    view.setFloat64(0, v);
    return true;
  },
  read(view) {
    return view.getFloat64(0);
  },
};

/** `org.apache.kafka.connect.converters.ShortConverter`: 2-byte big-endian, OPTIONAL_INT16. */
export class ShortConverter extends NumberConverter {
  protected readonly codec = SHORT;
  constructor(config?: ConverterConfig, isKey?: boolean) { super(); if (config) this.configure(config, isKey); }
}
/** `org.apache.kafka.connect.converters.IntegerConverter`: 4-byte big-endian, OPTIONAL_INT32. */
export class IntegerConverter extends NumberConverter {
  protected readonly codec = INTEGER;
  constructor(config?: ConverterConfig, isKey?: boolean) { super(); if (config) this.configure(config, isKey); }
}
/** `org.apache.kafka.connect.converters.LongConverter`: 8-byte big-endian, OPTIONAL_INT64 (bigint beyond 2^53). */
export class LongConverter extends NumberConverter {
  protected readonly codec = LONG;
  constructor(config?: ConverterConfig, isKey?: boolean) { super(); if (config) this.configure(config, isKey); }
}
/** `org.apache.kafka.connect.converters.FloatConverter`: IEEE-754 single, big-endian, OPTIONAL_FLOAT32. */
export class FloatConverter extends NumberConverter {
  protected readonly codec = FLOAT;
  constructor(config?: ConverterConfig, isKey?: boolean) { super(); if (config) this.configure(config, isKey); }
}
/** `org.apache.kafka.connect.converters.DoubleConverter`: IEEE-754 double, big-endian, OPTIONAL_FLOAT64. */
export class DoubleConverter extends NumberConverter {
  protected readonly codec = DOUBLE;
  constructor(config?: ConverterConfig, isKey?: boolean) { super(); if (config) this.configure(config, isKey); }
}

// ---------------------------------------------------------------------------------------------------------------
// BooleanConverter

/** `org.apache.kafka.connect.converters.BooleanConverter` (KIP-959): one byte 0x01/0x00, OPTIONAL_BOOLEAN. */
export class BooleanConverter extends BaseConverter {
  constructor(config?: ConverterConfig, isKey?: boolean) {
    super();
    if (config) this.configure(config, isKey);
  }

  fromConnectData(topic: string, schema: Schema | null, value: unknown): Uint8Array | null {
    if (schema && schema.type !== 'BOOLEAN') {
      throw new DataException(`Invalid schema type for BooleanConverter: ${schema.type}`, { topic });
    }
    if (value === null || value === undefined) return null;
    if (typeof value !== 'boolean') {
      throw new DataException(`BooleanConverter is not compatible with objects of type ${describeType(value)}`, { topic });
    }
    return Uint8Array.of(value ? 1 : 0);
  }

  toConnectData(topic: string, bytes: Uint8Array | null): SchemaAndValue {
    if (bytes === null || bytes === undefined) return { schema: Schema.OPTIONAL_BOOLEAN, value: null };
    if (bytes.length !== 1) {
      throw new DataException('Failed to deserialize boolean: Size of data received by BooleanDeserializer is not 1', { topic });
    }
    if (bytes[0] === 1) return { schema: Schema.OPTIONAL_BOOLEAN, value: true };
    if (bytes[0] === 0) return { schema: Schema.OPTIONAL_BOOLEAN, value: false };
    throw new DataException(`Failed to deserialize boolean: Unexpected byte received by BooleanDeserializer: ${bytes[0]}`, { topic });
  }
}
