import { SchemaBuilder, Struct, type ConnectRecord } from '../data/index.js';
import { ConfigDef, type RawConfig } from './transformation.js';
import { SidedTransformation, type Side } from './sided-transformation.js';

export const FIELD_CONFIG = 'field';

const CONFIG_DEF = new ConfigDef().define({
  name: FIELD_CONFIG,
  type: 'STRING',
  importance: 'MEDIUM',
  documentation: 'Field name for the single field that will be created in the resulting Struct or Map.',
});

/**
 * `org.apache.kafka.connect.transforms.HoistField$Key` / `$Value`: wraps the key/value in a Struct with one field
 * (when there is a schema) or a single-entry map (schemaless). Null values are wrapped too; with a required
 * schema that is an error, as in Kafka.
 */
export class HoistField<R extends ConnectRecord = ConnectRecord> extends SidedTransformation<R> {
  static readonly CONFIG_DEF = CONFIG_DEF;
  #field = '';

  constructor(side: Side) {
    super(side, CONFIG_DEF);
  }

  configure(config: RawConfig): void {
    this.#field = this.parse(config)[FIELD_CONFIG] as string;
  }

  apply(record: R): R {
    const schema = this.operatingSchema(record);
    const value = this.operatingValue(record);
    if (!schema) return this.newRecord(record, null, { [this.#field]: value ?? null });
    const updatedSchema = this.schemaCache.get(schema, (s) => SchemaBuilder.struct().field(this.#field, s).build());
    return this.newRecord(record, updatedSchema, new Struct(updatedSchema).put(this.#field, value));
  }
}
