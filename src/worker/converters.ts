/**
 * Which converters a task gets (Kafka's Worker): the connector's `key.converter` / `value.converter` /
 * `header.converter` with its own `<prefix>.*` settings when it names one, otherwise the worker's.
 */
import type { ConnectorConfig } from '../connectors/api/index.js';
import { DEFAULT_HEADER_CONVERTER, DEFAULT_KEY_CONVERTER, DEFAULT_VALUE_CONVERTER } from './worker-config-def.js';
import { ConverterRegistry, configureConverter, configureHeaderConverter } from '../converters/registry.js';
import type { Converters } from '../streams/contracts.js';

const named = (config: ConnectorConfig, key: string): boolean => (config[key] ?? '').trim() !== '';

const BUILTINS = ConverterRegistry.withBuiltins();

/** `registry`: the converters the worker knows (its plugin registry's); default the built-in ones. */
export function taskConverters(
  connector: ConnectorConfig,
  worker: Readonly<Record<string, string>>,
  registry: ConverterRegistry = BUILTINS,
): Converters {
  const source = (prefix: string) => (named(connector, prefix) ? connector : worker);
  return {
    key: configureConverter(source('key.converter'), 'key.converter', { isKey: true, defaultClass: DEFAULT_KEY_CONVERTER, registry }),
    value: configureConverter(source('value.converter'), 'value.converter', { isKey: false, defaultClass: DEFAULT_VALUE_CONVERTER, registry }),
    header: configureHeaderConverter(source('header.converter'), 'header.converter', { defaultClass: DEFAULT_HEADER_CONVERTER, registry }),
  };
}

/** For validation: does this converter class or alias exist (in `registry`, default the built-in ones)? */
export function converterExists(name: string, kind: 'converter' | 'header_converter', registry: ConverterRegistry = BUILTINS): boolean {
  try {
    if (kind === 'converter') registry.create(name);
    else registry.createHeader(name);
    return true;
  } catch {
    return false;
  }
}
