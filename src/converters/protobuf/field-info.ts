/**
 * What ProtobufData asks of a field descriptor, read off a protobufjs field: its type, whether it is repeated or a
 * map, proto3 `optional` / proto2 `optional` (hasOptionalKeyword), its Confluent field meta params, its default.
 * Map fields get the synthetic `key`/`value` entry fields Confluent's descriptor gives them.
 */
import protobuf from 'protobufjs';
import type { Enum, Field, MapField, Type } from 'protobufjs';
import { FIELD_META_OPTION, KEY_FIELD, MAP_ENTRY_SUFFIX, VALUE_FIELD } from './connect-names.js';
import { toMapEntry } from './names.js';
import type { Syntax } from './proto-loader.js';

export interface FieldInfo {
  readonly name: string;
  readonly id: number;
  /** A scalar type name, or the message or enum type's name as written. */
  readonly type: string;
  readonly resolved: Type | Enum | null;
  readonly repeated: boolean;
  /** A map (`map<>` or a repeated `…Entry` message with just key and value): its entry and entry fields. */
  readonly map: MapInfo | undefined;
  /** True for a `map<>` field, whose protobufjs value is an object keyed by the map key. */
  readonly isMapField: boolean;
  readonly proto3Optional: boolean;
  /** Descriptors.hasOptionalKeyword: proto3 `optional`, or a proto2 `optional` field outside a oneof. */
  readonly optionalKeyword: boolean;
  readonly inRealOneof: boolean;
  readonly meta: ReadonlyMap<string, string>;
  /** A proto2 `[default = …]`, as protobufjs parsed it. */
  readonly explicitDefault: unknown;
  /** The protobufjs field (undefined for a map<> entry's synthetic key and value). */
  readonly field: Field | undefined;
}

export interface MapInfo {
  readonly entryName: string;
  readonly entryFullName: string;
  readonly key: FieldInfo;
  readonly value: FieldInfo;
}

export function fieldInfo(field: Field, syntaxOf: (f: Field) => Syntax): FieldInfo {
  const syntax = syntaxOf(field);
  const proto3Optional = field.options?.proto3_optional === true;
  const inRealOneof = field.partOf !== null && !proto3Optional;
  const repeated = field.repeated || field.map;
  const base = {
    name: field.name,
    id: field.id,
    type: field.type,
    resolved: field.resolvedType,
    repeated,
    proto3Optional,
    optionalKeyword: proto3Optional || (syntax === 'proto2' && !repeated && field.rule !== 'required' && field.partOf === null),
    inRealOneof,
    meta: fieldMeta(field),
    explicitDefault: field.options?.default,
    field,
  };
  if (field.map) {
    const parent = field.parent as Type;
    const entryName = toMapEntry(field.name);
    const synthetic = (name: string, id: number, type: string, resolved: Type | Enum | null): FieldInfo => ({
      name, id, type, resolved, repeated: false, map: undefined, isMapField: false, proto3Optional: false,
      // Confluent's entry fields have no label, which is LABEL_OPTIONAL: proto2 counts it as the keyword.
      optionalKeyword: syntax === 'proto2', inRealOneof: false, meta: new Map(), explicitDefault: undefined, field: undefined,
    });
    return {
      ...base,
      isMapField: true,
      map: {
        entryName,
        entryFullName: `${fullNameOf(parent)}.${entryName}`,
        key: synthetic(KEY_FIELD, 1, (field as unknown as MapField).keyType, null),
        value: synthetic(VALUE_FIELD, 2, field.type, field.resolvedType),
      },
    };
  }
  return { ...base, isMapField: false, map: entryMapOf(field, syntaxOf) };
}

/** ProtobufData.isMapDescriptor: a repeated message named …Entry whose only fields are `key` then `value`. */
function entryMapOf(field: Field, syntaxOf: (f: Field) => Syntax): MapInfo | undefined {
  const entry = field.resolvedType;
  if (!field.repeated || !(entry instanceof protobuf.Type) || !entry.name.endsWith(MAP_ENTRY_SUFFIX)) return undefined;
  const fields = descriptorOrder(entry);
  if (fields.length !== 2 || fields[0]!.name !== KEY_FIELD || fields[1]!.name !== VALUE_FIELD) return undefined;
  if (fields.some((f) => f.repeated || f.map)) return undefined;
  return {
    entryName: entry.name,
    entryFullName: fullNameOf(entry),
    key: fieldInfo(fields[0]!, syntaxOf),
    value: fieldInfo(fields[1]!, syntaxOf),
  };
}

/**
 * The fields in the order of the descriptor Confluent builds from the text: members of real oneofs first (oneof
 * by oneof), then the other fields as declared.
 */
export function descriptorOrder(type: Type): Field[] {
  const inOneofs = type.oneofsArray.filter((o) => !o.isProto3Optional).flatMap((o) => o.fieldsArray);
  const members = new Set(inOneofs);
  return [...inOneofs, ...type.fieldsArray.filter((f) => !members.has(f))];
}

/** A type's full name without protobufjs's leading dot. */
export function fullNameOf(obj: { fullName: string }): string {
  return obj.fullName.startsWith('.') ? obj.fullName.slice(1) : obj.fullName;
}

/** `(confluent.field_meta)` params, in either option syntax. */
function fieldMeta(field: Field): ReadonlyMap<string, string> {
  const params = new Map<string, string>();
  for (const option of field.parsedOptions ?? []) {
    for (const [name, value] of Object.entries(option as Record<string, unknown>)) {
      if (name.replace(/^\(\.?/, '').replace(/\)$/, '') !== FIELD_META_OPTION || typeof value !== 'object' || value === null) continue;
      const list = (value as { params?: unknown }).params;
      for (const p of Array.isArray(list) ? list : list === undefined ? [] : [list]) {
        const { key, value: v } = (p ?? {}) as { key?: unknown; value?: unknown };
        if (typeof key === 'string' && v !== undefined) params.set(key, String(v));
      }
    }
  }
  return params;
}
