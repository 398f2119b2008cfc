import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DataException, Headers, Schema, SchemaBuilder, Struct } from '../../../src/data/index.js';
import { ConfigDef, ConfigException } from '../../../src/connectors/api/config-def.js';
import {
  TransformException,
  buildTransformChain,
  builtinRegistry,
  createTransformation,
  transformConfigDefFor,
  transformRegistry,
  transformsConfigDef,
  type Transformation,
} from '../../../src/transforms/index.js';
import { predicate, run, sinkRecord, sourceRecord } from './support.js';

const T = 'org.apache.kafka.connect.transforms.';
const P = 'org.apache.kafka.connect.transforms.predicates.';

describe('predicates', () => {
  test('TopicNameMatches: the whole topic must match', () => {
    const p = predicate('TopicNameMatches', { pattern: 'my-.*' });
    assert.equal(p.test(sourceRecord({ topic: 'my-topic' })), true);
    assert.equal(p.test(sourceRecord({ topic: 'not-my-topic' })), false);
    assert.equal(predicate('TopicNameMatches', { pattern: 'a|ab' }).test(sourceRecord({ topic: 'ab' })), true);
    assert.throws(() => predicate('TopicNameMatches', { pattern: '' }), ConfigException);
    assert.throws(() => predicate('TopicNameMatches', { pattern: '[' }), /entry must be a valid regular expression/);
    assert.throws(() => predicate('TopicNameMatches', {}), ConfigException);
  });

  test('HasHeaderKey', () => {
    const p = predicate('HasHeaderKey', { name: 'h' });
    assert.equal(p.test(sourceRecord({ headers: new Headers().addString('x', '1').addString('h', null) })), true);
    assert.equal(p.test(sourceRecord({ headers: new Headers().addString('x', '1') })), false);
    assert.throws(() => predicate('HasHeaderKey', { name: '' }), ConfigException);
  });

  test('RecordIsTombstone', () => {
    const p = predicate('RecordIsTombstone');
    assert.equal(p.test(sourceRecord({ value: null, key: 'k' })), true);
    assert.equal(p.test(sourceRecord({ value: 0 })), false);
  });
});

