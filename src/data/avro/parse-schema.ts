/**
 * Avro schema text → schema graph, as Java Avro's `Schema.Parser` reads a schema Confluent's registry returns
 * (names not validated, defaults kept as written): named types resolve against the enclosing namespace, then as
 * written; references to other schemas (Confluent schema references) resolve by full name; forward references and
 * recursive types are allowed.
 */
import { DataException } from '../errors.js';
import { isJsonObject, JsonNumber, parseJson, type Json, type JsonObject } from './json.js';
import { printSchema } from './print-schema.js';
import {
  fullNameOf, isPrimitiveTypeName, primitive, schemaName, type AvroNode, type FieldNode, type NamedNode, type Props,
} from './schema-node.js';

const SCHEMA_RESERVED = new Set(['doc', 'fields', 'items', 'name', 'namespace', 'size', 'symbols', 'values', 'type', 'aliases']);
const ENUM_RESERVED = new Set([...SCHEMA_RESERVED, 'default']);
const FIELD_RESERVED = new Set(['default', 'doc', 'name', 'order', 'type', 'aliases']);

/** A name used before its definition; replaced once everything is parsed. */
interface Pending {
  readonly type: 'pending';
  readonly fullName: string;
}

class Context {
  readonly named = new Map<string, NamedNode>();
  readonly pending: Pending[] = [];
  /** Second definitions of a name: allowed when equal to the first (checked once all names are resolved). */
  readonly redefined: [NamedNode, NamedNode][] = [];

  define(n: NamedNode): void {
    const existing = this.named.get(fullNameOf(n));
    if (!existing) this.named.set(fullNameOf(n), n);
    else if (existing !== n) this.redefined.push([existing, n]);
  }

  find(name: string, space: string | null): AvroNode {
    if (isPrimitiveTypeName(name)) return primitive(name);
    const full = space !== null && !name.includes('.') ? `${space}.${name}` : name;
    const found = this.named.get(full) ?? this.named.get(name);
    if (found) return found;
    const p: Pending = { type: 'pending', fullName: full };
    this.pending.push(p);
    return p as unknown as AvroNode;
  }
}

function fail(why: string, at: Json): never {
  const shown = JSON.stringify(at, (_k, v: unknown) => (v instanceof Map ? Object.fromEntries(v) : v instanceof JsonNumber ? v.toJSON() : v));
  throw new DataException(`Avro schema error: ${why}: ${shown && shown.length > 200 ? `${shown.slice(0, 197)}...` : shown}`);
}

function optionalText(o: JsonObject, key: string): string | undefined {
  const v = o.get(key);
  return typeof v === 'string' ? v : undefined;
}

function requiredText(o: JsonObject, key: string, why: string): string {
  const v = optionalText(o, key);
  if (v === undefined) fail(why, o);
  return v;
}

function props(o: JsonObject, reserved: Set<string>): Props {
  const out: Props = new Map();
  for (const [k, v] of o) if (!reserved.has(k)) out.set(k, v);
  return out;
}

function aliases(o: JsonObject): string[] | undefined {
  const a = o.get('aliases');
  if (a === undefined) return undefined;
  if (!Array.isArray(a)) fail('aliases not an array', o);
  return a.map((x) => (typeof x === 'string' ? x : fail('alias not a string', x)));
}

function named(o: JsonObject, space: string | null): { name: string; namespace: string | null; doc: string | undefined } {
  const fullOrSimple = requiredText(o, 'name', 'no name in schema');
  let ns = optionalText(o, 'namespace') ?? space;
  let name = fullOrSimple;
  const dot = fullOrSimple.lastIndexOf('.');
  if (dot >= 0) {
    ns = fullOrSimple.slice(0, dot);
    name = fullOrSimple.slice(dot + 1);
  }
  return { name, namespace: ns === '' ? null : ns, doc: optionalText(o, 'doc') };
}

function qualifyAliases(list: string[] | undefined, space: string | null): string[] | undefined {
  return list?.map((a) => (a.includes('.') || space === null ? a : `${space}.${a}`));
}

