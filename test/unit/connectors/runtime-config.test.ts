import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  WorkerConfigError,
  connectorConfigDef,
  enrichConnectorConfigDef,
  parseStandaloneWorkerConfig,
  standaloneWorkerConfigDef,
  workerConfigProblems,
} from '../../../src/connectors/runtime-config.js';
import { ConfigDef, configValueToString, type ConfigDef as Def } from '../../../src/connectors/api/index.js';

const BASE = { name: 'c1', 'connector.class': 'FileStreamSink' };

/** Errors per key from ConfigDef.validate. */
function errorsOf(def: Def, config: Record<string, string>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of def.validate(config)) if (v.errorMessages.length) out[k] = v.errorMessages;
  return out;
}

/** key → [type, default as Kafka prints it (null: required or null default), group, order]. */
const COMMON: Record<string, [string, string | null, string, number]> = {
  name: ['STRING', null, 'Common', 1],
  'connector.class': ['STRING', null, 'Common', 2],
  'tasks.max': ['INT', '1', 'Common', 3],
  'tasks.max.enforce': ['BOOLEAN', 'true', 'Common', 4],
  'key.converter': ['CLASS', null, 'Common', 5],
  'value.converter': ['CLASS', null, 'Common', 6],
  'header.converter': ['CLASS', null, 'Common', 7],
  transforms: ['LIST', '', 'Transforms', 8],
  predicates: ['LIST', '', 'Predicates', 9],
  'config.action.reload': ['STRING', 'restart', 'Common', 10],
  'errors.retry.timeout': ['LONG', '0', 'Error Handling', 1],
  'errors.retry.delay.max.ms': ['LONG', '60000', 'Error Handling', 2],
  'errors.tolerance': ['STRING', 'none', 'Error Handling', 3],
  'errors.log.enable': ['BOOLEAN', 'false', 'Error Handling', 4],
  'errors.log.include.messages': ['BOOLEAN', 'false', 'Error Handling', 5],
};
const SINK: typeof COMMON = {
  ...COMMON,
  topics: ['LIST', '', 'Common', 4],
  'topics.regex': ['STRING', '', 'Common', 4],
  'errors.deadletterqueue.topic.name': ['STRING', '', 'Error Handling', 6],
  'errors.deadletterqueue.topic.replication.factor': ['SHORT', '3', 'Error Handling', 7],
  'errors.deadletterqueue.context.headers.enable': ['BOOLEAN', 'false', 'Error Handling', 8],
};
const SOURCE: typeof COMMON = {
  ...COMMON,
  'topic.creation.groups': ['LIST', '', 'Topic Creation', 1],
  'exactly.once.support': ['STRING', 'requested', 'Exactly Once Support', 2],
  'transaction.boundary': ['STRING', 'poll', 'Exactly Once Support', 3],
  'transaction.boundary.interval.ms': ['LONG', null, 'Exactly Once Support', 4],
  'offsets.storage.topic': ['STRING', null, 'offsets.topic', 5],
};

