/**
 * The `errors.*` connector keys (Kafka Connect's ConnectorConfig / SinkConnectorConfig), parsed. Sluice also
 * accepts the `errors.deadletterqueue.*` keys on source connectors (a dead letter queue for records a
 * transform or converter rejects before they reach Kafka).
 */
import { ConfigException } from '../../connectors/api/index.js';
import type { RetryPolicy } from './retry-with-tolerance.js';

export type ToleranceType = 'none' | 'all';

export interface ErrorHandlingSettings {
  readonly tolerance: ToleranceType;
  /** errors.retry.timeout and errors.retry.delay.max.ms. */
  readonly retry: RetryPolicy;
  readonly logEnable: boolean;
  readonly logIncludeMessages: boolean;
  /** errors.deadletterqueue.topic.name; null when blank (no DLQ). */
  readonly dlqTopic: string | null;
  readonly dlqReplicationFactor: number;
  readonly dlqContextHeaders: boolean;
}

export const ERRORS_TOLERANCE = 'errors.tolerance';
export const ERRORS_RETRY_TIMEOUT = 'errors.retry.timeout';
export const ERRORS_RETRY_MAX_DELAY = 'errors.retry.delay.max.ms';
export const ERRORS_LOG_ENABLE = 'errors.log.enable';
export const ERRORS_LOG_INCLUDE_MESSAGES = 'errors.log.include.messages';
export const DLQ_TOPIC_NAME = 'errors.deadletterqueue.topic.name';
export const DLQ_TOPIC_REPLICATION_FACTOR = 'errors.deadletterqueue.topic.replication.factor';
export const DLQ_CONTEXT_HEADERS_ENABLE = 'errors.deadletterqueue.context.headers.enable';
export const DLQ_PREFIX = 'errors.deadletterqueue.';

const DLQ_KEYS = [DLQ_TOPIC_NAME, DLQ_TOPIC_REPLICATION_FACTOR, DLQ_CONTEXT_HEADERS_ENABLE] as const;

type Raw = Readonly<Record<string, unknown>>;

function text(config: Raw, key: string): string | undefined {
  const v = config[key];
  if (v === undefined || v === null) return undefined;
  const s = String(v).trim();
  return s === '' ? undefined : s;
}

function bool(config: Raw, key: string, dflt: boolean): boolean {
  const v = text(config, key);
  if (v === undefined) return dflt;
  const l = v.toLowerCase();
  if (l === 'true') return true;
  if (l === 'false') return false;
  throw new ConfigException(key, v, 'Expected value to be either true or false');
}

function long(config: Raw, key: string, dflt: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = text(config, key);
  if (v === undefined) return dflt;
  if (!/^[+-]?\d+$/.test(v)) throw new ConfigException(key, v, 'Expected an integer');
  const n = Number(v);
  if (n < min || n > max) throw new ConfigException(key, v, `Value must be in [${min}, ${max}]`);
  return n;
}

/** The error handling settings of a connector config; throws a ConfigException naming the key for a bad value. */
export function errorHandlingSettings(config: Raw): ErrorHandlingSettings {
  const tolerance = (text(config, ERRORS_TOLERANCE) ?? 'none').toLowerCase();
  if (tolerance !== 'none' && tolerance !== 'all') {
    throw new ConfigException(ERRORS_TOLERANCE, config[ERRORS_TOLERANCE], 'String must be one of: none, all');
  }
  return {
    tolerance,
    retry: {
      // Kafka takes any negative value as "forever"; -1 is the documented one.
      timeoutMs: long(config, ERRORS_RETRY_TIMEOUT, 0, Number.MIN_SAFE_INTEGER),
      maxDelayMs: long(config, ERRORS_RETRY_MAX_DELAY, 60_000, 0),
    },
    logEnable: bool(config, ERRORS_LOG_ENABLE, false),
    logIncludeMessages: bool(config, ERRORS_LOG_INCLUDE_MESSAGES, false),
    dlqTopic: text(config, DLQ_TOPIC_NAME) ?? null,
    dlqReplicationFactor: long(config, DLQ_TOPIC_REPLICATION_FACTOR, 3, -1, 32767),
    dlqContextHeaders: bool(config, DLQ_CONTEXT_HEADERS_ENABLE, false),
  };
}

/**
 * Problems of the `errors.*` keys the framework's ConfigDef does not cover: unknown `errors.deadletterqueue.*`
 * keys, a replication factor of 0 or below -1, and — with `dlqValues` (source connectors, whose framework
 * ConfigDef has no DLQ keys) — the types of the DLQ keys.
 */
export function errorHandlingProblems(config: Raw, options: { dlqValues?: boolean } = {}): Array<{ key: string; reason: string }> {
  const problems: Array<{ key: string; reason: string }> = [];
  for (const key of Object.keys(config)) {
    if (key.startsWith(DLQ_PREFIX) && !(DLQ_KEYS as readonly string[]).includes(key)) {
      problems.push({ key, reason: `unknown dead letter queue key "${key}" (known: ${DLQ_KEYS.join(', ')})` });
    }
  }
  const dlqOnly: Raw = Object.fromEntries(DLQ_KEYS.filter((k) => config[k] !== undefined).map((k) => [k, config[k]]));
  try {
    const s = errorHandlingSettings(dlqOnly);
    if (s.dlqReplicationFactor === 0 || s.dlqReplicationFactor < -1) {
      problems.push({ key: DLQ_TOPIC_REPLICATION_FACTOR, reason: "must be at least 1, or -1 for the broker's default" });
    }
  } catch (e) {
    if (!(e instanceof ConfigException)) throw e;
    if (options.dlqValues) problems.push({ key: e.key ?? DLQ_TOPIC_NAME, reason: e.reason });
  }
  return problems;
}
