import { DataException, SchemaBuilder, Struct, type ConnectRecord, type Schema } from '../data/index.js';
import { ConfigDef, type RawConfig } from './transformation.js';
import { SidedTransformation, type Side } from './sided-transformation.js';
import { className, requireMap, requireStructOrNull, requireStructSchema } from './requirements.js';
import { copySchemaBasics } from './schema-util.js';
import { mapEntries, type SchemalessMap } from './schemaless-map.js';
import { inferSchemaType } from './java-values.js';

export const DELIMITER_CONFIG = 'delimiter';
const PURPOSE = 'flattening';

const CONFIG_DEF = new ConfigDef().define({
  name: DELIMITER_CONFIG,
  type: 'STRING',
  defaultValue: '.',
  importance: 'MEDIUM',
  documentation: 'Delimiter to insert between field names from the input record when generating field names for the output record',
});

/**
 * `org.apache.kafka.connect.transforms.Flatten$Key` / `$Value`: nested structs (with a schema) or nested maps
 * (schemaless) become top-level fields named `parent<delimiter>child`. Arrays are left as they are; with a
 * schema, maps are left as they are too. A parent's optionality and struct default flow down to its children.
 */
export class Flatten<R extends ConnectRecord = ConnectRecord> extends SidedTransformation<R> {
  static readonly CONFIG_DEF = CONFIG_DEF;
  #delimiter = '.';

  constructor(side: Side) {
    super(side, CONFIG_DEF);
  }

  configure(config: RawConfig): void {
    // As in Kafka, STRING configs are trimmed: a delimiter of spaces becomes the empty string.
    this.#delimiter = this.parse(config)[DELIMITER_CONFIG] as string;
  }

  apply(record: R): R {
    const value = this.operatingValue(record);
    if (value === null || value === undefined) return record;
    const schema = this.operatingSchema(record);
    if (!schema) {
      const out: Record<string, unknown> = {};
      this.#flattenMap(requireMap(value, PURPOSE), '', out);
      return this.newRecord(record, null, value instanceof Map ? new Map(Object.entries(out)) : out);
    }
    const struct = requireStructOrNull(value, PURPOSE);
    const updatedSchema = this.schemaCache.get(schema, (s) => this.#buildSchema(s));
    if (!struct) return this.newRecord(record, updatedSchema, null);
    const updated = new Struct(updatedSchema);
    this.#flattenStruct(struct, '', updated);
    return this.newRecord(record, updatedSchema, updated);
  }

  #name(prefix: string, name: string): string {
    return prefix === '' ? name : prefix + this.#delimiter + name;
  }

  #flattenMap(map: SchemalessMap, prefix: string, out: Record<string, unknown>): void {
    for (const [key, v] of mapEntries(map)) {
      if (typeof key !== 'string') {
        throw new DataException(`Flatten transformation requires string map keys, found ${className(key)}`, { path: prefix });
      }
      const name = this.#name(prefix, key);
      if (v === null || v === undefined) {
        out[name] = null;
        continue;
      }
      const type = inferSchemaType(v);
      if (type === null) {
        throw new DataException(
          `Flatten transformation was passed a value of type ${className(v)} which is not supported by Connect's data API`, { path: name });
      }
      if (type === 'MAP') {
        this.#flattenMap(v as SchemalessMap, name, out);
      } else if (type === 'STRUCT') {
        throw new DataException(`Flatten transformation does not support ${className(v)} for record without schemas (for field ${name}).`, { path: name });
      } else {
        out[name] = v;
      }
    }
  }

  #buildSchema(schema: Schema): Schema {
    const builder = copySchemaBasics(requireStructSchema(schema, PURPOSE), SchemaBuilder.struct());
    this.#addFields(schema, '', builder, schema.optional, (schema.defaultValue as Struct | null) ?? null);
    if (schema.optional) builder.optional();
    return builder.build();
  }

  #addFields(schema: Schema, prefix: string, builder: SchemaBuilder, optional: boolean, parentDefault: Struct | null): void {
    for (const field of schema.fields) {
      const name = this.#name(prefix, field.name);
      const fieldOptional = optional || field.schema.optional;
      let fieldDefault: unknown = null;
      if (field.schema.defaultValue !== null && field.schema.defaultValue !== undefined) fieldDefault = field.schema.defaultValue;
      else if (parentDefault) fieldDefault = parentDefault.get(field);
      if (field.schema.type === 'STRUCT') {
        this.#addFields(field.schema, name, builder, fieldOptional, (fieldDefault as Struct | null) ?? null);
        continue;
      }
      const inherits = fieldDefault !== null && (field.schema.defaultValue === null || field.schema.defaultValue === undefined);
      let fieldSchema = field.schema;
      if (inherits || (fieldOptional && !field.schema.optional)) {
        const fb = SchemaBuilder.from(field.schema);
        if (fieldOptional) fb.optional();
        if (inherits) fb.defaultValue(fieldDefault);
        fieldSchema = fb.build();
      }
      try {
        builder.field(name, fieldSchema);
      } catch (e) {
        throw new DataException(`Flatten produced the field name '${name}' twice: ${(e as Error).message}`, { path: name }, { cause: e });
      }
    }
  }

  #flattenStruct(struct: Struct, prefix: string, out: Struct): void {
    for (const field of struct.schema.fields) {
      const name = this.#name(prefix, field.name);
      if (field.schema.type === 'STRUCT') {
        const nested = struct.get(field) as Struct | null;
        if (nested) this.#flattenStruct(nested, name, out);
      } else {
        out.put(name, struct.get(field));
      }
    }
  }
}
