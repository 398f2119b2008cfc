/**
 * `io.confluent.connect.hdfs.avro.AvroFormat`: Avro object container files (`.avro`). The schema is the first
 * record's value schema through AvroData; blocks of about 64 KB are compressed with `avro.codec` (null,
 * deflate, snappy) and handed to the storage in ~1 MiB writes. Records are encoded by avsc into a reused
 * block buffer; longs go through a BigInt-capable long type so INT64 beyond 2^53 is exact.
 */
import { randomBytes } from 'node:crypto';
import { crc32, deflateRaw } from 'node:zlib';
import { promisify } from 'node:util';
import avro from 'avsc';
import * as snappy from 'snappyjs';
import { DataException, type Schema, type SinkRecord } from '../../../data/index.js';
import type { OutputFile } from '../storage/storage.js';
import {
  BIG_LONG, avroValueConverter, toAvroSchema, zigZagLong, type AvroDataOptions, type AvroSchema, type ValueConverter,
} from '../../../data/avro/index.js';
import { BufferedOutput } from './output.js';
import { AVRO_FORMAT_CLASS, checkAvroCodec, type AvroCodec } from './avro-codecs.js';

export { AVRO_CODECS, AVRO_FORMAT_CLASS, checkAvroCodec, type AvroCodec } from './avro-codecs.js';
import { where, type Format, type RecordWriter } from './format.js';

const deflateRawAsync = promisify(deflateRaw);

const MAGIC = Buffer.from([0x4f, 0x62, 0x6a, 0x01]); // "Obj" 1
/** Avro Java's default sync interval (bytes of encoded records per block). */
export const DEFAULT_AVRO_BLOCK_BYTES = 64_000;


interface CompiledSchema {
  readonly json: string;
  readonly type: avro.Type;
  readonly convert: ValueConverter;
}

export interface AvroFormatOptions extends AvroDataOptions {
  readonly codec?: string;
  /** `schemas.cache.config`: compiled schemas kept. */
  readonly cacheSize?: number;
  readonly blockBytes?: number;
}

export class AvroFormat implements Format {
  readonly className = AVRO_FORMAT_CLASS;
  readonly extension = '.avro';
  readonly schemaInFile = true;
  readonly #opts: AvroDataOptions;
  readonly #codec: AvroCodec;
  readonly #cache = new Map<Schema, CompiledSchema>();
  readonly #cacheSize: number;
  readonly #blockBytes: number;

  constructor(opts: AvroFormatOptions = {}) {
    this.#opts = { connectMetaData: opts.connectMetaData ?? true, enhancedSchemaSupport: opts.enhancedSchemaSupport ?? true };
    this.#codec = checkAvroCodec(opts.codec ?? 'null');
    this.#cacheSize = Math.max(1, opts.cacheSize ?? 1000);
    this.#blockBytes = opts.blockBytes ?? DEFAULT_AVRO_BLOCK_BYTES;
  }

  check(record: SinkRecord): void {
    if (record.valueSchema === null) {
      throw new DataException(
        'the Avro format needs records with a value schema, but this record is schemaless (use a converter with schemas, ' +
          'e.g. JsonConverter with schemas.enable=true or AvroConverter, or format.class=io.confluent.connect.hdfs.json.JsonFormat)',
        where(record),
      );
    }
  }

