import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DataException, Schema, SchemaBuilder, Struct } from '../../../src/data/index.js';
import { ConfigException } from '../../../src/connectors/api/config-def.js';
import { parseFieldPath } from '../../../src/transforms/index.js';
import { run, sourceRecord, xform } from './support.js';

describe('ExtractField', () => {
  const schema = SchemaBuilder.struct().field('magic', Schema.INT32).field('opt', SchemaBuilder.int32().optional().defaultValue(3).build()).build();

  test('with a schema: the field value and the field schema', () => {
    const out = run(xform('ExtractField$Key', { field: 'magic' }), sourceRecord({ keySchema: schema, key: new Struct(schema).put('magic', 42) }));
    assert.equal(out.keySchema, Schema.INT32);
    assert.equal(out.key, 42);
  });

  test('schemaless: the entry, null when missing', () => {
    assert.equal(run(xform('ExtractField$Key', { field: 'magic' }), sourceRecord({ key: { magic: 42 } })).key, 42);
    assert.equal(run(xform('ExtractField$Key', { field: 'nope' }), sourceRecord({ key: { magic: 42 } })).key, null);
    assert.equal(run(xform('ExtractField$Value', { field: 'a' }), sourceRecord({ value: new Map([['a', 'x']]) })).value, 'x');
  });

  test('null keys/values pass through (the schema becomes the field schema)', () => {
    const out = run(xform('ExtractField$Value', { field: 'magic' }), sourceRecord({ valueSchema: SchemaBuilder.struct().optional().field('magic', Schema.INT32).build(), value: null }));
    assert.equal(out.value, null);
    assert.equal(out.valueSchema, Schema.INT32);
    assert.equal(run(xform('ExtractField$Value', { field: 'magic' }), sourceRecord({ value: null })).value, null);
  });

  test('an unknown field in a schema is an error naming it', () => {
    assert.throws(() => xform('ExtractField$Value', { field: 'nope' }).apply(sourceRecord({ valueSchema: schema, value: new Struct(schema).put('magic', 1) })),
      (e: unknown) => e instanceof DataException && /Unknown field: nope/.test(e.message) && e.context.path === 'nope');
  });

  test('replace.null.with.default', () => {
    const v = new Struct(schema).put('magic', 1);
    assert.equal(run(xform('ExtractField$Value', { field: 'opt' }), sourceRecord({ valueSchema: schema, value: v })).value, 3);
    assert.equal(run(xform('ExtractField$Value', { field: 'opt', 'replace.null.with.default': 'false' }), sourceRecord({ valueSchema: schema, value: v })).value, null);
  });

  test('field.syntax.version=V2 reaches nested fields; V1 (default) takes the name literally', () => {
    const inner = SchemaBuilder.struct().field('c', Schema.STRING).build();
    const outer = SchemaBuilder.struct().field('a.b', Schema.STRING).field('a', SchemaBuilder.struct().field('b', inner).build()).build();
    const value = new Struct(outer).put('a.b', 'dotted').put('a', new Struct(outer.field('a')!.schema).put('b', new Struct(inner).put('c', 'deep')));
    const r = sourceRecord({ valueSchema: outer, value });
    assert.equal(run(xform('ExtractField$Value', { field: 'a.b' }), r).value, 'dotted');
    const v2 = run(xform('ExtractField$Value', { field: 'a.b.c', 'field.syntax.version': 'v2' }), r);
    assert.equal(v2.value, 'deep');
    assert.equal(v2.valueSchema, Schema.STRING);
    assert.equal(run(xform('ExtractField$Value', { field: '`a.b`', 'field.syntax.version': 'V2' }), r).value, 'dotted');
    const schemaless = sourceRecord({ value: { a: { b: { c: 1 } }, 'a.b': 2 } });
    assert.equal(run(xform('ExtractField$Value', { field: 'a.b.c', 'field.syntax.version': 'V2' }), schemaless).value, 1);
    assert.equal(run(xform('ExtractField$Value', { field: 'a.x.c', 'field.syntax.version': 'V2' }), schemaless).value, null);
    assert.throws(() => xform('ExtractField$Value', { field: 'a', 'field.syntax.version': 'V3' }), ConfigException);
  });

  test('V2 path parsing (KIP-821): backticks quote dots, backslash escapes a backtick', () => {
    assert.deepEqual(parseFieldPath('foo.bar', 'V2'), ['foo', 'bar']);
    assert.deepEqual(parseFieldPath('foo.bar', 'V1'), ['foo.bar']);
    assert.deepEqual(parseFieldPath('`foo.bar`.baz', 'V2'), ['foo.bar', 'baz']);
    assert.deepEqual(parseFieldPath('foo.`bar.baz`', 'V2'), ['foo', 'bar.baz']);
    assert.deepEqual(parseFieldPath('foo.', 'V2'), ['foo', '']);
    assert.deepEqual(parseFieldPath('`foo\\`.bar`', 'V2'), ['foo`.bar']);
    assert.deepEqual(parseFieldPath('`fo`o`.bar', 'V2'), ['fo`o', 'bar']);
    assert.throws(() => parseFieldPath('`foo.bar', 'V2'), /Incomplete backtick pair/);
  });
});

