/**
 * Avro schema → Connect schema, as Confluent's AvroData.toConnectSchema reads one:
 * - int → INT32, or INT8/INT16 by `connect.type`, or Date / Time by logicalType date / time-millis; long → INT64,
 *   or Timestamp by timestamp-millis (time-micros, timestamp-micros, uuid, … stay plain INT64/STRING); float, double,
 *   boolean, string; bytes and fixed → BYTES (fixed: named, `connect.fixed.size`), or Decimal by logicalType decimal;
 * - enum → STRING with the io.confluent.connect.avro.Enum parameters (generalized: org.apache.kafka.connect.data.Enum);
 * - array; map → MAP with STRING keys; an array of MapEntry records → MAP; record → STRUCT named by its full name;
 * - [null, T] (either order) → optional T; other unions → struct io.confluent.connect.avro.Union (optional when it
 *   has null) with one optional field per branch, named by the branch type (or connect_union_field_N);
 * - `connect.name`, `connect.version` (else the registry's version, top level), `connect.doc`, `connect.parameters`,
 *   `connect.default` and field defaults (with the io.confluent.connect.avro.field.default flag), docs as
 *   parameters, `avro*` properties as parameters, field-level `connect.parameters`.
 * Recursive Avro types have no Connect form (a Connect schema is a tree): they are refused.
 */
import { DataException } from '../errors.js';
import { Decimal, LogicalDate, LogicalTime, LogicalTimestamp } from '../logical.js';
import { Schema, type SchemaType } from '../schema.js';
import { SchemaBuilder } from '../schema-builder.js';
import { JsonNumber, type Json } from './json.js';
import { javaToString, normalizedJson, toJavaObject, type JavaObject } from './java-object.js';
import {
  AVRO_ENUM_DEFAULT_PREFIX_PROP, AVRO_ENUM_DOC_PREFIX_PROP, AVRO_FIELD_DEFAULT_FLAG_PROP, AVRO_FIELD_DOC_PREFIX_PROP,
  AVRO_LOGICAL_DATE, AVRO_LOGICAL_DECIMAL, AVRO_LOGICAL_DECIMAL_PRECISION_PROP, AVRO_LOGICAL_DECIMAL_SCALE_PROP,
  AVRO_LOGICAL_TIME_MILLIS, AVRO_LOGICAL_TIMESTAMP_MILLIS, AVRO_LOGICAL_TYPE_PROP, AVRO_NAMESPACE, AVRO_PROP,
  AVRO_RECORD_DOC_PROP, AVRO_TYPE_ENUM, AVRO_TYPE_UNION, CONNECT_AVRO_DECIMAL_PRECISION_DEFAULT,
  CONNECT_AVRO_DECIMAL_PRECISION_PROP, CONNECT_AVRO_FIXED_SIZE_PROP, CONNECT_DEFAULT_VALUE_PROP, CONNECT_DOC_PROP,
  CONNECT_ENUM_DOC_PROP, CONNECT_INTERNAL_TYPE_NAME, CONNECT_NAME_PROP, CONNECT_PARAMETERS_PROP, CONNECT_RECORD_DOC_PROP,
  CONNECT_TYPE_INT16, CONNECT_TYPE_INT8, CONNECT_TYPE_PROP, CONNECT_VERSION_PROP, DEFAULT_SCHEMA_FULL_NAME,
  GENERALIZED_TYPE_ENUM, GENERALIZED_TYPE_UNION, GENERALIZED_TYPE_UNION_PREFIX, KEY_FIELD, MAP_ENTRY_TYPE_NAME, VALUE_FIELD,
} from './names.js';
import type { AvroDataSettings } from './options.js';
import { fullNameOf, isPlainNull, textProp, type AvroNode, type FieldNode, type RecordNode } from './schema-node.js';
import { defaultFromJava, defaultFromJson } from './to-connect-default.js';
import { unionMemberFieldName } from './union-branch.js';

/** What a Connect schema is made of, gathered before it is built (so a default can be tried and dropped). */
interface Spec {
  type: SchemaType;
  name?: string;
  version?: number;
  doc?: string;
  optional: boolean;
  params: Map<string, string>;
  keySchema?: Schema;
  valueSchema?: Schema;
  fields?: { name: string; schema: Schema }[];
}

