import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { PluginRegistry } from '../../../src/connectors/registry.js';
import {
  ConnectorConfigError,
  assertValidConnectorConfig,
  configKeyInfo,
  connectorConfigProblems,
  warnOncePerConnector,
  pluginConfigKeyInfos,
  validateConnectorConfig,
  type ConfigInfos,
} from '../../../src/connectors/validation.js';
import {
  ConfigDef,
  ConfigException,
  SinkConnector,
  SinkTask,
  type ConfigValue,
  type ConnectorConfig,
  type ConnectorPlugin,
} from '../../../src/connectors/api/index.js';

const registry = PluginRegistry.withBuiltins();

function entry(infos: ConfigInfos, name: string) {
  const found = infos.configs.find((c) => (c.definition?.name ?? c.value?.name) === name);
  assert.ok(found, `no entry for ${name}`);
  return found;
}

describe('validateConnectorConfig: Kafka Connect ConfigInfos shape', () => {
  test('a file sink missing topics: the §1.4.9 response', async () => {
    const infos = await validateConnectorConfig(registry, {
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
      name: 'local-file-sink',
      file: '/tmp/out.txt',
    });
    assert.equal(infos.name, 'org.apache.kafka.connect.file.FileStreamSinkConnector');
    assert.deepEqual(infos.groups, ['Common', 'Transforms', 'Predicates', 'Error Handling']);
    // Kafka's SinkConnectorConfig.validate puts the message on both topics and topics.regex.
    assert.equal(infos.error_count, 2);
    assert.deepEqual(entry(infos, 'tasks.max'), {
      definition: {
        name: 'tasks.max', type: 'INT', required: false, default_value: '1', importance: 'HIGH',
        documentation: 'Maximum number of tasks to use for this connector.', group: 'Common', order: 3, width: 'SHORT',
        display_name: 'Tasks max', dependents: [],
      },
      value: { name: 'tasks.max', value: '1', recommended_values: [], errors: [], visible: true },
    });
    const topics = entry(infos, 'topics');
    assert.equal(topics.definition!.type, 'LIST');
    assert.equal(topics.definition!.group, 'Common');
    assert.deepEqual(topics.value, {
      name: 'topics', value: '', recommended_values: [], errors: ['Must configure one of topics or topics.regex'], visible: true,
    });
    assert.deepEqual(entry(infos, 'topics.regex').value!.errors, ['Must configure one of topics or topics.regex']);
    // Every entry has exactly Kafka's keys.
    for (const c of infos.configs) {
      assert.deepEqual(Object.keys(c), ['definition', 'value']);
      if (c.definition) {
        assert.deepEqual(Object.keys(c.definition), [
          'name', 'type', 'required', 'default_value', 'importance', 'documentation', 'group', 'order', 'width', 'display_name', 'dependents',
        ]);
      }
      if (c.value) assert.deepEqual(Object.keys(c.value), ['name', 'value', 'recommended_values', 'errors', 'visible']);
    }
    // The connector's own key comes after the framework's.
    const names = infos.configs.map((c) => c.definition?.name);
    assert.equal(names[0], 'name');
    assert.equal(names.at(-1), 'file');
    assert.equal(entry(infos, 'file').value!.value, '/tmp/out.txt');
    assert.equal(entry(infos, 'name').definition!.required, true);
    assert.equal(entry(infos, 'name').definition!.default_value, null);
  });

  test('a valid config has error_count 0; values are strings (lists comma-joined), nulls stay null', async () => {
    const infos = await validateConnectorConfig(registry, {
      'connector.class': 'FileStreamSink', name: 's', topics: 'a, b', 'tasks.max': '1',
    });
    assert.equal(infos.error_count, 0);
    assert.equal(infos.name, 'FileStreamSink');
    assert.equal(entry(infos, 'topics').value!.value, 'a,b');
    assert.equal(entry(infos, 'key.converter').value!.value, null);
    assert.equal(entry(infos, 'errors.tolerance').value!.value, 'none');
    assert.equal(entry(infos, 'file').value!.value, null);
  });

  test('source connectors get the source groups plus their own', async () => {
    const infos = await validateConnectorConfig(registry, { 'connector.class': 'FileStreamSource', name: 'src', topic: 't' });
    assert.deepEqual(infos.groups, ['Common', 'Transforms', 'Predicates', 'Error Handling', 'Topic Creation', 'Exactly Once Support', 'offsets.topic']);
    assert.equal(infos.error_count, 0);
    assert.equal(entry(infos, 'batch.size').value!.value, '2000');
  });

  test('errors from the framework and the connector are counted together', async () => {
    const infos = await validateConnectorConfig(registry, {
      'connector.class': 'FileStreamSource', name: 'src', 'tasks.max': '0', 'batch.size': 'many',
    });
    assert.deepEqual(entry(infos, 'tasks.max').value!.errors, ['Invalid value 0 for configuration tasks.max: Value must be at least 1']);
    assert.match(entry(infos, 'batch.size').value!.errors.join(), /Not a number of type INT/);
    assert.match(entry(infos, 'topic').value!.errors.join(), /Missing required configuration "topic"/);
    assert.equal(infos.error_count, 3);
  });

  test('the DLQ topic may not be one of the consumed topics, nor match topics.regex', async () => {
    const a = await validateConnectorConfig(registry, {
      'connector.class': 'FileStreamSink', name: 's', topics: 'orders,dlq', 'errors.deadletterqueue.topic.name': 'dlq',
    });
    assert.equal(a.error_count, 1);
    assert.deepEqual(entry(a, 'topics').value!.errors, [
      "The DLQ topic 'dlq' may not be included in the list of topics ('topics=[orders, dlq]') consumed by the connector",
    ]);
    const b = await validateConnectorConfig(registry, {
      'connector.class': 'FileStreamSink', name: 's', 'topics.regex': 'd.*', 'errors.deadletterqueue.topic.name': 'dlq',
    });
    assert.match(entry(b, 'topics.regex').value!.errors.join(), /may not be included in the regex/);
    const c = await validateConnectorConfig(registry, {
      'connector.class': 'FileStreamSink', name: 's', 'topics.regex': 'orders-.*', 'errors.deadletterqueue.topic.name': 'dlq',
    });
    assert.equal(c.error_count, 0);
    const java = await validateConnectorConfig(registry, {
      'connector.class': 'FileStreamSink', name: 's', 'topics.regex': '(?i)D[a-z]++', 'errors.deadletterqueue.topic.name': 'dlq',
    });
    assert.match(entry(java, 'topics.regex').value!.errors.join(), /may not be included in the regex/, 'a Java regex is matched as Java would');
  });

  test('topics and topics.regex together are refused on both keys', async () => {
    const infos = await validateConnectorConfig(registry, { 'connector.class': 'FileStreamSink', name: 's', topics: 'a', 'topics.regex': 'b.*' });
    assert.equal(infos.error_count, 2);
    assert.match(entry(infos, 'topics').value!.errors[0]!, /mutually exclusive/);
  });

  test('transforms get their per-alias definitions; a predicate must be declared', async () => {
    const infos = await validateConnectorConfig(registry, {
      'connector.class': 'FileStreamSink', name: 's', topics: 'a', transforms: 'x', 'transforms.x.predicate': 'p',
    });
    assert.ok(infos.groups.includes('Transforms: x'));
    assert.match(entry(infos, 'transforms.x.type').value!.errors.join(), /Missing required configuration "transforms.x.type"/);
    assert.match(entry(infos, 'transforms.x.predicate').value!.errors.join(), /not listed in predicates/);
  });

  test('optional hooks check converter classes and transform types', async () => {
    const infos = await validateConnectorConfig(
      registry,
      { 'connector.class': 'FileStreamSink', name: 's', topics: 'a', 'value.converter': 'NoSuchConverter', transforms: 't', 'transforms.t.type': 'Nope' },
      { converterExists: (n) => n === 'StringConverter', transformConfigDef: () => undefined },
    );
    assert.deepEqual(entry(infos, 'value.converter').value!.errors,
      ['Invalid value NoSuchConverter for configuration value.converter: Class NoSuchConverter could not be found.']);
    assert.deepEqual(entry(infos, 'transforms.t.type').value!.errors,
      ['Invalid value Nope for configuration transforms.t.type: Class Nope could not be found.']);
  });

  test('transforms.<alias>.type and predicates.<alias>.type recommend every class, as Kafka\'s ClassRecommender', async () => {
    const infos = await validateConnectorConfig(registry, {
      'connector.class': 'FileStreamSink', name: 's', topics: 'a', transforms: 't', predicates: 'p',
      'transforms.t.type': 'org.apache.kafka.connect.transforms.RegexRouter', 'transforms.t.regex': '(?i)a', 'transforms.t.replacement': 'b',
      'transforms.t.predicate': 'p', 'predicates.p.type': 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches', 'predicates.p.pattern': 'a*+',
    });
    assert.equal(infos.error_count, 0, JSON.stringify(infos.configs.filter((c) => c.value?.errors.length)));
    const t = entry(infos, 'transforms.t.type');
    assert.equal(t.definition!.display_name, 'Transformation type for t');
    const recommended = t.value!.recommended_values;
    for (const cls of ['org.apache.kafka.connect.transforms.Cast$Key', 'org.apache.kafka.connect.transforms.Cast$Value',
      'org.apache.kafka.connect.transforms.Filter', 'org.apache.kafka.connect.transforms.RegexRouter', 'org.apache.kafka.connect.transforms.ValueToKey']) {
      assert.ok(recommended.includes(cls), cls);
    }
    assert.deepEqual(recommended, [...recommended].sort());
    assert.ok(!recommended.some((c) => c.includes('.predicates.')));
    assert.deepEqual(entry(infos, 'predicates.p.type').value!.recommended_values, [
      'org.apache.kafka.connect.transforms.predicates.HasHeaderKey',
      'org.apache.kafka.connect.transforms.predicates.RecordIsTombstone',
      'org.apache.kafka.connect.transforms.predicates.TopicNameMatches',
    ]);
  });

  test('negate without a predicate: Kafka\'s text', async () => {
    const infos = await validateConnectorConfig(registry, {
      'connector.class': 'FileStreamSink', name: 's', topics: 'a', transforms: 'f', 'transforms.f.type': 'org.apache.kafka.connect.transforms.Filter', 'transforms.f.negate': 'true',
    });
    assert.deepEqual(entry(infos, 'transforms.f.negate').value!.errors,
      ["Config 'transforms.f.negate' was provided but there is no config 'transforms.f.predicate' defining a predicate to be negated."]);
  });

  test('by default converters are checked through the converter registry, settings included', async () => {
    const infos = await validateConnectorConfig(registry, {
      'connector.class': 'FileStreamSink', name: 's', topics: 'a',
      'key.converter': 'NoSuchConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.decimal.format': 'ROMAN',
      'header.converter': 'SimpleHeaderConverter',
    });
    assert.equal(infos.error_count, 2);
    assert.match(entry(infos, 'key.converter').value!.errors.join(), /Class NoSuchConverter could not be found/);
    const setting = entry(infos, 'value.converter.decimal.format');
    assert.equal(setting.definition, null);
    assert.match(setting.value!.errors.join(), /ROMAN/);
  });

  test('a missing connector.class is a ConfigException (REST: 400), as is an unknown class', async () => {
    await assert.rejects(validateConnectorConfig(registry, { name: 'x' }), (e: unknown) =>
      e instanceof ConfigException && e.key === 'connector.class' && /contains no connector type/.test(e.message));
    await assert.rejects(validateConnectorConfig(registry, { name: 'x', 'connector.class': 'Nope' }), (e: unknown) =>
      e instanceof ConfigException && e.key === 'connector.class' && /available connectors are/.test(e.message));
  });

  test('passwords are shown as [hidden]', async () => {
    const plugin = sinkPluginWith(new ConfigDef().define({ name: 'secret', type: 'PASSWORD', defaultValue: 'dflt', importance: 'HIGH', documentation: 's' }));
    const r = new PluginRegistry().register(plugin);
    const infos = await validateConnectorConfig(r, { 'connector.class': plugin.className, name: 's', topics: 't', secret: 'hunter2' });
    assert.equal(entry(infos, 'secret').value!.value, '[hidden]');
    assert.equal(entry(infos, 'secret').definition!.default_value, '[hidden]');
    assert.doesNotMatch(JSON.stringify(infos), /hunter2/);
  });

  test('values the connector reports for keys it does not define come first with a null definition', async () => {
    const plugin = sinkPluginWith(new ConfigDef(), (config) => new Map<string, ConfigValue>([
      ['extra', { name: 'extra', value: config['extra'] ?? null, recommendedValues: ['a', 'b'], errorMessages: ['bad extra'], visible: false }],
    ]));
    const r = new PluginRegistry().register(plugin);
    const infos = await validateConnectorConfig(r, { 'connector.class': plugin.className, name: 's', topics: 't', extra: 'z' });
    assert.deepEqual(infos.configs[0], {
      definition: null,
      value: { name: 'extra', value: 'z', recommended_values: ['a', 'b'], errors: ['bad extra'], visible: false },
    });
    assert.equal(infos.error_count, 1);
  });
});

