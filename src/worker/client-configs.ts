/**
 * The Kafka client properties of every client the worker opens, by Kafka Connect's precedence (Worker.java
 * baseProducerConfigs / baseConsumerConfigs / adminConfigs, KafkaOffsetBackingStore), and the
 * `connector.client.config.override.policy` check (AbstractHerder.validateClientOverrides). Pure functions.
 *
 * - Task and DLQ producers: Connect's forced defaults, then the worker's `producer.*`, then the connector's
 *   `producer.override.*`. The worker's top-level keys do not reach them (as in Kafka Connect).
 * - Sink consumers: `group.id=connect-<name>`, `enable.auto.commit=false`, `auto.offset.reset=earliest`, then
 *   `consumer.*`, then `consumer.override.*`.
 * - Admin clients: the worker's top-level client keys, then `admin.*`, then `admin.override.*`.
 * - The distributed worker's own clients (offsets topic): the worker's top-level client keys.
 *
 * "Top-level client keys": `security.protocol`, `ssl.*`, `sasl.*` and the other client keys the worker config
 * accepts at top level (WORKER_TOP_LEVEL_CLIENT_KEYS). Kafka passes every top-level key and lets the client
 * ignore what it does not know; the worker config refuses unknown keys, so the two agree on every config the
 * worker accepts.
 */
import { ConnectException, type ConfigProblem } from '../connectors/api/index.js';
import {
  PASSWORD_CLIENT_KEYS,
  clientPropertyProblems,
  type ClientProperties,
  type ClientRole,
} from '../streams/index.js';
import type { ClientChooser } from '../streams/client-requests.js';

export const OVERRIDE_POLICY_KEY = 'connector.client.config.override.policy';
export type OverridePolicy = 'None' | 'Principal' | 'All';

export const WORKER_CLIENT_PREFIX: Readonly<Record<ClientRole, string>> = { producer: 'producer.', consumer: 'consumer.', admin: 'admin.' };
export const OVERRIDE_PREFIX: Readonly<Record<ClientRole, string>> = {
  producer: 'producer.override.',
  consumer: 'consumer.override.',
  admin: 'admin.override.',
};

/** Top-level worker keys that are Kafka client keys (the rest are the worker's own). */
export const WORKER_TOP_LEVEL_CLIENT_KEYS: readonly string[] = [
  'security.protocol', 'client.dns.lookup', 'request.timeout.ms', 'retry.backoff.ms', 'metadata.max.age.ms', 'client.id',
];
const WORKER_TOP_LEVEL_CLIENT_PREFIXES = ['ssl.', 'sasl.'] as const;

/** PrincipalConnectorClientConfigOverridePolicy.ALLOWED_CONFIG */
const PRINCIPAL_KEYS: ReadonlySet<string> = new Set(['sasl.jaas.config', 'sasl.mechanism', 'security.protocol']);

const POLICY_CLASS_PACKAGE = 'org.apache.kafka.connect.connector.policy.';
const POLICIES: readonly OverridePolicy[] = ['None', 'Principal', 'All'];

/**
 * The policy a `connector.client.config.override.policy` value names (Kafka's alias, simple class name or full
 * class name); undefined when it names none. Absent: `All`, Kafka 3.x's default.
 */
export function parseOverridePolicy(value: string | undefined): OverridePolicy | undefined {
  if (value === undefined) return 'All';
  const v = value.trim();
  for (const p of POLICIES) {
    const simple = `${p}ConnectorClientConfigOverridePolicy`;
    if (v === p || v === simple || v === `${POLICY_CLASS_PACKAGE}${simple}`) return p;
  }
  return undefined;
}

/** Plugins.newPlugin's message for a class that is not there (plus the names Sluice knows). */
export function overridePolicyProblem(worker: Readonly<Record<string, string>>): ConfigProblem | undefined {
  const value = worker[OVERRIDE_POLICY_KEY];
  if (parseOverridePolicy(value) !== undefined) return undefined;
  return {
    key: OVERRIDE_POLICY_KEY,
    reason:
      `Failed to find any class that implements interface ${POLICY_CLASS_PACKAGE}ConnectorClientConfigOverridePolicy ` +
      `and which name matches ${value} (known: None, Principal, All, or their class names)`,
  };
}

