import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { connectorConfigDef, enrichConnectorConfigDef } from '../../../src/connectors/framework-config.js';
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
