// `sluice run --plugin MODULE` with a module holding a converter, a transformation, a predicate and a config
// provider, each named by class in a pipeline file as Kafka Connect configs name them; in-process, no broker.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sluiceToEnd, tempDir, writeJson } from './support.js';

/** What a user writes: plain ESM, no imports; records are changed with `newRecord`. */
const ACME_PLUGINS = `
const noKeys = { keys: () => [], validate: () => new Map(), parse: () => ({}), names: () => [], key: () => undefined };

/** value.converter=com.acme.PrefixConverter, value.converter.prefix=… */
const prefixConverter = {
  kind: 'converter',
  className: 'com.acme.PrefixConverter',
  version: '1.0.0',
  create: () => {
    let prefix = '';
    return {
      configure(config) { prefix = String(config.prefix ?? ''); },
      fromConnectData: (_topic, _schema, value) => (value == null ? null : new TextEncoder().encode(prefix + String(value))),
      toConnectData: (_topic, bytes) => ({ schema: null, value: bytes == null ? null : prefix + new TextDecoder().decode(bytes) }),
    };
  },
};

/** transforms.x.type=com.acme.Uppercase */
const uppercase = {
  kind: 'transformation',
  className: 'com.acme.Uppercase',
  create: () => ({
    configure() {},
    apply: (record) => record.newRecord({ value: String(record.value).toUpperCase() }),
    config: () => noKeys,
    close() {},
  }),
};

/** predicates.p.type=com.acme.StartsWith, predicates.p.prefix=… */
const startsWith = {
  kind: 'predicate',
  className: 'com.acme.StartsWith',
  create: () => {
    let prefix = '';
    return {
      configure(config) { prefix = String(config.prefix); },
      test: (record) => typeof record.value === 'string' && record.value.startsWith(prefix),
      config: () => noKeys,
      close() {},
    };
  },
};

/** config.providers.vault.class=com.acme.VaultProvider: \${vault:name} is a file name below param.dir */
const vault = {
  kind: 'config_provider',
  className: 'com.acme.VaultProvider',
  create: () => {
    let dir = '';
    return {
      configure(params) { dir = params.dir; },
      get: (_path, keys) => new Map([...keys].map((k) => [k, dir + '/' + k])),
    };
  },
};

export default [prefixConverter, uppercase, startsWith, vault];
`;

describe('sluice run --plugin: converters, transforms, predicates and config providers', () => {
  test('each plugin kind is used where the pipeline names its class', async () => {
    const dir = tempDir('plugin-kinds');
    const plugin = join(dir, 'acme-plugins.mjs');
    writeFileSync(plugin, ACME_PLUGINS);
    const input = join(dir, 'in.txt');
    writeFileSync(input, ['alpha', '# a comment', 'beta', '# another', 'gamma'].map((l) => `${l}\n`).join(''));
    const file = writeJson(dir, 'pipeline.json', {
      worker: {
        'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'config.providers': 'vault',
        'config.providers.vault.class': 'com.acme.VaultProvider',
        'config.providers.vault.param.dir': dir,
      },
      connectors: [
        {
          name: 'lines',
          config: {
            'connector.class': 'FileStreamSource',
            file: input,
            topic: 'lines',
            transforms: 'dropComments,upper',
            'transforms.dropComments.type': 'org.apache.kafka.connect.transforms.Filter',
            'transforms.dropComments.predicate': 'isComment',
            'transforms.upper.type': 'com.acme.Uppercase',
            predicates: 'isComment',
            'predicates.isComment.type': 'com.acme.StartsWith',
            'predicates.isComment.prefix': '#',
          },
        },
        {
          name: 'out',
          config: {
            'connector.class': 'FileStreamSink',
            topics: 'lines',
            file: '${vault:out.txt}',
            'value.converter': 'com.acme.PrefixConverter',
            'value.converter.prefix': 'acme:',
          },
        },
      ],
    });
    const r = await sluiceToEnd(['run', '--plugin', plugin, file, '--until-idle', '--idle-ms', '1500']);
    assert.equal(r.code, 0, r.stderr);
    const out = join(dir, 'out.txt');
    assert.ok(existsSync(out), 'the sink wrote to the file the config provider named');
    assert.deepEqual(
      readFileSync(out, 'utf8').split('\n').filter(Boolean),
      ['acme:ALPHA', 'acme:BETA', 'acme:GAMMA'],
      'comments dropped by the predicate, the rest uppercased by the transform, read back by the converter',
    );
  });

  test('a plugin taking a built-in name ends the run with exit 2, naming the module and the class', async () => {
    const dir = tempDir('plugin-clash');
    const plugin = join(dir, 'clash.mjs');
    writeFileSync(plugin, `export default { kind: 'transformation', className: 'org.apache.kafka.connect.transforms.Filter', create: () => ({}) };\n`);
    const file = writeJson(dir, 'pipeline.json', {
      connectors: [{ name: 'gen', config: { 'connector.class': 'datagen', 'kafka.topic': 'orders', quickstart: 'orders', 'max.records': 1 } }],
    });
    const r = await sluiceToEnd(['run', '--plugin', plugin, file]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /cannot load plugin module .*clash\.mjs: transformation org\.apache\.kafka\.connect\.transforms\.Filter: .*already registered/);
  });
});
