/**
 * The settings Confluent's registry converters share (AbstractKafkaSchemaSerDeConfig and
 * SchemaRegistryClientConfig), read from the converter's config with Kafka's leniency: unknown keys are kept for
 * the format (`connect.meta.data`, …), wrong values are refused with the key and the reason.
 */
import type { ConverterConfig } from '../converter.js';
import { ConverterConfigException, configBoolean, configInt, configString } from '../config.js';
import { subjectNameStrategy, type SubjectNameStrategy } from './subject-strategy.js';

export type BasicAuthSource = 'URL' | 'USER_INFO' | 'SASL_INHERIT';
export type BearerAuthSource = 'STATIC_TOKEN' | 'OAUTHBEARER' | 'SASL_OAUTHBEARER_INHERIT' | 'CUSTOM';

export interface RegistryAuth {
  /** `user:password` for HTTP basic auth, when configured. */
  readonly userInfo?: string;
  /** A static bearer token, when configured. */
  readonly bearerToken?: string;
  readonly logicalCluster?: string;
  readonly identityPoolId?: string;
}

export interface RegistryClientSettings {
  readonly urls: readonly string[];
  readonly auth: RegistryAuth;
  /** `schema.registry.ssl.*` with the `schema.registry.` prefix removed (so `ssl.truststore.location`, …). */
  readonly ssl: Readonly<Record<string, string>>;
  /** `request.header.*`: extra HTTP headers on every request. */
  readonly requestHeaders: Readonly<Record<string, string>>;
  readonly connectTimeoutMs: number;
  readonly readTimeoutMs: number;
  /** Retries of a request answered 408/429/502/503/504 (Confluent's `max.retries`). */
  readonly maxRetries: number;
  readonly retriesWaitMs: number;
  readonly retriesMaxWaitMs: number;
}

export interface SerdeSettings {
  readonly client: RegistryClientSettings;
  readonly autoRegister: boolean;
  readonly useLatestVersion: boolean;
  /** Whether the latest version must be able to read what the Connect schema writes (BACKWARD), as Confluent checks. */
  readonly latestCompatibilityStrict: boolean;
  /** The same check for the schema `use.schema.id` names. */
  readonly idCompatibilityStrict: boolean;
  /** `use.schema.id`: write every record with this registered id (-1: off). */
  readonly useSchemaId: number;
  readonly normalizeSchemas: boolean;
  readonly subjectNameStrategy: SubjectNameStrategy;
  /** `latest.cache.ttl.sec`: how long a looked-up latest version is used (-1: for ever). */
  readonly latestCacheTtlMs: number;
  /** `schemas.cache.config` (the formats' Connect schema caches), default 1000. */
  readonly schemasCacheSize: number;
}

const CREDENTIALS_SOURCES: readonly BasicAuthSource[] = ['URL', 'USER_INFO', 'SASL_INHERIT'];
const BEARER_SOURCES: readonly BearerAuthSource[] = ['STATIC_TOKEN', 'OAUTHBEARER', 'SASL_OAUTHBEARER_INHERIT', 'CUSTOM'];

/** Kafka's LIST type: comma-separated, trimmed, empty items dropped. */
function configList(config: ConverterConfig, key: string): string[] {
  const v = config[key];
  if (v === undefined || v === null) return [];
  const items = Array.isArray(v) ? v.map(String) : String(v).split(',');
  return items.map((s) => s.trim()).filter((s) => s !== '');
}

function registryUrls(config: ConverterConfig): string[] {
  const urls = configList(config, 'schema.registry.url');
  if (urls.length === 0) {
    throw new ConverterConfigException('schema.registry.url', config['schema.registry.url'], 'Missing required configuration "schema.registry.url" which has no default value.');
  }
  for (const u of urls) {
    let parsed: URL;
    try {
      parsed = new URL(u);
    } catch {
      throw new ConverterConfigException('schema.registry.url', u, 'not a URL');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new ConverterConfigException('schema.registry.url', u, 'only http:// and https:// registries are supported');
    }
  }
  return urls;
}

