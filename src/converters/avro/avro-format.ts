/**
 * The Avro half of Confluent's AvroConverter (io.confluent.connect.avro.AvroConverter): a Connect schema becomes
 * the Avro schema text Confluent's AvroData and AvroSchema register (Java Avro's `Schema.toString()`), a Connect
 * value its Avro binary; a registered schema (with the schemas it references) becomes a Connect schema and a reader.
 * Parsed registered schemas and compiled writers and readers are kept (`schemas.cache.config` of each).
 */
import { AvroData } from '../../data/avro/avro-data.js';
import { parseAvroSchema } from '../../data/avro/parse-schema.js';
import { printSchema } from '../../data/avro/print-schema.js';
import { fullNameOf, type AvroNode } from '../../data/avro/schema-node.js';
import { DataException, type Schema } from '../../data/index.js';
import { LruCache } from '../lru.js';
import type {
  FormatReader, FormatWriter, RegisteredSchema, RegistryFormat, RegistryFormatFactory,
} from '../schema-registry/format.js';
import { avroFormatSettings } from './avro-config.js';
import { payloadReader, payloadWriter } from './avro-payload.js';

/** RecordNameStrategy's name: the full name of a record schema, none for anything else. */
function recordNameOf(node: AvroNode): string | undefined {
  return node.type === 'record' ? fullNameOf(node) : undefined;
}

export class AvroFormat implements RegistryFormat {
  readonly schemaType = 'AVRO' as const;
  readonly #avroData: AvroData;
  readonly #parsed: LruCache<string, AvroNode>;
  readonly #derived: LruCache<Schema, { node: AvroNode; text: string }>;

  constructor(config: Readonly<Record<string, unknown>>) {
    const settings = avroFormatSettings(config);
    this.#avroData = new AvroData(settings.avroData, { logicalTypeConverters: settings.logicalTypeConverters });
    this.#parsed = new LruCache(settings.cacheSize);
    this.#derived = new LruCache(settings.cacheSize);
  }

  writerFor(schema: Schema): FormatWriter {
    const { node, text } = this.#derive(schema);
    // Written with the registered text's own parse, so the bytes follow exactly what readers will use.
    const target = this.#parse(text, []);
    return { registered: { schemaType: 'AVRO', schema: text }, recordName: recordNameOf(node), write: payloadWriter(this.#avroData, schema, node, target) };
  }

  writerForRegistered(schema: Schema, registered: RegisteredSchema, resolved: ReadonlyMap<string, string>): FormatWriter {
    const target = this.#registered(registered, resolved);
    const { node } = this.#derive(schema);
    return { registered, recordName: recordNameOf(target), write: payloadWriter(this.#avroData, schema, node, target) };
  }

  readerFor(registered: RegisteredSchema, resolved: ReadonlyMap<string, string>, version?: number): FormatReader {
    const node = this.#registered(registered, resolved);
    const schema = this.#avroData.toConnectSchema(node, version);
    if (schema === null) {
      throw new DataException('the registered schema is io.confluent.connect.avro.Anything (schemaless Connect data), which a FormatReader cannot describe');
    }
    return { schema, read: payloadReader(this.#avroData, schema, node) };
  }

  #derive(schema: Schema): { node: AvroNode; text: string } {
    let d = this.#derived.get(schema);
    if (!d) {
      const node = this.#avroData.fromConnectSchema(schema);
      d = { node, text: printSchema(node) };
      this.#derived.set(schema, d);
    }
    return d;
  }

  #registered(registered: RegisteredSchema, resolved: ReadonlyMap<string, string>): AvroNode {
    if (registered.schemaType !== 'AVRO') throw new DataException(`the registered schema is ${registered.schemaType}, not AVRO`);
    for (const r of registered.references ?? []) {
      if (!resolved.has(r.name)) throw new DataException(`the schema reference ${r.name} (subject ${r.subject} version ${r.version}) was not resolved`);
    }
    // Every resolved text (references of references too): their named types are known to the schema.
    return this.#parse(registered.schema, [...resolved.values()]);
  }

  #parse(text: string, refs: readonly string[]): AvroNode {
    const key = refs.length === 0 ? text : `${text}\n${refs.join('\n')}`;
    let node = this.#parsed.get(key);
    if (!node) {
      node = parseAvroSchema(text, refs);
      this.#parsed.set(key, node);
    }
    return node;
  }
}

export const avroFormat: RegistryFormatFactory = (config) => new AvroFormat(config);
