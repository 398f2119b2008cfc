/**
 * The Protobuf half of Confluent's ProtobufConverter as a RegistryFormat: Connect schema → the .proto text
 * ProtobufData and ProtobufSchema would register, Connect value → message indexes + message bytes, and back.
 */
import type { Type } from 'protobufjs';
import { DataException, type Schema, type SchemaAndValue } from '../../data/index.js';
import type { FormatReader, FormatWriter, RegisteredSchema, RegistryFormat, RegistryFormatFactory } from '../schema-registry/format.js';
import { protobufDataConfig, type ProtobufDataConfig } from './data-config.js';
import { fullNameOf } from './field-info.js';
import { DEFAULT_INDEXES, decodeMessageIndexes, encodeMessageIndexes, messageAt, messageIndexesOf } from './message-indexes.js';
import { loadProto, type LoadedProto } from './proto-loader.js';
import { protoText } from './proto-text.js';
import { connectMessageName, protoSchemaFromConnect } from './schema-from-connect.js';
import { messageReader, type MessageReader } from './schema-to-connect.js';
import { messageWriter } from './value-to-proto.js';
import { WRAPPERS_CANONICAL } from './well-known-protos.js';

/** A reader that also says which schema each payload was read with (its message indexes may pick another message). */
export interface ProtobufFormatReader extends FormatReader {
  readSchemaAndValue(payload: Uint8Array): SchemaAndValue;
}

/** `io.confluent.connect.protobuf.ProtobufConverter`'s format; `config` holds ProtobufDataConfig's keys. */
export const protobufFormat: RegistryFormatFactory = (config) => new ProtobufFormat(protobufDataConfig(config));

const NO_REFERENCES: ReadonlyMap<string, string> = new Map();

class ProtobufFormat implements RegistryFormat {
  readonly schemaType = 'PROTOBUF' as const;
  readonly #config: ProtobufDataConfig;
  readonly #writers = new WeakMap<Schema, FormatWriter>();
  readonly #loaded: BoundedCache<LoadedProto>;

  constructor(config: ProtobufDataConfig) {
    this.#config = config;
    this.#loaded = new BoundedCache(config.schemasCacheSize);
  }

  writerFor(schema: Schema): FormatWriter {
    if (schema === null || schema === undefined) throw new DataException('the ProtobufConverter writes only records with a schema');
    const known = this.#writers.get(schema);
    if (known !== undefined) return known;
    const proto = protoSchemaFromConnect(schema, this.#config);
    const text = proto.kind === 'wrapper' ? WRAPPERS_CANONICAL : protoText(proto.file);
    const loaded = this.#load(text, NO_REFERENCES, proto.kind === 'message');
    const indexes = messageIndexesOf(proto.messageName, loaded);
    const writer = this.#writer(schema, { schemaType: 'PROTOBUF', schema: text, references: [] }, loaded, indexes);
    this.#writers.set(schema, writer);
    return writer;
  }

  writerForRegistered(schema: Schema, registered: RegisteredSchema, resolved: ReadonlyMap<string, string>): FormatWriter {
    const loaded = this.#load(registered.schema, resolved, false);
    // As Confluent's serializer: the indexes of the message named like the Connect schema, else the first one.
    return this.#writer(schema, registered, loaded, messageIndexesOf(connectMessageName(schema, this.#config), loaded));
  }

  readerFor(registered: RegisteredSchema, resolved: ReadonlyMap<string, string>, version?: number): ProtobufFormatReader {
    const loaded = this.#load(registered.schema, resolved, false);
    const readers = new Map<string, { type: Type; reader: MessageReader }>();
    const readerAt = (indexes: readonly number[]) => {
      const key = indexes.join(',');
      let found = readers.get(key);
      if (found === undefined) {
        const type = messageAt(indexes, loaded);
        found = { type, reader: messageReader(type, version, this.#config, loaded.syntaxOf) };
        readers.set(key, found);
      }
      return found;
    };
    const first = readerAt(DEFAULT_INDEXES);
    const readSchemaAndValue = (payload: Uint8Array): SchemaAndValue => {
      const { indexes, offset } = decodeMessageIndexes(payload);
      const { type, reader } = readerAt(indexes);
      let message: object;
      try {
        message = type.decode(payload.subarray(offset));
      } catch (e) {
        throw new DataException(`invalid Protobuf ${fullNameOf(type)} message: ${(e as Error).message}`, {}, { cause: e });
      }
      return { schema: reader.schema, value: reader.read(message) };
    };
    return { schema: first.reader.schema, read: (payload) => readSchemaAndValue(payload).value, readSchemaAndValue };
  }

  #writer(schema: Schema, registered: RegisteredSchema, loaded: LoadedProto, found: readonly number[]): FormatWriter {
    const indexes = found.length === 0 ? DEFAULT_INDEXES : found;
    const type = messageAt(indexes, loaded);
    const toMessage = messageWriter(schema, type, this.#config);
    const prefix = encodeMessageIndexes(indexes);
    return {
      registered,
      recordName: fullNameOf(type),
      write: (value) => {
        if (value === null || value === undefined) throw new DataException('a null value has no Protobuf encoding');
        const body = type.encode(toMessage(value)).finish();
        const out = new Uint8Array(prefix.length + body.length);
        out.set(prefix);
        out.set(body, prefix.length);
        return out;
      },
    };
  }

  #load(text: string, resolved: ReadonlyMap<string, string>, generated: boolean): LoadedProto {
    const key = [text, ...[...resolved].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).flat()].join('\u0000');
    let loaded = this.#loaded.get(key);
    if (loaded === undefined) {
      try {
        loaded = loadProto(text, resolved);
      } catch (e) {
        if (!generated || !(e instanceof DataException)) throw e;
        const hint = this.#config.scrubInvalidNames ? '' : ' (scrub.invalid.names=true replaces characters Protobuf names cannot have)';
        throw new DataException(`the Connect schema makes an invalid Protobuf schema: ${e.reason}${hint}`, {}, { cause: e });
      }
      this.#loaded.set(key, loaded);
    }
    return loaded;
  }
}

/** A map that forgets its least recently used entry beyond `limit`. */
class BoundedCache<V> {
  readonly #limit: number;
  readonly #map = new Map<string, V>();

  constructor(limit: number) {
    this.#limit = limit;
  }

  get(key: string): V | undefined {
    const v = this.#map.get(key);
    if (v !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }

  set(key: string, value: V): void {
    this.#map.set(key, value);
    if (this.#map.size > this.#limit) this.#map.delete(this.#map.keys().next().value!);
  }
}
