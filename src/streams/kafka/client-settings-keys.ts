/**
 * Every key Kafka 3.9's Java clients define (ProducerConfig, ConsumerConfig, AdminClientConfig, with the
 * CommonClientConfigs, SslConfigs and SaslConfigs they include), its type and default, and what Sluice does with
 * it. The table was printed from kafka-clients 3.9.2's ConfigDefs; a key absent here for a role is one that
 * role's Java client logs as "supplied but isn't a known config".
 */
import type { ClientRole } from './client-settings.js';

export type KafkaConfigType = 'STRING' | 'INT' | 'LONG' | 'SHORT' | 'DOUBLE' | 'BOOLEAN' | 'LIST' | 'CLASS' | 'PASSWORD';

export interface KafkaClientKey {
  /** p, c, a: the roles whose client defines the key. */
  readonly roles: string;
  readonly type: KafkaConfigType;
  /** Kafka's default as a property value (lists comma-separated); null: none. */
  readonly default: string | null;
  readonly roleDefaults?: Partial<Record<ClientRole, string>>;
}

function key(roles: string, type: KafkaConfigType, def: string | null, roleDefaults?: Partial<Record<ClientRole, string>>): KafkaClientKey {
  return roleDefaults ? { roles, type, default: def, roleDefaults } : { roles, type, default: def };
}

