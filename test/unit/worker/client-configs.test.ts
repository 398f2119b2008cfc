import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  adminClientConfig,
  connectorClientProblems,
  consumerClientConfig,
  internalClientConfig,
  isPasswordKey,
  overridePolicyProblem,
  overridePolicyProblems,
  parseOverridePolicy,
  producerClientConfig,
  workerClientChooser,
  workerClientProblems,
  ClientOverridesNotAllowedError,
} from '../../../src/worker/client-configs.js';
import { workerConfigProblems } from '../../../src/worker/worker-config-def.js';
import { parseDistributedSettings } from '../../../src/worker/distributed-config.js';
import { workerKeyProblems } from '../../../src/worker/validate.js';

const worker = {
  'bootstrap.servers': 'k:9092',
  'security.protocol': 'SASL_SSL',
  'sasl.mechanism': 'PLAIN',
  'ssl.truststore.location': '/etc/ts.p12',
  'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'offset.flush.interval.ms': '1000',
  'client.id': 'worker-admin',
  'producer.compression.type': 'gzip',
  'producer.linger.ms': '20',
  'producer.acks': '1',
  'consumer.max.poll.records': '100',
  'consumer.auto.offset.reset': 'latest',
  'admin.request.timeout.ms': '9000',
};

describe('client configs: Kafka Connect precedence', () => {
  it('a task producer: Connect forced defaults, then producer.*, then producer.override.*; no top-level keys', () => {
    const r = producerClientConfig(worker, { 'producer.override.linger.ms': '50', 'producer.override.client.id': 'mine', topics: 'x' }, 'connector-producer-c-0');
    assert.deepEqual(r.properties, {
      'enable.idempotence': 'false',
      acks: '1',
      'max.in.flight.requests.per.connection': '1',
      'delivery.timeout.ms': '2147483647',
      'compression.type': 'gzip',
      'linger.ms': '50',
    });
    assert.equal(r.clientId, 'mine');
    assert.equal(r.origins['linger.ms'], 'producer.override.linger.ms');
    assert.equal(r.origins['compression.type'], 'producer.compression.type');
    assert.equal(r.origins['delivery.timeout.ms'], undefined);
    assert.equal(producerClientConfig({}, {}, 'connector-producer-c-0').clientId, 'connector-producer-c-0');
  });

  it('a sink consumer: group connect-<name>, earliest, no auto commit, then consumer.*, then consumer.override.*', () => {
    const plain = consumerClientConfig({}, {}, 'orders', 'connector-consumer-orders-0');
    assert.equal(plain.groupId, 'connect-orders');
    assert.deepEqual(plain.properties, { 'enable.auto.commit': 'false', 'auto.offset.reset': 'earliest' });
    const r = consumerClientConfig(worker, { 'consumer.override.max.poll.records': '7', 'consumer.override.group.id': 'g2' }, 'orders', 'id');
    assert.equal(r.groupId, 'g2');
    assert.equal(r.properties['auto.offset.reset'], 'latest');
    assert.equal(r.properties['max.poll.records'], '7');
    assert.equal(r.properties['security.protocol'], undefined);
    assert.equal('group.id' in r.properties, false);
  });

  it('an admin: the top-level client keys (not the worker\'s own), then admin.*, then admin.override.*', () => {
    const r = adminClientConfig(worker, { 'admin.override.request.timeout.ms': '1234', 'producer.override.linger.ms': '3' }, 'connector-adminclient-c-0');
    assert.deepEqual(r.properties, {
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': 'PLAIN',
      'ssl.truststore.location': '/etc/ts.p12',
      'request.timeout.ms': '1234',
    });
    // Kafka's adminConfigs puts the worker's top-level client.id over the default one.
    assert.equal(r.clientId, 'worker-admin');
    assert.equal(adminClientConfig(worker, null, 'x').properties['request.timeout.ms'], '9000');
  });

  it('the distributed worker\'s own clients take the top-level client keys only', () => {
    const p = internalClientConfig(worker, 'producer', 'offsets');
    assert.equal(p.properties['security.protocol'], 'SASL_SSL');
    assert.equal(p.properties['compression.type'], undefined);
    assert.equal(p.properties['delivery.timeout.ms'], '2147483647');
    assert.equal(internalClientConfig(worker, 'consumer', 'offsets').properties['max.poll.records'], undefined);
  });
});

