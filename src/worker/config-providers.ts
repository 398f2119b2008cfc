/**
 * Config providers (KIP-297, KIP-421) as Kafka Connect configures them on the worker:
 *
 *   config.providers=file,env,directory
 *   config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider
 *   config.providers.file.param.allowed.paths=/etc/secrets        (optional)
 *   config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider
 *   config.providers.directory.class=org.apache.kafka.common.config.provider.DirectoryConfigProvider
 *
 * and connector configs then say `${file:/etc/secrets/db.properties:password}`, `${env:DB_PASSWORD}` or
 * `${directory:/run/secrets:db-password}`. The herder stores the raw config (what REST shows) and resolves the
 * placeholders only when it starts the connector and its tasks (Kafka's WorkerConfigTransformer). A placeholder
 * whose provider is not configured, or whose key the provider does not have, stays as it is (as in Kafka).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { ConfigException, type ConfigProvider, type ConfigProviderPlugin, type ConnectorConfig } from '../connectors/api/index.js';
import { parseProperties } from './properties.js';
import type { ConfigProblem } from './errors.js';

/** A source of config values: `get(path, keys)` returns the values it has (missing keys are left out). */
export type { ConfigProvider };

/** Where config provider classes beyond the built-in ones come from (a worker's PluginRegistry). */
export interface ConfigProviderPlugins {
  configProvider(className: string): ConfigProviderPlugin | undefined;
}

const PROVIDER_PACKAGE = 'org.apache.kafka.common.config.provider';

/** Kafka's `allowed.paths` parameter: when set, only paths below one of these are read. */
class AllowedPaths {
  #roots: string[] | null = null;

  configure(params: Readonly<Record<string, string>>): void {
    const raw = params['allowed.paths'];
    if (raw === undefined || raw.trim() === '') {
      this.#roots = null;
      return;
    }
    this.#roots = raw.split(',').map((p) => p.trim()).filter((p) => p !== '').map((p) => {
      if (!isAbsolute(p)) throw new ConfigException('allowed.paths', raw, `Path ${p} is not absolute`);
      return normalize(p);
    });
  }

  /** The normalised path, or null when it is outside the allowed roots. */
  check(path: string): string | null {
    const p = resolve(path);
    if (this.#roots === null) return p;
    return this.#roots.some((r) => p === r || p.startsWith(r.endsWith(sep) ? r : r + sep)) ? p : null;
  }
}

/** A provider whose path names a file or a directory, read only below Kafka's `allowed.paths` when that is set. */
abstract class PathConfigProvider implements ConfigProvider {
  readonly #allowed = new AllowedPaths();

  configure(params: Readonly<Record<string, string>>): void {
    this.#allowed.configure(params);
  }

  get(path: string, keys: ReadonlySet<string>): Map<string, string> {
    if (path === '') return new Map();
    const resolved = this.#allowed.check(path);
    return resolved === null ? new Map() : this.read(resolved, path, keys);
  }

  /** The values of `keys` found at `resolved`, the allowed and normalised form of `path` (which errors name). */
  protected abstract read(resolved: string, path: string, keys: ReadonlySet<string>): Map<string, string>;
}

/** `${file:<properties file>:<key>}` */
export class FileConfigProvider extends PathConfigProvider {
  static readonly className = `${PROVIDER_PACKAGE}.FileConfigProvider`;

  protected read(file: string, path: string, keys: ReadonlySet<string>): Map<string, string> {
    let props: Map<string, string>;
    try {
      props = parseProperties(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new ConfigException(undefined, undefined, `Could not read properties from file ${path}: ${(e as Error).message}`);
    }
    const out = new Map<string, string>();
    for (const k of keys) {
      const v = props.get(k);
      if (v !== undefined) out.set(k, v);
    }
    return out;
  }
}

/** `${directory:<dir>:<file name>}`: the content of that file in that directory. */
export class DirectoryConfigProvider extends PathConfigProvider {
  static readonly className = `${PROVIDER_PACKAGE}.DirectoryConfigProvider`;

