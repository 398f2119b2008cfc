/** `--plugin MODULE`: connector plugins from ES modules, registered next to the built-in ones. */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ConnectorPlugin } from '../connectors/api/index.js';
import { PluginRegistry } from '../connectors/registry.js';

/** A plugin module that cannot be loaded (exit code 2). */
export class PluginLoadError extends Error {
  override readonly name = 'PluginLoadError';
  constructor(readonly module: string, reason: string, options?: { cause?: unknown }) {
    super(`cannot load plugin module ${module}: ${reason}`, options);
  }
}

function isPlugin(v: unknown): v is ConnectorPlugin {
  const p = v as Partial<ConnectorPlugin> | null;
  return (
    typeof p === 'object' && p !== null && (p.type === 'source' || p.type === 'sink') &&
    typeof p.className === 'string' && typeof p.create === 'function' && typeof p.configDef === 'function'
  );
}

export async function registryWithPlugins(modules: readonly string[]): Promise<PluginRegistry> {
  const registry = PluginRegistry.withBuiltins();
  for (const module of modules) {
    const specifier = module.startsWith('.') || module.startsWith('/') ? pathToFileURL(resolve(module)).href : module;
    let loaded: Record<string, unknown>;
    try {
      loaded = (await import(specifier)) as Record<string, unknown>;
    } catch (e) {
      throw new PluginLoadError(module, (e as Error).message, { cause: e });
    }
    const exported = loaded['default'] ?? loaded['plugins'];
    const list = Array.isArray(exported) ? exported : [exported];
    if (exported === undefined || !list.every(isPlugin)) {
      throw new PluginLoadError(module, 'expected a default (or "plugins") export holding a ConnectorPlugin or an array of them');
    }
    try {
      for (const plugin of list) registry.register(plugin);
    } catch (e) {
      throw new PluginLoadError(module, (e as Error).message, { cause: e });
    }
  }
  return registry;
}
