import { SchemaBuilder, Struct, type ConnectRecord, type Schema } from '../data/index.js';
import { ConfigDef, ConfigException, defineReplaceNullWithDefault, javaSplit, type RawConfig } from './transformation.js';
import { SidedTransformation, type Side } from './sided-transformation.js';
import { requireMap, requireStruct } from './requirements.js';
import { copySchemaBasics, fieldValue } from './schema-util.js';
import { emptyMapLike, mapEntries, mapPut } from './schemaless-map.js';

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
function translateAliases(config: RawConfig): Record<string, unknown> {
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
export class ReplaceField<R extends ConnectRecord = ConnectRecord> extends SidedTransformation<R> {
  static readonly CONFIG_DEF = CONFIG_DEF;
  #exclude = new Set<string>();
  #include = new Set<string>();
  #renames = new Map<string, string>();
  #reverse = new Map<string, string>();

  constructor(side: Side) {
    super(side, CONFIG_DEF);
  }

  configure(config: RawConfig): void {
    const c = this.parse(translateAliases(config));
    this.#exclude = new Set(c[EXCLUDE_CONFIG] as string[]);
    this.#include = new Set(c[INCLUDE_CONFIG] as string[]);
    this.#renames = parseRenameMappings(c[RENAMES_CONFIG] as string[]);
    this.#reverse = new Map([...this.#renames].map(([a, b]) => [b, a]));
  }

  /** Whether a field survives (exclude wins over include). */
  filter(field: string): boolean {
    return !this.#exclude.has(field) && (this.#include.size === 0 || this.#include.has(field));
  }

  renamed(field: string): string {
    return this.#renames.get(field) ?? field;
  }

  apply(record: R): R {
    const value = this.operatingValue(record);
    if (value === null || value === undefined) return record;
    const schema = this.operatingSchema(record);
    if (!schema) {
      const map = requireMap(value, PURPOSE);
      const updated = emptyMapLike(map);
      for (const [k, v] of mapEntries(map)) {
        const name = String(k);
        if (this.filter(name)) mapPut(updated, this.renamed(name), v);
      }
      return this.newRecord(record, null, updated);
    }
    const struct = requireStruct(value, PURPOSE);
    const updatedSchema = this.schemaCache.get(struct.schema, (s) => this.#buildSchema(s));
    const updated = new Struct(updatedSchema);
    for (const f of updatedSchema.fields) {
      updated.put(f.name, fieldValue(struct, this.#reverse.get(f.name) ?? f.name, this.replaceNullWithDefault));
    }
    return this.newRecord(record, updatedSchema, updated);
  }

  #buildSchema(schema: Schema): Schema {
    const b = copySchemaBasics(schema, SchemaBuilder.struct());
    for (const f of schema.fields) if (this.filter(f.name)) b.field(this.renamed(f.name), f.schema);
    return b.build();
  }
}