  protected read(dir: string, path: string, keys: ReadonlySet<string>): Map<string, string> {
    let names: Set<string>;
    try {
      names = new Set(readdirSync(dir));
    } catch (e) {
      throw new ConfigException(undefined, undefined, `Could not list directory ${path}: ${(e as Error).message}`);
    }
    const out = new Map<string, string>();
    for (const k of keys) {
      if (!names.has(k) || k.includes('/') || k.includes(sep)) continue;
      const file = join(dir, k);
      if (!statSync(file).isFile()) continue;
      out.set(k, readFileSync(file, 'utf8'));
    }
    return out;
  }
}

/** `${env:<VARIABLE>}` (the path part is ignored); `allowlist.pattern` limits which variables may be read. */
export class EnvVarConfigProvider implements ConfigProvider {
  static readonly className = `${PROVIDER_PACKAGE}.EnvVarConfigProvider`;
  #allow: RegExp | null = null;

  constructor(private readonly env: Readonly<Record<string, string | undefined>> = process.env) {}

  configure(params: Readonly<Record<string, string>>): void {
    const p = params['allowlist.pattern'];
    this.#allow = p !== undefined && p !== '' ? new RegExp(`^(?:${p})$`) : null;
  }

  get(_path: string, keys: ReadonlySet<string>): Map<string, string> {
    const out = new Map<string, string>();
    for (const k of keys) {
      if (this.#allow && !this.#allow.test(k)) continue;
      const v = this.env[k];
      if (v !== undefined) out.set(k, v);
    }
    return out;
  }
}

const BUILTIN_PROVIDERS: ReadonlyArray<{ className: string; create: () => ConfigProvider }> = [
  { className: FileConfigProvider.className, create: () => new FileConfigProvider() },
  { className: DirectoryConfigProvider.className, create: () => new DirectoryConfigProvider() },
  { className: EnvVarConfigProvider.className, create: () => new EnvVarConfigProvider() },
];

function providerClass(name: string): { className: string; create: () => ConfigProvider } | undefined {
  const n = name.trim();
  return BUILTIN_PROVIDERS.find((p) => p.className === n || p.className.slice(PROVIDER_PACKAGE.length + 1) === n);
}

/**
 * Throws a ConfigException when a config provider plugin takes the name of a built-in provider (which would win
 * silently: the registry, a floor below, does not know the worker's providers).
 */
export function refuseBuiltinProviderNames(plugin: { readonly kind?: string; readonly className: string; readonly aliases?: readonly string[] }): void {
  if (plugin.kind !== 'config_provider') return;
  for (const name of [plugin.className, ...(plugin.aliases ?? [])]) {
    const builtin = providerClass(name);
    if (builtin) throw new ConfigException(undefined, undefined, `config provider name ${name} is already taken by ${builtin.className}`);
  }
}

/** Kafka's ConfigTransformer.DEFAULT_PATTERN: `${provider:[path:]key}`. */
const VARIABLE = /\$\{([^}]*?):(([^}]*?):)?([^}]*?)\}/g;

export function hasVariables(value: string): boolean {
  VARIABLE.lastIndex = 0;
  const found = VARIABLE.test(value);
  VARIABLE.lastIndex = 0;
  return found;
}

/** Resolves `${provider:path:key}` placeholders of connector configs with the worker's config providers. */
export class ConfigTransformer {
  constructor(readonly providers: ReadonlyMap<string, ConfigProvider>) {}

  /** Whether any provider is configured (if not, configs are used as given). */
  get enabled(): boolean {
    return this.providers.size > 0;
  }

