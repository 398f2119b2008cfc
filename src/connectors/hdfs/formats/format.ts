/** The writer interface every output format implements (Confluent's RecordWriterProvider/RecordWriter). */
import type { Schema, SinkRecord } from '../../../data/index.js';
import type { OutputFile } from '../storage/storage.js';

export interface RecordWriter {
  /** Appends one record; returns a promise only when the caller must wait (buffers full, I/O pending). */
  write(record: SinkRecord): void | Promise<void>;
  /** Completes the file and makes it durable. */
  close(): Promise<void>;
  /** Discards the file. */
  abort(): Promise<void>;
}

export interface Format {
  /** `format.class` it answers to. */
  readonly className: string;
  /** With the dot: `.avro`. */
  readonly extension: string;
  /**
   * Whether files carry the records' schema (Avro, Parquet). Formats that do not (JSON, String) ignore schema
   * changes: no rotation, and schemaless and schema-based records may mix.
   */
  readonly schemaInFile: boolean;
  /** Throws a DataException (naming topic/partition/offset) when this format cannot write the record. */
  check(record: SinkRecord): void;
  /** A writer for a new file whose records all have `valueSchema` (null for schemaless formats). */
  createWriter(file: OutputFile, valueSchema: Schema | null): RecordWriter;
}

/** Topic, partition and offset of a record, for errors. */
export function where(record: SinkRecord): { topic: string; partition: number; offset: number } {
  return { topic: record.topic, partition: record.kafkaPartition ?? -1, offset: record.kafkaOffset };
}
