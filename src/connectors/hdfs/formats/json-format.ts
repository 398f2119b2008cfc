/**
 * `io.confluent.connect.hdfs.json.JsonFormat`: one JSON document per line (`.json`). Struct values are written
 * as Kafka's JsonConverter writes them with `schemas.enable=false` (decimals as base64 of the unscaled bytes —
 * JsonConverter's default `decimal.format` — dates as days, times and timestamps as milliseconds, bytes as
 * base64, non-string-keyed maps as `[key, value]` pairs); anything else (schemaless maps, lists, primitives) as
 * Jackson writes a Java value. Schemaless records are fine.
 */
import {
  BigDecimal, DataException, Decimal, LogicalDate, LogicalTime, LogicalTimestamp, Struct, bigintToTwosComplement, type Schema,
  type SinkRecord,
} from '../../../data/index.js';
import { javaDoubleToString, javaFloatToString } from '../../../data/values.js';
import type { OutputFile } from '../storage/storage.js';
import { where, type Format, type RecordWriter } from './format.js';
import { BufferedOutput } from './output.js';

export const JSON_FORMAT_CLASS = 'io.confluent.connect.hdfs.json.JsonFormat';
const MS_PER_DAY = 86_400_000;

function quote(s: string): string {
  return JSON.stringify(s);
}

function doubleText(d: number): string {
  return Number.isFinite(d) ? javaDoubleToString(d) : quote(javaDoubleToString(d));
}

function base64(b: Uint8Array): string {
  return quote(Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64'));
}

/** A Connect value with its schema, as JsonConverter (schemas.enable=false) prints it. */
export function connectToJson(schema: Schema, value: unknown, path = ''): string {
  if (value === null || value === undefined) {
    const d = schema.defaultValue;
    if (d !== null && d !== undefined) return connectToJson(schema, d, path);
    return 'null';
  }
  if (schema.name === Decimal.LOGICAL_NAME && schema.type === 'BYTES') {
    if (!(value instanceof BigDecimal)) throw new DataException(`expected a BigDecimal for ${schema.name}`, { path });
    const scale = Decimal.scaleOf(schema);
    return base64(bigintToTwosComplement(value.scale === scale ? value.unscaled : value.setScale(scale).unscaled));
  }
  if (value instanceof Date) {
    if (schema.name === LogicalDate.LOGICAL_NAME) return String(Math.floor(value.getTime() / MS_PER_DAY));
    if (schema.name === LogicalTime.LOGICAL_NAME || schema.name === LogicalTimestamp.LOGICAL_NAME) return String(value.getTime());
  }
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32':
    case 'INT64':
      if (typeof value === 'number' || typeof value === 'bigint') return String(value);
      break;
    case 'FLOAT32':
      if (typeof value === 'number') return Number.isFinite(value) ? javaFloatToString(value) : quote(javaFloatToString(value));
      break;
    case 'FLOAT64':
      if (typeof value === 'number') return doubleText(value);
      break;
    case 'BOOLEAN':
      if (typeof value === 'boolean') return String(value);
      break;
    case 'STRING':
      if (typeof value === 'string') return quote(value);
      break;
    case 'BYTES':
      if (value instanceof Uint8Array) return base64(value);
      break;
    case 'ARRAY':
      if (Array.isArray(value)) return `[${value.map((v, i) => connectToJson(schema.valueSchema!, v, `${path}[${i}]`)).join(',')}]`;
      break;
    case 'MAP': {
      const entries = value instanceof Map ? [...value.entries()] : typeof value === 'object' ? Object.entries(value as object) : undefined;
      if (!entries) break;
      if (schema.keySchema!.type === 'STRING') {
        return `{${entries.map(([k, v]) => `${quote(String(k))}:${connectToJson(schema.valueSchema!, v, `${path}.${String(k)}`)}`).join(',')}}`;
      }
      return `[${entries.map(([k, v]) => `[${connectToJson(schema.keySchema!, k, path)},${connectToJson(schema.valueSchema!, v, path)}]`).join(',')}]`;
    }
    case 'STRUCT':
      if (value instanceof Struct) {
        return `{${schema.fields.map((f) => `${quote(f.name)}:${connectToJson(f.schema, value.get(f), path ? `${path}.${f.name}` : f.name)}`).join(',')}}`;
      }
      break;
  }
  throw new DataException(`invalid value for ${schema.type}: ${typeof value}`, { path });
}

/** A Java-like value as Jackson's ObjectMapper writes it (integral numbers without a fraction). */
export function plainToJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return Number.isInteger(value) && Math.abs(value) < 2 ** 63 ? String(value) : doubleText(value);
    case 'bigint':
      return String(value);
    case 'boolean':
      return String(value);
  }
  if (value instanceof Uint8Array) return base64(value);
  if (value instanceof BigDecimal) return value.toString();
  if (value instanceof Date) return String(value.getTime());
  if (value instanceof Struct) return connectToJson(value.schema, value);
  if (Array.isArray(value)) return `[${value.map(plainToJson).join(',')}]`;
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as object);
  return `{${entries.map(([k, v]) => `${quote(String(k))}:${plainToJson(v)}`).join(',')}}`;
}

export class JsonFormat implements Format {
  readonly className = JSON_FORMAT_CLASS;
  readonly extension = '.json';
  readonly schemaInFile = false;
  check(_record: SinkRecord): void {}
  createWriter(file: OutputFile, _valueSchema: Schema | null): RecordWriter {
    return new LineWriter(file, (r) => {
      try {
        return r.value instanceof Struct && r.valueSchema ? connectToJson(r.valueSchema, r.value) : plainToJson(r.value);
      } catch (e) {
        if (e instanceof DataException) throw e.withContext(where(r));
        throw e;
      }
    });
  }
}

/** Writes one text line per record, in UTF-8, in ~1 MiB writes. */
export class LineWriter implements RecordWriter {
  readonly #out: BufferedOutput;
  readonly #line: (r: SinkRecord) => string;
  #pending = '';

  constructor(file: OutputFile, line: (r: SinkRecord) => string) {
    this.#out = new BufferedOutput(file);
    this.#line = line;
  }

  write(record: SinkRecord): void | Promise<void> {
    this.#pending += this.#line(record) + '\n';
    if (this.#pending.length >= 64 * 1024) {
      const chunk = Buffer.from(this.#pending, 'utf8');
      this.#pending = '';
      return this.#out.push(chunk);
    }
  }

  async close(): Promise<void> {
    if (this.#pending) {
      await this.#out.push(Buffer.from(this.#pending, 'utf8'));
      this.#pending = '';
    }
    await this.#out.close();
  }

  async abort(): Promise<void> {
    this.#pending = '';
    await this.#out.abort();
  }
}
