/**
 * Connector plugins by name. As in Kafka Connect (PluginUtils), a plugin resolves by its fully-qualified class
 * name, its simple class name, and its simple name without the `Connector` suffix; plus the short aliases the
 * plugin declares. Names are case-sensitive, as Java class names are.
 */
import { ConfigException, type ConnectorPlugin } from './api/index.js';
import { BUILTIN_CONNECTOR_PLUGINS } from './builtins.js';

/** `a.b.FooConnector` → [`FooConnector`, `Foo`]; `a.b.Outer$Inner` → [`Inner`]. */
export function derivedAliases(className: string): string[] {
  const simple = className.slice(className.lastIndexOf('.') + 1).split('$').pop()!;
  const out = [simple];
  if (simple.endsWith('Connector') && simple.length > 'Connector'.length) out.push(simple.slice(0, -'Connector'.length));
  return out.filter((a) => a !== className);
}

export class PluginRegistry {
  readonly #plugins: ConnectorPlugin[] = [];
  readonly #byClass = new Map<string, ConnectorPlugin>();
  /** Alias → every plugin claiming it; more than one means the alias is ambiguous and does not resolve. */
  readonly #byAlias = new Map<string, ConnectorPlugin[]>();

  /** A registry holding the built-in connectors (FileStream source and sink, datagen, …). */
  static withBuiltins(): PluginRegistry {
    const r = new PluginRegistry();
    for (const p of BUILTIN_CONNECTOR_PLUGINS) r.register(p);
    return r;
  }

  /** Adds a plugin. A second plugin with the same class name, or an explicit alias that is another's class name, is refused. */
  register(plugin: ConnectorPlugin): this {
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
