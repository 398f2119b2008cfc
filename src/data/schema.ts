import { SchemaException } from './errors.js';

/** Kafka Connect's schema types (`Schema.Type`). */
export const SCHEMA_TYPES = [
  'INT8', 'INT16', 'INT32', 'INT64', 'FLOAT32', 'FLOAT64', 'BOOLEAN', 'STRING', 'BYTES', 'ARRAY', 'MAP', 'STRUCT',
] as const;
export type SchemaType = (typeof SCHEMA_TYPES)[number];
export type PrimitiveType = Exclude<SchemaType, 'ARRAY' | 'MAP' | 'STRUCT'>;

export function isPrimitive(type: SchemaType): type is PrimitiveType {
  return type !== 'ARRAY' && type !== 'MAP' && type !== 'STRUCT';
}

export interface Field {
  readonly name: string;
  readonly index: number;
  readonly schema: Schema;
}

/** Everything a schema is made of; `Schema` is the frozen, validated form. */
export interface SchemaDefinition {
  type: SchemaType;
  optional?: boolean;
  defaultValue?: unknown;
  name?: string;
  version?: number;
  doc?: string;
  parameters?: ReadonlyMap<string, string>;
  keySchema?: Schema;
  valueSchema?: Schema;
  fields?: readonly { name: string; schema: Schema }[];
}

/**
 * An immutable Connect schema. Build one with `SchemaBuilder`, or use the constants below.
 * Values by type: INT8/16/32, FLOAT32/64 → number; INT64 → number (safe integer) or bigint;
 * BOOLEAN → boolean; STRING → string; BYTES → Uint8Array; ARRAY → unknown[];
 * MAP → Map (a plain object is accepted for string keys); STRUCT → Struct.
 * Logical types: Decimal → BigDecimal; Date, Time, Timestamp → Date.
 */
export class Schema {
  readonly type: SchemaType;
  readonly optional: boolean;
  readonly defaultValue: unknown;
  readonly name: string | undefined;
  readonly version: number | undefined;
  readonly doc: string | undefined;
  readonly parameters: ReadonlyMap<string, string> | undefined;
  readonly keySchema: Schema | undefined;
  readonly valueSchema: Schema | undefined;
  readonly fields: readonly Field[];
  readonly #fieldsByName: ReadonlyMap<string, Field>;

  constructor(def: SchemaDefinition) {
    this.type = def.type;
    this.optional = def.optional ?? false;
    this.defaultValue = def.defaultValue ?? null;
    this.name = def.name;
    this.version = def.version;
    this.doc = def.doc;
    this.parameters = def.parameters && def.parameters.size > 0 ? new Map(def.parameters) : undefined;
    if (def.type === 'MAP') {
      if (!def.keySchema || !def.valueSchema) throw new SchemaException('MAP schema needs a key schema and a value schema');
      this.keySchema = def.keySchema;
      this.valueSchema = def.valueSchema;
    } else if (def.type === 'ARRAY') {
      if (!def.valueSchema) throw new SchemaException('ARRAY schema needs a value schema');
      this.valueSchema = def.valueSchema;
    } else if (def.keySchema || def.valueSchema) {
      throw new SchemaException(`${def.type} schema cannot have key or value schemas`);
    }
    if (def.type === 'STRUCT') {
      const byName = new Map<string, Field>();
      const fields: Field[] = [];
      for (const f of def.fields ?? []) {
        if (byName.has(f.name)) throw new SchemaException(`duplicate field '${f.name}' in struct schema`, { path: f.name });
        const field = Object.freeze({ name: f.name, index: fields.length, schema: f.schema });
        fields.push(field);
        byName.set(f.name, field);
      }
      this.fields = Object.freeze(fields);
      this.#fieldsByName = byName;
    } else {
      if (def.fields && def.fields.length) throw new SchemaException(`${def.type} schema cannot have fields`);
      this.fields = Object.freeze([]);
      this.#fieldsByName = new Map();
    }
    Object.freeze(this);
  }

  /** The struct field with this name, or undefined. */
  field(name: string): Field | undefined {
    return this.#fieldsByName.get(name);
  }

  /** A short human form: `struct com.acme.Order{id:int64,...}` — for error messages. */
  toString(): string {
    const n = this.name ? ` ${this.name}` : '';
    const o = this.optional ? '?' : '';
    switch (this.type) {
      case 'ARRAY':
        return `array${n}<${this.valueSchema}>${o}`;
      case 'MAP':
        return `map${n}<${this.keySchema},${this.valueSchema}>${o}`;
      case 'STRUCT':
        return `struct${n}{${this.fields.map((f) => `${f.name}:${f.schema}`).join(',')}}${o}`;
      default:
        return `${this.type.toLowerCase()}${n}${o}`;
    }
  }

  static readonly INT8 = new Schema({ type: 'INT8' });
  static readonly INT16 = new Schema({ type: 'INT16' });
  static readonly INT32 = new Schema({ type: 'INT32' });
  static readonly INT64 = new Schema({ type: 'INT64' });
  static readonly FLOAT32 = new Schema({ type: 'FLOAT32' });
  static readonly FLOAT64 = new Schema({ type: 'FLOAT64' });
  static readonly BOOLEAN = new Schema({ type: 'BOOLEAN' });
  static readonly STRING = new Schema({ type: 'STRING' });
  static readonly BYTES = new Schema({ type: 'BYTES' });
  static readonly OPTIONAL_INT8 = new Schema({ type: 'INT8', optional: true });
  static readonly OPTIONAL_INT16 = new Schema({ type: 'INT16', optional: true });
  static readonly OPTIONAL_INT32 = new Schema({ type: 'INT32', optional: true });
  static readonly OPTIONAL_INT64 = new Schema({ type: 'INT64', optional: true });
  static readonly OPTIONAL_FLOAT32 = new Schema({ type: 'FLOAT32', optional: true });
  static readonly OPTIONAL_FLOAT64 = new Schema({ type: 'FLOAT64', optional: true });
  static readonly OPTIONAL_BOOLEAN = new Schema({ type: 'BOOLEAN', optional: true });
  static readonly OPTIONAL_STRING = new Schema({ type: 'STRING', optional: true });
  static readonly OPTIONAL_BYTES = new Schema({ type: 'BYTES', optional: true });
}
