import { DataException, SchemaBuilder, Struct, type ConnectRecord } from '../data/index.js';
import { ConfigDef, defineReplaceNullWithDefault, parseConfig, REPLACE_NULL_WITH_DEFAULT_CONFIG, type RawConfig, type Transformation } from './transformation.js';
import { requireMap, requireStruct } from './requirements.js';
import { fieldValue, SchemaCache } from './schema-util.js';
import { mapGet } from './schemaless-map.js';
import { Validators } from '../connectors/api/config-def.js';

export const FIELDS_CONFIG = 'fields';
const PURPOSE = 'copying fields from value to key';

const CONFIG_DEF = defineReplaceNullWithDefault(
  new ConfigDef().define({
    name: FIELDS_CONFIG,
    type: 'LIST',
    validator: Validators.list(undefined, false),
    importance: 'HIGH',
    documentation: 'Field names on the record value to extract as the record key.',
  }),
);

/**
 * `org.apache.kafka.connect.transforms.ValueToKey`: the new key is a Struct (schema'd) or map (schemaless) of the
 * listed value fields. A listed field missing from the value schema is an error; missing map entries become null.
 */
export class ValueToKey<R extends ConnectRecord = ConnectRecord> implements Transformation<R> {
  static readonly CONFIG_DEF = CONFIG_DEF;
  #fields: string[] = [];
  #replaceNullWithDefault = true;
  #cache = new SchemaCache();

  configure(config: RawConfig): void {
    const c = parseConfig(CONFIG_DEF, config);
    this.#fields = c[FIELDS_CONFIG] as string[];
    this.#replaceNullWithDefault = c[REPLACE_NULL_WITH_DEFAULT_CONFIG] as boolean;
    this.#cache.clear();
  }

  apply(record: R): R {
    if (!record.valueSchema) {
      const value = requireMap(record.value, PURPOSE);
      const key: Record<string, unknown> = {};
      for (const f of this.#fields) key[f] = mapGet(value, f);
      return record.newRecord({ keySchema: null, key });
    }
    const value = requireStruct(record.value, PURPOSE);
    const keySchema = this.#cache.get(value.schema, (s) => {
      const b = SchemaBuilder.struct();
      for (const f of this.#fields) {
        const field = s.field(f);
        if (!field) throw new DataException(`Field does not exist: ${f}`, { path: f });
        b.field(f, field.schema);
      }
      return b.build();
    });
    const key = new Struct(keySchema);
    for (const f of this.#fields) key.put(f, fieldValue(value, f, this.#replaceNullWithDefault));
    return record.newRecord({ keySchema, key });
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {
    this.#cache.clear();
  }
}
