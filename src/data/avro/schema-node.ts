/**
 * An Avro schema as Java Avro holds it: a graph of nodes (a named type is one node, referenced from every place
 * that uses it, possibly recursively), each with its properties in the order they were added.
 */
import type { Json } from './json.js';

export const PRIMITIVE_TYPES = ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'] as const;
export type PrimitiveTypeName = (typeof PRIMITIVE_TYPES)[number];

export function isPrimitiveTypeName(s: string): s is PrimitiveTypeName {
  return (PRIMITIVE_TYPES as readonly string[]).includes(s);
}

/** Properties in insertion order (Java's JsonProperties). */
export type Props = Map<string, Json>;

export interface PrimitiveNode {
  readonly type: PrimitiveTypeName;
  readonly props: Props;
}

interface Named {
  /** The simple name. */
  name: string;
  namespace: string | null;
  doc: string | undefined;
  aliases: string[] | undefined;
  readonly props: Props;
}

export interface RecordNode extends Named {
  readonly type: 'record';
  isError: boolean;
  fields: FieldNode[];
}

export interface EnumNode extends Named {
  readonly type: 'enum';
  symbols: string[];
  default: string | undefined;
}

export interface FixedNode extends Named {
  readonly type: 'fixed';
  size: number;
}

export interface ArrayNode {
  readonly type: 'array';
  items: AvroNode;
  readonly props: Props;
}

export interface MapNode {
  readonly type: 'map';
  values: AvroNode;
  readonly props: Props;
}

export interface UnionNode {
  readonly type: 'union';
  types: AvroNode[];
}

export interface FieldNode {
  name: string;
  type: AvroNode;
  doc: string | undefined;
  /** The default as JSON; undefined when the field has none (null is a `"default": null`). */
  default: Json | undefined;
  order: 'ascending' | 'descending' | 'ignore';
  aliases: string[] | undefined;
  readonly props: Props;
}

export type NamedNode = RecordNode | EnumNode | FixedNode;
export type AvroNode = PrimitiveNode | NamedNode | ArrayNode | MapNode | UnionNode;

export function isNamed(n: AvroNode): n is NamedNode {
  return n.type === 'record' || n.type === 'enum' || n.type === 'fixed';
}

export function fullNameOf(n: NamedNode): string {
  return n.namespace === null ? n.name : `${n.namespace}.${n.name}`;
}

/** Java's `Schema.getFullName()`: the full name of a named type, the type name otherwise. */
export function schemaName(n: AvroNode): string {
  return isNamed(n) ? fullNameOf(n) : n.type;
}

export function primitive(type: PrimitiveTypeName, props: Props = new Map()): PrimitiveNode {
  return { type, props };
}

export function propsOf(n: AvroNode): Props | undefined {
  return n.type === 'union' ? undefined : n.props;
}

/** Java's `getProp`: the property's text when it is a JSON string, else undefined. */
export function textProp(n: AvroNode | FieldNode, key: string): string | undefined {
  const v = ('props' in n ? n.props : undefined)?.get(key);
  return typeof v === 'string' ? v : undefined;
}

export function isNullNode(n: AvroNode): boolean {
  return n.type === 'null';
}

/** Java's `NULL_AVRO_SCHEMA.equals(n)`: a null schema without properties. */
export function isPlainNull(n: AvroNode): boolean {
  return n.type === 'null' && n.props.size === 0;
}

/** Java's `GenericData.resolveUnion` by name: the branch index for a datum of this schema name, or -1. */
export function unionIndexNamed(u: UnionNode, name: string): number {
  return u.types.findIndex((t) => schemaName(t) === name);
}

/**
 * Do two schemas read and write the same bytes? Structural, recursion-safe (a pair of named types under
 * comparison is assumed equal), names compared in full; properties, docs and defaults do not count.
 */
export function sameWireType(a: AvroNode, b: AvroNode, assumed = new Map<AvroNode, Set<AvroNode>>()): boolean {
  if (a === b) return true;
  if (a.type !== b.type) return false;
  if (isNamed(a)) {
    const nb = b as NamedNode;
    if (fullNameOf(a) !== fullNameOf(nb)) return false;
    let pairs = assumed.get(a);
    if (pairs?.has(b)) return true;
    if (!pairs) assumed.set(a, (pairs = new Set()));
    pairs.add(b);
  }
  switch (a.type) {
    case 'record': {
      const bf = (b as RecordNode).fields;
      return a.fields.length === bf.length && a.fields.every((f, i) => f.name === bf[i]!.name && sameWireType(f.type, bf[i]!.type, assumed));
    }
    case 'enum': {
      const bs = (b as EnumNode).symbols;
      return a.symbols.length === bs.length && a.symbols.every((s, i) => s === bs[i]);
    }
    case 'fixed':
      return a.size === (b as FixedNode).size;
    case 'array':
      return sameWireType(a.items, (b as ArrayNode).items, assumed);
    case 'map':
      return sameWireType(a.values, (b as MapNode).values, assumed);
    case 'union': {
      const bt = (b as UnionNode).types;
      return a.types.length === bt.length && a.types.every((t, i) => sameWireType(t, bt[i]!, assumed));
    }
    default:
      return true;
  }
}