/** The user info in the first URL that carries one (`http://user:pass@host`), decoded. */
function userInfoInUrl(urls: readonly string[]): string | undefined {
  for (const u of urls) {
    const url = new URL(u);
    if (url.username !== '') return `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  }
  return undefined;
}

/** `user:password` from a `sasl.jaas.config` PlainLoginModule line (SASL_INHERIT). */
function userInfoFromJaas(jaas: string): string | undefined {
  const user = /username\s*=\s*"([^"]*)"/.exec(jaas)?.[1];
  const pass = /password\s*=\s*"([^"]*)"/.exec(jaas)?.[1];
  return user === undefined || pass === undefined ? undefined : `${user}:${pass}`;
}

function upperEnum<T extends string>(config: ConverterConfig, key: string, allowed: readonly T[], dflt: T): T {
  const raw = config[key];
  if (raw === undefined || raw === null || String(raw).trim() === '') return dflt;
  const up = String(raw).trim().toUpperCase() as T;
  if (!allowed.includes(up)) throw new ConverterConfigException(key, raw, `must be one of ${allowed.join(', ')}`);
  return up;
}

function registryAuth(config: ConverterConfig, urls: readonly string[]): RegistryAuth {
  const basic = upperEnum(config, 'basic.auth.credentials.source', CREDENTIALS_SOURCES, 'URL');
  let userInfo: string | undefined;
  if (basic === 'URL') {
    userInfo = userInfoInUrl(urls);
  } else if (basic === 'USER_INFO') {
    const info = configString(config, 'basic.auth.user.info', '') || configString(config, 'schema.registry.basic.auth.user.info', '');
    if (info === '') {
      throw new ConverterConfigException('basic.auth.user.info', '', 'basic.auth.credentials.source=USER_INFO needs basic.auth.user.info (user:password)');
    }
    if (!info.includes(':')) throw new ConverterConfigException('basic.auth.user.info', '[hidden]', 'must be user:password');
    userInfo = info;
  } else {
    const jaas = configString(config, 'sasl.jaas.config', '');
    userInfo = userInfoFromJaas(jaas);
    if (userInfo === undefined) {
      throw new ConverterConfigException('basic.auth.credentials.source', basic, 'SASL_INHERIT needs sasl.jaas.config with a PlainLoginModule username and password');
    }
  }
  const bearerSourceSet = config['bearer.auth.credentials.source'] !== undefined || config['bearer.auth.token'] !== undefined;
  let bearerToken: string | undefined;
  if (bearerSourceSet) {
    const bearer = upperEnum(config, 'bearer.auth.credentials.source', BEARER_SOURCES, 'STATIC_TOKEN');
    if (bearer !== 'STATIC_TOKEN') {
      throw new ConverterConfigException('bearer.auth.credentials.source', bearer, 'only STATIC_TOKEN is supported (with bearer.auth.token)');
    }
    bearerToken = configString(config, 'bearer.auth.token', '');
    if (bearerToken === '') throw new ConverterConfigException('bearer.auth.token', '', 'bearer.auth.credentials.source=STATIC_TOKEN needs bearer.auth.token');
    if (userInfo !== undefined && basic !== 'URL') {
      throw new ConverterConfigException('bearer.auth.credentials.source', bearer, 'basic and bearer authentication are both configured; choose one');
    }
  }
  const logicalCluster = configString(config, 'bearer.auth.logical.cluster', '') || undefined;
  const identityPoolId = configString(config, 'bearer.auth.identity.pool.id', '') || undefined;
  return { userInfo: bearerToken === undefined ? userInfo : undefined, bearerToken, logicalCluster, identityPoolId };
}

function prefixed(config: ConverterConfig, prefix: string, keep: (rest: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) {
    if (k.startsWith(prefix) && k.length > prefix.length && v !== undefined && v !== null) out[keep(k.slice(prefix.length))] = String(v);
  }
  return out;
}

function nonNegative(config: ConverterConfig, key: string, dflt: number): number {
  const n = configInt(config, key, dflt);
  if (n < 0) throw new ConverterConfigException(key, n, 'must be at least 0');
  return n;
}

export function registryClientSettings(config: ConverterConfig): RegistryClientSettings {
  const urls = registryUrls(config);
  return {
    urls: urls.map((u) => {
      const url = new URL(u);
      url.username = '';
      url.password = '';
      return url.toString().replace(/\/+$/, '');
    }),
    auth: registryAuth(config, urls),
    ssl: prefixed(config, 'schema.registry.ssl.', (rest) => `ssl.${rest}`),
    requestHeaders: prefixed(config, 'request.header.', (rest) => rest),
    connectTimeoutMs: nonNegative(config, 'http.connect.timeout.ms', 60_000),
    readTimeoutMs: nonNegative(config, 'http.read.timeout.ms', 60_000),
    maxRetries: nonNegative(config, 'max.retries', 3),
    retriesWaitMs: nonNegative(config, 'retries.wait.ms', 1000),
    retriesMaxWaitMs: nonNegative(config, 'retries.max.wait.ms', 20_000),
  };
}

export function serdeSettings(config: ConverterConfig, isKey: boolean): SerdeSettings {
  const strategyKey = isKey ? 'key.subject.name.strategy' : 'value.subject.name.strategy';
  const ttlSec = configInt(config, 'latest.cache.ttl.sec', -1);
  const cache = configInt(config, 'schemas.cache.config', 1000);
  if (cache < 0) throw new ConverterConfigException('schemas.cache.config', cache, 'must be at least 0');
  const useSchemaId = configInt(config, 'use.schema.id', -1);
  const useLatestVersion = configBoolean(config, 'use.latest.version', false);
  if (useSchemaId >= 0 && useLatestVersion) {
    throw new ConverterConfigException('use.schema.id', useSchemaId, 'cannot be combined with use.latest.version=true');
  }
  return {
    client: registryClientSettings(config),
    autoRegister: configBoolean(config, 'auto.register.schemas', true),
    useLatestVersion,
    latestCompatibilityStrict: configBoolean(config, 'latest.compatibility.strict', true),
    idCompatibilityStrict: configBoolean(config, 'id.compatibility.strict', true),
    useSchemaId,
    normalizeSchemas: configBoolean(config, 'normalize.schemas', false),
    subjectNameStrategy: subjectNameStrategy(strategyKey, config[strategyKey]),
    latestCacheTtlMs: ttlSec < 0 ? Infinity : ttlSec * 1000,
    schemasCacheSize: cache,
  };
}
