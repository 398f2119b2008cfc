/**
 * `io.confluent.connect.hdfs.string.StringFormat`: each record's value as one line of UTF-8 text (`.txt`).
 * Confluent casts the value to String; here strings are written as they are, numbers and booleans as their
 * text, and anything else is refused with the record's topic/partition/offset.
 */
import { DataException, type Schema, type SinkRecord } from '../../../data/index.js';
import type { OutputFile } from '../storage/storage.js';
import { where, type Format, type RecordWriter } from './format.js';
import { LineWriter } from './json-format.js';

export const STRING_FORMAT_CLASS = 'io.confluent.connect.hdfs.string.StringFormat';

function text(r: SinkRecord): string {
  const v = r.value;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  throw new DataException(
    `the String format writes string values; this record's value is ${v === null ? 'null' : typeof v === 'object' ? v.constructor.name : typeof v} ` +
      '(use org.apache.kafka.connect.storage.StringConverter, or format.class=io.confluent.connect.hdfs.json.JsonFormat)',
    where(r),
  );
}

export class StringFormat implements Format {
  readonly className = STRING_FORMAT_CLASS;
  readonly extension = '.txt';
  readonly schemaInFile = false;
  check(r: SinkRecord): void {
    text(r);
  }
  createWriter(file: OutputFile, _valueSchema: Schema | null): RecordWriter {
    return new LineWriter(file, text);
  }
}