describe('connectorConfigDef', () => {
  for (const [kind, expected] of [['sink', SINK], ['source', SOURCE]] as const) {
    test(`${kind}: every key with Kafka's type, default, group and order`, () => {
      const def = connectorConfigDef(kind);
      assert.deepEqual(def.names().sort(), Object.keys(expected).sort());
      for (const [name, [type, dflt, group, order]] of Object.entries(expected)) {
        const k = def.key(name)!;
        assert.equal(k.type, type, name);
        assert.equal(k.hasDefault ? configValueToString(k.defaultValue, k.type) : null, dflt, name);
        assert.equal(k.group, group, name);
        assert.equal(k.orderInGroup, order, name);
      }
      assert.equal(def.key('name')!.hasDefault, false);
      assert.equal(def.key('connector.class')!.hasDefault, false);
    });
  }

  test('groups in Kafka order', () => {
    assert.deepEqual(connectorConfigDef('sink').groups(), ['Common', 'Transforms', 'Predicates', 'Error Handling']);
    assert.deepEqual(connectorConfigDef('source').groups(), [
      'Common', 'Transforms', 'Predicates', 'Error Handling', 'Topic Creation', 'Exactly Once Support', 'offsets.topic',
    ]);
  });

  test('parsed defaults are typed', () => {
    const v = connectorConfigDef('sink').parse({ ...BASE, topics: 'a, b' });
    assert.equal(v['tasks.max'], 1);
    assert.equal(v['tasks.max.enforce'], true);
    assert.deepEqual(v['topics'], ['a', 'b']);
    assert.deepEqual(v['transforms'], []);
    assert.equal(v['errors.retry.delay.max.ms'], 60000);
    assert.equal(v['key.converter'], null);
    assert.equal(v['errors.deadletterqueue.topic.replication.factor'], 3);
  });

  const invalid: Array<[string, 'source' | 'sink', Record<string, string>, RegExp]> = [
    ['name', 'sink', { name: '' }, /String may not be empty/],
    ['name', 'sink', { name: 'a\nb' }, /control sequences.*10/],
    ['connector.class', 'sink', { 'connector.class': undefined as unknown as string }, /Missing required configuration "connector.class"/],
    ['tasks.max', 'sink', { 'tasks.max': '0' }, /at least 1/],
    ['tasks.max', 'sink', { 'tasks.max': 'two' }, /Not a number of type INT/],
    ['tasks.max.enforce', 'sink', { 'tasks.max.enforce': 'yes' }, /true or false/],
    ['transforms', 'sink', { transforms: 'a,b,a' }, /Duplicate alias/],
    ['predicates', 'source', { predicates: 'p,p' }, /Duplicate alias/],
    ['config.action.reload', 'sink', { 'config.action.reload': 'reload' }, /one of: none, restart/],
    ['errors.retry.timeout', 'sink', { 'errors.retry.timeout': '1.5' }, /LONG/],
    ['errors.tolerance', 'sink', { 'errors.tolerance': 'some' }, /one of: none, all/],
    ['errors.log.enable', 'source', { 'errors.log.enable': '1' }, /true or false/],
    ['topics.regex', 'sink', { 'topics.regex': 'a(' }, /regular expression/],
    ['errors.deadletterqueue.topic.replication.factor', 'sink', { 'errors.deadletterqueue.topic.replication.factor': '40000' }, /SHORT/],
    ['exactly.once.support', 'source', { 'exactly.once.support': 'maybe' }, /requested, required/],
    ['transaction.boundary', 'source', { 'transaction.boundary': 'batch' }, /poll, interval, connector/],
    ['transaction.boundary.interval.ms', 'source', { 'transaction.boundary.interval.ms': '-1' }, /non-negative/],
    ['offsets.storage.topic', 'source', { 'offsets.storage.topic': ' ' }, /may not be empty/],
    ['topic.creation.groups', 'source', { 'topic.creation.groups': 'g,g' }, /Duplicate alias/],
  ];
  for (const [key, kind, change, reason] of invalid) {
    test(`${kind} ${key}=${JSON.stringify(change[key])} is refused`, () => {
      const errors = errorsOf(connectorConfigDef(kind), { ...BASE, ...change });
      assert.deepEqual(Object.keys(errors), [key]);
      assert.match(errors[key]!.join(' '), reason);
    });
  }

  test('valid values pass: case-insensitive EOS options, -1 retry timeout, tolerance all', () => {
    assert.deepEqual(errorsOf(connectorConfigDef('source'), {
      ...BASE, 'exactly.once.support': 'REQUIRED', 'transaction.boundary': 'Interval', 'transaction.boundary.interval.ms': '0',
      'errors.retry.timeout': '-1', 'errors.tolerance': 'all', 'tasks.max': '8', 'config.action.reload': 'none',
    }), {});
  });
});

describe('enrichConnectorConfigDef', () => {
  test('adds transforms.<alias>.type (required), .predicate, .negate and predicates.<alias>.type', () => {
    const config = { ...BASE, transforms: 'mask, route', predicates: 'isFoo' };
    const def = enrichConnectorConfigDef(connectorConfigDef('sink'), 'sink', config);
    for (const k of ['transforms.mask.type', 'transforms.mask.predicate', 'transforms.mask.negate', 'transforms.route.type', 'predicates.isFoo.type']) {
      assert.ok(def.key(k), k);
    }
    assert.equal(def.key('transforms.mask.type')!.group, 'Transforms: mask');
    const errors = errorsOf(def, { ...config, topics: 't' });
    assert.deepEqual(Object.keys(errors).sort(), ['predicates.isFoo.type', 'transforms.mask.type', 'transforms.route.type']);
  });

  test('embeds each transform\'s own keys when a lookup knows the type', () => {
    const own = new ConfigDef().define({ name: 'field', type: 'STRING', importance: 'HIGH', documentation: 'f' });
    const def = enrichConnectorConfigDef(connectorConfigDef('sink'), 'sink', { transforms: 'm', 'transforms.m.type': 'Mask' },
      (_p, _a, kind, type) => (kind === 'transformation' && type === 'Mask' ? own : undefined));
    assert.equal(def.key('transforms.m.field')!.hasDefault, false);
  });

  test('source topic creation: default group needs replication.factor and partitions once any topic.creation key is set', () => {
    const plain = enrichConnectorConfigDef(connectorConfigDef('source'), 'source', BASE);
    assert.equal(plain.key('topic.creation.default.partitions'), undefined);
    const config = { ...BASE, 'topic.creation.groups': 'compacted', 'topic.creation.default.partitions': '0' };
    const def = enrichConnectorConfigDef(connectorConfigDef('source'), 'source', config);
    const errors = errorsOf(def, config);
    assert.match(errors['topic.creation.default.replication.factor']!.join(), /Missing required/);
    assert.match(errors['topic.creation.default.partitions']!.join(), /Number of partitions must be positive/);
    assert.equal(errors['topic.creation.compacted.partitions'], undefined);
    const ok = { ...config, 'topic.creation.default.partitions': '-1', 'topic.creation.default.replication.factor': '1' };
    assert.deepEqual(errorsOf(def, ok), {});
    assert.deepEqual(def.parse(ok)['topic.creation.default.include'], ['.*']);
  });

  test('sinks get no topic creation keys', () => {
    const def = enrichConnectorConfigDef(connectorConfigDef('sink'), 'sink', { 'topic.creation.default.partitions': '1' });
    assert.equal(def.key('topic.creation.default.partitions'), undefined);
  });
});

