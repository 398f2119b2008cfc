/**
 * Connect schema → Avro schema, as Confluent's AvroData.fromConnectSchema builds it:
 * - INT8/INT16 → int with `connect.type`; INT32 int; INT64 long; FLOAT32 float; FLOAT64 double; BYTES bytes, or
 *   fixed when the schema is named and has `connect.fixed.size`; STRING string, or an enum with
 *   `enhanced.avro.schema.support` (or `generalized.sum.type.support`) and the enum parameters;
 * - Decimal → bytes/fixed with `scale`, `precision` (connect.decimal.precision, default 64) and logicalType decimal
 *   (kept as a plain property when scale > precision or scale < 0); Date → int date; Time → int time-millis;
 *   Timestamp → long timestamp-millis;
 * - map with a required string key → map; any other → array of MapEntry{key, value} records;
 * - struct → record named by the schema (unnamed: io.confluent.connect.avro.ConnectDefault, then …2, …3);
 *   io.confluent.connect.avro.Union structs → unions whose branches are the fields;
 * - optional → [null, T], or [T, null] when the schema has a default; record fields default to null then;
 * - `connect.doc`, `connect.version`, `connect.parameters`, `connect.default`, `connect.name` properties
 *   (`connect.meta.data`), `avro*` parameters copied as properties.
 * The same Connect schema used twice is one Avro type (the second use prints as a name); a named type seen again
 * with other parameters carries them on the field (`connect.parameters` field property).
 */
import { DataException } from '../errors.js';
import { Decimal, LogicalDate, LogicalTime, LogicalTimestamp } from '../logical.js';
import { Schema } from '../schema.js';
import { schemaEquals } from '../equality.js';
import { JsonNumber, printJson, type Json } from './json.js';
import {
  asFieldDefault, defaultToJson, isUnionStruct, isValidDefault, parametersJson,
} from './from-connect-default.js';
import {
  AVRO_ENUM_DEFAULT_PREFIX_PROP, AVRO_ENUM_DOC_PREFIX_PROP, AVRO_FIELD_DEFAULT_FLAG_PROP, AVRO_FIELD_DOC_PREFIX_PROP,
  AVRO_LOGICAL_DATE, AVRO_LOGICAL_DECIMAL, AVRO_LOGICAL_TIME_MILLIS, AVRO_LOGICAL_TIMESTAMP_MILLIS, AVRO_LOGICAL_TYPE_PROP,
  AVRO_NAMESPACE, AVRO_PROP, AVRO_RECORD_DOC_PROP, AVRO_TYPE_ENUM, CONNECT_AVRO_DECIMAL_PRECISION_DEFAULT,
  CONNECT_AVRO_DECIMAL_PRECISION_PROP, CONNECT_AVRO_FIXED_SIZE_PROP, CONNECT_DEFAULT_VALUE_PROP, CONNECT_DOC_PROP,
  CONNECT_ENUM_DOC_PROP, CONNECT_INTERNAL_TYPE_NAME, CONNECT_NAME_PROP, CONNECT_PARAMETERS_PROP, CONNECT_RECORD_DOC_PROP,
  CONNECT_TYPE_PROP, CONNECT_VERSION_PROP, DEFAULT_SCHEMA_NAME, GENERALIZED_TYPE_ENUM, KEY_FIELD, MAP_ENTRY_TYPE_NAME,
  VALUE_FIELD, maybeScrub, scrubFullName, splitName, validateAvroName,
} from './names.js';
import { parseJavaInt, type AvroDataSettings } from './options.js';
import { checkUnion } from './parse-schema.js';
import { wireForm } from './print-schema.js';
import {
  fullNameOf, isNamed, primitive, sameWireType, type AvroNode, type EnumNode, type FieldNode, type FixedNode, type NamedNode, type Props,
  type RecordNode,
} from './schema-node.js';

const RESERVED_PROPS = new Set(['doc', 'fields', 'items', 'name', 'namespace', 'size', 'symbols', 'values', 'type', 'aliases']);

interface Ctx {
  readonly s: AvroDataSettings;
  /** Connect schemas already converted (required ones only): an equal schema gets the same Avro node. */
  readonly converted: { schema: Schema; node: AvroNode }[];
  /** Records by Connect name: a later array item, map value, union branch or optional struct of that name reuses it. */
  readonly byName: Map<string, RecordNode>;
  readonly seenNamedTypes: Set<string>;
  /** MapEntry records made for unnamed maps (renamed when two of them differ, see resolveNameClashes). */
  readonly mapEntries: Set<RecordNode>;
  nameIndex: number;
}

