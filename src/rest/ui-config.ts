/**
 * Connector configs as the dashboard shows them: every PASSWORD value `[hidden]`. The keys are those
 * `PUT /connector-plugins/{p}/config/validate` hides — the PASSWORD-typed keys of the plugin's ConfigDef, the
 * framework's and the transformations' (from validation), and the client secrets (`producer.override.sasl.jaas.config`, …).
 * When the config cannot be validated (its plugin is gone), the plugin's own ConfigDef and the key names decide.
 */
import { isPasswordKey } from '../worker/client-configs.js';
import type { RestHerder } from './resources.js';

export const HIDDEN = '[hidden]';

/** Key names that look like secrets: only used when the config could not be validated. */
const SECRET_NAME = /pass(word)?|secret|token|credential|jaas/i;

/** The config with the values of `passwordKeys` replaced by `[hidden]`. */
export function hidePasswords(config: Readonly<Record<string, string>>, passwordKeys: ReadonlySet<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) out[k] = passwordKeys.has(k) || isPasswordKey(k) ? HIDDEN : v;
  return out;
}

/** The keys of `config` whose values must not be shown. */
export async function passwordKeysOf(herder: Pick<RestHerder, 'validateConfig' | 'registry'>, config: Readonly<Record<string, string>>): Promise<Set<string>> {
  const keys = new Set<string>(Object.keys(config).filter(isPasswordKey));
  try {
    const infos = await herder.validateConfig(config);
    for (const c of infos.configs) {
      if (c.definition?.type === 'PASSWORD') keys.add(c.definition.name);
      if (c.value?.value === HIDDEN) keys.add(c.value.name);
    }
    return keys;
  } catch {
    // Not validatable: hide what the plugin's ConfigDef says, and whatever is named like a secret.
  }
  try {
    const cls = config['connector.class'];
    if (cls !== undefined && herder.registry.has(cls)) {
      for (const k of herder.registry.resolve(cls).configDef().keys()) if (k.type === 'PASSWORD') keys.add(k.name);
    }
  } catch {
    // the plugin is gone
  }
  for (const k of Object.keys(config)) if (SECRET_NAME.test(k)) keys.add(k);
  return keys;
}

/** The config of a connector as the dashboard shows it. */
export async function shownConfig(herder: Pick<RestHerder, 'validateConfig' | 'registry' | 'connectorConfig'>, name: string): Promise<Record<string, string>> {
  const config = herder.connectorConfig(name);
  return hidePasswords(config, await passwordKeysOf(herder, config));
}
