import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { standaloneWorkerConfigDef, workerConfigProblems } from '../../../src/worker/worker-config-def.js';
import { parseWorkerSettings } from '../../../src/worker/worker-config.js';
import { WorkerConfigError } from '../../../src/worker/errors.js';
import { ConfigDef, closestName, unknownKeyReason } from '../../../src/connectors/api/index.js';

describe('standaloneWorkerConfigDef', () => {
  test('Sluice defaults', () => {
    const w = parseWorkerSettings({});
    assert.equal(w.bootstrapServers, null, 'absent bootstrap.servers means the in-process transport');
    const v = standaloneWorkerConfigDef().parse({});
    assert.equal(v['key.converter'], 'org.apache.kafka.connect.json.JsonConverter');
    assert.equal(v['value.converter'], 'org.apache.kafka.connect.json.JsonConverter');
    assert.equal(v['header.converter'], 'org.apache.kafka.connect.storage.SimpleHeaderConverter');
    assert.equal(w.offsetFile, null);
    assert.equal(w.pipeline.offsetFlushIntervalMs, 60000);
    assert.equal(w.pipeline.offsetFlushTimeoutMs, 5000);
    assert.equal(w.shutdownTimeoutMs, 5000);
    assert.equal(w.pipeline.maxInFlightBatches, 4);
    assert.equal(w.taskThreads, 0, 'in-process: every task on the main thread');
    assert.equal(parseWorkerSettings({ 'bootstrap.servers': '127.0.0.1:9092' }).taskThreads, availableParallelism(), 'with Kafka: one thread per core');
    assert.equal(parseWorkerSettings({ 'sluice.task.threads': '3' }).taskThreads, 3);
    assert.equal(parseWorkerSettings({ 'sluice.task.threads': '0' }).taskThreads, 0);
    assert.throws(() => parseWorkerSettings({ 'sluice.task.threads': '-1' }), (e: Error) => /sluice\.task\.threads/.test(e.message));
    const def = standaloneWorkerConfigDef();
    assert.equal(def.key('listeners')!.defaultValue instanceof Array, true);
  });

  test('typed values; prefixed settings are accepted and kept in the raw config', () => {
    const raw = {
      'bootstrap.servers': '127.0.0.1:9092, broker2:9093',
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter.schemas.enable': 'false',
      'key.converter.schemas.enable': 'true',
      'offset.storage.file.filename': '/tmp/offsets',
      'offset.flush.interval.ms': '1000',
      'sluice.max.in.flight.batches': '16',
      'producer.linger.ms': '5',
      'consumer.max.poll.records': '500',
      'admin.listeners': 'http://:9000',
      'admin.request.timeout.ms': '100',
    };
    const w = parseWorkerSettings(raw);
    assert.deepEqual(w.bootstrapServers, ['127.0.0.1:9092', 'broker2:9093']);
    assert.equal(standaloneWorkerConfigDef().parse(raw)['value.converter'], 'org.apache.kafka.connect.storage.StringConverter');
    assert.equal(w.offsetFile, '/tmp/offsets');
    assert.equal(w.pipeline.offsetFlushIntervalMs, 1000);
    assert.equal(w.pipeline.maxInFlightBatches, 16);
    assert.deepEqual(w.raw, raw);
  });

  test('Kafka worker keys that Sluice does not use are still accepted', () => {
    assert.deepEqual(workerConfigProblems({
      'plugin.path': '/opt/plugins', listeners: 'http://:8083', 'rest.advertised.port': '8083',
      'config.providers': 'file', 'config.providers.file.class': 'org.apache.kafka.common.config.provider.FileConfigProvider',
      'security.protocol': 'PLAINTEXT', 'ssl.truststore.location': '/x', 'topic.creation.enable': 'false',
    }), []);
  });

  test('unknown keys are kept and listed as unused (as Kafka warns), with a close known key suggested', () => {
    const raw = { 'offset.flush.intervall.ms': '5', 'group.id': 'x', 'producer.': 'y' };
    assert.deepEqual(workerConfigProblems(raw), []);
    const settings = parseWorkerSettings(raw);
    assert.deepEqual(settings.unusedKeys.map((p) => p.key), ['offset.flush.intervall.ms', 'group.id', 'producer.']);
    assert.match(settings.unusedKeys[0]!.reason, /did you mean "offset\.flush\.interval\.ms"/);
    assert.equal(settings.raw['offset.flush.intervall.ms'], '5', 'kept');
    assert.equal(settings.pipeline.offsetFlushIntervalMs, 60_000, 'the misspelt key changes nothing');
  });

  const invalid: Array<[string, string, RegExp]> = [
    ['bootstrap.servers', 'localhost', /Invalid url/],
    ['bootstrap.servers', '', /Empty list/],
    ['offset.flush.interval.ms', '-1', /at least 0/],
    ['offset.flush.timeout.ms', 'soon', /LONG/],
    ['task.shutdown.graceful.timeout.ms', '-5', /at least 0/],
    ['sluice.max.in.flight.batches', '0', /at least 1/],
    ['offset.storage.file.filename', '', /may not be empty/],
    ['listeners', 'notaurl', /invalid listener "notaurl"/],
    ['listeners', 'http://:8083,https://h:99999', /invalid port in listener/],
  ];
  for (const [key, value, reason] of invalid) {
    test(`${key}=${JSON.stringify(value)} is refused`, () => {
      const problems = workerConfigProblems({ [key]: value });
      assert.equal(problems.length, 1);
      assert.equal(problems[0]!.key, key);
      assert.match(problems[0]!.reason, reason);
      assert.throws(() => parseWorkerSettings({ [key]: value }), (e: unknown) => e instanceof WorkerConfigError && e.problems[0]!.key === key);
    });
  }

  test('converters are built as the worker will: unknown classes and bad converter settings are refused', () => {
    assert.deepEqual(workerConfigProblems({ 'value.converter': 'string', 'key.converter': 'org.apache.kafka.connect.storage.StringConverter' }), []);
    const problems = workerConfigProblems({
      'key.converter': 'com.acme.NoSuchConverter',
      'value.converter.schemas.enable': 'maybe',
      'header.converter': 'org.apache.kafka.connect.json.JsonConverter',
    });
    assert.deepEqual(problems.map((p) => p.key), ['key.converter', 'value.converter.schemas.enable']);
    assert.match(problems[0]!.reason, /Class com\.acme\.NoSuchConverter could not be found/);
    assert.match(problems[1]!.reason, /Invalid value maybe for configuration schemas\.enable/);
  });

  test('WorkerConfigError lists every problem in its message', () => {
    assert.throws(
      () => parseWorkerSettings({ 'sluice.max.in.flight.batches': '0', 'offset.flush.timeout.ms': 'soon', nope: '1' }),
      (e: unknown) => e instanceof WorkerConfigError && e.problems.length === 2 &&
        /sluice\.max\.in\.flight\.batches/.test(e.message) && /offset\.flush\.timeout\.ms/.test(e.message) && !/nope/.test(e.message),
    );
  });
});

