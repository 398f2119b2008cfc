/**
 * The JSON Schema half of Confluent's JsonSchemaConverter as a RegistryFormat: Connect schema → the schema
 * text Confluent registers, Connect value → the JSON payload Confluent writes, and back.
 */
import { DataException, type Schema } from '../../data/index.js';
import { isBlankJson, parseJson } from '../json/json-text.js';
import type { FormatReader, FormatWriter, RegisteredSchema, RegistryFormat, RegistryFormatFactory } from '../schema-registry/format.js';
import { canonicalSchemaText } from './canonical-text.js';
import { jsonSchemaDataOptions, type JsonSchemaDataOptions } from './config.js';
import { fromConnectData } from './from-connect-data.js';
import { fromConnectSchema } from './from-connect-schema.js';
import { writeJsonNode } from './json-node.js';
import { isOObject, JNumber, parseOrderedJson } from './ordered-json.js';
import { loadJsonSchema } from './schema-loader.js';
import { toConnectData } from './to-connect-data.js';
import { toConnectSchema } from './to-connect-schema.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** `io.confluent.connect.json.JsonSchemaConverter`'s format, configured from the converter's settings. */
export const jsonSchemaFormat: RegistryFormatFactory = (config) => new JsonSchemaFormat(jsonSchemaDataOptions(config));

export class JsonSchemaFormat implements RegistryFormat {
  readonly schemaType = 'JSON' as const;
  readonly options: JsonSchemaDataOptions;
  readonly #writers = new WeakMap<Schema, FormatWriter>();
  readonly #readers = new Map<string, FormatReader>();

  constructor(options: JsonSchemaDataOptions) {
    this.options = options;
  }

  writerFor(schema: Schema): FormatWriter {
    let writer = this.#writers.get(schema);
    if (!writer) {
      const node = fromConnectSchema(schema, this.options);
      const registered: RegisteredSchema = { schemaType: 'JSON', schema: canonicalSchemaText(node) };
      writer = new ValueWriter(schema, registered, node.kind === 'combined' ? undefined : node.title, this.options);
      this.#writers.set(schema, writer);
    }
    return writer;
  }

  /**
   * Confluent writes the same JSON whichever schema it registers under (`use.latest.version`, `use.schema.id`):
   * the values follow the Connect schema, which JSON carries by property name. Only the id and the record name
   * (the registered schema's `title`) change.
   */
  writerForRegistered(schema: Schema, registered: RegisteredSchema, _resolved: ReadonlyMap<string, string>): FormatWriter {
    if (registered.schemaType !== 'JSON') {
      throw new DataException(`cannot write JSON Schema data with a registered ${registered.schemaType} schema`);
    }
    return new ValueWriter(schema, registered, titleOf(registered.schema), this.options);
  }

  readerFor(registered: RegisteredSchema, resolved: ReadonlyMap<string, string>, version?: number): FormatReader {
    if (registered.schemaType !== 'JSON') {
      throw new DataException(`cannot read ${registered.schemaType} data with the JSON Schema converter`);
    }
    const key = `${version ?? ''}\n${registered.schema}\n${JSON.stringify([...resolved])}`;
    let reader = this.#readers.get(key);
    if (!reader) {
      const schema = toConnectSchema(loadJsonSchema(registered.schema, resolved), version, this.options);
      reader = new ValueReader(schema);
      if (this.#readers.size >= this.options.schemasCacheSize) this.#readers.delete(this.#readers.keys().next().value!);
      this.#readers.set(key, reader);
    }
    return reader;
  }
}

/** JsonSchema.name(): the top-level `title` as text. */
function titleOf(schemaText: string): string | undefined {
  const json = parseOrderedJson(schemaText, 'JSON Schema');
  const title = isOObject(json) ? json.get('title') : undefined;
  if (typeof title === 'string') return title;
  if (title instanceof JNumber || typeof title === 'boolean') return String(title instanceof JNumber ? title.text : title);
  return undefined;
}

class ValueWriter implements FormatWriter {
  constructor(
    readonly schema: Schema,
    readonly registered: RegisteredSchema,
    readonly recordName: string | undefined,
    readonly options: JsonSchemaDataOptions,
  ) {}

  write(value: unknown): Uint8Array {
    const node = fromConnectData(this.schema, value, this.options);
    // Confluent sends no message at all here; a payload must be something
    if (node === undefined) throw new DataException(`null value for the required schema ${this.schema}, which has no default`);
    return encoder.encode(writeJsonNode(node));
  }
}

class ValueReader implements FormatReader {
  constructor(readonly schema: Schema) {}

  read(payload: Uint8Array): unknown {
    let text: string;
    try {
      text = decoder.decode(payload);
    } catch (e) {
      throw new DataException('JSON payload is not valid UTF-8', {}, { cause: e });
    }
    if (isBlankJson(text)) throw new DataException('JSON payload is empty');
    let json;
    try {
      json = parseJson(text, { keepNumberText: true });
    } catch (e) {
      throw new DataException(`invalid JSON payload: ${(e as Error).message}`, {}, { cause: e });
    }
    return toConnectData(this.schema, json);
  }
}
