import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DataException, Schema, SchemaBuilder, Struct, type Schema as S } from '../../../src/data/index.js';
import { run, sourceRecord, xform } from './support.js';

describe('Flatten with a schema', () => {
  const inner = SchemaBuilder.struct().field('x', Schema.INT32).field('y', Schema.OPTIONAL_STRING).build();
  const middle = SchemaBuilder.struct().field('inner', inner).field('z', Schema.BOOLEAN).build();
  const arr = SchemaBuilder.array(inner).build();
  const map = SchemaBuilder.map(Schema.STRING, Schema.INT32).build();
  const schema = SchemaBuilder.struct().name('top').version(2)
    .field('id', Schema.INT64)
    .field('middle', middle)
    .field('list', arr)
    .field('map', map)
    .build();
  const value = new Struct(schema)
    .put('id', 1)
    .put('middle', new Struct(middle).put('inner', new Struct(inner).put('x', 5).put('y', 'why')).put('z', true))
    .put('list', [new Struct(inner).put('x', 1)])
    .put('map', new Map([['k', 1]]));

  test('structs in structs become dotted top-level fields; arrays and maps are kept', () => {
    const out = run(xform('Flatten$Value'), sourceRecord({ valueSchema: schema, value }));
    const s = out.valueSchema!;
    assert.equal(s.name, 'top');
    assert.equal(s.version, 2);
    assert.deepEqual(s.fields.map((f) => f.name), ['id', 'middle.inner.x', 'middle.inner.y', 'middle.z', 'list', 'map']);
    assert.equal(s.field('list')!.schema, arr);
    assert.equal(s.field('map')!.schema.type, 'MAP');
    assert.equal(s.field('map')!.schema.keySchema, Schema.STRING);
    const v = out.value as Struct;
    assert.equal(v.get('middle.inner.x'), 5);
    assert.equal(v.get('middle.inner.y'), 'why');
    assert.equal(v.get('middle.z'), true);
    assert.deepEqual(v.get('map'), new Map([['k', 1]]));
    assert.equal((v.get('list') as Struct[])[0]!.get('x'), 1);
  });

  test('delimiter', () => {
    const out = run(xform('Flatten$Value', { delimiter: '_' }), sourceRecord({ valueSchema: schema, value }));
    assert.deepEqual(out.valueSchema!.fields.map((f) => f.name), ['id', 'middle_inner_x', 'middle_inner_y', 'middle_z', 'list', 'map']);
  });

  test("an optional parent makes its children optional; a null optional struct flattens to nulls", () => {
    const optInner = SchemaBuilder.struct().optional().field('a', Schema.INT32).build();
    const s = SchemaBuilder.struct().field('p', optInner).field('q', Schema.INT8).build();
    const out = run(xform('Flatten$Value'), sourceRecord({ valueSchema: s, value: new Struct(s).put('p', null).put('q', 1) }));
    assert.equal(out.valueSchema!.field('p.a')!.schema.optional, true);
    assert.equal((out.value as Struct).get('p.a'), null);
  });

  test('a nested field keeps its own default and becomes optional under an optional parent', () => {
    const child = SchemaBuilder.struct().optional().field('a', SchemaBuilder.int32().defaultValue(9).build()).build();
    const s = SchemaBuilder.struct().field('c', child).build();
    const out = run(xform('Flatten$Value'), sourceRecord({ valueSchema: s, value: new Struct(s).put('c', new Struct(child).put('a', 1)) }));
    const a = out.valueSchema!.field('c.a')!.schema;
    assert.equal(a.defaultValue, 9);
    assert.equal(a.optional, true);
    assert.equal((out.value as Struct).get('c.a'), 1);
  });

  test('colliding flattened names are a DataException naming the field', () => {
    const a = SchemaBuilder.struct().field('b', Schema.INT32).build();
    const s = SchemaBuilder.struct().field('a.b', Schema.INT32).field('a', a).build();
    assert.throws(
      () => xform('Flatten$Value').apply(sourceRecord({ valueSchema: s, value: new Struct(s).put('a.b', 1).put('a', new Struct(a).put('b', 2)) })),
      (e: unknown) => e instanceof DataException && e.context.path === 'a.b',
    );
  });

  test('a null value with a schema passes through; the schema cache is reused', () => {
    const t = xform('Flatten$Value');
    const r = sourceRecord({ valueSchema: schema, value: null });
    assert.equal(t.apply(r), r);
    const a = run(t, sourceRecord({ valueSchema: schema, value }));
    const b = run(t, sourceRecord({ valueSchema: schema, value }));
    assert.equal(a.valueSchema, b.valueSchema);
  });

  test('Flatten$Key works on the key', () => {
    const out = run(xform('Flatten$Key'), sourceRecord({ keySchema: schema, key: value, value: 'v' }));
    assert.ok(out.keySchema!.field('middle.inner.x'));
    assert.equal(out.value, 'v');
  });
});