/** Whether a client key holds a secret (Kafka's PASSWORD type): shown as [hidden], never logged. */
export function isPasswordClientKey(key: string): boolean {
  return PASSWORD_CLIENT_KEYS.includes(key);
}

/**
 * A connector or worker key ending in a client secret (`producer.override.sasl.jaas.config`,
 * `consumer.ssl.keystore.password`, `sasl.jaas.config`, ...).
 */
export function isPasswordKey(key: string): boolean {
  return PASSWORD_CLIENT_KEYS.some((k) => key === k || key.endsWith(`.${k}`));
}

/** One client's resolved properties and, for each property, the key the user wrote it under. */
export interface ResolvedClientConfig {
  readonly clientId: string;
  /** Sink consumers only: the group (`connect-<name>` unless `consumer.override.group.id` says otherwise). */
  readonly groupId?: string;
  /** Without `client.id`, `group.id` and `bootstrap.servers` (carried apart or refused). */
  readonly properties: ClientProperties;
  /** property → the worker or connector key it came from; Connect's forced defaults are absent. */
  readonly origins: Readonly<Record<string, string>>;
}

type Config = Readonly<Record<string, string>>;

class Builder {
  readonly props: Record<string, string> = {};
  readonly origins: Record<string, string> = {};
  defaults(values: Record<string, string>): this {
    Object.assign(this.props, values);
    return this;
  }
  from(config: Config, prefix: string): this {
    for (const [k, v] of Object.entries(config)) {
      if (!k.startsWith(prefix) || k.length === prefix.length) continue;
      const name = k.slice(prefix.length);
      this.props[name] = v;
      this.origins[name] = k;
    }
    return this;
  }
  topLevel(worker: Config): this {
    for (const [k, v] of Object.entries(worker)) {
      if (!isTopLevelClientKey(k)) continue;
      this.props[k] = v;
      this.origins[k] = k;
    }
    return this;
  }
  build(defaultClientId: string): ResolvedClientConfig {
    const { 'client.id': clientId, 'group.id': groupId, ...rest } = this.props;
    const origins = { ...this.origins };
    delete origins['client.id'];
    delete origins['group.id'];
    return {
      clientId: clientId !== undefined && clientId.trim() !== '' ? clientId : defaultClientId,
      ...(groupId !== undefined ? { groupId } : {}),
      properties: rest,
      origins,
    };
  }
}

function isTopLevelClientKey(key: string): boolean {
  return WORKER_TOP_LEVEL_CLIENT_KEYS.includes(key) || WORKER_TOP_LEVEL_CLIENT_PREFIXES.some((p) => key.startsWith(p));
}

/** Worker.baseProducerConfigs: what Connect forces (it may be overridden, at the cost of its delivery guarantees). */
export const CONNECT_PRODUCER_DEFAULTS: Readonly<Record<string, string>> = {
  'enable.idempotence': 'false',
  acks: 'all',
  'max.in.flight.requests.per.connection': '1',
  'delivery.timeout.ms': String(2_147_483_647),
};

/** Worker.baseConsumerConfigs (group.id is added per connector). */
export const CONNECT_CONSUMER_DEFAULTS: Readonly<Record<string, string>> = {
  'enable.auto.commit': 'false',
  'auto.offset.reset': 'earliest',
};

/** A source task's producer (`connector-producer-<c>-<t>`) or a DLQ producer (`connector-dlq-producer-<c>-<t>`). */
export function producerClientConfig(worker: Config, connector: Config, defaultClientId: string): ResolvedClientConfig {
  return new Builder()
    .defaults({ ...CONNECT_PRODUCER_DEFAULTS })
    .from(worker, WORKER_CLIENT_PREFIX.producer)
    .from(connector, OVERRIDE_PREFIX.producer)
    .build(defaultClientId);
}

