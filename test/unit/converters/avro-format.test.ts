/**
 * The Avro format of the registry converter against Confluent's AvroConverter/AvroData: the schema text Java
 * registers (AvroDataTest's expected schemas, printed as Java Avro's Schema.toString() prints them), golden bytes
 * from the Avro spec, round trips of every Connect type, the whole int64 range, and schemas Confluent's Java side
 * registers (connect.* properties, unions, enums, fixed decimals, defaults, references).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BigDecimal, DataException, Decimal, LogicalDate, LogicalTime, LogicalTimestamp, Schema, SchemaBuilder, Struct, schemaEquals,
  valueEquals,
} from '../../../src/data/index.js';
import { avroFormat } from '../../../src/converters/avro/avro-format.js';
import type { RegisteredSchema, SchemaReference } from '../../../src/converters/schema-registry/format.js';
import { javaHashMapOrder, javaStringHash } from '../../../src/data/avro/java-hash-map.js';

const fmt = (config: Record<string, unknown> = {}) => avroFormat(config, false);
const avro = (schema: string, references?: SchemaReference[]): RegisteredSchema => ({ schemaType: 'AVRO', schema, ...(references ? { references } : {}) });
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
const utf8 = (s: string) => new TextEncoder().encode(s);
const NO_REFS = new Map<string, string>();

function registeredText(schema: Schema, config: Record<string, unknown> = {}): string {
  return fmt(config).writerFor(schema).registered.schema;
}

/** Connect → bytes → Connect through the registered text, as a reader on the other side would see it. */
function roundTrip(schema: Schema, value: unknown, config: Record<string, unknown> = {}) {
  const f = fmt(config);
  const w = f.writerFor(schema);
  const payload = w.write(value);
  const r = fmt(config).readerFor(w.registered, NO_REFS);
  return { text: w.registered.schema, payload, schema: r.schema, value: r.read(payload) };
}

function assertRoundTrip(schema: Schema, value: unknown, config: Record<string, unknown> = {}): void {
  const rt = roundTrip(schema, value, config);
  assert.ok(schemaEquals(rt.schema, schema), `schema: ${rt.schema} vs ${schema} (${rt.text})`);
  assert.ok(valueEquals(rt.value, value), `value: ${String(rt.value)} vs ${String(value)}`);
}

// AvroDataTest's testFromConnectComplex schema and value.
const COMPLEX = SchemaBuilder.struct()
  .field('int8', SchemaBuilder.int8().defaultValue(2).doc('int8 field').build())
  .field('int16', Schema.INT16).field('int32', Schema.INT32).field('int64', Schema.INT64)
  .field('float32', Schema.FLOAT32).field('float64', Schema.FLOAT64).field('boolean', Schema.BOOLEAN)
  .field('string', Schema.STRING).field('bytes', Schema.BYTES)
  .field('array', SchemaBuilder.array(Schema.STRING).build())
  .field('map', SchemaBuilder.map(Schema.STRING, Schema.INT32).build())
  .field('mapNonStringKeys', SchemaBuilder.map(Schema.INT32, Schema.INT32).build())
  .build();
const complexValue = () => new Struct(COMPLEX).put('int8', 12).put('int16', 12).put('int32', 12).put('int64', 12)
  .put('float32', Math.fround(12.2)).put('float64', 12.2).put('boolean', true).put('string', 'foo').put('bytes', utf8('foo'))
  .put('array', ['a', 'b', 'c']).put('map', new Map([['field', 1]])).put('mapNonStringKeys', new Map([[1, 1]]));

