/**
 * Reads Avro schema JSON the way Java Avro's `Schema.Parser` does in Confluent's `AvroSchema`: a schema registered as
 * new gets strict (ASCII) names and validated defaults, a stored one Unicode names and unchecked defaults. The
 * referenced schemas are parsed first into the same name space. Named types may be used before they are defined;
 * a name still unknown at the end is an error.
 */
import { InvalidSchemaError } from '../types.js';
import { isJsonObject, JsonNumber, parseJsonText, writeJsonText, type JsonObject, type JsonValue } from '../json-text.js';
import { jacksonDefaultNumber, javaDoubleToString } from '../java-numbers.js';
import {
  AVRO_PRIMITIVES,
  avroName,
  fullNameOf,
  type AvroField,
  type AvroName,
  type AvroNamed,
  type AvroPrimitiveType,
  type AvroSchema,
} from './avro-schema.js';
import { avroCanonicalText } from './avro-canonical.js';

const SCHEMA_RESERVED = new Set(['doc', 'fields', 'items', 'name', 'namespace', 'size', 'symbols', 'values', 'type', 'aliases']);
const ENUM_RESERVED = new Set([...SCHEMA_RESERVED, 'default']);
const FIELD_RESERVED = new Set(['default', 'doc', 'name', 'order', 'type', 'aliases']);

/** A name used before its definition; replaced once every document has been read. */
interface Pending {
  readonly type: 'pending';
  readonly full: string;
  readonly given: string;
}

export interface ParsedAvroDocuments {
  readonly root: AvroSchema;
  /** The top-level schema of each referenced document, in the order given. */
  readonly referenceRoots: readonly AvroSchema[];
}

export function parseAvroDocuments(text: string, references: Iterable<string>, asNew = true): ParsedAvroDocuments {
  const parser = new AvroParser(asNew);
  const referenceRoots = [...references].map((r) => parser.parseDocument(r));
  const root = parser.parseDocument(text);
  const resolved = parser.resolveAll([...referenceRoots, root]);
  if (asNew) for (const s of resolved) parser.validateDefaults(s);
  return { root: resolved[resolved.length - 1]!, referenceRoots: resolved.slice(0, -1) };
}

const invalid = (message: string): never => {
  throw new InvalidSchemaError(message);
};

const show = (v: JsonValue): string => writeJsonText(v, jacksonDefaultNumber);

/** Avro's STRICT_VALIDATOR (ASCII) for new schemas, its UTF_VALIDATOR for stored ones. */
function validateName(name: string, strict: boolean): string {
  if (name.length === 0) invalid('Empty name');
  const first = strict ? /^[A-Za-z_]/ : /^[\p{L}_]/u;
  const all = strict ? /^[A-Za-z_][A-Za-z0-9_]*$/ : /^[\p{L}_][\p{L}\p{Nd}_]*$/u;
  if (!first.test(name)) invalid(`Illegal initial character: ${name}`);
  if (!all.test(name)) invalid(`Illegal character in: ${name}`);
  return name;
}

function textOf(node: JsonObject, key: string): string | undefined {
  const v = node.get(key);
  return typeof v === 'string' ? v : undefined;
}

function propsOf(node: JsonObject, reserved: ReadonlySet<string>): JsonObject {
  const props: JsonObject = new Map();
  for (const [k, v] of node) if (!reserved.has(k)) props.set(k, v);
  return props;
}

class AvroParser {
  constructor(private readonly asNew: boolean) {}

  private readonly named = new Map<string, AvroNamed>();
  private readonly definitions = new Map<string, string>();

  parseDocument(text: string): AvroSchema {
    let json: JsonValue;
    try {
      json = parseJsonText(text);
    } catch (e) {
      return invalid(`Invalid schema: ${(e as Error).message}`);
    }
    return this.parse(json, null);
  }

