/**
 * Which keys of a connector config hold secrets (Kafka's PASSWORD type): the connector's own and the framework's
 * PASSWORD keys, its transforms' and predicates' PASSWORD keys (`transforms.<alias>.<key>`), and client secrets
 * wherever they appear (`producer.override.ssl.key.password`, `value.converter.basic.auth.user.info`, …).
 * Views that show configs or data (the REST tap, the dashboard) hide these values.
 */
import type { ConfigDef, ConnectorConfig } from '../connectors/api/index.js';
import { connectorConfigDef } from '../connectors/framework-config.js';
import type { PluginRegistry } from '../connectors/registry.js';
import { pluginConfigDef } from '../transforms/registry.js';
import { isPasswordKey } from './client-configs.js';

/** Converter secrets that are not Kafka client keys (Confluent's Schema Registry client). */
const CONVERTER_SECRETS = ['basic.auth.user.info', 'bearer.auth.token', 'bearer.auth.client.secret'];
const CHAINS = [
  { prefix: 'transforms.', kind: 'transformation' },
  { prefix: 'predicates.', kind: 'predicate' },
] as const;

const isPassword = (def: ConfigDef | undefined, key: string): boolean => def?.key(key)?.type === 'PASSWORD';

/** The config's keys whose values are secrets (present keys only). */
export function passwordKeysOf(registry: PluginRegistry, config: ConnectorConfig): Set<string> {
  let own: ConfigDef | undefined;
  let framework: ConfigDef | undefined;
  const cls = config['connector.class'];
  if (cls !== undefined && registry.has(cls)) {
    const plugin = registry.resolve(cls);
    own = plugin.configDef();
    framework = connectorConfigDef(plugin.type);
  }
  const out = new Set<string>();
  for (const key of Object.keys(config)) {
    if (isPassword(own, key) || isPassword(framework, key) || isPasswordKey(key) || isChainSecret(registry, config, key)) out.add(key);
    else if (/^(key|value|header)\.converter\./.test(key) && CONVERTER_SECRETS.some((s) => key.endsWith(`.${s}`))) out.add(key);
  }
  return out;
}

/** `transforms.<alias>.<key>` whose transform (or predicate) declares `<key>` a PASSWORD. */
function isChainSecret(registry: PluginRegistry, config: ConnectorConfig, key: string): boolean {
  for (const { prefix, kind } of CHAINS) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const dot = rest.indexOf('.');
    if (dot <= 0) return false;
    const type = config[`${prefix}${rest.slice(0, dot)}.type`];
    const def = type === undefined ? undefined : pluginConfigDef(type, kind, registry.transforms);
    return isPassword(def, rest.slice(dot + 1));
  }
  return false;
}

/** The config with its secrets shown as Kafka shows them: `[hidden]`. */
export function hidePasswords(registry: PluginRegistry, config: ConnectorConfig): Record<string, string> {
  const secret = passwordKeysOf(registry, config);
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, secret.has(k) ? '[hidden]' : v]));
}