describe('AvroConverter: the Avro schema text registered for a Connect schema', () => {
  test('a struct of every type (testFromConnectComplex), printed as Java Avro prints it', () => {
    assert.equal(registeredText(COMPLEX),
      '{"type":"record","name":"ConnectDefault","namespace":"io.confluent.connect.avro","fields":[' +
      '{"name":"int8","type":{"type":"int","connect.doc":"int8 field","connect.default":2,"connect.type":"int8"},"default":2},' +
      '{"name":"int16","type":{"type":"int","connect.type":"int16"}},{"name":"int32","type":"int"},{"name":"int64","type":"long"},' +
      '{"name":"float32","type":"float"},{"name":"float64","type":"double"},{"name":"boolean","type":"boolean"},' +
      '{"name":"string","type":"string"},{"name":"bytes","type":"bytes"},{"name":"array","type":{"type":"array","items":"string"}},' +
      '{"name":"map","type":{"type":"map","values":"int"}},' +
      '{"name":"mapNonStringKeys","type":{"type":"array","items":{"type":"record","name":"MapEntry","fields":[{"name":"key","type":"int"},{"name":"value","type":"int"}]}}}]}');
  });

  test('defaults: connect.default keeps the Connect type (a float prints as a float), the field default is Avro JSON (a float widened to double)', () => {
    const schema = SchemaBuilder.struct()
      .field('float32', SchemaBuilder.float32().defaultValue(Math.fround(12.2)).doc('float32 field').build())
      .field('float64', SchemaBuilder.float64().defaultValue(12.2).doc('float64 field').build())
      .field('bytes', SchemaBuilder.bytes().defaultValue(utf8('foo')).doc('bytes field').build())
      .field('map', SchemaBuilder.map(Schema.STRING, Schema.INT32).defaultValue(new Map([['field', 1]])).build())
      .field('date', LogicalDate.builder().defaultValue(new Date(100 * 86_400_000)).doc('date field').build())
      .field('decimal', Decimal.builder(5).defaultValue(new BigDecimal(314159n, 5)).doc('decimal field').build())
      .field('nsmap', SchemaBuilder.map(Schema.INT32, Schema.INT32).defaultValue(new Map([[1, 1]])).build())
      .build();
    assert.equal(registeredText(schema),
      '{"type":"record","name":"ConnectDefault","namespace":"io.confluent.connect.avro","fields":[' +
      '{"name":"float32","type":{"type":"float","connect.doc":"float32 field","connect.default":12.2},"default":12.199999809265137},' +
      '{"name":"float64","type":{"type":"double","connect.doc":"float64 field","connect.default":12.2},"default":12.2},' +
      '{"name":"bytes","type":{"type":"bytes","connect.doc":"bytes field","connect.default":"foo"},"default":"foo"},' +
      '{"name":"map","type":{"type":"map","values":"int","connect.default":{"field":1}},"default":{"field":1}},' +
      '{"name":"date","type":{"type":"int","connect.doc":"date field","connect.version":1,"connect.default":100,' +
      '"connect.name":"org.apache.kafka.connect.data.Date","logicalType":"date"},"default":100},' +
      '{"name":"decimal","type":{"type":"bytes","scale":5,"precision":64,"connect.doc":"decimal field","connect.version":1,' +
      '"connect.parameters":{"scale":"5"},"connect.default":"\\u0004Ë/","connect.name":"org.apache.kafka.connect.data.Decimal",' +
      '"logicalType":"decimal"},"default":"\\u0004Ë/"},' +
      // A non-string map's connect.default is [[key, value]]: not a valid Avro default, so the field has none.
      '{"name":"nsmap","type":{"type":"array","items":{"type":"record","name":"MapEntry","fields":[{"name":"key","type":"int"},' +
      '{"name":"value","type":"int"}]},"connect.default":[[1,1]]}}]}');
  });

  test('optional: [null, T], or [T, null] with a default (testFromConnectOptionalPrimitiveWithMetadata); metadata on T', () => {
    const schema = SchemaBuilder.string().doc('doc').defaultValue('foo').name('io.confluent.stringtype').version(2).optional()
      .parameter('foo', 'bar').parameter('baz', 'baz').build();
    assert.equal(registeredText(schema),
      '[{"type":"string","connect.doc":"doc","connect.version":2,"connect.parameters":{"foo":"bar","baz":"baz"},' +
      '"connect.default":"foo","connect.name":"io.confluent.stringtype"},"null"]');
    assert.equal(registeredText(Schema.OPTIONAL_INT64), '["null","long"]');
  });

  test('structs: a reused struct is one record; unnamed ones are ConnectDefault, ConnectDefault2, … (testFromConnectStructsWithNullName)', () => {
    const named = SchemaBuilder.struct().name('inner').field('value', Schema.INT64).optional().build();
    assert.equal(registeredText(SchemaBuilder.struct().name('outer').field('struct', named).field('array', SchemaBuilder.array(named).build()).build()),
      '{"type":"record","name":"outer","fields":[{"name":"struct","type":["null",{"type":"record","name":"inner","fields":' +
      '[{"name":"value","type":"long"}],"connect.name":"inner"}],"default":null},{"name":"array","type":{"type":"array",' +
      '"items":["null","inner"]}}],"connect.name":"outer"}');
    const unnamed = SchemaBuilder.struct().field('value', Schema.INT64).optional().build();
    assert.equal(registeredText(SchemaBuilder.struct().field('struct', unnamed).field('array', SchemaBuilder.array(unnamed).build()).build()),
      '{"type":"record","name":"ConnectDefault","namespace":"io.confluent.connect.avro","fields":[{"name":"struct","type":' +
      '["null",{"type":"record","name":"ConnectDefault2","fields":[{"name":"value","type":"long"}]}],"default":null},' +
      '{"name":"array","type":{"type":"array","items":["null","ConnectDefault2"]}}]}');
  });

  test('records with metadata (testFromConnectRecordWithMetadata) and a nested namespace printed only where it changes', () => {
    const inner = SchemaBuilder.struct().name('io.confluent.test.Inner').field('x', Schema.BOOLEAN).build();
    const other = SchemaBuilder.struct().name('Top').field('y', Schema.BOOLEAN).build();
    const schema = SchemaBuilder.struct().name('io.confluent.test.TestSchema').version(12).doc('doc')
      .field('int32', Schema.INT32).field('inner', inner).field('other', other).field('again', inner).build();
    assert.equal(registeredText(schema),
      '{"type":"record","name":"TestSchema","namespace":"io.confluent.test","fields":[{"name":"int32","type":"int"},' +
      '{"name":"inner","type":{"type":"record","name":"Inner","fields":[{"name":"x","type":"boolean"}],"connect.name":"io.confluent.test.Inner"}},' +
      '{"name":"other","type":{"type":"record","name":"Top","namespace":"","fields":[{"name":"y","type":"boolean"}],"connect.name":"Top"}},' +
      '{"name":"again","type":"Inner"}],"connect.doc":"doc","connect.version":12,"connect.name":"io.confluent.test.TestSchema"}');
  });

  test('maps: optional string keys and named maps are MapEntry arrays (testFromNamedConnectMapWithNonStringKey); allow.optional.map.keys', () => {
    const named = SchemaBuilder.map(Schema.OPTIONAL_STRING, Schema.INT32).name('foo.bar').build();
    assert.equal(registeredText(named),
      '{"type":"array","items":{"type":"record","name":"bar","namespace":"foo","fields":[{"name":"key","type":["null","string"],' +
      '"default":null},{"name":"value","type":"int"}],"connect.internal.type":"MapEntry"},"connect.name":"foo.bar"}');
    const optionalKeys = SchemaBuilder.map(Schema.OPTIONAL_STRING, Schema.OPTIONAL_STRING).build();
    assert.equal(registeredText(optionalKeys, { 'allow.optional.map.keys': 'true' }), '{"type":"map","values":["null","string"]}');
  });

  test('two different unnamed non-string maps: the second entry type is MapEntry2, marked so it reads as a map', () => {
    const schema = SchemaBuilder.struct().name('M').field('a', SchemaBuilder.map(Schema.INT32, Schema.STRING).build())
      .field('b', SchemaBuilder.map(Schema.INT32, Schema.INT64).build()).field('c', SchemaBuilder.map(Schema.INT32, Schema.STRING).build()).build();
    const text = registeredText(schema);
    assert.match(text, /"name":"MapEntry2","namespace":"io.confluent.connect.avro","fields":\[\{"name":"key","type":"int"\},\{"name":"value","type":"long"\}\],"connect.internal.type":"MapEntry"/);
    assert.match(text, /"name":"c","type":\{"type":"array","items":"io.confluent.connect.avro.MapEntry"\}/);
    const v = new Struct(schema).put('a', new Map([[1, 'x']])).put('b', new Map([[2, 3n ** 35n]])).put('c', new Map());
    assertRoundTrip(schema, v);
  });

  test('unnamed maps whose entries write the same bytes share MapEntry, as Java prints them (the second map reads back with the first one\'s types)', () => {
    const schema = SchemaBuilder.struct().name('M').field('a', SchemaBuilder.map(Schema.INT8, Schema.INT8).build())
      .field('b', SchemaBuilder.map(Schema.INT8, LogicalTime.schema()).build()).build();
    const text = registeredText(schema);
    assert.match(text, /"name":"b","type":\{"type":"array","items":"io.confluent.connect.avro.MapEntry"\}/);
    const back = fmt().readerFor(avro(text), NO_REFS).schema;
    assert.equal(back.field('b')!.schema.valueSchema!.type, 'INT8');
  });

  test('logical types: Decimal, Date, Time, Timestamp (testFromConnectLogical*New); scale > precision keeps only the legacy property', () => {
    assert.equal(registeredText(Decimal.schema(2)),
      '{"type":"bytes","scale":2,"precision":64,"connect.version":1,"connect.parameters":{"scale":"2"},' +
      '"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}');
    assert.equal(registeredText(LogicalDate.schema()), '{"type":"int","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Date","logicalType":"date"}');
    assert.equal(registeredText(LogicalTime.schema()), '{"type":"int","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Time","logicalType":"time-millis"}');
    assert.equal(registeredText(LogicalTimestamp.schema()),
      '{"type":"long","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Timestamp","logicalType":"timestamp-millis"}');
    assert.equal(registeredText(Decimal.builder(7).parameter('connect.decimal.precision', '5').build()),
      '{"type":"bytes","scale":7,"precision":5,"connect.version":1,"connect.parameters":{"scale":"7","connect.decimal.precision":"5"},' +
      '"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}');
  });

  test('fixed: a named BYTES with connect.fixed.size; a fixed decimal; a precision the fixed size cannot hold is refused', () => {
    assert.equal(registeredText(SchemaBuilder.bytes().name('sample').parameter('connect.fixed.size', '4').build()),
      '{"type":"fixed","name":"sample","size":4,"connect.parameters":{"connect.fixed.size":"4"},"connect.name":"sample"}');
    const dec = Decimal.builder(9).parameter('connect.decimal.precision', '38').parameter('connect.fixed.size', '16').build();
    assert.equal(registeredText(dec),
      '{"type":"fixed","name":"Decimal","namespace":"org.apache.kafka.connect.data","size":16,"scale":9,"precision":38,' +
      '"connect.version":1,"connect.parameters":{"scale":"9","connect.decimal.precision":"38","connect.fixed.size":"16"},' +
      '"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}');
    const tooPrecise = Decimal.builder(0).parameter('connect.decimal.precision', '10').parameter('connect.fixed.size', '4').build();
    assert.throws(() => fmt().writerFor(tooPrecise), (e: unknown) => e instanceof DataException && /fixed\(4\) cannot store 10 digits \(max 9\)/.test(e.message));
  });

  test('enums with enhanced.avro.schema.support (symbols from the parameter names); plain strings without it', () => {
    const e = SchemaBuilder.string().name('Status').parameter('io.confluent.connect.avro.Enum', 'Status')
      .parameter('io.confluent.connect.avro.Enum.ON', '0').parameter('io.confluent.connect.avro.Enum.OFF', '1').build();
    const schema = SchemaBuilder.struct().name('X').field('a', e).field('b', e).build();
    assert.equal(registeredText(schema, { 'enhanced.avro.schema.support': true }),
      '{"type":"record","name":"X","fields":[{"name":"a","type":{"type":"enum","name":"Status","symbols":["ON","OFF"],' +
      '"connect.parameters":{"io.confluent.connect.avro.Enum":"Status","io.confluent.connect.avro.Enum.ON":"0","io.confluent.connect.avro.Enum.OFF":"1"},' +
      '"connect.name":"Status"}},{"name":"b","type":"Status","connect.parameters":{"io.confluent.connect.avro.Enum":"Status",' +
      '"io.confluent.connect.avro.Enum.ON":"0","io.confluent.connect.avro.Enum.OFF":"1"}}],"connect.name":"X"}');
    assert.match(registeredText(schema), /"name":"a","type":\{"type":"string","connect.parameters"/);
  });

  test('union structs become Avro unions; optional ones start with null', () => {
    const union = SchemaBuilder.struct().name('io.confluent.connect.avro.Union').optional()
      .field('int', Schema.OPTIONAL_INT32).field('string', Schema.OPTIONAL_STRING)
      .field('Test1', SchemaBuilder.struct().name('Test1').field('test', Schema.INT32).optional().build()).build();
    assert.equal(registeredText(SchemaBuilder.struct().name('R').field('u', union).build()),
      '{"type":"record","name":"R","fields":[{"name":"u","type":["null","int","string",{"type":"record","name":"Test1",' +
      '"fields":[{"name":"test","type":"int"}],"connect.name":"Test1"}],"default":null}],"connect.name":"R"}');
  });

  test('scrub.invalid.names and connect.meta.data=false (testFromConnectWithInvalidName); invalid names are refused otherwise', () => {
    const schema = SchemaBuilder.struct().name('org.acme-corp.invalid record-name').field('invalid field-name', Schema.STRING).build();
    assert.equal(registeredText(schema, { 'scrub.invalid.names': 'true', 'connect.meta.data': 'false' }),
      '{"type":"record","name":"invalid_record_name","namespace":"org.acme_corp","fields":[{"name":"invalid_field_name","type":"string"}]}');
    assert.throws(() => registeredText(schema), DataException);
    const rt = roundTrip(schema, new Struct(schema).put('invalid field-name', 'foo'), { 'scrub.invalid.names': 'true' });
    assert.equal(rt.schema.name, 'org.acme-corp.invalid record-name', 'connect.name keeps the Connect name');
  });

  test('a named type used again with other parameters carries them on the field (testFieldLevelParamsPreservedForSharedNamedType)', () => {
    const tag = 'io.confluent.connect.protobuf.Tag';
    const a2 = SchemaBuilder.struct().name('Address').parameter(tag, '2').field('street', Schema.OPTIONAL_STRING).build();
    const a3 = SchemaBuilder.struct().name('Address').parameter(tag, '3').field('street', Schema.OPTIONAL_STRING).build();
    const person = SchemaBuilder.struct().name('Person').field('home', a2).field('work', a3).build();
    const text = registeredText(person);
    assert.equal(text,
      '{"type":"record","name":"Person","fields":[{"name":"home","type":{"type":"record","name":"Address","fields":[' +
      '{"name":"street","type":["null","string"],"default":null}],"connect.parameters":{"io.confluent.connect.protobuf.Tag":"2"},' +
      '"connect.name":"Address"}},{"name":"work","type":"Address","connect.parameters":{"io.confluent.connect.protobuf.Tag":"3"}}],"connect.name":"Person"}');
    const back = fmt().readerFor(avro(text), NO_REFS).schema;
    assert.equal(back.field('home')!.schema.parameters?.get(tag), '2');
    assert.equal(back.field('work')!.schema.parameters?.get(tag), '3');
  });

  test('two different types of one name are refused (Java would describe the second wrongly)', () => {
    const v1 = SchemaBuilder.struct().name('Address').field('street', Schema.STRING).build();
    const v2 = SchemaBuilder.struct().name('Address').field('city', Schema.STRING).build();
    assert.throws(() => registeredText(SchemaBuilder.struct().name('P').field('a', v1).field('b', v2).build()), /two different Avro types named Address/);
  });

  test('recordName: the full name of a record (RecordNameStrategy), none otherwise', () => {
    assert.equal(fmt().writerFor(SchemaBuilder.struct().name('com.acme.Order').field('id', Schema.INT64).build()).recordName, 'com.acme.Order');
    assert.equal(fmt().writerFor(SchemaBuilder.struct().field('id', Schema.INT64).build()).recordName, 'io.confluent.connect.avro.ConnectDefault');
    assert.equal(fmt().writerFor(Schema.STRING).recordName, undefined);
    assert.equal(fmt().writerFor(SchemaBuilder.struct().name('com.acme.Order').optional().build()).recordName, undefined, 'an optional struct is a union');
  });

  test('generalized.sum.type.support: connect_union_N structs, and Enum parameters with ordinals', () => {
    const f = fmt({ 'generalized.sum.type.support': 'true' });
    const r = f.readerFor(avro('["int","string",{"type":"record","name":"Test1","fields":[{"name":"test","type":"int"}]}]'), NO_REFS);
    assert.equal(r.schema.name, 'connect_union_0');
    assert.deepEqual(r.schema.fields.map((x) => x.name), ['connect_union_field_0', 'connect_union_field_1', 'connect_union_field_2']);
    assert.equal(r.schema.parameters?.get('org.apache.kafka.connect.data.Union'), 'connect_union_0');
    assert.equal(f.readerFor(avro('["int","long"]'), NO_REFS).schema.name, 'connect_union_1', 'numbered for the life of the converter');
    const e = f.readerFor(avro('{"type":"enum","name":"TestEnum","doc":"some documentation","symbols":["foo","bar","baz"]}'), NO_REFS);
    assert.deepEqual([...e.schema.parameters!], [
      ['io.confluent.connect.avro.enum.doc.TestEnum', 'some documentation'], ['org.apache.kafka.connect.data.Enum', 'TestEnum'],
      ['org.apache.kafka.connect.data.Enum.foo', '0'], ['org.apache.kafka.connect.data.Enum.bar', '1'], ['org.apache.kafka.connect.data.Enum.baz', '2'],
    ]);
    assert.equal(e.read(bytes('02')), 'bar');
  });
});

describe('AvroConverter: golden bytes (Avro binary encoding, by hand from the spec)', () => {
  test('every primitive of testFromConnectComplex', () => {
    assert.equal(hex(fmt().writerFor(COMPLEX).write(complexValue())),
      '18' + '18' + '18' + '18' + // int8, int16, int32, int64 12 → zig-zag 24
      '33334341' + '6666666666662840' + // float 12.2f, double 12.2 (IEEE 754 little-endian)
      '01' + '06666f6f' + '06666f6f' + // true, "foo", bytes "foo"
      '06' + '0261' + '0262' + '0263' + '00' + // array block of 3, end
      '02' + '0a6669656c64' + '02' + '00' + // map {"field": 1}
      '02' + '02' + '02' + '00'); // [{key: 1, value: 1}]
  });

  test('unions, enums, logical types; a top-level bytes value is written raw, as KafkaAvroSerializer does', () => {
    assert.equal(hex(fmt().writerFor(Schema.OPTIONAL_STRING).write('x')), '020278');
    const rec = SchemaBuilder.struct().name('R').field('o', Schema.OPTIONAL_STRING).field('d', Decimal.schema(2))
      .field('day', LogicalDate.schema()).field('t', LogicalTime.schema()).field('ts', LogicalTimestamp.schema()).build();
    const v = new Struct(rec).put('o', null).put('d', new BigDecimal(-12345n, 2)).put('day', new Date(10_000 * 86_400_000))
      .put('t', new Date(10_000)).put('ts', new Date(1));
    assert.equal(hex(fmt().writerFor(rec).write(v)), '00' + '04cfc7' + 'a09c01' + 'a09c01' + '02');
    assert.equal(hex(fmt().writerFor(Decimal.schema(2)).write(new BigDecimal(-12345n, 2))), 'cfc7');
    assert.equal(hex(fmt().writerFor(Schema.BYTES).write(utf8('jellomellow'))), hex(utf8('jellomellow')));
    assert.equal(hex(fmt().readerFor(avro('"bytes"'), NO_REFS).read(utf8('jello')) as Uint8Array), hex(utf8('jello')));
    const e = SchemaBuilder.string().name('Kind').parameter('io.confluent.connect.avro.Enum', 'Kind')
      .parameter('io.confluent.connect.avro.Enum.ONE', 'ONE').parameter('io.confluent.connect.avro.Enum.TWO', 'TWO').build();
    assert.equal(hex(fmt({ 'enhanced.avro.schema.support': true }).writerFor(e).write('TWO')), '02');
  });

  test('fixed decimals are sign-extended to the fixed size; a value that does not fit is refused', () => {
    const dec = Decimal.builder(9).parameter('connect.decimal.precision', '38').parameter('connect.fixed.size', '16').build();
    const row = SchemaBuilder.struct().name('row').field('amount', dec).build();
    const w = fmt().writerFor(row);
    assert.equal(hex(w.write(new Struct(row).put('amount', new BigDecimal(0n, 9)))), '00'.repeat(16));
    assert.equal(hex(w.write(new Struct(row).put('amount', new BigDecimal(-1n, 9)))), 'ff'.repeat(16));
    const r = fmt().readerFor(w.registered, NO_REFS);
    assert.ok(valueEquals((r.read(bytes('ff'.repeat(16))) as Struct).get('amount'), new BigDecimal(-1n, 9)));
    const small = Decimal.builder(0).parameter('connect.decimal.precision', '4').parameter('connect.fixed.size', '2').build();
    assert.throws(() => fmt().writerFor(small).write(new BigDecimal(100000n, 0)), /greater than fixed size 2/);
  });

  test('a string-keyed map is written in Java HashMap order (AvroData copies it into a HashMap)', () => {
    assert.equal(javaStringHash('a'), 97);
    assert.equal(javaStringHash('hello'), 99162322);
    const m = SchemaBuilder.map(Schema.STRING, Schema.INT32).build();
    // "b" (hash 98, bin 2) comes after "a" (97, bin 1) whatever the insertion order.
    assert.equal(hex(fmt().writerFor(m).write(new Map([['b', 2], ['a', 1]]))), '04' + '0261' + '02' + '0262' + '04' + '00');
    assert.deepEqual(javaHashMapOrder(['Aa', 'BB']), [0, 1], 'equal hashes keep insertion order');
    assert.deepEqual(javaHashMapOrder(['BB', 'Aa']), [0, 1]);
    // 13 keys resize the table to 32 bins: "q" (113) lands in bin 17, after "b" (bin 2).
    const keys = 'qwertyuiopasd'.split('');
    assert.deepEqual(javaHashMapOrder(keys).map((i) => keys[i]).join(''), 'adeiopqrstuwy');
  });

  test('the int64 edge range: -2^63, -2^53-1, -2^52-1, the (-2^53, -2^52) range avsc mangles, 2^53+1, 2^63-1', () => {
    const w = fmt().writerFor(Schema.INT64);
    const r = fmt().readerFor(w.registered, NO_REFS);
    const cases: [bigint | number, string][] = [
      [-(2n ** 63n), 'ffffffffffffffffff01'],
      [-(2n ** 53n) - 1n, '8180808080808020'],
      [-(2 ** 52) - 1, '8180808080808010'],
      [-(2 ** 52) - 5, '8980808080808010'],
      [2n ** 53n + 1n, '8280808080808020'],
      [2n ** 63n - 1n, 'feffffffffffffffff01'],
      [-1, '01'],
      [0, '00'],
    ];
    for (const [v, golden] of cases) {
      assert.equal(hex(w.write(v)), golden, `write ${v}`);
      const back = r.read(bytes(golden));
      assert.equal(BigInt(back as number | bigint), BigInt(v), `read ${golden}`);
      assert.equal(typeof back, Number.isSafeInteger(Number(v)) && BigInt(Number(v)) === BigInt(v) ? 'number' : 'bigint');
    }
    assert.throws(() => w.write(2n ** 63n), DataException);
  });
});

describe('AvroConverter: round trips (Connect → Avro bytes → Connect)', () => {
  test('every Connect type and logical type', () => {
    assertRoundTrip(COMPLEX, complexValue());
    assertRoundTrip(Schema.BOOLEAN, true);
    assertRoundTrip(Schema.STRING, 'é ✓ 𝄞');
    assertRoundTrip(Schema.BYTES, utf8('raw'));
    assertRoundTrip(Schema.OPTIONAL_FLOAT64, -0.5);
    assertRoundTrip(Decimal.schema(4), new BigDecimal(-123456789012345678901234567890n, 4));
    assertRoundTrip(LogicalDate.schema(), new Date(-719162 * 86_400_000));
    assertRoundTrip(LogicalTime.schema(), new Date(86_399_999));
    assertRoundTrip(LogicalTimestamp.schema(), new Date(-8.64e15));
    const inner = SchemaBuilder.struct().name('com.acme.Line').field('qty', Schema.INT16).field('note', Schema.OPTIONAL_STRING).build();
    const order = SchemaBuilder.struct().name('com.acme.Order').version(3).doc('an order')
      .field('id', Schema.INT64)
      .field('lines', SchemaBuilder.array(inner).build())
      .field('byLine', SchemaBuilder.map(Schema.INT32, SchemaBuilder.struct().name('com.acme.Line').field('qty', Schema.INT16).field('note', Schema.OPTIONAL_STRING).build()).optional().build())
      .field('tags', SchemaBuilder.map(Schema.STRING, Schema.OPTIONAL_INT64).build())
      .field('price', Decimal.builder(2).parameter('connect.decimal.precision', '10').optional().build())
      .field('status', SchemaBuilder.string().defaultValue('NEW').build())
      .build();
    const value = new Struct(order).put('id', 2n ** 62n).put('lines', [new Struct(inner).put('qty', -3), new Struct(inner).put('qty', 7).put('note', 'x')])
      .put('byLine', new Map([[1, new Struct(inner).put('qty', 1)]])).put('tags', new Map([['a', null], ['b', -(2n ** 60n)]]))
      .put('price', new BigDecimal(1999n, 2)).put('status', 'PAID');
    assertRoundTrip(order, value);
  });

  test('defaults, docs and parameters survive (testFromConnectComplexWithDefaults)', () => {
    const schema = SchemaBuilder.struct().name('D')
      .field('int8', SchemaBuilder.int8().defaultValue(2).doc('int8 field').build())
      .field('int16', SchemaBuilder.int16().defaultValue(12).build())
      .field('int64', SchemaBuilder.int64().defaultValue(-(2n ** 60n)).build())
      .field('float32', SchemaBuilder.float32().defaultValue(Math.fround(12.2)).build())
      .field('bool', SchemaBuilder.bool().defaultValue(true).build())
      .field('bytes', SchemaBuilder.bytes().defaultValue(utf8('foo')).build())
      .field('array', SchemaBuilder.array(Schema.STRING).defaultValue(['a', 'b']).build())
      .field('map', SchemaBuilder.map(Schema.STRING, Schema.INT32).defaultValue(new Map([['field', 1]])).build())
      .field('date', LogicalDate.builder().defaultValue(new Date(100 * 86_400_000)).build())
      .field('time', LogicalTime.builder().defaultValue(new Date(7_200_000)).build())
      .field('ts', LogicalTimestamp.builder().defaultValue(new Date(1_471_229_028)).build())
      .field('decimal', Decimal.builder(5).defaultValue(new BigDecimal(314159n, 5)).build())
      .field('opt', SchemaBuilder.string().optional().defaultValue('x').parameter('p', 'q').build())
      .build();
    const value = new Struct(schema).put('int8', 1).put('int16', 2).put('int64', 3).put('float32', 0.5).put('bool', false)
      .put('bytes', utf8('b')).put('array', []).put('map', new Map()).put('date', new Date(0)).put('time', new Date(1))
      .put('ts', new Date(2)).put('decimal', new BigDecimal(1n, 5)).put('opt', 'y');
    assertRoundTrip(schema, value);
    // A null field is written as its default (Struct.get), unless ignore.default.for.nullables.
    assert.equal((roundTrip(schema, value.put('opt', null)).value as Struct).get('opt'), 'x');
    assert.equal((roundTrip(schema, value, { 'ignore.default.for.nullables': 'true' }).value as Struct).getWithoutDefault('opt'), null);
  });

  test('union structs, enums and fixed bytes (enhanced.avro.schema.support)', () => {
    const config = { 'enhanced.avro.schema.support': 'true' };
    const e = SchemaBuilder.string().name('com.acme.Kind').parameter('io.confluent.connect.avro.Enum', 'com.acme.Kind')
      .parameter('io.confluent.connect.avro.Enum.ONE', 'ONE').parameter('io.confluent.connect.avro.Enum.TWO', 'TWO').build();
    const t1 = SchemaBuilder.struct().name('Test1').field('test', Schema.INT32).optional().build();
    const union = SchemaBuilder.struct().name('io.confluent.connect.avro.Union').field('int', Schema.OPTIONAL_INT32)
      .field('string', Schema.OPTIONAL_STRING).field('Test1', t1).build();
    const fixed = SchemaBuilder.bytes().name('com.acme.Hash').parameter('connect.fixed.size', '4').build();
    const schema = SchemaBuilder.struct().name('com.acme.U').field('u', union).field('k', e).field('h', fixed).build();
    for (const u of [new Struct(union).put('int', 12), new Struct(union).put('string', 's'), new Struct(union).put('Test1', new Struct(t1).put('test', 1))]) {
      assertRoundTrip(schema, new Struct(schema).put('u', u).put('k', 'TWO').put('h', utf8('abcd')), config);
    }
    assert.throws(() => fmt(config).writerFor(schema).write(new Struct(schema).put('u', new Struct(union).put('int', 1)).put('k', 'THREE').put('h', utf8('abcd'))),
      (err: unknown) => err instanceof DataException && /THREE/.test(err.message) && err.context.path === 'k');
  });

  test('values that do not fit their schema are refused with the field path', () => {
    const schema = SchemaBuilder.struct().name('P').field('a', SchemaBuilder.struct().name('Q').field('n', Schema.INT8).build()).build();
    const q = schema.field('a')!.schema;
    assert.throws(() => fmt().writerFor(Schema.BOOLEAN).write(12), DataException);
    assert.throws(() => fmt().writerFor(SchemaBuilder.array(Schema.BOOLEAN).build()).write([12]), DataException);
    assert.throws(() => fmt().writerFor(SchemaBuilder.map(Schema.STRING, Schema.INT32).build()).write(new Map([['x', 12n]])), DataException);
    assert.throws(() => fmt().writerFor(schema).write(new Struct(schema).put('a', new Struct(q).put('n', 1)).put('a', new Struct(q))),
      (err: unknown) => err instanceof DataException && err.context.path === 'a.n');
    const other = SchemaBuilder.struct().name('P').field('a', Schema.OPTIONAL_BOOLEAN).build();
    assert.throws(() => fmt().writerFor(SchemaBuilder.struct().name('P').field('a', Schema.BOOLEAN).build()).write(new Struct(other)), /Mismatching struct schema/);
  });
});

describe('AvroConverter: schemas Confluent\'s Java side registers', () => {
  test('connect.* properties: names, versions, docs, parameters, int8/int16 (testToConnectOptionalPrimitiveWithConnectMetadata)', () => {
    const r = fmt().readerFor(avro('[{"type":"string","connect.name":"io.confluent.stringtype","connect.version":2,"connect.doc":"doc",' +
      '"connect.default":"foo","connect.parameters":{"foo":"bar","baz":"baz"}},"null"]'), NO_REFS);
    const expected = SchemaBuilder.string().doc('doc').defaultValue('foo').name('io.confluent.stringtype').version(2).optional()
      .parameter('foo', 'bar').parameter('baz', 'baz').build();
    assert.ok(schemaEquals(r.schema, expected), String(r.schema));
    assert.equal(r.read(bytes('000c' + hex(utf8('string')))), 'string');
    const i = fmt().readerFor(avro('{"type":"record","name":"Record","fields":[{"name":"int8","type":{"type":"int","connect.type":"int8"}},' +
      '{"name":"int16","type":{"type":"int","connect.type":"int16"}}]}'), NO_REFS);
    assert.deepEqual(i.schema.fields.map((f) => f.schema.type), ['INT8', 'INT16']);
    // Java narrows as byteValue()/shortValue() do.
    assert.deepEqual((i.read(bytes('d804' + '808004')) as Struct).values(), [44, -32768]);
  });

  test('the registry version is the schema version unless connect.version says otherwise (AvroConverterTest)', () => {
    assert.equal(fmt().readerFor(avro('"boolean"'), NO_REFS, 1).schema.version, 1);
    assert.equal(fmt().readerFor(avro('{"type":"record","name":"Foo","fields":[{"name":"key","type":"int"}]}'), NO_REFS, 2).schema.version, 2);
    assert.equal(fmt().readerFor(avro('{"type":"record","name":"Foo","fields":[],"connect.version":7}'), NO_REFS, 2).schema.version, 7);
    assert.throws(() => fmt().readerFor(avro('{"type":"long","connect.version":2,"connect.name":"org.apache.kafka.connect.data.Timestamp","logicalType":"timestamp-millis"}'), NO_REFS),
      /Mismatched versions/);
    assert.throws(() => fmt().readerFor(avro('{"type":"long","connect.version":1,"connect.name":"com.custom.Timestamp","logicalType":"timestamp-millis"}'), NO_REFS),
      /Mismatched names/);
  });

  test('logical types from Avro alone; time-micros, timestamp-micros and uuid stay plain (testToConnect*Avro)', () => {
    const r = fmt().readerFor(avro('{"type":"record","name":"L","fields":[' +
      '{"name":"dec","type":{"type":"bytes","logicalType":"decimal","precision":50,"scale":2}},' +
      '{"name":"dec0","type":{"type":"bytes","logicalType":"decimal","precision":50}},' +
      '{"name":"fix","type":{"type":"fixed","name":"fixed","size":3,"logicalType":"decimal","precision":6,"scale":2}},' +
      '{"name":"day","type":{"type":"int","logicalType":"date"}},{"name":"t","type":{"type":"int","logicalType":"time-millis"}},' +
      '{"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"tmicros","type":{"type":"long","logicalType":"time-micros"}},' +
      '{"name":"tsmicros","type":{"type":"long","logicalType":"timestamp-micros"}},{"name":"id","type":{"type":"string","logicalType":"uuid"}}]}'), NO_REFS);
    const f = (n: string) => r.schema.field(n)!.schema;
    assert.ok(schemaEquals(f('dec'), Decimal.builder(2).parameter('connect.decimal.precision', '50').build()));
    assert.ok(schemaEquals(f('dec0'), Decimal.builder(0).parameter('connect.decimal.precision', '50').build()));
    assert.ok(schemaEquals(f('fix'), Decimal.builder(2).parameter('connect.decimal.precision', '6').parameter('connect.fixed.size', '3').build()));
    assert.ok(schemaEquals(f('day'), LogicalDate.schema()) && schemaEquals(f('t'), LogicalTime.schema()) && schemaEquals(f('ts'), LogicalTimestamp.schema()));
    assert.ok(schemaEquals(f('tmicros'), Schema.INT64) && schemaEquals(f('tsmicros'), Schema.INT64) && schemaEquals(f('id'), Schema.STRING));
    const v = r.read(bytes('04 009c' + '02 9c' + 'ff ff 9c' + 'a09c01' + 'a09c01' + '02' + '02' + '04' + '0261')) as Struct;
    assert.ok(valueEquals(v.get('dec'), new BigDecimal(156n, 2)));
    assert.ok(valueEquals(v.get('dec0'), new BigDecimal(-100n, 0)));
    assert.ok(valueEquals(v.get('fix'), new BigDecimal(-100n, 2)));
    assert.equal((v.get('day') as Date).getTime(), 10_000 * 86_400_000);
    assert.equal(v.get('tsmicros'), 2);
  });

  test('avro.use.logical.type.converters: values of logical types Java converts fail as in Confluent\'s AvroConverter', () => {
    const text = '{"type":"record","name":"L","fields":[{"name":"d","type":{"type":"int","logicalType":"date"}},{"name":"n","type":"int"}]}';
    assert.equal((fmt().readerFor(avro(text), NO_REFS).read(bytes('0204')) as Struct).get('n'), 2);
    assert.throws(() => fmt({ 'avro.use.logical.type.converters': 'true' }).readerFor(avro(text), NO_REFS).read(bytes('0204')),
      /Invalid type for INT32: class java.time.LocalDate/);
    const uuid = fmt({ 'avro.use.logical.type.converters': true }).readerFor(avro('{"type":"string","logicalType":"uuid"}'), NO_REFS);
    assert.throws(() => uuid.read(bytes('0261')), /expecting String or CharSequence but found class java.util.UUID/);
    // A top-level bytes payload never goes through Avro's reader, so a top-level decimal still reads.
    const dec = fmt({ 'avro.use.logical.type.converters': true }).readerFor(avro('{"type":"bytes","logicalType":"decimal","precision":5,"scale":1}'), NO_REFS);
    assert.ok(valueEquals(dec.read(bytes('7b')), new BigDecimal(123n, 1)));
  });

  test('general unions become io.confluent.connect.avro.Union structs (testToConnectUnion, …WithEnhanced, EnumStringUnion)', () => {
    const text = '["int","string",{"type":"record","name":"Test1","fields":[{"name":"test","type":"int"}]},' +
      '{"type":"record","name":"Test2","namespace":"io.confluent","fields":[{"name":"test","type":"int"}]}]';
    const plain = fmt().readerFor(avro(text), NO_REFS);
    assert.deepEqual(plain.schema.fields.map((f) => f.name), ['int', 'string', 'Test1', 'Test2']);
    const enhanced = fmt({ 'enhanced.avro.schema.support': 'true' }).readerFor(avro(text), NO_REFS);
    assert.deepEqual(enhanced.schema.fields.map((f) => f.name), ['int', 'string', 'Test1', 'io.confluent.Test2']);
    assert.equal(enhanced.schema.name, 'io.confluent.connect.avro.Union');
    const v = enhanced.read(bytes('06' + '18')) as Struct;
    assert.equal((v.get('io.confluent.Test2') as Struct).get('test'), 12);
    assert.equal((plain.read(bytes('00' + '18')) as Struct).get('int'), 12);
    assert.throws(() => fmt().readerFor(avro('[{"type":"record","name":"Test1","fields":[]},{"type":"record","name":"Test1","namespace":"x","fields":[]}]'), NO_REFS),
      /Multiple union schemas map to the Connect union field name/);
    const esu = fmt({ 'enhanced.avro.schema.support': 'true' }).readerFor(avro('{"type":"record","name":"EnumStringUnion","namespace":"com.connect.avro",' +
      '"fields":[{"name":"userType","type":["null","string",{"type":"enum","name":"UserType","symbols":["ANONYMOUS","REGISTERED"]}],"default":null}]}'), NO_REFS);
    const union = esu.schema.field('userType')!.schema;
    assert.ok(union.optional);
    assert.deepEqual(union.fields.map((f) => f.name), ['string', 'com.connect.avro.UserType']);
    const read = esu.read(bytes('04' + '02')) as Struct;
    assert.equal((read.get('userType') as Struct).get('com.connect.avro.UserType'), 'REGISTERED');
    // Written back, the value takes the enum branch again (testEnumStringUnion: union index 2).
    assert.equal(hex(fmt({ 'enhanced.avro.schema.support': 'true' }).writerFor(esu.schema).write(read)), '0402');
  });

  test('fixed unions pick the branch by size and name (testToConnectFixedUnion)', () => {
    const r = fmt().readerFor(avro('[{"type":"fixed","name":"sample","size":4},{"type":"fixed","name":"other","size":6},{"type":"fixed","name":"sameOther","size":6}]'), NO_REFS);
    assert.deepEqual(r.schema.fields.map((f) => [f.name, f.schema.name, f.schema.parameters?.get('connect.fixed.size')]),
      [['sample', 'sample', '4'], ['other', 'other', '6'], ['sameOther', 'sameOther', '6']]);
    const v = r.read(bytes('04' + hex(utf8('foobar')))) as Struct;
    assert.equal(Buffer.from(v.get('sameOther') as Uint8Array).toString(), 'foobar');
    const w = fmt().writerFor(r.schema);
    assert.equal(hex(w.write(v)), '04' + hex(utf8('foobar')));
  });

  test('enums without enhanced support are strings with the enum parameters; with it they stay enums (testToConnectEnum)', () => {
    const text = '{"type":"enum","name":"TestEnum","doc":"some documentation","symbols":["foo","bar","baz"]}';
    const r = fmt().readerFor(avro(text), NO_REFS);
    const expected = SchemaBuilder.string().name('TestEnum').parameter('io.confluent.connect.avro.enum.doc.TestEnum', 'some documentation')
      .parameter('io.confluent.connect.avro.Enum', 'TestEnum').parameter('io.confluent.connect.avro.Enum.foo', 'foo')
      .parameter('io.confluent.connect.avro.Enum.bar', 'bar').parameter('io.confluent.connect.avro.Enum.baz', 'baz').build();
    assert.ok(schemaEquals(r.schema, expected));
    assert.equal(r.read(bytes('02')), 'bar');
    assert.throws(() => r.read(bytes('06')), /invalid index 3 for the enum TestEnum/);
  });

  test('field defaults: kept with the field-default flag, enum and float defaults (AdditionalAvroDataTest.testRepeatedTypeWithDefault)', () => {
    const text = '{"name":"RepeatedTypeWithDefault","namespace":"com.rr.avro.test","type":"record","fields":[' +
      '{"name":"stringField","type":"string","default":"field\'s default"},{"name":"anotherStringField","type":"string"},' +
      '{"name":"enumField","default":"ONE","type":{"name":"Kind","type":"enum","symbols":["ONE","TWO","THREE"]}},' +
      '{"name":"anotherEnumField","type":"Kind","default":"TWO"},' +
      '{"name":"enumFieldWithDiffDefault","default":"B","type":{"name":"someKind","type":"enum","symbols":["A","B","C"],"default":"A"}},' +
      '{"name":"enumFieldWithoutDefault","type":"someKind"},{"name":"floatField","type":"float","default":9.18}]}';
    const f = fmt({ 'enhanced.avro.schema.support': 'true' });
    const s = f.readerFor(avro(text), NO_REFS).schema;
    const d = (n: string) => s.field(n)!.schema.defaultValue;
    assert.deepEqual([d('stringField'), d('anotherStringField'), d('enumField'), d('anotherEnumField'), d('enumFieldWithDiffDefault'), d('enumFieldWithoutDefault')],
      ["field's default", null, 'ONE', 'TWO', 'B', null]);
    assert.equal(d('floatField'), Math.fround(9.18));
    assert.equal(s.field('stringField')!.schema.parameters?.get('io.confluent.connect.avro.field.default'), 'true');
    const out = f.writerFor(s).registered.schema;
    assert.match(out, /\{"name":"stringField","type":"string","default":"field's default"\}/, 'the flag puts the default back on the field only');
    assert.match(out, /"name":"enumFieldWithDiffDefault","type":\{"type":"enum","name":"someKind","symbols":\["A","B","C"\],"default":"A",/);
    assert.match(out, /\{"name":"floatField","type":"float","default":9.180000305175781\}/);
    const noMeta = fmt({ 'enhanced.avro.schema.support': 'true', 'connect.meta.data': 'false' }).readerFor(avro(text), NO_REFS).schema;
    assert.equal(noMeta.field('stringField')!.schema.parameters, undefined);
  });

  test('defaults from connect.default (testIntWithConnectDefault, testLongWithConnectDefault) and arrays of records (testArrayOfRecordsWithDefaultValue)', () => {
    const ints = fmt().readerFor(avro('{"type":"record","name":"SomeThing","namespace":"com.acme.property","fields":[' +
      '{"name":"f","type":{"type":"int","connect.default":42,"connect.version":1}},{"name":"g","type":{"type":"long","connect.default":42}},' +
      '{"name":"h","type":"float","default":[1.23]}]}'), NO_REFS).schema;
    assert.equal(ints.field('f')!.schema.defaultValue, 42);
    assert.equal(ints.field('g')!.schema.defaultValue, 42);
    assert.equal(ints.field('h')!.schema.defaultValue, null, 'an invalid default is ignored');
    const arr = fmt().readerFor(avro('{"type":"record","name":"ArrayOfRecordsWithDefault","namespace":"com.connect.avro","fields":[{"name":"records",' +
      '"type":{"type":"array","items":{"type":"record","name":"ArrayItem","fields":[{"name":"itemName","type":"string"},{"name":"itemValue","type":"string"},' +
      '{"name":"itemValueNullable","type":["null","string"],"default":null}]}},"default":[{"itemName":"item1","itemValue":"value1"},' +
      '{"itemName":"item2","itemValue":"value2"}]}]}'), NO_REFS).schema;
    const items = arr.field('records')!.schema.defaultValue as Struct[];
    assert.deepEqual(items.map((i) => [i.get('itemName'), i.get('itemValue')]), [['item1', 'value1'], ['item2', 'value2']]);
  });

  test('record and field docs become parameters and come back (testToConnectRecordWithMetadata, DocTestRecord)', () => {
    const text = '{"type":"record","name":"DocTestRecord","namespace":"io.test.avro.doc","doc":"Some record document.","fields":[{"name":"obj",' +
      '"type":{"type":"record","name":"DocTestRecord1","doc":"Some nested record document.","fields":[{"name":"data","type":"string",' +
      '"doc":"Some nested record field document."}]},"doc":"Some field document."}]}';
    const s = fmt().readerFor(avro(text), NO_REFS).schema;
    assert.equal(s.parameters?.get('io.confluent.connect.avro.record.doc'), 'Some record document.');
    assert.equal(s.parameters?.get('io.confluent.connect.avro.field.doc.obj'), 'Some field document.');
    const back = fmt().writerFor(s).registered.schema;
    assert.equal(back, '{"type":"record","name":"DocTestRecord","namespace":"io.test.avro.doc","doc":"Some record document.","fields":[' +
      '{"name":"obj","type":{"type":"record","name":"DocTestRecord1","doc":"Some nested record document.","fields":[{"name":"data","type":"string",' +
      '"doc":"Some nested record field document."}],"connect.parameters":{"io.confluent.connect.avro.record.doc":"Some nested record document.",' +
      '"io.confluent.connect.avro.field.doc.data":"Some nested record field document."},"connect.name":"io.test.avro.doc.DocTestRecord1"},' +
      '"doc":"Some field document."}],"connect.parameters":{"io.confluent.connect.avro.record.doc":"Some record document.",' +
      '"io.confluent.connect.avro.field.doc.obj":"Some field document."},"connect.name":"io.test.avro.doc.DocTestRecord"}');
  });

  test('multi-type unions of records (MultiTypeUnionMessage) and Avro-only properties (avro.java.string)', () => {
    const text = '{"type":"record","name":"MultiTypeUnionMessage","namespace":"io.test.avro.union","fields":[{"name":"CompositeRecord","type":' +
      '["null",{"type":"record","name":"FirstOption","fields":[{"name":"x","type":"string"},{"name":"y","type":"long"}]},' +
      '{"type":"record","name":"SecondOption","fields":[{"name":"a","type":{"type":"string","avro.java.string":"String"}},{"name":"b","type":"long"}]},' +
      '{"type":"array","items":"string"}]}]}';
    const r = fmt({ 'enhanced.avro.schema.support': 'true', 'connect.meta.data': 'false' }).readerFor(avro(text), NO_REFS);
    const union = r.schema.field('CompositeRecord')!.schema;
    assert.deepEqual(union.fields.map((f) => f.name), ['io.test.avro.union.FirstOption', 'io.test.avro.union.SecondOption', 'array']);
    assert.equal(union.field('io.test.avro.union.SecondOption')!.schema.field('a')!.schema.parameters?.get('avro.java.string'), 'String');
    const v = r.read(bytes('04' + '0278' + '04')) as Struct;
    assert.equal(((v.get('CompositeRecord') as Struct).get('io.test.avro.union.SecondOption') as Struct).get('b'), 2);
    // Written back with meta data off: the same schema Java started from (AdditionalAvroDataTest.testComplexUnionSchema).
    const w = fmt({ 'enhanced.avro.schema.support': 'true', 'connect.meta.data': 'false' }).writerFor(r.schema);
    // Back with meta data off it is the schema Java started from, the optional field now defaulting to null.
    assert.equal(w.registered.schema, `${text.slice(0, -3)},"default":null}]}`);
    assert.equal(hex(w.write(v)), '04' + '0278' + '04');
  });

  test('schema references: named types defined in the referenced schemas, in any order', () => {
    const customer = '{"type":"record","name":"Customer","namespace":"com.acme.common","fields":[{"name":"id","type":"long"},{"name":"address","type":"com.acme.common.Address"}]}';
    const address = '{"type":"record","name":"Address","namespace":"com.acme.common","fields":[{"name":"city","type":"string"}]}';
    const order = avro('{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"c","type":"com.acme.common.Customer"}]}',
      [{ name: 'com.acme.common.Customer', subject: 'customer', version: 1 }]);
    const r = fmt().readerFor(order, new Map([['com.acme.common.Customer', customer], ['com.acme.common.Address', address]]));
    assert.equal(String(r.schema), 'struct com.acme.Order{c:struct com.acme.common.Customer{id:int64,address:struct com.acme.common.Address{city:string}}}');
    const v = r.read(bytes('02' + '08' + hex(utf8('Oslo')))) as Struct;
    assert.equal(((v.get('c') as Struct).get('address') as Struct).get('city'), 'Oslo');
    assert.throws(() => fmt().readerFor(order, NO_REFS), /reference com.acme.common.Customer .* was not resolved/);
  });

  test('what Connect cannot hold is refused: recursive types, standalone null, Anything with a schema', () => {
    assert.throws(() => fmt().readerFor(avro('{"type":"record","name":"linked_list","fields":[{"name":"value","type":"long"},' +
      '{"name":"next","type":["null","linked_list"],"default":null}]}'), NO_REFS), /recursive/);
    assert.throws(() => fmt().readerFor(avro('"null"'), NO_REFS), /Standalone null schemas are not supported/);
    assert.throws(() => fmt().readerFor({ schemaType: 'PROTOBUF', schema: 'syntax = "proto3";' }, NO_REFS), /not AVRO/);
  });

  test('reading checks the data: truncated payloads, bad union indexes and overlong varints fail with a DataException', () => {
    const r = fmt().readerFor(avro('{"type":"record","name":"R","fields":[{"name":"s","type":"string"},{"name":"u","type":["null","int"]}]}'), NO_REFS);
    assert.throws(() => r.read(bytes('0a6869')), /ends too early/);
    assert.throws(() => r.read(bytes('00' + '06')), /invalid Avro union index 3/);
    assert.throws(() => fmt().readerFor(avro('"long"'), NO_REFS).read(bytes('ffffffffffffffffffff01')), /longer than 10 bytes/);
  });
});

describe('AvroConverter: use.latest.version (writerForRegistered)', () => {
  test('fields are matched by name (AvroConverterTest.testSingleFieldSerialization); a field the value lacks falls back to its position', () => {
    const registered = avro('{"type":"record","name":"MySchema","fields":[{"name":"id","type":"string"}]}');
    const s1 = SchemaBuilder.struct().field('foo', Schema.STRING).field('id', Schema.STRING).build();
    const s2 = SchemaBuilder.struct().field('id', Schema.STRING).field('foo', Schema.STRING).build();
    const f = fmt();
    const w1 = f.writerForRegistered(s1, registered, NO_REFS);
    const w2 = f.writerForRegistered(s2, registered, NO_REFS);
    assert.equal(w1.recordName, 'MySchema');
    assert.equal(w1.registered, registered);
    const b1 = w1.write(new Struct(s1).put('foo', '123').put('id', '456'));
    assert.equal(hex(b1), hex(w2.write(new Struct(s2).put('id', '456').put('foo', '123'))));
    assert.equal((f.readerFor(registered, NO_REFS).read(b1) as Struct).get('id'), '456');
    const byPosition = f.writerForRegistered(SchemaBuilder.struct().field('ID', Schema.STRING).build(), registered, NO_REFS);
    const s3 = SchemaBuilder.struct().field('ID', Schema.STRING).build();
    assert.equal(hex(byPosition.write(new Struct(s3).put('ID', '7'))), '0237');
  });

  test('numbers convert as Java\'s Number does; a union needs a branch of the value\'s type; enum symbols by name', () => {
    const f = fmt({ 'enhanced.avro.schema.support': 'true' });
    const s = SchemaBuilder.struct().name('R').field('n', Schema.INT32).build();
    assert.equal(hex(f.writerForRegistered(s, avro('{"type":"record","name":"R","fields":[{"name":"n","type":"long"}]}'), NO_REFS).write(new Struct(s).put('n', -1))), '01');
    assert.equal(hex(f.writerForRegistered(s, avro('{"type":"record","name":"R","fields":[{"name":"n","type":"double"}]}'), NO_REFS).write(new Struct(s).put('n', 1))),
      '000000000000f03f');
    assert.throws(() => f.writerForRegistered(s, avro('{"type":"record","name":"R","fields":[{"name":"n","type":["null","string"]}]}'), NO_REFS).write(new Struct(s).put('n', 1)),
      /Not in union null, string/);
    const e = SchemaBuilder.string().name('E').parameter('io.confluent.connect.avro.Enum', 'E').parameter('io.confluent.connect.avro.Enum.B', 'B').build();
    assert.equal(hex(f.writerForRegistered(e, avro('{"type":"enum","name":"E","symbols":["A","B"]}'), NO_REFS).write('B')), '02');
    assert.throws(() => f.writerForRegistered(Schema.STRING, avro('{"type":"enum","name":"E","symbols":["A","B"]}'), NO_REFS).write('B'),
      /cannot be written as Avro E/);
  });
});

describe('AvroConverter: configuration', () => {
  test('booleans as Kafka reads them; a bad value names the key', () => {
    assert.doesNotThrow(() => fmt({ 'connect.meta.data': ' FALSE ', 'schemas.cache.config': '5' }));
    assert.throws(() => fmt({ 'scrub.invalid.names': 'yes' }), /scrub.invalid.names/);
    assert.throws(() => fmt({ 'schemas.cache.config': 'many' }), /schemas.cache.config/);
  });

  test('a null value has no payload: the converter writes a null message', () => {
    assert.throws(() => fmt().writerFor(Schema.OPTIONAL_BOOLEAN).write(null), /null value has no Avro payload/);
  });
});
