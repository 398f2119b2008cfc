/**
 * Connect schema → the .proto file Confluent's ProtobufData.fromConnectSchema builds for it: a struct becomes a
 * proto3 message (package from the namespace, nested structs, maps and enums as nested types), a primitive at the
 * root becomes the matching google.protobuf.*Value wrapper.
 */
import { Decimal, DataException, LogicalDate, LogicalTime, LogicalTimestamp, type Schema } from '../../data/index.js';
import {
  BOOL_WRAPPER, BYTES_WRAPPER, CONNECT_PRECISION_PROP, CONNECT_SCALE_PROP, CONNECT_TYPE_PROP, DATE_TYPE,
  DECIMAL_TYPE, DEFAULT_SCHEMA_NAME, DOUBLE_WRAPPER, FLOAT_WRAPPER, GENERALIZED_TYPE_ENUM, GENERALIZED_TYPE_UNION,
  INT32_WRAPPER, INT64_WRAPPER, KEY_FIELD, PROTOBUF_PRECISION_PROP, PROTOBUF_SCALE_PROP, PROTOBUF_TYPE_ENUM,
  PROTOBUF_TYPE_PROP, PROTOBUF_TYPE_TAG, PROTOBUF_TYPE_UNION, PROTOBUF_TYPE_UNION_PREFIX, PROTOBUF_TYPE_WRAPPER,
  STRING_WRAPPER, TIME_TYPE, TIMESTAMP_TYPE, UINT32_WRAPPER, UINT64_WRAPPER, VALUE_FIELD, WELL_KNOWN_LOCATIONS,
} from './connect-names.js';
import type { ProtobufDataConfig } from './data-config.js';
import { lastPart, scrubName, splitName, toMapEntry } from './names.js';
import { emptyMessage, type ProtoEnumModel, type ProtoFieldModel, type ProtoFileModel, type ProtoMessageModel } from './proto-file-model.js';

/** What a Connect schema is written as. */
export type ConnectProtoSchema =
  | { readonly kind: 'message'; readonly file: ProtoFileModel; readonly messageName: string }
  | { readonly kind: 'wrapper'; readonly messageName: string };

type Params = [string, string][];

const INT32_TYPES = new Set(['int32', 'sint32', 'sfixed32']);
const INT64_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64', 'uint32', 'fixed32']);

/** The protobuf schema for a Connect schema (ProtobufData.fromConnectSchema). */
export function protoSchemaFromConnect(schema: Schema, config: ProtobufDataConfig): ConnectProtoSchema {
  if (schema.type !== 'STRUCT') return { kind: 'wrapper', messageName: rootWrapper(schema) };
  return new FromConnect(config).file(schema);
}

/**
 * The full name of the message Confluent writes a Connect schema as: the struct's name (ConnectDefault1 without
 * one), scrubbed when asked, or the wrapper of a primitive.
 */
export function connectMessageName(schema: Schema, config: ProtobufDataConfig): string {
  if (schema.type !== 'STRUCT') return rootWrapper(schema);
  const scrub = config.scrubInvalidNames ? scrubName : (s: string) => s;
  const { namespace, name } = splitName(schema.name || `${DEFAULT_SCHEMA_NAME}1`, scrub);
  return namespace === undefined ? name : `${namespace}.${name}`;
}

/** A primitive at the root is written as a wrapper message, as Confluent does. */
function rootWrapper(schema: Schema): string {
  if (schema.name === Decimal.LOGICAL_NAME || schema.name === LogicalDate.LOGICAL_NAME
    || schema.name === LogicalTime.LOGICAL_NAME || schema.name === LogicalTimestamp.LOGICAL_NAME) {
    // Confluent registers the wrapper of the underlying type but writes the logical message: unreadable data.
    throw new DataException(`a ${schema.name} value cannot be written at the root of a Protobuf record; put it in a struct`);
  }
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32': return INT32_WRAPPER;
    case 'INT64': return INT64_WRAPPER;
    case 'FLOAT32': return FLOAT_WRAPPER;
    case 'FLOAT64': return DOUBLE_WRAPPER;
    case 'BOOLEAN': return BOOL_WRAPPER;
    case 'STRING': return STRING_WRAPPER;
    case 'BYTES': return BYTES_WRAPPER;
    default: throw new DataException(`Unsupported root schema of type ${schema.type}`);
  }
}

