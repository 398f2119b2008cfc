/**
 * Connect value → the object protobufjs encodes for a message type: ProtobufData.fromConnectData, mapped by field
 * name onto whichever message it is given (the one generated from the Connect schema, or an already registered
 * one under use.latest.version). Nulls are left out; wrapper-typed fields get their primitive wrapped.
 */
import protobuf from 'protobufjs';
import type { Enum, Type } from 'protobufjs';
import {
  DataException, Decimal, LogicalDate, LogicalTime, LogicalTimestamp, schemaEquals, Struct, type Field, type Schema,
} from '../../data/index.js';
import {
  DATE_TYPE, DECIMAL_TYPE, GENERALIZED_TYPE_ENUM, PROTOBUF_TYPE_ENUM, TIME_TYPE, TIMESTAMP_TYPE, WRAPPER_TYPES,
} from './connect-names.js';
import type { ProtobufDataConfig } from './data-config.js';
import { fieldInfo, fullNameOf, type FieldInfo } from './field-info.js';
import { describe, integerOf, toLongBits } from './int64.js';
import { dateToProto, decimalToProto, timeToProto, timestampToProto } from './logical-values.js';
import { scrubName } from './names.js';
import { isUnionSchema } from './schema-from-connect.js';

export type ProtoObject = Record<string, unknown>;
/** Converts one Connect value; undefined leaves the field out. */
type Convert = (value: unknown, path: string) => unknown;

const LOGICAL_MESSAGES: ReadonlyMap<string, readonly [string, (v: unknown, path: string) => object]> = new Map([
  [Decimal.LOGICAL_NAME, [DECIMAL_TYPE, decimalToProto]],
  [LogicalDate.LOGICAL_NAME, [DATE_TYPE, dateToProto]],
  [LogicalTime.LOGICAL_NAME, [TIME_TYPE, timeToProto]],
  [LogicalTimestamp.LOGICAL_NAME, [TIMESTAMP_TYPE, timestampToProto]],
]);

/** The writer of Connect values of `schema` as `type` messages (a primitive only into a wrapper message). */
export function messageWriter(schema: Schema, type: Type, config: ProtobufDataConfig): (value: unknown) => ProtoObject {
  const toProto = new FromConnect(config);
  if (schema.type === 'STRUCT') {
    const write = toProto.struct(schema, type);
    return (value) => write(value, '') as ProtoObject;
  }
  const name = fullNameOf(type);
  if (!WRAPPER_TYPES.has(name)) {
    throw new DataException(`a ${schema.type} value can only be written as a google.protobuf wrapper message, not as ${name}`);
  }
  const write = toProto.scalar(schema, type.fields.value!.type);
  return (value) => ({ value: write(value, '') });
}

class FromConnect {
  readonly #config: ProtobufDataConfig;
  readonly #structs = new Map<Schema, Map<Type, Convert>>();

  constructor(config: ProtobufDataConfig) {
    this.#config = config;
  }

  struct(schema: Schema, type: Type): Convert {
    let byType = this.#structs.get(schema);
    if (byType === undefined) this.#structs.set(schema, (byType = new Map()));
    let convert = byType.get(type);
    if (convert === undefined) {
      // Registered before compiling so a schema meeting the same type again below reuses it.
      const slots: ((struct: Struct, out: ProtoObject, path: string) => void)[] = [];
      convert = (value, path) => {
        if (!(value instanceof Struct)) throw new DataException(`Invalid type for STRUCT: ${describe(value)}`, { path });
        if (value.schema !== schema && !schemaEquals(value.schema, schema)) throw new DataException('Mismatching struct schema', { path });
        const out: ProtoObject = {};
        for (const slot of slots) slot(value, out, path);
        return out;
      };
      byType.set(type, convert);
      for (const field of schema.fields) slots.push(this.#slot(field, type));
    }
    return convert;
  }

  #get(struct: Struct, field: Field): unknown {
    return this.#config.ignoreDefaultForNullables ? struct.getWithoutDefault(field) : struct.get(field);
  }

