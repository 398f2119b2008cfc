/**
 * The SMT contracts (Kafka Connect's `Transformation` and `Predicate`) and the small helpers every
 * built-in transform shares: key/value sides, Kafka's `Requirements`, config parsing, schema caches.
 * Imports only `src/data` and the dependency-free ConfigDef.
 */
import { ConnectRecord, DataException, SinkRecord, Struct, type DataContext, type Field, type Schema } from '../data/index.js';
import { ConfigDef, ConfigException, type RawConfig } from '../connectors/api/config-def.js';

export { ConfigDef, ConfigException };

/**
 * A single message transform: a pure function of a record and its configuration.
 * `apply` returns a new record, the same record (unchanged), or null to drop it.
 */
export interface Transformation<R extends ConnectRecord = ConnectRecord> {
  configure(config: RawConfig): void;
  apply(record: R): R | null;
  config(): ConfigDef;
  close(): void;
}

/** A condition on a record; a transform with a predicate runs only when `test(record) !== negate`. */
export interface Predicate<R extends ConnectRecord = ConnectRecord> {
  configure(config: RawConfig): void;
  test(record: R): boolean;
  config(): ConfigDef;
  close(): void;
}

/** Which part of the record a `$Key` / `$Value` transform works on. */
export type Side = 'key' | 'value';

export function operatingSchema(record: ConnectRecord, side: Side): Schema | null {
  return side === 'key' ? record.keySchema : record.valueSchema;
}

export function operatingValue(record: ConnectRecord, side: Side): unknown {
  return side === 'key' ? record.key : record.value;
}

/** A copy of `record` whose key (or value) and its schema are replaced; headers are duplicated. */
export function withOperating<R extends ConnectRecord>(record: R, side: Side, schema: Schema | null, value: unknown): R {
  return side === 'key'
    ? record.newRecord({ keySchema: schema, key: value })
    : record.newRecord({ valueSchema: schema, value });
}

/** An error thrown while a transform or predicate of a chain ran: names the alias, the class and (in context) the field. */
export class TransformException extends DataException {
  override readonly name: string = 'TransformException';
  readonly alias: string | undefined;
  readonly transformClass: string | undefined;
  constructor(reason: string, context: DataContext = {}, options?: { cause?: unknown; alias?: string; transformClass?: string }) {
    super(reason, context, options?.cause === undefined ? undefined : { cause: options.cause });
    this.alias = options?.alias;
    this.transformClass = options?.transformClass;
  }
  override withContext(more: DataContext): TransformException {
    const copy = new TransformException(this.reason, { ...more, ...this.context }, {
      cause: this.cause,
      alias: this.alias,
      transformClass: this.transformClass,
    });
    copy.stack = this.stack;
    return copy;
  }
}

// ---- Kafka's transforms.util.Requirements ---------------------------------------------------------------------

/** A Java-ish class name for error messages. */
export function className(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return 'java.lang.String';
  if (typeof value === 'boolean') return 'java.lang.Boolean';
  if (typeof value === 'bigint') return 'java.lang.Long';
  if (typeof value === 'number') return Number.isInteger(value) ? 'java.lang.Long' : 'java.lang.Double';
  if (value instanceof Uint8Array) return 'byte[]';
  if (value instanceof Struct) return 'org.apache.kafka.connect.data.Struct';
  if (Array.isArray(value)) return 'java.util.List';
  if (isMapValue(value)) return 'java.util.Map';
  if (value instanceof Date) return 'java.util.Date';
  return (value as object).constructor?.name ?? typeof value;
}

