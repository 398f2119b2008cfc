// Which keys of a connector config are secrets (PASSWORD): the views that show configs and data hide exactly these.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigDef } from '../../../src/connectors/api/index.js';
import { PluginRegistry } from '../../../src/connectors/registry.js';
import { hidePasswords, passwordKeysOf } from '../../../src/worker/secret-keys.js';

const maskDef = new ConfigDef()
  .define({ name: 'salt', type: 'PASSWORD', defaultValue: null, importance: 'HIGH', documentation: 'a secret' })
  .define({ name: 'field', type: 'STRING', defaultValue: '', importance: 'HIGH', documentation: 'not one' });

function registry(): PluginRegistry {
  return PluginRegistry.withBuiltins().register({
    kind: 'transformation',
    className: 'com.acme.Mask',
    create: () => ({ configure() {}, apply: (r) => r, config: () => maskDef, close() {} }),
  });
}

test('the connector’s, its transforms’, its clients’ and its converters’ PASSWORD keys', () => {
  const config = {
    'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
    'connection.url': 'jdbc:postgresql://db/test',
    'connection.user': 'app',
    'connection.password': 'pw1',
    topics: 't',
    transforms: 'm,n',
    'transforms.m.type': 'com.acme.Mask',
    'transforms.m.salt': 'pw2',
    'transforms.m.field': 'card',
    'transforms.n.type': 'org.apache.kafka.connect.transforms.InsertField$Value',
    'transforms.n.static.value': 'visible',
    'consumer.override.ssl.key.password': 'pw3',
    'consumer.override.sasl.jaas.config': 'pw4',
    'value.converter.basic.auth.user.info': 'u:pw5',
    'value.converter.schemas.enable': 'true',
  };
  assert.deepEqual(
    [...passwordKeysOf(registry(), config)].sort(),
    ['connection.password', 'consumer.override.sasl.jaas.config', 'consumer.override.ssl.key.password', 'transforms.m.salt', 'value.converter.basic.auth.user.info'],
  );
  const shown = hidePasswords(registry(), config);
  assert.equal(shown['connection.password'], '[hidden]');
  assert.equal(shown['connection.user'], 'app');
  assert.equal(shown['transforms.n.static.value'], 'visible');
  assert.ok(!JSON.stringify(shown).includes('pw'), JSON.stringify(shown));
});

test('an unknown connector class still hides client and converter secrets', () => {
  const keys = passwordKeysOf(registry(), { 'connector.class': 'com.nowhere.Gone', 'producer.override.ssl.keystore.password': 'x', 'a.password': 'y' });
  assert.deepEqual([...keys], ['producer.override.ssl.keystore.password']);
});