describe('did you mean (ConfigDef)', () => {
  test('suggests the nearest name a few edits away, and nothing when none is near', () => {
    const names = ['offset.flush.interval.ms', 'offset.flush.timeout.ms', 'tasks.max'];
    assert.equal(closestName('offset.flush.intervall.ms', names), 'offset.flush.interval.ms');
    assert.equal(closestName('task.max', names), 'tasks.max');
    assert.equal(closestName('group.id', names), undefined);
    assert.equal(unknownKeyReason('task.max', names, 'connector'), 'unknown connector configuration key "task.max" (did you mean "tasks.max"?)');
    assert.equal(unknownKeyReason('group.id', names, 'worker'), 'unknown worker configuration key "group.id"');
  });

  test('unknownKeyProblems skips defined keys and keys under an allowed prefix (but not the bare prefix)', () => {
    const def = new ConfigDef().define({ name: 'tasks.max', type: 'INT', defaultValue: 1, importance: 'HIGH', documentation: '' });
    assert.deepEqual(def.unknownKeyProblems({ 'tasks.max': '1', 'producer.acks': 'all', 'producer.': 'x', 'task.max': '2' }, 'worker', ['producer.']), [
      { key: 'producer.', reason: 'unknown worker configuration key "producer."' },
      { key: 'task.max', reason: 'unknown worker configuration key "task.max" (did you mean "tasks.max"?)' },
    ]);
  });
});
