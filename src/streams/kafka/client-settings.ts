/**
 * Kafka client properties (Kafka's keys, string values) parsed into what a client adapter needs, per role. Pure:
 * no I/O beyond reading the files the properties name (keystores, truststores, PEM files).
 *
 * Rule for every key Kafka's clients define: a key Sluice honours is mapped here; a key it cannot honour is
 * refused by `clientPropertyProblems` with the key and the reason (never accepted and dropped); a key Kafka's
 * clients do not define is kept and reported as a warning, as Kafka's clients log "supplied but isn't a known
 * config".
 */
import type { ClientProperties } from './client.js';
import { acceptedValues, kafkaClientKey, kafkaDefault, keyTreatment, normalizedValue, typeProblem } from './client-settings-keys.js';
import { JaasConfigError, parseClientJaas, type JaasEntry } from './client-settings-jaas.js';
import { StoreProblem, loadKeyMaterial, loadTrustMaterial, storeKeyProblems } from '../../tls/index.js';

export type ClientRole = 'producer' | 'consumer' | 'admin';
export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';

export interface TlsSettings {
  /** Trusted CA certificates (PEM); absent: the system's default trust store. */
  readonly ca?: readonly string[];
  /** Client certificate chain (PEM) and key, for mutual TLS. */
  readonly cert?: string;
  readonly key?: string;
  readonly passphrase?: string;
  /** A PKCS12 key store (client certificate and key). */
  readonly pfx?: Buffer;
  /** ssl.endpoint.identification.algorithm=https (Kafka's default) checks the broker's host name. */
  readonly verifyHostname: boolean;
  /** From ssl.protocol and ssl.enabled.protocols. */
  readonly minVersion?: TlsVersion;
  readonly maxVersion?: TlsVersion;
}

export type TlsVersion = 'TLSv1.2' | 'TLSv1.3';

/** How an OAUTHBEARER client fetches and refreshes its token (sasl.login.* and sasl.oauthbearer.* keys). */
export interface OAuthLoginSettings {
  /** sasl.login.connect.timeout.ms / sasl.login.read.timeout.ms (unset: bounded by the retry window only). */
  readonly connectTimeoutMs?: number;
  readonly readTimeoutMs?: number;
  /** sasl.login.retry.backoff.ms; sasl.login.retry.backoff.max.ms is the whole window retries may take. */
  readonly retryBackoffMs: number;
  readonly retryBackoffMaxMs: number;
  /**
   * sasl.login.refresh.*: refresh at window.factor (plus up to window.jitter) of the token's lifetime, no sooner
   * than min.period.seconds after it was fetched, at least buffer.seconds before it expires.
   */
  readonly refreshWindowFactor: number;
  readonly refreshWindowJitter: number;
  readonly refreshMinPeriodSeconds: number;
  readonly refreshBufferSeconds: number;
  /** sasl.oauthbearer.sub.claim.name / scope.claim.name / clock.skew.seconds: how a fetched JWT is checked. */
  readonly subClaimName: string;
  readonly scopeClaimName: string;
  readonly clockSkewSeconds: number;
  /** sasl.oauthbearer.header.urlencode: URL-encode the client id and secret in the Basic header. */
  readonly headerUrlencode: boolean;
}

export type SaslSettings =
  | { readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; readonly username: string; readonly password: string }
  | {
      readonly mechanism: 'oauthbearer';
      /** sasl.oauthbearer.token.endpoint.url: the client-credentials grant. */
      readonly tokenEndpointUrl: string;
      readonly clientId: string;
      readonly clientSecret: string;
      readonly scope?: string;
      /** Extensions (`extension_<name>` options of the JAAS config). */
      readonly extensions?: Readonly<Record<string, string>>;
      readonly login?: OAuthLoginSettings;
    };

