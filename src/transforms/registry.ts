/**
 * Resolves transformation and predicate class names as Kafka Connect configs spell them
 * (`org.apache.kafka.connect.transforms.InsertField$Value`, `org.apache.kafka.connect.transforms.predicates.TopicNameMatches`)
 * and their short forms (`InsertField$Value`, `Filter`, `TopicNameMatches`) to factories.
 */
import type { ConnectRecord } from '../data/index.js';
import { ConfigDef, ConfigException, type Predicate, type RawConfig, type Transformation } from './transformation.js';
import type { Side } from './sided-transformation.js';
import { Cast } from './cast.js';
import { ExtractField } from './extract-field.js';
import { Flatten } from './flatten.js';
import { HeaderFrom } from './header-from.js';
import { DropHeaders, InsertHeader } from './headers.js';
import { HoistField } from './hoist-field.js';
import { InsertField } from './insert-field.js';
import { MaskField } from './mask-field.js';
import { HasHeaderKey, RecordIsTombstone, TopicNameMatches } from './predicates.js';
import { ReplaceField } from './replace-field.js';
import { Filter, RegexRouter, TimestampRouter } from './routing.js';
import { SetSchemaMetadata } from './set-schema-metadata.js';
import { TimestampConverter } from './timestamp-converter.js';
import { ValueToKey } from './value-to-key.js';

export const TRANSFORMS_PACKAGE = 'org.apache.kafka.connect.transforms';
export const PREDICATES_PACKAGE = 'org.apache.kafka.connect.transforms.predicates';

export type PluginKind = 'transformation' | 'predicate';

export interface TransformPlugin {
  /** The Java class name, e.g. `org.apache.kafka.connect.transforms.InsertField$Value`. */
  readonly className: string;
  readonly kind: PluginKind;
  /** Other names this plugin answers to (short forms). */
  readonly aliases: readonly string[];
  /** The plugin's own ConfigDef (keys without the `transforms.<alias>.` prefix). */
  readonly configDef: ConfigDef;
  create(): Transformation<ConnectRecord> | Predicate<ConnectRecord>;
}

type SidedCtor = new (side: Side) => Transformation<ConnectRecord>;
type PlainCtor = (new () => Transformation<ConnectRecord>) | (new () => Predicate<ConnectRecord>);

/** A transformation or predicate name another plugin already answers to. */
export class TransformNameClashError extends Error {
  override readonly name = 'TransformNameClashError';
  constructor(readonly requested: string, readonly taken: string) {
    super(`plugin name ${requested} is already registered${taken === requested ? '' : ` (by ${taken})`}`);
  }
}

/**
 * Registered plugins by every name they answer to, plus the abstract Java bases (`Cast`) that are not plugins.
 * A registry made over a `parent` answers with the parent's plugins too, and refuses names the parent has.
 */
export class TransformRegistry {
  readonly #byName = new Map<string, TransformPlugin>();
  readonly #abstract = new Map<string, string[]>();
  readonly #plugins: TransformPlugin[] = [];

  constructor(private readonly parent?: TransformRegistry) {}

  /** How many plugins the registry held when `seal` was called (the built-ins of the process-wide registry). */
  #sealedAt: number | undefined;

  /** Notes that what is registered so far is the built-in set (see `extended`). */
  seal(): this {
    this.#sealedAt = this.#plugins.length;
    return this;
  }