function build(spec: Spec, defaultValue?: unknown): Schema {
  const b = spec.type === 'ARRAY' ? SchemaBuilder.array(spec.valueSchema!)
    : spec.type === 'MAP' ? SchemaBuilder.map(spec.keySchema!, spec.valueSchema!)
    : SchemaBuilder.type(spec.type);
  if (spec.name !== undefined) b.name(spec.name);
  if (spec.version !== undefined) b.version(spec.version);
  if (spec.doc !== undefined) b.doc(spec.doc);
  if (spec.optional) b.optional();
  if (spec.params.size > 0) b.parameters(spec.params);
  for (const f of spec.fields ?? []) b.field(f.name, f.schema);
  if (defaultValue !== undefined && defaultValue !== null) b.defaultValue(defaultValue);
  return b.build();
}

export interface ToConnectContext {
  readonly s: AvroDataSettings;
  /** `generalized.sum.type.support` numbers unions connect_union_0, 1, … for the life of the converter. */
  readonly unionCounter: { next: number };
}

interface Ctx extends ToConnectContext {
  readonly inProgress: Set<RecordNode>;
}

/** A field default: the Avro field's (a Java object), or none. */
type FieldDefault = { readonly java: JavaObject } | undefined;

/** The Connect schema AvroData reads from an Avro schema; `version` is the registry's (used without connect.version). */
export function toConnectSchema(node: AvroNode, c: ToConnectContext, version?: number): Schema {
  return convert(node, false, undefined, undefined, version, { ...c, inProgress: new Set() });
}

function withCycles(node: AvroNode, forceOptional: boolean, doc: string | undefined, ctx: Ctx): Schema {
  if (node.type === 'record' && ctx.inProgress.has(node)) {
    throw new DataException(`the Avro schema is recursive (${fullNameOf(node)} contains itself), which a Connect schema cannot express`);
  }
  return convert(node, forceOptional, undefined, doc, undefined, ctx);
}

function isMapEntry(n: AvroNode): n is RecordNode {
  return n.type === 'record' &&
    ((n.namespace === AVRO_NAMESPACE && n.name === MAP_ENTRY_TYPE_NAME) || textProp(n, CONNECT_INTERNAL_TYPE_NAME) === MAP_ENTRY_TYPE_NAME);
}

