/** Opening sessions from a connector config: URL, credentials, dialect, `connection.attempts` with backoff. */
import { ConnectException, ConfigException, Password, sleep, type ConfigDef, type ConfigValue, type ConnectorConfig } from '../api/index.js';
import {
  driverProperties,
  CONNECTION_ATTEMPTS, CONNECTION_BACKOFF, CONNECTION_PASSWORD, CONNECTION_URL, CONNECTION_USER, DIALECT_NAME,
  QUOTE_SQL_IDENTIFIERS,
} from './config.js';
import { describeDbError, dialectFor, type Dialect, type Session, type SessionOptions } from './dialect/index.js';
import type { QuoteMethod } from './util/identifiers.js';
import { parseConnectionUrl, redactUrl, urlParam, UrlException, type ConnectionSpec } from './util/url.js';

export interface ConnectionSettings {
  spec: ConnectionSpec;
  url: string;
  dialect: Dialect;
  user: string | null;
  password: string | null;
  attempts: number;
  backoffMs: number;
}

/**
 * The connection a config describes. With the raw `config` and its `def`, Confluent's pass-through driver
 * properties (`connection.loginTimeout`, `connection.sslmode`, …) join the URL's parameters, which win a clash
 * (as pgjdbc lets URL parameters override the driver Properties); the sessions read both alike.
 */
export function connectionSettings(values: Record<string, unknown>, config?: ConnectorConfig, def?: ConfigDef): ConnectionSettings {
  const url = String(values[CONNECTION_URL] ?? '');
  let spec: ConnectionSpec;
  try {
    spec = parseConnectionUrl(url);
  } catch (e) {
    if (e instanceof UrlException) throw new ConfigException(CONNECTION_URL, redactUrl(url), e.message);
    throw e;
  }
  if (config && def) {
    const params = { ...spec.params };
    for (const [name, value] of Object.entries(driverProperties(config, def))) {
      if (urlParam(spec, name) === undefined) params[name] = value;
    }
    spec = { ...spec, params };
  }
  let dialect: Dialect;
  try {
    dialect = dialectFor(spec, String(values[DIALECT_NAME] ?? ''), (values[QUOTE_SQL_IDENTIFIERS] as QuoteMethod) ?? 'always');
  } catch (e) {
    throw new ConfigException(DIALECT_NAME, values[DIALECT_NAME], (e as Error).message);
  }
  const pw = values[CONNECTION_PASSWORD];
  return {
    spec,
    url,
    dialect,
    user: (values[CONNECTION_USER] as string | null) ?? null,
    password: pw instanceof Password ? pw.value() : typeof pw === 'string' ? pw : null,
    attempts: Number(values[CONNECTION_ATTEMPTS] ?? 3),
    backoffMs: Number(values[CONNECTION_BACKOFF] ?? 10_000),
  };
}

/**
 * Adds the URL / dialect problems `settings()` reports to the validation result (only when the keys themselves
 * parsed, so each problem is reported once, on its key).
 */
export function urlProblems(values: Map<string, ConfigValue>, settings: () => unknown): void {
  if ([...values.values()].some((v) => v.errorMessages.length > 0)) return;
  try {
    settings();
  } catch (e) {
    if (e instanceof ConfigException && e.key && values.has(e.key)) values.get(e.key)!.errorMessages.push(e.message);
    else if (e instanceof Error) values.get(CONNECTION_URL)?.errorMessages.push(e.message);
  }
}


/** Connects, trying `connection.attempts` times with `connection.backoff.ms` between attempts. */
export async function openSession(s: ConnectionSettings, options: SessionOptions = {}, signal?: AbortSignal): Promise<Session> {
  let last: unknown;
  for (let attempt = 1; attempt <= Math.max(1, s.attempts); attempt++) {
    try {
      return await s.dialect.connect(s.spec, s.user, s.password, options);
    } catch (e) {
      last = e;
      if (attempt < s.attempts && !signal?.aborted) await sleep(s.backoffMs, signal);
    }
  }
  throw new ConnectException(
    `Could not connect to ${redactUrl(s.url)} after ${s.attempts} attempt(s): ${describeDbError(last)}`,
    { cause: last },
  );
}
