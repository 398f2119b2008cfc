/**
 * A protobufjs message type → the Connect schema Confluent's ProtobufData.toConnectSchema gives it, together with
 * the reader that turns a decoded message into the Connect value ProtobufData.toConnectData gives.
 *
 * Struct fields: the oneofs first (a union struct each, or their members when flattened), then the other fields
 * in declaration order. Every field schema carries its number as `io.confluent.connect.protobuf.Tag`.
 */
import protobuf from 'protobufjs';
import type { Enum, Field, Type } from 'protobufjs';
import {
  Decimal, DataException, LogicalDate, LogicalTime, LogicalTimestamp, Schema, SchemaBuilder, Struct,
} from '../../data/index.js';
import {
  CONNECT_PRECISION_PROP, CONNECT_TYPE_PROP, DATE_TYPE, DECIMAL_TYPE, GENERALIZED_TYPE_ENUM, GENERALIZED_TYPE_UNION,
  PROTOBUF_PRECISION_PROP, PROTOBUF_SCALE_PROP, PROTOBUF_TYPE_ENUM, PROTOBUF_TYPE_PROP, PROTOBUF_TYPE_TAG,
  PROTOBUF_TYPE_UNION_PREFIX, PROTOBUF_TYPE_WRAPPER, TIME_TYPE, TIMESTAMP_TYPE, WRAPPER_TYPES,
} from './connect-names.js';
import type { ProtobufDataConfig } from './data-config.js';
import { descriptorOrder, fieldInfo, fullNameOf, type FieldInfo } from './field-info.js';
import { connectInt64, fromLongBits } from './int64.js';
import { dateFromProto, decimalFromProto, timeFromProto, timestampFromProto } from './logical-values.js';
import { toMapField } from './names.js';
import type { Syntax } from './proto-loader.js';

/** The Connect schema of one message type and how to read its decoded messages. */
export interface MessageReader {
  readonly schema: Schema;
  read(message: object): unknown;
}

/** Reads a protobufjs value of a field as the Connect value of `schema`. */
type ValueReader = (value: unknown, schema: Schema, path: string) => unknown;

interface FieldCodec {
  readonly schema: Schema;
  readonly read: ValueReader;
}

/** A message type met during one conversion (ProtobufData's ToConnectContext). */
interface TypeEntry {
  readonly schema: Schema;
  readonly read: (message: Record<string, unknown>, schema: Schema, path: string) => Struct;
  /**
   * The Tag parameter the first use left on Confluent's shared schema builder: a later repeated use of the type
   * gets it on its element schema (SchemaWrapper reads the shared builder's parameters).
   */
  sharedTag: string | undefined;
  /** Whether a field has used the type yet (the first use is the shared builder itself). */
  used: boolean;
}

/** ProtobufData.toConnectSchema + toConnectData for the message `type`; `version` goes on the root schema. */
export function messageReader(
  type: Type, version: number | undefined, config: ProtobufDataConfig, syntaxOf: (obj: Field | Type) => Syntax,
): MessageReader {
  return new ToConnect(config, syntaxOf).root(type, version);
}