/** A sink task's consumer. */
export function consumerClientConfig(worker: Config, connector: Config, connectorName: string, defaultClientId: string): ResolvedClientConfig {
  return new Builder()
    .defaults({ 'group.id': `connect-${connectorName}`, ...CONNECT_CONSUMER_DEFAULTS })
    .from(worker, WORKER_CLIENT_PREFIX.consumer)
    .from(connector, OVERRIDE_PREFIX.consumer)
    .build(defaultClientId);
}

/** An admin client: a connector's (topic creation, DLQ topic) when `connector` is given, else the worker's own. */
export function adminClientConfig(worker: Config, connector: Config | null, defaultClientId: string): ResolvedClientConfig {
  const b = new Builder().topLevel(worker).from(worker, WORKER_CLIENT_PREFIX.admin);
  if (connector) b.from(connector, OVERRIDE_PREFIX.admin);
  return b.build(defaultClientId);
}

/** The distributed worker's own clients (the offsets topic's producer, consumer and admin): top-level keys only. */
export function internalClientConfig(worker: Config, role: ClientRole, defaultClientId: string): ResolvedClientConfig {
  const b = new Builder().topLevel(worker);
  if (role === 'producer') b.defaults({ 'delivery.timeout.ms': String(2_147_483_647), 'enable.idempotence': 'false' });
  return b.build(defaultClientId);
}

/** Which clients a connector opens (AbstractHerder.connectorUses*): their overrides are the ones checked. */
export function clientRolesOf(type: 'source' | 'sink', connector: Config): ClientRole[] {
  const dlq = (connector['errors.deadletterqueue.topic.name'] ?? '').trim() !== '';
  if (type === 'sink') return dlq ? ['producer', 'consumer', 'admin'] : ['consumer'];
  // Sluice opens a source's admin for topic creation and its DLQ (which Sluice honours on sources too).
  return ['producer', 'admin'];
}

/** The connector's override keys for the clients it opens, in Kafka's validate order (producer, consumer, admin). */
export function overrideKeysOf(type: 'source' | 'sink', connector: Config): string[] {
  const roles = clientRolesOf(type, connector);
  const order: ClientRole[] = ['producer', 'consumer', 'admin'];
  return order
    .filter((role) => roles.includes(role))
    .flatMap((role) => Object.keys(connector).filter((k) => k.startsWith(OVERRIDE_PREFIX[role]) && k.length > OVERRIDE_PREFIX[role].length));
}

/**
 * The policy's verdict on the connector's overrides, keyed by the connector key, with Kafka's message
 * (AbstractConnectorClientConfigOverridePolicy.validate).
 */
export function overridePolicyProblems(policy: OverridePolicy, connector: Config, roles: readonly ClientRole[]): ConfigProblem[] {
  if (policy === 'All') return [];
  const problems: ConfigProblem[] = [];
  for (const role of roles) {
    const prefix = OVERRIDE_PREFIX[role];
    for (const key of Object.keys(connector)) {
      if (!key.startsWith(prefix) || key.length === prefix.length) continue;
      const name = key.slice(prefix.length);
      if (policy === 'Principal' && PRINCIPAL_KEYS.has(name)) continue;
      problems.push({ key, reason: `The '${policy}' policy does not allow '${name}' to be overridden in the connector configuration.` });
    }
  }
  return problems;
}

/** Sluice's clients all connect to the worker's bootstrap.servers: a per-client one would be dropped. */
function bootstrapProblem(resolved: ResolvedClientConfig): ConfigProblem[] {
  const origin = resolved.origins['bootstrap.servers'];
  return origin === undefined
    ? []
    : [{ key: origin, reason: 'Sluice connects every client to the worker\'s bootstrap.servers; a client-level bootstrap.servers is not supported' }];
}

/** clientPropertyProblems of a resolved client, each reported against the key the user wrote. */
export function resolvedClientProblems(role: ClientRole, resolved: ResolvedClientConfig): ConfigProblem[] {
  const problems = bootstrapProblem(resolved);
  for (const p of clientPropertyProblems(role, resolved.properties)) {
    problems.push({ key: resolved.origins[p.key] ?? p.key, reason: p.reason });
  }
  return problems;
}

