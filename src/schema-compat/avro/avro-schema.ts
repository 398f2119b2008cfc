/** The parsed form of an Avro schema, shaped like Java Avro's `Schema` (what Confluent's checks walk). */
import type { JsonObject, JsonValue } from '../json-text.js';

export const AVRO_PRIMITIVES = ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'] as const;
export type AvroPrimitiveType = (typeof AVRO_PRIMITIVES)[number];
export type AvroTypeName = AvroPrimitiveType | 'record' | 'enum' | 'fixed' | 'array' | 'map' | 'union';

/** Java Avro's `Schema.Name`: the simple name, its namespace (null when none) and the full name. */
export interface AvroName {
  readonly name: string;
  readonly space: string | null;
  readonly full: string;
}

export function avroName(name: string, space: string | null): AvroName {
  const lastDot = name.lastIndexOf('.');
  let simple = name;
  if (lastDot >= 0) {
    space = name.slice(0, lastDot);
    simple = name.slice(lastDot + 1);
  }
  if (space === '') space = null;
  return { name: simple, space, full: space === null ? simple : `${space}.${simple}` };
}

export interface AvroPrimitive {
  readonly type: AvroPrimitiveType;
  readonly props: JsonObject;
}

export interface AvroField {
  readonly name: string;
  schema: AvroSchema;
  readonly doc: string | undefined;
  /** Absent when the field has no default; JSON null is a default of null. */
  readonly defaultValue: JsonValue | undefined;
  readonly order: 'ascending' | 'descending' | 'ignore';
  readonly aliases: readonly string[];
  readonly props: JsonObject;
  readonly pos: number;
}

export interface AvroRecord {
  readonly type: 'record';
  readonly isError: boolean;
  readonly name: AvroName;
  readonly doc: string | undefined;
  fields: AvroField[];
  readonly props: JsonObject;
  readonly aliases: readonly AvroName[];
}

export interface AvroEnum {
  readonly type: 'enum';
  readonly name: AvroName;
  readonly doc: string | undefined;
  readonly symbols: readonly string[];
  readonly enumDefault: string | undefined;
  readonly props: JsonObject;
  readonly aliases: readonly AvroName[];
}

export interface AvroFixed {
  readonly type: 'fixed';
  readonly name: AvroName;
  readonly doc: string | undefined;
  readonly size: number;
  readonly props: JsonObject;
  readonly aliases: readonly AvroName[];
}

export interface AvroArray {
  readonly type: 'array';
  items: AvroSchema;
  readonly props: JsonObject;
}

export interface AvroMap {
  readonly type: 'map';
  values: AvroSchema;
  readonly props: JsonObject;
}

export interface AvroUnion {
  readonly type: 'union';
  types: AvroSchema[];
}

export type AvroNamed = AvroRecord | AvroEnum | AvroFixed;
export type AvroSchema = AvroPrimitive | AvroNamed | AvroArray | AvroMap | AvroUnion;

export function isNamed(s: AvroSchema): s is AvroNamed {
  return s.type === 'record' || s.type === 'enum' || s.type === 'fixed';
}

/** Java's `Schema.getType()` as printed in messages: `RECORD`, `INT`, ... */
export function typeLabel(s: AvroSchema): string {
  return s.type.toUpperCase();
}

/** Java's `Schema.getFullName()`: the full name of a named type, else the type name. */
export function fullNameOf(s: AvroSchema): string {
  return isNamed(s) ? s.name.full : s.type;
}

/** Java's `NamedSchema.getAliases()`: full alias names, `.name` for a null-namespace alias of a namespaced type. */
export function aliasesOf(s: AvroNamed): string[] {
  return s.aliases.map((a) => (a.space === null && s.name.space !== null ? `.${a.name}` : a.full));
}
