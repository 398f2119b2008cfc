/** `sluice plugins`: the connector plugins and their config keys (own keys; `--all` adds the framework's). */
import { configValueToString, type ConfigKey, type ConnectorPlugin } from '../connectors/api/index.js';
import { connectorConfigDef } from '../connectors/framework-config.js';
import { configKeyInfo } from '../connectors/validation.js';
import type { PluginRegistry } from '../connectors/registry.js';
import { workerConnectorConfigDef } from '../worker/validate.js';
import { EXIT_OK, exitCodeOf } from './command-exit.js';
import { loadPlugins } from './command-setup.js';
import type { CliIo } from './io.js';

function keysOf(plugin: ConnectorPlugin, all: boolean): ConfigKey[] {
  const own = plugin.configDef().keys().filter((k) => !k.internal);
  if (!all) return own;
  const names = new Set(own.map((k) => k.name));
  const framework = [...connectorConfigDef(plugin.type).keys(), ...workerConnectorConfigDef().keys()];
  return [...own, ...framework.filter((k) => !k.internal && !names.has(k.name))];
}

function describeKey(k: ConfigKey): string {
  const dflt = k.hasDefault ? `default ${JSON.stringify(configValueToString(k.defaultValue, k.type) ?? null)}` : 'required';
  const doc = k.documentation.length > 110 ? k.documentation.slice(0, 107) + '...' : k.documentation;
  return `    ${k.name}  (${k.type.toLowerCase()}, ${dflt})  ${doc}`;
}

export async function pluginsCommand(modules: string[], json: boolean, all: boolean, io: CliIo): Promise<number> {
  return exitCodeOf(io, async () => listPlugins(await loadPlugins(modules), json, all, io));
}

function listPlugins(registry: PluginRegistry, json: boolean, all: boolean, io: CliIo): number {
  const plugins = registry.list();
  if (json) {
    const body = plugins.map((p) => ({
      class: p.className,
      type: p.type,
      version: p.version,
      aliases: registry.aliasesOf(p),
      config: keysOf(p, all).map(configKeyInfo),
    }));
    io.stdout.write(JSON.stringify(body, null, 2) + '\n');
    return EXIT_OK;
  }
  const lines: string[] = [];
  for (const p of plugins) {
    lines.push(`${p.className}  (${p.type}, version ${p.version}; also: ${registry.aliasesOf(p).join(', ')})`);
    for (const k of keysOf(p, all)) lines.push(describeKey(k));
    lines.push('');
  }
  if (!all) lines.push('Every connector also accepts the framework keys (name, tasks.max, converters, errors.*, …): sluice plugins --all');
  io.stdout.write(lines.join('\n') + '\n');
  return EXIT_OK;
}
