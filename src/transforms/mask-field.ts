import { BigDecimal, DataException, Decimal, Struct, type ConnectRecord, type Schema } from '../data/index.js';
import { ConfigDef, defineReplaceNullWithDefault, type RawConfig } from './transformation.js';
import { SidedTransformation, type Side } from './sided-transformation.js';
import { className, requireMap, requireStruct } from './requirements.js';
import { fieldValue } from './schema-util.js';
import { emptyMapLike, isMapValue, mapCopy, mapGet, mapPut } from './schemaless-map.js';
import { Validators } from '../connectors/api/config-def.js';
import { parseJavaDouble, parseJavaInteger } from './java-values.js';

export const FIELDS_CONFIG = 'fields';
export const REPLACEMENT_CONFIG = 'replacement';
const PURPOSE = 'mask fields';

const CONFIG_DEF = defineReplaceNullWithDefault(
  new ConfigDef()
    .define({
      name: FIELDS_CONFIG,
      type: 'LIST',
      validator: Validators.list(undefined, false),
      importance: 'HIGH',
      documentation: 'Names of fields to mask.',
    })
    .define({
      name: REPLACEMENT_CONFIG,
      type: 'STRING',
      defaultValue: null,
      validator: Validators.nonEmptyString(),
      importance: 'LOW',
      documentation: "Custom value replacement, that will be applied to all 'fields' values (numeric or non-empty string values only).",
    }),
);

/** What a value is for masking: from its schema when there is one, else from the JS value (Kafka uses its Java class). */
type MaskKind = 'BOOLEAN' | 'INT8' | 'INT16' | 'INT32' | 'INT64' | 'FLOAT32' | 'FLOAT64' | 'STRING' | 'DECIMAL' | 'DATE' | 'ARRAY' | 'MAP' | 'OTHER';

function kindOf(schema: Schema | null, value: unknown): MaskKind {
  if (schema) {
    if (schema.name === Decimal.LOGICAL_NAME) return 'DECIMAL';
    if (value instanceof Date) return 'DATE';
    switch (schema.type) {
      case 'BYTES':
      case 'STRUCT':
        return 'OTHER';
      default:
        return schema.type;
    }
  }
  if (typeof value === 'boolean') return 'BOOLEAN';
  if (typeof value === 'number') return Number.isInteger(value) ? 'INT64' : 'FLOAT64';
  if (typeof value === 'bigint') return 'INT64';
  if (typeof value === 'string') return 'STRING';
  if (value instanceof BigDecimal) return 'DECIMAL';
  if (value instanceof Date) return 'DATE';
  if (Array.isArray(value)) return 'ARRAY';
  if (isMapValue(value)) return 'MAP';
  return 'OTHER';
}

function decimalAt(value: BigDecimal, schema: Schema | null, path: string): BigDecimal {
  if (!schema) return value;
  try {
    return value.setScale(Decimal.scaleOf(schema));
  } catch (e) {
    throw new DataException(`Replacement ${value.toString()} does not fit the scale of ${schema}`, { path }, { cause: e });
  }
}

/**
 * `org.apache.kafka.connect.transforms.MaskField$Key` / `$Value`: replaces the listed fields with their type's
 * "empty" value (0, false, "", epoch Date, 0 Decimal, empty list/map) or with `replacement` converted to the field's
 * type (numbers and strings only). Bytes and structs cannot be masked. Tombstones pass through.
 */
export class MaskField<R extends ConnectRecord = ConnectRecord> extends SidedTransformation<R> {
  static readonly CONFIG_DEF = CONFIG_DEF;
  #fields = new Set<string>();
  #replacement: string | null = null;

  constructor(side: Side) {
    super(side, CONFIG_DEF);
  }

  configure(config: RawConfig): void {
    const c = this.parse(config);
    this.#fields = new Set(c[FIELDS_CONFIG] as string[]);
    this.#replacement = (c[REPLACEMENT_CONFIG] as string | null) ?? null;
  }

  apply(record: R): R {
    const value = this.operatingValue(record);
    if (value === null || value === undefined) return record;
    if (!this.operatingSchema(record)) {
      const map = requireMap(value, PURPOSE);
      const updated = mapCopy(map);
      for (const f of this.#fields) mapPut(updated, f, this.#masked(null, mapGet(map, f), f));
      return this.newRecord(record, null, updated);
    }
    const struct = requireStruct(value, PURPOSE);
    const updated = new Struct(struct.schema);
    for (const f of struct.schema.fields) {
      const v = fieldValue(struct, f, this.replaceNullWithDefault);
      updated.put(f, this.#fields.has(f.name) ? this.#masked(f.schema, v, f.name) : v);
    }
    return this.newRecord(record, struct.schema, updated);
  }

  #masked(schema: Schema | null, value: unknown, path: string): unknown {
    if (value === null || value === undefined) return null;
    const kind = kindOf(schema, value);
    return this.#replacement === null ? this.#empty(kind, schema, value, path) : this.#replace(kind, schema, value, path);
  }

  #empty(kind: MaskKind, schema: Schema | null, value: unknown, path: string): unknown {
    switch (kind) {
      case 'BOOLEAN': return false;
      case 'INT8': case 'INT16': case 'INT32': case 'INT64': case 'FLOAT32': case 'FLOAT64': return 0;
      case 'STRING': return '';
      case 'DECIMAL': return decimalAt(BigDecimal.of(0), schema, path);
      case 'DATE': return new Date(0);
      case 'ARRAY': return [];
      case 'MAP': return emptyMapLike(value);
      default: throw new DataException(`Cannot mask value of type: ${className(value)}`, { path });
    }
  }

  #replace(kind: MaskKind, schema: Schema | null, value: unknown, path: string): unknown {
    const r = this.#replacement!;
    try {
      switch (kind) {
        case 'INT8': case 'INT16': case 'INT32': case 'INT64': return parseJavaInteger(r, kind);
        case 'FLOAT32': return parseJavaDouble(r, true);
        case 'FLOAT64': return parseJavaDouble(r);
        case 'STRING': return r;
        case 'DECIMAL': return decimalAt(BigDecimal.parse(r), schema, path);
        default: throw new DataException(`Cannot mask value of type ${className(value)} with custom replacement.`, { path });
      }
    } catch (e) {
      if (e instanceof RangeError || (kind === 'DECIMAL' && !(e instanceof DataException && e.context.path === path))) {
        throw new DataException(`Unable to convert ${r} (java.lang.String) to number`, { path }, { cause: e });
      }
      throw e;
    }
  }
}
