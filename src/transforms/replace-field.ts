import { SchemaBuilder, Struct, type ConnectRecord, type Schema } from '../data/index.js';
import {
  ConfigDef,
  ConfigException,
  SchemaCache,
  defineReplaceNullWithDefault,
  emptyMapLike,
  fieldValue,
  javaSplit,
  mapEntries,
  mapPut,
  operatingSchema,
  operatingValue,
  parseConfig,
  requireMap,
  requireStruct,
  withOperating,
  REPLACE_NULL_WITH_DEFAULT_CONFIG,
  type Side,
  type Transformation,
} from './transformation.js';

export const EXCLUDE_CONFIG = 'exclude';
export const INCLUDE_CONFIG = 'include';
export const RENAMES_CONFIG = 'renames';
/** Deprecated aliases (KIP-629) that Kafka 3.9 still accepts; removed in 4.0. */
export const INCLUDE_ALIAS = 'whitelist';
export const EXCLUDE_ALIAS = 'blacklist';
const PURPOSE = 'field replacement';

/** `old:new` pairs; Java's `split(":")` drops trailing empty parts, so `a:b:` is accepted and `a:` is not. */
export function parseRenameMappings(mappings: readonly string[]): Map<string, string> {
  const renames = new Map<string, string>();
  for (const mapping of mappings) {
    const parts = javaSplit(mapping, ':');
    if (parts.length !== 2) throw new ConfigException(RENAMES_CONFIG, mappings.join(','), `Invalid rename mapping: ${mapping}`);
    renames.set(parts[0]!, parts[1]!);
  }
  return renames;
}

const CONFIG_DEF = defineReplaceNullWithDefault(
  new ConfigDef()
    .define({
      name: EXCLUDE_CONFIG, type: 'LIST', defaultValue: [], importance: 'MEDIUM',
      documentation: 'Fields to exclude. This takes precedence over the fields to include.',
    })
    .define({
      name: EXCLUDE_ALIAS, type: 'LIST', defaultValue: null, importance: 'LOW',
      documentation: `Deprecated. Use ${EXCLUDE_CONFIG} instead.`,
    })
    .define({
      name: INCLUDE_CONFIG, type: 'LIST', defaultValue: [], importance: 'MEDIUM',
      documentation: 'Fields to include. If specified, only these fields will be used.',
    })
    .define({
      name: INCLUDE_ALIAS, type: 'LIST', defaultValue: null, importance: 'LOW',
      documentation: `Deprecated. Use ${INCLUDE_CONFIG} instead.`,
    })
    .define({
      name: RENAMES_CONFIG, type: 'LIST', defaultValue: [], importance: 'MEDIUM',
      validator: {
        ensureValid(_name, value) {
          parseRenameMappings(value as string[]);
        },
        describe: () => 'list of colon-delimited pairs, e.g. <code>foo:bar,abc:xyz</code>',
      },
      documentation: 'Field rename mappings.',
    }),
);

/** Kafka's `ConfigUtils.translateDeprecatedConfigs`: the new key wins; otherwise the (first) alias moves to it. */
function translateAliases(config: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  for (const [target, alias] of [[INCLUDE_CONFIG, INCLUDE_ALIAS], [EXCLUDE_CONFIG, EXCLUDE_ALIAS]] as const) {
    if (out[alias] === undefined || out[alias] === null) continue;
    if (out[target] === undefined || out[target] === null) out[target] = out[alias];
    delete out[alias];
  }
  return out;
}

/**
 * `org.apache.kafka.connect.transforms.ReplaceField$Key` / `$Value`: keeps a field iff it is not excluded and
 * (`include` is empty or it is included), then renames. Tombstones pass through.
 */
export class ReplaceField<R extends ConnectRecord = ConnectRecord> implements Transformation<R> {
  static readonly CONFIG_DEF = CONFIG_DEF;
  readonly side: Side;
  #exclude = new Set<string>();
  #include = new Set<string>();
  #renames = new Map<string, string>();
  #reverse = new Map<string, string>();
  #replaceNullWithDefault = true;
  #cache = new SchemaCache();

  constructor(side: Side) {
    this.side = side;
  }

  configure(config: Readonly<Record<string, unknown>>): void {
    const c = parseConfig(CONFIG_DEF, translateAliases(config));
    this.#exclude = new Set(c[EXCLUDE_CONFIG] as string[]);
    this.#include = new Set(c[INCLUDE_CONFIG] as string[]);
    this.#renames = parseRenameMappings(c[RENAMES_CONFIG] as string[]);
    this.#reverse = new Map([...this.#renames].map(([a, b]) => [b, a]));
    this.#replaceNullWithDefault = c[REPLACE_NULL_WITH_DEFAULT_CONFIG] as boolean;
    this.#cache.clear();
  }

  /** Whether a field survives (exclude wins over include). */
  filter(field: string): boolean {
    return !this.#exclude.has(field) && (this.#include.size === 0 || this.#include.has(field));
  }

  renamed(field: string): string {
    return this.#renames.get(field) ?? field;
  }

  apply(record: R): R {
    const value = operatingValue(record, this.side);
    if (value === null || value === undefined) return record;
    const schema = operatingSchema(record, this.side);
    if (!schema) {
      const map = requireMap(value, PURPOSE);
      const updated = emptyMapLike(map);
      for (const [k, v] of mapEntries(map)) {
        const name = String(k);
        if (this.filter(name)) mapPut(updated, this.renamed(name), v);
      }
      return withOperating(record, this.side, null, updated);
    }
    const struct = requireStruct(value, PURPOSE);
    const updatedSchema = this.#cache.get(struct.schema, (s) => this.#buildSchema(s));
    const updated = new Struct(updatedSchema);
    for (const f of updatedSchema.fields) {
      updated.put(f.name, fieldValue(struct, this.#reverse.get(f.name) ?? f.name, this.#replaceNullWithDefault));
    }
    return withOperating(record, this.side, updatedSchema, updated);
  }

  #buildSchema(schema: Schema): Schema {
    const b = SchemaBuilder.struct();
    if (schema.name !== undefined) b.name(schema.name);
    if (schema.version !== undefined) b.version(schema.version);
    if (schema.doc !== undefined) b.doc(schema.doc);
    if (schema.parameters) b.parameters(schema.parameters);
    for (const f of schema.fields) if (this.filter(f.name)) b.field(this.renamed(f.name), f.schema);
    return b.build();
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {
    this.#cache.clear();
  }
}
