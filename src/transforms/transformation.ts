/**
 * The SMT contracts (Kafka Connect's `Transformation` and `Predicate`), the error a chain throws, and config
 * parsing as Kafka's `SimpleConfig` does it. The helpers the built-in SMTs share live beside it:
 * `sided-transformation.ts` ($Key / $Value), `requirements.ts` (Kafka's `Requirements`), `schema-util.ts`
 * (derived schemas, their cache), `schemaless-map.ts`. Imports only `src/data` and the dependency-free ConfigDef.
 */
import { ConnectRecord, DataException, type DataContext } from '../data/index.js';
import { ConfigDef, ConfigException, type RawConfig } from '../connectors/api/config-def.js';

export { ConfigDef, ConfigException, type RawConfig };

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