  /** One Connect field: a plain field, or a union whose first non-null member is written into its oneof. */
  #slot(field: Field, type: Type): (struct: Struct, out: ProtoObject, path: string) => void {
    if (field.schema.type === 'STRUCT' && isUnionSchema(field.schema)) {
      const members = field.schema.fields.map((m) => ({ member: m, write: this.#field(m, type) }));
      return (struct, out, path) => {
        const union = this.#get(struct, field);
        if (union === null || union === undefined) return;
        const at = join(path, field.name);
        if (!(union instanceof Struct)) throw new DataException(`Invalid type for STRUCT: ${describe(union)}`, { path: at });
        for (const { member, write } of members) {
          const v = this.#get(union, member);
          if (v !== null && v !== undefined) return write(v, out, join(at, member.name));
        }
        throw new DataException('Cannot find non-null field', { path: at });
      };
    }
    const write = this.#field(field, type);
    return (struct, out, path) => {
      const v = this.#get(struct, field);
      if (v !== null && v !== undefined) write(v, out, join(path, field.name));
    };
  }

  /** The writer of a Connect field into the message field of the same (scrubbed) name. */
  #field(field: Field, type: Type): (value: unknown, out: ProtoObject, path: string) => void {
    const name = this.#config.scrubInvalidNames ? scrubName(field.name) : field.name;
    const target = type.fields[name];
    if (target === undefined) {
      return (_v, _out, path) => {
        throw new DataException(`Cannot find field with name ${name} in Protobuf message ${fullNameOf(type)}`, { path });
      };
    }
    const convert = this.#value(field.schema, fieldInfo(target, () => 'proto3'));
    return (value, out, path) => {
      const converted = convert(value, path);
      if (converted !== undefined) out[target.name] = converted;
    };
  }

  #value(schema: Schema, f: FieldInfo): Convert {
    if (f.isMapField) {
      if (schema.type !== 'MAP') throw mismatch(schema, f);
      return this.#mapField(schema, f);
    }
    if (f.repeated) {
      if (schema.type === 'MAP') {
        const entry = f.resolved;
        if (!(entry instanceof protobuf.Type) || !entry.fields.key || !entry.fields.value) throw mismatch(schema, f);
        return this.#entries(schema, entry);
      }
      if (schema.type !== 'ARRAY') throw mismatch(schema, f);
      const element = this.#single(schema.valueSchema!, f);
      return (value, path) => {
        if (!Array.isArray(value)) throw new DataException(`Invalid type for ARRAY: ${describe(value)}`, { path });
        if (value.length === 0) return undefined;
        return value.map((v, i) => {
          if (v === null || v === undefined) throw new DataException('a Protobuf repeated field cannot hold null', { path: `${path}[${i}]` });
          return element(v, `${path}[${i}]`);
        });
      };
    }
    if (schema.type === 'ARRAY' || schema.type === 'MAP') throw mismatch(schema, f);
    return this.#single(schema, f);
  }