  private parse(node: JsonValue, space: string | null): AvroSchema {
    if (typeof node === 'string') return this.find(node, space);
    if (Array.isArray(node)) return { type: 'union', types: node.map((n) => this.parse(n, space)) };
    if (!isJsonObject(node)) return invalid(`Schema not yet supported: ${show(node)}`);
    const type = textOf(node, 'type');
    if (type === undefined) return invalid(`No type: ${show(node)}`);
    if ((AVRO_PRIMITIVES as readonly string[]).includes(type)) {
      return { type: type as AvroPrimitiveType, props: propsOf(node, SCHEMA_RESERVED) };
    }
    switch (type) {
      case 'record':
      case 'error':
        return this.parseRecord(node, space, type === 'error');
      case 'enum':
        return this.parseEnum(node, space);
      case 'fixed':
        return this.parseFixed(node, space);
      case 'array': {
        const items = node.get('items');
        if (items === undefined) return invalid(`Array has no items type: ${show(node)}`);
        return { type: 'array', items: this.parse(items, space), props: propsOf(node, SCHEMA_RESERVED) };
      }
      case 'map': {
        const values = node.get('values');
        if (values === undefined) return invalid(`Map has no values type: ${show(node)}`);
        return { type: 'map', values: this.parse(values, space), props: propsOf(node, SCHEMA_RESERVED) };
      }
      default:
        // Java Avro also takes a defined name here, e.g. {"type": "com.acme.Thing"}.
        if (!type.includes('"')) return this.find(type, space);
        return invalid(`Undefined name: ${type}`);
    }
  }

  private nameOf(node: JsonObject, space: string | null): AvroName {
    const name = textOf(node, 'name');
    if (name === undefined) return invalid(`No name in schema: ${show(node)}`);
    const declared = textOf(node, 'namespace');
    const n = avroName(name, declared ?? space);
    validateName(n.name, this.asNew);
    if (n.space !== null && this.asNew) {
      for (const part of n.space.split('.')) {
        try {
          validateName(part, true);
        } catch (e) {
          invalid(`Namespace part "${part}" is invalid: ${(e as Error).message}`);
        }
      }
    }
    return n;
  }

  private aliasesOf(node: JsonObject): string[] {
    const aliases = node.get('aliases');
    if (aliases === undefined) return [];
    if (!Array.isArray(aliases)) return invalid(`aliases not an array: ${show(node)}`);
    const out: string[] = [];
    for (const a of aliases) {
      if (typeof a !== 'string') return invalid(`alias not a string: ${show(a)}`);
      if (!out.includes(a)) out.push(a);
    }
    return out;
  }

  private define(schema: AvroNamed, node: JsonObject): void {
    const text = show(node);
    const before = this.definitions.get(schema.name.full);
    if (before !== undefined && before !== text) invalid(`Can't redefine: ${schema.name.full}`);
    if (before === undefined) {
      this.named.set(schema.name.full, schema);
      this.definitions.set(schema.name.full, text);
    }
  }

  private parseRecord(node: JsonObject, space: string | null, isError: boolean): AvroSchema {
    const name = this.nameOf(node, space);
    const fieldsNode = node.get('fields');
    if (!Array.isArray(fieldsNode)) return invalid(`Record has no fields: ${show(node)}`);
    const record: AvroNamed = {
      type: 'record',
      isError,
      name,
      doc: textOf(node, 'doc'),
      fields: [],
      props: propsOf(node, SCHEMA_RESERVED),
      aliases: this.aliasesOf(node).map((a) => avroName(a, name.space)),
    };
    // Registered before the fields so that a record may refer to itself.
    this.define(record, node);
    const fields: AvroField[] = [];
    for (const f of fieldsNode) {
      if (!isJsonObject(f)) return invalid(`Not a field: ${show(f)}`);
      const field = this.parseField(f, name.space, fields.length);
      const clash = fields.find((g) => g.name === field.name);
      if (clash) invalid(`Duplicate field ${field.name} in record ${name.full}`);
      fields.push(field);
    }
    record.fields = fields;
    return this.named.get(name.full)!;
  }