function parseNode(j: Json, ctx: Context, space: string | null): AvroNode {
  if (typeof j === 'string') return ctx.find(j, space);
  if (Array.isArray(j)) {
    const types = j.map((t) => parseNode(t, ctx, space));
    return { type: 'union', types };
  }
  if (!isJsonObject(j)) return fail('schema not yet supported', j);
  const type = requiredText(j, 'type', 'no type');
  if (isPrimitiveTypeName(type)) return primitive(type, props(j, SCHEMA_RESERVED));
  switch (type) {
    case 'record':
    case 'error': {
      const n = named(j, space);
      const rec: NamedNode = {
        type: 'record', ...n, isError: type === 'error', fields: [], props: new Map(), aliases: undefined,
      };
      const fields = j.get('fields');
      if (!Array.isArray(fields)) fail('record has no fields', j);
      rec.fields = fields.map((f) => parseField(f, ctx, n.namespace));
      for (const [k, v] of props(j, SCHEMA_RESERVED)) rec.props.set(k, v);
      rec.aliases = qualifyAliases(aliases(j), n.namespace);
      ctx.define(rec);
      return rec;
    }
    case 'enum': {
      const n = named(j, space);
      const symbols = j.get('symbols');
      if (!Array.isArray(symbols)) fail('enum has no symbols', j);
      const list = symbols.map((s) => (typeof s === 'string' ? s : fail('enum symbol not a string', s)));
      if (new Set(list).size !== list.length) fail('duplicate enum symbol', j);
      const dflt = optionalText(j, 'default');
      if (dflt !== undefined && !list.includes(dflt)) fail(`the enum default ${dflt} is not in the enum symbol set`, j);
      const e: NamedNode = {
        type: 'enum', ...n, symbols: list, default: dflt, props: props(j, ENUM_RESERVED), aliases: qualifyAliases(aliases(j), n.namespace),
      };
      ctx.define(e);
      return e;
    }
    case 'fixed': {
      const n = named(j, space);
      const size = j.get('size');
      if (!(size instanceof JsonNumber) || size.kind !== 'int' || Number(size.value) < 0) fail('invalid or no size', j);
      const f: NamedNode = {
        type: 'fixed', ...n, size: Number(size.value), props: props(j, SCHEMA_RESERVED), aliases: qualifyAliases(aliases(j), n.namespace),
      };
      ctx.define(f);
      return f;
    }
    case 'array': {
      const items = j.get('items');
      if (items === undefined) fail('array has no items type', j);
      return { type: 'array', items: parseNode(items, ctx, space), props: props(j, SCHEMA_RESERVED) };
    }
    case 'map': {
      const values = j.get('values');
      if (values === undefined) fail('map has no values type', j);
      return { type: 'map', values: parseNode(values, ctx, space), props: props(j, SCHEMA_RESERVED) };
    }
    default:
      return fail(`"type" must be a primitive type or one of enum, fixed, record, error, array, map (got ${type})`, j);
  }
}

function parseField(j: Json, ctx: Context, space: string | null): FieldNode {
  if (!isJsonObject(j)) fail('field is not an object', j);
  const name = requiredText(j, 'name', 'no field name');
  const typeJson = j.get('type');
  if (typeJson === undefined) fail('no field type', j);
  const type = parseNode(typeJson, ctx, space);
  const order = j.get('order');
  let dflt = j.get('default');
  // Java Avro reads a textual default of a float or double field as the number it spells.
  if (typeof dflt === 'string' && (type.type === 'float' || type.type === 'double')) dflt = JsonNumber.double(Number(dflt));
  return {
    name,
    type,
    doc: optionalText(j, 'doc'),
    default: dflt,
    order: order === undefined ? 'ascending' : parseOrder(order, j),
    aliases: aliases(j),
    props: props(j, FIELD_RESERVED),
  };
}

function parseOrder(o: Json, at: Json): FieldNode['order'] {
  const s = typeof o === 'string' ? o.toLowerCase() : '';
  if (s === 'ascending' || s === 'descending' || s === 'ignore') return s;
  return fail(`invalid field order ${String(o)}`, at);
}

/** Replaces every pending name with its definition, walking the whole graph once. */
function resolve(root: AvroNode, ctx: Context): AvroNode {
  const seen = new Set<AvroNode>();
  const fix = (n: AvroNode): AvroNode => {
    if ((n as unknown as Pending).type === 'pending') {
      const full = (n as unknown as Pending).fullName;
      const found = ctx.named.get(full);
      if (!found) throw new DataException(`Avro schema error: undefined name: ${full}`);
      return found;
    }
    if (seen.has(n)) return n;
    seen.add(n);
    switch (n.type) {
      case 'record':
        for (const f of n.fields) f.type = fix(f.type);
        break;
      case 'array':
        n.items = fix(n.items);
        break;
      case 'map':
        n.values = fix(n.values);
        break;
      case 'union':
        n.types = n.types.map(fix);
        checkUnion(n.types);
        break;
    }
    return n;
  };
  for (const n of ctx.named.values()) fix(n);
  const resolved = fix(root);
  for (const [first, again] of ctx.redefined) {
    fix(again);
    if (printSchema(first) !== printSchema(again)) throw new DataException(`Avro schema error: can't redefine ${fullNameOf(first)}`);
  }
  return resolved;
}

/** Java's UnionSchema checks: no directly nested unions, no two branches of the same type or name. */
export function checkUnion(types: readonly AvroNode[]): void {
  const names = new Set<string>();
  for (const t of types) {
    if (t.type === 'union') throw new DataException('Avro schema error: nested union');
    const name = schemaName(t);
    if (names.has(name)) throw new DataException(`Avro schema error: duplicate in union: ${name}`);
    names.add(name);
  }
}

/**
 * Parses a registered Avro schema. `references` are the texts of the schemas it references (any order): their
 * named types are known to it.
 */
export function parseAvroSchema(text: string, references: Iterable<string> = []): AvroNode {
  const ctx = new Context();
  for (const ref of references) parseNode(parseJson(ref), ctx, null);
  const root = parseNode(parseJson(text), ctx, null);
  return resolve(root, ctx);
}
