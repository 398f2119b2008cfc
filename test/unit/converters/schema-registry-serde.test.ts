// The registry converters' shared settings, subject naming, wire header and lookup cache.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DataException, PendingLookup } from '../../../src/data/index.js';
import { ConverterConfigException, createConverter, frame, serdeSettings, unframe } from '../../../src/converters/index.js';
import { LookupCache } from '../../../src/converters/schema-registry/lookup-cache.js';
import { converterProblems } from '../../../src/connectors/converter-problems.js';

const url = { 'schema.registry.url': 'http://127.0.0.1:8081' };

describe('serde settings', () => {
  test('defaults are Confluent\'s', () => {
    const s = serdeSettings(url, false);
    assert.deepEqual(s.client.urls, ['http://127.0.0.1:8081']);
    assert.equal(s.autoRegister, true);
    assert.equal(s.useLatestVersion, false);
    assert.equal(s.latestCompatibilityStrict, true);
    assert.equal(s.useSchemaId, -1);
    assert.equal(s.client.maxRetries, 3);
    assert.equal(s.client.connectTimeoutMs, 60_000);
    assert.equal(s.schemasCacheSize, 1000);
    assert.equal(s.subjectNameStrategy('orders', false, 'x.Y'), 'orders-value');
    assert.equal(serdeSettings(url, true).subjectNameStrategy('orders', true, 'x.Y'), 'orders-key');
    assert.equal(s.client.auth.userInfo, undefined);
  });

  test('several URLs, user info in the URL (source URL, the default), request headers, ssl keys', () => {
    const s = serdeSettings({
      'schema.registry.url': ' http://alice:s%40cret@a:8081/ , https://b:8082',
      'request.header.X-Tenant': 't1',
      'schema.registry.ssl.truststore.location': '/x/ca.pem',
      'schema.registry.ssl.truststore.type': 'PEM',
    }, false);
    assert.deepEqual(s.client.urls, ['http://a:8081', 'https://b:8082']);
    assert.equal(s.client.auth.userInfo, 'alice:s@cret');
    assert.deepEqual(s.client.requestHeaders, { 'X-Tenant': 't1' });
    assert.deepEqual(s.client.ssl, { 'ssl.truststore.location': '/x/ca.pem', 'ssl.truststore.type': 'PEM' });
  });

  test('basic auth from basic.auth.user.info or its schema.registry. alias; SASL_INHERIT from sasl.jaas.config; bearer', () => {
    assert.equal(serdeSettings({ ...url, 'basic.auth.credentials.source': 'USER_INFO', 'basic.auth.user.info': 'u:p' }, false).client.auth.userInfo, 'u:p');
    assert.equal(serdeSettings({ ...url, 'basic.auth.credentials.source': 'user_info', 'schema.registry.basic.auth.user.info': 'v:q' }, false).client.auth.userInfo, 'v:q');
    const jaas = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="k" password="pw";';
    assert.equal(serdeSettings({ ...url, 'basic.auth.credentials.source': 'SASL_INHERIT', 'sasl.jaas.config': jaas }, false).client.auth.userInfo, 'k:pw');
    const bearer = serdeSettings({ ...url, 'bearer.auth.credentials.source': 'STATIC_TOKEN', 'bearer.auth.token': 'tok', 'bearer.auth.logical.cluster': 'lsrc-1' }, false);
    assert.equal(bearer.client.auth.bearerToken, 'tok');
    assert.equal(bearer.client.auth.logicalCluster, 'lsrc-1');
  });

  test('wrong values are refused with the key', () => {
    const refused = (config: Record<string, unknown>, key: string) =>
      assert.throws(() => serdeSettings(config, false), (e: unknown) => e instanceof ConverterConfigException && e.key === key, key);
    refused({}, 'schema.registry.url');
    refused({ 'schema.registry.url': 'ftp://x' }, 'schema.registry.url');
    refused({ ...url, 'auto.register.schemas': 'yes' }, 'auto.register.schemas');
    refused({ ...url, 'basic.auth.credentials.source': 'USER_INFO' }, 'basic.auth.user.info');
    refused({ ...url, 'basic.auth.credentials.source': 'KERBEROS' }, 'basic.auth.credentials.source');
    refused({ ...url, 'value.subject.name.strategy': 'com.acme.MyStrategy' }, 'value.subject.name.strategy');
    refused({ ...url, 'bearer.auth.credentials.source': 'STATIC_TOKEN' }, 'bearer.auth.token');
    refused({ ...url, 'use.schema.id': '3', 'use.latest.version': 'true' }, 'use.schema.id');
    refused({ ...url, 'max.retries': '-1' }, 'max.retries');
  });

  test('unknown keys are kept (the formats read theirs), and the converter classes configure with them', () => {
    for (const name of ['io.confluent.connect.avro.AvroConverter', 'io.confluent.connect.protobuf.ProtobufConverter', 'io.confluent.connect.json.JsonSchemaConverter']) {
      const c = createConverter(name);
      c.configure({ ...url, 'some.future.key': 'x' }, false);
      assert.throws(() => createConverter(name).configure({}, false), ConverterConfigException);
    }
  });
});