  /** The config with every resolvable placeholder replaced. Throws a ConfigException when a provider cannot read. */
  transform(config: ConnectorConfig): ConnectorConfig {
    if (!this.enabled) return config;
    // provider → path → keys, as Kafka collects them before asking each provider once per path.
    const wanted = new Map<string, Map<string, Set<string>>>();
    for (const value of Object.values(config)) {
      for (const m of value.matchAll(VARIABLE)) {
        const [, provider, , path = '', key] = m;
        if (!this.providers.has(provider!)) continue;
        const byPath = wanted.get(provider!) ?? new Map<string, Set<string>>();
        wanted.set(provider!, byPath);
        const keys = byPath.get(path) ?? new Set<string>();
        byPath.set(path, keys);
        keys.add(key!);
      }
    }
    if (wanted.size === 0) return config;
    const lookup = new Map<string, Map<string, Map<string, string>>>();
    for (const [provider, byPath] of wanted) {
      const p = this.providers.get(provider)!;
      const resolved = new Map<string, Map<string, string>>();
      for (const [path, keys] of byPath) resolved.set(path, p.get(path, keys));
      lookup.set(provider, resolved);
    }
    const out: Record<string, string> = {};
    for (const [k, value] of Object.entries(config)) {
      out[k] = value.replace(VARIABLE, (whole, provider: string, _p: string | undefined, path: string | undefined, key: string) => {
        return lookup.get(provider)?.get(path ?? '')?.get(key) ?? whole;
      });
    }
    return out;
  }

  /** Problems resolving the config (reported by validation instead of failing at start). */
  problems(config: ConnectorConfig): ConfigProblem[] {
    try {
      this.transform(config);
      return [];
    } catch (e) {
      const key = Object.keys(config).find((k) => hasVariables(config[k]!));
      return [{ ...(key ? { key } : {}), reason: (e as Error).message }];
    }
  }
}

/**
 * Kafka's AbstractHerder.reverseTransform: in task configs, keys whose connector config value had a placeholder
 * are stored with the placeholder again, so stored task configs never hold resolved secrets.
 */
export function reverseTransform(rawConnectorConfig: ConnectorConfig, taskConfigs: readonly ConnectorConfig[]): ConnectorConfig[] {
  const withVariables = Object.keys(rawConnectorConfig).filter((k) => hasVariables(rawConnectorConfig[k]!));
  if (withVariables.length === 0) return [...taskConfigs];
  return taskConfigs.map((c) => {
    const out: Record<string, string> = { ...c };
    for (const k of withVariables) if (Object.hasOwn(out, k)) out[k] = rawConnectorConfig[k]!;
    return out;
  });
}

/**
 * The transformer the worker config asks for (`config.providers` …), a class resolving to a built-in provider or
 * else to one of `plugins`; throws a ConfigException naming the bad key.
 */
export function configTransformerFromWorker(worker: Readonly<Record<string, string>>, plugins?: ConfigProviderPlugins): ConfigTransformer {
  const names = (worker['config.providers'] ?? '').split(',').map((n) => n.trim()).filter((n) => n !== '');
  const providers = new Map<string, ConfigProvider>();
  for (const name of names) {
    const key = `config.providers.${name}.class`;
    const cls = worker[key];
    if (cls === undefined || cls.trim() === '') {
      throw new ConfigException(key, cls ?? null, `config provider "${name}" is listed in config.providers but ${key} is not set`);
    }
    const entry = providerClass(cls) ?? plugins?.configProvider(cls);
    if (!entry) {
      throw new ConfigException(
        key, cls,
        `unknown config provider class ${cls.trim()} (known: ${BUILTIN_PROVIDERS.map((p) => p.className).join(', ')})`,
      );
    }
    const prefix = `config.providers.${name}.param.`;
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(worker)) if (k.startsWith(prefix)) params[k.slice(prefix.length)] = v;
    const provider = entry.create();
    try {
      provider.configure(params);
    } catch (e) {
      if (e instanceof ConfigException) throw new ConfigException(`${prefix}${e.key ?? ''}`, params[e.key ?? ''] ?? null, e.reason);
      throw e;
    }
    providers.set(name, provider);
  }
  return new ConfigTransformer(providers);
}
