import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseDistributedSettings } from '../../../src/worker/distributed-config.js';
import { WorkerConfigError } from '../../../src/worker/errors.js';
import { parseCommand, UsageError } from '../../../src/cli/args.js';
import { sameConfig } from '../../../src/cli/apply-command.js';

const base = { 'group.id': 'connect-cluster', 'offset.storage.topic': 'connect-offsets' };

describe('distributed worker config', () => {
  test('Kafka Connect defaults, nats.url, the storage keys that are ignored, offset topic configs', () => {
    const { worker, cluster } = parseDistributedSettings({
      ...base,
      'config.storage.topic': 'connect-configs',
      'status.storage.topic': 'connect-status',
      'offset.storage.segment.ms': '60000',
      listeners: 'http://127.0.0.1:18083',
    });
    assert.equal(cluster.groupId, 'connect-cluster');
    assert.deepEqual(cluster.nats.servers, ['nats://127.0.0.1:4222']);
    assert.deepEqual(cluster.nats.auth, { kind: 'none' });
    assert.equal(cluster.nats.tls, undefined);
    assert.equal(cluster.nats.kvReplicas, 1);
    assert.equal(cluster.nats.bucketPrefix, 'sluice');
    assert.deepEqual(cluster.bootstrapServers, ['localhost:9092']);
    assert.equal(cluster.offsetPartitions, 25);
    assert.equal(cluster.offsetReplicationFactor, 3);
    assert.deepEqual(cluster.offsetTopicConfigs, { 'segment.ms': '60000' });
    assert.equal(cluster.sessionTimeoutMs, 10_000);
    assert.equal(cluster.heartbeatIntervalMs, 3_000);
    assert.equal(cluster.fenceAfterMs, 5_000);
    assert.equal(cluster.scheduledRebalanceMaxDelayMs, 300_000);
    assert.equal(worker.workerId, '127.0.0.1:18083');
    assert.equal(cluster.url, 'http://127.0.0.1:18083');
    assert.equal(worker.offsetFile, null);
  });

  test('every problem at once: missing group.id and offset.storage.topic; unknown keys and a file offset store are kept as unused', () => {
    try {
      parseDistributedSettings({ 'bogus.key': '1', 'offset.storage.file.filename': '/tmp/x' });
      assert.fail('accepted');
    } catch (e) {
      assert.ok(e instanceof WorkerConfigError);
      const keys = e.problems.map((p) => p.key).sort();
      assert.deepEqual(keys, ['group.id', 'offset.storage.topic']);
    }
    const { worker } = parseDistributedSettings({ ...base, 'bogus.key': '1', 'offset.storage.file.filename': '/tmp/x' });
    assert.deepEqual(worker.unusedKeys.map((p) => p.key).sort(), ['bogus.key', 'offset.storage.file.filename']);
    assert.equal(worker.offsetFile, null, 'a distributed worker keeps no offset file');
    assert.throws(() => parseDistributedSettings({ ...base, 'heartbeat.interval.ms': '10000' }), /lower than session.timeout.ms/);
    assert.throws(() => parseDistributedSettings({ ...base, 'exactly.once.source.support': 'sometimes' }), WorkerConfigError);
    for (const v of ['disabled', 'preparing', 'enabled', 'ENABLED']) {
      assert.equal(parseDistributedSettings({ ...base, 'exactly.once.source.support': v }).worker.exactlyOnceSource, v.toLowerCase());
    }
  });
});

describe('worker and apply command lines', () => {
  test('parse', () => {
    assert.deepEqual(parseCommand(['worker', 'w.properties', '--plugin', 'p.js', '--log-level', 'warn']), {
      kind: 'worker',
      options: { config: 'w.properties', plugins: ['p.js'], logLevel: 'warn' },
    });
    assert.deepEqual(parseCommand(['apply', 'a.json', '--cluster', 'nats://h:4222', '--group', 'g']), {
      kind: 'apply',
      options: { files: ['a.json'], plugins: [], json: false, cluster: 'nats://h:4222', group: 'g' },
    });
    assert.deepEqual(parseCommand(['apply', 'a.json', '--url', 'http://h:8083', '--json']), {
      kind: 'apply',
      options: { files: ['a.json'], plugins: [], json: true, url: 'http://h:8083' },
    });
    assert.deepEqual(parseCommand(['apply', 'a.json', '--worker-config', 'w.properties']), {
      kind: 'apply',
      options: { files: ['a.json'], plugins: [], json: false, workerConfig: 'w.properties' },
    });
    assert.throws(() => parseCommand(['apply', 'a.json']), UsageError);
    assert.throws(() => parseCommand(['apply', 'a.json', '--cluster', 'nats://h:4222']), UsageError);
    assert.throws(() => parseCommand(['apply', 'a.json', '--url', 'u', '--worker-config', 'w.properties']), UsageError);
    assert.throws(() => parseCommand(['apply', 'a.json', '--url', 'u', '--group', 'g']), UsageError);
    assert.throws(() => parseCommand(['worker']), UsageError);
    assert.throws(() => parseCommand(['worker', 'w', '--until-idle']), UsageError);
  });

  test('apply compares configs by keys and values only', () => {
    assert.equal(sameConfig({ a: '1', b: '2' }, { b: '2', a: '1' }), true);
    assert.equal(sameConfig({ a: '1' }, { a: '1', b: '2' }), false);
    assert.equal(sameConfig({ a: '1' }, { a: '2' }), false);
  });
});
