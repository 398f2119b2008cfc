/** Connect schema → JSON Schema (as everit nodes), as Confluent's JsonSchemaData.fromConnectSchema builds it. */
import { DataException, Decimal, type Schema } from '../../data/index.js';
import type { DecimalFormat } from './config.js';
import { fromConnectData } from './from-connect-data.js';
import { toSchemaDefault } from './json-node.js';
import {
  CONNECT_INDEX, CONNECT_PARAMETERS, CONNECT_TYPE, CONNECT_TYPE_BYTES, CONNECT_TYPE_MAP, CONNECT_VERSION, GENERALIZED_TYPE_ENUM,
  JSON_ID_PROP, JSON_TYPE_ENUM, KEY_FIELD, NAMESPACE, NULL_MARKER, NUMBER_CONNECT_TYPES, VALUE_FIELD, VARIANT_LOGICAL_NAME,
} from './keywords.js';
import { JNumber, type OJson, type OObject } from './ordered-json.js';
import type { NodeCommon, SchemaNode } from './schema-node.js';
import { isEnumSchema, isUnionSchema } from './sum-types.js';

export interface SchemaWriteOptions {
  readonly allowAdditionalProperties: boolean;
  readonly decimalFormat: DecimalFormat;
  readonly generalizedSumTypeSupport: boolean;
  readonly ignoreDefaultForNullables: boolean;
}

/** Everit's shared NullSchema.INSTANCE. */
const NULL_NODE: SchemaNode = Object.freeze({ kind: 'null', unprocessed: new Map() });

/** The JSON Schema Confluent derives from a Connect schema. */
export function fromConnectSchema(schema: Schema, opts: SchemaWriteOptions): SchemaNode {
  return new FromConnect(opts).raw(schema, {});
}

interface RawOptions {
  /** The field's position, written as `connect.index`. */
  readonly index?: number;
  /** Union branches: never wrapped in a nullable oneOf. */
  readonly ignoreOptional?: boolean;
  /** Treat the schema as required (JsonSchemaData.nonOptional). */
  readonly required?: boolean;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A node without the keywords every schema shares (title, description, default, id, unprocessed). */
type Body = DistributiveOmit<SchemaNode, keyof NodeCommon>;

class FromConnect {
  /** Ids (`io.confluent.connect.json.Id`) already written: a later use of one becomes a `$ref`. */
  readonly #ids = new Set<string>();

  constructor(readonly opts: SchemaWriteOptions) {}

