/**
 * The `$Key` / `$Value` plumbing of the sided SMTs. Kafka declares each as an abstract class (`Cast`,
 * `InsertField`, …) with nested `Key` and `Value` subclasses that say which part of the record to read and
 * how to make the new record; here one class takes the side as a constructor argument instead.
 */
import type { ConnectRecord, Headers, Schema } from '../data/index.js';
import type { RawConfig } from '../connectors/api/config-def.js';
import { parseConfig, REPLACE_NULL_WITH_DEFAULT_CONFIG, type ConfigDef, type Transformation } from './transformation.js';
import { SchemaCache } from './schema-util.js';

/** Which part of the record a `$Key` / `$Value` transform works on. */
export type Side = 'key' | 'value';

export function operatingSchema(record: ConnectRecord, side: Side): Schema | null {
  return side === 'key' ? record.keySchema : record.valueSchema;
}

export function operatingValue(record: ConnectRecord, side: Side): unknown {
  return side === 'key' ? record.key : record.value;
}

/**
 * A copy of `record` whose key (or value) and its schema are replaced; headers are `headers` when given,
 * else duplicated.
 */
export function withOperating<R extends ConnectRecord>(record: R, side: Side, schema: Schema | null, value: unknown, headers?: Headers): R {
  return side === 'key'
    ? record.newRecord({ keySchema: schema, key: value, headers })
    : record.newRecord({ valueSchema: schema, value, headers });
}

/**
 * What every sided SMT shares: its side, its ConfigDef, the parsed `replace.null.with.default` (KIP-1040) and a
 * cache of the schemas it derived, emptied by a new configuration and by `close`.
 */
export abstract class SidedTransformation<R extends ConnectRecord = ConnectRecord> implements Transformation<R> {
  readonly side: Side;
  /** Derived schemas by input schema; `parse` and `close` empty it. */
  protected readonly schemaCache = new SchemaCache();
  /** `replace.null.with.default` when the ConfigDef defines it (true, its default, otherwise). */
  protected replaceNullWithDefault = true;
  readonly #configDef: ConfigDef;

  protected constructor(side: Side, configDef: ConfigDef) {
    this.side = side;
    this.#configDef = configDef;
  }

  abstract configure(config: RawConfig): void;
  abstract apply(record: R): R | null;

  /** `config` parsed and validated against the ConfigDef; schemas derived under an earlier config are forgotten. */
  protected parse(config: RawConfig): Record<string, unknown> {
    const c = parseConfig(this.#configDef, config);
    const replaceNull = c[REPLACE_NULL_WITH_DEFAULT_CONFIG];
    if (typeof replaceNull === 'boolean') this.replaceNullWithDefault = replaceNull;
    this.schemaCache.clear();
    return c;
  }

  protected operatingSchema(record: R): Schema | null {
    return operatingSchema(record, this.side);
  }

  protected operatingValue(record: R): unknown {
    return operatingValue(record, this.side);
  }

  /** Kafka's `newRecord(record, updatedSchema, updatedValue)` of the `Key` / `Value` subclasses. */
  protected newRecord(record: R, schema: Schema | null, value: unknown, headers?: Headers): R {
    return withOperating(record, this.side, schema, value, headers);
  }

  config(): ConfigDef {
    return this.#configDef;
  }

  close(): void {
    this.schemaCache.clear();
  }
}
