/**
 * The plugins of a worker (Kafka Connect's `Plugins`): connectors, and beside them the converters, transforms,
 * predicates and config providers that configs name by class. Each registry instance has its own, so plugins
 * loaded for one worker never leak into another.
 *
 * Connector plugins by name. As in Kafka Connect (PluginUtils), a plugin resolves by its fully-qualified class
 * name, its simple class name, and its simple name without the `Connector` suffix; plus the short aliases the
 * plugin declares. Names are case-sensitive, as Java class names are.
 */
import { ConfigException, type ConfigDef, type ConfigProviderPlugin, type ConnectorPlugin, type ExtensionPlugin } from './api/index.js';
import { ConverterNameClashError, ConverterRegistry } from '../converters/registry.js';
import { TransformNameClashError, TransformRegistry, transformRegistry, type TransformPlugin } from '../transforms/registry.js';
import { BUILTIN_CONNECTOR_PLUGINS } from './builtins.js';

/** `a.b.FooConnector` → [`FooConnector`, `Foo`]; `a.b.Outer$Inner` → [`Inner`]. */
export function derivedAliases(className: string): string[] {
  const simple = className.slice(className.lastIndexOf('.') + 1).split('$').pop()!;
  const out = [simple];
  if (simple.endsWith('Connector') && simple.length > 'Connector'.length) out.push(simple.slice(0, -'Connector'.length));
  return out.filter((a) => a !== className);
}

/** Whether a plugin is one of the kinds beside connectors (they have `kind`; connectors have `type`). */
export function isExtensionPlugin(plugin: ConnectorPlugin | ExtensionPlugin): plugin is ExtensionPlugin {
  return typeof (plugin as Partial<ExtensionPlugin>).kind === 'string';
}

/** A transform plugin whose own ConfigDef is read from an instance when first asked for. */
function transformEntry(plugin: Extract<ExtensionPlugin, { kind: 'transformation' | 'predicate' }>): TransformPlugin {
  let def: ConfigDef | undefined;
  return {
    className: plugin.className,
    kind: plugin.kind,
    aliases: plugin.aliases ?? [],
    get configDef() {
      return (def ??= plugin.create().config());
    },
    create: () => plugin.create(),
  };
}

export class PluginRegistry {
  /** Converters and header converters: the built-ins plus registered plugins. */
  readonly converters = ConverterRegistry.withBuiltins();
  /** Transformations and predicates: the process-wide built-ins (and what embedders registered there) plus registered plugins. */
  readonly transforms = new TransformRegistry(transformRegistry());
  /** Config providers of plugins by class name and alias (the built-in ones are the worker's). */
  readonly #configProviders = new Map<string, ConfigProviderPlugin>();
  readonly #extensions: ExtensionPlugin[] = [];
  readonly #plugins: ConnectorPlugin[] = [];
  readonly #byClass = new Map<string, ConnectorPlugin>();
  /** Alias → every plugin claiming it; more than one means the alias is ambiguous and does not resolve. */
  readonly #byAlias = new Map<string, ConnectorPlugin[]>();

  /** A registry holding the built-in connectors (FileStream source and sink, datagen, …). */
  static withBuiltins(): PluginRegistry {
    const r = new PluginRegistry();
    for (const p of BUILTIN_CONNECTOR_PLUGINS) r.#add(p);
    return r;
  }

  /** The ES modules (URLs or package names) plugins were registered from, in order (registerFromModule). */
  readonly #modules: string[] = [];
  /** A plugin was registered as an object: a task thread could not load it by module specifier. */
  #objects = false;

  /**
   * Adds a plugin. A second plugin with the same class name, or an explicit alias that is another's class name, is
   * refused; so is a converter, transform, predicate or config provider whose name one of its kind already has.
   */
  register(plugin: ConnectorPlugin | ExtensionPlugin): this {
    this.#add(plugin);
    this.#objects = true;
    return this;
  }

