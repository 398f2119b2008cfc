/**
 * The Avro schema AvroData gives a Connect schema as plain JSON (what JSON.parse of its text gives, every named
 * type with its namespace, later uses by full name): the form the HDFS sink writes into Avro and Parquet files and
 * compiles with avsc.
 */
import type { Schema } from '../schema.js';
import { fromConnectSchema } from './from-connect-schema.js';
import { plainJson } from './json.js';
import { AVRO_DATA_DEFAULTS, avroDataSettings, type AvroDataOptions } from './options.js';
import { fullNameOf, isNamed, type AvroNode, type FieldNode, type Props } from './schema-node.js';

export type AvroSchema = string | AvroSchema[] | { [k: string]: unknown };

/** The HDFS sink's defaults: Confluent's, with enhanced.avro.schema.support on (enums kept). */
export const HDFS_AVRO_DATA_DEFAULTS = { ...AVRO_DATA_DEFAULTS, enhancedSchemaSupport: true };

function withProps(out: Record<string, unknown>, props: Props): Record<string, unknown> {
  for (const [k, v] of props) out[k] = plainJson(v);
  return out;
}

/** A schema graph as plain JSON, each named type defined where it first appears. */
export function plainSchema(node: AvroNode, known: Set<string> = new Set()): AvroSchema {
  if (isNamed(node)) {
    const full = fullNameOf(node);
    if (known.has(full)) return full;
    known.add(full);
  }
  const named = (n: { name: string; namespace: string | null; doc: string | undefined }, type: string): Record<string, unknown> => {
    const out: Record<string, unknown> = { type, name: n.name };
    if (n.namespace !== null) out['namespace'] = n.namespace;
    if (n.doc !== undefined) out['doc'] = n.doc;
    return out;
  };
  switch (node.type) {
    case 'union':
      return node.types.map((t) => plainSchema(t, known));
    case 'record': {
      const out = named(node, node.isError ? 'error' : 'record');
      out['fields'] = node.fields.map((f) => plainField(f, known));
      withProps(out, node.props);
      if (node.aliases) out['aliases'] = node.aliases;
      return out;
    }
    case 'enum': {
      const out = named(node, 'enum');
      out['symbols'] = node.symbols;
      if (node.default !== undefined) out['default'] = node.default;
      return withProps(out, node.props);
    }
    case 'fixed': {
      const out = named(node, 'fixed');
      out['size'] = node.size;
      return withProps(out, node.props);
    }
    case 'array':
      return withProps({ type: 'array', items: plainSchema(node.items, known) }, node.props);
    case 'map':
      return withProps({ type: 'map', values: plainSchema(node.values, known) }, node.props);
    default:
      return node.props.size === 0 ? node.type : withProps({ type: node.type }, node.props);
  }
}

function plainField(f: FieldNode, known: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = { name: f.name, type: plainSchema(f.type, known) };
  if (f.doc !== undefined) out['doc'] = f.doc;
  if (f.default !== undefined) out['default'] = plainJson(f.default);
  if (f.order !== 'ascending') out['order'] = f.order;
  if (f.aliases) out['aliases'] = f.aliases;
  return withProps(out, f.props);
}

/** The Avro schema (as plain JSON) AvroData gives a Connect schema; enhanced.avro.schema.support defaults to on. */
export function toAvroSchema(schema: Schema, opts: AvroDataOptions = {}): AvroSchema {
  return plainSchema(fromConnectSchema(schema, avroDataSettings(opts, HDFS_AVRO_DATA_DEFAULTS)));
}