class TestSinkTask extends SinkTask {
  version() { return '1'; }
  start() {}
  put() {}
  stop() {}
}

function sinkPluginWith(def: ConfigDef, validate?: (c: ConnectorConfig) => Map<string, ConfigValue>): ConnectorPlugin {
  class TestSink extends SinkConnector {
    version() { return '1'; }
    start() {}
    taskClass() { return TestSinkTask; }
    taskConfigs() { return [{}]; }
    stop() {}
    config() { return def; }
    override validate(c: ConnectorConfig) { return validate ? validate(c) : super.validate(c); }
  }
  return { type: 'sink', className: 'com.acme.TestSinkConnector', aliases: [], version: '1', create: () => new TestSink(), configDef: () => def };
}

describe('configKeyInfo / pluginConfigKeyInfos', () => {
  test('GET /connector-plugins/{p}/config: plugin keys first, then the framework keys', () => {
    const infos = pluginConfigKeyInfos(registry.resolve('FileStreamSource'));
    assert.deepEqual(infos.slice(0, 3).map((i) => i.name), ['file', 'topic', 'batch.size']);
    assert.ok(infos.some((i) => i.name === 'exactly.once.support'));
    assert.equal(infos.find((i) => i.name === 'topics'), undefined);
    assert.deepEqual(infos.find((i) => i.name === 'topic'), {
      name: 'topic', type: 'STRING', required: true, default_value: null, importance: 'HIGH',
      documentation: 'The topic to publish data to', group: null, order: -1, width: 'NONE', display_name: 'topic', dependents: [],
    });
  });

  test('a list default prints comma-joined', () => {
    const def = new ConfigDef().define({ name: 'l', type: 'LIST', defaultValue: ['a', 'b'], importance: 'LOW', documentation: '' });
    assert.equal(configKeyInfo(def.key('l')!).default_value, 'a,b');
  });
});