/** What every client role shares: how to reach and authenticate to the brokers. */
export interface ConnectionSettings {
  readonly securityProtocol: SecurityProtocol;
  readonly tls?: TlsSettings;
  readonly sasl?: SaslSettings;
  /** socket.connection.setup.timeout.ms */
  readonly connectionTimeoutMs: number;
  /** request.timeout.ms */
  readonly requestTimeoutMs: number;
  /** retry.backoff.ms / retry.backoff.max.ms */
  readonly retryBackoffMs: number;
  readonly retryBackoffMaxMs: number;
  /** reconnect.backoff.ms / reconnect.backoff.max.ms */
  readonly reconnectBackoffMs: number;
  readonly reconnectBackoffMaxMs: number;
  /** metadata.max.age.ms */
  readonly metadataMaxAgeMs: number;
  /** retries, when given to a client that defines it (producer, admin). */
  readonly retries?: number;
}

export type CompressionType = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export interface ProducerSettings {
  /** acks: -1 (all), 0, 1. Kafka Connect sets all. */
  readonly acks: -1 | 0 | 1;
  readonly compression: CompressionType;
  /** delivery.timeout.ms: how long a send is retried before it fails (Kafka Connect: Integer.MAX_VALUE). */
  readonly deliveryTimeoutMs: number;
  /** retries (Kafka default Integer.MAX_VALUE, bounded by delivery.timeout.ms). */
  readonly retries: number;
  readonly lingerMs: number;
  readonly batchSize: number;
  /** max.request.size */
  readonly maxRequestSize: number;
  /** max.in.flight.requests.per.connection (Kafka Connect: 1). */
  readonly maxInFlightRequests: number;
  readonly idempotent: boolean;
  readonly transactionalId?: string;
  /** transaction.timeout.ms */
  readonly transactionTimeoutMs: number;
}

export interface ConsumerSettings {
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  /** max.poll.interval.ms (kafkajs: the rebalance timeout). */
  readonly maxPollIntervalMs: number;
  readonly fetchMaxWaitMs: number;
  readonly fetchMinBytes: number;
  readonly fetchMaxBytes: number;
  readonly maxPartitionFetchBytes: number;
  /** max.poll.records: the most records one delivery (one sink `put`) holds. */
  readonly maxPollRecords: number;
  readonly autoOffsetReset: 'earliest' | 'latest' | 'none';
  readonly isolationLevel: 'read_uncommitted' | 'read_committed';
  /** group.instance.id (static membership) when set. */
  readonly groupInstanceId?: string;
}

export interface ClientSettings {
  readonly connection: ConnectionSettings;
  readonly producer: ProducerSettings;
  readonly consumer: ConsumerSettings;
}

/** A client property Sluice refuses: the key and why. */
export interface ClientPropertyProblem {
  readonly key: string;
  readonly reason: string;
}

/** Client keys holding secrets (Kafka's PASSWORD type): shown as [hidden], never logged. */
export const PASSWORD_CLIENT_KEYS: readonly string[] = [
  'sasl.jaas.config',
  'ssl.key.password',
  'ssl.keystore.password',
  'ssl.keystore.key',
  'ssl.keystore.certificate.chain',
  'ssl.truststore.password',
  'ssl.truststore.certificates',
];

export class ClientConfigException extends Error {
  override readonly name = 'ClientConfigException';
  constructor(readonly problems: readonly ClientPropertyProblem[]) {
    super(problems.map((p) => `${p.key}: ${p.reason}`).join('; '));
  }
}

const PROTOCOLS: readonly SecurityProtocol[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];
const MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'] as const;
type Mechanism = (typeof MECHANISMS)[number];

const LOGIN_MODULES: Readonly<Record<Mechanism, string>> = {
  PLAIN: 'org.apache.kafka.common.security.plain.PlainLoginModule',
  'SCRAM-SHA-256': 'org.apache.kafka.common.security.scram.ScramLoginModule',
  'SCRAM-SHA-512': 'org.apache.kafka.common.security.scram.ScramLoginModule',
  OAUTHBEARER: 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule',
};

