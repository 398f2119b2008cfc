/**
 * The text Confluent stores for an Avro schema: Java Avro's compact `Schema.toString(referencedSchemas, false)`.
 * Property order is Java's: type, name, namespace, doc, then the type's own members, custom properties, aliases.
 * A named type prints in full the first time and by name afterwards; the referenced schemas count as printed.
 */
import { jacksonString, writeJsonText, type JsonObject } from '../json-text.js';
import { jacksonDefaultNumber } from '../java-numbers.js';
import { AVRO_PRIMITIVES, fullNameOf, isNamed, type AvroName, type AvroNamed, type AvroSchema } from './avro-schema.js';

const TYPE_NAMES = new Set<string>([...AVRO_PRIMITIVES, 'record', 'enum', 'array', 'map', 'union', 'fixed']);

export function avroCanonicalText(schema: AvroSchema, referenced: readonly AvroSchema[]): string {
  const known = new Set<string>(referenced.map(fullNameOf));
  return toJson(schema, known, null);
}

const str = jacksonString;

function propsJson(props: JsonObject): string {
  let out = '';
  for (const [k, v] of props) out += `,${str(k)}:${writeJsonText(v, jacksonDefaultNumber)}`;
  return out;
}

/** Java's `Name.getQualified`: the simple name inside its own namespace unless it collides with a type name. */
function qualified(n: AvroName, space: string | null): string {
  if (n.space !== null && n.space === space) return TYPE_NAMES.has(n.name) ? n.full : n.name;
  return n.full;
}

function nameJson(n: AvroName, space: string | null): string {
  let out = `,"name":${str(n.name)}`;
  if (n.space !== null) {
    if (n.space !== space) out += `,"namespace":${str(n.space)}`;
  } else if (space !== null) {
    out += ',"namespace":""';
  }
  return out;
}

function aliasesJson(s: AvroNamed): string {
  if (s.aliases.length === 0) return '';
  return `,"aliases":[${s.aliases.map((a) => str(qualified(a, s.name.space))).join(',')}]`;
}

function toJson(s: AvroSchema, known: Set<string>, space: string | null): string {
  if (isNamed(s)) {
    if (known.has(s.name.full)) return str(qualified(s.name, space));
    known.add(s.name.full);
  }
  switch (s.type) {
    case 'record': {
      let out = `{"type":${s.isError ? '"error"' : '"record"'}${nameJson(s.name, space)}`;
      if (s.doc !== undefined) out += `,"doc":${str(s.doc)}`;
      const fields = s.fields.map((f) => {
        let fj = `{"name":${str(f.name)},"type":${toJson(f.schema, known, s.name.space)}`;
        if (f.doc !== undefined) fj += `,"doc":${str(f.doc)}`;
        if (f.defaultValue !== undefined) fj += `,"default":${writeJsonText(f.defaultValue, jacksonDefaultNumber)}`;
        if (f.order !== 'ascending') fj += `,"order":${str(f.order)}`;
        if (f.aliases.length > 0) fj += `,"aliases":[${f.aliases.map(str).join(',')}]`;
        return `${fj}${propsJson(f.props)}}`;
      });
      return `${out},"fields":[${fields.join(',')}]${propsJson(s.props)}${aliasesJson(s)}}`;
    }
    case 'enum': {
      let out = `{"type":"enum"${nameJson(s.name, space)}`;
      if (s.doc !== undefined) out += `,"doc":${str(s.doc)}`;
      out += `,"symbols":[${s.symbols.map(str).join(',')}]`;
      if (s.enumDefault !== undefined) out += `,"default":${str(s.enumDefault)}`;
      return `${out}${propsJson(s.props)}${aliasesJson(s)}}`;
    }
    case 'fixed': {
      let out = `{"type":"fixed"${nameJson(s.name, space)}`;
      if (s.doc !== undefined) out += `,"doc":${str(s.doc)}`;
      return `${out},"size":${s.size}${propsJson(s.props)}${aliasesJson(s)}}`;
    }
    case 'array':
      return `{"type":"array","items":${toJson(s.items, known, space)}${propsJson(s.props)}}`;
    case 'map':
      return `{"type":"map","values":${toJson(s.values, known, space)}${propsJson(s.props)}}`;
    case 'union':
      return `[${s.types.map((t) => toJson(t, known, space)).join(',')}]`;
    default:
      return s.props.size === 0 ? str(s.type) : `{"type":${str(s.type)}${propsJson(s.props)}}`;
  }
}
