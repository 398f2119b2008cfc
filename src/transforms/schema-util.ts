/**
 * Deriving schemas and structs from the ones a record carries (Kafka's `transforms.util.SchemaUtil` and
 * `SchemaUpdateCache`), and reading struct fields as `replace.null.with.default` (KIP-1040) asks.
 */
import { Struct, type Field, type Schema, type SchemaBuilder } from '../data/index.js';

/**
 * Kafka's `SchemaUtil.copySchemaBasics`: the name, version, doc and parameters of `source` onto `builder`
 * (not its optionality, default or fields).
 */
export function copySchemaBasics(source: Schema, builder: SchemaBuilder): SchemaBuilder {
  if (source.name !== undefined) builder.name(source.name);
  if (source.version !== undefined) builder.version(source.version);
  if (source.doc !== undefined) builder.doc(source.doc);
  if (source.parameters) builder.parameters(source.parameters);
  return builder;
}

/** A field of `struct`; with `replaceNullWithDefault` false a null field stays null instead of its default. */
export function fieldValue(struct: Struct, field: Field | string, replaceNullWithDefault: boolean): unknown {
  return replaceNullWithDefault ? struct.get(field) : struct.getWithoutDefault(field);
}

/** A Struct of `schema` whose every field holds the same-named field of `from`. */
export function restruct(from: Struct, schema: Schema, replaceNullWithDefault: boolean): Struct {
  const out = new Struct(schema);
  for (const f of schema.fields) out.put(f.name, fieldValue(from, f.name, replaceNullWithDefault));
  return out;
}

/**
 * Derived schemas keyed by the input schema object (schemas are immutable): built once per input schema,
 * not per record, and released with the input schema.
 */
export class SchemaCache {
  #map = new WeakMap<Schema, Schema>();
  get(input: Schema, build: (input: Schema) => Schema): Schema {
    let out = this.#map.get(input);
    if (out === undefined) {
      out = build(input);
      this.#map.set(input, out);
    }
    return out;
  }
  clear(): void {
    this.#map = new WeakMap();
  }
}
