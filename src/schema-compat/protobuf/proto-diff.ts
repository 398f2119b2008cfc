/**
 * Confluent's Protobuf `SchemaDiff`, `MessageSchemaDiff`, `FieldSchemaDiff` and `EnumSchemaDiff`: the differences
 * between an original and an updated schema, found by walking both by type name and, within a message, by field
 * number (oneof membership tracked separately, so moving a field cannot hide a change of its type).
 */
import { JavaHashKeys } from '../java-hash-order.js';
import type { EnumElement, FieldElement, FieldLabel, MessageElement, OneOfElement, TypeElement } from './proto-elements.js';
import { mapTypeOf, ProtoDiffContext, type ProtoSchemaFiles } from './proto-diff-context.js';
import type { ProtoDifference } from './proto-difference.js';

export function protoDifferences(original: ProtoSchemaFiles, update: ProtoSchemaFiles): ProtoDifference[] {
  const ctx = new ProtoDiffContext();
  ctx.collectTypes(original, true);
  ctx.collectTypes(update, false);
  if ((original.file.packageName ?? null) !== (update.file.packageName ?? null)) ctx.add('PACKAGE_CHANGED');
  compareTypeElements(ctx, original.file.types, update.file.types);
  return ctx.differences;
}

function indexTypes(types: readonly TypeElement[]): { messages: Map<string, MessageElement>; indexes: Map<string, number>; enums: Map<string, EnumElement> } {
  const messages = new Map<string, MessageElement>();
  const indexes = new Map<string, number>();
  const enums = new Map<string, EnumElement>();
  let index = 0;
  for (const t of types) {
    if (t.kind === 'message') {
      messages.set(t.name, t);
      indexes.set(t.name, index++);
    } else enums.set(t.name, t);
  }
  return { messages, indexes, enums };
}

/** Both schemas' types in one scope, by name, in the order Confluent's hash sets give them. */
function compareTypeElements(ctx: ProtoDiffContext, original: readonly TypeElement[], update: readonly TypeElement[]): void {
  const o = indexTypes(original);
  const u = indexTypes(update);
  const messageNames = JavaHashKeys.copyOf(JavaHashKeys.of(o.messages.keys())).addAll(JavaHashKeys.of(u.messages.keys()));
  const enumNames = JavaHashKeys.copyOf(JavaHashKeys.of(o.enums.keys())).addAll(JavaHashKeys.of(u.enums.keys()));
  for (const name of messageNames) {
    ctx.withName(name, () => {
      const om = o.messages.get(name);
      const um = u.messages.get(name);
      if (um === undefined) {
        const info = ctx.getType(name, true);
        if (info !== undefined && !info.isMap) ctx.add('MESSAGE_REMOVED');
      } else if (om === undefined) {
        const info = ctx.getType(name, false);
        if (info !== undefined && !info.isMap) ctx.add('MESSAGE_ADDED');
      } else {
        compareMessages(ctx, om, um);
        // Moving or reordering is compatible: serialized message indexes refer to the schema of the writer's id.
        if (o.indexes.get(name) !== u.indexes.get(name)) ctx.add('MESSAGE_MOVED');
      }
    });
  }
  for (const name of enumNames) {
    ctx.withName(name, () => {
      const oe = o.enums.get(name);
      const ue = u.enums.get(name);
      if (ue === undefined) ctx.add('ENUM_REMOVED');
      else if (oe === undefined) ctx.add('ENUM_ADDED');
      else compareEnums(ctx, oe, ue);
    });
  }
}

function compareEnums(ctx: ProtoDiffContext, original: EnumElement, update: EnumElement): void {
  const o = new Map(original.constants.map((c) => [c.tag, c]));
  const u = new Map(update.constants.map((c) => [c.tag, c]));
  for (const tag of JavaHashKeys.copyOf(JavaHashKeys.of(o.keys())).addAll(JavaHashKeys.of(u.keys()))) {
    ctx.withPath(String(tag), () => {
      const oc = o.get(tag);
      const uc = u.get(tag);
      if (uc === undefined) ctx.add('ENUM_CONST_REMOVED');
      else if (oc === undefined) ctx.add('ENUM_CONST_ADDED');
      else if (oc.name !== uc.name) ctx.add('ENUM_CONST_CHANGED');
    });
  }
}

interface MessageFields {
  readonly byTag: Map<number, FieldElement>;
  readonly tagToOneOf: Map<number, string>;
  readonly oneOfs: Map<string, OneOfElement>;
}

function collectFields(message: MessageElement): MessageFields {
  const byTag = new Map<number, FieldElement>();
  const tagToOneOf = new Map<number, string>();
  const oneOfs = new Map<string, OneOfElement>();
  for (const f of message.fields) byTag.set(f.tag, f);
  for (const oneOf of message.oneOfs) {
    oneOfs.set(oneOf.name, oneOf);
    for (const f of oneOf.fields) {
      byTag.set(f.tag, f);
      tagToOneOf.set(f.tag, oneOf.name);
    }
  }
  return { byTag, tagToOneOf, oneOfs };
}

