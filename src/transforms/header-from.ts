import { DataException, SchemaBuilder, Struct, type ConnectRecord, type Schema } from '../data/index.js';
import { ConfigDef, ConfigException, defineReplaceNullWithDefault, type RawConfig } from './transformation.js';
import { SidedTransformation, type Side } from './sided-transformation.js';
import { requireMap, requireStruct } from './requirements.js';
import { copySchemaBasics, fieldValue, restruct } from './schema-util.js';
import { mapCopy, mapGet, mapRemove } from './schemaless-map.js';
import { Validators } from '../connectors/api/config-def.js';

export const FIELDS_FIELD = 'fields';
export const HEADERS_FIELD = 'headers';
export const OPERATION_FIELD = 'operation';

const CONFIG_DEF = defineReplaceNullWithDefault(
  new ConfigDef()
    .define({
      name: FIELDS_FIELD, type: 'LIST', validator: Validators.list(undefined, false), importance: 'HIGH',
      documentation: 'Field names in the record whose values are to be copied or moved to headers.',
    })
    .define({
      name: HEADERS_FIELD, type: 'LIST', validator: Validators.list(undefined, false), importance: 'HIGH',
      documentation: 'Header names, in the same order as the field names listed in the fields configuration property.',
    })
    .define({
      name: OPERATION_FIELD, type: 'STRING', validator: Validators.in('move', 'copy'), importance: 'HIGH',
      documentation: 'Either <code>move</code> if the fields are to be moved to the headers (removed from the key/value), ' +
        'or <code>copy</code> if the fields are to be copied to the headers (retained in the key/value).',
    }),
);

/**
 * `org.apache.kafka.connect.transforms.HeaderFrom$Key` / `$Value`: copies (or moves) field i of the key/value into
 * header i, with the field's schema.
 */
export class HeaderFrom<R extends ConnectRecord = ConnectRecord> extends SidedTransformation<R> {
  static readonly CONFIG_DEF = CONFIG_DEF;
  #fields: string[] = [];
  #headers: string[] = [];
  #move = false;

  constructor(side: Side) {
    super(side, CONFIG_DEF);
  }

  configure(config: RawConfig): void {
    const c = this.parse(config);
    this.#fields = c[FIELDS_FIELD] as string[];
    this.#headers = c[HEADERS_FIELD] as string[];
    if (this.#fields.length !== this.#headers.length) {
      throw new ConfigException(undefined, undefined, `'${FIELDS_FIELD}' config must have the same number of elements as '${HEADERS_FIELD}' config.`);
    }
    this.#move = c[OPERATION_FIELD] === 'move';
  }

  apply(record: R): R {
    const value = this.operatingValue(record);
    const schema = this.operatingSchema(record);
    const headers = record.headers.duplicate();
    const purpose = `header ${this.#move ? 'move' : 'copy'}`;
    if (!schema) {
      const map = requireMap(value, purpose);
      const updated = mapCopy(map);
      this.#fields.forEach((f, i) => {
        if (this.#move) mapRemove(updated, f);
        headers.add(this.#headers[i]!, mapGet(map, f), null);
      });
      return this.newRecord(record, null, updated, headers);
    }
    const struct = requireStruct(value, purpose);
    let updatedSchema: Schema = schema;
    let updated: Struct = struct;
    if (this.#move) {
      updatedSchema = this.schemaCache.get(struct.schema, (s) => {
        const b = copySchemaBasics(s, SchemaBuilder.struct());
        if (s.optional) b.optional();
        for (const f of s.fields) if (!this.#fields.includes(f.name)) b.field(f.name, f.schema);
        return b.build();
      });
      updated = restruct(struct, updatedSchema, this.replaceNullWithDefault);
    }
    this.#fields.forEach((name, i) => {
      const field = struct.schema.field(name);
      if (!field) throw new DataException(`Field '${name}' does not exist in the ${this.side} schema ${struct.schema}`, { path: name });
      headers.add(this.#headers[i]!, fieldValue(struct, field, this.replaceNullWithDefault), field.schema);
    });
    return this.newRecord(record, updatedSchema, updated, headers);
  }
}