/** Maps are `Map` instances or plain objects (schemaless JSON objects). */
export function isMapValue(value: unknown): value is Map<unknown, unknown> | Record<string, unknown> {
  if (value instanceof Map) return true;
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function requireMap(value: unknown, purpose: string): Map<unknown, unknown> | Record<string, unknown> {
  if (!isMapValue(value)) {
    throw new DataException(`Only Map objects supported in absence of schema for [${purpose}], found: ${className(value)}`);
  }
  return value;
}

export function requireMapOrNull(value: unknown, purpose: string): Map<unknown, unknown> | Record<string, unknown> | null {
  return value === null || value === undefined ? null : requireMap(value, purpose);
}

export function requireStruct(value: unknown, purpose: string): Struct {
  if (!(value instanceof Struct)) {
    throw new DataException(`Only Struct objects supported for [${purpose}], found: ${className(value)}`);
  }
  return value;
}

export function requireStructOrNull(value: unknown, purpose: string): Struct | null {
  return value === null || value === undefined ? null : requireStruct(value, purpose);
}

export function requireSinkRecord(record: ConnectRecord, purpose: string): SinkRecord {
  if (!(record instanceof SinkRecord)) {
    throw new DataException(`Only SinkRecord supported for [${purpose}], found: ${record.constructor.name}`);
  }
  return record;
}

export function requireSchema(schema: Schema | null, purpose: string): Schema {
  if (!schema) throw new DataException(`Schema required for [${purpose}]`);
  return schema;
}

// ---- schemaless maps: Map instances and plain objects behave alike ------------------------------------------

/** Reads a key of a schemaless map (Map or plain object). */
export function mapGet(map: Map<unknown, unknown> | Record<string, unknown>, key: string): unknown {
  if (map instanceof Map) return map.get(key) ?? null;
  return Object.hasOwn(map, key) ? (map[key] ?? null) : null;
}

/** A shallow, mutable copy of the same kind (Java's `new HashMap<>(value)`). */
export function mapCopy(map: Map<unknown, unknown> | Record<string, unknown>): Map<unknown, unknown> | Record<string, unknown> {
  return map instanceof Map ? new Map(map) : { ...map };
}

export function mapPut(map: Map<unknown, unknown> | Record<string, unknown>, key: string, value: unknown): void {
  if (map instanceof Map) map.set(key, value);
  else map[key] = value;
}

export function mapRemove(map: Map<unknown, unknown> | Record<string, unknown>, key: string): void {
  if (map instanceof Map) map.delete(key);
  else delete map[key];
}

export function mapEntries(map: Map<unknown, unknown> | Record<string, unknown>): Iterable<[unknown, unknown]> {
  return map instanceof Map ? map.entries() : Object.entries(map);
}

/** An empty map of the same kind as `like`. */
export function emptyMapLike(like: unknown): Map<unknown, unknown> | Record<string, unknown> {
  return like instanceof Map ? new Map() : {};
}

// ---- struct field reads honouring `replace.null.with.default` (KIP-1040) -------------------------------------

export function fieldValue(struct: Struct, field: Field | string, replaceNullWithDefault: boolean): unknown {
  return replaceNullWithDefault ? struct.get(field) : struct.getWithoutDefault(field);
}

// ---- config ----------------------------------------------------------------------------------------------------

/**
 * Kafka's `SimpleConfig`: parses and validates `props` against `def`, throwing the first ConfigException.
 * STRING values are trimmed, as Kafka's ConfigDef does.
 */
export function parseConfig(def: ConfigDef, props: RawConfig): Record<string, unknown> {
  const values = def.parse(props);
  for (const key of def.keys()) {
    const v = values[key.name];
    if (key.type === 'STRING' && typeof v === 'string') values[key.name] = v.trim();
  }
  return values;
}

export const REPLACE_NULL_WITH_DEFAULT_CONFIG = 'replace.null.with.default';

/** The `replace.null.with.default` key (KIP-1040) most SMTs accept. */
export function defineReplaceNullWithDefault(def: ConfigDef): ConfigDef {
  return def.define({
    name: REPLACE_NULL_WITH_DEFAULT_CONFIG,
    type: 'BOOLEAN',
    defaultValue: true,
    importance: 'MEDIUM',
    documentation:
      'Whether to replace fields that have a default value and that are null to the default value. ' +
      'When set to true, the default value is used, otherwise null is used.',
  });
}

/** Java's `String.split(regex)` for a one-character separator: trailing empty strings are removed. */
export function javaSplit(text: string, separator: string): string[] {
  const parts = text.split(separator);
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 1 && parts[0] === '' && text.length > 0) return [];
  return parts;
}

// ---- derived-schema cache ---------------------------------------------------------------------------------------

/**
 * Derived schemas keyed by the input schema object (schemas are immutable): built once per input schema,
 * not per record, and released with the input schema.
 */
export class SchemaCache {
  #map = new WeakMap<Schema, Schema>();
  get(input: Schema, build: (input: Schema) => Schema): Schema {
    let out = this.#map.get(input);
    if (out === undefined) {
      out = build(input);
      this.#map.set(input, out);
    }
    return out;
  }
  clear(): void {
    this.#map = new WeakMap();
  }
}
