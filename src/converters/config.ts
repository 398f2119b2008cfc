import type { ConverterConfig } from './converter.js';

/** An invalid converter setting (Kafka's `ConfigException`): names the key, the value and what was expected. */
export class ConverterConfigException extends Error {
  override readonly name = 'ConverterConfigException';
  constructor(readonly key: string, readonly value: unknown, reason: string) {
    super(`Invalid value ${String(value)} for configuration ${key}: ${reason}`);
  }
}

/** Kafka's BOOLEAN config type: a boolean, or the strings true/false in any case, trimmed. */
export function configBoolean(config: ConverterConfig, key: string, dflt: boolean): boolean {
  const v = config[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === 'true') return true;
    if (t === 'false') return false;
  }
  throw new ConverterConfigException(key, v, 'Expected value to be either true or false');
}

/** Kafka's INT config type: a 32-bit integer or its decimal text. */
export function configInt(config: ConverterConfig, key: string, dflt: number): number {
  const v = config[key];
  if (v === undefined || v === null) return dflt;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < -2147483648 || n > 2147483647) {
    throw new ConverterConfigException(key, v, 'Not a number of type INT');
  }
  return n;
}

/** Kafka's STRING config type with a case-insensitive list of allowed values; returns the upper-case form. */
export function configEnum<T extends string>(config: ConverterConfig, key: string, allowed: readonly T[], dflt: T): T {
  const v = config[key];
  if (v === undefined || v === null) return dflt;
  const up = String(v).trim().toUpperCase();
  const hit = allowed.find((a) => a.toUpperCase() === up);
  if (!hit) throw new ConverterConfigException(key, v, `String must be one of (case insensitive): ${allowed.join(', ')}`);
  return hit;
}

export function configString(config: ConverterConfig, key: string, dflt: string): string {
  const v = config[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'string') throw new ConverterConfigException(key, v, 'Expected a string');
  return v;
}

/** `converter.type` as Kafka's ConverterConfig defines it: key, value or header. */
export type ConverterType = 'key' | 'value' | 'header';

export function converterType(config: ConverterConfig, isKey: boolean | undefined): ConverterType {
  if (isKey !== undefined) return isKey ? 'key' : 'value';
  const v = config['converter.type'];
  if (v === undefined || v === null) return 'header';
  const t = String(v).trim().toLowerCase();
  if (t === 'key' || t === 'value' || t === 'header') return t;
  throw new ConverterConfigException('converter.type', v, 'String must be one of: key, value, header');
}
