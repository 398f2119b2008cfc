import { Buffer } from 'node:buffer';
import { NULL_SCHEMA_AND_VALUE, Schema, type SchemaAndValue } from '../data/index.js';
import { convertToString, parseString } from '../data/values.js';
import type { ConverterConfig, HeaderConverter } from './converter.js';

/**
 * `org.apache.kafka.connect.storage.SimpleHeaderConverter` (Kafka Connect's default header converter): writes
 * `Values.convertToString` as UTF-8, reads with `Values.parseString` type inference (`"42"` → INT8,
 * `"true"` → BOOLEAN, `"2024-01-31"` → Date, …). Text that cannot be parsed arrives as BYTES of the raw header.
 */
export class SimpleHeaderConverter implements HeaderConverter {
  configure(_config: ConverterConfig): void {
    // nothing to configure
  }

  fromConnectHeader(_topic: string, _headerKey: string, schema: Schema | null, value: unknown): Uint8Array | null {
    if (value === null || value === undefined) return null;
    return Buffer.from(convertToString(schema, value)!, 'utf8');
  }

  toConnectHeader(_topic: string, _headerKey: string, bytes: Uint8Array | null): SchemaAndValue {
    if (bytes === null || bytes === undefined) return NULL_SCHEMA_AND_VALUE;
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    try {
      return parseString(text);
    } catch {
      // Kafka logs a warning and keeps the raw bytes
      return { schema: Schema.BYTES, value: bytes };
    }
  }
}