const KEYS: Readonly<Record<string, KafkaClientKey>> = {
  'acks': key('p', 'STRING', 'all'),
  'allow.auto.create.topics': key('c', 'BOOLEAN', 'true'),
  'auto.commit.interval.ms': key('c', 'INT', '5000'),
  'auto.include.jmx.reporter': key('pca', 'BOOLEAN', 'true'),
  'auto.offset.reset': key('c', 'STRING', 'latest'),
  'batch.size': key('p', 'INT', '16384'),
  'bootstrap.controllers': key('a', 'LIST', ''),
  'bootstrap.servers': key('pca', 'LIST', ''),
  'buffer.memory': key('p', 'LONG', '33554432'),
  'check.crcs': key('c', 'BOOLEAN', 'true'),
  'client.dns.lookup': key('pca', 'STRING', 'use_all_dns_ips'),
  'client.id': key('pca', 'STRING', ''),
  'client.rack': key('c', 'STRING', ''),
  'compression.gzip.level': key('p', 'INT', '-1'),
  'compression.lz4.level': key('p', 'INT', '9'),
  'compression.type': key('p', 'STRING', 'none'),
  'compression.zstd.level': key('p', 'INT', '3'),
  'connections.max.idle.ms': key('pca', 'LONG', '540000', { admin: '300000' }),
  'default.api.timeout.ms': key('ca', 'INT', '60000'),
  'delivery.timeout.ms': key('p', 'INT', '120000'),
  'enable.auto.commit': key('c', 'BOOLEAN', 'true'),
  'enable.idempotence': key('p', 'BOOLEAN', 'true'),
  'enable.metrics.push': key('pca', 'BOOLEAN', 'true'),
  'exclude.internal.topics': key('c', 'BOOLEAN', 'true'),
  'fetch.max.bytes': key('c', 'INT', '52428800'),
  'fetch.max.wait.ms': key('c', 'INT', '500'),
  'fetch.min.bytes': key('c', 'INT', '1'),
  'group.id': key('c', 'STRING', null),
  'group.instance.id': key('c', 'STRING', null),
  'group.protocol': key('c', 'STRING', 'classic'),
  'group.remote.assignor': key('c', 'STRING', null),
  'heartbeat.interval.ms': key('c', 'INT', '3000'),
  'interceptor.classes': key('pc', 'LIST', ''),
  'internal.leave.group.on.close': key('c', 'BOOLEAN', 'true'),
  'internal.throw.on.fetch.stable.offset.unsupported': key('c', 'BOOLEAN', 'false'),
  'isolation.level': key('c', 'STRING', 'read_uncommitted'),
  'key.deserializer': key('c', 'CLASS', null),
  'key.serializer': key('p', 'CLASS', null),
  'linger.ms': key('p', 'LONG', '0'),
  'max.block.ms': key('p', 'LONG', '60000'),
  'max.in.flight.requests.per.connection': key('p', 'INT', '5'),
  'max.partition.fetch.bytes': key('c', 'INT', '1048576'),
  'max.poll.interval.ms': key('c', 'INT', '300000'),
  'max.poll.records': key('c', 'INT', '500'),
  'max.request.size': key('p', 'INT', '1048576'),
  'metadata.max.age.ms': key('pca', 'LONG', '300000'),
  'metadata.max.idle.ms': key('p', 'LONG', '300000'),
  'metadata.recovery.strategy': key('pca', 'STRING', 'none'),
  'metric.reporters': key('pca', 'LIST', ''),
  'metrics.num.samples': key('pca', 'INT', '2'),
  'metrics.recording.level': key('pca', 'STRING', 'INFO'),
  'metrics.sample.window.ms': key('pca', 'LONG', '30000'),
  'partition.assignment.strategy': key('c', 'LIST', 'org.apache.kafka.clients.consumer.RangeAssignor,org.apache.kafka.clients.consumer.CooperativeStickyAssignor'),
  'partitioner.adaptive.partitioning.enable': key('p', 'BOOLEAN', 'true'),
  'partitioner.availability.timeout.ms': key('p', 'LONG', '0'),
  'partitioner.class': key('p', 'CLASS', null),
  'partitioner.ignore.keys': key('p', 'BOOLEAN', 'false'),
  'receive.buffer.bytes': key('pca', 'INT', '65536', { producer: '32768' }),
  'reconnect.backoff.max.ms': key('pca', 'LONG', '1000'),
  'reconnect.backoff.ms': key('pca', 'LONG', '50'),
  'request.timeout.ms': key('pca', 'INT', '30000'),
  'retries': key('pa', 'INT', '2147483647'),
  'retry.backoff.max.ms': key('pca', 'LONG', '1000'),
  'retry.backoff.ms': key('pca', 'LONG', '100'),
  'sasl.client.callback.handler.class': key('pca', 'CLASS', null),
  'sasl.jaas.config': key('pca', 'PASSWORD', null),
  'sasl.kerberos.kinit.cmd': key('pca', 'STRING', '/usr/bin/kinit'),
  'sasl.kerberos.min.time.before.relogin': key('pca', 'LONG', '60000'),
  'sasl.kerberos.service.name': key('pca', 'STRING', null),
  'sasl.kerberos.ticket.renew.jitter': key('pca', 'DOUBLE', '0.05'),
  'sasl.kerberos.ticket.renew.window.factor': key('pca', 'DOUBLE', '0.8'),
  'sasl.login.callback.handler.class': key('pca', 'CLASS', null),
  'sasl.login.class': key('pca', 'CLASS', null),
  'sasl.login.connect.timeout.ms': key('pca', 'INT', null),
  'sasl.login.read.timeout.ms': key('pca', 'INT', null),
  'sasl.login.refresh.buffer.seconds': key('pca', 'SHORT', '300'),
  'sasl.login.refresh.min.period.seconds': key('pca', 'SHORT', '60'),
  'sasl.login.refresh.window.factor': key('pca', 'DOUBLE', '0.8'),
  'sasl.login.refresh.window.jitter': key('pca', 'DOUBLE', '0.05'),
  'sasl.login.retry.backoff.max.ms': key('pca', 'LONG', '10000'),
  'sasl.login.retry.backoff.ms': key('pca', 'LONG', '100'),
  'sasl.mechanism': key('pca', 'STRING', 'GSSAPI'),
  'sasl.oauthbearer.clock.skew.seconds': key('pca', 'INT', '30'),
  'sasl.oauthbearer.expected.audience': key('pca', 'LIST', null),
  'sasl.oauthbearer.expected.issuer': key('pca', 'STRING', null),
  'sasl.oauthbearer.header.urlencode': key('pca', 'BOOLEAN', 'false'),
  'sasl.oauthbearer.jwks.endpoint.refresh.ms': key('pca', 'LONG', '3600000'),
  'sasl.oauthbearer.jwks.endpoint.retry.backoff.max.ms': key('pca', 'LONG', '10000'),
  'sasl.oauthbearer.jwks.endpoint.retry.backoff.ms': key('pca', 'LONG', '100'),
  'sasl.oauthbearer.jwks.endpoint.url': key('pca', 'STRING', null),
  'sasl.oauthbearer.scope.claim.name': key('pca', 'STRING', 'scope'),
  'sasl.oauthbearer.sub.claim.name': key('pca', 'STRING', 'sub'),
  'sasl.oauthbearer.token.endpoint.url': key('pca', 'STRING', null),
  'security.protocol': key('pca', 'STRING', 'PLAINTEXT'),
  'security.providers': key('pca', 'STRING', null),
  'send.buffer.bytes': key('pca', 'INT', '131072'),
  'session.timeout.ms': key('c', 'INT', '45000'),
  'socket.connection.setup.timeout.max.ms': key('pca', 'LONG', '30000'),
  'socket.connection.setup.timeout.ms': key('pca', 'LONG', '10000'),
  'ssl.cipher.suites': key('pca', 'LIST', null),
  'ssl.enabled.protocols': key('pca', 'LIST', 'TLSv1.2,TLSv1.3'),
  'ssl.endpoint.identification.algorithm': key('pca', 'STRING', 'https'),
  'ssl.engine.factory.class': key('pca', 'CLASS', null),
  'ssl.key.password': key('pca', 'PASSWORD', null),
  'ssl.keymanager.algorithm': key('pca', 'STRING', 'SunX509'),
  'ssl.keystore.certificate.chain': key('pca', 'PASSWORD', null),
  'ssl.keystore.key': key('pca', 'PASSWORD', null),
  'ssl.keystore.location': key('pca', 'STRING', null),
  'ssl.keystore.password': key('pca', 'PASSWORD', null),
  'ssl.keystore.type': key('pca', 'STRING', 'JKS'),
  'ssl.protocol': key('pca', 'STRING', 'TLSv1.3'),
  'ssl.provider': key('pca', 'STRING', null),
  'ssl.secure.random.implementation': key('pca', 'STRING', null),
  'ssl.trustmanager.algorithm': key('pca', 'STRING', 'PKIX'),
  'ssl.truststore.certificates': key('pca', 'PASSWORD', null),
  'ssl.truststore.location': key('pca', 'STRING', null),
  'ssl.truststore.password': key('pca', 'PASSWORD', null),
  'ssl.truststore.type': key('pca', 'STRING', 'JKS'),
  'transaction.timeout.ms': key('p', 'INT', '60000'),
  'transactional.id': key('p', 'STRING', null),
  'value.deserializer': key('c', 'CLASS', null),
  'value.serializer': key('p', 'CLASS', null),
};