/** The client-credentials login handler, by its current and its pre-3.4 (`secured`) class name. */
export const OAUTH_LOGIN_HANDLERS: readonly string[] = [
  'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler',
  'org.apache.kafka.common.security.oauthbearer.secured.OAuthBearerLoginCallbackHandler',
];

const ENUMS: Readonly<Record<string, readonly string[]>> = {
  acks: ['all', '-1', '0', '1'],
  'compression.type': ['none', 'gzip', 'snappy', 'lz4', 'zstd'],
  'auto.offset.reset': ['latest', 'earliest', 'none'],
  'isolation.level': ['read_committed', 'read_uncommitted'],
};

/** Kafka's validators of the numeric keys Sluice maps: the least value each takes. */
const AT_LEAST: Readonly<Record<string, number>> = {
  'max.in.flight.requests.per.connection': 1,
  'sasl.login.refresh.window.factor': 0.5,
};
const AT_MOST: Readonly<Record<string, number>> = {
  'sasl.login.refresh.window.factor': 1.0,
  'sasl.login.refresh.window.jitter': 0.25,
  'sasl.login.refresh.min.period.seconds': 900,
  'sasl.login.refresh.buffer.seconds': 3600,
};

const given = (props: ClientProperties, key: string): string | undefined => {
  const v = props[key];
  return v === undefined ? undefined : v.trim();
};

/** security.protocol as Kafka reads it (case-insensitive); undefined when invalid. */
function securityProtocolOf(props: ClientProperties): SecurityProtocol | undefined {
  const v = (given(props, 'security.protocol') ?? 'PLAINTEXT').toUpperCase();
  return PROTOCOLS.find((p) => p === v);
}

const usesTls = (p: SecurityProtocol | undefined) => p === 'SSL' || p === 'SASL_SSL';
const usesSasl = (p: SecurityProtocol | undefined) => p === 'SASL_PLAINTEXT' || p === 'SASL_SSL';

function valueProblems(role: ClientRole, props: ClientProperties): ClientPropertyProblem[] {
  const problems: ClientPropertyProblem[] = [];
  for (const [key, raw] of Object.entries(props)) {
    const def = kafkaClientKey(role, key);
    if (!def) continue;
    const typeError = typeProblem(key, def.type, raw);
    if (typeError) {
      problems.push({ key, reason: typeError });
      continue;
    }
    const t = keyTreatment(role, key)!;
    if (t.kind === 'refused') {
      problems.push({ key, reason: t.reason });
    } else if (t.kind === 'only') {
      const accepted = acceptedValues(role, key, t).map((a) => normalizedValue(def.type, a));
      const value = normalizedValue(def.type, raw);
      const same = (a: string) => (def.type === 'CLASS' ? a === value : a.toLowerCase() === value.toLowerCase());
      if (!accepted.some(same)) {
        problems.push({ key, reason: `${t.reason} (accepted: ${accepted.map((a) => (a === '' ? 'empty' : a)).join(', ')})` });
      }
    } else if (t.kind === 'mapped') {
      const allowed = ENUMS[key];
      if (allowed && !allowed.includes(raw.trim().toLowerCase())) {
        problems.push({ key, reason: `Invalid value ${raw} for configuration ${key}: String must be one of: ${allowed.join(', ')}` });
      }
      if (def.type === 'INT' || def.type === 'LONG' || def.type === 'SHORT' || def.type === 'DOUBLE') {
        const n = Number(raw.trim());
        const min = AT_LEAST[key] ?? 0;
        const max = AT_MOST[key];
        if (n < min) problems.push({ key, reason: `Invalid value ${raw} for configuration ${key}: Value must be at least ${min}` });
        if (max !== undefined && n > max) problems.push({ key, reason: `Invalid value ${raw} for configuration ${key}: Value must be no more than ${max}` });
      }
    }
  }
  if (role === 'consumer' && given(props, 'auto.offset.reset')?.toLowerCase() === 'none') {
    problems.push({ key: 'auto.offset.reset', reason: 'none is not supported by this client; use earliest or latest' });
  }
  return problems;
}

