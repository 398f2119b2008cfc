import { SchemaException } from './errors.js';
import { Schema, type SchemaType } from './schema.js';
import { validateValue } from './validate.js';

/** Fluent builder for `Schema`, mirroring Kafka Connect's `SchemaBuilder`. */
export class SchemaBuilder {
  readonly #type: SchemaType;
  #optional = false;
  #defaultValue: unknown = null;
  #hasDefault = false;
  #name: string | undefined;
  #version: number | undefined;
  #doc: string | undefined;
  #parameters: Map<string, string> | undefined;
  #keySchema: Schema | undefined;
  #valueSchema: Schema | undefined;
  #fields: { name: string; schema: Schema }[] = [];

  constructor(type: SchemaType) {
    this.#type = type;
  }

  static int8(): SchemaBuilder { return new SchemaBuilder('INT8'); }
  static int16(): SchemaBuilder { return new SchemaBuilder('INT16'); }
  static int32(): SchemaBuilder { return new SchemaBuilder('INT32'); }
  static int64(): SchemaBuilder { return new SchemaBuilder('INT64'); }
  static float32(): SchemaBuilder { return new SchemaBuilder('FLOAT32'); }
  static float64(): SchemaBuilder { return new SchemaBuilder('FLOAT64'); }
  static bool(): SchemaBuilder { return new SchemaBuilder('BOOLEAN'); }
  static string(): SchemaBuilder { return new SchemaBuilder('STRING'); }
  static bytes(): SchemaBuilder { return new SchemaBuilder('BYTES'); }
  static struct(): SchemaBuilder { return new SchemaBuilder('STRUCT'); }
  static array(valueSchema: Schema): SchemaBuilder {
    const b = new SchemaBuilder('ARRAY');
    b.#valueSchema = valueSchema;
    return b;
  }
  static map(keySchema: Schema, valueSchema: Schema): SchemaBuilder {
    const b = new SchemaBuilder('MAP');
    b.#keySchema = keySchema;
    b.#valueSchema = valueSchema;
    return b;
  }
  static type(type: SchemaType): SchemaBuilder { return new SchemaBuilder(type); }

  /** A builder holding everything `schema` has (Connect's `SchemaUtil.copySchemaBasics` plus the rest). */
  static from(schema: Schema): SchemaBuilder {
    const b = new SchemaBuilder(schema.type);
    b.#optional = schema.optional;
    if (schema.defaultValue !== null && schema.defaultValue !== undefined) {
      b.#defaultValue = schema.defaultValue;
      b.#hasDefault = true;
    }
    b.#name = schema.name;
    b.#version = schema.version;
    b.#doc = schema.doc;
    b.#parameters = schema.parameters ? new Map(schema.parameters) : undefined;
    b.#keySchema = schema.keySchema;
    b.#valueSchema = schema.valueSchema;
    b.#fields = schema.fields.map((f) => ({ name: f.name, schema: f.schema }));
    return b;
  }

  get type(): SchemaType { return this.#type; }

  optional(): this { this.#optional = true; return this; }
  required(): this { this.#optional = false; return this; }
  name(name: string): this { this.#checkUnset('name', this.#name, name); this.#name = name; return this; }
  version(version: number): this {
    if (!Number.isInteger(version)) throw new SchemaException(`schema version must be an integer, got ${version}`);
    this.#checkUnset('version', this.#version, version);
    this.#version = version;
    return this;
  }
  doc(doc: string): this { this.#checkUnset('doc', this.#doc, doc); this.#doc = doc; return this; }
  parameter(key: string, value: string): this {
    (this.#parameters ??= new Map()).set(key, value);
    return this;
  }
  parameters(params: ReadonlyMap<string, string> | Record<string, string>): this {
    const entries = params instanceof Map ? params.entries() : Object.entries(params);
    for (const [k, v] of entries) this.parameter(k, v);
    return this;
  }
  defaultValue(value: unknown): this {
    if (this.#hasDefault) throw new SchemaException('default value has already been set');
    this.#defaultValue = value;
    this.#hasDefault = value !== null && value !== undefined;
    return this;
  }
  field(name: string, schema: Schema | SchemaBuilder): this {
    if (this.#type !== 'STRUCT') throw new SchemaException(`cannot add field '${name}' to a ${this.#type} schema`);
    if (!name) throw new SchemaException('field name cannot be empty');
    if (this.#fields.some((f) => f.name === name)) throw new SchemaException(`cannot create field because of field name duplication: ${name}`, { path: name });
    this.#fields.push({ name, schema: schema instanceof SchemaBuilder ? schema.build() : schema });
    return this;
  }

  build(): Schema {
    const schema = new Schema({
      type: this.#type,
      optional: this.#optional,
      name: this.#name,
      version: this.#version,
      doc: this.#doc,
      parameters: this.#parameters,
      keySchema: this.#keySchema,
      valueSchema: this.#valueSchema,
      fields: this.#type === 'STRUCT' ? this.#fields : undefined,
      defaultValue: this.#hasDefault ? this.#defaultValue : null,
    });
    if (this.#hasDefault) {
      try {
        validateValue(schema, this.#defaultValue);
      } catch (e) {
        throw new SchemaException(`invalid default value: ${(e as Error).message}`, {}, { cause: e });
      }
    }
    return schema;
  }

  #checkUnset(what: string, current: unknown, next: unknown): void {
    if (current !== undefined && current !== next) {
      throw new SchemaException(`schema ${what} has already been set (${String(current)})`);
    }
  }
}