const javaCompare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function compareMessages(ctx: ProtoDiffContext, original: MessageElement, update: MessageElement): void {
  ctx.withSchema(original, () => compareMessageFields(ctx, original, update));
  compareTypeElements(ctx, original.nestedTypes, update.nestedTypes);
}

function compareMessageFields(ctx: ProtoDiffContext, original: MessageElement, update: MessageElement): void {
  const o = collectFields(original);
  const u = collectFields(update);

  // A oneof gone with all of its members is a deletion (compatible); survivors are checked field by field.
  const deletedOneOfs = new Set<string>();
  for (const [name, oneOf] of o.oneOfs) {
    if (!u.oneOfs.has(name) && !oneOf.fields.some((f) => u.byTag.has(f.tag))) deletedOneOfs.add(name);
  }

  // Fields that were independent (top-level or in different oneofs) may not become mutually exclusive.
  for (const oneOf of update.oneOfs) {
    ctx.withPath(oneOf.name, () => {
      const groups = new Set<string>();
      let topLevelMovedIn = 0;
      for (const f of oneOf.fields) {
        const before = o.tagToOneOf.get(f.tag);
        if (before !== undefined) groups.add(`oneof:${before}`);
        else if (o.byTag.has(f.tag)) {
          groups.add(`field:${f.tag}`);
          topLevelMovedIn++;
        }
      }
      if (groups.size > 1) ctx.add(topLevelMovedIn > 1 ? 'MULTIPLE_FIELDS_MOVED_TO_ONEOF' : 'FIELD_MOVED_TO_EXISTING_ONEOF');
    });
  }

  for (const name of [...new Set([...o.oneOfs.keys(), ...u.oneOfs.keys()])].sort(javaCompare)) {
    ctx.withPath(name, () => {
      if (!u.oneOfs.has(name)) ctx.add('ONEOF_REMOVED');
      else if (!o.oneOfs.has(name)) ctx.add('ONEOF_ADDED');
    });
  }

  const atOneOf = (oneOf: string, tag: number, fn: () => void): void => ctx.withPath(oneOf, () => ctx.withPath(String(tag), fn));
  for (const tag of [...new Set([...o.byTag.keys(), ...u.byTag.keys()])].sort((a, b) => a - b)) {
    const of = o.byTag.get(tag);
    const uf = u.byTag.get(tag);
    const oOneOf = o.tagToOneOf.get(tag);
    const uOneOf = u.tagToOneOf.get(tag);
    if (uf === undefined) {
      if (oOneOf !== undefined) {
        if (!deletedOneOfs.has(oOneOf)) atOneOf(oOneOf, tag, () => ctx.add('ONEOF_FIELD_REMOVED'));
      } else {
        ctx.withPath(String(tag), () => ctx.add(of!.label === 'REQUIRED' ? 'REQUIRED_FIELD_REMOVED' : 'FIELD_REMOVED'));
      }
    } else if (of === undefined) {
      if (uOneOf !== undefined) atOneOf(uOneOf, tag, () => ctx.add('ONEOF_FIELD_ADDED'));
      else ctx.withPath(String(tag), () => ctx.add(uf.label === 'REQUIRED' ? 'REQUIRED_FIELD_ADDED' : 'FIELD_ADDED'));
    } else {
      if (oOneOf !== undefined && uOneOf === undefined) ctx.withPath(String(tag), () => ctx.add('ONEOF_FIELD_MOVED_TO_TOP_LEVEL'));
      if (uOneOf !== undefined) atOneOf(uOneOf, tag, () => compareFields(ctx, of, uf));
      else ctx.withPath(String(tag), () => compareFields(ctx, of, uf));
    }
  }
}

const SCALARS = new Set([
  'bool', 'bytes', 'double', 'float', 'fixed32', 'fixed64', 'int32', 'int64',
  'sfixed32', 'sfixed64', 'sint32', 'sint64', 'string', 'uint32', 'uint64',
]);

const isMapType = (type: string): boolean => type.startsWith('map<');

function mapParts(type: string): [key: string, value: string] {
  const inner = type.slice(4, -1);
  const comma = inner.indexOf(',');
  return [inner.slice(0, comma).trim(), inner.slice(comma + 1).trim()];
}

function compareFields(ctx: ProtoDiffContext, original: FieldElement, update: FieldElement): void {
  if (original.name !== update.name) ctx.add('FIELD_NAME_CHANGED');
  compareLabelsAndTypes(ctx, original.label, update.label, original.type, update.type);
}

type Kind = 'SCALAR' | 'MAP' | 'MESSAGE';

