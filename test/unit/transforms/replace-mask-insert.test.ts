import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  BigDecimal,
  DataException,
  Decimal,
  LogicalDate,
  LogicalTimestamp,
  Schema,
  SchemaBuilder,
  Struct,
} from '../../../src/data/index.js';
import { ConfigException } from '../../../src/connectors/api/config-def.js';
import { run, sinkRecord, sourceRecord, xform } from './support.js';

describe('ReplaceField', () => {
  const schema = SchemaBuilder.struct().name('r')
    .field('dont', Schema.STRING).field('abc', Schema.INT32).field('foo', Schema.BOOLEAN).field('etc', Schema.STRING).build();
  const value = new Struct(schema).put('dont', 'whatever').put('abc', 42).put('foo', true).put('etc', 'etc');

  test('with a schema: exclude, include and renames (Kafka\'s own example)', () => {
    const t = xform('ReplaceField$Value', { exclude: 'dont', renames: 'abc:xyz,foo:bar' });
    const out = run(t, sourceRecord({ valueSchema: schema, value }));
    assert.deepEqual(out.valueSchema!.fields.map((f) => f.name), ['xyz', 'bar', 'etc']);
    assert.equal(out.valueSchema!.name, 'r');
    const v = out.value as Struct;
    assert.deepEqual([v.get('xyz'), v.get('bar'), v.get('etc')], [42, true, 'etc']);
  });

  test('include keeps only the listed fields; exclude wins over include', () => {
    const out = run(xform('ReplaceField$Value', { include: 'abc,foo', exclude: 'foo' }), sourceRecord({ valueSchema: schema, value }));
    assert.deepEqual(out.valueSchema!.fields.map((f) => f.name), ['abc']);
  });

  test('schemaless', () => {
    const out = run(xform('ReplaceField$Value', { include: 'dont,abc,foo', renames: 'abc:xyz,foo:bar' }),
      sourceRecord({ value: { dont: 'whatever', abc: 42, foo: true, etc: 'etc' } }));
    assert.deepEqual(out.value, { dont: 'whatever', xyz: 42, bar: true });
  });

  test('the deprecated whitelist/blacklist aliases still work (3.9); the new names win when both are set', () => {
    let out = run(xform('ReplaceField$Value', { whitelist: 'abc' }), sourceRecord({ value: { abc: 1, x: 2 } }));
    assert.deepEqual(out.value, { abc: 1 });
    out = run(xform('ReplaceField$Value', { blacklist: 'abc' }), sourceRecord({ value: { abc: 1, x: 2 } }));
    assert.deepEqual(out.value, { x: 2 });
    out = run(xform('ReplaceField$Value', { blacklist: 'abc', exclude: 'x' }), sourceRecord({ value: { abc: 1, x: 2 } }));
    assert.deepEqual(out.value, { abc: 1 });
  });

  test('rename mappings follow Java split(":"): a:b: is fine, a: and a:b:c are not', () => {
    assert.doesNotThrow(() => xform('ReplaceField$Value', { renames: 'a:b:' }));
    assert.throws(() => xform('ReplaceField$Value', { renames: 'a:' }), /Invalid rename mapping: a:/);
    assert.throws(() => xform('ReplaceField$Value', { renames: 'a:b:c' }), ConfigException);
  });

  test('tombstones pass through; replace.null.with.default decides what a null field with a default copies', () => {
    const r = sourceRecord({ valueSchema: SchemaBuilder.struct().optional().build(), value: null });
    assert.equal(xform('ReplaceField$Value', { exclude: 'a' }).apply(r), r);
    const s = SchemaBuilder.struct().field('d', SchemaBuilder.int32().optional().defaultValue(5).build()).build();
    const v = new Struct(s).put('d', null);
    assert.equal((run(xform('ReplaceField$Value', {}), sourceRecord({ valueSchema: s, value: v })).value as Struct).getWithoutDefault('d'), 5);
    assert.equal(
      (run(xform('ReplaceField$Value', { 'replace.null.with.default': false }), sourceRecord({ valueSchema: s, value: v })).value as Struct).getWithoutDefault('d'),
      null,
    );
  });

  test('a rename onto an existing field is a DataException', () => {
    assert.throws(() => xform('ReplaceField$Value', { renames: 'abc:foo' }).apply(sourceRecord({ valueSchema: schema, value })), DataException);
  });

  test('property: include/exclude partition the fields and renames are applied to the survivors', () => {
    const names = fc.uniqueArray(fc.stringMatching(/^[a-f]{1,2}$/), { minLength: 1, maxLength: 8 });
    fc.assert(fc.property(names, fc.func(fc.integer({ min: 0, max: 3 })), (fields, pick) => {
      // 0: neither, 1: include, 2: exclude, 3: both
      const include = fields.filter((f) => pick(f) === 1 || pick(f) === 3);
      const exclude = fields.filter((f) => pick(f) >= 2);
      const renames = fields.filter((_, i) => i % 2 === 0).map((f) => `${f}:R_${f}`);
      const value = Object.fromEntries(fields.map((f, i) => [f, i]));
      const t = xform('ReplaceField$Value', { include: include.join(','), exclude: exclude.join(','), renames: renames.join(',') });
      const out = run(t, sourceRecord({ value })).value as Record<string, number>;
      const kept = fields.filter((f) => !exclude.includes(f) && (include.length === 0 || include.includes(f)));
      const expected = Object.fromEntries(kept.map((f) => [fields.indexOf(f) % 2 === 0 ? `R_${f}` : f, value[f]!]));
      assert.deepEqual(out, expected);
      // with a schema: same names in schema order
      const b = SchemaBuilder.struct();
      for (const f of fields) b.field(f, Schema.INT32);
      const s = b.build();
      const struct = new Struct(s);
      for (const f of fields) struct.put(f, value[f]);
      const withSchema = run(t, sourceRecord({ valueSchema: s, value: struct }));
      assert.deepEqual(withSchema.valueSchema!.fields.map((f) => f.name), Object.keys(expected));
    }));
  });
});

