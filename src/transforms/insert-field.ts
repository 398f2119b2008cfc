import { LogicalTimestamp, Schema, SchemaBuilder, Struct, type ConnectRecord } from '../data/index.js';
import { ConfigDef, ConfigException, defineReplaceNullWithDefault, type RawConfig } from './transformation.js';
import { SidedTransformation, type Side } from './sided-transformation.js';
import { requireMap, requireSinkRecord, requireStruct } from './requirements.js';
import { copySchemaBasics, fieldValue } from './schema-util.js';
import { mapCopy, mapPut } from './schemaless-map.js';

export const TOPIC_FIELD = 'topic.field';
export const PARTITION_FIELD = 'partition.field';
export const OFFSET_FIELD = 'offset.field';
export const TIMESTAMP_FIELD = 'timestamp.field';
export const STATIC_FIELD = 'static.field';
export const STATIC_VALUE = 'static.value';
const PURPOSE = 'field insertion';
const OPTIONALITY_DOC = 'Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional (the default).';
const OPTIONAL_TIMESTAMP = LogicalTimestamp.builder().optional().build();
const TIMESTAMP = LogicalTimestamp.schema();

const field = (name: string, doc: string) =>
  ({ name, type: 'STRING', defaultValue: null, importance: 'MEDIUM', documentation: doc }) as const;

const CONFIG_DEF = defineReplaceNullWithDefault(
  new ConfigDef()
    .define(field(TOPIC_FIELD, `Field name for Kafka topic. ${OPTIONALITY_DOC}`))
    .define(field(PARTITION_FIELD, `Field name for Kafka partition. ${OPTIONALITY_DOC}`))
    .define(field(OFFSET_FIELD, `Field name for Kafka offset - only applicable to sink connectors.<br/>${OPTIONALITY_DOC}`))
    .define(field(TIMESTAMP_FIELD, `Field name for record timestamp. ${OPTIONALITY_DOC}`))
    .define(field(STATIC_FIELD, `Field name for static data field. ${OPTIONALITY_DOC}`))
    .define(field(STATIC_VALUE, 'Static field value, if field name configured.')),
);

interface InsertionSpec {
  name: string;
  optional: boolean;
}

/** `name!` is required, `name?` or `name` optional. */
export function parseInsertionSpec(spec: string | null): InsertionSpec | null {
  if (spec === null) return null;
  if (spec.endsWith('?')) return { name: spec.slice(0, -1), optional: true };
  if (spec.endsWith('!')) return { name: spec.slice(0, -1), optional: false };
  return { name: spec, optional: true };
}

/**
 * `org.apache.kafka.connect.transforms.InsertField$Key` / `$Value`: adds the record's topic (STRING), partition
 * (INT32), offset (INT64, sink records only), timestamp (Timestamp) and/or a static STRING field.
 * Null keys/values (tombstones) pass through unchanged.
 */
export class InsertField<R extends ConnectRecord = ConnectRecord> extends SidedTransformation<R> {
  static readonly CONFIG_DEF = CONFIG_DEF;
  #topic: InsertionSpec | null = null;
  #partition: InsertionSpec | null = null;
  #offset: InsertionSpec | null = null;
  #timestamp: InsertionSpec | null = null;
  #static: InsertionSpec | null = null;
  #staticValue: string | null = null;

  constructor(side: Side) {
    super(side, CONFIG_DEF);
  }

  configure(config: RawConfig): void {
    const c = this.parse(config);
    this.#topic = parseInsertionSpec(c[TOPIC_FIELD] as string | null);
    this.#partition = parseInsertionSpec(c[PARTITION_FIELD] as string | null);
    this.#offset = parseInsertionSpec(c[OFFSET_FIELD] as string | null);
    this.#timestamp = parseInsertionSpec(c[TIMESTAMP_FIELD] as string | null);
    this.#static = parseInsertionSpec(c[STATIC_FIELD] as string | null);
    this.#staticValue = (c[STATIC_VALUE] as string | null) ?? null;
    if (!this.#topic && !this.#partition && !this.#offset && !this.#timestamp && !this.#static) {
      throw new ConfigException(undefined, undefined, 'No field insertion configured');
    }
    if (this.#static && this.#staticValue === null) {
      throw new ConfigException(STATIC_VALUE, null, `No value specified for static field: ${this.#static.name}`);
    }
  }

  apply(record: R): R {
    const value = this.operatingValue(record);
    if (value === null || value === undefined) return record;
    const schema = this.operatingSchema(record);
    if (!schema) {
      const updated = mapCopy(requireMap(value, PURPOSE));
      if (this.#topic) mapPut(updated, this.#topic.name, record.topic);
      if (this.#partition && record.kafkaPartition !== null) mapPut(updated, this.#partition.name, record.kafkaPartition);
      if (this.#offset) mapPut(updated, this.#offset.name, requireSinkRecord(record, PURPOSE).kafkaOffset);
      if (this.#timestamp && record.timestamp !== null) mapPut(updated, this.#timestamp.name, record.timestamp);
      if (this.#static && this.#staticValue !== null) mapPut(updated, this.#static.name, this.#staticValue);
      return this.newRecord(record, null, updated);
    }
    const struct = requireStruct(value, PURPOSE);
    const updatedSchema = this.schemaCache.get(struct.schema, (s) => this.#buildSchema(s));
    const updated = new Struct(updatedSchema);
    for (const f of struct.schema.fields) updated.put(f.name, fieldValue(struct, f, this.replaceNullWithDefault));
    if (this.#topic) updated.put(this.#topic.name, record.topic);
    if (this.#partition && record.kafkaPartition !== null) updated.put(this.#partition.name, record.kafkaPartition);
    if (this.#offset) updated.put(this.#offset.name, requireSinkRecord(record, PURPOSE).kafkaOffset);
    if (this.#timestamp && record.timestamp !== null) updated.put(this.#timestamp.name, new Date(record.timestamp));
    if (this.#static && this.#staticValue !== null) updated.put(this.#static.name, this.#staticValue);
    return this.newRecord(record, updatedSchema, updated);
  }

  #buildSchema(schema: Schema): Schema {
    // Kafka copies name/version/doc/parameters only: the new struct schema is required and has no default.
    const b = copySchemaBasics(schema, SchemaBuilder.struct());
    for (const f of schema.fields) b.field(f.name, f.schema);
    if (this.#topic) b.field(this.#topic.name, this.#topic.optional ? Schema.OPTIONAL_STRING : Schema.STRING);
    if (this.#partition) b.field(this.#partition.name, this.#partition.optional ? Schema.OPTIONAL_INT32 : Schema.INT32);
    if (this.#offset) b.field(this.#offset.name, this.#offset.optional ? Schema.OPTIONAL_INT64 : Schema.INT64);
    if (this.#timestamp) b.field(this.#timestamp.name, this.#timestamp.optional ? OPTIONAL_TIMESTAMP : TIMESTAMP);
    if (this.#static) b.field(this.#static.name, this.#static.optional ? Schema.OPTIONAL_STRING : Schema.STRING);
    return b.build();
  }
}
