import { SchemaBuilder, Struct, type ConnectRecord } from '../data/index.js';
import {
  ConfigDef,
  SchemaCache,
  operatingSchema,
  operatingValue,
  parseConfig,
  withOperating,
  type Side,
  type Transformation,
} from './transformation.js';

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
export class HoistField<R extends ConnectRecord = ConnectRecord> implements Transformation<R> {
  static readonly CONFIG_DEF = CONFIG_DEF;
  readonly side: Side;
  #field = '';
  #cache = new SchemaCache();

  constructor(side: Side) {
    this.side = side;
  }

  configure(config: Readonly<Record<string, unknown>>): void {
    this.#field = parseConfig(CONFIG_DEF, config)[FIELD_CONFIG] as string;
    this.#cache.clear();
  }

  apply(record: R): R {
    const schema = operatingSchema(record, this.side);
    const value = operatingValue(record, this.side);
    if (!schema) return withOperating(record, this.side, null, { [this.#field]: value ?? null });
    const updatedSchema = this.#cache.get(schema, (s) => SchemaBuilder.struct().field(this.#field, s).build());
    return withOperating(record, this.side, updatedSchema, new Struct(updatedSchema).put(this.#field, value));
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {
    this.#cache.clear();
  }
}