const ROLE_LETTER: Readonly<Record<ClientRole, string>> = { producer: 'p', consumer: 'c', admin: 'a' };

/** The key as the `role` client defines it; undefined when that client does not define it. */
export function kafkaClientKey(role: ClientRole, name: string): KafkaClientKey | undefined {
  const k = Object.prototype.hasOwnProperty.call(KEYS, name) ? KEYS[name] : undefined;
  return k && k.roles.includes(ROLE_LETTER[role]) ? k : undefined;
}

export function kafkaDefault(role: ClientRole, name: string): string | null {
  const k = kafkaClientKey(role, name);
  return k ? (k.roleDefaults?.[role] ?? k.default) : null;
}

/** What Sluice does with a key a role's client defines. */
export type KeyTreatment =
  /** Read into ClientSettings; its values are checked there. */
  | { readonly kind: 'mapped' }
  /** bootstrap.servers, client.id, group.id: the caller carries them apart from the properties. */
  | { readonly kind: 'carried' }
  /** Accepted with any value: it has no effect in Kafka's own client either, the way Sluice runs it. */
  | { readonly kind: 'inert' }
  /** Accepted when its value is one of `values` (what Sluice does anyway); refused otherwise. */
  | { readonly kind: 'only'; readonly values: readonly string[]; readonly reason: string }
  | { readonly kind: 'refused'; readonly reason: string };