/** The Avro schema Confluent's AvroData gives a Connect schema. */
export function fromConnectSchema(schema: Schema, s: AvroDataSettings): AvroNode {
  const ctx: Ctx = { s, converted: [], byName: new Map(), seenNamedTypes: new Set(), mapEntries: new Set(), nameIndex: 0 };
  const node = convert(schema, ctx, false);
  resolveNameClashes(node, ctx.mapEntries);
  return node;
}

function isEnumSchema(schema: Schema, s: AvroDataSettings): boolean {
  return (s.generalizedSumTypeSupport || s.enhancedSchemaSupport) && schema.type === 'STRING' &&
    !!schema.parameters && (schema.parameters.has(GENERALIZED_TYPE_ENUM) || schema.parameters.has(AVRO_TYPE_ENUM));
}

export function isFixedSchema(schema: Schema): boolean {
  return schema.type === 'BYTES' && schema.name !== undefined && !!schema.parameters?.has(CONNECT_AVRO_FIXED_SIZE_PROP);
}

export function isDecimalName(name: string | undefined): boolean {
  return name !== undefined && name.toLowerCase() === Decimal.LOGICAL_NAME.toLowerCase();
}

/** AvroData's nonOptional: the same schema, required. */
export function nonOptional(schema: Schema): Schema {
  if (!schema.optional) return schema;
  return new Schema({
    type: schema.type,
    optional: false,
    defaultValue: schema.defaultValue,
    name: schema.name,
    version: schema.version,
    doc: schema.doc,
    parameters: schema.parameters,
    keySchema: schema.keySchema,
    valueSchema: schema.valueSchema,
    fields: schema.type === 'STRUCT' ? schema.fields.map((f) => ({ name: f.name, schema: f.schema })) : undefined,
  });
}

function nameOrDefault(ctx: Ctx, name: string | undefined): [string | null, string] {
  if (name !== undefined) return splitName(name, ctx.s.scrubInvalidNames);
  const i = ++ctx.nameIndex;
  return [AVRO_NAMESPACE, DEFAULT_SCHEMA_NAME + (i > 1 ? String(i) : '')];
}

/** Java's `JsonProperties.addProp`: a property once set keeps its place and cannot change. */
function addProp(props: Props, key: string, value: Json): void {
  if (RESERVED_PROPS.has(key)) throw new DataException(`Can't set reserved property: ${key}`);
  const old = props.get(key);
  if (old === undefined) props.set(key, value);
  else if (printJson(old) !== printJson(value)) throw new DataException(`Can't overwrite property: ${key}`);
}

function makeOptional(schema: Schema, base: AvroNode): AvroNode {
  if (!schema.optional) return base;
  const types = schema.defaultValue !== null && schema.defaultValue !== undefined ? [base, primitive('null')] : [primitive('null'), base];
  checkUnion(types);
  return { type: 'union', types };
}

function withCycle(schema: Schema, ctx: Ctx, ignoreOptional: boolean): AvroNode {
  const known = schema.name === undefined ? undefined : ctx.byName.get(schema.name);
  if (!known) return convert(schema, ctx, ignoreOptional);
  return ignoreOptional ? known : makeOptional(schema, known);
}

function convert(schema: Schema, ctx: Ctx, ignoreOptional: boolean): AvroNode {
  const s = ctx.s;
  if (!isUnionStruct(schema) && !schema.optional) {
    const hit = ctx.converted.find((c) => c.schema === schema) ?? ctx.converted.find((c) => schemaEquals(c.schema, schema));
    if (hit) return hit.node;
  }
  let connectType: string | undefined;
  let base: AvroNode;
  switch (schema.type) {
    case 'INT8':
      connectType = 'int8';
      base = primitive('int');
      break;
    case 'INT16':
      connectType = 'int16';
      base = primitive('int');
      break;
    case 'INT32':
      base = primitive('int');
      break;
    case 'INT64':
      base = primitive('long');
      break;
    case 'FLOAT32':
      base = primitive('float');
      break;
    case 'FLOAT64':
      base = primitive('double');
      break;
    case 'BOOLEAN':
      base = primitive('boolean');
      break;
    case 'STRING':
      base = isEnumSchema(schema, s) ? enumNode(schema, ctx) : primitive('string');
      break;
    case 'BYTES':
      base = bytesNode(schema, ctx);
      break;
    case 'ARRAY':
      base = { type: 'array', items: withCycle(schema.valueSchema!, ctx, false), props: new Map() };
      break;
    case 'MAP':
      base = mapNode(schema, ctx);
      break;
    case 'STRUCT':
      if (isUnionStruct(schema)) {
        const types: AvroNode[] = schema.optional ? [primitive('null')] : [];
        for (const f of schema.fields) types.push(withCycle(nonOptional(f.schema), ctx, true));
        checkUnion(types);
        base = { type: 'union', types };
      } else if (schema.optional) {
        const types = [primitive('null'), withCycle(nonOptional(schema), ctx, false)];
        checkUnion(types);
        base = { type: 'union', types };
      } else {
        base = recordNode(schema, ctx);
      }
      break;
  }

  let node = base;
  if (base.type !== 'union') {
    addMetadata(schema, base.props, connectType, s);
    addLogicalType(schema, base);
    for (const [k, v] of schema.parameters ?? []) if (k.startsWith(AVRO_PROP)) addProp(base.props, k, v);
    if (!ignoreOptional) node = makeOptional(schema, base);
  }
  if (!schema.optional) ctx.converted.push({ schema, node });
  return node;
}

