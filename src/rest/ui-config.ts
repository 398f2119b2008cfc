/**
 * Connector configs as the dashboard shows them: every secret `[hidden]`. Which keys are secrets is
 * src/worker/secret-keys.ts's call (the PASSWORD keys of the plugin's, the framework's and the transforms'
 * ConfigDefs, client and converter secrets), the same keys `PUT /connector-plugins/{p}/config/validate` hides.
 * A config whose plugin is not installed (any more) has no ConfigDef to ask: there, keys named like secrets are
 * hidden too.
 */
import type { ConnectorConfig } from '../connectors/api/index.js';
import type { PluginRegistry } from '../connectors/registry.js';
import { passwordKeysOf } from '../worker/secret-keys.js';

export const HIDDEN = '[hidden]';

const SECRET_NAME = /pass(word)?|secret|token|credential|jaas|user\.info/i;

/** The keys of `config` whose values must not be shown. */
export function secretKeysOf(registry: PluginRegistry, config: ConnectorConfig): Set<string> {
  const keys = passwordKeysOf(registry, config);
  const cls = config['connector.class'];
  if (cls === undefined || !registry.has(cls)) for (const k of Object.keys(config)) if (SECRET_NAME.test(k)) keys.add(k);
  return keys;
}

/** The config with the values of its secret keys replaced by `[hidden]`. */
export function shownConfig(registry: PluginRegistry, config: ConnectorConfig): Record<string, string> {
  const secret = secretKeysOf(registry, config);
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, secret.has(k) ? HIDDEN : v]));
}