describe('standaloneWorkerConfigDef', () => {
  test('Sluice defaults', () => {
    const w = parseStandaloneWorkerConfig({});
    assert.equal(w.bootstrapServers, null, 'absent bootstrap.servers means the in-process transport');
    assert.equal(w.keyConverter, 'org.apache.kafka.connect.json.JsonConverter');
    assert.equal(w.valueConverter, 'org.apache.kafka.connect.json.JsonConverter');
    assert.equal(w.headerConverter, 'org.apache.kafka.connect.storage.SimpleHeaderConverter');
    assert.equal(w.offsetStorageFile, null);
    assert.equal(w.offsetFlushIntervalMs, 60000);
    assert.equal(w.offsetFlushTimeoutMs, 5000);
    assert.equal(w.taskShutdownGracefulTimeoutMs, 5000);
    assert.equal(w.maxInFlightBatches, 4);
    const def = standaloneWorkerConfigDef();
    assert.equal(def.key('listeners')!.defaultValue instanceof Array, true);
  });

  test('typed values and prefixed settings with the prefix stripped', () => {
    const w = parseStandaloneWorkerConfig({
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
    });
    assert.deepEqual(w.bootstrapServers, ['127.0.0.1:9092', 'broker2:9093']);
    assert.equal(w.valueConverter, 'org.apache.kafka.connect.storage.StringConverter');
    assert.deepEqual(w.valueConverterConfig, { 'schemas.enable': 'false' });
    assert.deepEqual(w.keyConverterConfig, { 'schemas.enable': 'true' });
    assert.equal(w.offsetStorageFile, '/tmp/offsets');
    assert.equal(w.offsetFlushIntervalMs, 1000);
    assert.equal(w.maxInFlightBatches, 16);
    assert.deepEqual(w.producer, { 'linger.ms': '5' });
    assert.deepEqual(w.consumer, { 'max.poll.records': '500' });
    assert.deepEqual(w.admin, { 'request.timeout.ms': '100' });
  });

  test('Kafka worker keys that Sluice does not use are still accepted', () => {
    assert.deepEqual(workerConfigProblems({
      'plugin.path': '/opt/plugins', listeners: 'http://:8083', 'rest.advertised.port': '8083',
      'config.providers': 'file', 'config.providers.file.class': 'org.apache.kafka.common.config.provider.FileConfigProvider',
      'security.protocol': 'PLAINTEXT', 'ssl.truststore.location': '/x', 'topic.creation.enable': 'false',
    }), []);
  });

  test('unknown keys are refused with the key name, and a close known key is suggested', () => {
    const problems = workerConfigProblems({ 'offset.flush.intervall.ms': '5', 'group.id': 'x', 'producer.': 'y' });
    assert.deepEqual(problems.map((p) => p.key), ['offset.flush.intervall.ms', 'group.id', 'producer.']);
    assert.match(problems[0]!.reason, /did you mean "offset\.flush\.interval\.ms"/);
  });

  const invalid: Array<[string, string, RegExp]> = [
    ['bootstrap.servers', 'localhost', /Invalid url/],
    ['bootstrap.servers', '', /Empty list/],
    ['offset.flush.interval.ms', '-1', /at least 0/],
    ['offset.flush.timeout.ms', 'soon', /LONG/],
    ['task.shutdown.graceful.timeout.ms', '-5', /at least 0/],
    ['sluice.max.in.flight.batches', '0', /at least 1/],
    ['offset.storage.file.filename', '', /may not be empty/],
  ];
  for (const [key, value, reason] of invalid) {
    test(`${key}=${JSON.stringify(value)} is refused`, () => {
      const problems = workerConfigProblems({ [key]: value });
      assert.equal(problems.length, 1);
      assert.equal(problems[0]!.key, key);
      assert.match(problems[0]!.reason, reason);
      assert.throws(() => parseStandaloneWorkerConfig({ [key]: value }), (e: unknown) => e instanceof WorkerConfigError && e.problems[0]!.key === key);
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
      () => parseStandaloneWorkerConfig({ 'sluice.max.in.flight.batches': '0', nope: '1' }),
      (e: unknown) => e instanceof WorkerConfigError && e.problems.length === 2 &&
        /sluice\.max\.in\.flight\.batches/.test(e.message) && /nope/.test(e.message),
    );
  });
});