describe('buildTransformChain', () => {
  test('the reference example: drop tombstones, then route', () => {
    const chain = buildTransformChain({
      transforms: 'dropTomb,route',
      'transforms.dropTomb.type': `${T}Filter`,
      'transforms.dropTomb.predicate': 'isTomb',
      'transforms.route.type': `${T}RegexRouter`,
      'transforms.route.regex': '(.*)-raw',
      'transforms.route.replacement': '$1',
      predicates: 'isTomb',
      'predicates.isTomb.type': `${P}RecordIsTombstone`,
    });
    assert.equal(chain.apply(sourceRecord({ topic: 'orders-raw', value: null })), null);
    assert.equal(chain.apply(sourceRecord({ topic: 'orders-raw', value: 'v' }))!.topic, 'orders');
    assert.deepEqual(chain.stages.map((s) => [s.alias, s.className, s.predicate?.alias ?? null]), [
      ['dropTomb', `${T}Filter`, 'isTomb'],
      ['route', `${T}RegexRouter`, null],
    ]);
    chain.close();
  });

  test('negate runs the transform when the predicate is false', () => {
    const chain = buildTransformChain({
      transforms: 'keepOnlyMine',
      'transforms.keepOnlyMine.type': `${T}Filter`,
      'transforms.keepOnlyMine.predicate': 'mine',
      'transforms.keepOnlyMine.negate': 'true',
      predicates: 'mine',
      'predicates.mine.type': 'TopicNameMatches',
      'predicates.mine.pattern': 'mine-.*',
    });
    assert.notEqual(chain.apply(sourceRecord({ topic: 'mine-1' })), null);
    assert.equal(chain.apply(sourceRecord({ topic: 'other' })), null);
  });

  test('transforms run in order, each seeing the previous output', () => {
    const chain = buildTransformChain({
      transforms: 'hoist, insert ,route',
      'transforms.hoist.type': `${T}HoistField$Value`,
      'transforms.hoist.field': 'line',
      'transforms.insert.type': 'InsertField$Value',
      'transforms.insert.topic.field': 'source',
      'transforms.route.type': 'RegexRouter',
      'transforms.route.regex': '.*',
      'transforms.route.replacement': 'all',
    });
    const out = chain.apply(sourceRecord({ topic: 'in', valueSchema: Schema.STRING, value: 'hello' }))!;
    assert.equal(out.topic, 'all');
    assert.deepEqual(out.valueSchema!.fields.map((f) => f.name), ['line', 'source']);
    assert.equal((out.value as Struct).get('source'), 'in');
  });

  test('no transforms: records pass through untouched', () => {
    const r = sourceRecord({ value: 1 });
    assert.equal(buildTransformChain({}).apply(r), r);
    assert.equal(buildTransformChain({ transforms: '' }).apply(r), r);
  });

  test('config errors name the key', () => {
    const key = (config: Record<string, string>): string | undefined => {
      try {
        buildTransformChain(config);
      } catch (e) {
        assert.ok(e instanceof ConfigException, String(e));
        return `${e.key} | ${e.message}`;
      }
      return undefined;
    };
    assert.match(key({ transforms: 'a' })!, /^transforms\.a\.type \| Missing required configuration "transforms\.a\.type"/);
    assert.match(key({ transforms: 'a', 'transforms.a.type': 'com.acme.Nope' })!, /^transforms\.a\.type \| .*Class com\.acme\.Nope could not be found/);
    assert.match(key({ transforms: 'a', 'transforms.a.type': `${T}Cast` })!,
      /^transforms\.a\.type \| .*This class is abstract and cannot be created\. Did you mean org\.apache\.kafka\.connect\.transforms\.Cast\$Key, org\.apache\.kafka\.connect\.transforms\.Cast\$Value\?/);
    assert.match(key({ transforms: 'a', 'transforms.a.type': `${P}RecordIsTombstone` })!, /^transforms\.a\.type \| .*Not a Transformation/);
    assert.match(key({ transforms: 'a', 'transforms.a.type': `${T}RegexRouter`, 'transforms.a.regex': '(' , 'transforms.a.replacement': 'x' })!,
      /^transforms\.a\.regex \| Invalid value \( for configuration transforms\.a\.regex/);
    assert.match(key({ transforms: 'a', 'transforms.a.type': `${T}RegexRouter`, 'transforms.a.regex': '.*' })!,
      /^transforms\.a\.replacement \| Missing required configuration "transforms\.a\.replacement"/);
    assert.match(key({ transforms: 'a', 'transforms.a.type': `${T}InsertField$Value` })!, /^transforms\.a\.type \| .*No field insertion configured/);
    assert.match(key({ transforms: 'a', 'transforms.a.type': `${T}Filter`, 'transforms.a.negate': 'true' })!,
      /^transforms\.a\.negate \| Config 'transforms\.a\.negate' was provided but there is no config 'transforms\.a\.predicate'/);
    assert.match(key({ transforms: 'a', 'transforms.a.type': `${T}Filter`, 'transforms.a.predicate': 'p' })!,
      /^transforms\.a\.predicate \| .*Predicate alias 'p' is not listed in predicates/);
    assert.match(key({ transforms: 'a', 'transforms.a.type': `${T}Filter`, 'transforms.a.predicate': 'p', 'transforms.a.negate': 'maybe', predicates: 'p', 'predicates.p.type': 'RecordIsTombstone' })!,
      /^transforms\.a\.negate \|/);
    assert.match(key({ transforms: 'a,a', 'transforms.a.type': `${T}Filter` })!, /^transforms \| .*Duplicate alias provided/);
    assert.match(key({ predicates: 'p' })!, /^predicates\.p\.type \| Missing required/);
    assert.match(key({ predicates: 'p', 'predicates.p.type': 'TopicNameMatches' })!, /^predicates\.p\.pattern \|/);
    assert.match(key({ predicates: 'p', 'predicates.p.type': `${T}Filter` })!, /Not a Predicate/);
  });

  test('every transforms.<a>.* key but type/predicate/negate reaches the transform, prefix stripped', () => {
    const seen: Record<string, unknown>[] = [];
    const registry = builtinRegistry().register({
      className: 'com.acme.Spy',
      kind: 'transformation',
      aliases: [],
      configDef: new ConfigDef(),
      create: (): Transformation => ({
        configure: (c) => { seen.push({ ...c }); },
        apply: (r) => r,
        config: () => new ConfigDef(),
        close: () => {},
      }),
    });
    buildTransformChain({
      transforms: 's',
      'transforms.s.type': 'com.acme.Spy',
      'transforms.s.predicate': 'p',
      'transforms.s.negate': 'false',
      'transforms.s.foo': 'bar',
      'transforms.s.nested.key': '1',
      'transforms.other.foo': 'no',
      predicates: 'p',
      'predicates.p.type': 'RecordIsTombstone',
    }, { registry });
    assert.deepEqual(seen, [{ foo: 'bar', 'nested.key': '1' }]);
  });

  test('errors while applying are TransformExceptions naming the alias, the class and the field', () => {
    const schema = SchemaBuilder.struct().field('n', Schema.STRING).build();
    const chain = buildTransformChain({
      transforms: 'toInt',
      'transforms.toInt.type': `${T}Cast$Value`,
      'transforms.toInt.spec': 'n:int32',
    });
    const r = sinkRecord({ topic: 't', partition: 2, offset: 17, valueSchema: schema, value: new Struct(schema).put('n', 'abc') });
    assert.throws(() => chain.apply(r), (e: unknown) => {
      assert.ok(e instanceof TransformException && e instanceof DataException);
      assert.equal(e.alias, 'toInt');
      assert.equal(e.transformClass, `${T}Cast$Value`);
      assert.deepEqual(e.context, { topic: 't', partition: 2, offset: 17, path: 'n' });
      assert.match(e.message, /^Transform 'toInt' \(Cast\$Value\) failed: Value \(abc\) was out of range .* \[topic=t, partition=2, offset=17, field=n\]$/);
      assert.equal(e.withContext({ connector: 'c' }).alias, 'toInt');
      return true;
    });
  });

  test('short names resolve; the shared registry knows every built-in', () => {
    const names = transformRegistry().plugins().map((p) => p.className);
    for (const n of ['Cast', 'ExtractField', 'Flatten', 'HeaderFrom', 'HoistField', 'InsertField', 'MaskField', 'ReplaceField', 'SetSchemaMetadata', 'TimestampConverter']) {
      assert.ok(names.includes(`${T}${n}$Key`) && names.includes(`${T}${n}$Value`), n);
    }
    for (const n of ['DropHeaders', 'Filter', 'InsertHeader', 'RegexRouter', 'TimestampRouter', 'ValueToKey']) assert.ok(names.includes(T + n), n);
    for (const n of ['TopicNameMatches', 'HasHeaderKey', 'RecordIsTombstone']) assert.ok(names.includes(P + n), n);
    assert.equal(names.length, 10 * 2 + 6 + 3);
    assert.equal(run(createTransformation('HoistField$Value', { field: 'x' }), sourceRecord({ value: 1 })).value instanceof Object, true);
  });
});

describe('transformsConfigDef', () => {
  test("gives Kafka's enriched keys per alias with the plugin's own keys embedded", () => {
    const def = transformsConfigDef({
      transforms: 'route,mask',
      'transforms.route.type': `${T}RegexRouter`,
      'transforms.mask.type': `${T}MaskField$Value`,
      predicates: 'p',
      'predicates.p.type': `${P}TopicNameMatches`,
    });
    assert.deepEqual(def.names(), [
      'transforms.route.type', 'transforms.route.predicate', 'transforms.route.negate', 'transforms.route.regex', 'transforms.route.replacement',
      'transforms.mask.type', 'transforms.mask.predicate', 'transforms.mask.negate', 'transforms.mask.fields', 'transforms.mask.replacement',
      'transforms.mask.replace.null.with.default',
      'predicates.p.type', 'predicates.p.pattern',
    ]);
    assert.deepEqual(def.groups(), ['Transforms: route', 'Transforms: mask', 'Predicates: p']);
    const regex = def.key('transforms.route.regex')!;
    assert.equal(regex.group, 'Transforms: route');
    assert.equal(def.key('transforms.route.type')!.orderInGroup, 0);
    assert.equal(regex.orderInGroup, 3);
  });

  test('validation reports each problem on its own key', () => {
    const config = {
      transforms: 'a,b',
      'transforms.a.type': 'com.acme.Nope',
      'transforms.b.type': `${T}RegexRouter`,
      'transforms.b.regex': '(',
      'transforms.b.negate': 'true',
    };
    const results = transformsConfigDef(config).validate(config);
    const errors = Object.fromEntries([...results].filter(([, v]) => v.errorMessages.length).map(([k, v]) => [k, v.errorMessages.join(';')]));
    assert.deepEqual(Object.keys(errors).sort(), ['transforms.b.negate', 'transforms.b.regex', 'transforms.b.replacement', 'transforms.a.type'].sort());
    assert.match(errors['transforms.a.type']!, /Class com.acme.Nope could not be found/);
  });

  test('transformConfigDefFor gives a class\'s own ConfigDef, for connector validation', () => {
    assert.deepEqual(transformConfigDefFor(`${T}Cast$Value`, 'transformation')!.names(), ['spec', 'replace.null.with.default']);
    assert.equal(transformConfigDefFor(`${T}Cast$Value`, 'predicate'), undefined);
    assert.equal(transformConfigDefFor('com.acme.Nope', 'transformation'), undefined);
    assert.deepEqual(transformConfigDefFor('TopicNameMatches', 'predicate')!.names(), ['pattern']);
  });
});
