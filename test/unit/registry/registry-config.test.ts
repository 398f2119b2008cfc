// Confluent's schema-registry.properties keys → the registry's options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { registryConfig } from '../../../src/registry/index.js';
import { tempDir } from './support.js';

test('Confluent keys: listeners, kafkastore.*, compatibility, basic auth', () => {
  const users = join(tempDir(), 'users.properties');
  writeFileSync(users, 'alice: s3cret,admin\n');
  const { options, warnings } = registryConfig({
    listeners: 'http://0.0.0.0:8081',
    'kafkastore.bootstrap.servers': 'SASL_SSL://broker-1:9093,broker-2:9093',
    'kafkastore.topic': '_schemas_eu',
    'kafkastore.topic.replication.factor': '3',
    'kafkastore.topic.config.min.insync.replicas': '2',
    'kafkastore.init.timeout.ms': '20000',
    'kafkastore.security.protocol': 'SASL_SSL',
    'kafkastore.sasl.mechanism': 'PLAIN',
    'kafkastore.group.id': 'ignored',
    'schema.compatibility.level': 'full_transitive',
    'mode.mutability': 'false',
    'authentication.method': 'BASIC',
    'authentication.realm': 'SchemaRegistry-Props',
    'sluice.registry.basic.auth.file': users,
    'some.typo': 'x',
  });
  assert.deepEqual(warnings, ['some.typo']);
  assert.equal(options.listener, 'http://0.0.0.0:8081');
  assert.deepEqual(options.storage, {
    kind: 'kafka',
    bootstrapServers: ['broker-1:9093', 'broker-2:9093'],
    topic: '_schemas_eu',
    properties: { 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'PLAIN' },
    replicationFactor: 3,
    topicConfigs: { 'min.insync.replicas': '2' },
    timeoutMs: 20000,
  });
  assert.equal(options.defaultCompatibility, 'FULL_TRANSITIVE');
  assert.equal(options.modeMutability, false);
  assert.deepEqual([...(options.basicAuth as Map<string, string>)], [['alice', 's3cret']]);
});

test('every problem is reported at once', () => {
  assert.throws(
    () =>
      registryConfig({
        listeners: 'http://a:1,http://b:2',
        'kafkastore.connection.url': 'zk:2181',
        'kafkastore.bootstrap.servers': 'nohost',
        'sluice.registry.file': '/tmp/x',
        'schema.compatibility.level': 'sideways',
        'authentication.method': 'BASIC',
        'sluice.registry.tls.cert.file': '/tmp/cert.pem',
        'mode.mutability': 'maybe',
      }),
    (e: Error) => {
      for (const part of [
        'serves one listener',
        'ZooKeeper is not supported',
        '"nohost" is not host:port',
        'both set',
        '"sideways" is not one of',
        'needs sluice.registry.basic.auth.file',
        'go together',
        'mode.mutability: must be true or false',
      ]) {
        assert.ok(e.message.includes(part), `${part} missing from: ${e.message}`);
      }
      return true;
    },
  );
});

test('the file store and defaults', () => {
  assert.deepEqual(registryConfig({ 'sluice.registry.file': '/var/lib/sluice/schemas.jsonl' }).options, { storage: { kind: 'file', path: '/var/lib/sluice/schemas.jsonl' } });
  assert.deepEqual(registryConfig({}).options, {});
});
