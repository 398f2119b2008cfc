/**
 * Confluent's AvroData for one configuration: Connect schema ↔ Avro schema, Connect value ↔ Avro binary. Value
 * writers and readers are compiled once per schema pair and kept by the caller.
 */
import { DataException } from '../errors.js';
import type { Schema } from '../schema.js';
import { anythingSchema, isAnythingSchema, readAnything, schemalessConverter } from './anything.js';
import { ByteReader } from './binary.js';
import { datumConverter, type DatumConverter } from './from-connect-datum.js';
import { fromConnectSchema } from './from-connect-schema.js';
import { avroDataSettings, type AvroDataOptions, type AvroDataSettings } from './options.js';
import { ValueReaders } from './read-value.js';
import type { AvroNode } from './schema-node.js';
import { toConnectLogical } from './to-connect-default.js';
import { toConnectSchema } from './to-connect-schema.js';
import { connectWriter, fusedBinaryWriter, referenceWriter } from './write-connect.js';
import { DatumWriters, writeDatum } from './write-datum.js';

export interface AvroReadOptions {
  /** `avro.use.logical.type.converters` of Confluent's deserializer. Default false. */
  readonly logicalTypeConverters?: boolean;
}

export class AvroData {
  readonly settings: AvroDataSettings;
  readonly #readers: ValueReaders;
  /** generalized.sum.type.support names unions connect_union_0, 1, … for the life of an AvroData, as Confluent's. */
  readonly #unionCounter = { next: 0 };

  constructor(opts: AvroDataOptions = {}, read: AvroReadOptions = {}) {
    this.settings = avroDataSettings(opts);
    this.#readers = new ValueReaders(this.settings, { logicalTypeConverters: read.logicalTypeConverters ?? false });
  }

  /** The Avro schema of a Connect schema (null: schemaless data, the Anything record). */
  fromConnectSchema(schema: Schema | null): AvroNode {
    return schema === null ? anythingSchema() : fromConnectSchema(schema, this.settings);
  }

  /** The Connect schema of an Avro schema (null for the Anything record); `version` is the registry's. */
  toConnectSchema(node: AvroNode, version?: number): Schema | null {
    if (isAnythingSchema(node)) return null;
    return toConnectSchema(node, { s: this.settings, unionCounter: this.#unionCounter }, version);
  }

  /** Connect values of `schema` → the datums Avro writes with `derived` (the Avro schema of `schema`). */
  datumConverter(schema: Schema | null, derived: AvroNode): DatumConverter {
    return schema === null ? schemalessConverter : datumConverter(schema, derived, this.settings);
  }

  /**
   * Connect values of `schema` → Avro binary: built for `derived` (fromConnectSchema of `schema`) and written with
   * `target` (the same, or an already registered schema: then fields are matched by name). Written in one pass
   * (write-connect.ts) with the datum converter and datum writer as its reference; the bytes are a view into a
   * slab shared with other payloads (as Node's pooled Buffers are), so copy them rather than use their `buffer`.
   */
  binaryWriter(schema: Schema | null, derived: AvroNode, target: AvroNode = derived): (value: unknown) => Uint8Array {
    const datum = this.datumConverter(schema, derived);
    const writers = new DatumWriters();
    const write = writers.writer(datum.shape, target);
    const reference = (value: unknown): Uint8Array => writeDatum(write, datum.convert(value));
    let fused = referenceWriter(datum, writers, target);
    if (schema !== null) {
      try {
        fused = connectWriter(schema, derived, target, this.settings, writers);
      } catch {
        // It builds the converters the reference just built, so it does not fail; if it did, the reference alone is right.
      }
    }
    return fusedBinaryWriter(fused, reference);
  }

  /** Avro binary written with `node` → Connect values of `schema` (toConnectSchema of `node`; null: schemaless). */
  binaryReader(schema: Schema | null, node: AvroNode): (payload: Uint8Array) => unknown {
    if (schema === null) {
      if (!isAnythingSchema(node)) throw new DataException('schemaless data needs the io.confluent.connect.avro.Anything schema');
      return (payload) => readAnything(new ByteReader(payload));
    }
    const read = this.#readers.reader(schema, node);
    return (payload) => read(new ByteReader(payload));
  }
}

/** Bytes of a top-level Avro `bytes` value → the Connect value of `schema` (BYTES, or a Decimal on bytes). */
export function bytesToConnect(schema: Schema, bytes: Uint8Array): unknown {
  if (schema.type !== 'BYTES') throw new DataException(`Invalid type for ${schema.type}: bytes`);
  return toConnectLogical(schema, bytes);
}
