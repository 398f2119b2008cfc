import { Schema, Struct, type ConnectRecord } from '../data/index.js';
import { ConfigDef, ConfigException, defineReplaceNullWithDefault, type RawConfig } from './transformation.js';
import { SidedTransformation, type Side } from './sided-transformation.js';
import { requireSchema } from './requirements.js';
import { restruct } from './schema-util.js';

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
export class SetSchemaMetadata<R extends ConnectRecord = ConnectRecord> extends SidedTransformation<R> {
  static readonly CONFIG_DEF = CONFIG_DEF;
  #name: string | null = null;
  #version: number | null = null;

  constructor(side: Side) {
    super(side, CONFIG_DEF);
  }

  configure(config: RawConfig): void {
    const c = this.parse(config);
    this.#name = (c[SCHEMA_NAME_CONFIG] as string | null) ?? null;
    this.#version = (c[SCHEMA_VERSION_CONFIG] as number | null) ?? null;
    if (this.#name === null && this.#version === null) {
      throw new ConfigException(undefined, undefined, 'Neither schema name nor version configured');
    }
  }

  apply(record: R): R {
    const schema = requireSchema(this.operatingSchema(record), 'updating schema metadata');
    const updated = this.schemaCache.get(schema, (s) => new Schema({
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
    const value = this.operatingValue(record);
    return this.newRecord(record, updated, value instanceof Struct ? restruct(value, updated, this.replaceNullWithDefault) : value);
  }
}