function tlsProblems(props: ClientProperties): ClientPropertyProblem[] {
  const problems: ClientPropertyProblem[] = [];
  const algorithm = given(props, 'ssl.endpoint.identification.algorithm');
  if (algorithm !== undefined && algorithm !== '' && algorithm.toLowerCase() !== 'https') {
    problems.push({ key: 'ssl.endpoint.identification.algorithm', reason: `${algorithm} is not supported; use https (check the broker's host name) or an empty value (do not)` });
  }
  try {
    tlsVersions(props);
  } catch (e) {
    if (!(e instanceof StoreProblem)) throw e;
    problems.push(e.problem);
  }
  problems.push(...storeKeyProblems('truststore', props), ...storeKeyProblems('keystore', props));
  return problems;
}

const TLS_VERSIONS: readonly TlsVersion[] = ['TLSv1.2', 'TLSv1.3'];

function tlsVersions(props: ClientProperties): { minVersion?: TlsVersion; maxVersion?: TlsVersion } {
  const protocol = given(props, 'ssl.protocol');
  let max: TlsVersion | undefined;
  if (protocol !== undefined && protocol !== '') {
    if (protocol === 'TLSv1.3' || protocol.toUpperCase() === 'TLS') max = 'TLSv1.3';
    else if (protocol === 'TLSv1.2') max = 'TLSv1.2';
    else throw new StoreProblem({ key: 'ssl.protocol', reason: `${protocol} is not supported; use TLSv1.3 or TLSv1.2 (Node's TLS offers nothing older)` });
  }
  const enabled = given(props, 'ssl.enabled.protocols');
  let min: TlsVersion | undefined;
  if (enabled !== undefined && enabled !== '') {
    const list = enabled.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const bad = list.filter((v) => !TLS_VERSIONS.includes(v as TlsVersion));
    if (bad.length > 0) {
      throw new StoreProblem({ key: 'ssl.enabled.protocols', reason: `${bad.join(', ')} not supported; Node's TLS offers TLSv1.2 and TLSv1.3` });
    }
    const idx = list.map((v) => TLS_VERSIONS.indexOf(v as TlsVersion));
    min = TLS_VERSIONS[Math.min(...idx)];
    const top = TLS_VERSIONS[Math.max(...idx)]!;
    max = max === undefined || TLS_VERSIONS.indexOf(top) < TLS_VERSIONS.indexOf(max) ? top : max;
  }
  return { ...(min ? { minVersion: min } : {}), ...(max ? { maxVersion: max } : {}) };
}

function saslMechanismOf(props: ClientProperties): string {
  return given(props, 'sasl.mechanism') || 'GSSAPI';
}

