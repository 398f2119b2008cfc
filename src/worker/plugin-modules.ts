/**
 * `--plugin MODULE`: plugins from ES modules, registered next to the built-in ones. A module's default (or
 * `plugins`) export holds one plugin or an array of them: connector plugins (`type: 'source' | 'sink'`) and
 * converters, header converters, transformations, predicates and config providers (`kind: …`, see
 * src/connectors/api/extension-plugins.ts), which configs then name by class as Kafka Connect's do.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EXTENSION_PLUGIN_KINDS, type ConnectorPlugin, type ExtensionPlugin } from '../connectors/api/index.js';
import { PluginRegistry, isExtensionPlugin } from '../connectors/registry.js';
import { refuseBuiltinProviderNames } from './config-providers.js';

/** A plugin module that cannot be loaded, or whose plugins clash with registered ones (exit code 2). */
export class PluginLoadError extends Error {
  override readonly name = 'PluginLoadError';
  constructor(readonly module: string, reason: string, options?: { cause?: unknown }) {
    super(`cannot load plugin module ${module}: ${reason}`, options);
  }
}

const EXPECTED =
  'expected a default (or "plugins") export holding a plugin or an array of them: a ConnectorPlugin ' +
  `(type "source" or "sink") or an object with kind ${EXTENSION_PLUGIN_KINDS.map((k) => `"${k}"`).join(', ')}, a className and create()`;

function isConnectorPlugin(v: unknown): v is ConnectorPlugin {
  const p = v as Partial<ConnectorPlugin> | null;
  return (
    typeof p === 'object' && p !== null && (p.type === 'source' || p.type === 'sink') &&
    typeof p.className === 'string' && typeof p.create === 'function' && typeof p.configDef === 'function'
  );
}

function isExtension(v: unknown): v is ExtensionPlugin {
  const p = v as Partial<ExtensionPlugin> | null;
  return (
    typeof p === 'object' && p !== null && EXTENSION_PLUGIN_KINDS.includes(p.kind!) &&
    typeof p.className === 'string' && p.className.trim() !== '' && typeof p.create === 'function' &&
    (p.aliases === undefined || (Array.isArray(p.aliases) && p.aliases.every((a) => typeof a === 'string')))
  );
}

/** What a plugin is called in errors: `converter com.acme.Upper`, `connector com.acme.Source`. */
function describe(plugin: ConnectorPlugin | ExtensionPlugin): string {
  return `${isExtensionPlugin(plugin) ? plugin.kind.replace('_', ' ') : 'connector'} ${plugin.className}`;
}

/** A path (relative to the working directory) as a file URL; a package name as it is. */
function specifierOf(module: string): string {
  return module.startsWith('.') || module.startsWith('/') ? pathToFileURL(resolve(module)).href : module;
}

async function importModule(module: string): Promise<readonly (ConnectorPlugin | ExtensionPlugin)[]> {
  const specifier = specifierOf(module);
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(specifier)) as Record<string, unknown>;
  } catch (e) {
    throw new PluginLoadError(module, (e as Error).message, { cause: e });
  }
  const exported = loaded['default'] ?? loaded['plugins'];
  const list: unknown[] = Array.isArray(exported) ? exported : [exported];
  if (exported === undefined || !list.every((p) => isConnectorPlugin(p) || isExtension(p))) throw new PluginLoadError(module, EXPECTED);
  return list as (ConnectorPlugin | ExtensionPlugin)[];
}

/** Adds every plugin of `module` to `registry` (a task thread can load them again); a name taken is a PluginLoadError. */
export async function registerModule(registry: PluginRegistry, module: string): Promise<void> {
  for (const plugin of await importModule(module)) {
    try {
      refuseBuiltinProviderNames(plugin);
      registry.registerFromModule(specifierOf(module), plugin);
    } catch (e) {
      throw new PluginLoadError(module, `${describe(plugin)}: ${(e as Error).message}`, { cause: e });
    }
  }
}

/** A registry of the built-ins plus every plugin of `modules`, in order; a name taken already is a PluginLoadError. */
export async function registryWithPlugins(modules: readonly string[]): Promise<PluginRegistry> {
  const registry = PluginRegistry.withBuiltins();
  for (const module of modules) await registerModule(registry, module);
  return registry;
}