/**
 * Every problem of a connector's client overrides: the worker's policy, then what the clients cannot honour
 * (only the ones coming from the connector's keys; the worker's own keys are checked with the worker config).
 */
export function connectorClientProblems(worker: Config, connector: Config, type: 'source' | 'sink'): ConfigProblem[] {
  const roles = clientRolesOf(type, connector);
  const policy = parseOverridePolicy(worker[OVERRIDE_POLICY_KEY]) ?? 'All';
  const problems = overridePolicyProblems(policy, connector, roles);
  const refused = new Set(problems.map((p) => p.key));
  const name = connector['name'] ?? 'connector';
  for (const role of roles) {
    const resolved =
      role === 'producer'
        ? producerClientConfig(worker, connector, 'check')
        : role === 'consumer'
          ? consumerClientConfig(worker, connector, name, 'check')
          : adminClientConfig(worker, connector, 'check');
    for (const p of resolvedClientProblems(role, resolved)) {
      if (p.key === undefined || !p.key.startsWith(OVERRIDE_PREFIX[role]) || refused.has(p.key)) continue;
      refused.add(p.key);
      problems.push(p);
    }
  }
  return problems;
}

/**
 * Problems of the worker config's client keys: the override policy, then what each client cannot honour in its
 * `producer.*` / `consumer.*` / `admin.*` and top-level keys (`internal`: the distributed worker's own clients,
 * which take the top-level keys as producer and consumer too).
 */
export function workerClientProblems(worker: Config, options: { internal?: boolean } = {}): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const policy = overridePolicyProblem(worker);
  if (policy) problems.push(policy);
  const seen = new Set<string>();
  const add = (list: ConfigProblem[]) => {
    for (const p of list) {
      const id = `${p.key}\u0000${p.reason}`;
      if (seen.has(id)) continue;
      seen.add(id);
      problems.push(p);
    }
  };
  add(resolvedClientProblems('producer', producerClientConfig(worker, {}, 'check')));
  add(resolvedClientProblems('consumer', consumerClientConfig(worker, {}, 'check', 'check')));
  add(resolvedClientProblems('admin', adminClientConfig(worker, null, 'check')));
  if (options.internal) {
    add(resolvedClientProblems('producer', internalClientConfig(worker, 'producer', 'check')));
    add(resolvedClientProblems('consumer', internalClientConfig(worker, 'consumer', 'check')));
  }
  return problems;
}

/** Kafka's Worker.connectorClientConfigOverrides refusal (the herder's validation normally catches it first). */
export class ClientOverridesNotAllowedError extends ConnectException {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(`Client Config Overrides not allowed: ${problems.map((p) => `${p.key}: ${p.reason}`).join('; ')}`);
  }
}

function stringsOf(config: Readonly<Record<string, unknown>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config ?? {})) if (typeof v === 'string') out[k] = v;
  return out;
}

/**
 * The worker's ClientChooser: each client's id, group and properties from the worker config (`worker`, its
 * placeholders resolved) and the connector config of the request. Throws ClientOverridesNotAllowedError when
 * the worker's policy forbids an override the connector config has.
 */
export function workerClientChooser(worker: Config): ClientChooser {
  const policy = parseOverridePolicy(worker[OVERRIDE_POLICY_KEY]) ?? 'All';
  return (request) => {
    if (request.purpose === 'worker' || request.config === undefined) {
      const r = adminClientConfig(worker, null, request.clientId);
      return { clientId: r.clientId, properties: r.properties };
    }
    const connector = stringsOf(request.config);
    const refused = overridePolicyProblems(policy, connector, [request.role]);
    if (refused.length > 0) throw new ClientOverridesNotAllowedError(refused);
    if (request.role === 'consumer') {
      const r = consumerClientConfig(worker, connector, request.connector ?? connector['name'] ?? '', request.clientId);
      return { clientId: r.clientId, groupId: r.groupId ?? request.groupId ?? `connect-${request.connector}`, properties: r.properties };
    }
    const r = request.role === 'producer' ? producerClientConfig(worker, connector, request.clientId) : adminClientConfig(worker, connector, request.clientId);
    return { clientId: r.clientId, properties: r.properties };
  };
}