export function isUnionSchema(schema: Schema): boolean {
  return (schema.name !== undefined && schema.name.startsWith(PROTOBUF_TYPE_UNION))
    || (schema.parameters?.has(GENERALIZED_TYPE_UNION) ?? false);
}

export function isEnumSchema(schema: Schema): boolean {
  return (schema.parameters?.has(GENERALIZED_TYPE_ENUM) ?? false) || (schema.parameters?.has(PROTOBUF_TYPE_ENUM) ?? false);
}

function hasWrapperMarker(schema: Schema): boolean {
  return schema.parameters?.get(PROTOBUF_TYPE_WRAPPER)?.toLowerCase() === 'true';
}

/** One conversion: the ConnectDefaultN counter and which nested types each message already has. */
class FromConnect {
  readonly #config: ProtobufDataConfig;
  readonly #imports: string[] = [];
  readonly #children = new Map<ProtoMessageModel, Set<string>>();
  #nameIndex = 0;

  constructor(config: ProtobufDataConfig) {
    this.#config = config;
  }

  file(root: Schema): ConnectProtoSchema {
    const { namespace, name } = splitName(this.#nameOrDefault(root.name), (s) => this.#scrub(s));
    const message = this.#message(name, root, '');
    const file: ProtoFileModel = { packageName: namespace, imports: this.#imports, messages: [message] };
    return { kind: 'message', file, messageName: namespace === undefined ? name : `${namespace}.${name}` };
  }

  #scrub(name: string): string {
    return this.#config.scrubInvalidNames ? scrubName(name) : name;
  }

  #nameOrDefault(name: string | undefined): string {
    return name ? name : `${DEFAULT_SCHEMA_NAME}${++this.#nameIndex}`;
  }

