/**
 * One wire format's half of a Schema Registry converter (Avro, Protobuf, JSON Schema): Connect schema ↔ the
 * schema the registry stores, and Connect value ↔ the payload that follows Confluent's 5-byte header
 * (magic byte 0, big-endian 4-byte schema id). The registry client, subject naming, caching and the header
 * itself are the converter's (`registry-converter.ts`); a format is pure and synchronous.
 */
import type { Schema, SchemaAndValue } from '../../data/index.js';

/** The registry's `schemaType`; Confluent omits it for AVRO. */
export type SchemaType = 'AVRO' | 'PROTOBUF' | 'JSON';

/** A schema reference as Confluent's registry stores it (`import` of a .proto, `$ref` of a JSON Schema, a named Avro type). */
export interface SchemaReference {
  readonly name: string;
  readonly subject: string;
  readonly version: number;
}

/** A schema as registered: its type, its text (Avro JSON, .proto source, JSON Schema JSON) and references. */
export interface RegisteredSchema {
  readonly schemaType: SchemaType;
  readonly schema: string;
  readonly references?: readonly SchemaReference[];
}

/** Writes Connect values of one Connect schema. */
export interface FormatWriter {
  /** What to register (or look up) for this Connect schema; the same Connect schema always gives the same text. */
  readonly registered: RegisteredSchema;
  /**
   * The record name RecordNameStrategy / TopicRecordNameStrategy use: the Avro record's full name, the Protobuf
   * message's full name, the JSON Schema's `title`; undefined when the schema has none (those strategies then fail).
   */
  readonly recordName: string | undefined;
  /** The payload after the 5-byte header (Protobuf: message indexes, then the message). Throws DataException. */
  write(value: unknown): Uint8Array;
}

/** Reads payloads written with one registered schema. */
export interface FormatReader {
  /** The Connect schema of the values `read` returns. */
  readonly schema: Schema;
  /** The Connect value of a payload (the bytes after the 5-byte header). Throws DataException. */
  read(payload: Uint8Array): unknown;
  /**
   * For formats where one registered schema holds several (a .proto file's messages, chosen by the payload's
   * message indexes): the Connect schema and value of this payload. When present the converter uses it.
   */
  readSchemaAndValue?(payload: Uint8Array): SchemaAndValue;
}

/** A configured format. Instances are per converter (so per task and key/value); they may cache. */
export interface RegistryFormat {
  readonly schemaType: SchemaType;
  /** The writer for a Connect schema (null schema: the format's schemaless rules, or a DataException). */
  writerFor(schema: Schema): FormatWriter;
  /**
   * The writer that writes Connect values of `schema` with an already registered schema (`use.latest.version`):
   * the values are mapped onto `registered` by field name. Throws DataException when they cannot be.
   */
  writerForRegistered(schema: Schema, registered: RegisteredSchema, resolved: ReadonlyMap<string, string>): FormatWriter;
  /**
   * The reader for a schema fetched by id. `resolved` holds the text of each reference by its name
   * (already fetched by the converter, transitively). `version` is the schema's version under the record's
   * subject, when known: the Connect schema's version unless the schema carries its own (`connect.version`).
   */
  readerFor(registered: RegisteredSchema, resolved: ReadonlyMap<string, string>, version?: number): FormatReader;
}

/** Builds a format from the converter's settings (prefix already stripped: `connect.meta.data`, `scrub.invalid.names`, …). */
export type RegistryFormatFactory = (config: Readonly<Record<string, unknown>>, isKey: boolean) => RegistryFormat;
