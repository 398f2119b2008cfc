/**
 * Avro schema text, exactly as Java Avro's `Schema.toString()` prints it (what Confluent's AvroSchema registers):
 * compact JSON, `type` then `name`, `namespace` (only where it differs from the enclosing one), `doc`, the
 * type's own members, then the properties in the order they were added; a named type is defined where it first
 * appears and referred to by name (relative to the enclosing namespace) after that.
 */
import { printJson, quoteJson } from './json.js';
import { fullNameOf, isNamed, type AvroNode, type FieldNode, type NamedNode, type Props } from './schema-node.js';

const TYPE_NAMES = new Set(['record', 'enum', 'array', 'map', 'union', 'fixed', 'string', 'bytes', 'int', 'long', 'float', 'double', 'boolean', 'null']);

/** `Name.getQualified(defaultSpace)`. */
function qualified(n: NamedNode, space: string | null): string {
  if (n.namespace !== null && n.namespace === space && !TYPE_NAMES.has(n.name)) return n.name;
  return fullNameOf(n);
}

function nameMembers(n: NamedNode, space: string | null): string {
  let out = `,"name":${quoteJson(n.name)}`;
  if (n.namespace !== null) {
    if (n.namespace !== space) out += `,"namespace":${quoteJson(n.namespace)}`;
  } else if (space !== null) {
    out += ',"namespace":""';
  }
  return out;
}

function propMembers(props: Props): string {
  let out = '';
  for (const [k, v] of props) out += `,${quoteJson(k)}:${printJson(v)}`;
  return out;
}

function aliasMembers(n: NamedNode): string {
  if (!n.aliases || n.aliases.length === 0) return '';
  return `,"aliases":[${n.aliases.map((a) => quoteJson(qualifiedAlias(a, n.namespace))).join(',')}]`;
}

function qualifiedAlias(alias: string, space: string | null): string {
  const dot = alias.lastIndexOf('.');
  const aliasSpace = dot < 0 ? null : alias.slice(0, dot);
  const name = dot < 0 ? alias : alias.slice(dot + 1);
  if (aliasSpace !== null && aliasSpace === space && !TYPE_NAMES.has(name)) return name;
  return alias;
}

function field(f: FieldNode, known: Set<string>, space: string | null): string {
  let out = `{"name":${quoteJson(f.name)},"type":${write(f.type, known, space)}`;
  if (f.doc !== undefined) out += `,"doc":${quoteJson(f.doc)}`;
  if (f.default !== undefined) out += `,"default":${printJson(f.default)}`;
  if (f.order !== 'ascending') out += `,"order":${quoteJson(f.order)}`;
  if (f.aliases && f.aliases.length > 0) out += `,"aliases":[${f.aliases.map(quoteJson).join(',')}]`;
  return out + propMembers(f.props) + '}';
}

function write(n: AvroNode, known: Set<string>, space: string | null): string {
  if (isNamed(n)) {
    const full = fullNameOf(n);
    if (known.has(full)) return quoteJson(qualified(n, space));
    known.add(full);
  }
  switch (n.type) {
    case 'union':
      return `[${n.types.map((t) => write(t, known, space)).join(',')}]`;
    case 'record': {
      let out = `{"type":${n.isError ? '"error"' : '"record"'}${nameMembers(n, space)}`;
      if (n.doc !== undefined) out += `,"doc":${quoteJson(n.doc)}`;
      out += `,"fields":[${n.fields.map((f) => field(f, known, n.namespace)).join(',')}]`;
      return out + propMembers(n.props) + aliasMembers(n) + '}';
    }
    case 'enum': {
      let out = `{"type":"enum"${nameMembers(n, space)}`;
      if (n.doc !== undefined) out += `,"doc":${quoteJson(n.doc)}`;
      out += `,"symbols":[${n.symbols.map(quoteJson).join(',')}]`;
      if (n.default !== undefined) out += `,"default":${quoteJson(n.default)}`;
      return out + propMembers(n.props) + aliasMembers(n) + '}';
    }
    case 'fixed': {
      let out = `{"type":"fixed"${nameMembers(n, space)}`;
      if (n.doc !== undefined) out += `,"doc":${quoteJson(n.doc)}`;
      return `${out},"size":${n.size}${propMembers(n.props)}${aliasMembers(n)}}`;
    }
    case 'array':
      return `{"type":"array","items":${write(n.items, known, space)}${propMembers(n.props)}}`;
    case 'map':
      return `{"type":"map","values":${write(n.values, known, space)}${propMembers(n.props)}}`;
    default:
      return n.props.size === 0 ? quoteJson(n.type) : `{"type":${quoteJson(n.type)}${propMembers(n.props)}}`;
  }
}

/** Java's `Schema.toString()`. `known` holds the full names of types defined elsewhere (references). */
export function printSchema(node: AvroNode, known: Iterable<string> = []): string {
  return write(node, new Set(known), null);
}

/**
 * What the binary encoding depends on, as text (Avro's Parsing Canonical Form: full names, no properties, docs,
 * defaults or aliases): two schemas with the same form read and write the same bytes.
 */
export function wireForm(node: AvroNode, known: Set<string> = new Set()): string {
  if (isNamed(node)) {
    const full = fullNameOf(node);
    if (known.has(full)) return quoteJson(full);
    known.add(full);
  }
  switch (node.type) {
    case 'union':
      return `[${node.types.map((t) => wireForm(t, known)).join(',')}]`;
    case 'record':
      return `{"name":${quoteJson(fullNameOf(node))},"type":"record","fields":[${node.fields
        .map((f) => `{"name":${quoteJson(f.name)},"type":${wireForm(f.type, known)}}`)
        .join(',')}]}`;
    case 'enum':
      return `{"name":${quoteJson(fullNameOf(node))},"type":"enum","symbols":[${node.symbols.map(quoteJson).join(',')}]}`;
    case 'fixed':
      return `{"name":${quoteJson(fullNameOf(node))},"type":"fixed","size":${node.size}}`;
    case 'array':
      return `{"type":"array","items":${wireForm(node.items, known)}}`;
    case 'map':
      return `{"type":"map","values":${wireForm(node.values, known)}}`;
    default:
      return quoteJson(node.type);
  }
}