describe('MaskField', () => {
  const schema = SchemaBuilder.struct()
    .field('magic', Schema.INT32)
    .field('bool', Schema.BOOLEAN)
    .field('byte', Schema.INT8)
    .field('short', Schema.INT16)
    .field('int', Schema.INT32)
    .field('long', Schema.INT64)
    .field('float', Schema.FLOAT32)
    .field('double', Schema.FLOAT64)
    .field('string', Schema.STRING)
    .field('date', LogicalDate.schema())
    .field('timestamp', LogicalTimestamp.schema())
    .field('decimal', Decimal.schema(2))
    .field('array', SchemaBuilder.array(Schema.INT32).build())
    .field('map', SchemaBuilder.map(Schema.STRING, Schema.STRING).build())
    .field('withDefault', SchemaBuilder.string().optional().defaultValue('default').build())
    .build();
  const value = new Struct(schema)
    .put('magic', 42).put('bool', true).put('byte', 42).put('short', 42).put('int', 42).put('long', 42).put('float', 42.5)
    .put('double', 42.5).put('string', 'hmm').put('date', new Date(Date.UTC(2024, 0, 1))).put('timestamp', new Date(1234))
    .put('decimal', BigDecimal.parse('42.42')).put('array', [1, 2, 3]).put('map', new Map([['what', 'what']])).put('withDefault', null);
  const all = 'bool,byte,short,int,long,float,double,string,date,timestamp,decimal,array,map,withDefault';

  test('with a schema: every type is replaced by its empty value', () => {
    const out = run(xform('MaskField$Value', { fields: all }), sourceRecord({ valueSchema: schema, value }));
    const v = out.value as Struct;
    assert.equal(out.valueSchema, schema);
    assert.equal(v.get('magic'), 42);
    assert.deepEqual(
      ['bool', 'byte', 'short', 'int', 'long', 'float', 'double', 'string'].map((f) => v.get(f)),
      [false, 0, 0, 0, 0, 0, 0, ''],
    );
    assert.equal((v.get('date') as Date).getTime(), 0);
    assert.equal((v.get('timestamp') as Date).getTime(), 0);
    assert.ok((v.get('decimal') as BigDecimal).equals(new BigDecimal(0n, 2)), 'zero at the schema scale');
    assert.deepEqual(v.get('array'), []);
    assert.deepEqual(v.get('map'), new Map());
    assert.equal(v.get('withDefault'), '', 'the default is read (replace.null.with.default) and then masked');
  });

  test('schemaless: every type is replaced by its empty value; missing fields become null', () => {
    const out = run(xform('MaskField$Value', { fields: 'a,b,c,d,e,f,g,h,missing' }), sourceRecord({
      value: { a: true, b: 42, c: 4.2, d: 'x', e: new Date(5), f: [1], g: { k: 1 }, h: BigDecimal.parse('1.5'), keep: 'k' },
    }));
    const v = out.value as Record<string, unknown>;
    assert.deepEqual({ ...v, e: (v['e'] as Date).getTime(), h: String(v['h']) }, {
      a: false, b: 0, c: 0, d: '', e: 0, f: [], g: {}, h: '0', keep: 'k', missing: null,
    });
  });

  test('replacement is converted to the field type (numbers and strings only)', () => {
    const fields = 'byte,short,int,long,float,double,string,decimal';
    const out = run(xform('MaskField$Value', { fields, replacement: '123' }), sourceRecord({ valueSchema: schema, value }));
    const v = out.value as Struct;
    assert.deepEqual(['byte', 'short', 'int', 'long', 'float', 'double', 'string'].map((f) => v.get(f)), [123, 123, 123, 123, 123, 123, '123']);
    assert.ok((v.get('decimal') as BigDecimal).equals(new BigDecimal(12300n, 2)));
    const s = run(xform('MaskField$Value', { fields: 'a,b', replacement: '****' }), sourceRecord({ value: { a: 'secret', b: null } }));
    assert.deepEqual(s.value, { a: '****', b: null });
  });

  test('replacement errors: types that cannot take one, numbers that do not parse', () => {
    for (const f of ['bool', 'date', 'array', 'map']) {
      assert.throws(() => xform('MaskField$Value', { fields: f, replacement: '1' }).apply(sourceRecord({ valueSchema: schema, value })),
        (e: unknown) => e instanceof DataException && /with custom replacement/.test(e.message) && e.context.path === f);
    }
    assert.throws(() => xform('MaskField$Value', { fields: 'byte', replacement: '300' }).apply(sourceRecord({ valueSchema: schema, value })),
      /Unable to convert 300 \(java.lang.String\) to number/);
    assert.throws(() => xform('MaskField$Value', { fields: 'int', replacement: 'abc' }).apply(sourceRecord({ valueSchema: schema, value })),
      /Unable to convert abc/);
    assert.throws(() => xform('MaskField$Value', { fields: 'x', replacement: '' }), ConfigException);
  });

  test('bytes and structs cannot be masked', () => {
    const s = SchemaBuilder.struct().field('b', Schema.BYTES).build();
    assert.throws(() => xform('MaskField$Value', { fields: 'b' }).apply(sourceRecord({ valueSchema: s, value: new Struct(s).put('b', new Uint8Array(1)) })),
      /Cannot mask value of type: byte\[\]/);
  });

  test('fields is required and non-empty; tombstones pass through; MaskField$Key masks the key', () => {
    assert.throws(() => xform('MaskField$Value', {}), ConfigException);
    assert.throws(() => xform('MaskField$Value', { fields: '' }), /Empty list/);
    const r = sourceRecord({ valueSchema: SchemaBuilder.struct().optional().build(), value: null });
    assert.equal(xform('MaskField$Value', { fields: 'a' }).apply(r), r);
    const out = run(xform('MaskField$Key', { fields: 'k' }), sourceRecord({ key: { k: 'secret' }, value: { k: 'kept' } }));
    assert.deepEqual([out.key, out.value], [{ k: '' }, { k: 'kept' }]);
  });
});