  private parseField(node: JsonObject, space: string | null, pos: number): AvroField {
    const name = textOf(node, 'name');
    if (name === undefined) return invalid(`No field name: ${show(node)}`);
    validateName(name, this.asNew);
    const typeNode = node.get('type');
    if (typeNode === undefined) return invalid(`No field type: ${show(node)}`);
    const schema = this.parse(typeNode, space);
    const orderText = node.get('order');
    let order: AvroField['order'] = 'ascending';
    if (orderText !== undefined) {
      const o = typeof orderText === 'string' ? orderText.toLowerCase() : '';
      if (o !== 'ascending' && o !== 'descending' && o !== 'ignore') {
        invalid(`No enum constant org.apache.avro.Schema.Field.Order.${typeof orderText === 'string' ? orderText.toUpperCase() : show(orderText)}`);
      }
      order = o as AvroField['order'];
    }
    let defaultValue = node.get('default');
    if (typeof defaultValue === 'string' && (schema.type === 'float' || schema.type === 'double')) {
      // Java Avro reads a textual float default ("NaN", "1.5") as a double.
      const d = javaParseDouble(defaultValue);
      defaultValue = new JsonNumber(Number.isFinite(d) ? javaDoubleToString(d) : String(d));
    }
    return {
      name,
      schema,
      doc: textOf(node, 'doc'),
      defaultValue,
      order,
      aliases: this.aliasesOf(node),
      props: propsOf(node, FIELD_RESERVED),
      pos,
    };
  }

  private parseEnum(node: JsonObject, space: string | null): AvroSchema {
    const name = this.nameOf(node, space);
    const symbolsNode = node.get('symbols');
    if (!Array.isArray(symbolsNode)) return invalid(`Enum has no symbols: ${show(node)}`);
    const symbols: string[] = [];
    for (const s of symbolsNode) {
      if (typeof s !== 'string') return invalid(`Enum symbol not a string: ${show(s)}`);
      validateName(s, this.asNew);
      if (symbols.includes(s)) invalid(`Duplicate enum symbol: ${s}`);
      symbols.push(s);
    }
    const enumDefault = textOf(node, 'default');
    if (enumDefault !== undefined && !symbols.includes(enumDefault)) {
      invalid(`The Enum Default: ${enumDefault} is not in the enum symbol set: [${symbols.join(', ')}]`);
    }
    const schema: AvroNamed = {
      type: 'enum',
      name,
      doc: textOf(node, 'doc'),
      symbols,
      enumDefault,
      props: propsOf(node, ENUM_RESERVED),
      aliases: this.aliasesOf(node).map((a) => avroName(a, name.space)),
    };
    this.define(schema, node);
    return this.named.get(name.full)!;
  }

  private parseFixed(node: JsonObject, space: string | null): AvroSchema {
    const name = this.nameOf(node, space);
    const size = node.get('size');
    if (!(size instanceof JsonNumber) || !size.isIntegral || !Number.isSafeInteger(size.value) || Math.abs(size.value) > 2147483647) {
      return invalid(`Invalid or no size: ${show(node)}`);
    }
    const schema: AvroNamed = {
      type: 'fixed',
      name,
      doc: textOf(node, 'doc'),
      size: size.value,
      props: propsOf(node, SCHEMA_RESERVED),
      aliases: this.aliasesOf(node).map((a) => avroName(a, name.space)),
    };
    this.define(schema, node);
    return this.named.get(name.full)!;
  }

  /** Java's `ParseContext.find`: a primitive, the name in the current namespace, or the name as given. */
  private find(name: string, space: string | null): AvroSchema {
    if ((AVRO_PRIMITIVES as readonly string[]).includes(name)) return { type: name as AvroPrimitiveType, props: new Map() };
    const full = space !== null && !name.includes('.') ? `${space}.${name}` : name;
    const known = this.named.get(full) ?? this.named.get(name);
    if (known) return known;
    const pending: Pending = { type: 'pending', full, given: name };
    return pending as unknown as AvroSchema;
  }

