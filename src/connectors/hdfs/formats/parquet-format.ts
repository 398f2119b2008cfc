/**
 * `io.confluent.connect.hdfs.parquet.ParquetFormat`: Parquet files (`.parquet`) laid out as parquet-avro lays
 * out the AvroData schema — struct → group, optional → OPTIONAL, INT8/INT16/INT32 → INT32, INT64 → INT64,
 * string → BYTE_ARRAY (UTF8), bytes → BYTE_ARRAY, Decimal → DECIMAL(precision, scale) (FIXED_LEN_BYTE_ARRAY, see below), Date → INT32
 * DATE, Time → INT32 TIME_MILLIS, Timestamp → INT64 TIMESTAMP_MILLIS (UTC), array → LIST, map with string keys →
 * MAP, other maps → LIST of {key, value} groups — using the standard three-level LIST/MAP structure. The Avro
 * schema is stored as `parquet.avro.schema` like parquet-avro does.
 *
 * Rows are buffered as columns and encoded a row group at a time (`parquet.row.group.max.rows` /
 * `parquet.row.group.max.bytes`, whichever comes first), so memory per open file is one row group; encoded
 * bytes go to the storage asynchronously. `parquet.codec` is honoured (Confluent hard-codes snappy).
 */
import {
  BigDecimal, DataException, Decimal, LogicalDate, LogicalTime, LogicalTimestamp, Struct, schemaEquals, type Schema,
  type SinkRecord,
} from '../../../data/index.js';
import type { OutputFile } from '../storage/storage.js';
import { toAvroSchema } from '../../../data/avro/avro-json-schema.js';
import {
  AVRO_TYPE_ENUM, CONNECT_AVRO_DECIMAL_PRECISION_DEFAULT as DEFAULT_DECIMAL_PRECISION,
  CONNECT_AVRO_DECIMAL_PRECISION_PROP as CONNECT_DECIMAL_PRECISION,
} from '../../../data/avro/names.js';
import type { AvroDataOptions } from '../../../data/avro/options.js';
import { where, type Format, type RecordWriter } from './format.js';
import { BufferedOutput } from './output.js';
import {
  hyparquetEngine, parquetCodecOf, type ParquetCodec, type ParquetColumn, type ParquetEngine, type ParquetFileWriter,
  type ParquetSchemaElement,
} from './parquet-engine.js';
import { HDFS_CONNECTOR_VERSION } from '../version.js';

import { PARQUET_FORMAT_CLASS } from './parquet-codecs.js';

export { PARQUET_FORMAT_CLASS };
const MS_PER_DAY = 86_400_000;

export interface ParquetFormatOptions extends AvroDataOptions {
  /** `parquet.codec`: none, snappy (default), gzip, zstd, brotli. */
  readonly codec?: string;
  readonly rowGroupMaxRows?: number;
  readonly rowGroupMaxBytes?: number;
  readonly engine?: ParquetEngine;
}

/** Adds the approximate in-memory size of converted values; the writer cuts row groups on it. */
interface SizeCounter {
  bytes: number;
}

type Conv = (v: unknown, size: SizeCounter) => unknown;

export interface ParquetPlan {
  readonly schema: ParquetSchemaElement[];
  readonly columns: readonly { readonly name: string; readonly field: Schema['fields'][number]; readonly convert: Conv }[];
  readonly avroSchemaJson: string;
}

function fail(path: string, schema: Schema, value: unknown): never {
  const got = value === null ? 'null' : value instanceof Object ? value.constructor.name : typeof value;
  throw new DataException(`invalid value for ${schema.type}${schema.name ? ` (${schema.name})` : ''}: got ${got}`, { path });
}

/** Bytes of a two's-complement FIXED that holds every unscaled value of `precision` digits (Parquet's rule). */
export function decimalBytes(precision: number): number {
  return Math.ceil((Math.log2(10) * precision + 1) / 8);
}

function decimalPrecision(schema: Schema): number {
  const p = schema.parameters?.get(CONNECT_DECIMAL_PRECISION);
  return p === undefined ? DEFAULT_DECIMAL_PRECISION : Number.parseInt(p, 10);
}