describe('connectorConfigProblems / assertValidConnectorConfig', () => {
  test('every problem with its key; unknown keys with a suggestion when rejected', async () => {
    const problems = await connectorConfigProblems(registry, {
      'connector.class': 'FileStreamSink', name: 's', topcs: 'a', 'tasks.max': '-1',
    }, { rejectUnknownKeys: true });
    assert.deepEqual(problems.map((p) => p.key), ['tasks.max', 'topics', 'topics.regex', 'topcs']);
    assert.match(problems[3]!.reason, /unknown connector configuration key "topcs" \(did you mean "topics"\?\)/);
  });

  test('unknown keys are kept by default, as Kafka Connect keeps them: no problem, one warning per connector', async () => {
    const heard: Array<[string | undefined, string[]]> = [];
    const onUnknownKeys = (c: string | undefined, keys: readonly { key?: string; reason: string }[]) => heard.push([c, keys.map((k) => k.reason)]);
    const config = { 'connector.class': 'FileStreamSink', name: 's', topics: 'a', topcs: 'b', 'connection.loginTimeout': '5' };
    assert.deepEqual(await connectorConfigProblems(registry, config, { onUnknownKeys }), []);
    assert.deepEqual(heard, [['s', [
      'unknown connector configuration key "topcs" (did you mean "topics"?)',
      'unknown connector configuration key "connection.loginTimeout"',
    ]]]);
    // A config with real problems reports those, not the warnings.
    heard.length = 0;
    assert.deepEqual((await connectorConfigProblems(registry, { ...config, 'tasks.max': '0' }, { onUnknownKeys })).map((p) => p.key), ['tasks.max']);
    assert.deepEqual(heard, []);
  });

  test('warnOncePerConnector warns once per connector, again only for new keys', () => {
    const lines: string[] = [];
    const listener = warnOncePerConnector((m) => lines.push(m));
    const k = (key: string) => ({ key, reason: `unknown connector configuration key "${key}"` });
    listener('a', [k('x')]);
    listener('a', [k('x')]);
    listener('b', [k('x')]);
    listener('a', [k('x'), k('y')]);
    assert.equal(lines.length, 3);
    assert.match(lines[0]!, /^connector "a": unknown connector configuration key "x"; kept and passed to the connector/);
    assert.match(lines[2]!, /^connector "a": unknown connector configuration key "y";/);
  });

  test('pass-through prefixes and declared transform/predicate aliases are not unknown', async () => {
    const strict = { rejectUnknownKeys: true };
    const problems = await connectorConfigProblems(registry, {
      'connector.class': 'FileStreamSink', name: 's', topics: 'a',
      'value.converter.schemas.enable': 'false', 'consumer.override.max.poll.records': '10',
      transforms: 'x', 'transforms.x.type': 'Foo', 'transforms.x.field': 'f',
      predicates: 'p', 'predicates.p.type': 'Bar', 'predicates.p.pattern': '.*',
    }, strict);
    assert.deepEqual(problems, []);
    const stray = await connectorConfigProblems(registry, { 'connector.class': 'FileStreamSink', name: 's', topics: 'a', 'transforms.y.type': 'Foo' }, strict);
    assert.deepEqual(stray.map((p) => p.key), ['transforms.y.type']);
  });

  test('topic.creation keys are allowed on sources only', async () => {
    const src = await connectorConfigProblems(registry, {
      'connector.class': 'datagen', name: 'd', 'kafka.topic': 't',
      'topic.creation.default.partitions': '3', 'topic.creation.default.replication.factor': '1', 'topic.creation.default.cleanup.policy': 'compact',
    }, { rejectUnknownKeys: true });
    assert.deepEqual(src, []);
    const sink = await connectorConfigProblems(registry, { 'connector.class': 'FileStreamSink', name: 's', topics: 'a', 'topic.creation.default.partitions': '3' }, { rejectUnknownKeys: true });
    assert.deepEqual(sink.map((p) => p.key), ['topic.creation.default.partitions']);
  });

  test('rejectUnknownKeys: false reports only what Kafka would', async () => {
    assert.deepEqual(await connectorConfigProblems(registry, { 'connector.class': 'FileStreamSink', name: 's', topics: 'a', whatever: '1' }, { rejectUnknownKeys: false }), []);
  });

  test('missing or unknown classes become a connector.class problem', async () => {
    assert.deepEqual((await connectorConfigProblems(registry, { name: 's' })).map((p) => p.key), ['connector.class']);
    const [p] = await connectorConfigProblems(registry, { name: 's', 'connector.class': 'Missing' });
    assert.equal(p!.key, 'connector.class');
    assert.match(p!.reason, /Failed to find any class/);
  });

  test('assertValidConnectorConfig throws a ConnectorConfigError naming the connector, each key and reason', async () => {
    await assert.rejects(
      assertValidConnectorConfig(registry, { 'connector.class': 'FileStreamSource', name: 'lines', 'batch.size': '0' }),
      (e: unknown) => {
        assert.ok(e instanceof ConnectorConfigError);
        assert.equal(e.connector, 'lines');
        assert.deepEqual(e.problems.map((p) => p.key), ['topic', 'batch.size']);
        assert.match(e.message, /connector "lines"/);
        assert.match(e.message, /- batch\.size: Invalid value 0/);
        assert.match(e.message, /- topic: Missing required configuration/);
        return true;
      },
    );
    const plugin = await assertValidConnectorConfig(registry, { 'connector.class': 'FileStreamSource', name: 'lines', topic: 't' });
    assert.equal(plugin.className, 'org.apache.kafka.connect.file.FileStreamSourceConnector');
  });
});