  /** Replaces every pending name by its definition, checking unions as Java's `UnionSchema` does. */
  resolveAll(roots: AvroSchema[]): AvroSchema[] {
    const seen = new Set<AvroSchema>();
    const resolve = (s: AvroSchema): AvroSchema => {
      if ((s as unknown as Pending).type === 'pending') {
        const { full, given } = s as unknown as Pending;
        const hit = this.named.get(full) ?? this.named.get(given);
        if (!hit) return invalid(`Undefined name: "${full}"`);
        return hit;
      }
      if (seen.has(s)) return s;
      seen.add(s);
      switch (s.type) {
        case 'record':
          for (const f of s.fields) f.schema = resolve(f.schema);
          break;
        case 'array':
          s.items = resolve(s.items);
          break;
        case 'map':
          s.values = resolve(s.values);
          break;
        case 'union': {
          s.types = s.types.map(resolve);
          const names = new Set<string>();
          for (const t of s.types) {
            if (t.type === 'union') invalid('Nested union');
            const n = fullNameOf(t);
            if (names.has(n)) invalid(`Duplicate in union:${n}`);
            names.add(n);
          }
          break;
        }
        default:
          break;
      }
      return s;
    };
    return roots.map(resolve);
  }

  /** Java Avro's default validation (`Schema.isValidDefault`), run on every field reachable from `root`. */
  validateDefaults(root: AvroSchema): void {
    const seen = new Set<AvroSchema>();
    const visit = (s: AvroSchema): void => {
      if (seen.has(s)) return;
      seen.add(s);
      if (s.type === 'record') {
        for (const f of s.fields) {
          if (f.defaultValue !== undefined && !isValidDefault(f.schema, f.defaultValue)) {
            invalid(`Invalid default for field ${f.name}: ${show(f.defaultValue)} not a ${avroCanonicalText(f.schema, [])}`);
          }
          visit(f.schema);
        }
      } else if (s.type === 'array') visit(s.items);
      else if (s.type === 'map') visit(s.values);
      else if (s.type === 'union') s.types.forEach(visit);
    };
    visit(root);
  }
}

const INT_MIN = -2147483648n;
const INT_MAX = 2147483647n;
const LONG_MIN = -9223372036854775808n;
const LONG_MAX = 9223372036854775807n;

function integralIn(v: JsonValue, min: bigint, max: bigint): boolean {
  if (!(v instanceof JsonNumber) || !v.isIntegral || !/^-?\d+$/.test(v.literal)) return false;
  const n = BigInt(v.literal);
  return n >= min && n <= max;
}

function isValidDefault(schema: AvroSchema, value: JsonValue): boolean {
  switch (schema.type) {
    case 'string':
    case 'bytes':
    case 'enum':
    case 'fixed':
      return typeof value === 'string';
    case 'int':
      return integralIn(value, INT_MIN, INT_MAX);
    case 'long':
      return integralIn(value, LONG_MIN, LONG_MAX);
    case 'float':
    case 'double':
      return value instanceof JsonNumber;
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value) && value.every((v) => isValidDefault(schema.items, v));
    case 'map':
      return isJsonObject(value) && [...value.values()].every((v) => isValidDefault(schema.values, v));
    case 'union':
      return schema.types.some((t) => isValidDefault(t, value));
    case 'record':
      return (
        isJsonObject(value) &&
        schema.fields.every((f) => {
          const v = value.has(f.name) ? value.get(f.name) : f.defaultValue;
          return v !== undefined && isValidDefault(f.schema, v);
        })
      );
    default:
      return false;
  }
}

/** Java's `Double.parseDouble` for the texts a default may hold. */
function javaParseDouble(text: string): number {
  const t = text.trim();
  if (/^[+-]?NaN$/.test(t)) return NaN;
  if (/^[+-]?Infinity$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  const n = Number(t.replace(/[dDfF]$/, ''));
  if (t === '' || Number.isNaN(n)) invalid(`Invalid default: ${text} is not a number`);
  return n;
}
