import type { Headers, SchemaAndValue, Schema } from '../data/index.js';

/** Converter configuration: Kafka Connect's flat map, already stripped of its `key.converter.` / `value.converter.` prefix. */
export type ConverterConfig = Readonly<Record<string, unknown>>;

/**
 * Kafka Connect's `Converter`: Connect data ↔ bytes for record keys or values.
 * Errors are `DataException`s whose context names the topic.
 */
export interface Converter {
  configure(config: ConverterConfig, isKey: boolean): void;
  /** Bytes for Kafka, or null (a tombstone). */
  fromConnectData(topic: string, schema: Schema | null, value: unknown, headers?: Headers): Uint8Array | null;
  toConnectData(topic: string, bytes: Uint8Array | null, headers?: Headers): SchemaAndValue;
}

/** Kafka Connect's `HeaderConverter`: one header value ↔ bytes. */
export interface HeaderConverter {
  configure(config: ConverterConfig): void;
  fromConnectHeader(topic: string, headerKey: string, schema: Schema | null, value: unknown): Uint8Array | null;
  toConnectHeader(topic: string, headerKey: string, bytes: Uint8Array | null): SchemaAndValue;
}