const MAPPED: KeyTreatment = { kind: 'mapped' };
const INERT: KeyTreatment = { kind: 'inert' };
const only = (values: readonly string[], reason: string): KeyTreatment => ({ kind: 'only', values, reason });
/** Accepted at Kafka's default (Sluice behaves that way), refused at any other value. */
const atDefault = (reason: string): KeyTreatment => ({ kind: 'only', values: [], reason });
const refused = (reason: string): KeyTreatment => ({ kind: 'refused', reason });

const NO_METRICS = 'Sluice keeps its own metrics, not Kafka client metrics';
const BYTES_ONLY = 'Sluice\'s clients carry raw bytes; converters (key.converter, value.converter) make data of them';
const KERBEROS = 'Kerberos (sasl.mechanism=GSSAPI) is not supported';
const JAVA_CLASS = 'it names a Java class, which Sluice cannot load';

const TREATMENTS: Readonly<Record<string, KeyTreatment>> = {
  'bootstrap.servers': { kind: 'carried' },
  'client.id': { kind: 'carried' },
  'group.id': { kind: 'carried' },

  // connection
  'security.protocol': MAPPED,
  'client.dns.lookup': only(['use_all_dns_ips'], 'the client connects to each address a broker\'s host name resolves to'),
  'connections.max.idle.ms': refused('this client keeps idle connections open; it cannot close them after a time'),
  'metadata.max.age.ms': MAPPED,
  'metadata.recovery.strategy': only(['none'], 'the client does not re-bootstrap when every known broker is gone'),
  'receive.buffer.bytes': only(['-1'], 'Node uses the operating system\'s socket buffer sizes (-1) and cannot set them'),
  'send.buffer.bytes': only(['-1'], 'Node uses the operating system\'s socket buffer sizes (-1) and cannot set them'),
  'reconnect.backoff.ms': MAPPED,
  'reconnect.backoff.max.ms': MAPPED,
  'retry.backoff.ms': MAPPED,
  'retry.backoff.max.ms': MAPPED,
  'request.timeout.ms': MAPPED,
  'retries': MAPPED,
  'socket.connection.setup.timeout.ms': MAPPED,
  'socket.connection.setup.timeout.max.ms': MAPPED,
  'default.api.timeout.ms': atDefault('the client bounds each call by request.timeout.ms and its retries, not by a total API timeout'),
  'bootstrap.controllers': refused('Sluice\'s admin client talks to brokers (bootstrap.servers), not to KRaft controllers'),
  'security.providers': refused(JAVA_CLASS),

  // metrics
  'metric.reporters': only([''], NO_METRICS),
  'metrics.num.samples': atDefault(NO_METRICS),
  'metrics.recording.level': atDefault(NO_METRICS),
  'metrics.sample.window.ms': atDefault(NO_METRICS),
  'auto.include.jmx.reporter': INERT,
  'enable.metrics.push': INERT,
  'interceptor.classes': only([''], JAVA_CLASS),

  // ssl
  'ssl.protocol': MAPPED,
  'ssl.enabled.protocols': MAPPED,
  'ssl.endpoint.identification.algorithm': MAPPED,
  'ssl.key.password': MAPPED,
  'ssl.keystore.type': MAPPED,
  'ssl.keystore.location': MAPPED,
  'ssl.keystore.password': MAPPED,
  'ssl.keystore.key': MAPPED,
  'ssl.keystore.certificate.chain': MAPPED,
  'ssl.truststore.type': MAPPED,
  'ssl.truststore.location': MAPPED,
  'ssl.truststore.password': MAPPED,
  'ssl.truststore.certificates': MAPPED,
  'ssl.cipher.suites': only([''], 'cipher suites are named as Java names them; the client uses Node\'s (OpenSSL\'s) defaults'),
  'ssl.keymanager.algorithm': only(['SunX509', 'NewSunX509', 'PKIX'], 'the client uses X.509 key management'),
  'ssl.trustmanager.algorithm': only(['PKIX', 'SunX509'], 'the client verifies certificates by PKIX (X.509) rules'),
  'ssl.engine.factory.class': only([''], JAVA_CLASS),
  'ssl.provider': only([''], 'the client uses Node\'s TLS (OpenSSL), not a Java security provider'),
  'ssl.secure.random.implementation': only([''], 'the client uses OpenSSL\'s random source'),

  // sasl
  'sasl.mechanism': MAPPED,
  'sasl.jaas.config': MAPPED,
  'sasl.login.callback.handler.class': MAPPED,
  'sasl.client.callback.handler.class': only([''], JAVA_CLASS),
  'sasl.login.class': only([''], JAVA_CLASS),
  'sasl.login.connect.timeout.ms': MAPPED,
  'sasl.login.read.timeout.ms': MAPPED,
  'sasl.login.refresh.buffer.seconds': MAPPED,
  'sasl.login.refresh.min.period.seconds': MAPPED,
  'sasl.login.refresh.window.factor': MAPPED,
  'sasl.login.refresh.window.jitter': MAPPED,
  'sasl.login.retry.backoff.ms': MAPPED,
  'sasl.login.retry.backoff.max.ms': MAPPED,
  'sasl.oauthbearer.token.endpoint.url': MAPPED,
  'sasl.oauthbearer.scope.claim.name': MAPPED,
  'sasl.oauthbearer.sub.claim.name': MAPPED,
  'sasl.oauthbearer.clock.skew.seconds': MAPPED,
  'sasl.oauthbearer.header.urlencode': MAPPED,
  // Kafka's clients do not read these either: they configure the broker's validation of tokens.
  'sasl.oauthbearer.expected.audience': INERT,
  'sasl.oauthbearer.expected.issuer': INERT,
  'sasl.oauthbearer.jwks.endpoint.url': INERT,
  'sasl.oauthbearer.jwks.endpoint.refresh.ms': INERT,
  'sasl.oauthbearer.jwks.endpoint.retry.backoff.ms': INERT,
  'sasl.oauthbearer.jwks.endpoint.retry.backoff.max.ms': INERT,
  'sasl.kerberos.kinit.cmd': refused(KERBEROS),
  'sasl.kerberos.min.time.before.relogin': refused(KERBEROS),
  'sasl.kerberos.service.name': refused(KERBEROS),
  'sasl.kerberos.ticket.renew.jitter': refused(KERBEROS),
  'sasl.kerberos.ticket.renew.window.factor': refused(KERBEROS),

  // producer
  'acks': MAPPED,
  'batch.size': MAPPED,
  'linger.ms': MAPPED,
  'compression.type': MAPPED,
  'delivery.timeout.ms': MAPPED,
  'max.request.size': MAPPED,
  'max.in.flight.requests.per.connection': MAPPED,
  'transaction.timeout.ms': MAPPED,
  'buffer.memory': atDefault('the producer does not bound its buffer by bytes; Sluice bounds a task\'s records in flight instead'),
  'compression.gzip.level': atDefault('the producer compresses at each codec\'s default level'),
  'compression.lz4.level': atDefault('the producer compresses at each codec\'s default level'),
  'compression.zstd.level': atDefault('the producer compresses at each codec\'s default level'),
  'enable.idempotence': only(['false'], 'the idempotent producer is not supported by this client (Kafka Connect sets false)'),
  'transactional.id': refused('transactions are not supported by this client'),
  'max.block.ms': refused('a send waits for metadata within delivery.timeout.ms; set that instead'),
  'metadata.max.idle.ms': atDefault('the producer keeps the metadata of the topics it writes for as long as Kafka\'s default'),
  'partitioner.class': only(['', 'org.apache.kafka.clients.producer.internals.DefaultPartitioner'], 'the producer partitions as Kafka\'s built-in partitioner does (murmur2 of the key; sticky for null keys)'),
  'partitioner.adaptive.partitioning.enable': atDefault('the producer\'s sticky partitioner is not adaptive to broker load'),
  'partitioner.availability.timeout.ms': atDefault('the producer\'s sticky partitioner is not adaptive to broker load'),
  'partitioner.ignore.keys': only(['false'], 'the producer partitions keyed records by their key'),
  'key.serializer': only(['org.apache.kafka.common.serialization.ByteArraySerializer'], BYTES_ONLY),
  'value.serializer': only(['org.apache.kafka.common.serialization.ByteArraySerializer'], BYTES_ONLY),

  // consumer
  'session.timeout.ms': MAPPED,
  'heartbeat.interval.ms': MAPPED,
  'max.poll.interval.ms': MAPPED,
  'fetch.max.wait.ms': MAPPED,
  'fetch.min.bytes': MAPPED,
  'fetch.max.bytes': MAPPED,
  'max.partition.fetch.bytes': MAPPED,
  'max.poll.records': MAPPED,
  'auto.offset.reset': MAPPED,
  'isolation.level': MAPPED,
  'group.instance.id': MAPPED,
  // Kafka's consumer does not auto-commit when enable.auto.commit=false, which Kafka Connect sets.
  'auto.commit.interval.ms': INERT,
  'enable.auto.commit': only(['false'], 'Sluice commits a sink\'s offsets itself after the task flushed them (offset.flush.interval.ms)'),
  'allow.auto.create.topics': only(['false'], 'sink consumers do not create the topics they subscribe to'),
  'check.crcs': only(['false'], 'the consumer does not verify record-batch CRCs'),
  'client.rack': only([''], 'fetching from the closest replica (KIP-392) is not supported by this client'),
  'exclude.internal.topics': only(['true'], 'internal topics are never subscribed'),
  'group.protocol': only(['classic'], 'the consumer uses the classic group protocol (KIP-848\'s consumer protocol is not supported)'),
  'group.remote.assignor': only([''], 'the consumer uses the classic group protocol (KIP-848\'s consumer protocol is not supported)'),
  'internal.leave.group.on.close': only(['true'], 'the consumer leaves its group when it closes'),
  'internal.throw.on.fetch.stable.offset.unsupported': only(['false'], 'the consumer does not ask for stable offsets'),
  'partition.assignment.strategy': only(['org.apache.kafka.clients.consumer.RoundRobinAssignor'], 'the consumer assigns partitions round-robin'),
  'key.deserializer': only(['org.apache.kafka.common.serialization.ByteArrayDeserializer'], BYTES_ONLY),
  'value.deserializer': only(['org.apache.kafka.common.serialization.ByteArrayDeserializer'], BYTES_ONLY),
};

