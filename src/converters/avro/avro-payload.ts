/**
 * The payload after Confluent's 5-byte header, as KafkaAvroSerializer/Deserializer frame it: Avro binary, except
 * that a schema whose top level is `bytes` (BYTES, a Decimal on bytes) carries the raw bytes with no length.
 */
import type { AvroData } from '../../data/avro/avro-data.js';
import { bytesToConnect } from '../../data/avro/avro-data.js';
import type { AvroNode } from '../../data/avro/schema-node.js';
import { DataException, type Schema } from '../../data/index.js';

export type PayloadWriter = (value: unknown) => Uint8Array;
export type PayloadReader = (payload: Uint8Array) => unknown;

/** Writes Connect values of `schema` (whose Avro schema is `derived`) with the writer schema `target`. */
export function payloadWriter(avroData: AvroData, schema: Schema, derived: AvroNode, target: AvroNode): PayloadWriter {
  const write = target.type === 'bytes' ? rawBytesWriter(avroData, schema, derived) : avroData.binaryWriter(schema, derived, target);
  return (value) => {
    // A null value has no payload: the converter writes no bytes at all (a tombstone) and registers nothing.
    if (value === null || value === undefined) throw new DataException('a null value has no Avro payload (the converter writes a null message)');
    return write(value);
  };
}

function rawBytesWriter(avroData: AvroData, schema: Schema, derived: AvroNode): PayloadWriter {
  const datum = avroData.datumConverter(schema, derived);
  if (datum.shape.k !== 'bytes') throw new DataException(`a ${schema.type} value cannot be written with the Avro schema "bytes"`);
  return (value) => Uint8Array.from(datum.convert(value) as Uint8Array);
}

/** Reads payloads written with `node` as Connect values of `schema`. */
export function payloadReader(avroData: AvroData, schema: Schema, node: AvroNode): PayloadReader {
  if (node.type === 'bytes') return (payload) => bytesToConnect(schema, Uint8Array.from(payload));
  return avroData.binaryReader(schema, node);
}