function addMetadata(schema: Schema, props: Props, connectType: string | undefined, s: AvroDataSettings): void {
  if (!s.connectMetaData) return;
  if (schema.doc !== undefined) addProp(props, CONNECT_DOC_PROP, schema.doc);
  if (schema.version !== undefined) addProp(props, CONNECT_VERSION_PROP, JsonNumber.int(schema.version));
  if (schema.parameters) {
    const params = parametersJson(schema.parameters, s);
    if (params.size > 0) addProp(props, CONNECT_PARAMETERS_PROP, params);
  }
  if (schema.defaultValue !== null && schema.defaultValue !== undefined &&
    (s.discardTypeDocDefault || !schema.parameters?.has(AVRO_FIELD_DEFAULT_FLAG_PROP))) {
    addProp(props, CONNECT_DEFAULT_VALUE_PROP, defaultToJson(schema, schema.defaultValue, s));
  }
  if (schema.name !== undefined) addProp(props, CONNECT_NAME_PROP, schema.name);
  if (connectType !== undefined) addProp(props, CONNECT_TYPE_PROP, connectType);
}

/** Java Avro's LogicalTypes.decimal(p, s).addToSchema: checks the backing type, precision and scale. */
function addDecimal(node: AvroNode, precision: number, scale: number): void {
  if (node.type !== 'bytes' && node.type !== 'fixed') throw new DataException('Logical type decimal must be backed by fixed or bytes');
  if (precision <= 0) throw new DataException(`Invalid decimal precision: ${precision} (must be positive)`);
  if (node.type === 'fixed') {
    const max = Math.round(Math.floor(Math.log10(2) * (8 * node.size - 1)));
    if (precision > max) throw new DataException(`fixed(${node.size}) cannot store ${precision} digits (max ${max})`);
  }
  addProp(node.props, AVRO_LOGICAL_TYPE_PROP, AVRO_LOGICAL_DECIMAL);
  addProp(node.props, 'precision', JsonNumber.int(precision));
  addProp(node.props, 'scale', JsonNumber.int(scale));
}

function addSimpleLogical(node: AvroNode, logical: string, backing: 'int' | 'long', what: string): void {
  if (node.type !== backing) throw new DataException(`${what} can only be used with an underlying ${backing} type`);
  addProp(node.props, AVRO_LOGICAL_TYPE_PROP, logical);
}

function addLogicalType(schema: Schema, node: Exclude<AvroNode, { type: 'union' }>): void {
  if (schema.name === undefined) return;
  const name = schema.name.toLowerCase();
  if (isDecimalName(schema.name)) {
    const precisionText = schema.parameters?.get(CONNECT_AVRO_DECIMAL_PRECISION_PROP);
    const scaleText = schema.parameters?.get(Decimal.SCALE_FIELD);
    const precision = precisionText === undefined ? CONNECT_AVRO_DECIMAL_PRECISION_DEFAULT : parseJavaInt(precisionText, 'decimal precision');
    const scale = scaleText === undefined ? 0 : parseJavaInt(scaleText, 'decimal scale');
    // Avro refuses a decimal logical type with such a scale; Confluent then keeps only the legacy property.
    if (scale < 0 || scale > precision) addProp(node.props, AVRO_LOGICAL_TYPE_PROP, AVRO_LOGICAL_DECIMAL);
    else addDecimal(node, precision, scale);
  } else if (name === LogicalTime.LOGICAL_NAME.toLowerCase()) {
    addSimpleLogical(node, AVRO_LOGICAL_TIME_MILLIS, 'int', 'Time (millis)');
  } else if (name === LogicalTimestamp.LOGICAL_NAME.toLowerCase()) {
    addSimpleLogical(node, AVRO_LOGICAL_TIMESTAMP_MILLIS, 'long', 'Timestamp (millis)');
  } else if (name === LogicalDate.LOGICAL_NAME.toLowerCase()) {
    addSimpleLogical(node, AVRO_LOGICAL_DATE, 'int', 'Date');
  }
}

