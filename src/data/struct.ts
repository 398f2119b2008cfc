import { DataException } from './errors.js';
import type { Field, Schema } from './schema.js';
import { schemaEquals, valueEquals } from './equality.js';
import { validateValue } from './validate.js';

/** A structured value with a STRUCT schema; field values are validated as they are put. */
export class Struct {
  readonly schema: Schema;
  readonly #values: unknown[];
  /** Set only for the duration of one `ofCheckedValues` construction. */
  static #adopting: unknown[] | undefined;

  constructor(schema: Schema) {
    const adopted = Struct.#adopting;
    Struct.#adopting = undefined;
    if (schema.type !== 'STRUCT') throw new DataException(`not a struct schema: ${schema}`);
    this.schema = schema;
    this.#values = adopted ?? new Array<unknown>(schema.fields.length).fill(null);
  }

  /**
   * A Struct holding `values` (one per field, in schema order, null for none) that the caller has already checked
   * against `schema`, as a converter's schema-driven reader does value by value: `put` would validate each again
   * (a fifth of reading a small record). The array is taken over, not copied. Anything not built that way uses
   * `put`.
   */
  static ofCheckedValues(schema: Schema, values: unknown[]): Struct {
    if (values.length !== schema.fields.length) {
      throw new DataException(`${values.length} values for the ${schema.fields.length} fields of ${schema}`);
    }
    Struct.#adopting = values;
    return new Struct(schema);
  }

  #lookup(field: string | Field): Field {
    if (typeof field !== 'string') {
      if (this.schema.fields[field.index] !== field) {
        const byName = this.schema.field(field.name);
        if (!byName) throw new DataException(`${field.name} is not a valid field name`, { path: field.name });
        return byName;
      }
      return field;
    }
    const f = this.schema.field(field);
    if (!f) throw new DataException(`${field} is not a valid field name`, { path: field });
    return f;
  }

  /** Sets a field, validating the value against the field's schema. Returns this for chaining. */
  put(field: string | Field, value: unknown): this {
    const f = this.#lookup(field);
    validateValue(f.schema, value, f.name);
    this.#values[f.index] = value ?? null;
    return this;
  }

  /** The field's value, or its schema default when the stored value is null. */
  get(field: string | Field): unknown {
    const f = this.#lookup(field);
    const v = this.#values[f.index];
    return v === null ? (f.schema.defaultValue ?? null) : v;
  }

  /** The stored value, without substituting the default. */
  getWithoutDefault(field: string | Field): unknown {
    return this.#values[this.#lookup(field).index];
  }

  /** Checks every required field has a value (or a default). Throws naming the first missing field. */
  validate(): this {
    for (const f of this.schema.fields) {
      validateValue(f.schema, this.get(f), f.name);
    }
    return this;
  }

  equals(other: unknown): boolean {
    if (!(other instanceof Struct)) return false;
    if (other.schema !== this.schema && !schemaEquals(other.schema, this.schema)) return false;
    for (let i = 0; i < this.#values.length; i++) {
      if (!valueEquals(this.#values[i], other.#values[i])) return false;
    }
    return true;
  }

  /** Field values in schema order, as stored. */
  values(): readonly unknown[] {
    return this.#values;
  }

  toString(): string {
    return `Struct{${this.schema.fields
      .filter((f) => this.#values[f.index] !== null)
      .map((f) => `${f.name}=${String(this.#values[f.index])}`)
      .join(',')}}`;
  }
}
