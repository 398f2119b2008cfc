/**
 * The Parquet encoder behind a small interface, so a faster engine (parquet-wasm, a native writer) can replace
 * hyparquet-writer without touching the sink: open a file with a schema, hand it whole row groups as column
 * arrays, finish. Bytes leave through `sink` after every row group, so a file never sits in memory whole;
 * when `sink` returns a promise the engine waits for it before encoding more (hyparquet-writer's own Node file
 * writer uses synchronous fs writes — not used here).
 */
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { parquetCompressor, type ParquetCodec } from './parquet-codecs.js';

export { parquetCodecOf, type ParquetCodec } from './parquet-codecs.js';


/** A Parquet schema element (parquet-format's SchemaElement), flattened depth-first with `num_children`. */
export interface ParquetSchemaElement {
  name: string;
  type?: 'BOOLEAN' | 'INT32' | 'INT64' | 'FLOAT' | 'DOUBLE' | 'BYTE_ARRAY' | 'FIXED_LEN_BYTE_ARRAY';
  type_length?: number;
  repetition_type?: 'REQUIRED' | 'OPTIONAL' | 'REPEATED';
  num_children?: number;
  converted_type?: 'UTF8' | 'MAP' | 'LIST' | 'ENUM' | 'DECIMAL' | 'DATE' | 'TIME_MILLIS' | 'TIMESTAMP_MILLIS';
  scale?: number;
  precision?: number;
  logical_type?:
    | { type: 'STRING' | 'MAP' | 'LIST' | 'ENUM' | 'DATE' }
    | { type: 'DECIMAL'; scale: number; precision: number }
    | { type: 'TIME' | 'TIMESTAMP'; isAdjustedToUTC: boolean; unit: 'MILLIS' | 'MICROS' | 'NANOS' };
}

/**
 * One top-level column of a row group: `data[i]` is row i's value, nested as hyparquet-writer takes it
 * (objects for groups, arrays for lists, arrays of `{key, value}` for maps; INT64 as bigint, DECIMAL as the
 * unscaled bigint, DATE as days, TIMESTAMP_MILLIS as bigint ms).
 */
export interface ParquetColumn {
  readonly name: string;
  readonly data: unknown[];
}

export interface ParquetFileWriter {
  writeRowGroup(columns: readonly ParquetColumn[], rows: number): Promise<void>;
  /** Writes the footer; after this the sink has every byte of the file. */
  finish(): Promise<void>;
}

export interface ParquetOpenOptions {
  readonly codec: ParquetCodec;
  readonly kvMetadata?: readonly { key: string; value: string }[];
  readonly createdBy?: string;
}

export type ByteSink = (chunk: Uint8Array) => void | Promise<void>;

export interface ParquetEngine {
  readonly name: string;
  open(sink: ByteSink, schema: readonly ParquetSchemaElement[], opts: ParquetOpenOptions): ParquetFileWriter;
}

/** A hyparquet-writer Writer whose flush hands the bytes so far to `sink` and reuses its buffer. */
class SinkWriter extends ByteWriter {
  readonly #sink: ByteSink;
  constructor(sink: ByteSink) {
    super(1 << 20);
    this.#sink = sink;
  }
  flush(): void | Promise<void> {
    if (this.index === 0) return;
    const chunk = new Uint8Array(this.buffer.slice(0, this.index));
    this.index = 0;
    return this.#sink(chunk);
  }
  override finish(): void {
    // the engine flushes (and awaits) itself after the footer
  }
}

class HyparquetFileWriter implements ParquetFileWriter {
  readonly #writer: SinkWriter;
  readonly #pq: ParquetWriter;

  constructor(sink: ByteSink, schema: readonly ParquetSchemaElement[], opts: ParquetOpenOptions) {
    this.#writer = new SinkWriter(sink);
    const compressor = parquetCompressor(opts.codec);
    this.#pq = new ParquetWriter({
      writer: this.#writer,
      schema: schema as never,
      codec: opts.codec,
      ...(compressor ? { compressors: { [opts.codec]: compressor } } : {}),
      ...(opts.kvMetadata ? { kvMetadata: [...opts.kvMetadata] } : {}),
      createdBy: opts.createdBy ?? 'sluice hdfs sink (hyparquet-writer)',
    });
  }

  async writeRowGroup(columns: readonly ParquetColumn[], rows: number): Promise<void> {
    if (rows === 0) return;
    await this.#pq.write({ columnData: columns.map((c) => ({ name: c.name, data: c.data as never })), rowGroupSize: rows });
  }

  async finish(): Promise<void> {
    await this.#pq.finish();
    await this.#writer.flush();
  }
}

export const hyparquetEngine: ParquetEngine = {
  name: 'hyparquet-writer',
  open: (sink, schema, opts) => new HyparquetFileWriter(sink, schema, opts),
};
