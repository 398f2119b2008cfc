import { Schema, Struct, type ConnectRecord } from '../data/index.js';
import {
  ConfigDef,
  ConfigException,
  SchemaCache,
  defineReplaceNullWithDefault,
  fieldValue,
  operatingSchema,
  operatingValue,
  parseConfig,
  requireSchema,
  withOperating,
  REPLACE_NULL_WITH_DEFAULT_CONFIG,
  type Side,
  type Transformation,
} from './transformation.js';

export const SCHEMA_NAME_CONFIG = 'schema.name';
export const SCHEMA_VERSION_CONFIG = 'schema.version';

const CONFIG_DEF = defineReplaceNullWithDefault(
  new ConfigDef()
    .define({ name: SCHEMA_NAME_CONFIG, type: 'STRING', defaultValue: null, importance: 'HIGH', documentation: 'Schema name to set.' })
    .define({ name: SCHEMA_VERSION_CONFIG, type: 'INT', defaultValue: null, importance: 'HIGH', documentation: 'Schema version to set.' }),
);

/**
 * `org.apache.kafka.connect.transforms.SetSchemaMetadata$Key` / `$Value`: sets the name and/or version of the
 * key/value schema; a Struct value is re-created on the new schema. A record without a schema is an error.
 */
export class SetSchemaMetadata<R extends ConnectRecord = ConnectRecord> implements Transformation<R> {
  static readonly CONFIG_DEF = CONFIG_DEF;
  readonly side: Side;
  #name: string | null = null;
  #version: number | null = null;
  #replaceNullWithDefault = true;
  #cache = new SchemaCache();

  constructor(side: Side) {
    this.side = side;
  }

  configure(config: Readonly<Record<string, unknown>>): void {
    const c = parseConfig(CONFIG_DEF, config);
    this.#name = (c[SCHEMA_NAME_CONFIG] as string | null) ?? null;
    this.#version = (c[SCHEMA_VERSION_CONFIG] as number | null) ?? null;
    this.#replaceNullWithDefault = c[REPLACE_NULL_WITH_DEFAULT_CONFIG] as boolean;
    if (this.#name === null && this.#version === null) {
      throw new ConfigException(undefined, undefined, 'Neither schema name nor version configured');
    }
    this.#cache.clear();
  }

  apply(record: R): R {
    const schema = requireSchema(operatingSchema(record, this.side), 'updating schema metadata');
    const updated = this.#cache.get(schema, (s) => new Schema({
      type: s.type,
      optional: s.optional,
      defaultValue: s.defaultValue,
      name: this.#name ?? s.name,
      version: this.#version ?? s.version,
      doc: s.doc,
      parameters: s.parameters,
      keySchema: s.keySchema,
      valueSchema: s.valueSchema,
      fields: s.type === 'STRUCT' ? s.fields : undefined,
    }));
    const value = operatingValue(record, this.side);
    return withOperating(record, this.side, updated, value instanceof Struct ? this.#restruct(value, updated) : value);
  }

  #restruct(value: Struct, schema: Schema): Struct {
    const out = new Struct(schema);
    for (const field of schema.fields) out.put(field.name, fieldValue(value, field.name, this.#replaceNullWithDefault));
    return out;
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {
    this.#cache.clear();
  }
}