/** The JAAS entry of a SASL client, with every problem of the sasl.* keys. */
function saslProblems(props: ClientProperties, protocol: SecurityProtocol): { problems: ClientPropertyProblem[]; jaas?: JaasEntry } {
  const problems: ClientPropertyProblem[] = [];
  const mechanism = saslMechanismOf(props);
  if (!MECHANISMS.includes(mechanism as Mechanism)) {
    const reason =
      mechanism === 'GSSAPI'
        ? `${props['sasl.mechanism'] === undefined ? 'not set, so Kafka\'s default GSSAPI applies: ' : ''}GSSAPI (Kerberos) is not supported; use ${MECHANISMS.join(', ')}`
        : `${mechanism} is not supported; use ${MECHANISMS.join(', ')}`;
    problems.push({ key: 'sasl.mechanism', reason });
    return { problems };
  }
  const m = mechanism as Mechanism;
  const handler = given(props, 'sasl.login.callback.handler.class');
  if (handler !== undefined && handler !== '' && (m !== 'OAUTHBEARER' || !OAUTH_LOGIN_HANDLERS.includes(handler))) {
    problems.push({
      key: 'sasl.login.callback.handler.class',
      reason: m === 'OAUTHBEARER' ? `${handler} is not supported; use ${OAUTH_LOGIN_HANDLERS[0]}` : `a login callback handler is supported only with sasl.mechanism=OAUTHBEARER (${OAUTH_LOGIN_HANDLERS[0]})`,
    });
  }
  const text = props['sasl.jaas.config'];
  if (text === undefined || text.trim() === '') {
    problems.push({ key: 'sasl.jaas.config', reason: `required with security.protocol=${protocol} (a JAAS file named by java.security.auth.login.config is not supported)` });
    return { problems };
  }
  let jaas: JaasEntry;
  try {
    jaas = parseClientJaas(text);
  } catch (e) {
    if (!(e instanceof JaasConfigError)) throw e;
    problems.push({ key: 'sasl.jaas.config', reason: e.message });
    return { problems };
  }
  if (jaas.loginModule !== LOGIN_MODULES[m]) {
    problems.push({ key: 'sasl.jaas.config', reason: `login module ${jaas.loginModule} does not fit sasl.mechanism=${m}; use ${LOGIN_MODULES[m]}` });
    return { problems, jaas };
  }
  const missing = (names: readonly string[]) => names.filter((n) => jaas.options[n] === undefined);
  if (m !== 'OAUTHBEARER') {
    const absent = missing(['username', 'password']);
    if (absent.length > 0) problems.push({ key: 'sasl.jaas.config', reason: `${jaas.loginModule} needs the option${absent.length > 1 ? 's' : ''} ${absent.join(' and ')}` });
    return { problems, jaas };
  }
  if (handler === undefined || handler === '') {
    problems.push({
      key: 'sasl.login.callback.handler.class',
      reason: `OAUTHBEARER needs ${OAUTH_LOGIN_HANDLERS[0]} with sasl.oauthbearer.token.endpoint.url (Kafka's default handler makes unsecured test tokens, which is not supported)`,
    });
  }
  const url = given(props, 'sasl.oauthbearer.token.endpoint.url');
  if (url === undefined || url === '') {
    problems.push({ key: 'sasl.oauthbearer.token.endpoint.url', reason: 'required with sasl.mechanism=OAUTHBEARER (the client-credentials token endpoint)' });
  } else {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      problems.push({ key: 'sasl.oauthbearer.token.endpoint.url', reason: `${url} is not a URL` });
    }
    if (parsed && !['http:', 'https:', 'file:'].includes(parsed.protocol)) {
      problems.push({ key: 'sasl.oauthbearer.token.endpoint.url', reason: `the ${parsed.protocol} scheme is not supported; use https, http or file` });
    }
    if (parsed && parsed.protocol !== 'file:') {
      const absent = missing(['clientId', 'clientSecret']);
      if (absent.length > 0) problems.push({ key: 'sasl.jaas.config', reason: `${jaas.loginModule} needs the option${absent.length > 1 ? 's' : ''} ${absent.join(' and ')} for the token endpoint` });
    }
  }
  const tlsOptions = Object.keys(jaas.options).filter((o) => o.startsWith('ssl.'));
  if (tlsOptions.length > 0) {
    problems.push({ key: 'sasl.jaas.config', reason: `TLS options for the token endpoint (${tlsOptions.join(', ')}) are not supported; it is reached with the system's trusted CAs` });
  }
  return { problems, jaas };
}

/** Every property of `properties` that a `role` client cannot honour, with the reason. */
export function clientPropertyProblems(role: ClientRole, properties: ClientProperties): ClientPropertyProblem[] {
  const problems = valueProblems(role, properties);
  const protocol = securityProtocolOf(properties);
  if (protocol === undefined) {
    problems.push({
      key: 'security.protocol',
      reason: `Invalid value ${properties['security.protocol']} for configuration security.protocol: String must be one of (case insensitive): ${PROTOCOLS.join(', ')}`,
    });
    return problems;
  }
  // As in Kafka's clients, ssl.* keys count only over TLS and sasl.* keys only over SASL.
  if (usesTls(protocol)) problems.push(...tlsProblems(properties));
  if (usesSasl(protocol)) problems.push(...saslProblems(properties, protocol).problems);
  return problems;
}