describe('validation (as `sluice validate` and PUT /connector-plugins/…/config/validate report it)', () => {
  test('a registry converter without schema.registry.url, or with a bad value, is reported on the prefixed key', () => {
    const problems = converterProblems({
      'key.converter': 'io.confluent.connect.avro.AvroConverter',
      'value.converter': 'io.confluent.connect.protobuf.ProtobufConverter',
      'value.converter.schema.registry.url': 'http://r:8081',
      'value.converter.auto.register.schemas': 'maybe',
    });
    assert.deepEqual(problems.map((p) => p.key).sort(), ['key.converter.schema.registry.url', 'value.converter.auto.register.schemas']);
    assert.deepEqual(converterProblems({ 'value.converter': 'io.confluent.connect.json.JsonSchemaConverter', 'value.converter.schema.registry.url': 'http://r:8081' }), []);
  });
});

describe('subject name strategies', () => {
  const strategy = (cls: string, isKey = false) => serdeSettings({ ...url, [`${isKey ? 'key' : 'value'}.subject.name.strategy`]: cls }, isKey).subjectNameStrategy;
  test('TopicNameStrategy, RecordNameStrategy and TopicRecordNameStrategy, by full and short class name', () => {
    assert.equal(strategy('io.confluent.kafka.serializers.subject.TopicNameStrategy', true)('t', true, 'a.B'), 't-key');
    assert.equal(strategy('io.confluent.kafka.serializers.subject.RecordNameStrategy')('t', false, 'a.B'), 'a.B');
    assert.equal(strategy('TopicRecordNameStrategy')('t', false, 'a.B'), 't-a.B');
  });
  test('the record strategies refuse an unnamed schema', () => {
    assert.throws(() => strategy('RecordNameStrategy')('t', false, undefined), DataException);
  });
});

describe('wire format', () => {
  test('magic byte 0, big-endian id, payload', () => {
    const bytes = frame(0x01020304, Uint8Array.of(9, 8));
    assert.deepEqual([...bytes], [0, 1, 2, 3, 4, 9, 8]);
    const back = unframe(bytes, 't');
    assert.equal(back.id, 0x01020304);
    assert.deepEqual([...back.payload], [9, 8]);
  });
  test('a wrong magic byte or a short message is a DataException naming the topic', () => {
    assert.throws(() => unframe(Uint8Array.of(1, 0, 0, 0, 1), 'orders'), (e: unknown) => e instanceof DataException && /Unknown magic byte/.test(e.message) && e.context.topic === 'orders');
    assert.throws(() => unframe(Uint8Array.of(0, 0, 1), 'orders'), DataException);
  });
});

describe('lookup cache', () => {
  test('a miss throws PendingLookup; the answer is then a hit; a failure is thrown once and looked up again', async () => {
    const cache = new LookupCache<string, number>(10);
    let calls = 0;
    let failNext = true;
    const lookup = async () => {
      calls++;
      if (failNext) {
        failNext = false;
        throw new Error('registry down');
      }
      return 42;
    };
    const pending = (() => {
      try {
        cache.get('k', lookup, 'k');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(pending instanceof PendingLookup);
    await pending.ready;
    assert.throws(() => cache.get('k', lookup, 'k'), /registry down/);
    assert.throws(() => cache.get('k', lookup, 'k'), PendingLookup);
    await new Promise((r) => setTimeout(r, 1));
    assert.equal(cache.get('k', lookup, 'k'), 42);
    assert.equal(cache.get('k', lookup, 'k'), 42);
    assert.equal(calls, 2);
  });
});