  #unqualified(name: string | undefined): string {
    return this.#scrub(lastPart(this.#nameOrDefault(name)));
  }

  #message(name: string, struct: Schema, path: string): ProtoMessageModel {
    const message = emptyMessage(name);
    let index = 1;
    for (const field of struct.fields) {
      const at = join(path, field.name);
      const tagParam = field.schema.parameters?.get(PROTOBUF_TYPE_TAG);
      const tag = tagParam !== undefined ? parseTag(tagParam, at) : index++;
      const def = this.#field(message, field.schema, this.#scrub(field.name), tag, false, at);
      if (def === undefined) continue;
      message.fields.push(this.#label(field.schema) === 'optional' ? { ...def, label: 'optional' } : def);
    }
    return message;
  }

  #label(schema: Schema): 'optional' | 'repeated' | undefined {
    if (schema.type === 'ARRAY' || schema.type === 'MAP') return 'repeated';
    return this.#config.optionalForNullables && schema.optional ? 'optional' : undefined;
  }

  /** The field for a Connect field; undefined for a union, which becomes a oneof of the message instead. */
  #field(
    message: ProtoMessageModel, fieldSchema: Schema, name: string, tag: number, oneofMember: boolean, path: string,
  ): ProtoFieldModel | undefined {
    const label = this.#label(fieldSchema) === 'repeated' ? 'repeated' : undefined;
    const schema = fieldSchema.type === 'ARRAY' ? fieldSchema.valueSchema! : fieldSchema;
    const params: Params = [];
    const type = this.#dataType(schema, name, params, oneofMember, path);
    if (schema.type === 'STRUCT') {
      if (isUnionSchema(schema)) {
        this.#oneof(message, schema, this.#unionName(schema), path);
        return undefined;
      }
      if (!this.#contains(message, type)) {
        this.#childrenOf(message).add(type);
        message.messages.push(this.#message(type, schema, path));
      }
    } else if (schema.type === 'MAP') {
      message.messages.push(this.#mapEntry(type, schema, path));
    } else if (isEnumSchema(schema)) {
      const enumName = this.#unqualified(schema.name);
      if (!message.enums.some((e) => e.name === enumName)) message.enums.push(this.#enum(schema, path));
    } else {
      const location = WELL_KNOWN_LOCATIONS.get(type);
      if (location !== undefined && !this.#imports.includes(location)) this.#imports.push(location);
    }
    if (oneofMember && label === 'repeated') {
      throw new DataException('a union member cannot be an array or a map: Protobuf oneof fields cannot be repeated', { path });
    }
    return { label, type, name, number: tag, params };
  }

  #unionName(schema: Schema): string {
    const generalized = schema.parameters?.get(GENERALIZED_TYPE_UNION);
    if (this.#config.generalizedSumTypeSupport && generalized !== undefined) return generalized;
    if (schema.name?.startsWith(PROTOBUF_TYPE_UNION_PREFIX)) return this.#unqualified(schema.name.slice(PROTOBUF_TYPE_UNION_PREFIX.length));
    return this.#unqualified(generalized ?? schema.name);
  }

  #oneof(message: ProtoMessageModel, union: Schema, name: string, path: string): void {
    const oneof = { name, fields: [] as ProtoFieldModel[] };
    message.oneofs.push(oneof);
    for (const member of union.fields) {
      const at = join(path, member.name);
      const tagParam = member.schema.parameters?.get(PROTOBUF_TYPE_TAG);
      if (tagParam === undefined) {
        // Confluent numbers oneof members only from this parameter (0 otherwise, which Protobuf rejects).
        throw new DataException(`union member ${member.name} has no ${PROTOBUF_TYPE_TAG} parameter to number its Protobuf field`, { path: at });
      }
      const def = this.#field(message, member.schema, this.#scrub(member.name), parseTag(tagParam, at), true, at);
      if (def !== undefined) oneof.fields.push(def);
    }
  }

  #mapEntry(name: string, map: Schema, path: string): ProtoMessageModel {
    const entry = emptyMessage(name);
    const key = this.#field(entry, map.keySchema!, KEY_FIELD, 1, false, `${path}{key}`);
    const value = this.#field(entry, map.valueSchema!, VALUE_FIELD, 2, false, `${path}{value}`);
    if (key === undefined || value === undefined) throw new DataException('a map key or value cannot be a union', { path });
    entry.fields.push(key, value);
    return entry;
  }

  #enum(schema: Schema, path: string): ProtoEnumModel {
    const name = this.#unqualified(schema.name);
    const param = this.#config.generalizedSumTypeSupport ? GENERALIZED_TYPE_ENUM : PROTOBUF_TYPE_ENUM;
    const constants: [string, number][] = [];
    for (const [key, value] of schema.parameters ?? []) {
      if (key.startsWith(`${param}.`)) constants.push([key.slice(param.length + 1), parseTag(value, path, true)]);
    }
    if (constants.length === 0 || constants[0]![1] !== 0) {
      throw new DataException(`enum ${name} needs symbols (${param}.<symbol> parameters) and proto3 needs the first to be 0`, { path });
    }
    return { name, constants };
  }

  /** ProtobufData.dataTypeFromConnectSchema: the field's type name; collects the field meta params. */
  #dataType(schema: Schema, fieldName: string, params: Params, oneofMember: boolean, path: string): string {
    switch (schema.name) {
      case Decimal.LOGICAL_NAME: {
        // ProtobufData collects them in a HashMap, whose order for these two keys is precision, scale.
        const precision = schema.parameters?.get(CONNECT_PRECISION_PROP);
        if (precision !== undefined) params.push([PROTOBUF_PRECISION_PROP, precision]);
        const scale = schema.parameters?.get(CONNECT_SCALE_PROP);
        if (scale !== undefined) params.push([PROTOBUF_SCALE_PROP, scale]);
        return DECIMAL_TYPE;
      }
      case LogicalDate.LOGICAL_NAME: return DATE_TYPE;
      case LogicalTime.LOGICAL_NAME: return TIME_TYPE;
      case LogicalTimestamp.LOGICAL_NAME: return TIMESTAMP_TYPE;
    }
    const wrap = this.#config.wrapperForNullables && schema.optional && (!oneofMember || hasWrapperMarker(schema));
    const typeParam = schema.parameters?.get(PROTOBUF_TYPE_PROP);
    switch (schema.type) {
      case 'INT8':
      case 'INT16':
        params.push([CONNECT_TYPE_PROP, schema.type.toLowerCase()]);
        return wrap ? INT32_WRAPPER : 'int32';
      case 'INT32': {
        const enumType = schema.parameters?.get(PROTOBUF_TYPE_ENUM);
        if (enumType !== undefined) return enumType;
        const type = checkedType(typeParam ?? 'int32', INT32_TYPES, schema, path);
        return wrap ? INT32_WRAPPER : type;
      }
      case 'INT64': {
        const type = checkedType(typeParam ?? 'int64', INT64_TYPES, schema, path);
        const wrapper = type === 'uint32' || type === 'fixed32' ? UINT32_WRAPPER
          : type === 'uint64' || type === 'fixed64' ? UINT64_WRAPPER : INT64_WRAPPER;
        return wrap ? wrapper : type;
      }
      case 'FLOAT32': return wrap ? FLOAT_WRAPPER : 'float';
      case 'FLOAT64': return wrap ? DOUBLE_WRAPPER : 'double';
      case 'BOOLEAN': return wrap ? BOOL_WRAPPER : 'bool';
      case 'STRING': {
        const enumType = schema.parameters?.get(GENERALIZED_TYPE_ENUM) ?? schema.parameters?.get(PROTOBUF_TYPE_ENUM);
        if (enumType !== undefined) return enumType;
        return wrap ? STRING_WRAPPER : 'string';
      }
      case 'BYTES': return wrap ? BYTES_WRAPPER : 'bytes';
      case 'ARRAY': throw new DataException('Array cannot be nested: Protobuf has no repeated repeated fields', { path });
      case 'MAP': return toMapEntry(this.#unqualified(schema.name));
      case 'STRUCT': {
        const name = this.#unqualified(schema.name);
        // A message type cannot share the name of the field that uses it.
        return name === fieldName ? `${name}Message` : name;
      }
    }
  }

  /** A nested type of the same name as the message, or one it already has, is not defined again. */
  #contains(parent: ProtoMessageModel, child: string): boolean {
    return parent.name === child || this.#childrenOf(parent).has(child);
  }

  #childrenOf(parent: ProtoMessageModel): Set<string> {
    let set = this.#children.get(parent);
    if (set === undefined) this.#children.set(parent, (set = new Set()));
    return set;
  }
}

function checkedType(type: string, allowed: ReadonlySet<string>, schema: Schema, path: string): string {
  if (!allowed.has(type)) {
    throw new DataException(`${PROTOBUF_TYPE_PROP}=${type} is not a Protobuf type for a ${schema.type} schema (one of ${[...allowed].join(', ')})`, { path });
  }
  return type;
}

function parseTag(raw: string, path: string, allowZero = false): number {
  const n = /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < (allowZero ? -2147483648 : 1) || n > 2147483647) {
    throw new DataException(`'${raw}' is not a valid Protobuf ${allowZero ? 'enum number' : 'field number'}`, { path });
  }
  return n;
}

function join(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}