function convert(node: AvroNode, forceOptional: boolean, fieldDefault: FieldDefault, docDefault: string | undefined, version: number | undefined, ctx: Ctx): Schema {
  const s = ctx.s;
  const spec: Spec = { type: 'STRUCT', optional: false, params: new Map() };
  switch (node.type) {
    case 'union':
      return unionSchema(node, forceOptional, fieldDefault, docDefault, version, ctx);
    case 'null':
      throw new DataException('Standalone null schemas are not supported by this converter');
    default:
      break;
  }
  const connectType = textProp(node, CONNECT_TYPE_PROP);
  const logicalType = textProp(node, AVRO_LOGICAL_TYPE_PROP)?.toLowerCase();
  switch (node.type) {
    case 'boolean':
      spec.type = 'BOOLEAN';
      break;
    case 'bytes':
    case 'fixed':
      if (logicalType === AVRO_LOGICAL_DECIMAL) {
        const scale = node.props.get(AVRO_LOGICAL_DECIMAL_SCALE_PROP);
        setLogical(spec, Decimal.builder(scale instanceof JsonNumber ? Math.trunc(scale.toNumber()) | 0 : 0).build());
        const precision = node.props.get(AVRO_LOGICAL_DECIMAL_PRECISION_PROP);
        if (precision !== undefined) {
          if (!(precision instanceof JsonNumber)) {
            throw new DataException('precision property must be a JSON Integer. https://avro.apache.org/docs/1.9.1/spec.html#Decimal');
          }
          const p = Math.trunc(precision.toNumber()) | 0;
          if (p !== CONNECT_AVRO_DECIMAL_PRECISION_DEFAULT) spec.params.set(CONNECT_AVRO_DECIMAL_PRECISION_PROP, String(p));
        }
      } else {
        spec.type = 'BYTES';
      }
      if (node.type === 'fixed') spec.params.set(CONNECT_AVRO_FIXED_SIZE_PROP, String(node.size));
      break;
    case 'double':
      spec.type = 'FLOAT64';
      break;
    case 'float':
      spec.type = 'FLOAT32';
      break;
    case 'int':
      if (logicalType !== undefined) {
        if (logicalType === AVRO_LOGICAL_DATE) setLogical(spec, LogicalDate.schema());
        else if (logicalType === AVRO_LOGICAL_TIME_MILLIS) setLogical(spec, LogicalTime.schema());
        else spec.type = 'INT32';
      } else if (connectType === undefined) {
        spec.type = 'INT32';
      } else if (connectType === CONNECT_TYPE_INT8 || connectType === CONNECT_TYPE_INT16) {
        spec.type = connectType === CONNECT_TYPE_INT8 ? 'INT8' : 'INT16';
      } else {
        throw new DataException('Connect type annotation for Avro int field is null');
      }
      break;
    case 'long':
      if (logicalType === AVRO_LOGICAL_TIMESTAMP_MILLIS) setLogical(spec, LogicalTimestamp.schema());
      else spec.type = 'INT64';
      break;
    case 'string':
      spec.type = 'STRING';
      break;
    case 'array':
      if (isMapEntry(node.items)) {
        const entry = node.items;
        const key = entry.fields.find((f) => f.name === KEY_FIELD);
        const value = entry.fields.find((f) => f.name === VALUE_FIELD);
        if (entry.fields.length !== 2 || !key || !value) {
          throw new DataException('Found map encoded as array of key-value pairs, but array elements do not match the expected format.');
        }
        spec.type = 'MAP';
        spec.keySchema = withCycles(key.type, false, undefined, ctx);
        spec.valueSchema = withCycles(value.type, false, undefined, ctx);
      } else {
        spec.type = 'ARRAY';
        spec.valueSchema = withCycles(node.items, false, undefined, ctx);
      }
      break;
    case 'map':
      spec.type = 'MAP';
      spec.keySchema = Schema.STRING;
      spec.valueSchema = withCycles(node.values, false, undefined, ctx);
      break;
    case 'record':
      recordSpec(spec, node, ctx);
      break;
    case 'enum': {
      spec.type = 'STRING';
      if (s.connectMetaData) {
        if (node.doc !== undefined) spec.params.set(s.discardTypeDocDefault ? CONNECT_ENUM_DOC_PROP : AVRO_ENUM_DOC_PREFIX_PROP + node.name, node.doc);
        if (!s.discardTypeDocDefault && node.default !== undefined) spec.params.set(AVRO_ENUM_DEFAULT_PREFIX_PROP + node.name, node.default);
      }
      const paramName = s.generalizedSumTypeSupport ? GENERALIZED_TYPE_ENUM : AVRO_TYPE_ENUM;
      spec.params.set(paramName, fullNameOf(node));
      node.symbols.forEach((sym, i) => spec.params.set(`${paramName}.${sym}`, s.generalizedSumTypeSupport ? String(i) : sym));
      break;
    }
  }
  return finish(spec, node, forceOptional, fieldDefault, docDefault, version, ctx);
}

function setLogical(spec: Spec, logical: Schema): void {
  spec.type = logical.type;
  spec.name = logical.name;
  spec.version = logical.version;
  for (const [k, v] of logical.parameters ?? []) spec.params.set(k, v);
}

