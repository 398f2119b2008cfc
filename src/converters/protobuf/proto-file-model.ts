/**
 * The small part of a .proto file a Connect schema turns into (what Confluent's DynamicSchema builds for it):
 * one proto3 file, one root message with nested messages and enums, fields, oneofs and Confluent's field meta.
 */

export interface ProtoFieldModel {
  /** Printed labels only: proto3 `optional`, or `repeated` (arrays and maps). */
  readonly label: 'optional' | 'repeated' | undefined;
  readonly type: string;
  readonly name: string;
  readonly number: number;
  /** `(confluent.field_meta).params`, in the order Confluent prints them. */
  readonly params: readonly (readonly [string, string])[];
}

export interface ProtoOneofModel {
  readonly name: string;
  readonly fields: ProtoFieldModel[];
}

export interface ProtoEnumModel {
  readonly name: string;
  readonly constants: readonly (readonly [string, number])[];
}

export interface ProtoMessageModel {
  readonly name: string;
  readonly fields: ProtoFieldModel[];
  readonly oneofs: ProtoOneofModel[];
  readonly messages: ProtoMessageModel[];
  readonly enums: ProtoEnumModel[];
}

export interface ProtoFileModel {
  readonly packageName: string | undefined;
  readonly imports: readonly string[];
  readonly messages: readonly ProtoMessageModel[];
}

export function emptyMessage(name: string): ProtoMessageModel {
  return { name, fields: [], oneofs: [], messages: [], enums: [] };
}