describe('InsertField', () => {
  const schema = SchemaBuilder.struct().name('name').version(1).doc('doc').field('magic', Schema.INT64).build();
  const value = new Struct(schema).put('magic', 42);
  const all = {
    'topic.field': 'topic_field!',
    'partition.field': 'partition_field',
    'timestamp.field': 'timestamp_field?',
    'static.field': 'instance_id',
    'static.value': 'my-instance-id',
  };

  test('with a schema: fields and their schemas are added, basics copied', () => {
    const out = run(xform('InsertField$Value', all), sourceRecord({ topic: 'test', partition: 0, valueSchema: schema, value, timestamp: 1_000_000 }));
    const s = out.valueSchema!;
    assert.equal(s.name, 'name');
    assert.equal(s.version, 1);
    assert.equal(s.doc, 'doc');
    assert.deepEqual(s.fields.map((f) => [f.name, f.schema.type, f.schema.optional, f.schema.name]), [
      ['magic', 'INT64', false, undefined],
      ['topic_field', 'STRING', false, undefined],
      ['partition_field', 'INT32', true, undefined],
      ['timestamp_field', 'INT64', true, LogicalTimestamp.LOGICAL_NAME],
      ['instance_id', 'STRING', true, undefined],
    ]);
    const v = out.value as Struct;
    assert.equal(v.get('magic'), 42);
    assert.equal(v.get('topic_field'), 'test');
    assert.equal(v.get('partition_field'), 0);
    assert.equal((v.get('timestamp_field') as Date).getTime(), 1_000_000);
    assert.equal(v.get('instance_id'), 'my-instance-id');
  });

  test('schemaless: plain values (timestamp as epoch ms)', () => {
    const out = run(xform('InsertField$Value', all), sourceRecord({ topic: 'test', partition: 0, value: { magic: 42 }, timestamp: 1_000_000 }));
    assert.deepEqual(out.value, { magic: 42, topic_field: 'test', partition_field: 0, timestamp_field: 1_000_000, instance_id: 'my-instance-id' });
  });

  test('null partition and timestamp leave their fields out (schemaless) or null (schema)', () => {
    const out = run(xform('InsertField$Value', all), sourceRecord({ value: { magic: 1 } }));
    assert.deepEqual(Object.keys(out.value as object).sort(), ['instance_id', 'magic', 'topic_field']);
    const withSchema = run(xform('InsertField$Value', all), sourceRecord({ valueSchema: schema, value }));
    assert.equal((withSchema.value as Struct).get('timestamp_field'), null);
  });

  test('offset.field works on sink records only', () => {
    const t = xform<ReturnType<typeof sinkRecord>>('InsertField$Value', { 'offset.field': 'off' });
    assert.deepEqual(run(t, sinkRecord({ value: { a: 1 }, offset: 77 })).value, { a: 1, off: 77 });
    const t2 = xform('InsertField$Value', { 'offset.field': 'off' });
    assert.throws(() => t2.apply(sourceRecord({ value: { a: 1 } })), /Only SinkRecord supported for \[field insertion\], found: SourceRecord/);
  });

  test('tombstones pass through unchanged, with or without a schema', () => {
    for (const r of [sourceRecord({ value: null }), sourceRecord({ valueSchema: SchemaBuilder.struct().optional().build(), value: null })]) {
      assert.equal(xform('InsertField$Value', all).apply(r), r);
    }
  });

  test('config: something must be inserted; static.field needs static.value', () => {
    assert.throws(() => xform('InsertField$Value', {}), /No field insertion configured/);
    assert.throws(() => xform('InsertField$Value', { 'static.field': 'x' }), /No value specified for static field: x/);
  });

  test('a non-struct value with a schema is refused; the key variant inserts into the key', () => {
    assert.throws(() => xform('InsertField$Value', all).apply(sourceRecord({ valueSchema: Schema.STRING, value: 'x' })), /Only Struct objects supported/);
    const out = run(xform('InsertField$Key', { 'topic.field': 't' }), sourceRecord({ topic: 'k', key: {}, value: 'v' }));
    assert.deepEqual(out.key, { t: 'k' });
  });
});
