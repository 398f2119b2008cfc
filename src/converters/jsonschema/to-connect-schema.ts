/**
 * JSON Schema (everit nodes) → Connect schema, as Confluent's JsonSchemaData.toConnectSchema reads it: the
 * `connect.*` annotations when present (int8 … float64, bytes, maps, field order, versions, parameters), else
 * plain JSON Schema (integer → int64, number → float64, object with properties → struct, oneOf → union struct,
 * enum → string with enum parameters, allOf merged).
 */
import { BigDecimal, DataException, Schema, SchemaBuilder } from '../../data/index.js';
import { rethrowAt } from '../json/codec-shared.js';
import { javaBigDecimalToString } from '../json/java-format.js';
import { JsonNumberText, type JsonValue } from '../json/json-text.js';
import { hashMapOrder } from './java-hash-order.js';
import {
  CONNECT_INDEX, CONNECT_PARAMETERS, CONNECT_TYPE, CONNECT_TYPE_BYTES, CONNECT_TYPE_MAP, CONNECT_VERSION, DEFAULT_ID_PREFIX,
  GENERALIZED_TYPE_ENUM, GENERALIZED_TYPE_UNION, GENERALIZED_TYPE_UNION_FIELD_PREFIX, GENERALIZED_TYPE_UNION_PREFIX,
  JSON_ID_PROP, JSON_TYPE_ENUM, JSON_TYPE_ONE_OF, KEY_FIELD, NULL_MARKER, VALUE_FIELD,
} from './keywords.js';
import { JNumber, isOObject, type OJson } from './ordered-json.js';
import { nodeClassName, type NodeOf, type SchemaNode } from './schema-node.js';
import { toConnectData } from './to-connect-data.js';

export interface SchemaReadOptions {
  readonly useOptionalForNonRequired: boolean;
  readonly generalizedSumTypeSupport: boolean;
  readonly flattenSingletonUnions: boolean;
}

/** The Connect schema of a JSON Schema; `version` (the registry's) applies to the top level unless it has `connect.version`. */
export function toConnectSchema(root: SchemaNode, version: number | undefined, opts: SchemaReadOptions): Schema {
  return new ToConnect(opts).convert(root, version, false);
}

const NUMBER_TYPES: Record<string, () => SchemaBuilder> = {
  int8: SchemaBuilder.int8, int16: SchemaBuilder.int16, int32: SchemaBuilder.int32, int64: SchemaBuilder.int64,
  float32: SchemaBuilder.float32, float64: SchemaBuilder.float64, [CONNECT_TYPE_BYTES]: SchemaBuilder.bytes,
};

function integerOf(v: OJson | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  if (v instanceof JNumber && v.integral) {
    const n = Number(v.text);
    if (Number.isSafeInteger(n) && n >= -2147483648 && n <= 2147483647) return n;
  }
  throw new DataException(`${what} must be an integer, but is ${v instanceof JNumber ? v.text : JSON.stringify(v)}`);
}