/** Keys Kafka's clients do not define (kept, warned about). */
export function unknownClientProperties(role: ClientRole, properties: ClientProperties): string[] {
  return Object.keys(properties).filter((k) => kafkaClientKey(role, k) === undefined);
}

function tlsSettings(props: ClientProperties): TlsSettings {
  const algorithm = given(props, 'ssl.endpoint.identification.algorithm');
  try {
    const trust = loadTrustMaterial(props);
    const own = loadKeyMaterial(props);
    return {
      ...(trust ? { ca: trust.ca } : {}),
      ...(own?.cert !== undefined ? { cert: own.cert } : {}),
      ...(own?.key !== undefined ? { key: own.key } : {}),
      ...(own?.pfx !== undefined ? { pfx: own.pfx } : {}),
      ...(own?.passphrase !== undefined ? { passphrase: own.passphrase } : {}),
      verifyHostname: algorithm === undefined || algorithm.toLowerCase() === 'https',
      ...tlsVersions(props),
    };
  } catch (e) {
    if (e instanceof StoreProblem) throw new ClientConfigException([e.problem]);
    throw e;
  }
}

function saslSettings(props: ClientProperties, jaas: JaasEntry, num: (k: string) => number): SaslSettings {
  const mechanism = saslMechanismOf(props) as Mechanism;
  const o = jaas.options;
  if (mechanism !== 'OAUTHBEARER') {
    return { mechanism: mechanism.toLowerCase() as 'plain' | 'scram-sha-256' | 'scram-sha-512', username: o['username']!, password: o['password']! };
  }
  const extensions: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) if (k.startsWith('extension_')) extensions[k.slice('extension_'.length)] = v;
  const optionalNum = (k: string) => (given(props, k) ? Number(given(props, k)) : undefined);
  const connectTimeoutMs = optionalNum('sasl.login.connect.timeout.ms');
  const readTimeoutMs = optionalNum('sasl.login.read.timeout.ms');
  return {
    mechanism: 'oauthbearer',
    tokenEndpointUrl: given(props, 'sasl.oauthbearer.token.endpoint.url')!,
    clientId: o['clientId'] ?? '',
    clientSecret: o['clientSecret'] ?? '',
    ...(o['scope'] !== undefined ? { scope: o['scope'] } : {}),
    ...(Object.keys(extensions).length > 0 ? { extensions } : {}),
    login: {
      ...(connectTimeoutMs !== undefined ? { connectTimeoutMs } : {}),
      ...(readTimeoutMs !== undefined ? { readTimeoutMs } : {}),
      retryBackoffMs: num('sasl.login.retry.backoff.ms'),
      retryBackoffMaxMs: num('sasl.login.retry.backoff.max.ms'),
      refreshWindowFactor: num('sasl.login.refresh.window.factor'),
      refreshWindowJitter: num('sasl.login.refresh.window.jitter'),
      refreshMinPeriodSeconds: num('sasl.login.refresh.min.period.seconds'),
      refreshBufferSeconds: num('sasl.login.refresh.buffer.seconds'),
      subClaimName: given(props, 'sasl.oauthbearer.sub.claim.name') || 'sub',
      scopeClaimName: given(props, 'sasl.oauthbearer.scope.claim.name') || 'scope',
      clockSkewSeconds: num('sasl.oauthbearer.clock.skew.seconds'),
      headerUrlencode: (given(props, 'sasl.oauthbearer.header.urlencode') ?? 'false').toLowerCase() === 'true',
    },
  };
}