const INT32_TYPES = new Set(['int32', 'sint32', 'sfixed32']);
const INT64_TYPES = new Set(['uint32', 'fixed32', 'int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const LONG_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

class ToConnect {
  readonly #config: ProtobufDataConfig;
  readonly #syntaxOf: (obj: Field | Type) => Syntax;
  readonly #types = new Map<Type, TypeEntry | 'building'>();

  constructor(config: ProtobufDataConfig, syntaxOf: (obj: Field | Type) => Syntax) {
    this.#config = config;
    this.#syntaxOf = syntaxOf;
  }

  root(type: Type, version: number | undefined): MessageReader {
    const name = fullNameOf(type);
    if (this.#config.wrapperForRawPrimitives && WRAPPER_TYPES.has(name)) {
      const builder = unwrappedBuilder(name);
      if (version !== undefined) builder.version(version);
      const schema = builder.build();
      const inner = this.#wrapperValueReader(type);
      return { schema, read: (message) => inner(message, schema, '') };
    }
    const entry = this.#struct(type, version);
    return { schema: entry.schema, read: (message) => entry.read(message as Record<string, unknown>, entry.schema, '') };
  }

  #struct(type: Type, version?: number): TypeEntry {
    const known = this.#types.get(type);
    if (known === 'building') {
      throw new DataException(`the Protobuf message ${fullNameOf(type)} contains itself; recursive messages have no Connect schema here`);
    }
    if (known !== undefined) return known;
    this.#types.set(type, 'building');
    const builder = SchemaBuilder.struct().name(this.#config.enhancedSchemaSupport ? fullNameOf(type) : type.name);
    const slots: ((message: Record<string, unknown>, struct: Struct, path: string) => void)[] = [];
    const fields = descriptorOrder(type).map((f) => fieldInfo(f, this.#syntaxOf));
    const byField = new Map(fields.map((f) => [f.field!, f]));
    type.oneofsArray.filter((o) => !o.isProto3Optional).forEach((oneof, index) => {
      const members = oneof.fieldsArray.map((f) => byField.get(f)!);
      if (this.#config.flattenUnions) {
        for (const member of members) {
          const codec = this.#field(member, true);
          builder.field(member.name, codec.schema);
          slots.push(this.#fieldSlot(member, codec, true));
        }
        return;
      }
      const unionName = this.#config.generateIndexForUnions ? `${oneof.name}_${index}` : oneof.name;
      const union = SchemaBuilder.struct();
      if (this.#config.generalizedSumTypeSupport) union.name(oneof.name).parameter(GENERALIZED_TYPE_UNION, oneof.name);
      else union.name(PROTOBUF_TYPE_UNION_PREFIX + (this.#config.enhancedSchemaSupport ? `${fullNameOf(type)}.${oneof.name}` : oneof.name));
      const codecs = members.map((m) => this.#field(m, true));
      members.forEach((m, i) => union.field(m.name, codecs[i]!.schema));
      const unionSchema = union.optional().build();
      builder.field(unionName, unionSchema);
      slots.push((message, struct, path) => {
        // With several members on the wire protobufjs keeps them all; the last declared one wins here.
        for (let i = members.length - 1; i >= 0; i--) {
          const value = present(message, members[i]!.name);
          if (value === undefined) continue;
          const at = join(path, members[i]!.name);
          const memberSchema = unionSchema.fields[i]!.schema;
          struct.put(unionName, new Struct(unionSchema).put(members[i]!.name, codecs[i]!.read(value, memberSchema, at)));
          return;
        }
      });
    });
    for (const f of fields) {
      if (f.inRealOneof) continue;
      const codec = this.#field(f, false);
      builder.field(f.name, codec.schema);
      slots.push(this.#fieldSlot(f, codec, false));
    }
    if (version !== undefined) builder.version(version);
    const entry: TypeEntry = {
      schema: builder.build(),
      read: (message, schema, path) => {
        const struct = new Struct(schema);
        for (const slot of slots) slot(message, struct, path);
        return struct;
      },
      sharedTag: undefined,
      used: false,
    };
    this.#types.set(type, entry);
    return entry;
  }

  /** ProtobufData.setStructField: when a field goes into the struct, and with which value. */
  #fieldSlot(f: FieldInfo, codec: FieldCodec, oneofMember: boolean): (message: Record<string, unknown>, struct: Struct, path: string) => void {
    const primitiveOrRepeated = !(f.resolved instanceof protobuf.Type) || f.repeated;
    const optional = f.proto3Optional || (this.#config.optionalForProto2 && f.optionalKeyword);
    const always = !oneofMember && ((primitiveOrRepeated && !optional) || this.#config.generateStructForNulls);
    return (message, struct, path) => {
      const value = present(message, f.name);
      if (value === undefined && !always) return;
      const at = join(path, f.name);
      struct.put(f.name, codec.read(value ?? defaultOf(f), codec.schema, at));
    };
  }

  /** ProtobufData.toConnectSchema(FieldDescriptor) and the matching toConnectData. */
  #field(f: FieldInfo, oneofMember: boolean): FieldCodec {
    const base = this.#base(f);
    let builder = base.builder;
    let read = base.read;
    if (f.repeated && builder.type !== 'MAP') {
      const element = base.shareSchema ? base.shareSchema(undefined) : builder.optional().build();
      const elementRead = read;
      builder = SchemaBuilder.array(element).optional();
      read = (value, schema, path) => (value as unknown[]).map((v, i) => elementRead(v, schema.valueSchema!, `${path}[${i}]`));
    } else if (base.shareSchema) {
      builder = SchemaBuilder.from(base.shareSchema(String(f.id)));
    }
    if (oneofMember) {
      builder.optional();
      if (this.#config.wrapperForNullables && f.resolved instanceof protobuf.Type && WRAPPER_TYPES.has(fullNameOf(f.resolved))) {
        builder.parameter(PROTOBUF_TYPE_WRAPPER, 'true');
      }
    } else if (this.#config.optionalForNullables) {
      if (f.optionalKeyword) builder.optional();
    } else if (!this.#config.wrapperForNullables) {
      builder.optional();
    }
    builder.parameter(PROTOBUF_TYPE_TAG, String(f.id));
    return { schema: builder.build(), read };
  }

  /**
   * The schema builder for the field's type (before repetition, optionality and the Tag) and its value reader.
   * A message field's struct is shared between its uses: `shareSchema(tag)` gives a use's schema.
   */
  #base(f: FieldInfo): { builder: SchemaBuilder; read: ValueReader; shareSchema?: (tag: string | undefined) => Schema } {
    if (f.map) return this.#map(f);
    const resolved = f.resolved;
    if (resolved instanceof protobuf.Enum) return this.#enum(resolved);
    if (resolved instanceof protobuf.Type) return this.#messageBase(f, resolved);
    return scalarBase(f);
  }

  #enum(e: Enum): { builder: SchemaBuilder; read: ValueReader } {
    const builder = this.#config.intForEnums ? SchemaBuilder.int32() : SchemaBuilder.string();
    builder.name(this.#config.enhancedSchemaSupport ? fullNameOf(e) : e.name);
    const param = this.#config.generalizedSumTypeSupport ? GENERALIZED_TYPE_ENUM : PROTOBUF_TYPE_ENUM;
    builder.parameter(param, e.name);
    const names = new Map<number, string>();
    for (const [symbol, number] of Object.entries(e.values)) {
      builder.parameter(`${param}.${symbol}`, String(number));
      if (!names.has(number)) names.set(number, symbol);
    }
    builder.optional();
    const read: ValueReader = this.#config.intForEnums
      ? (v) => Number(v)
      // An open enum keeps numbers it has no symbol for; Java names them as below.
      : (v) => names.get(Number(v)) ?? `UNKNOWN_ENUM_VALUE_${e.name}_${Number(v)}`;
    return { builder, read };
  }

  #messageBase(f: FieldInfo, type: Type): { builder: SchemaBuilder; read: ValueReader; shareSchema?: (tag: string | undefined) => Schema } {
    const name = fullNameOf(type);
    const logical = (builder: SchemaBuilder, read: ValueReader) => ({ builder: builder.optional(), read });
    switch (name) {
      case DECIMAL_TYPE: {
        const precision = intParam(f.meta.get(PROTOBUF_PRECISION_PROP));
        const builder = Decimal.builder(intParam(f.meta.get(PROTOBUF_SCALE_PROP)) ?? 0);
        if (precision !== undefined) builder.parameter(CONNECT_PRECISION_PROP, String(precision));
        return logical(builder, (v, _s, path) => decimalFromProto(v as Record<string, unknown>, path));
      }
      case DATE_TYPE: return logical(LogicalDate.builder(), (v, _s, path) => dateFromProto(v as Record<string, unknown>, path));
      case TIME_TYPE: return logical(LogicalTime.builder(), (v, _s, path) => timeFromProto(v as Record<string, unknown>, path));
      case TIMESTAMP_TYPE: return logical(LogicalTimestamp.builder(), (v, _s, path) => timestampFromProto(v as Record<string, unknown>, path));
    }
    if (this.#config.wrapperForNullables && WRAPPER_TYPES.has(name)) {
      return { builder: unwrappedBuilder(name).optional(), read: this.#wrapperValueReader(type) };
    }
    const entry = this.#struct(type);
    const read: ValueReader = (v, schema, path) => entry.read(v as Record<string, unknown>, schema, path);
    const shareSchema = (tag: string | undefined): Schema => {
      const builder = SchemaBuilder.from(entry.schema).optional();
      // The first use is Confluent's shared builder itself; a singular first use leaves its Tag on it.
      if (!entry.used && tag !== undefined) entry.sharedTag = tag;
      else if (entry.used && tag === undefined && entry.sharedTag !== undefined) builder.parameter(PROTOBUF_TYPE_TAG, entry.sharedTag);
      entry.used = true;
      return builder.build();
    };
    return { builder: SchemaBuilder.struct(), read, shareSchema };
  }

  #map(f: FieldInfo): { builder: SchemaBuilder; read: ValueReader } {
    const info = f.map!;
    const key = this.#field(info.key, false);
    const value = this.#field(info.value, false);
    const name = toMapField(this.#config.enhancedSchemaSupport ? info.entryFullName : info.entryName);
    const builder = SchemaBuilder.map(key.schema, value.schema).name(name).optional();
    const read: ValueReader = f.isMapField
      ? (v, schema, path) => {
        const out = new Map<unknown, unknown>();
        for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
          out.set(key.read(mapKeyOf(k, info.key.type), schema.keySchema!, `${path}{key}`), value.read(val ?? defaultOf(info.value), schema.valueSchema!, `${path}[${k}]`));
        }
        return out;
      }
      : (v, schema, path) => {
        const out = new Map<unknown, unknown>();
        for (const entry of v as Record<string, unknown>[]) {
          const k = key.read(present(entry, 'key') ?? defaultOf(info.key), schema.keySchema!, `${path}{key}`);
          out.set(k, value.read(present(entry, 'value') ?? defaultOf(info.value), schema.valueSchema!, `${path}[${String(k)}]`));
        }
        return out;
      };
    return { builder, read };
  }

  /** ProtobufData.getWrappedValue: the wrapper's `value` field, read as its scalar type. */
  #wrapperValueReader(type: Type): ValueReader {
    const valueField = fieldInfo(type.fields.value!, this.#syntaxOf);
    const scalar = scalarBase(valueField).read;
    return (v, schema, path) => scalar(present(v as Record<string, unknown>, 'value') ?? defaultOf(valueField), schema, path);
  }
}

/** ProtobufData.toUnwrappedSchema. */
function unwrappedBuilder(wrapper: string): SchemaBuilder {
  switch (wrapper) {
    case 'google.protobuf.DoubleValue': return SchemaBuilder.float64();
    case 'google.protobuf.FloatValue': return SchemaBuilder.float32();
    case 'google.protobuf.Int32Value': return SchemaBuilder.int32();
    case 'google.protobuf.BoolValue': return SchemaBuilder.bool();
    case 'google.protobuf.StringValue': return SchemaBuilder.string();
    case 'google.protobuf.BytesValue': return SchemaBuilder.bytes();
    default: return SchemaBuilder.int64(); // Int64Value, UInt64Value, UInt32Value
  }
}

/** Scalar fields: the Connect type for the protobuf type and the value conversion. */
function scalarBase(f: FieldInfo): { builder: SchemaBuilder; read: ValueReader } {
  const type = f.type;
  if (INT32_TYPES.has(type)) {
    const connectType = f.meta.get(CONNECT_TYPE_PROP);
    if (connectType === 'int8') return { builder: SchemaBuilder.int8(), read: (v) => (Number(v) << 24) >> 24 };
    if (connectType === 'int16') return { builder: SchemaBuilder.int16(), read: (v) => (Number(v) << 16) >> 16 };
    const builder = SchemaBuilder.int32();
    if (type !== 'int32') builder.parameter(PROTOBUF_TYPE_PROP, type);
    return { builder, read: intReader };
  }
  if (INT64_TYPES.has(type)) {
    const builder = SchemaBuilder.int64();
    if (type !== 'int64') builder.parameter(PROTOBUF_TYPE_PROP, type);
    return { builder, read: LONG_TYPES.has(type) ? (v) => connectInt64(fromLongBits(v)) : (v) => Number(v) >>> 0 };
  }
  switch (type) {
    case 'float': return { builder: SchemaBuilder.float32(), read: (v) => Number(v) };
    case 'double': return { builder: SchemaBuilder.float64(), read: (v) => Number(v) };
    case 'bool': return { builder: SchemaBuilder.bool(), read: (v) => Boolean(v) };
    case 'string': return { builder: SchemaBuilder.string(), read: (v) => String(v) };
    case 'bytes': return { builder: SchemaBuilder.bytes(), read: (v) => Uint8Array.from(v as Uint8Array) };
  }
  throw new DataException(`Unknown Connect schema type for Protobuf field ${f.name} of type ${type}`);
}

/** A value read as an INT32, INT8 or INT16 (narrowed as Java's byteValue/shortValue do). */
const intReader: ValueReader = (v, schema) => {
  const n = Number(v);
  return schema.type === 'INT8' ? (n << 24) >> 24 : schema.type === 'INT16' ? (n << 16) >> 16 : n;
};

/** A map<> key as protobufjs keeps it (string, "true"/"false", or an 8-character hash for 64-bit keys). */
function mapKeyOf(key: string, type: string): unknown {
  if (type === 'string') return key;
  if (type === 'bool') return key === 'true' || key === '1';
  if (LONG_TYPES.has(type)) {
    // Decoded keys are always 8-character hashes while protobufjs has Long support (its `long` dependency).
    if (key.length !== 8) return BigInt(key);
    const bits = protobuf.util.LongBits.fromHash(key);
    return { low: bits.lo, high: bits.hi };
  }
  return Number(key);
}

/** The field's value when it is on the wire; undefined when it is not. */
function present(message: Record<string, unknown>, name: string): unknown {
  if (!Object.prototype.hasOwnProperty.call(message, name)) return undefined;
  const v = message[name];
  return v === null ? undefined : v;
}

/** What Java's getField gives for a field that is not set. */
function defaultOf(f: FieldInfo): unknown {
  if (f.isMapField) return {};
  if (f.repeated) return [];
  const resolved = f.resolved;
  if (resolved instanceof protobuf.Type) return resolved.create();
  const explicit = f.explicitDefault;
  if (resolved instanceof protobuf.Enum) {
    if (typeof explicit === 'string' && resolved.values[explicit] !== undefined) return resolved.values[explicit];
    if (typeof explicit === 'number') return explicit;
    return Object.values(resolved.values)[0] ?? 0;
  }
  if (LONG_TYPES.has(f.type)) return explicit === undefined ? 0n : BigInt(explicit as string | number);
  if (explicit !== undefined) {
    if (f.type === 'bool') return explicit === true || explicit === 'true';
    if (f.type === 'bytes') return typeof explicit === 'string' ? new TextEncoder().encode(explicit) : new Uint8Array(0);
    return explicit;
  }
  switch (f.type) {
    case 'bool': return false;
    case 'string': return '';
    case 'bytes': return new Uint8Array(0);
    default: return 0;
  }
}

function intParam(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^\s*-?\d+\s*$/.test(raw)) return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= -2147483648 && n <= 2147483647 ? n : undefined;
}

function join(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}