function kindOf(ctx: ProtoDiffContext, type: string, isOriginal: boolean): Kind {
  if (SCALARS.has(type)) return 'SCALAR';
  if (isMapType(type)) return 'MAP';
  return ctx.getType(type, isOriginal)?.type.kind === 'enum' ? 'SCALAR' : 'MESSAGE';
}

function compareLabelsAndTypes(
  ctx: ProtoDiffContext,
  originalLabel: FieldLabel | undefined,
  updateLabel: FieldLabel | undefined,
  originalType: string,
  updateType: string,
): void {
  const oInfo = ctx.getType(originalType, true);
  if (oInfo?.isMap) originalType = mapTypeOf(oInfo) ?? originalType;
  const uInfo = ctx.getType(updateType, false);
  if (uInfo?.isMap) updateType = mapTypeOf(uInfo) ?? updateType;
  const oKind = kindOf(ctx, originalType, true);
  const uKind = kindOf(ctx, updateType, false);
  if (oKind !== uKind) {
    ctx.add('FIELD_KIND_CHANGED');
    return;
  }
  if (oKind === 'SCALAR') compareScalars(ctx, originalLabel, updateLabel, originalType, updateType);
  else if (oKind === 'MESSAGE') compareMessageTypes(ctx, originalType, updateType);
  else {
    const [ok, ov] = mapParts(originalType);
    const [uk, uv] = mapParts(updateType);
    compareLabelsAndTypes(ctx, undefined, undefined, ok, uk);
    compareLabelsAndTypes(ctx, undefined, undefined, ov, uv);
  }
}

/** The wire-compatible groups of scalar types (protobuf's rules for updating a message type). */
type ScalarKind = 'GENERAL_NUMBER' | 'SIGNED_NUMBER' | 'STRING_OR_BYTES' | 'FIXED32' | 'FIXED64' | 'FLOAT' | 'DOUBLE';

function scalarKind(ctx: ProtoDiffContext, type: string, isOriginal: boolean): ScalarKind {
  if (ctx.getType(type, isOriginal)?.type.kind === 'enum') return 'GENERAL_NUMBER';
  switch (type) {
    case 'int32':
    case 'int64':
    case 'uint32':
    case 'uint64':
    case 'bool':
      return 'GENERAL_NUMBER';
    case 'sint32':
    case 'sint64':
      return 'SIGNED_NUMBER';
    case 'string':
    case 'bytes':
      return 'STRING_OR_BYTES';
    case 'fixed32':
    case 'sfixed32':
      return 'FIXED32';
    case 'fixed64':
    case 'sfixed64':
      return 'FIXED64';
    case 'float':
      return 'FLOAT';
    case 'double':
      return 'DOUBLE';
    default:
      throw new Error(`Unknown type ${type}`);
  }
}

function compareScalars(
  ctx: ProtoDiffContext,
  originalLabel: FieldLabel | undefined,
  updateLabel: FieldLabel | undefined,
  originalType: string,
  updateType: string,
): void {
  const o = scalarKind(ctx, originalType, true);
  const u = scalarKind(ctx, updateType, false);
  if (o !== u) {
    ctx.add('FIELD_SCALAR_KIND_CHANGED');
    return;
  }
  if (originalLabel !== undefined && updateLabel !== undefined && originalLabel !== updateLabel) {
    ctx.add(o === 'STRING_OR_BYTES' ? 'FIELD_STRING_OR_BYTES_LABEL_CHANGED' : 'FIELD_NUMERIC_LABEL_CHANGED');
  }
}

/** Same type by name (package aside); a type from outside the schema is compared member by member as well. */
function compareMessageTypes(ctx: ProtoDiffContext, originalType: string, updateType: string): void {
  const oFull = ctx.resolve(originalType, true);
  const uFull = ctx.resolve(updateType, false);
  if (oFull === undefined || uFull === undefined) {
    if (originalType !== updateType) ctx.add('FIELD_NAMED_TYPE_CHANGED');
    return;
  }
  const o = ctx.getType(oFull, true)!;
  const u = ctx.getType(uFull, false)!;
  const local = (full: string, pkg: string): string => (full.startsWith(`${pkg}.`) ? full.slice(pkg.length + 1) : full);
  const oLocal = local(oFull, o.packageName);
  const uLocal = local(uFull, u.packageName);
  if (oLocal !== uLocal) {
    ctx.add('FIELD_NAMED_TYPE_CHANGED');
    return;
  }
  // Types of the schema itself are compared where they are declared.
  if (o.origin === 'schema' && u.origin === 'schema') return;
  const sub = ctx.subcontext();
  sub.setPackageName(o.packageName, true);
  sub.setPackageName(u.packageName, false);
  sub.setFullName(oLocal);
  compareMessages(sub, o.type as MessageElement, u.type as MessageElement);
  ctx.addAll(sub.differences);
  if (!sub.isCompatible) ctx.add('FIELD_NAMED_TYPE_CHANGED');
}