  /** A map<> field: protobufjs wants an object keyed by the key's string form. */
  #mapField(schema: Schema, f: FieldInfo): Convert {
    const { key, value } = f.map!;
    const keyConvert = this.#single(schema.keySchema!, key);
    const valueConvert = this.#single(schema.valueSchema!, value);
    const valueDefault = value.resolved instanceof protobuf.Type ? {} : undefined;
    return (v, path) => {
      const out: ProtoObject = {};
      for (const [k, val] of entriesOf(v, path)) {
        const keyValue = k === null || k === undefined ? undefined : keyConvert(k, `${path}{key}`);
        const converted = val === null || val === undefined ? valueDefault : valueConvert(val, `${path}[${String(k)}]`);
        out[mapKeyString(keyValue, key.type)] = converted ?? scalarDefault(value);
      }
      return Object.keys(out).length === 0 ? undefined : out;
    };
  }

  /**
   * A map written as repeated entry messages with `key` and `value` fields (what Confluent generates for Connect
   * maps; the value may itself be repeated, for a map of arrays or of maps).
   */
  #entries(schema: Schema, entry: Type): Convert {
    const keyConvert = this.#value(schema.keySchema!, fieldInfo(entry.fields.key!, () => 'proto3'));
    const valueConvert = this.#value(schema.valueSchema!, fieldInfo(entry.fields.value!, () => 'proto3'));
    return (v, path) => {
      const list = entriesOf(v, path).map(([k, val]) => {
        const out: ProtoObject = {};
        const key = k === null || k === undefined ? undefined : keyConvert(k, `${path}{key}`);
        const value = val === null || val === undefined ? undefined : valueConvert(val, `${path}[${String(k)}]`);
        if (key !== undefined) out.key = key;
        if (value !== undefined) out.value = value;
        return out;
      });
      return list.length === 0 ? undefined : list;
    };
  }

  /** A non-repeated value of the field's type. */
  #single(schema: Schema, f: FieldInfo): Convert {
    const resolved = f.resolved;
    const logical = schema.name === undefined ? undefined : LOGICAL_MESSAGES.get(schema.name);
    if (logical !== undefined) {
      const [messageType, toProto] = logical;
      if (!(resolved instanceof protobuf.Type) || fullNameOf(resolved) !== messageType) throw mismatch(schema, f);
      return toProto;
    }
    if (resolved instanceof protobuf.Type) {
      const name = fullNameOf(resolved);
      if (WRAPPER_TYPES.has(name) && schema.type !== 'STRUCT') {
        const inner = this.scalar(schema, resolved.fields.value!.type);
        return (v, path) => ({ value: inner(v, path) });
      }
      if (schema.type === 'STRUCT' && !isUnionSchema(schema)) return this.struct(schema, resolved);
      throw mismatch(schema, f);
    }
    if (resolved instanceof protobuf.Enum) return this.#enum(schema, resolved, f);
    return this.scalar(schema, f.type);
  }

  #enum(schema: Schema, e: Enum, f: FieldInfo): Convert {
    const known = (n: number): boolean => e.valuesById[n] !== undefined;
    if (schema.type === 'STRING') {
      return (v, path) => {
        if (typeof v !== 'string') throw new DataException(`Invalid type for STRING: ${describe(v)}`, { path });
        const param = schema.parameters?.get(`${GENERALIZED_TYPE_ENUM}.${v}`) ?? schema.parameters?.get(`${PROTOBUF_TYPE_ENUM}.${v}`);
        const n = param !== undefined ? Number(param) : e.values[v];
        if (n === undefined || !known(n)) throw new DataException(`'${v}' is not a symbol of the Protobuf enum ${fullNameOf(e)}`, { path });
        return n;
      };
    }
    if (schema.type === 'INT8' || schema.type === 'INT16' || schema.type === 'INT32') {
      return (v, path) => {
        if (typeof v !== 'number' || !known(v)) throw new DataException(`${describe(v)} is not a number of the Protobuf enum ${fullNameOf(e)}`, { path });
        return v;
      };
    }
    throw mismatch(schema, f);
  }

  /** A Connect primitive as a protobuf scalar, with Java's casts (uint32 and fixed32 take the low 32 bits). */
  scalar(schema: Schema, protoType: string): Convert {
    const t = schema.type;
    const isInt = t === 'INT8' || t === 'INT16' || t === 'INT32' || t === 'INT64';
    switch (protoType) {
      case 'int32':
      case 'sint32':
      case 'sfixed32':
        if (!isInt) break;
        return (v, path) => {
          const n = integerOf(v, t, path);
          if (n !== BigInt.asIntN(32, n)) throw new DataException(`${n} does not fit the Protobuf ${protoType} field`, { path });
          return Number(n);
        };
      case 'uint32':
      case 'fixed32':
        if (!isInt) break;
        return (v, path) => Number(BigInt.asUintN(32, integerOf(v, t, path)));
      case 'int64':
      case 'uint64':
      case 'sint64':
      case 'fixed64':
      case 'sfixed64':
        if (!isInt) break;
        return (v, path) => toLongBits(integerOf(v, t, path));
      case 'float':
      case 'double':
        if (t !== 'FLOAT32' && t !== 'FLOAT64') break;
        return typed('number', t);
      case 'bool':
        if (t !== 'BOOLEAN') break;
        return typed('boolean', t);
      case 'string':
        if (t !== 'STRING') break;
        return typed('string', t);
      case 'bytes':
        if (t !== 'BYTES') break;
        return (v, path) => {
          if (!(v instanceof Uint8Array)) throw new DataException(`Invalid type for BYTES: ${describe(v)}`, { path });
          return v;
        };
    }
    throw new DataException(`a Connect ${t} cannot be written as a Protobuf ${protoType}`);
  }
}

function typed(jsType: 'number' | 'boolean' | 'string', connectType: string): Convert {
  return (v, path) => {
    if (typeof v !== jsType) throw new DataException(`Invalid type for ${connectType}: ${describe(v)}`, { path });
    return v;
  };
}

function mismatch(schema: Schema, f: FieldInfo): DataException {
  const target = f.resolved ? fullNameOf(f.resolved) : f.type;
  return new DataException(`a Connect ${schema} cannot be written to the Protobuf field ${f.name} (${f.repeated ? 'repeated ' : ''}${target})`);
}

function entriesOf(value: unknown, path: string): [unknown, unknown][] {
  if (value instanceof Map) return [...value.entries()];
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Struct)) return Object.entries(value);
  throw new DataException(`Invalid type for MAP: ${describe(value)}`, { path });
}

/** The key of a map<> entry as protobufjs takes it: its text (a signed decimal for 64-bit keys). */
function mapKeyString(key: unknown, type: string): string {
  if (key === undefined) return type === 'bool' ? 'false' : type === 'string' ? '' : '0';
  if (typeof key === 'object' && key !== null && 'low' in key) {
    const { low, high } = key as { low: number; high: number };
    return BigInt.asIntN(64, (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0)).toString();
  }
  return String(key);
}

/** A map<> value left null: the type's default, since a map entry always has a value. */
function scalarDefault(f: FieldInfo): unknown {
  if (f.resolved instanceof protobuf.Enum) return Object.values(f.resolved.values)[0] ?? 0;
  switch (f.type) {
    case 'bool': return false;
    case 'string': return '';
    case 'bytes': return new Uint8Array(0);
    default: return 0;
  }
}

function join(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}