  /** Plugins were registered after `seal`, here or in a parent (an embedder's, which a task thread has not). */
  extended(): boolean {
    return (this.#sealedAt !== undefined && this.#plugins.length > this.#sealedAt) || (this.parent?.extended() ?? false);
  }

  register(plugin: TransformPlugin): this {
    for (const name of [plugin.className, ...plugin.aliases]) {
      const taken = this.find(name);
      if (taken && taken !== plugin) throw new TransformNameClashError(name, taken.className);
      if (this.#abstractVariants(name)) throw new TransformNameClashError(name, name);
    }
    for (const name of [plugin.className, ...plugin.aliases]) this.#byName.set(name, plugin);
    this.#plugins.push(plugin);
    return this;
  }

  /** A transformation class with `$Key` / `$Value` variants, registered under both nested names. */
  registerSided(outerClassName: string, ctor: SidedCtor, configDef: ConfigDef): this {
    const simple = outerClassName.slice(outerClassName.lastIndexOf('.') + 1);
    const variants: string[] = [];
    for (const [suffix, side] of [['Key', 'key'], ['Value', 'value']] as const) {
      const className = `${outerClassName}$${suffix}`;
      variants.push(className);
      this.register({
        className,
        kind: 'transformation',
        aliases: [`${simple}$${suffix}`],
        configDef,
        create: () => new ctor(side),
      });
    }
    this.#abstract.set(outerClassName, variants);
    this.#abstract.set(simple, variants);
    return this;
  }

  registerPlain(className: string, kind: PluginKind, ctor: PlainCtor, configDef: ConfigDef): this {
    return this.register({
      className,
      kind,
      aliases: [className.slice(className.lastIndexOf('.') + 1)],
      configDef,
      create: () => new ctor(),
    });
  }

  /** The plugin for a class name or alias, or undefined. */
  find(name: string): TransformPlugin | undefined {
    return this.#byName.get(name.trim()) ?? this.parent?.find(name);
  }

  #abstractVariants(name: string): string[] | undefined {
    return this.#abstract.get(name) ?? (this.parent ? this.parent.#abstractVariants(name) : undefined);
  }

  /**
   * The plugin of `kind` for `name`; throws a ConfigException for `key` when the class is unknown, abstract,
   * or of the other kind — with Kafka's wording.
   */
  resolve(name: string, kind: PluginKind, key: string): TransformPlugin {
    const trimmed = name.trim();
    const plugin = this.find(trimmed);
    if (!plugin) {
      const variants = this.#abstractVariants(trimmed);
      if (variants) {
        throw new ConfigException(key, trimmed, `This class is abstract and cannot be created. Did you mean ${variants.join(', ')}?`);
      }
      throw new ConfigException(key, trimmed, `Class ${trimmed} could not be found.`);
    }
    if (plugin.kind !== kind) {
      throw new ConfigException(key, trimmed, `Not a ${kind === 'transformation' ? 'Transformation' : 'Predicate'}`);
    }
    return plugin;
  }

  /** Every registered plugin (for `GET /connector-plugins?connectorsOnly=false`). */
  plugins(): readonly TransformPlugin[] {
    return this.parent ? [...this.parent.plugins(), ...this.#plugins] : this.#plugins;
  }
}

/** A registry holding Kafka Connect's built-in SMTs and predicates. */
export function builtinRegistry(): TransformRegistry {
  const t = (name: string): string => `${TRANSFORMS_PACKAGE}.${name}`;
  return new TransformRegistry()
    .registerSided(t('Cast'), Cast, Cast.CONFIG_DEF)
    .registerPlain(t('DropHeaders'), 'transformation', DropHeaders, DropHeaders.CONFIG_DEF)
    .registerSided(t('ExtractField'), ExtractField, ExtractField.CONFIG_DEF)
    .registerPlain(t('Filter'), 'transformation', Filter, Filter.CONFIG_DEF)
    .registerSided(t('Flatten'), Flatten, Flatten.CONFIG_DEF)
    .registerSided(t('HeaderFrom'), HeaderFrom, HeaderFrom.CONFIG_DEF)
    .registerSided(t('HoistField'), HoistField, HoistField.CONFIG_DEF)
    .registerSided(t('InsertField'), InsertField, InsertField.CONFIG_DEF)
    .registerPlain(t('InsertHeader'), 'transformation', InsertHeader, InsertHeader.CONFIG_DEF)
    .registerSided(t('MaskField'), MaskField, MaskField.CONFIG_DEF)
    .registerPlain(t('RegexRouter'), 'transformation', RegexRouter, RegexRouter.CONFIG_DEF)
    .registerSided(t('ReplaceField'), ReplaceField, ReplaceField.CONFIG_DEF)
    .registerSided(t('SetSchemaMetadata'), SetSchemaMetadata, SetSchemaMetadata.CONFIG_DEF)
    .registerSided(t('TimestampConverter'), TimestampConverter, TimestampConverter.CONFIG_DEF)
    .registerPlain(t('TimestampRouter'), 'transformation', TimestampRouter, TimestampRouter.CONFIG_DEF)
    .registerPlain(t('ValueToKey'), 'transformation', ValueToKey, ValueToKey.CONFIG_DEF)
    .registerPlain(`${PREDICATES_PACKAGE}.TopicNameMatches`, 'predicate', TopicNameMatches, TopicNameMatches.CONFIG_DEF)
    .registerPlain(`${PREDICATES_PACKAGE}.HasHeaderKey`, 'predicate', HasHeaderKey, HasHeaderKey.CONFIG_DEF)
    .registerPlain(`${PREDICATES_PACKAGE}.RecordIsTombstone`, 'predicate', RecordIsTombstone, RecordIsTombstone.CONFIG_DEF);
}

let defaultRegistry: TransformRegistry | undefined;

/** The process-wide registry of built-ins; plugins may `register` more into it. */
export function transformRegistry(): TransformRegistry {
  return (defaultRegistry ??= builtinRegistry().seal());
}

/** A new plugin of `kind` for `className`, configured with `config`. */
function createConfigured(kind: PluginKind, className: string, config: RawConfig, registry: TransformRegistry) {
  const plugin = registry.resolve(className, kind, 'type').create();
  plugin.configure(config);
  return plugin;
}

/** A new, configured transformation (a convenience for tests and embedding). */
export function createTransformation<R extends ConnectRecord = ConnectRecord>(
  className: string,
  config: RawConfig = {},
  registry: TransformRegistry = transformRegistry(),
): Transformation<R> {
  return createConfigured('transformation', className, config, registry) as Transformation<R>;
}

/** A new, configured predicate. */
export function createPredicate<R extends ConnectRecord = ConnectRecord>(
  className: string,
  config: RawConfig = {},
  registry: TransformRegistry = transformRegistry(),
): Predicate<R> {
  return createConfigured('predicate', className, config, registry) as Predicate<R>;
}

/** The own ConfigDef of a transformation or predicate class, or undefined when the name is unknown. */
export function pluginConfigDef(className: string, kind: PluginKind, registry: TransformRegistry = transformRegistry()): ConfigDef | undefined {
  const p = registry.find(className);
  return p && p.kind === kind ? p.configDef : undefined;
}
