import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DataException, Headers, Schema, SchemaBuilder, SinkRecord, Struct, type ConnectRecord } from '../../../src/data/index.js';
import { ConfigDef } from '../../../src/connectors/api/config-def.js';
import { SidedTransformation, copySchemaBasics, type Side } from '../../../src/transforms/index.js';
import { defineReplaceNullWithDefault } from '../../../src/transforms/transformation.js';
import { requireMap, requireSchema, requireSinkRecord, requireStruct, requireStructSchema } from '../../../src/transforms/requirements.js';
import { restruct } from '../../../src/transforms/schema-util.js';
import { sinkRecord, sourceRecord } from './support.js';

describe("Kafka's Requirements", () => {
  test('messages name the purpose and the Java class found', () => {
    assert.throws(() => requireStruct('x', 'p'), (e: unknown) =>
      e instanceof DataException && e.message.startsWith('Only Struct objects supported for [p], found: java.lang.String'));
    assert.throws(() => requireMap(42, 'p'), /Only Map objects supported in absence of schema for \[p\], found: java\.lang\.Long/);
    assert.throws(() => requireSchema(null, 'p'), /Schema required for \[p\]/);
    assert.throws(() => requireStructSchema(Schema.STRING, 'p'), /Only Struct objects supported for \[p\], found schema: /);
    assert.throws(() => requireSinkRecord(sourceRecord(), 'p'), /Only SinkRecord supported for \[p\], found: SourceRecord/);
    assert.ok(requireSinkRecord(sinkRecord(), 'p') instanceof SinkRecord);
    assert.deepEqual(requireMap({ a: 1 }, 'p'), { a: 1 });
  });
});

describe('schema-util', () => {
  test('copySchemaBasics copies name, version, doc and parameters, not optionality or fields', () => {
    const source = SchemaBuilder.struct().name('n').version(3).doc('d').parameters({ k: 'v' }).optional()
      .field('a', Schema.INT32).build();
    const copy = copySchemaBasics(source, SchemaBuilder.struct()).build();
    assert.equal(copy.name, 'n');
    assert.equal(copy.version, 3);
    assert.equal(copy.doc, 'd');
    assert.deepEqual([...(copy.parameters ?? [])], [['k', 'v']]);
    assert.equal(copy.optional, false);
    assert.equal(copy.fields.length, 0);
  });

  test('restruct reads every field of the new schema from the old struct, honouring replace.null.with.default', () => {
    const old = SchemaBuilder.struct().field('a', Schema.INT32).field('b', SchemaBuilder.int32().optional().defaultValue(7).build()).build();
    const renamed = SchemaBuilder.struct().name('x').field('b', old.field('b')!.schema).build();
    const s = new Struct(old).put('a', 1).put('b', null);
    assert.equal(restruct(s, renamed, true).get('b'), 7);
    assert.equal(restruct(s, renamed, false).getWithoutDefault('b'), null);
  });
});

const DEF = defineReplaceNullWithDefault(new ConfigDef().define({ name: 'f', type: 'STRING', importance: 'LOW', documentation: '' }));

/** The smallest sided SMT: replaces the operating part with its field `f`, caching one derived schema. */
class Probe extends SidedTransformation {
  builds = 0;
  field = '';
  constructor(side: Side) {
    super(side, DEF);
  }
  configure(config: Readonly<Record<string, unknown>>): void {
    this.field = this.parse(config)['f'] as string;
  }
  apply<R extends ConnectRecord>(record: R): R {
    const schema = this.operatingSchema(record)!;
    const derived = this.schemaCache.get(schema, (s) => {
      this.builds++;
      return s.field(this.field)!.schema;
    });
    const struct = this.operatingValue(record) as Struct;
    const value = this.replaceNullWithDefault ? struct.get(this.field) : struct.getWithoutDefault(this.field);
    return this.newRecord(record as never, derived, value) as R;
  }
}

describe('SidedTransformation', () => {
  const schema = SchemaBuilder.struct().field('f', SchemaBuilder.string().optional().defaultValue('dflt').build()).build();
  const struct = new Struct(schema).put('f', null);

  test('works on the key or the value, keeps the other part and duplicates headers', () => {
    const headers = new Headers().addString('h', 'v');
    const r = sourceRecord({ keySchema: schema, key: struct, valueSchema: Schema.STRING, value: 'v', headers });
    const onKey = new Probe('key');
    onKey.configure({ f: 'f' });
    const out = onKey.apply(r);
    assert.equal(out.key, 'dflt');
    assert.equal(out.keySchema, schema.field('f')!.schema);
    assert.equal(out.value, 'v');
    assert.notEqual(out.headers, r.headers);
    assert.equal(out.headers.lastWithName('h')?.value, 'v');
    const onValue = new Probe('value');
    onValue.configure({ f: 'f' });
    assert.equal(onValue.apply(sourceRecord({ valueSchema: schema, value: struct })).value, 'dflt');
    assert.equal(onValue.config(), DEF);
  });

  test('replace.null.with.default is parsed; the schema cache is emptied by configure and close', () => {
    const t = new Probe('value');
    t.configure({ f: 'f', 'replace.null.with.default': 'false' });
    const r = sourceRecord({ valueSchema: schema, value: struct });
    assert.equal(t.apply(r).value, null);
    t.apply(r);
    assert.equal(t.builds, 1);
    t.configure({ f: 'f' });
    assert.equal(t.apply(r).value, 'dflt');
    assert.equal(t.builds, 2);
    t.close();
    t.apply(r);
    assert.equal(t.builds, 3);
  });
});