describe('connector.client.config.override.policy', () => {
  it('accepts Kafka\'s aliases and class names, All by default, refuses anything else with Kafka\'s message', () => {
    assert.equal(parseOverridePolicy(undefined), 'All');
    assert.equal(parseOverridePolicy('None'), 'None');
    assert.equal(parseOverridePolicy('PrincipalConnectorClientConfigOverridePolicy'), 'Principal');
    assert.equal(parseOverridePolicy('org.apache.kafka.connect.connector.policy.AllConnectorClientConfigOverridePolicy'), 'All');
    assert.equal(parseOverridePolicy('none'), undefined);
    assert.match(
      overridePolicyProblem({ 'connector.client.config.override.policy': 'Everything' })!.reason,
      /^Failed to find any class that implements interface org\.apache\.kafka\.connect\.connector\.policy\.ConnectorClientConfigOverridePolicy and which name matches Everything/,
    );
    assert.equal(workerConfigProblems({ 'connector.client.config.override.policy': 'Everything' })[0]?.key, 'connector.client.config.override.policy');
    assert.deepEqual(workerConfigProblems({ 'connector.client.config.override.policy': 'Principal' }), []);
    assert.throws(
      () => parseDistributedSettings({ 'group.id': 'g', 'offset.storage.topic': 'o', 'connector.client.config.override.policy': 'x' }),
      /connector\.client\.config\.override\.policy/,
    );
  });

  it('None forbids every override, Principal all but the principal keys, with Kafka\'s message on the connector key', () => {
    const connector = {
      'producer.override.compression.type': 'gzip',
      'producer.override.sasl.jaas.config': 'x',
      'consumer.override.security.protocol': 'SSL',
      'admin.override.sasl.mechanism': 'PLAIN',
    };
    assert.deepEqual(overridePolicyProblems('All', connector, ['producer', 'consumer', 'admin']), []);
    assert.deepEqual(overridePolicyProblems('Principal', connector, ['producer', 'consumer', 'admin']), [
      {
        key: 'producer.override.compression.type',
        reason: "The 'Principal' policy does not allow 'compression.type' to be overridden in the connector configuration.",
      },
    ]);
    assert.deepEqual(
      overridePolicyProblems('None', connector, ['producer', 'consumer', 'admin']).map((p) => p.key),
      ['producer.override.compression.type', 'producer.override.sasl.jaas.config', 'consumer.override.security.protocol', 'admin.override.sasl.mechanism'],
    );
  });

  it('only the clients a connector opens are checked (a sink without a DLQ has no producer)', () => {
    const none = { 'connector.client.config.override.policy': 'None' };
    const sink = { topics: 't', 'producer.override.linger.ms': '1', 'consumer.override.max.poll.records': '5' };
    assert.deepEqual(connectorClientProblems(none, sink, 'sink').map((p) => p.key), ['consumer.override.max.poll.records']);
    const withDlq = { ...sink, 'errors.deadletterqueue.topic.name': 'dlq' };
    assert.deepEqual(connectorClientProblems(none, withDlq, 'sink').map((p) => p.key).sort(), [
      'consumer.override.max.poll.records',
      'producer.override.linger.ms',
    ]);
    assert.deepEqual(workerKeyProblems(sink, none).map((p) => p.key), ['consumer.override.max.poll.records']);
    assert.deepEqual(workerKeyProblems(sink), []);
  });

  it('a per-client bootstrap.servers is refused against the key written', () => {
    assert.deepEqual(connectorClientProblems({}, { 'producer.override.bootstrap.servers': 'a:1' }, 'source').map((p) => p.key), [
      'producer.override.bootstrap.servers',
    ]);
    assert.deepEqual(workerClientProblems({ 'consumer.bootstrap.servers': 'a:1' }).map((p) => p.key), ['consumer.bootstrap.servers']);
  });

  it('the worker\'s chooser applies the precedence per request and refuses what the policy forbids', () => {
    const choose = workerClientChooser({ ...worker, 'connector.client.config.override.policy': 'Principal' });
    const c = choose({ role: 'consumer', purpose: 'task', connector: 'orders', clientId: 'connector-consumer-orders-0', groupId: 'connect-orders', config: { topics: 't' } });
    assert.equal(c.groupId, 'connect-orders');
    assert.equal(c.properties?.['max.poll.records'], '100');
    const dlq = choose({ role: 'producer', purpose: 'dlq', connector: 'orders', clientId: 'connector-dlq-producer-orders-0', config: { 'producer.override.sasl.mechanism': 'SCRAM-SHA-512' } });
    assert.equal(dlq.properties?.['sasl.mechanism'], 'SCRAM-SHA-512');
    assert.equal(dlq.properties?.['compression.type'], 'gzip');
    assert.throws(
      () => choose({ role: 'producer', purpose: 'task', connector: 'orders', clientId: 'p', config: { 'producer.override.linger.ms': '1' } }),
      (e: unknown) => e instanceof ClientOverridesNotAllowedError && /Client Config Overrides not allowed.*'linger\.ms'/.test(e.message),
    );
    const admin = choose({ role: 'admin', purpose: 'worker', clientId: 'sluice-admin' });
    assert.equal(admin.properties?.['request.timeout.ms'], '9000');
  });

  it('secrets are recognised under every prefix', () => {
    for (const k of ['sasl.jaas.config', 'producer.override.sasl.jaas.config', 'consumer.ssl.keystore.password', 'admin.override.ssl.keystore.key']) {
      assert.equal(isPasswordKey(k), true, k);
    }
    assert.equal(isPasswordKey('producer.override.sasl.mechanism'), false);
  });
});