  compile(schema: Schema): CompiledSchema {
    let c = this.#cache.get(schema);
    if (c) return c;
    const json = toAvroSchema(schema, this.#opts);
    let type: avro.Type;
    try {
      type = avro.Type.forSchema(forAvsc(json) as avro.Schema, { registry: { long: BIG_LONG } as never, wrapUnions: false });
    } catch (e) {
      throw new DataException(`cannot build an Avro schema for ${schema}: ${(e as Error).message}`, {}, { cause: e });
    }
    c = { json: JSON.stringify(json), type, convert: avroValueConverter(schema, this.#opts) };
    if (this.#cache.size >= this.#cacheSize) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(schema, c);
    return c;
  }

  /** The Avro schema JSON this format writes for `schema`. */
  avroSchemaJson(schema: Schema): string {
    return this.compile(schema).json;
  }

  createWriter(file: OutputFile, valueSchema: Schema | null): RecordWriter {
    if (!valueSchema) throw new DataException('the Avro format needs a value schema');
    return new AvroFileWriter(file, this.compile(valueSchema), this.#codec, this.#blockBytes);
  }
}

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

/**
 * The schema avsc compiles: primitives written as `{type: 'long', …props}` become plain `'long'`, so the
 * registry's BigInt-capable long applies everywhere (avsc builds its own LongType for the object form). The
 * file header keeps the full schema with every property.
 */
export function forAvsc(schema: AvroSchema): AvroSchema {
  if (typeof schema === 'string') return schema;
  if (Array.isArray(schema)) return schema.map(forAvsc);
  const t = schema['type'];
  if (typeof t === 'string' && PRIMITIVES.has(t)) return t;
  const out: { [k: string]: unknown } = { ...schema };
  if (t === 'array') out['items'] = forAvsc(schema['items'] as AvroSchema);
  else if (t === 'map') out['values'] = forAvsc(schema['values'] as AvroSchema);
  else if (t === 'record' || t === 'error') {
    out['fields'] = (schema['fields'] as { type: AvroSchema }[]).map((f) => ({ ...f, type: forAvsc(f.type) }));
  } else if (typeof t === 'object' && t !== null) out['type'] = forAvsc(t as AvroSchema);
  return out;
}

/** Writes one Avro object container file. */
export class AvroFileWriter implements RecordWriter {
  readonly #out: BufferedOutput;
  readonly #schema: CompiledSchema;
  readonly #codec: AvroCodec;
  readonly #sync = randomBytes(16);
  readonly #blockBytes: number;
  #buf: Buffer;
  #pos = 0;
  #count = 0;

  constructor(file: OutputFile, schema: CompiledSchema, codec: AvroCodec, blockBytes: number) {
    this.#out = new BufferedOutput(file);
    this.#schema = schema;
    this.#codec = codec;
    this.#blockBytes = blockBytes;
    this.#buf = Buffer.allocUnsafe(Math.max(1024, blockBytes * 2));
    void this.#out.push(this.#header());
  }

  #header(): Buffer {
    const parts: Buffer[] = [MAGIC];
    const meta: [string, Buffer][] = [
      ['avro.schema', Buffer.from(this.#schema.json, 'utf8')],
      ['avro.codec', Buffer.from(this.#codec, 'utf8')],
    ];
    parts.push(Buffer.from(zigZagLong(meta.length)));
    for (const [k, v] of meta) {
      const key = Buffer.from(k, 'utf8');
      parts.push(Buffer.from(zigZagLong(key.length)), key, Buffer.from(zigZagLong(v.length)), v);
    }
    parts.push(Buffer.from([0]), this.#sync);
    return Buffer.concat(parts);
  }

  write(record: SinkRecord): void | Promise<void> {
    let value: unknown;
    try {
      value = this.#schema.convert(record.value);
    } catch (e) {
      if (e instanceof DataException) throw e.withContext(where(record));
      throw e;
    }
    let p: number;
    try {
      p = this.#schema.type.encode(value, this.#buf, this.#pos);
      while (p < 0) {
        const bigger = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#pos - p + 1024));
        this.#buf.copy(bigger, 0, 0, this.#pos);
        this.#buf = bigger;
        p = this.#schema.type.encode(value, this.#buf, this.#pos);
      }
    } catch (e) {
      if (e instanceof DataException) throw e.withContext(where(record));
      throw new DataException(`Avro encoding failed: ${(e as Error).message}`, where(record), { cause: e });
    }
    this.#pos = p;
    this.#count++;
    if (this.#pos >= this.#blockBytes) return this.#flushBlock();
  }

  async #flushBlock(): Promise<void> {
    if (this.#count === 0) return;
    const raw = this.#buf.subarray(0, this.#pos);
    let data: Uint8Array;
    switch (this.#codec) {
      case 'null':
        data = Buffer.from(raw);
        break;
      case 'deflate':
        data = await deflateRawAsync(raw);
        break;
      case 'snappy': {
        const c = snappy.compress(raw);
        const out = Buffer.allocUnsafe(c.length + 4);
        out.set(c, 0);
        out.writeUInt32BE(crc32(raw) >>> 0, c.length);
        data = out;
        break;
      }
    }
    const head = Buffer.concat([Buffer.from(zigZagLong(this.#count)), Buffer.from(zigZagLong(data.length))]);
    this.#pos = 0;
    this.#count = 0;
    await this.#out.push(head);
    await this.#out.push(data);
    await this.#out.push(this.#sync);
  }

  async close(): Promise<void> {
    await this.#flushBlock();
    await this.#out.close();
  }

  async abort(): Promise<void> {
    await this.#out.abort();
  }
}