/** What Sluice does with `name` on a `role` client; undefined when that client does not define the key. */
export function keyTreatment(role: ClientRole, name: string): KeyTreatment | undefined {
  if (!kafkaClientKey(role, name)) return undefined;
  return TREATMENTS[name] ?? refused('not supported by this client');
}

/** A property value as Kafka compares it: trimmed; lists without the blanks around their commas. */
export function normalizedValue(type: KafkaConfigType, value: string): string {
  const v = value.trim();
  if (type === 'LIST') return v.split(',').map((s) => s.trim()).filter((s) => s !== '').join(',');
  if (type === 'BOOLEAN') return v.toLowerCase();
  return v;
}

/** The values an `only` treatment accepts for a role's key (an empty list: Kafka's default). */
export function acceptedValues(role: ClientRole, name: string, t: Extract<KeyTreatment, { kind: 'only' }>): string[] {
  if (t.values.length > 0) return [...t.values];
  const d = kafkaDefault(role, name);
  return d === null ? [''] : [d];
}

/** Kafka's ConfigDef.parseType check of a value; the message Kafka gives, or undefined when it parses. */
export function typeProblem(name: string, type: KafkaConfigType, value: string): string | undefined {
  const v = value.trim();
  const invalid = (why: string) => `Invalid value ${value} for configuration ${name}: ${why}`;
  switch (type) {
    case 'BOOLEAN':
      return v.toLowerCase() === 'true' || v.toLowerCase() === 'false' ? undefined : invalid('Expected value to be either true or false');
    case 'INT':
    case 'SHORT':
    case 'LONG': {
      const [min, max] =
        type === 'INT' ? [-(2 ** 31), 2 ** 31 - 1] : type === 'SHORT' ? [-(2 ** 15), 2 ** 15 - 1] : [-(2n ** 63n), 2n ** 63n - 1n];
      if (!/^[+-]?\d+$/.test(v)) return invalid(`Not a number of type ${type}`);
      const n = BigInt(v);
      return n < BigInt(min) || n > BigInt(max) ? invalid(`Not a number of type ${type}`) : undefined;
    }
    case 'DOUBLE':
      return v !== '' && Number.isFinite(Number(v)) ? undefined : invalid('Not a number of type DOUBLE');
    default:
      return undefined;
  }
}
