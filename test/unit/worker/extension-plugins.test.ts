// The worker's seams take the converters, transforms and config providers of its PluginRegistry: a task's
// converters and chain, connector validation, and `config.providers`.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigDef, type ExtensionPlugin } from '../../../src/connectors/api/index.js';
import { PluginRegistry } from '../../../src/connectors/registry.js';
import { SourceRecord } from '../../../src/data/index.js';
import { taskConverters, converterExists } from '../../../src/worker/converters.js';
import { sourceTaskTransform, transformProblems } from '../../../src/worker/transforms.js';
import { connectorProblems } from '../../../src/worker/validate.js';
import { configTransformerFromWorker } from '../../../src/worker/config-providers.js';

const def = new ConfigDef().define({ name: 'suffix', type: 'STRING', importance: 'LOW', documentation: 'appended' });

const PLUGINS: ExtensionPlugin[] = [
  {
    kind: 'converter',
    className: 'com.acme.Reversed',
    create: () => ({
      configure() {},
      fromConnectData: (_t, _s, v) => new TextEncoder().encode([...String(v)].reverse().join('')),
      toConnectData: (_t, b) => ({ schema: null, value: b === null ? null : [...new TextDecoder().decode(b)].reverse().join('') }),
    }),
  },
  {
    kind: 'transformation',
    className: 'com.acme.Suffix',
    create: () => {
      let suffix = '';
      return {
        configure(c) {
          suffix = String(def.parse(c)['suffix']);
        },
        apply: (r) => r.newRecord({ value: `${String(r.value)}${suffix}` }),
        config: () => def,
        close() {},
      };
    },
  },
  {
    kind: 'config_provider',
    className: 'com.acme.Vault',
    aliases: ['vault'],
    create: () => ({ configure() {}, get: (path, keys) => new Map([...keys].map((k) => [k, `${path}/${k}`])) }),
  },
];

const registry = (): PluginRegistry => {
  const r = PluginRegistry.withBuiltins();
  for (const p of PLUGINS) r.register(p);
  return r;
};

describe('the worker with extension plugins', () => {
  test("a task's converters come from the registry; without it the name is unknown", () => {
    const plugins = registry();
    const converters = taskConverters({ 'value.converter': 'com.acme.Reversed' }, {}, plugins.converters);
    assert.equal(new TextDecoder().decode(converters.value.fromConnectData('t', null, 'abc')!), 'cba');
    assert.throws(() => taskConverters({ 'value.converter': 'com.acme.Reversed' }, {}), /Unknown converter 'com\.acme\.Reversed'/);
    assert.equal(converterExists('com.acme.Reversed', 'converter', plugins.converters), true);
    assert.equal(converterExists('com.acme.Reversed', 'converter'), false);
  });

  test("a task's chain and its validation use the registry's transforms", () => {
    const plugins = registry();
    const config = { transforms: 'sfx', 'transforms.sfx.type': 'com.acme.Suffix', 'transforms.sfx.suffix': '!' };
    const t = sourceTaskTransform(config, plugins.transforms);
    const out = t.transform(new SourceRecord({ topic: 't', value: 'hi', sourcePartition: {}, sourceOffset: {} }));
    assert.equal(out?.value, 'hi!');
    t.close();
    assert.deepEqual(transformProblems(config, plugins.transforms), []);
  });

  test('connector validation knows the plugin converter and transform by class, and the transform\'s own keys', async () => {
    const config = {
      name: 'c',
      'connector.class': 'FileStreamSink',
      topics: 't',
      file: '/tmp/x',
      'value.converter': 'com.acme.Reversed',
      transforms: 'sfx',
      'transforms.sfx.type': 'com.acme.Suffix',
      'transforms.sfx.suffix': '!',
    };
    assert.deepEqual(await connectorProblems(registry(), config), []);
    const { ['transforms.sfx.suffix']: _, ...noSuffix } = config;
    assert.deepEqual((await connectorProblems(registry(), noSuffix)).map((p) => p.key), ['transforms.sfx.suffix']);
    const without = (await connectorProblems(PluginRegistry.withBuiltins(), config)).map((p) => p.key);
    assert.ok(without.includes('value.converter') && without.includes('transforms.sfx.type'), without.join(', '));
  });

  test('config.providers resolves a plugin class (or alias) after the built-in ones', () => {
    const worker = { 'config.providers': 'v', 'config.providers.v.class': 'vault' };
    const transformer = configTransformerFromWorker(worker, registry());
    assert.deepEqual(transformer.transform({ file: '${v:/secrets:out}' }), { file: '/secrets/out' });
    assert.throws(() => configTransformerFromWorker(worker), /unknown config provider class vault/);
  });
});
