// GET /connector-plugins?connectorsOnly=false and /connector-plugins/{p}/config list the converters, transformations
// and predicates of the herder's plugin registry beside the built-in ones (in-process worker, no broker).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigDef, type ExtensionPlugin } from '../../../src/connectors/api/index.js';
import { PluginRegistry } from '../../../src/connectors/registry.js';
import { StandaloneHerder } from '../../../src/worker/standalone-herder.js';
import { RestServer } from '../../../src/rest/index.js';
import { api } from './support.js';

const maskDef = new ConfigDef().define({ name: 'fields', type: 'LIST', importance: 'HIGH', documentation: 'fields to mask' });
const PLUGINS: ExtensionPlugin[] = [
  {
    kind: 'converter',
    className: 'com.acme.Upper',
    create: () => ({ configure() {}, fromConnectData: () => null, toConnectData: () => ({ schema: null, value: null }) }),
  },
  { kind: 'transformation', className: 'com.acme.Mask', create: () => ({ configure() {}, apply: (r) => r, config: () => maskDef, close() {} }) },
  { kind: 'predicate', className: 'com.acme.IsTest', create: () => ({ configure() {}, test: () => true, config: () => new ConfigDef(), close() {} }) },
];

describe('REST: plugin converters, transforms and predicates', () => {
  let herder: StandaloneHerder;
  let rest: RestServer;
  let base: string;
  before(async () => {
    const registry = PluginRegistry.withBuiltins();
    for (const p of PLUGINS) registry.register(p);
    herder = new StandaloneHerder({ worker: { listeners: 'http://127.0.0.1:0' }, registry });
    await herder.start();
    rest = await RestServer.start({ herder });
    base = rest.urls[0]!;
  });
  after(async () => {
    await rest.stop();
    await herder.stop();
  });

  test('listed with connectorsOnly=false, their keys served', async () => {
    const all = (await api(base, 'GET', '/connector-plugins?connectorsOnly=false')).body as Array<{ class: string; type: string }>;
    for (const [cls, type] of [['com.acme.Upper', 'converter'], ['com.acme.Mask', 'transformation'], ['com.acme.IsTest', 'predicate']]) {
      assert.ok(all.some((p) => p.class === cls && p.type === type), `${cls} (${type})`);
    }
    assert.ok(all.some((p) => p.class === 'org.apache.kafka.connect.transforms.Filter'), 'with the built-ins');
    const keys = (await api(base, 'GET', '/connector-plugins/com.acme.Mask/config')).body as Array<{ name: string }>;
    assert.deepEqual(keys.map((k) => k.name), ['fields']);
    assert.equal((await api(base, 'GET', '/connector-plugins/com.acme.Upper/config')).status, 200);
  });
});