describe('HoistField', () => {
  test('with a schema: a struct of one field', () => {
    const out = run(xform('HoistField$Key', { field: 'magic' }), sourceRecord({ keySchema: Schema.INT32, key: 42 }));
    assert.deepEqual(out.keySchema!.fields.map((f) => [f.name, f.schema]), [['magic', Schema.INT32]]);
    assert.equal((out.key as Struct).get('magic'), 42);
  });

  test('schemaless: a single-entry map, null included', () => {
    assert.deepEqual(run(xform('HoistField$Key', { field: 'magic' }), sourceRecord({ key: 42 })).key, { magic: 42 });
    assert.deepEqual(run(xform('HoistField$Value', { field: 'v' }), sourceRecord({ value: null })).value, { v: null });
  });

  test('a null value with a required schema is an error; with an optional schema it is wrapped', () => {
    assert.throws(() => xform('HoistField$Value', { field: 'v' }).apply(sourceRecord({ valueSchema: Schema.INT32, value: null })), DataException);
    const out = run(xform('HoistField$Value', { field: 'v' }), sourceRecord({ valueSchema: Schema.OPTIONAL_INT32, value: null }));
    assert.equal((out.value as Struct).get('v'), null);
  });

  test('the wrapper schema is cached per input schema', () => {
    const t = xform('HoistField$Value', { field: 'v' });
    assert.equal(run(t, sourceRecord({ valueSchema: Schema.STRING, value: 'a' })).valueSchema, run(t, sourceRecord({ valueSchema: Schema.STRING, value: 'b' })).valueSchema);
  });
});

describe('ValueToKey', () => {
  const schema = SchemaBuilder.struct().field('a', Schema.INT32).field('b', Schema.INT32).field('c', Schema.INT32).build();

  test('with a schema: the key is a struct of the listed fields, in listed order', () => {
    const value = new Struct(schema).put('a', 1).put('b', 2).put('c', 3);
    const out = run(xform('ValueToKey', { fields: 'b,a' }), sourceRecord({ valueSchema: schema, value }));
    assert.deepEqual(out.keySchema!.fields.map((f) => f.name), ['b', 'a']);
    assert.deepEqual([(out.key as Struct).get('b'), (out.key as Struct).get('a')], [2, 1]);
    assert.equal(out.value, value);
  });

  test('schemaless: a map, missing fields null', () => {
    const out = run(xform('ValueToKey', { fields: 'a,b,z' }), sourceRecord({ value: { a: 1, b: 2, c: 3 } }));
    assert.deepEqual(out.key, { a: 1, b: 2, z: null });
    assert.equal(out.keySchema, null);
  });

  test('a tombstone is an error, as in Kafka (ValueToKey has no null check)', () => {
    assert.throws(() => xform('ValueToKey', { fields: 'a' }).apply(sourceRecord({ valueSchema: SchemaBuilder.struct().optional().field('a', Schema.INT32).build(), value: null })),
      /Only Struct objects supported for \[copying fields from value to key\], found: null/);
    assert.throws(() => xform('ValueToKey', { fields: 'a' }).apply(sourceRecord({ value: null })), /Only Map objects supported/);
  });

  test('a field missing from the schema is an error; fields may not be empty', () => {
    assert.throws(() => xform('ValueToKey', { fields: 'nope' }).apply(sourceRecord({ valueSchema: schema, value: new Struct(schema).put('a', 1).put('b', 1).put('c', 1) })),
      /Field does not exist: nope/);
    assert.throws(() => xform('ValueToKey', { fields: '' }), ConfigException);
  });
});

describe('SetSchemaMetadata', () => {
  const schema = SchemaBuilder.struct().name('old').version(1).field('f', Schema.INT32).build();

  test('sets name and/or version; a struct value is re-created on the new schema', () => {
    const out = run(xform('SetSchemaMetadata$Value', { 'schema.name': 'foo', 'schema.version': '42' }),
      sourceRecord({ valueSchema: schema, value: new Struct(schema).put('f', 7) }));
    assert.equal(out.valueSchema!.name, 'foo');
    assert.equal(out.valueSchema!.version, 42);
    assert.equal((out.value as Struct).schema, out.valueSchema);
    assert.equal((out.value as Struct).get('f'), 7);
    const nameOnly = run(xform('SetSchemaMetadata$Value', { 'schema.name': 'bar' }), sourceRecord({ valueSchema: schema, value: new Struct(schema).put('f', 7) }));
    assert.equal(nameOnly.valueSchema!.version, 1);
  });

  test('works on primitives, arrays and maps, and on null values', () => {
    const out = run(xform('SetSchemaMetadata$Key', { 'schema.name': 'id' }), sourceRecord({ keySchema: Schema.INT64, key: 5 }));
    assert.equal(out.keySchema!.name, 'id');
    assert.equal(out.key, 5);
    const m = SchemaBuilder.map(Schema.STRING, Schema.INT32).optional().build();
    const outMap = run(xform('SetSchemaMetadata$Value', { 'schema.version': '3' }), sourceRecord({ valueSchema: m, value: null }));
    assert.equal(outMap.valueSchema!.version, 3);
    assert.equal(outMap.valueSchema!.keySchema, Schema.STRING);
  });

  test('needs a schema and something to set', () => {
    assert.throws(() => xform('SetSchemaMetadata$Value', { 'schema.name': 'x' }).apply(sourceRecord({ value: { a: 1 } })), /Schema required for \[updating schema metadata\]/);
    assert.throws(() => xform('SetSchemaMetadata$Value', {}), /Neither schema name nor version configured/);
    assert.throws(() => xform('SetSchemaMetadata$Value', { 'schema.version': 'x' }), ConfigException);
  });
});
