/**
 * The google/protobuf files Confluent's registry always knows (its KNOWN_DEPENDENCIES), taken from the descriptors
 * protobufjs ships and turned into elements, so that fields of well-known types resolve in the diff and validation.
 */
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';
import type { EnumElement, FieldElement, MessageElement, OneOfElement, ProtoFileElement, TypeElement } from './proto-elements.js';

interface JsonField {
  type: string;
  id: number;
  rule?: string;
  keyType?: string;
  protoName?: string;
}

interface JsonNamespace {
  nested?: Record<string, JsonNamespace>;
  fields?: Record<string, JsonField>;
  oneofs?: Record<string, { oneof: string[] }>;
  values?: Record<string, number>;
}

const COMMON = ['any', 'duration', 'timestamp', 'empty', 'struct', 'wrappers', 'field_mask'];
const SHIPPED = ['descriptor', 'api', 'type', 'source_context'];

function field(name: string, f: JsonField): FieldElement {
  return {
    label: f.rule === 'repeated' ? 'REPEATED' : f.rule === 'required' ? 'REQUIRED' : undefined,
    type: f.keyType !== undefined ? `map<${f.keyType}, ${f.type}>` : f.type,
    name: f.protoName ?? name,
    defaultValue: undefined,
    jsonName: undefined,
    tag: f.id,
    options: [],
  };
}

function typeOf(name: string, ns: JsonNamespace): TypeElement | undefined {
  if (ns.values) {
    const e: EnumElement = {
      kind: 'enum',
      name,
      options: [],
      constants: Object.entries(ns.values).map(([n, tag]) => ({ name: n, tag, options: [] })),
      reserveds: [],
      nestedTypes: [],
    };
    return e;
  }
  if (!ns.fields) return undefined;
  const inOneOf = new Map<string, string>();
  for (const [o, { oneof }] of Object.entries(ns.oneofs ?? {})) for (const f of oneof) inOneOf.set(f, o);
  const fields = Object.entries(ns.fields);
  const oneOfs: OneOfElement[] = Object.keys(ns.oneofs ?? {}).map((o) => ({
    name: o,
    fields: fields.filter(([n]) => inOneOf.get(n) === o).map(([n, f]) => field(n, f)),
    groups: [],
    options: [],
  }));
  const m: MessageElement = {
    kind: 'message',
    name,
    nestedTypes: nestedTypes(ns),
    options: [],
    reserveds: [],
    fields: fields.filter(([n]) => !inOneOf.has(n)).map(([n, f]) => field(n, f)),
    oneOfs,
    extensions: [],
    groups: [],
    extendDeclarations: [],
  };
  return m;
}

function nestedTypes(ns: JsonNamespace): TypeElement[] {
  return Object.entries(ns.nested ?? {}).flatMap(([n, child]) => {
    const t = typeOf(n, child);
    return t ? [t] : [];
  });
}

function fileOf(json: JsonNamespace): ProtoFileElement {
  const types = nestedTypes(json.nested?.['google']?.nested?.['protobuf'] ?? {});
  return {
    packageName: 'google.protobuf',
    syntax: 'proto3',
    imports: [],
    publicImports: [],
    weakImports: [],
    types,
    services: [],
    extendDeclarations: [],
    options: [],
  };
}

let cache: { files: Map<string, ProtoFileElement>; json: Map<string, JsonNamespace> } | undefined;

function load(): NonNullable<typeof cache> {
  if (cache) return cache;
  const json = new Map<string, JsonNamespace>();
  for (const name of COMMON) {
    const j = protobuf.common.get(`google/protobuf/${name}.proto`) as JsonNamespace | null;
    if (j) json.set(`google/protobuf/${name}.proto`, j);
  }
  const require = createRequire(import.meta.url);
  for (const name of SHIPPED) {
    try {
      json.set(`google/protobuf/${name}.proto`, require(`protobufjs/google/protobuf/${name}.json`) as JsonNamespace);
    } catch {
      // Not shipped by this protobufjs version: the type names stay unknown, as for any missing import.
    }
  }
  cache = { json, files: new Map([...json].map(([k, v]) => [k, fileOf(v)])) };
  return cache;
}

/** The well-known files by import path. */
export function wellKnownProtoFiles(): ReadonlyMap<string, ProtoFileElement> {
  return load().files;
}

/** The protobufjs JSON of the well-known files by import path, for loading into a protobufjs Root. */
export function wellKnownProtoJson(): ReadonlyMap<string, object> {
  return load().json;
}