/** The Parquet schema and the value converters for a STRUCT value schema. */
export function parquetPlan(valueSchema: Schema, opts: AvroDataOptions = {}): ParquetPlan {
  if (valueSchema.type !== 'STRUCT') {
    throw new DataException(`the Parquet format needs STRUCT values; the value schema is ${valueSchema}`);
  }
  const avroJson = toAvroSchema(valueSchema, opts);
  const rootName = valueSchema.name ? valueSchema.name.slice(valueSchema.name.lastIndexOf('.') + 1) : 'ConnectDefault';
  const elements: ParquetSchemaElement[] = [{ name: rootName, num_children: valueSchema.fields.length }];
  const columns = valueSchema.fields.map((f) => {
    const convert = node(f.name, f.schema, elements, f.name, opts.enhancedSchemaSupport ?? true);
    return { name: f.name, field: f, convert };
  });
  return { schema: elements, columns, avroSchemaJson: JSON.stringify(avroJson) };
}

/** Appends the elements for `schema` (named `name`) and returns its converter. */
function node(name: string, schema: Schema, out: ParquetSchemaElement[], path: string, enhanced: boolean): Conv {
  const repetition = schema.optional ? 'OPTIONAL' : 'REQUIRED';
  const inner = required(name, schema, repetition, out, path, enhanced);
  const optional = schema.optional;
  const dflt = schema.defaultValue;
  return (v, size) => {
    if (v === null || v === undefined) {
      if (dflt !== null && dflt !== undefined) return inner(dflt, size);
      if (optional) return null;
      throw new DataException(`a required ${schema.type} value is null`, { path });
    }
    return inner(v, size);
  };
}