/**
 * The settings of a `role` client; throws ClientConfigException when clientPropertyProblems finds any, or when a
 * key store, trust store or PEM value it names cannot be read.
 */
export function parseClientSettings(role: ClientRole, properties: ClientProperties = {}): ClientSettings {
  const problems = clientPropertyProblems(role, properties);
  if (problems.length > 0) throw new ClientConfigException(problems);
  // Kafka's default for a key of this role; keys another role defines fall back to the producer's default.
  const num = (k: string, d?: number): number => {
    const v = given(properties, k);
    if (v !== undefined && v !== '') return Number(v);
    if (d !== undefined) return d;
    return Number(kafkaDefault(role, k) ?? kafkaDefault('producer', k));
  };
  const protocol = securityProtocolOf(properties)!;
  const jaas = usesSasl(protocol) ? saslProblems(properties, protocol).jaas : undefined;
  const setupTimeout = Math.min(num('socket.connection.setup.timeout.ms', 10_000), num('socket.connection.setup.timeout.max.ms', 30_000));
  const acks = given(properties, 'acks')?.toLowerCase();
  const reset = given(properties, 'auto.offset.reset')?.toLowerCase();
  const isolation = given(properties, 'isolation.level')?.toLowerCase();
  const instanceId = given(properties, 'group.instance.id');
  const retries = given(properties, 'retries');
  return {
    connection: {
      securityProtocol: protocol,
      ...(usesTls(protocol) ? { tls: tlsSettings(properties) } : {}),
      ...(jaas ? { sasl: saslSettings(properties, jaas, (k) => num(k)) } : {}),
      connectionTimeoutMs: setupTimeout,
      requestTimeoutMs: num('request.timeout.ms', 30_000),
      retryBackoffMs: num('retry.backoff.ms', 100),
      retryBackoffMaxMs: num('retry.backoff.max.ms', 1000),
      reconnectBackoffMs: num('reconnect.backoff.ms', 50),
      reconnectBackoffMaxMs: num('reconnect.backoff.max.ms', 1000),
      metadataMaxAgeMs: num('metadata.max.age.ms', 300_000),
      ...(retries !== undefined && retries !== '' && role !== 'consumer' ? { retries: Number(retries) } : {}),
    },
    producer: {
      acks: acks === undefined || acks === 'all' || acks === '-1' ? -1 : acks === '0' ? 0 : 1,
      compression: (given(properties, 'compression.type')?.toLowerCase() as CompressionType | undefined) ?? 'none',
      deliveryTimeoutMs: num('delivery.timeout.ms', 120_000),
      retries: num('retries', 2_147_483_647),
      lingerMs: num('linger.ms', 5),
      batchSize: num('batch.size', 16_384),
      maxRequestSize: num('max.request.size', 1_048_576),
      maxInFlightRequests: num('max.in.flight.requests.per.connection', 5),
      idempotent: false,
      transactionTimeoutMs: num('transaction.timeout.ms', 60_000),
    },
    consumer: {
      sessionTimeoutMs: num('session.timeout.ms', 45_000),
      heartbeatIntervalMs: num('heartbeat.interval.ms', 3_000),
      maxPollIntervalMs: num('max.poll.interval.ms', 300_000),
      fetchMaxWaitMs: num('fetch.max.wait.ms', 500),
      fetchMinBytes: num('fetch.min.bytes', 1),
      fetchMaxBytes: num('fetch.max.bytes', 52_428_800),
      maxPartitionFetchBytes: num('max.partition.fetch.bytes', 1_048_576),
      maxPollRecords: num('max.poll.records', 500),
      autoOffsetReset: reset === 'earliest' || reset === 'none' ? reset : 'latest',
      isolationLevel: isolation === 'read_committed' ? 'read_committed' : 'read_uncommitted',
      ...(instanceId !== undefined && instanceId !== '' ? { groupInstanceId: instanceId } : {}),
    },
  };
}
