/**
 * Converter settings checked by building them: the `key.converter`, `value.converter` and `header.converter`
 * keys (and their `<prefix>.*` settings) that connector and worker configs share.
 */
import type { ConfigProblem, RawConfig } from './api/index.js';
import {
  ConverterConfigException,
  UnknownConverterError,
  configureConverter,
  configureHeaderConverter,
} from '../converters/index.js';

const CONVERTER_PREFIXES = ['key.converter', 'value.converter', 'header.converter'] as const;

/**
 * Builds and configures each converter a config names (as the worker will), reporting an unknown class on
 * `<prefix>` and a bad setting on `<prefix>.<key>`. With `defaults`, prefixes that name no class use the default.
 */
export function converterProblems(config: RawConfig, defaults: Partial<Record<string, string>> = {}): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const prefix of CONVERTER_PREFIXES) {
    const raw = config[prefix];
    const cls = typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : defaults[prefix];
    if (cls === undefined) continue;
    const withClass = { ...config, [prefix]: cls };
    try {
      if (prefix === 'header.converter') configureHeaderConverter(withClass, prefix);
      else configureConverter(withClass, prefix, { isKey: prefix === 'key.converter' });
    } catch (e) {
      if (e instanceof UnknownConverterError) problems.push({ key: prefix, reason: `Class ${cls} could not be found. ${e.message}` });
      else if (e instanceof ConverterConfigException) problems.push({ key: `${prefix}.${e.key}`, reason: e.message });
      else problems.push({ key: prefix, reason: `${cls} could not be configured: ${(e as Error).message}` });
    }
  }
  return problems;
}
