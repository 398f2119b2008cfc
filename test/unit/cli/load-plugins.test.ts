// `--plugin MODULE` with the plugin kinds beside connectors: each lands in its own registry instance, and a name a
// built-in or an earlier plugin has is a PluginLoadError naming the module and the class.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PluginLoadError, registryWithPlugins } from '../../../src/worker/plugin-modules.js';
import { PluginRegistry } from '../../../src/connectors/registry.js';
import { transformRegistry } from '../../../src/transforms/registry.js';
import { SinkRecord } from '../../../src/data/index.js';

/** A module of one plugin of each kind beside connectors; `name` prefixes the class names. */
const moduleText = (name: string): string => `
const def = { keys: () => [], validate: () => new Map(), parse: () => ({}) };
export default [
  { kind: 'converter', className: '${name}.Tagged', aliases: ['tagged'], create: () => ({
      configure(c) { this.tag = c.tag ?? 'tag'; },
      fromConnectData: (_t, _s, v) => (v === null ? null : new TextEncoder().encode(String(v))),
      toConnectData(_t, b) { return { schema: null, value: b === null ? null : this.tag + ':' + new TextDecoder().decode(b) }; },
  }) },
  { kind: 'header_converter', className: '${name}.Tagged', create: () => ({
      configure() {},
      fromConnectHeader: () => null,
      toConnectHeader: () => ({ schema: null, value: null }),
  }) },
  { kind: 'transformation', className: '${name}.Upper', create: () => ({
      configure() {}, config: () => def, close() {},
      apply: (r) => r.newRecord({ value: String(r.value).toUpperCase() }),
  }) },
  { kind: 'predicate', className: '${name}.IsComment', create: () => ({
      configure() {}, config: () => def, close() {},
      test: (r) => String(r.value).startsWith('#'),
  }) },
  { kind: 'config_provider', className: '${name}.Static', create: () => ({
      configure(p) { this.value = p.value; },
      get(_path, keys) { return new Map([...keys].map((k) => [k, this.value])); },
  }) },
];
`;

describe('registryWithPlugins: converters, transforms, predicates, config providers', () => {
  let dir: string;
  const file = (name: string) => join(dir, name);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-load-plugins-'));
    await writeFile(file('acme.mjs'), moduleText('com.acme'));
    await writeFile(file('acme-again.mjs'), moduleText('com.acme'));
    const clash = (plugin: string) => `export default [${plugin}];`;
    const create = `create: () => ({ configure() {}, config: () => ({}), close() {}, apply: (r) => r, test: () => true, get: () => new Map() })`;
    await writeFile(file('json.mjs'), clash(`{ kind: 'converter', className: 'org.apache.kafka.connect.json.JsonConverter', ${create} }`));
    await writeFile(file('json-alias.mjs'), clash(`{ kind: 'converter', className: 'com.acme.Json', aliases: ['JSON'], ${create} }`));
    await writeFile(file('filter.mjs'), clash(`{ kind: 'transformation', className: 'org.apache.kafka.connect.transforms.Filter', ${create} }`));
    await writeFile(file('cast.mjs'), clash(`{ kind: 'predicate', className: 'com.acme.Cast', aliases: ['Cast'], ${create} }`));
    await writeFile(file('env.mjs'), clash(`{ kind: 'config_provider', className: 'EnvVarConfigProvider', ${create} }`));
    await writeFile(file('bad-kind.mjs'), clash(`{ kind: 'rest_extension', className: 'com.acme.Rest', ${create} }`));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  test('every kind resolves by its class name in the registry it was loaded into', async () => {
    const registry = await registryWithPlugins([file('acme.mjs')]);
    const converter = registry.converters.create('com.acme.Tagged');
    converter.configure({ tag: 'x' }, false);
    assert.equal(converter.toConnectData('t', new TextEncoder().encode('a')).value, 'x:a');
    assert.ok(registry.converters.create('TAGGED'), 'aliases resolve in any case, as the built-in short names do');
    assert.ok(registry.converters.createHeader('com.acme.Tagged'));
    assert.ok(registry.converters.classNames('converter').includes('com.acme.Tagged'));

    const upper = registry.transforms.resolve('com.acme.Upper', 'transformation', 'transforms.u.type').create();
    const record = new SinkRecord({ topic: 't', kafkaPartition: 0, value: 'abc', kafkaOffset: 0 });
    assert.equal((upper as unknown as { apply(r: SinkRecord): SinkRecord }).apply(record).value, 'ABC');
    assert.equal(registry.transforms.resolve('com.acme.IsComment', 'predicate', 'predicates.p.type').className, 'com.acme.IsComment');
    assert.ok(registry.transforms.find('org.apache.kafka.connect.transforms.Filter'), 'the built-ins stay');

    const provider = registry.configProvider('com.acme.Static')!.create();
    provider.configure({ value: 'v' });
    assert.deepEqual([...provider.get('', new Set(['k']))], [['k', 'v']]);
    assert.deepEqual(registry.extensions().map((p) => p.kind), ['converter', 'header_converter', 'transformation', 'predicate', 'config_provider']);
  });

  test('nothing leaks: another registry, and the process-wide transform registry, do not see them', async () => {
    await registryWithPlugins([file('acme.mjs')]);
    const other = PluginRegistry.withBuiltins();
    assert.throws(() => other.converters.create('com.acme.Tagged'), /Unknown converter 'com\.acme\.Tagged'/);
    assert.equal(other.transforms.find('com.acme.Upper'), undefined);
    assert.equal(transformRegistry().find('com.acme.Upper'), undefined);
    assert.equal(other.configProvider('com.acme.Static'), undefined);
  });

  const clashes: Array<[string[], RegExp]> = [
    [['json.mjs'], /json\.mjs: converter org\.apache\.kafka\.connect\.json\.JsonConverter: converter name org\.apache\.kafka\.connect\.json\.JsonConverter is already taken/],
    [['json-alias.mjs'], /json-alias\.mjs: converter com\.acme\.Json: converter name json is already taken by org\.apache\.kafka\.connect\.json\.JsonConverter/],
    [['filter.mjs'], /filter\.mjs: transformation org\.apache\.kafka\.connect\.transforms\.Filter: plugin name org\.apache\.kafka\.connect\.transforms\.Filter is already registered/],
    [['cast.mjs'], /cast\.mjs: predicate com\.acme\.Cast: plugin name Cast is already registered/],
    [['env.mjs'], /env\.mjs: config provider EnvVarConfigProvider: config provider name EnvVarConfigProvider is already taken by org\.apache\.kafka\.common\.config\.provider\.EnvVarConfigProvider/],
    [['acme.mjs', 'acme-again.mjs'], /acme-again\.mjs: converter com\.acme\.Tagged: converter name com\.acme\.Tagged is already taken by com\.acme\.Tagged/],
  ];
  for (const [modules, message] of clashes) {
    test(`a name taken already is a PluginLoadError: ${modules.join(' then ')}`, async () => {
      await assert.rejects(registryWithPlugins(modules.map(file)), (e: unknown) => {
        assert.ok(e instanceof PluginLoadError);
        assert.equal(e.module, file(modules.at(-1)!));
        assert.match(e.message, message);
        return true;
      });
    });
  }

  test('an object of no known kind is refused with what a module may export', async () => {
    await assert.rejects(registryWithPlugins([file('bad-kind.mjs')]), (e: unknown) =>
      e instanceof PluginLoadError && /kind "converter", "header_converter", "transformation", "predicate", "config_provider"/.test(e.message));
  });
});
