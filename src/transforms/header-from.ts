import { DataException, Headers, SchemaBuilder, Struct, type ConnectRecord, type Schema } from '../data/index.js';
import {
  ConfigDef,
  ConfigException,
  SchemaCache,
  defineReplaceNullWithDefault,
  fieldValue,
  mapCopy,
  mapGet,
  mapRemove,
  operatingSchema,
  operatingValue,
  parseConfig,
  requireMap,
  requireStruct,
  REPLACE_NULL_WITH_DEFAULT_CONFIG,
  type Side,
  type Transformation,
} from './transformation.js';
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
export class HeaderFrom<R extends ConnectRecord = ConnectRecord> implements Transformation<R> {
  static readonly CONFIG_DEF = CONFIG_DEF;
  readonly side: Side;
  #fields: string[] = [];
  #headers: string[] = [];
  #move = false;
  #replaceNullWithDefault = true;
  #cache = new SchemaCache();

  constructor(side: Side) {
    this.side = side;
  }

  configure(config: Readonly<Record<string, unknown>>): void {
    const c = parseConfig(CONFIG_DEF, config);
    this.#fields = c[FIELDS_FIELD] as string[];
    this.#headers = c[HEADERS_FIELD] as string[];
    if (this.#fields.length !== this.#headers.length) {
      throw new ConfigException(undefined, undefined, `'${FIELDS_FIELD}' config must have the same number of elements as '${HEADERS_FIELD}' config.`);
    }
    this.#move = c[OPERATION_FIELD] === 'move';
    this.#replaceNullWithDefault = c[REPLACE_NULL_WITH_DEFAULT_CONFIG] as boolean;
    this.#cache.clear();
  }

  apply(record: R): R {
    const value = operatingValue(record, this.side);
    const schema = operatingSchema(record, this.side);
    const headers = record.headers.duplicate();
    const purpose = `header ${this.#move ? 'move' : 'copy'}`;
    if (!schema) {
      const map = requireMap(value, purpose);
      const updated = mapCopy(map);
      this.#fields.forEach((f, i) => {
        if (this.#move) mapRemove(updated, f);
        headers.add(this.#headers[i]!, mapGet(map, f), null);
      });
      return this.#newRecord(record, null, updated, headers);
    }
    const struct = requireStruct(value, purpose);
    let updatedSchema: Schema = schema;
    let updated: Struct = struct;
    if (this.#move) {
      updatedSchema = this.#cache.get(struct.schema, (s) => {
        const b = SchemaBuilder.struct();
        if (s.name !== undefined) b.name(s.name);
        if (s.version !== undefined) b.version(s.version);
        if (s.doc !== undefined) b.doc(s.doc);
        if (s.parameters) b.parameters(s.parameters);
        if (s.optional) b.optional();
        for (const f of s.fields) if (!this.#fields.includes(f.name)) b.field(f.name, f.schema);
        return b.build();
      });
      updated = new Struct(updatedSchema);
      for (const f of updatedSchema.fields) updated.put(f.name, fieldValue(struct, f.name, this.#replaceNullWithDefault));
    }
    this.#fields.forEach((name, i) => {
      const field = struct.schema.field(name);
      if (!field) throw new DataException(`Field '${name}' does not exist in the ${this.side} schema ${struct.schema}`, { path: name });
      headers.add(this.#headers[i]!, fieldValue(struct, field, this.#replaceNullWithDefault), field.schema);
    });
    return this.#newRecord(record, updatedSchema, updated, headers);
  }

  #newRecord(record: R, schema: Schema | null, value: unknown, headers: Headers): R {
    return this.side === 'key'
      ? record.newRecord({ keySchema: schema, key: value, headers })
      : record.newRecord({ valueSchema: schema, value, headers });
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {
    this.#cache.clear();
  }
}
