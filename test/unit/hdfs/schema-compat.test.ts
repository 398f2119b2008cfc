import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Schema, SchemaBuilder, Struct, SinkRecord } from '../../../src/data/index.js';
import { SchemaCompatibilityChecker, projectValue } from '../../../src/connectors/hdfs/schema-compat.js';

const V1 = SchemaBuilder.struct().name('r').version(1).field('id', Schema.INT32).field('name', Schema.STRING).build();
const V2 = SchemaBuilder.struct().name('r').version(2).field('id', Schema.INT64).field('name', Schema.STRING)
  .field('email', Schema.OPTIONAL_STRING).field('score', SchemaBuilder.float64().defaultValue(1.5).build()).build();
const NOVER = SchemaBuilder.struct().name('r').field('id', Schema.INT32).build();

const rec = (schema: Schema, value: unknown): SinkRecord => new SinkRecord({ topic: 't', kafkaPartition: 0, kafkaOffset: 5, valueSchema: schema, value });
const v1 = new Struct(V1).put('id', 1).put('name', 'a');
const v2 = new Struct(V2).put('id', 2).put('name', 'b').put('email', 'e@x').put('score', 3);

describe('schema.compatibility', () => {
  test('NONE: any other schema rolls the files; equal schemas do not', () => {
    const c = new SchemaCompatibilityChecker('NONE');
    assert.equal(c.shouldChangeSchema(rec(V1, v1), V1), false);
    assert.equal(c.shouldChangeSchema(rec(SchemaBuilder.struct().name('r').version(1).field('id', Schema.INT32).field('name', Schema.STRING).build(), v1), V1), false);
    assert.equal(c.shouldChangeSchema(rec(V2, v2), V1), true);
    assert.equal(c.shouldChangeSchema(rec(V1, v1), V2), true);
    assert.equal(c.project(rec(V1, v1), V2).valueSchema, V1, 'NONE never projects');
  });

  test('BACKWARD/FULL: newer versions roll; older records are projected into the current schema', () => {
    for (const mode of ['BACKWARD', 'FULL'] as const) {
      const c = new SchemaCompatibilityChecker(mode);
      assert.equal(c.shouldChangeSchema(rec(V2, v2), V1), true);
      assert.equal(c.shouldChangeSchema(rec(V1, v1), V2), false);
      const p = c.project(rec(V1, v1), V2);
      assert.equal(p.valueSchema, V2);
      const s = p.value as Struct;
      assert.equal(s.get('id'), 1);
      assert.equal(s.get('email'), null);
      assert.equal(s.get('score'), 1.5);
    }
  });

  test('FORWARD: older versions roll; newer records are projected down (new fields dropped)', () => {
    const c = new SchemaCompatibilityChecker('FORWARD');
    assert.equal(c.shouldChangeSchema(rec(V1, v1), V2), true);
    assert.equal(c.shouldChangeSchema(rec(V2, v2), V1), true, 'INT64 → INT32 is not projectable: roll instead');
    const V2b = SchemaBuilder.struct().name('r').version(2).field('id', Schema.INT32).field('name', Schema.STRING).field('email', Schema.OPTIONAL_STRING).build();
    assert.equal(c.shouldChangeSchema(rec(V2b, new Struct(V2b).put('id', 3).put('name', 'c')), V1), false);
    const p = c.project(rec(V2b, new Struct(V2b).put('id', 3).put('name', 'c').put('email', 'x')), V1);
    assert.deepEqual(p.valueSchema, V1);
    assert.equal((p.value as Struct).get('id'), 3);
  });

  test('versions are required outside NONE; schema-based ↔ schemaless switches are refused', () => {
    assert.throws(() => new SchemaCompatibilityChecker('BACKWARD').shouldChangeSchema(rec(NOVER, new Struct(NOVER).put('id', 1)), V1), /version required for BACKWARD/);
    assert.throws(() => new SchemaCompatibilityChecker('NONE').shouldChangeSchema(new SinkRecord({ topic: 't', kafkaPartition: 0, kafkaOffset: 1, value: {} }), V1), /schemaless/);
  });

  test('projection promotes numbers and fills defaults in nested structs, arrays and maps', () => {
    const a = SchemaBuilder.array(Schema.INT16).build();
    const b = SchemaBuilder.array(Schema.FLOAT64).build();
    assert.deepEqual(projectValue(a, [1, 2], b), [1, 2]);
    const m1 = SchemaBuilder.map(Schema.STRING, Schema.INT32).build();
    const m2 = SchemaBuilder.map(Schema.STRING, Schema.INT64).build();
    assert.deepEqual(projectValue(m1, new Map([['a', 1]]), m2), new Map([['a', 1]]));
    assert.throws(() => projectValue(Schema.STRING, 'x', Schema.INT32), /type mismatch/);
    assert.throws(() => projectValue(Schema.OPTIONAL_INT32, null, Schema.INT32), /optional/);
  });
});
