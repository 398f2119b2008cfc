import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { PluginRegistry, derivedAliases } from '../../../src/connectors/registry.js';
import { ConfigDef, ConfigException, SourceConnector, type ConnectorPlugin } from '../../../src/connectors/api/index.js';

function fakePlugin(className: string, type: 'source' | 'sink' = 'source', aliases: string[] = []): ConnectorPlugin {
  return {
    type,
    className,
    aliases,
    version: '1.0',
    create: () => {
      throw new Error('not used');
    },
    configDef: () => new ConfigDef(),
  };
}

describe('PluginRegistry.withBuiltins', () => {
  const registry = PluginRegistry.withBuiltins();

  const cases: Array<[string, string]> = [
    ['org.apache.kafka.connect.file.FileStreamSourceConnector', 'org.apache.kafka.connect.file.FileStreamSourceConnector'],
    ['FileStreamSourceConnector', 'org.apache.kafka.connect.file.FileStreamSourceConnector'],
    ['FileStreamSource', 'org.apache.kafka.connect.file.FileStreamSourceConnector'],
    ['file-source', 'org.apache.kafka.connect.file.FileStreamSourceConnector'],
    ['org.apache.kafka.connect.file.FileStreamSinkConnector', 'org.apache.kafka.connect.file.FileStreamSinkConnector'],
    ['FileStreamSinkConnector', 'org.apache.kafka.connect.file.FileStreamSinkConnector'],
    ['FileStreamSink', 'org.apache.kafka.connect.file.FileStreamSinkConnector'],
    ['io.sluice.connect.datagen.DatagenConnector', 'io.sluice.connect.datagen.DatagenConnector'],
    ['DatagenConnector', 'io.sluice.connect.datagen.DatagenConnector'],
    ['Datagen', 'io.sluice.connect.datagen.DatagenConnector'],
    ['datagen', 'io.sluice.connect.datagen.DatagenConnector'],
    ['  FileStreamSink  ', 'org.apache.kafka.connect.file.FileStreamSinkConnector'],
  ];
  for (const [name, expected] of cases) {
    test(`resolves ${JSON.stringify(name)}`, () => {
      assert.equal(registry.resolve(name).className, expected);
      assert.equal(registry.has(name), true);
    });
  }

  test('names are case-sensitive, as Java class names', () => {
    assert.throws(() => registry.resolve('filestreamsource'), ConfigException);
    assert.throws(() => registry.resolve('ORG.APACHE.KAFKA.CONNECT.FILE.FILESTREAMSOURCECONNECTOR'), ConfigException);
    assert.equal(registry.has('filestreamsink'), false);
  });

  test('an unknown name is a ConfigException on connector.class that lists the available connectors', () => {
    assert.throws(
      () => registry.resolve('JdbcSourceConnectorTypo'),
      (e: unknown) => {
        assert.ok(e instanceof ConfigException);
        assert.equal(e.key, 'connector.class');
        assert.match(e.message, /JdbcSourceConnectorTypo/);
        for (const cls of [
          'org.apache.kafka.connect.file.FileStreamSourceConnector',
          'org.apache.kafka.connect.file.FileStreamSinkConnector',
          'io.sluice.connect.datagen.DatagenConnector',
        ]) assert.match(e.message, new RegExp(cls.replaceAll('.', '\\.')));
        return true;
      },
    );
  });

  test('list() gives sinks first, then sources, as GET /connector-plugins', () => {
    const list = registry.list();
    const types = list.map((p) => p.type);
    const firstSource = types.indexOf('source');
    assert.ok(types.includes('sink') && firstSource > 0, `sinks then sources: ${types.join(',')}`);
    assert.ok(types.slice(firstSource).every((t) => t === 'source'), `no sink after a source: ${types.join(',')}`);
    const names = list.map((p) => p.className);
    for (const cls of [
      'org.apache.kafka.connect.file.FileStreamSinkConnector',
      'org.apache.kafka.connect.file.FileStreamSourceConnector',
      'io.sluice.connect.datagen.DatagenConnector',
    ]) assert.ok(names.includes(cls), `${cls} is listed`);
    assert.ok(list.every((p) => typeof p.version === 'string' && p.version !== ''));
  });

  test('the resolved plugin creates a connector of its type', () => {
    const c = registry.resolve('FileStreamSource').create();
    assert.ok(c instanceof SourceConnector);
    assert.equal(registry.resolve('FileStreamSink').create().type, 'sink');
  });

  test('aliasesOf lists every name that resolves to the plugin', () => {
    const p = registry.resolve('datagen');
    assert.deepEqual(new Set(registry.aliasesOf(p)), new Set(['DatagenConnector', 'Datagen', 'datagen']));
  });
});

describe('PluginRegistry.register', () => {
  test('derived aliases: simple name and simple name without the Connector suffix', () => {
    assert.deepEqual(derivedAliases('com.acme.FooConnector'), ['FooConnector', 'Foo']);
    assert.deepEqual(derivedAliases('com.acme.Bar'), ['Bar']);
    assert.deepEqual(derivedAliases('com.acme.Outer$InnerConnector'), ['InnerConnector', 'Inner']);
    assert.deepEqual(derivedAliases('Connector'), []);
  });

  test('a second plugin with the same class name is refused', () => {
    const r = new PluginRegistry().register(fakePlugin('com.acme.FooConnector'));
    assert.throws(() => r.register(fakePlugin('com.acme.FooConnector')), /already registered/);
  });

  test('an alias that is another plugin\'s class name is refused', () => {
    const r = new PluginRegistry().register(fakePlugin('com.acme.FooConnector'));
    assert.throws(() => r.register(fakePlugin('com.other.BarConnector', 'source', ['com.acme.FooConnector'])), /class name of another plugin/);
  });

  test('a simple name shared by two plugins is ambiguous; their full names still resolve', () => {
    const r = new PluginRegistry()
      .register(fakePlugin('com.acme.FooConnector', 'source'))
      .register(fakePlugin('org.other.FooConnector', 'sink'));
    assert.throws(() => r.resolve('Foo'), /More than one connector matches alias Foo/);
    assert.throws(() => r.resolve('FooConnector'), ConfigException);
    assert.equal(r.resolve('com.acme.FooConnector').type, 'source');
    assert.equal(r.resolve('org.other.FooConnector').type, 'sink');
    assert.equal(r.has('Foo'), false);
  });

  test('register is chainable and list() reflects it', () => {
    const r = new PluginRegistry();
    assert.equal(r.register(fakePlugin('a.XConnector', 'sink')), r);
    assert.deepEqual(r.list().map((p) => p.className), ['a.XConnector']);
    assert.equal(r.resolve('X').className, 'a.XConnector');
  });
});