function enumNode(schema: Schema, ctx: Ctx): EnumNode {
  const s = ctx.s;
  const params = schema.parameters!;
  const paramName = s.generalizedSumTypeSupport ? GENERALIZED_TYPE_ENUM : AVRO_TYPE_ENUM;
  const symbols: string[] = [];
  for (const k of params.keys()) if (k.startsWith(`${paramName}.`)) symbols.push(validateAvroName(k.slice(paramName.length + 1), 'enum symbol'));
  if (new Set(symbols).size !== symbols.length) throw new DataException(`Duplicate enum symbol in ${schema}`);
  const [, simpleName] = nameOrDefault(ctx, schema.name);
  const enumName = params.get(paramName);
  if (enumName === undefined) throw new DataException(`the enum schema ${schema} has no ${paramName} parameter`);
  const [namespace, name] = splitName(enumName, false);
  const doc = s.discardTypeDocDefault ? params.get(CONNECT_ENUM_DOC_PROP) : params.get(AVRO_ENUM_DOC_PREFIX_PROP + simpleName);
  const dflt = s.discardTypeDocDefault ? undefined : params.get(AVRO_ENUM_DEFAULT_PREFIX_PROP + simpleName);
  if (dflt !== undefined && !symbols.includes(dflt)) {
    throw new DataException(`The Enum Default: ${dflt} is not in the enum symbol set: [${symbols.join(', ')}]`);
  }
  return {
    type: 'enum', name: validateAvroName(name), namespace, doc, symbols, default: dflt, aliases: undefined, props: new Map(),
  };
}

function bytesNode(schema: Schema, ctx: Ctx): AvroNode {
  let node: AvroNode;
  if (isFixedSchema(schema)) {
    const [namespace, name] = nameOrDefault(ctx, schema.name);
    const size = parseJavaInt(schema.parameters!.get(CONNECT_AVRO_FIXED_SIZE_PROP), CONNECT_AVRO_FIXED_SIZE_PROP);
    if (size < 0) throw new DataException(`invalid ${CONNECT_AVRO_FIXED_SIZE_PROP} ${size}`);
    node = { type: 'fixed', name: validateAvroName(name), namespace, doc: undefined, size, aliases: undefined, props: new Map() } satisfies FixedNode;
  } else {
    node = primitive('bytes');
  }
  if (isDecimalName(schema.name)) {
    node.props.set('scale', JsonNumber.int(parseJavaInt(schema.parameters?.get(Decimal.SCALE_FIELD), 'decimal scale')));
    const precision = schema.parameters?.get(CONNECT_AVRO_DECIMAL_PRECISION_PROP);
    node.props.set('precision', JsonNumber.int(precision === undefined ? CONNECT_AVRO_DECIMAL_PRECISION_DEFAULT : parseJavaInt(precision, 'decimal precision')));
  }
  return node;
}

function mapNode(schema: Schema, ctx: Ctx): AvroNode {
  const key = schema.keySchema!;
  if (key.type === 'STRING' && (!key.optional || ctx.s.allowOptionalMapKeys)) {
    return { type: 'map', values: withCycle(schema.valueSchema!, ctx, false), props: new Map() };
  }
  let entry: RecordNode;
  if (schema.name === undefined) {
    entry = { type: 'record', name: MAP_ENTRY_TYPE_NAME, namespace: AVRO_NAMESPACE, doc: undefined, isError: false, fields: [], aliases: undefined, props: new Map() };
    ctx.mapEntries.add(entry);
  } else {
    const [namespace, name] = nameOrDefault(ctx, schema.name);
    entry = { type: 'record', name: validateAvroName(name), namespace, doc: undefined, isError: false, fields: [], aliases: undefined, props: new Map() };
    entry.props.set(CONNECT_INTERNAL_TYPE_NAME, MAP_ENTRY_TYPE_NAME);
  }
  entry.fields = [recordField(KEY_FIELD, key, undefined, ctx), recordField(VALUE_FIELD, schema.valueSchema!, undefined, ctx)];
  return { type: 'array', items: entry, props: new Map() };
}