describe('Flatten schemaless', () => {
  test('maps in maps flatten; arrays, bytes and nulls are kept', () => {
    const value = { a: { b: { c: 1 }, d: [1, { e: 2 }] }, f: null, g: new Uint8Array([1]), h: new Map([['i', 'j']]) };
    const out = run(xform('Flatten$Value'), sourceRecord({ value }));
    assert.deepEqual(out.value, { 'a.b.c': 1, 'a.d': [1, { e: 2 }], f: null, g: new Uint8Array([1]), 'h.i': 'j' });
  });

  test('an empty nested map disappears; a Map in gives a Map out', () => {
    const out = run(xform('Flatten$Value', { delimiter: '#' }), sourceRecord({ value: new Map<string, unknown>([['a', {}], ['b', { c: true }]]) }));
    assert.deepEqual(out.value, new Map([['b#c', true]]));
  });

  test('values Connect has no schemaless type for, and structs, are refused', () => {
    assert.throws(() => xform('Flatten$Value').apply(sourceRecord({ value: { a: new Date() } })), /not supported by Connect's data API/);
    const s = SchemaBuilder.struct().field('x', Schema.INT8).build();
    assert.throws(() => xform('Flatten$Value').apply(sourceRecord({ value: { a: new Struct(s).put('x', 1) } })), /does not support/);
    assert.throws(() => xform('Flatten$Value').apply(sourceRecord({ value: 'text' })), /Only Map objects supported/);
  });

  test('a tombstone passes through', () => {
    const r = sourceRecord({ value: null });
    assert.equal(xform('Flatten$Value').apply(r), r);
  });
});

// ---- properties ----------------------------------------------------------------------------------------------------

type Tree = { [k: string]: Tree | number | string | null };
const leaf = fc.oneof(fc.integer(), fc.string({ maxLength: 3 }), fc.constant(null));
const key = fc.stringMatching(/^[a-z]{1,3}$/);
const tree: fc.Arbitrary<Tree> = fc.letrec<{ node: Tree }>((tie) => ({
  node: fc.dictionary(key, fc.oneof({ depthSize: 'small', maxDepth: 3 }, leaf, tie('node')), { maxKeys: 4 }),
})).node;

/** Leaves of a tree (empty maps contribute nothing). */
function leafCount(t: Tree): number {
  let n = 0;
  for (const v of Object.values(t)) n += v !== null && typeof v === 'object' ? leafCount(v) : 1;
  return n;
}

function toSchema(t: Tree): S {
  const b = SchemaBuilder.struct();
  for (const [k, v] of Object.entries(t)) {
    b.field(k, v !== null && typeof v === 'object' ? toSchema(v) : typeof v === 'number' ? Schema.OPTIONAL_INT64 : Schema.OPTIONAL_STRING);
  }
  return b.build();
}

function toStruct(t: Tree, s: S): Struct {
  const out = new Struct(s);
  for (const [k, v] of Object.entries(t)) {
    out.put(k, v !== null && typeof v === 'object' ? toStruct(v, s.field(k)!.schema) : v);
  }
  return out;
}

/** Field counts of a struct schema, nested structs counted by their leaves. */
function schemaLeaves(s: S): number {
  return s.fields.reduce((n, f) => n + (f.schema.type === 'STRUCT' ? schemaLeaves(f.schema) : 1), 0);
}

describe('Flatten properties', () => {
  // Keys made of letters only and a delimiter that is not a letter: flattened names cannot collide.
  test('schemaless: the output has one entry per leaf, each reachable by splitting its name', () => {
    fc.assert(fc.property(tree, fc.constantFrom('.', '_', '->'), (t, delimiter) => {
      const out = run(xform('Flatten$Value', { delimiter }), sourceRecord({ value: t })).value as Record<string, unknown>;
      assert.equal(Object.keys(out).length, leafCount(t));
      for (const [name, v] of Object.entries(out)) {
        let node: unknown = t;
        for (const part of name.split(delimiter)) node = (node as Tree)[part];
        assert.deepEqual(v, node);
      }
    }));
  });

  test('with a schema: field count equals the leaves of the schema, values preserved', () => {
    fc.assert(fc.property(tree, (t) => {
      const schema = toSchema(t);
      const out = run(xform('Flatten$Value', { delimiter: '.' }), sourceRecord({ valueSchema: schema, value: toStruct(t, schema) }));
      assert.equal(out.valueSchema!.fields.length, schemaLeaves(schema));
      assert.ok(out.valueSchema!.fields.every((f) => f.schema.type !== 'STRUCT'));
      for (const f of out.valueSchema!.fields) {
        let node: unknown = t;
        for (const part of f.name.split('.')) node = (node as Tree | undefined)?.[part];
        assert.deepEqual((out.value as Struct).get(f.name), node ?? null);
      }
    }));
  });
});