function recordSpec(spec: Spec, node: RecordNode, ctx: Ctx): void {
  const s = ctx.s;
  spec.type = 'STRUCT';
  spec.fields = [];
  ctx.inProgress.add(node);
  if (!s.discardTypeDocDefault && s.connectMetaData && node.doc !== undefined) spec.params.set(AVRO_RECORD_DOC_PROP, node.doc);
  for (const f of node.fields) {
    if (!s.discardTypeDocDefault && s.connectMetaData && f.doc !== undefined) spec.params.set(AVRO_FIELD_DOC_PREFIX_PROP + f.name, f.doc);
    if (f.type.type === 'record' && ctx.inProgress.has(f.type)) {
      throw new DataException(`the Avro schema is recursive (${fullNameOf(f.type)} contains itself), which a Connect schema cannot express`);
    }
    let fieldSchema = convert(f.type, false, fieldDefaultOf(f), f.doc, undefined, ctx);
    if (s.connectMetaData) {
      const fieldParams = f.props.get(CONNECT_PARAMETERS_PROP);
      if (fieldParams instanceof Map) fieldSchema = withFieldParams(fieldSchema, fieldParams);
    }
    spec.fields.push({ name: f.name, schema: fieldSchema });
  }
  ctx.inProgress.delete(node);
}

/** Java's `field.defaultVal()`; a default Java Avro cannot read is ignored. */
function fieldDefaultOf(f: FieldNode): FieldDefault {
  if (f.default === undefined) return undefined;
  try {
    const java = toJavaObject(f.default, f.type);
    return java === undefined ? undefined : { java };
  } catch {
    return undefined;
  }
}

/** AvroData's applyFieldLevelParams: a shared named type's parameters at this use of it. */
function withFieldParams(original: Schema, fieldParams: Map<string, Json>): Schema {
  const texts = [...fieldParams].map(([k, v]) => [k, javaToString(toJavaObject(v))] as const);
  if (texts.every(([k, v]) => original.parameters?.get(k) === v)) return original;
  const spec: Spec = {
    type: original.type, name: original.name, version: original.version, doc: original.doc, optional: original.optional,
    params: new Map(original.parameters ?? []), keySchema: original.keySchema, valueSchema: original.valueSchema,
    fields: original.type === 'STRUCT' ? original.fields.map((f) => ({ name: f.name, schema: f.schema })) : undefined,
  };
  for (const [k, v] of texts) spec.params.set(k, v);
  try {
    return build(spec, original.defaultValue);
  } catch (e) {
    if (e instanceof DataException) return build(spec);
    throw e;
  }
}

function unionSchema(node: Extract<AvroNode, { type: 'union' }>, forceOptional: boolean, fieldDefault: FieldDefault, docDefault: string | undefined, version: number | undefined, ctx: Ctx): Schema {
  const s = ctx.s;
  if (node.types.length === 1 && s.flattenSingletonUnions) return withCycles(node.types[0]!, false, docDefault, ctx);
  if (node.types.length === 2 && node.types.some(isPlainNull)) {
    const member = node.types.find((t) => !isPlainNull(t));
    if (member) return withCycles(member, true, docDefault, ctx);
  }
  const unionName = s.generalizedSumTypeSupport ? `${GENERALIZED_TYPE_UNION_PREFIX}${ctx.unionCounter.next++}` : AVRO_TYPE_UNION;
  const spec: Spec = { type: 'STRUCT', name: unionName, optional: false, params: new Map(), fields: [] };
  if (s.generalizedSumTypeSupport) spec.params.set(GENERALIZED_TYPE_UNION, unionName);
  const names = new Set<string>();
  node.types.forEach((member, i) => {
    if (member.type === 'null') {
      spec.optional = true;
      return;
    }
    const fieldName = unionMemberFieldName(member, i, s);
    if (names.has(fieldName)) throw new DataException('Multiple union schemas map to the Connect union field name');
    names.add(fieldName);
    spec.fields!.push({ name: fieldName, schema: withCycles(member, true, undefined, ctx) });
  });
  return finish(spec, node, forceOptional, fieldDefault, docDefault, version, ctx);
}