/** A JSON value from a schema document as the payload reader sees one (for defaults). */
function asJsonValue(v: OJson): JsonValue {
  if (v instanceof JNumber) {
    if (!v.integral) return new JsonNumberText(v.text);
    const b = BigInt(v.text);
    return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
  }
  if (Array.isArray(v)) return v.map(asJsonValue);
  if (isOObject(v)) {
    const out: { [k: string]: JsonValue } = {};
    for (const [k, x] of v) Object.defineProperty(out, k, { value: asJsonValue(x), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return v;
}

/** An enum value as Java's `toString()` prints it. */
function enumSymbol(v: OJson): string {
  if (v === null) return NULL_MARKER;
  if (typeof v === 'string') return v;
  if (v instanceof JNumber) return v.integral ? BigInt(v.text).toString() : javaBigDecimalToString(BigDecimal.parse(v.text));
  return typeof v === 'boolean' ? String(v) : JSON.stringify(asJsonValue(v), (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x));
}

class ToConnect {
  #idIndex = 0;
  #unionIndex = 0;
  /** Struct nodes (objects, allOf with properties) being converted: a `$ref` to one is a recursive schema. */
  readonly #building = new Set<SchemaNode>();
  /** Struct nodes already converted: a later `$ref` to one reuses it, marked with an id as Confluent does. */
  readonly #built = new Map<SchemaNode, Schema>();
  /** `$ref` targets being converted, to refuse cycles through arrays and maps. */
  readonly #following = new Set<SchemaNode>();

  constructor(readonly opts: SchemaReadOptions) {}

  convert(node: SchemaNode, version: number | undefined, forceOptional: boolean): Schema {
    const early = this.#early(node, version, forceOptional);
    if (early) return early;
    const tracked = node.kind === 'object' && node.unprocessed.get(CONNECT_TYPE) !== CONNECT_TYPE_MAP;
    if (tracked) this.#building.add(node);
    try {
      const { builder, named } = this.#builder(node);
      const schema = this.#finish(node, builder, named, version, forceOptional);
      if (tracked) this.#built.set(node, schema);
      return schema;
    } finally {
      if (tracked) this.#building.delete(node);
    }
  }

  /** The kinds that answer with another node's schema (refs, nullable oneOfs, allOf, singletons). */
  #early(node: SchemaNode, version: number | undefined, forceOptional: boolean): Schema | undefined {
    if (node.kind === 'ref') return this.#ref(node, version, forceOptional);
    if (node.kind !== 'combined') return undefined;
    const subs = node.subschemas;
    if (subs.length === 1 && this.opts.flattenSingletonUnions) return this.convert(subs[0]!, undefined, false);
    if (node.criterion === 'allOf') return this.#allOf(node, version, forceOptional);
    const name = this.opts.generalizedSumTypeSupport ? `${GENERALIZED_TYPE_UNION_PREFIX}${this.#unionIndex++}` : JSON_TYPE_ONE_OF;
    if (subs.length === 2) {
      const nullAt = subs.findIndex((s) => s.kind === 'null');
      if (nullAt >= 0) return this.convert(subs[1 - nullAt]!, version, true);
    }
    const b = SchemaBuilder.struct().name(name);
    if (this.opts.generalizedSumTypeSupport) b.parameter(GENERALIZED_TYPE_UNION, name);
    let index = 0;
    for (const sub of subs) {
      if (sub.kind === 'null') {
        b.optional();
        continue;
      }
      const field = this.opts.generalizedSumTypeSupport ? `${GENERALIZED_TYPE_UNION_FIELD_PREFIX}${index}` : `${name}.field.${index}`;
      b.field(field, this.#at(field, () => this.convert(sub, undefined, true)));
      index++;
    }
    return this.#finish(node, b, true, version, forceOptional);
  }

  #builder(node: SchemaNode): { builder: SchemaBuilder; named: boolean } {
    switch (node.kind) {
      case 'boolean':
        return { builder: SchemaBuilder.bool(), named: false };
      case 'number': {
        const type = node.unprocessed.get(CONNECT_TYPE);
        if (type === undefined) return { builder: node.requiresInteger ? SchemaBuilder.int64() : SchemaBuilder.float64(), named: false };
        const make = typeof type === 'string' ? NUMBER_TYPES[type] : undefined;
        if (!make) throw new DataException(`Unsupported type ${typeof type === 'string' ? type : JSON.stringify(asJsonValue(type))}`);
        return { builder: make(), named: false };
      }
      case 'string':
        return { builder: node.unprocessed.get(CONNECT_TYPE) === CONNECT_TYPE_BYTES ? SchemaBuilder.bytes() : SchemaBuilder.string(), named: false };
      case 'const':
        return { builder: this.#enum([node.value]), named: false };
      case 'enum':
        return { builder: this.#enum(node.values), named: false };
      case 'array':
        return { builder: this.#array(node), named: false };
      case 'object':
        return { builder: this.#object(node), named: false };
      case 'empty':
        throw new DataException('Unsupported schema type EmptySchema ({} or true): Confluent reads it as a Variant, which Sluice does not support');
      default:
        throw new DataException(`Unsupported schema type ${nodeClassName(node)}`);
    }
  }

  #enum(values: readonly OJson[]): SchemaBuilder {
    const generalized = this.opts.generalizedSumTypeSupport;
    const param = generalized ? GENERALIZED_TYPE_ENUM : JSON_TYPE_ENUM;
    const b = SchemaBuilder.string().parameter(param, '');
    values.forEach((v, i) => {
      const symbol = enumSymbol(v);
      b.parameter(`${param}.${symbol}`, generalized ? String(i) : symbol);
    });
    return b;
  }

  #array(node: NodeOf<'array'>): SchemaBuilder {
    const items = node.items;
    if (!items) throw new DataException('Array schema did not specify the items type');
    if (node.unprocessed.get(CONNECT_TYPE) === CONNECT_TYPE_MAP && items.kind === 'object') {
      const entry = (name: string) => {
        const s = items.properties.get(name);
        if (!s) throw new DataException(`Map schema written as an array has no "${name}" property in its items`);
        return this.#at(name, () => this.convert(s, undefined, false));
      };
      return SchemaBuilder.map(entry(KEY_FIELD), entry(VALUE_FIELD));
    }
    return SchemaBuilder.array(this.#at('items', () => this.convert(items, undefined, false)));
  }

  #object(node: NodeOf<'object'>): SchemaBuilder {
    if (node.unprocessed.get(CONNECT_TYPE) === CONNECT_TYPE_MAP) {
      const values = node.additionalSchema;
      if (!values) throw new DataException('Map schema (connect.type map) has no additionalProperties schema for its values');
      return SchemaBuilder.map(Schema.STRING, this.#at('additionalProperties', () => this.convert(values, undefined, false)));
    }
    // everit holds the properties in a HashMap; connect.index restores the Connect field order
    const byIndex = new Map<number, string>();
    for (const name of hashMapOrder([...node.properties.keys()])) {
      const index = integerOf(node.properties.get(name)!.unprocessed.get(CONNECT_INDEX), `${CONNECT_INDEX} of property ${name}`) ?? byIndex.size;
      const clash = byIndex.get(index);
      if (clash !== undefined) {
        throw new DataException(`JSON Schema properties ${clash} and ${name} both take field position ${index} (${CONNECT_INDEX})`);
      }
      byIndex.set(index, name);
    }
    const b = SchemaBuilder.struct();
    for (const index of [...byIndex.keys()].sort((x, y) => x - y)) {
      const name = byIndex.get(index)!;
      const optional = this.opts.useOptionalForNonRequired && !node.required.includes(name);
      b.field(name, this.#at(name, () => this.convert(node.properties.get(name)!, undefined, optional)));
    }
    return b;
  }

  /** title, connect.version (else the registry's version), description, connect.parameters, default, optional. */
  #finish(node: SchemaNode, b: SchemaBuilder, named: boolean, version: number | undefined, forceOptional: boolean): Schema {
    if (node.title !== undefined && !named) b.name(node.title);
    const connectVersion = integerOf(node.unprocessed.get(CONNECT_VERSION), CONNECT_VERSION);
    if (connectVersion !== undefined) b.version(connectVersion);
    else if (version !== undefined) b.version(version);
    if (node.description !== undefined) b.doc(node.description);
    const params = node.unprocessed.get(CONNECT_PARAMETERS);
    if (params !== undefined) {
      if (!isOObject(params)) throw new DataException(`${CONNECT_PARAMETERS} must be an object`);
      for (const [k, v] of params) {
        if (typeof v !== 'string') throw new DataException(`${CONNECT_PARAMETERS} values must be strings, but ${k} is not`);
        b.parameter(k, v);
      }
    }
    // A null default means none; a struct cannot hold a default of its own schema in Connect's model.
    if (node.defaultValue !== undefined && node.defaultValue !== null && b.type !== 'STRUCT') {
      try {
        const value = toConnectData(b.build(), asJsonValue(node.defaultValue));
        if (value !== null) b.defaultValue(value);
      } catch (e) {
        throw new DataException(`Invalid default value: ${(e as Error).message}`, {}, { cause: e });
      }
    }
    if (forceOptional) b.optional();
    return b.build();
  }

  #ref(node: NodeOf<'ref'>, version: number | undefined, forceOptional: boolean): Schema {
    const target = node.target();
    if (this.#building.has(target)) {
      throw new DataException(`recursive JSON Schema ($ref ${node.ref}) cannot be represented as a Connect schema`);
    }
    const done = this.#built.get(target);
    if (done) {
      // Confluent hands out the first schema again, marked with a generated id
      const b = SchemaBuilder.from(done).parameter(JSON_ID_PROP, `${DEFAULT_ID_PREFIX}${++this.#idIndex}`);
      return (forceOptional ? b.optional() : b.required()).build();
    }
    if (this.#following.has(target)) {
      throw new DataException(`recursive JSON Schema ($ref ${node.ref}) cannot be represented as a Connect schema`);
    }
    this.#following.add(target);
    try {
      return this.convert(target, version, forceOptional);
    } finally {
      this.#following.delete(target);
    }
  }

  /** JsonSchemaData.allOfToConnectSchema: merged properties make a struct, else the one subschema that carries the type. */
  #allOf(node: NodeOf<'combined'>, version: number | undefined, forceOptional: boolean): Schema {
    const last: Partial<Record<SchemaNode['kind'], SchemaNode>> = {};
    const properties = new Map<string, SchemaNode>();
    const required = new Map<string, boolean>();
    const visited = new Set<SchemaNode>();
    const collect = (s: SchemaNode): void => {
      if (visited.has(s)) return;
      visited.add(s);
      if (s.kind === 'combined' && s.criterion === 'allOf') s.subschemas.forEach(collect);
      else if (s.kind === 'ref') collect(s.target());
      else if (s.kind === 'object') {
        for (const name of hashMapOrder([...s.properties.keys()])) {
          properties.set(name, s.properties.get(name)!);
          required.set(name, s.required.includes(name));
        }
      }
    };
    for (const s of node.subschemas) {
      last[s.kind] = s;
      collect(s);
    }
    if (properties.size > 0) {
      this.#building.add(node);
      try {
        const b = SchemaBuilder.struct();
        for (const [name, s] of properties) {
          const optional = this.opts.useOptionalForNonRequired && !required.get(name);
          b.field(name, this.#at(name, () => this.convert(s, undefined, optional)));
        }
        if (forceOptional) b.optional();
        const schema = b.build();
        this.#built.set(node, schema);
        return schema;
      } finally {
        this.#building.delete(node);
      }
    }
    const { combined, const: constant, enum: enumeration, number, string, ref } = last;
    const pick = (s: SchemaNode) => this.convert(s, version, forceOptional);
    if (combined) return pick(combined);
    if (constant) {
      if (string) return pick(string);
      if (number) return pick(number);
    } else if (enumeration) {
      if (string) return pick(enumeration);
      if (number) return pick(number);
    } else if (string) {
      return pick(number ?? string);
    } else if (ref && ref.kind === 'ref') {
      return this.#ref(ref, version, forceOptional);
    }
    throw new DataException(`Unsupported criterion allOf for a combination of ${node.subschemas.map(nodeClassName).join(', ')}`);
  }

  /** Runs a conversion, naming `segment` in the path of any DataException it throws. */
  #at<T>(segment: string, op: () => T): T {
    try {
      return op();
    } catch (e) {
      return rethrowAt(e, segment);
    }
  }
}