function required(
  name: string, schema: Schema, repetition: 'OPTIONAL' | 'REQUIRED', out: ParquetSchemaElement[], path: string, enhanced: boolean,
): Conv {
  if (schema.type === 'BYTES' && schema.name === Decimal.LOGICAL_NAME) {
    const scale = Decimal.scaleOf(schema);
    const precision = decimalPrecision(schema);
    // FIXED_LEN_BYTE_ARRAY sized for the precision (parquet-avro writes Avro bytes decimals as BINARY, but
    // hyparquet-writer 0.17 writes a BINARY decimal 0 as zero bytes, which Java's BigInteger — parquet-avro,
    // Spark, Hive — refuses; the fixed form is sign-extended to its length and read the same by all of them).
    out.push({
      name, type: 'FIXED_LEN_BYTE_ARRAY', type_length: decimalBytes(precision), repetition_type: repetition, converted_type: 'DECIMAL', scale, precision,
      logical_type: { type: 'DECIMAL', scale, precision },
    });
    const limit = 10n ** BigInt(precision);
    return (v, size) => {
      size.bytes += 16;
      if (!(v instanceof BigDecimal)) return fail(path, schema, v);
      let unscaled: bigint;
      if (v.scale === scale) unscaled = v.unscaled;
      else {
        try {
          unscaled = v.setScale(scale).unscaled;
        } catch {
          throw new DataException(`decimal ${v.toString()} does not fit the schema's scale ${scale} without rounding`, { path });
        }
      }
      if (unscaled >= limit || unscaled <= -limit) {
        throw new DataException(`decimal ${v.toString()} has more than the ${precision} digits of its precision (connect.decimal.precision)`, { path });
      }
      return unscaled;
    };
  }
  if (schema.type === 'INT32' && schema.name === LogicalDate.LOGICAL_NAME) {
    out.push({ name, type: 'INT32', repetition_type: repetition, converted_type: 'DATE', logical_type: { type: 'DATE' } });
    return (v, size) => {
      size.bytes += 4;
      return v instanceof Date ? Math.floor(v.getTime() / MS_PER_DAY) : typeof v === 'number' ? v : fail(path, schema, v);
    };
  }
  if (schema.type === 'INT32' && schema.name === LogicalTime.LOGICAL_NAME) {
    out.push({
      name, type: 'INT32', repetition_type: repetition, converted_type: 'TIME_MILLIS',
      logical_type: { type: 'TIME', isAdjustedToUTC: true, unit: 'MILLIS' },
    });
    return (v, size) => {
      size.bytes += 4;
      return v instanceof Date ? v.getTime() : typeof v === 'number' ? v : fail(path, schema, v);
    };
  }
  if (schema.type === 'INT64' && schema.name === LogicalTimestamp.LOGICAL_NAME) {
    out.push({
      name, type: 'INT64', repetition_type: repetition, converted_type: 'TIMESTAMP_MILLIS',
      logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
    });
    return (v, size) => {
      size.bytes += 8;
      if (v instanceof Date) return BigInt(v.getTime());
      if (typeof v === 'number') return BigInt(v);
      if (typeof v === 'bigint') return v;
      return fail(path, schema, v);
    };
  }
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32':
      out.push({ name, type: 'INT32', repetition_type: repetition });
      return (v, size) => {
        size.bytes += 4;
        return typeof v === 'number' && Number.isInteger(v) ? v : fail(path, schema, v);
      };
    case 'INT64':
      out.push({ name, type: 'INT64', repetition_type: repetition });
      return (v, size) => {
        size.bytes += 8;
        if (typeof v === 'bigint') return v;
        if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
        return fail(path, schema, v);
      };
    case 'FLOAT32':
    case 'FLOAT64':
      out.push({ name, type: schema.type === 'FLOAT32' ? 'FLOAT' : 'DOUBLE', repetition_type: repetition });
      return (v, size) => {
        size.bytes += 8;
        return typeof v === 'number' ? v : fail(path, schema, v);
      };
    case 'BOOLEAN':
      out.push({ name, type: 'BOOLEAN', repetition_type: repetition });
      return (v, size) => {
        size.bytes += 1;
        return typeof v === 'boolean' ? v : fail(path, schema, v);
      };
    case 'STRING':
      if (enhanced && schema.parameters?.has(AVRO_TYPE_ENUM)) {
        out.push({ name, type: 'BYTE_ARRAY', repetition_type: repetition, converted_type: 'ENUM', logical_type: { type: 'ENUM' } });
      } else {
        out.push({ name, type: 'BYTE_ARRAY', repetition_type: repetition, converted_type: 'UTF8', logical_type: { type: 'STRING' } });
      }
      return (v, size) => {
        if (typeof v !== 'string') return fail(path, schema, v);
        size.bytes += v.length + 8;
        return v;
      };
    case 'BYTES':
      out.push({ name, type: 'BYTE_ARRAY', repetition_type: repetition });
      return (v, size) => {
        if (!(v instanceof Uint8Array)) return fail(path, schema, v);
        size.bytes += v.length + 8;
        return v;
      };
    case 'ARRAY': {
      out.push({ name, repetition_type: repetition, converted_type: 'LIST', logical_type: { type: 'LIST' }, num_children: 1 });
      out.push({ name: 'list', repetition_type: 'REPEATED', num_children: 1 });
      const el = node('element', schema.valueSchema!, out, `${path}[]`, enhanced);
      return (v, size) => {
        if (!Array.isArray(v)) return fail(path, schema, v);
        size.bytes += 8;
        const res = new Array<unknown>(v.length);
        for (let i = 0; i < v.length; i++) res[i] = el(v[i], size);
        return res;
      };
    }
    case 'MAP': {
      const keySchema = schema.keySchema!;
      const stringKeys = keySchema.type === 'STRING' && !keySchema.optional;
      if (stringKeys) {
        out.push({ name, repetition_type: repetition, converted_type: 'MAP', logical_type: { type: 'MAP' }, num_children: 1 });
        out.push({ name: 'key_value', repetition_type: 'REPEATED', num_children: 2 });
      } else {
        out.push({ name, repetition_type: repetition, converted_type: 'LIST', logical_type: { type: 'LIST' }, num_children: 1 });
        out.push({ name: 'list', repetition_type: 'REPEATED', num_children: 1 });
        out.push({ name: 'element', repetition_type: 'REQUIRED', num_children: 2 });
      }
      const k = node('key', keySchema, out, `${path}{key}`, enhanced);
      const val = node('value', schema.valueSchema!, out, `${path}{}`, enhanced);
      return (v, size) => {
        let entries: [unknown, unknown][];
        if (v instanceof Map) entries = [...v.entries()];
        else if (typeof v === 'object' && v !== null && !Array.isArray(v)) entries = Object.entries(v);
        else return fail(path, schema, v);
        size.bytes += 8;
        return entries.map(([kk, vv]) => ({ key: k(kk, size), value: val(vv, size) }));
      };
    }
    case 'STRUCT': {
      out.push({ name, repetition_type: repetition, num_children: schema.fields.length });
      const fields = schema.fields.map((f) => ({ f, conv: node(f.name, f.schema, out, `${path}.${f.name}`, enhanced) }));
      const same = new WeakSet<Schema>([schema]);
      return (v, size) => {
        if (!(v instanceof Struct)) return fail(path, schema, v);
        if (!same.has(v.schema)) {
          if (!schemaEquals(v.schema, schema)) throw new DataException(`the struct's schema differs from the file's schema`, { path });
          same.add(v.schema);
        }
        const o: Record<string, unknown> = {};
        for (const { f, conv } of fields) o[f.name] = conv(v.get(f), size);
        return o;
      };
    }
  }
}