  /** Adds a plugin exported by the ES module `specifier`: a task thread can load it again from there. */
  registerFromModule(specifier: string, plugin: ConnectorPlugin | ExtensionPlugin): this {
    this.#add(plugin);
    if (!this.#modules.includes(specifier)) this.#modules.push(specifier);
    return this;
  }

  /**
   * The module specifiers that rebuild this registry in another thread (the built-ins plus these), or undefined
   * when a plugin was registered as an object (tasks then run on the main thread).
   */
  threadModules(): readonly string[] | undefined {
    return this.#objects || transformRegistry().extended() ? undefined : [...this.#modules];
  }

  #add(plugin: ConnectorPlugin | ExtensionPlugin): this {
    if (isExtensionPlugin(plugin)) return this.#registerExtension(plugin);
    if (this.#byClass.has(plugin.className)) {
      throw new ConfigException(undefined, undefined, `A connector plugin with class ${plugin.className} is already registered`);
    }
    for (const alias of plugin.aliases) {
      if (this.#byClass.has(alias)) {
        throw new ConfigException(undefined, undefined, `Alias ${alias} of ${plugin.className} is the class name of another plugin`);
      }
    }
    if (this.#byAlias.has(plugin.className)) {
      const claimants = this.#byAlias.get(plugin.className)!.map((p) => p.className).join(', ');
      throw new ConfigException(undefined, undefined, `Class name ${plugin.className} is already an alias of ${claimants}`);
    }
    this.#plugins.push(plugin);
    this.#byClass.set(plugin.className, plugin);
    for (const alias of new Set([...derivedAliases(plugin.className), ...plugin.aliases])) {
      const list = this.#byAlias.get(alias) ?? [];
      list.push(plugin);
      this.#byAlias.set(alias, list);
    }
    return this;
  }

  #registerExtension(plugin: ExtensionPlugin): this {
    try {
      this.#addExtension(plugin);
    } catch (e) {
      if (e instanceof ConverterNameClashError || e instanceof TransformNameClashError) {
        throw new ConfigException(undefined, undefined, e.message);
      }
      throw e;
    }
    this.#extensions.push(plugin);
    return this;
  }

  #addExtension(plugin: ExtensionPlugin): void {
    const aliases = plugin.aliases ?? [];
    switch (plugin.kind) {
      case 'converter':
      case 'header_converter':
        this.converters.register({
          className: plugin.className,
          aliases,
          create: () => plugin.create(),
          converter: plugin.kind === 'converter',
          headerConverter: plugin.kind === 'header_converter',
        });
        return;
      case 'transformation':
      case 'predicate':
        this.transforms.register(transformEntry(plugin));
        return;
      case 'config_provider': {
        const names = [plugin.className, ...aliases];
        const taken = names.find((n) => this.#configProviders.has(n));
        if (taken !== undefined) {
          throw new ConfigException(undefined, undefined, `config provider name ${taken} is already taken by ${this.#configProviders.get(taken)!.className}`);
        }
        for (const n of names) this.#configProviders.set(n, plugin);
      }
    }
  }

  /** The config provider plugin for a class name or alias, or undefined (built-in providers are not here). */
  configProvider(name: string): ConfigProviderPlugin | undefined {
    return this.#configProviders.get(name.trim());
  }

  /** The registered plugins other than connectors, in registration order. */
  extensions(): readonly ExtensionPlugin[] {
    return this.#extensions;
  }

  /** The plugin for a class name or alias; throws a ConfigException on `connector.class` naming the available ones. */
  resolve(nameOrAlias: string): ConnectorPlugin {
    const name = nameOrAlias.trim();
    const exact = this.#byClass.get(name);
    if (exact) return exact;
    const claimants = this.#byAlias.get(name) ?? [];
    if (claimants.length === 1) return claimants[0]!;
    if (claimants.length > 1) {
      throw new ConfigException(
        'connector.class',
        nameOrAlias,
        `More than one connector matches alias ${name}: ${claimants.map((p) => p.className).join(', ')}. ` +
          'Please use the fully qualified class name.',
      );
    }
    throw new ConfigException(
      'connector.class',
      nameOrAlias,
      `Failed to find any class that implements Connector and which name matches ${name}, available connectors are: ` +
        this.#plugins.map((p) => `${p.className} (${p.type}; aliases ${this.aliasesOf(p).join(', ')})`).join(', '),
    );
  }

  /** Whether `nameOrAlias` resolves to exactly one plugin. */
  has(nameOrAlias: string): boolean {
    const name = nameOrAlias.trim();
    return this.#byClass.has(name) || this.#byAlias.get(name)?.length === 1;
  }

  /** Every registered plugin: sinks first, then sources (the order of `GET /connector-plugins`), each by class name. */
  list(): ConnectorPlugin[] {
    const rank = (p: ConnectorPlugin): number => (p.type === 'sink' ? 0 : 1);
    return [...this.#plugins].sort((a, b) => rank(a) - rank(b) || a.className.localeCompare(b.className));
  }

  /** The names other than the class name that resolve to this plugin (unambiguous ones only). */
  aliasesOf(plugin: ConnectorPlugin): string[] {
    const out: string[] = [];
    for (const [alias, claimants] of this.#byAlias) if (claimants.length === 1 && claimants[0] === plugin) out.push(alias);
    return out;
  }
}