  raw(schema: Schema, ro: RawOptions): SchemaNode {
    const optional = schema.optional && !ro.required;
    const id = schema.parameters?.get(JSON_ID_PROP);
    if (id !== undefined) this.#ids.add(id);
    const unprocessed: OObject = new Map();
    const body = this.#body(schema, optional, unprocessed);
    if (body.kind === 'combined') return { ...body, ...(id !== undefined && { id }), unprocessed: withIndex(unprocessed, ro.index) };

    const common = {
      ...(schema.name !== undefined && { title: schema.name }),
      ...(schema.doc !== undefined && { description: schema.doc }),
      ...(schema.defaultValue !== null && schema.defaultValue !== undefined && { defaultValue: this.#defaultOf(schema) }),
    };
    if (schema.version !== undefined) unprocessed.set(CONNECT_VERSION, new JNumber(String(schema.version)));
    const params = [...(schema.parameters ?? [])].filter(([k]) => !k.startsWith(NAMESPACE));
    if (params.length > 0) unprocessed.set(CONNECT_PARAMETERS, new Map<string, OJson>(params));
    if (!ro.ignoreOptional && optional) {
      const inner = { ...body, ...common, unprocessed } as SchemaNode;
      return {
        kind: 'combined', criterion: 'oneOf', synthetic: false, subschemas: [NULL_NODE, inner],
        ...(id !== undefined && { id }), unprocessed: withIndex(new Map(), ro.index),
      };
    }
    return { ...body, ...common, ...(id !== undefined && { id }), unprocessed: withIndex(unprocessed, ro.index) } as SchemaNode;
  }

  #defaultOf(schema: Schema): OJson {
    try {
      return toSchemaDefault(fromConnectData(schema, schema.defaultValue, this.opts) ?? null);
    } catch (e) {
      throw new DataException(`Invalid default value for ${schema}: ${(e as Error).message}`, {}, { cause: e });
    }
  }

  #body(schema: Schema, optional: boolean, unprocessed: OObject): Body {
    switch (schema.type) {
      case 'INT8':
      case 'INT16':
      case 'INT32':
      case 'INT64':
      case 'FLOAT32':
      case 'FLOAT64':
        unprocessed.set(CONNECT_TYPE, NUMBER_CONNECT_TYPES[schema.type]);
        return { kind: 'number', requiresInteger: schema.type.startsWith('INT'), requiresNumber: true };
      case 'BOOLEAN':
        return { kind: 'boolean' };
      case 'STRING':
        return isEnumSchema(schema) ? { kind: 'enum', values: this.#enumValues(schema) } : { kind: 'string', requiresString: true };
      case 'BYTES':
        unprocessed.set(CONNECT_TYPE, CONNECT_TYPE_BYTES);
        return schema.name === Decimal.LOGICAL_NAME && this.opts.decimalFormat === 'NUMERIC'
          ? { kind: 'number', requiresInteger: false, requiresNumber: true }
          : { kind: 'string', requiresString: true };
      case 'ARRAY':
        return { kind: 'array', requiresArray: true, items: this.#refOr(schema.valueSchema!, {}) };
      case 'MAP':
        unprocessed.set(CONNECT_TYPE, CONNECT_TYPE_MAP);
        return this.#map(schema);
      case 'STRUCT':
        return this.#struct(schema, optional);
    }
  }

  #enumValues(schema: Schema): OJson[] {
    const prefix = `${this.opts.generalizedSumTypeSupport ? GENERALIZED_TYPE_ENUM : JSON_TYPE_ENUM}.`;
    const values: OJson[] = [];
    for (const k of schema.parameters!.keys()) {
      if (!k.startsWith(prefix)) continue;
      const symbol = k.slice(prefix.length);
      values.push(symbol === NULL_MARKER ? null : symbol);
    }
    return values;
  }

  /** A `$ref` to an id already written, else the schema itself (array items and struct fields only, as Confluent does). */
  #refOr(schema: Schema, ro: RawOptions): SchemaNode {
    const refId = schema.parameters?.get(JSON_ID_PROP);
    if (refId !== undefined && this.#ids.has(refId)) {
      return { kind: 'ref', ref: refId, target: () => { throw new DataException(`unresolved $ref ${refId}`); }, unprocessed: new Map() };
    }
    return this.raw(schema, ro);
  }

  /** JSON object keys are strings: string-keyed maps are objects, others arrays of {"key":…,"value":…} entries. */
  #map(schema: Schema): Body {
    const keySchema = schema.keySchema!;
    if (keySchema.type === 'STRING' && !keySchema.optional) {
      return {
        kind: 'object', requiresObject: true, properties: new Map(), required: [], additionalProperties: true,
        additionalSchema: this.raw(schema.valueSchema!, {}),
      };
    }
    const entry: SchemaNode = {
      kind: 'object', requiresObject: true, required: [], additionalProperties: true, unprocessed: new Map(),
      properties: new Map([[KEY_FIELD, this.raw(keySchema, { index: 0 })], [VALUE_FIELD, this.raw(schema.valueSchema!, { index: 1 })]]),
    };
    return { kind: 'array', requiresArray: true, items: entry };
  }

  #struct(schema: Schema, optional: boolean): Body {
    if (schema.name === VARIANT_LOGICAL_NAME) {
      throw new DataException('Variant schemas (org.apache.kafka.connect.data.Variant) are not supported');
    }
    if (isUnionSchema(schema)) {
      const branches = schema.fields.map((f) => this.raw(f.schema, { index: f.index, ignoreOptional: true, required: true }));
      return { kind: 'combined', criterion: 'oneOf', synthetic: false, subschemas: optional ? [NULL_NODE, ...branches] : branches };
    }
    if (optional) {
      return { kind: 'combined', criterion: 'oneOf', synthetic: false, subschemas: [NULL_NODE, this.raw(schema, { required: true })] };
    }
    const properties = new Map<string, SchemaNode>();
    for (const f of schema.fields) properties.set(f.name, this.#refOr(f.schema, { index: f.index }));
    return { kind: 'object', requiresObject: true, properties, required: [], additionalProperties: this.opts.allowAdditionalProperties };
  }
}

function withIndex(unprocessed: OObject, index: number | undefined): OObject {
  if (index !== undefined) unprocessed.set(CONNECT_INDEX, new JNumber(String(index)));
  return unprocessed;
}