export class ParquetFormat implements Format {
  readonly className = PARQUET_FORMAT_CLASS;
  readonly extension = '.parquet';
  readonly schemaInFile = true;
  readonly codec: ParquetCodec;
  readonly #opts: ParquetFormatOptions;
  readonly #plans = new Map<Schema, ParquetPlan>();

  constructor(opts: ParquetFormatOptions = {}) {
    this.#opts = opts;
    this.codec = parquetCodecOf(opts.codec ?? 'snappy');
  }

  check(record: SinkRecord): void {
    if (record.valueSchema === null) {
      throw new DataException(
        'the Parquet format needs records with a STRUCT value schema, but this record is schemaless (use a converter with ' +
          'schemas, or format.class=io.confluent.connect.hdfs.json.JsonFormat)',
        where(record),
      );
    }
    if (record.valueSchema.type !== 'STRUCT') {
      throw new DataException(`the Parquet format needs STRUCT values; this record's value schema is ${record.valueSchema}`, where(record));
    }
  }

  plan(schema: Schema): ParquetPlan {
    let p = this.#plans.get(schema);
    if (!p) {
      p = parquetPlan(schema, this.#opts);
      if (this.#plans.size >= 1000) this.#plans.delete(this.#plans.keys().next().value!);
      this.#plans.set(schema, p);
    }
    return p;
  }

  createWriter(file: OutputFile, valueSchema: Schema | null): RecordWriter {
    if (!valueSchema) throw new DataException('the Parquet format needs a value schema');
    return new ParquetRecordWriter(file, this.plan(valueSchema), {
      codec: this.codec,
      engine: this.#opts.engine ?? hyparquetEngine,
      maxRows: this.#opts.rowGroupMaxRows ?? 100_000,
      maxBytes: this.#opts.rowGroupMaxBytes ?? 64 * 1024 * 1024,
    });
  }
}

class ParquetRecordWriter implements RecordWriter {
  readonly #out: BufferedOutput;
  readonly #plan: ParquetPlan;
  readonly #pq: ParquetFileWriter;
  readonly #maxRows: number;
  readonly #maxBytes: number;
  #columns: unknown[][];
  #rows = 0;
  readonly #size: SizeCounter = { bytes: 0 };

  constructor(file: OutputFile, plan: ParquetPlan, o: { codec: ParquetCodec; engine: ParquetEngine; maxRows: number; maxBytes: number }) {
    this.#out = new BufferedOutput(file);
    this.#plan = plan;
    this.#maxRows = Math.max(1, o.maxRows);
    this.#maxBytes = Math.max(1024, o.maxBytes);
    this.#columns = plan.columns.map(() => []);
    this.#pq = o.engine.open((chunk) => this.#out.push(chunk), plan.schema, {
      codec: o.codec,
      kvMetadata: [
        { key: 'parquet.avro.schema', value: plan.avroSchemaJson },
        { key: 'writer.model.name', value: 'avro' },
      ],
      createdBy: `sluice version ${HDFS_CONNECTOR_VERSION} (${o.engine.name})`,
    });
  }

  write(record: SinkRecord): void | Promise<void> {
    const s = record.value;
    if (!(s instanceof Struct)) throw new DataException('the Parquet format needs STRUCT values', where(record));
    const cols = this.#plan.columns;
    const row = new Array<unknown>(cols.length);
    try {
      for (let i = 0; i < cols.length; i++) row[i] = cols[i]!.convert(s.get(cols[i]!.field), this.#size);
    } catch (e) {
      if (e instanceof DataException) throw e.withContext(where(record));
      throw e;
    }
    for (let i = 0; i < cols.length; i++) this.#columns[i]!.push(row[i]);
    this.#rows++;
    if (this.#rows >= this.#maxRows || this.#size.bytes >= this.#maxBytes) return this.#flushRowGroup();
  }

  async #flushRowGroup(): Promise<void> {
    if (this.#rows === 0) return;
    const columns: ParquetColumn[] = this.#plan.columns.map((c, i) => ({ name: c.name, data: this.#columns[i]! }));
    const rows = this.#rows;
    this.#columns = this.#plan.columns.map(() => []);
    this.#rows = 0;
    this.#size.bytes = 0;
    try {
      await this.#pq.writeRowGroup(columns, rows);
    } catch (e) {
      throw new DataException(`Parquet encoding failed: ${(e as Error).message}`, {}, { cause: e });
    }
  }

  async close(): Promise<void> {
    await this.#flushRowGroup();
    await this.#pq.finish();
    await this.#out.close();
  }

  async abort(): Promise<void> {
    this.#columns = [];
    await this.#out.abort();
  }
}