/** The part of AvroData.toConnectSchema after the type: docs, version, parameters, default, name, optional. */
function finish(spec: Spec, node: AvroNode, forceOptional: boolean, fieldDefault: FieldDefault, docDefault: string | undefined, version: number | undefined, ctx: Ctx): Schema {
  const s = ctx.s;
  const props = node.type === 'union' ? new Map<string, Json>() : node.props;
  const nodeDoc = node.type === 'record' || node.type === 'enum' || node.type === 'fixed' ? node.doc : undefined;
  if (s.discardTypeDocDefault) {
    const doc = docDefault ?? nodeDoc ?? textProp(node, CONNECT_DOC_PROP);
    if (doc !== undefined) spec.doc = doc;
    if (s.connectMetaData && nodeDoc !== undefined) spec.params.set(CONNECT_RECORD_DOC_PROP, nodeDoc);
  } else {
    const doc = textProp(node, CONNECT_DOC_PROP);
    if (s.connectMetaData && doc !== undefined) spec.doc = doc;
  }

  const versionProp = props.get(CONNECT_VERSION_PROP);
  let v = -1;
  if (versionProp !== undefined && versionProp !== null) {
    if (!(versionProp instanceof JsonNumber)) throw new DataException(`Invalid Connect version found: ${String(versionProp)}`);
    v = Number(BigInt.asIntN(32, BigInt(Math.trunc(versionProp.toNumber()))));
  } else if (version !== undefined) {
    v = version;
  }
  if (v >= 0) {
    if (spec.version !== undefined && spec.version !== v) {
      throw new DataException(`Mismatched versions: version already added to SchemaBuilder (${spec.version}) differs from version in source schema (${v})`);
    }
    spec.version = v;
  }

  const params = props.get(CONNECT_PARAMETERS_PROP);
  if (s.connectMetaData && params !== undefined && params !== null) {
    if (!(params instanceof Map)) throw new DataException(`Expected JSON object for schema parameters but found: ${String(params)}`);
    for (const [k, pv] of params) {
      if (typeof pv !== 'string') throw new DataException(`Expected schema parameter values to be strings but found: ${String(pv)}`);
      spec.params.set(k, pv);
    }
  }
  for (const [k, pv] of props) if (k.startsWith(AVRO_PROP)) spec.params.set(k, javaToString(toJavaObject(pv)));

  const connectDefault = props.get(CONNECT_DEFAULT_VALUE_PROP);
  let defaultSource: { java: JavaObject } | { json: Json } | undefined = fieldDefault;
  if (defaultSource === undefined) {
    const j = connectDefault === undefined ? undefined : normalizedJson(connectDefault);
    if (j !== undefined && j !== null) defaultSource = { json: j };
  } else if (!s.discardTypeDocDefault && s.connectMetaData && connectDefault === undefined) {
    spec.params.set(AVRO_FIELD_DEFAULT_FLAG_PROP, 'true');
  }
  let defaultValue: unknown;
  if (defaultSource !== undefined) {
    try {
      // As Confluent, the default is read while only the type (and a logical type's name) is known.
      const early = build(spec);
      defaultValue = 'java' in defaultSource ? defaultFromJava(early, defaultSource.java, s) : defaultFromJson(early, node, defaultSource.json, s);
    } catch (e) {
      if (!(e instanceof DataException)) throw e;
      defaultValue = undefined;
    }
  }

  const connectName = props.get(CONNECT_NAME_PROP);
  let name: string | undefined;
  if (connectName !== undefined && connectName !== null) {
    if (typeof connectName !== 'string') throw new DataException(`Invalid schema name: ${String(connectName)}`);
    name = connectName;
  } else if (node.type === 'record' || node.type === 'enum') {
    name = fullNameOf(node);
  } else if (node.type === 'fixed' && spec.name !== Decimal.LOGICAL_NAME) {
    name = fullNameOf(node);
  }
  if (name !== undefined && !name.startsWith(DEFAULT_SCHEMA_FULL_NAME)) {
    if (spec.name !== undefined && spec.name !== name) {
      throw new DataException(`Mismatched names: name already added to SchemaBuilder (${spec.name}) differs from name in source schema (${name})`);
    }
    spec.name = name;
  }
  if (forceOptional) spec.optional = true;

  if (defaultValue !== undefined && defaultValue !== null) {
    try {
      return build(spec, defaultValue);
    } catch (e) {
      if (!(e instanceof DataException)) throw e;
      // Confluent keeps such defaults (a struct default, a raw value under a legacy logical name); a Connect
      // schema here cannot hold them, so the default is dropped as Confluent drops the ones it cannot read.
    }
  }
  return build(spec);
}