function recordNode(schema: Schema, ctx: Ctx): RecordNode {
  const s = ctx.s;
  const [namespace, name] = nameOrDefault(ctx, schema.name);
  const doc = schema.parameters?.get(s.discardTypeDocDefault ? CONNECT_RECORD_DOC_PROP : AVRO_RECORD_DOC_PROP);
  const rec: RecordNode = { type: 'record', name: validateAvroName(name), namespace, doc, isError: false, fields: [], aliases: undefined, props: new Map() };
  if (schema.name !== undefined) ctx.byName.set(schema.name, rec);
  const names = new Set<string>();
  rec.fields = schema.fields.map((f) => {
    const fieldName = maybeScrub(f.name, s.scrubInvalidNames);
    if (names.has(fieldName)) throw new DataException(`Duplicate field ${fieldName} in record ${fullNameOf(rec)}`);
    names.add(fieldName);
    const fieldDoc = s.discardTypeDocDefault ? undefined : schema.parameters?.get(AVRO_FIELD_DOC_PREFIX_PROP + f.name);
    return recordField(fieldName, f.schema, fieldDoc, ctx);
  });
  return rec;
}

function isNamedAvroType(node: AvroNode): boolean {
  return isNamed(node) || (node.type === 'union' && node.types.some(isNamed));
}

/** AvroData's addAvroRecordField. */
function recordField(fieldName: string, fieldSchema: Schema, fieldDoc: string | undefined, ctx: Ctx): FieldNode {
  const s = ctx.s;
  let dflt: Json | undefined;
  if (fieldSchema.defaultValue !== null && fieldSchema.defaultValue !== undefined) dflt = asFieldDefault(defaultToJson(fieldSchema, fieldSchema.defaultValue, s));
  else if (fieldSchema.optional) dflt = null;
  const scrubbed = scrubFullName(fieldSchema.name, s.scrubInvalidNames);
  const alreadySeen = scrubbed !== undefined && ctx.seenNamedTypes.has(scrubbed);
  if (scrubbed !== undefined) ctx.seenNamedTypes.add(scrubbed);
  const type = convert(fieldSchema, ctx, false);
  const field: FieldNode = {
    name: validateAvroName(fieldName, 'field name'),
    type,
    doc: s.discardTypeDocDefault ? fieldSchema.doc : fieldDoc,
    // Java Avro refuses an invalid default and Confluent then writes the field without one.
    default: dflt !== undefined && isValidDefault(type, dflt) ? dflt : undefined,
    order: 'ascending',
    aliases: undefined,
    props: new Map(),
  };
  if (s.connectMetaData && alreadySeen && fieldSchema.parameters && isNamedAvroType(type)) {
    const params = parametersJson(fieldSchema.parameters, s);
    if (params.size > 0) field.props.set(CONNECT_PARAMETERS_PROP, params);
  }
  return field;
}

/**
 * Java Avro prints a name's first definition and refers to it by name afterwards, so a second, different type of
 * the same name would be described wrongly. Different unnamed-map entries are renamed MapEntry2, MapEntry3, …
 * (marked with connect.internal.type so they still read as maps); any other clash is refused.
 */
function resolveNameClashes(root: AvroNode, mapEntries: ReadonlySet<RecordNode>): void {
  const first = new Map<string, NamedNode>();
  const walk = (n: AvroNode): void => {
    if (isNamed(n)) {
      const seen = first.get(fullNameOf(n));
      if (seen === n) return;
      if (seen) {
        if (sameWireType(seen, n)) return;
        if (!(n.type === 'record' && mapEntries.has(n))) {
          throw new DataException(`the schema uses two different Avro types named ${fullNameOf(n)}: ${wireForm(seen)} and ${wireForm(n)}`);
        }
        if (renameMapEntry(n, first)) return;
      } else {
        first.set(fullNameOf(n), n);
      }
    }
    switch (n.type) {
      case 'record':
        for (const f of n.fields) walk(f.type);
        break;
      case 'array':
        walk(n.items);
        break;
      case 'map':
        walk(n.values);
        break;
      case 'union':
        for (const t of n.types) walk(t);
        break;
    }
  };
  walk(root);
}

/** Names a MapEntry after the first free or structurally equal MapEntryN; true when an equal one exists. */
function renameMapEntry(entry: RecordNode, first: Map<string, NamedNode>): boolean {
  entry.props.set(CONNECT_INTERNAL_TYPE_NAME, MAP_ENTRY_TYPE_NAME);
  for (let i = 2; ; i++) {
    entry.name = `${MAP_ENTRY_TYPE_NAME}${i}`;
    const existing = first.get(fullNameOf(entry));
    if (!existing) {
      first.set(fullNameOf(entry), entry);
      return false;
    }
    if (sameWireType(existing, entry)) return true;
  }
}
