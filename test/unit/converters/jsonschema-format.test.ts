import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BigDecimal,
  DataException,
  Decimal,
  LogicalDate,
  LogicalTime,
  LogicalTimestamp,
  Schema,
  SchemaBuilder,
  Struct,
  schemaEquals,
  valueEquals,
} from '../../../src/data/index.js';
import { JsonSchemaConfigException, jsonSchemaFormat, type JsonSchemaFormat } from '../../../src/converters/jsonschema/index.js';
import type { FormatReader } from '../../../src/converters/schema-registry/format.js';
import { copiedHashMapOrder, hashMapOrder, javaHashCode, sizedHashMapOrder } from '../../../src/converters/jsonschema/java-hash-order.js';

const ONE_OF = 'io.confluent.connect.json.OneOf';
const ENUM = 'io.confluent.connect.json.Enum';
const enc = new TextEncoder();
const dec = new TextDecoder();

function format(config: Record<string, unknown> = {}): JsonSchemaFormat {
  return jsonSchemaFormat(config, false) as JsonSchemaFormat;
}
const schemaText = (schema: Schema, config: Record<string, unknown> = {}): string => format(config).writerFor(schema).registered.schema;
const payload = (schema: Schema, value: unknown, config: Record<string, unknown> = {}): string =>
  dec.decode(format(config).writerFor(schema).write(value));
function reader(text: string, config: Record<string, unknown> = {}, resolved = new Map<string, string>(), version?: number): FormatReader {
  return format(config).readerFor({ schemaType: 'JSON', schema: text }, resolved, version);
}
const readJson = (text: string, json: string, config: Record<string, unknown> = {}): unknown => reader(text, config).read(enc.encode(json));

/** Writes with one format, registers the text, reads with a fresh format: schema and value come back. */
function roundTrip(schema: Schema, value: unknown, config: Record<string, unknown> = {}): { schema: Schema; value: unknown } {
  const w = format(config).writerFor(schema);
  const r = format(config).readerFor(w.registered, new Map());
  return { schema: r.schema, value: r.read(w.write(value)) };
}
function assertRoundTrip(schema: Schema, value: unknown, config: Record<string, unknown> = {}): void {
  const back = roundTrip(schema, value, config);
  assert.ok(schemaEquals(back.schema, schema), `schema: ${back.schema} != ${schema}`);
  assert.ok(valueEquals(back.value, value), `value: ${String(back.value)} != ${String(value)}`);
}
function throwsData(fn: () => unknown, re: RegExp): DataException {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof DataException, `expected a DataException, got ${String(caught)}`);
  assert.match(caught.message, re);
  return caught;
}

describe('Java HashMap order', () => {
  test('String.hashCode as Java computes it', () => {
    assert.equal(javaHashCode(''), 0);
    assert.equal(javaHashCode('a'), 97);
    assert.equal(javaHashCode('hello'), 99162322);
    assert.equal(javaHashCode('polygenelubricants'), -2147483648);
    assert.equal(javaHashCode(null), 0);
  });

  test('iteration follows buckets, then insertion inside a bucket', () => {
    // "Aa" and "BB" share a hash code: they stay in insertion order
    assert.deepEqual(hashMapOrder(['BB', 'Aa']), ['BB', 'Aa']);
    assert.deepEqual(hashMapOrder(['Aa', 'BB']), ['Aa', 'BB']);
    assert.deepEqual(hashMapOrder(['b', 'a', 'c']), ['a', 'b', 'c']);
    // 17 keys grow the table from 16 to 32 buckets
    const keys = Array.from({ length: 17 }, (_, i) => `k${i}`);
    assert.deepEqual(new Set(hashMapOrder(keys)), new Set(keys));
  });

  test('copies and sized maps can order differently from a default map', () => {
    const keys = ['connect.type', 'connect.version', 'connect.index'];
    assert.deepEqual(copiedHashMapOrder(hashMapOrder(keys)), ['connect.index', 'connect.version', 'connect.type']);
    assert.deepEqual(sizedHashMapOrder(['scale', 'connect.decimal.precision'], 2).length, 2);
  });
});

describe('Connect schema → registered JSON Schema text', () => {
  test('a Debezium envelope, byte for byte as Confluent registered it (golden from a Kafka Connect log)', () => {
    const value = SchemaBuilder.struct().name('dbserver1.public.timmyb32r_favourite_table.Value').optional()
      .field('id', Schema.INT32).field('val', Schema.OPTIONAL_STRING).build();
    const source = SchemaBuilder.struct().name('io.debezium.connector.postgresql.Source')
      .field('version', Schema.STRING).field('connector', Schema.STRING).field('name', Schema.STRING).field('ts_ms', Schema.INT64)
      .field('snapshot', SchemaBuilder.string().optional().name('io.debezium.data.Enum').version(1)
        .parameter('allowed', 'true,last,false,incremental').defaultValue('false').build())
      .field('db', Schema.STRING).field('sequence', Schema.OPTIONAL_STRING).field('schema', Schema.STRING).field('table', Schema.STRING)
      .field('txId', Schema.OPTIONAL_INT64).field('lsn', Schema.OPTIONAL_INT64).field('xmin', Schema.OPTIONAL_INT64).build();
    const block = SchemaBuilder.struct().name('event.block').version(1).optional()
      .field('id', Schema.STRING).field('total_order', Schema.INT64).field('data_collection_order', Schema.INT64).build();
    const envelope = SchemaBuilder.struct().name('dbserver1.public.timmyb32r_favourite_table.Envelope').version(1)
      .field('before', value).field('after', value).field('source', source).field('op', Schema.STRING)
      .field('ts_ms', Schema.OPTIONAL_INT64).field('transaction', block).build();
    const valueText = '{"type":"object","title":"dbserver1.public.timmyb32r_favourite_table.Value","properties":{"val":{"connect.index":1,"oneOf":[{"type":"null"},{"type":"string"}]},"id":{"type":"integer","connect.index":0,"connect.type":"int32"}}}';
    const expected = '{"type":"object","title":"dbserver1.public.timmyb32r_favourite_table.Envelope","connect.version":1,"properties":{'
      + '"op":{"type":"string","connect.index":3},'
      + `"before":{"connect.index":0,"oneOf":[{"type":"null"},${valueText}]},`
      + `"after":{"connect.index":1,"oneOf":[{"type":"null"},${valueText}]},`
      + '"source":{"type":"object","title":"io.debezium.connector.postgresql.Source","connect.index":2,"properties":{'
      + '"schema":{"type":"string","connect.index":7},"sequence":{"connect.index":6,"oneOf":[{"type":"null"},{"type":"string"}]},'
      + '"xmin":{"connect.index":11,"oneOf":[{"type":"null"},{"type":"integer","connect.type":"int64"}]},'
      + '"connector":{"type":"string","connect.index":1},'
      + '"lsn":{"connect.index":10,"oneOf":[{"type":"null"},{"type":"integer","connect.type":"int64"}]},'
      + '"name":{"type":"string","connect.index":2},'
      + '"txId":{"connect.index":9,"oneOf":[{"type":"null"},{"type":"integer","connect.type":"int64"}]},'
      + '"version":{"type":"string","connect.index":0},"ts_ms":{"type":"integer","connect.index":3,"connect.type":"int64"},'
      + '"snapshot":{"connect.index":4,"oneOf":[{"type":"null"},{"type":"string","title":"io.debezium.data.Enum","default":"false","connect.version":1,"connect.parameters":{"allowed":"true,last,false,incremental"}}]},'
      + '"db":{"type":"string","connect.index":5},"table":{"type":"string","connect.index":8}}},'
      + '"ts_ms":{"connect.index":4,"oneOf":[{"type":"null"},{"type":"integer","connect.type":"int64"}]},'
      + '"transaction":{"connect.index":5,"oneOf":[{"type":"null"},{"type":"object","title":"event.block","connect.version":1,"properties":{'
      + '"data_collection_order":{"type":"integer","connect.index":2,"connect.type":"int64"},"id":{"type":"string","connect.index":0},'
      + '"total_order":{"type":"integer","connect.index":1,"connect.type":"int64"}}}]}}}';
    assert.equal(schemaText(envelope), expected);
    assert.equal(format().writerFor(envelope).recordName, 'dbserver1.public.timmyb32r_favourite_table.Envelope');
    assert.ok(schemaEquals(reader(expected).schema, envelope));
  });

  test('object.additional.properties=false, as Confluent registered it (golden from a Kafka Connect log)', () => {
    const schema = SchemaBuilder.struct().name('server1.dbo.customers.Value')
      .field('id', Schema.INT32).field('first_name', Schema.STRING).field('email', Schema.STRING).field('phone_number', Schema.OPTIONAL_STRING).build();
    const props = '"properties":{"phone_number":{"connect.index":3,"oneOf":[{"type":"null"},{"type":"string"}]},"id":{"type":"integer","connect.index":0,"connect.type":"int32"},"first_name":{"type":"string","connect.index":1},"email":{"type":"string","connect.index":2}}';
    assert.equal(schemaText(schema), `{"type":"object","title":"server1.dbo.customers.Value",${props}}`);
    assert.equal(schemaText(schema, { 'object.additional.properties': 'false' }),
      `{"type":"object","additionalProperties":false,"title":"server1.dbo.customers.Value",${props}}`);
  });

  test('primitive types (JsonSchemaDataTest.testFromConnect*)', () => {
    const cases: [Schema, string][] = [
      [Schema.BOOLEAN, '{"type":"boolean"}'],
      [Schema.INT8, '{"type":"integer","connect.type":"int8"}'],
      [Schema.INT16, '{"type":"integer","connect.type":"int16"}'],
      [Schema.INT32, '{"type":"integer","connect.type":"int32"}'],
      [Schema.INT64, '{"type":"integer","connect.type":"int64"}'],
      [Schema.FLOAT32, '{"type":"number","connect.type":"float32"}'],
      [Schema.FLOAT64, '{"type":"number","connect.type":"float64"}'],
      [Schema.STRING, '{"type":"string"}'],
      [Schema.BYTES, '{"type":"string","connect.type":"bytes"}'],
      [Schema.OPTIONAL_BOOLEAN, '{"oneOf":[{"type":"null"},{"type":"boolean"}]}'],
      [Schema.OPTIONAL_INT32, '{"oneOf":[{"type":"null"},{"type":"integer","connect.type":"int32"}]}'],
    ];
    for (const [schema, text] of cases) assert.equal(schemaText(schema), text, String(schema));
  });

  test('logical types: title with the logical name, connect.version and connect.parameters', () => {
    assert.equal(schemaText(Decimal.schema(2)),
      '{"type":"string","title":"org.apache.kafka.connect.data.Decimal","connect.version":1,"connect.type":"bytes","connect.parameters":{"scale":"2"}}');
    assert.equal(schemaText(Decimal.schema(2), { 'decimal.format': 'numeric' }),
      '{"type":"number","title":"org.apache.kafka.connect.data.Decimal","connect.version":1,"connect.type":"bytes","connect.parameters":{"scale":"2"}}');
    assert.equal(schemaText(LogicalDate.schema()),
      '{"type":"integer","title":"org.apache.kafka.connect.data.Date","connect.version":1,"connect.type":"int32"}');
    assert.equal(schemaText(LogicalTime.schema()),
      '{"type":"integer","title":"org.apache.kafka.connect.data.Time","connect.version":1,"connect.type":"int32"}');
    assert.equal(schemaText(LogicalTimestamp.builder().defaultValue(new Date(0)).build()),
      '{"type":"integer","title":"org.apache.kafka.connect.data.Timestamp","default":0,"connect.version":1,"connect.type":"int64"}');
    const field = SchemaBuilder.struct().field('ts', LogicalTimestamp.schema()).build();
    assert.equal(schemaText(field),
      '{"type":"object","properties":{"ts":{"type":"integer","title":"org.apache.kafka.connect.data.Timestamp","connect.index":0,"connect.version":1,"connect.type":"int64"}}}');
  });

  test('maps: string keys as objects with additionalProperties, other keys as arrays of key/value entries', () => {
    // JsonSchemaDataTest.NAMED_JSON_MAP_SCHEMA
    assert.equal(schemaText(SchemaBuilder.map(Schema.STRING, Schema.INT32).name('foo.bar').build()),
      '{"type":"object","title":"foo.bar","connect.type":"map","additionalProperties":{"type":"integer","connect.type":"int32"}}');
    assert.equal(schemaText(SchemaBuilder.map(Schema.INT32, Schema.INT32).build()),
      '{"type":"array","connect.type":"map","items":{"type":"object","properties":{"value":{"type":"integer","connect.index":1,"connect.type":"int32"},"key":{"type":"integer","connect.index":0,"connect.type":"int32"}}}}');
    assert.equal(schemaText(SchemaBuilder.map(Schema.OPTIONAL_STRING, Schema.INT32).build()),
      '{"type":"array","connect.type":"map","items":{"type":"object","properties":{"value":{"type":"integer","connect.index":1,"connect.type":"int32"},"key":{"connect.index":0,"oneOf":[{"type":"null"},{"type":"string"}]}}}}');
  });

  test('arrays, docs, versions, parameters', () => {
    assert.equal(schemaText(SchemaBuilder.array(Schema.OPTIONAL_STRING).doc('names').build()),
      '{"type":"array","description":"names","items":{"oneOf":[{"type":"null"},{"type":"string"}]}}');
    const rec = SchemaBuilder.struct().name('Rec').version(3).doc('d').parameter('a', '1').parameter('b', '2')
      .parameter('io.confluent.connect.json.Internal', 'dropped').field('x', Schema.INT32).build();
    assert.equal(schemaText(rec),
      '{"type":"object","title":"Rec","description":"d","connect.version":3,"connect.parameters":{"a":"1","b":"2"},"properties":{"x":{"type":"integer","connect.index":0,"connect.type":"int32"}}}');
  });

  test('enums and unions', () => {
    const e = SchemaBuilder.string().parameter(ENUM, '').parameter(`${ENUM}.one`, 'one').parameter(`${ENUM}.two`, 'two')
      .parameter(`${ENUM}.three`, 'three').parameter(`${ENUM}.<NULL>`, '<NULL>').build();
    // everit prints the values of a HashSet
    assert.equal(schemaText(e), '{"enum":[null,"one","two","three"]}');
    const g = SchemaBuilder.string().parameter('org.apache.kafka.connect.data.Enum', '')
      .parameter('org.apache.kafka.connect.data.Enum.one', '0').parameter('org.apache.kafka.connect.data.Enum.two', '1').build();
    assert.equal(schemaText(g, { 'generalized.sum.type.support': true }),
      '{"enum":["one","two"],"connect.parameters":{"org.apache.kafka.connect.data.Enum.two":"1","org.apache.kafka.connect.data.Enum":"","org.apache.kafka.connect.data.Enum.one":"0"}}');
    const u = SchemaBuilder.struct().name(ONE_OF).field(`${ONE_OF}.field.0`, Schema.OPTIONAL_INT32).field(`${ONE_OF}.field.1`, Schema.OPTIONAL_STRING).build();
    assert.equal(schemaText(u), '{"oneOf":[{"type":"integer","connect.index":0,"connect.type":"int32"},{"type":"string","connect.index":1}]}');
    assert.equal(format().writerFor(u).recordName, undefined);
  });

  test('defaults: printed as org.json prints them, then as Jackson reprints them', () => {
    const d = (s: Schema) => /"default":(.*?)(,"connect|,"type|,"items|,"additional|}$)/.exec(schemaText(s))?.[1];
    assert.equal(d(SchemaBuilder.float64().defaultValue(1e10).build()), '1.0E+10');
    assert.equal(d(SchemaBuilder.float64().defaultValue(12.0).build()), '12');
    assert.equal(d(SchemaBuilder.float64().defaultValue(12.2).build()), '12.2');
    assert.equal(d(SchemaBuilder.float32().defaultValue(1e-5).build()), '0.000010');
    assert.equal(d(SchemaBuilder.int64().defaultValue(2n ** 62n).build()), '4611686018427387904');
    assert.equal(d(Decimal.builder(2).defaultValue(new BigDecimal(150n, 2)).build()), '"AJY="');
    assert.equal(d(SchemaBuilder.bytes().defaultValue(enc.encode('foo')).build()), '"Zm9v"');
    assert.equal(d(SchemaBuilder.array(Schema.STRING).defaultValue(['a', 'b', 'c']).build()), '["a","b","c"]');
    assert.equal(schemaText(Decimal.builder(4).defaultValue(new BigDecimal(15600n, 4)).build(), { 'decimal.format': 'NUMERIC' }),
      '{"type":"number","title":"org.apache.kafka.connect.data.Decimal","default":1.56,"connect.version":1,"connect.type":"bytes","connect.parameters":{"scale":"4"}}');
    const m = SchemaBuilder.map(Schema.STRING, Schema.INT32).defaultValue(new Map([['b', 1], ['a', 2]])).build();
    assert.equal(schemaText(m), '{"type":"object","default":{"a":2,"b":1},"connect.type":"map","additionalProperties":{"type":"integer","connect.type":"int32"}}');
    assert.equal(schemaText(SchemaBuilder.bool().defaultValue(true).doc('bool field').build()), '{"description":"bool field","default":true,"type":"boolean"}');
    throwsData(() => schemaText(SchemaBuilder.float64().defaultValue(Number.NaN).build()), /non-finite/);
  });

  test('strings are escaped as Jackson writes a Java String', () => {
    const s = SchemaBuilder.struct().name('q"\\\n\u0001é😀').build();
    assert.equal(schemaText(s), '{"type":"object","title":"q\\"\\\\\\n\\u0001é😀"}');
  });

  test('the same Connect schema gives the same writer', () => {
    const f = format();
    assert.equal(f.writerFor(Schema.INT32), f.writerFor(Schema.INT32));
  });
});

describe('Connect value → payload', () => {
  const complex = SchemaBuilder.struct()
    .field('int8', Schema.INT8).field('int16', Schema.INT16).field('int32', Schema.INT32).field('int64', Schema.INT64)
    .field('float32', Schema.FLOAT32).field('float64', Schema.FLOAT64).field('boolean', Schema.BOOLEAN).field('string', Schema.STRING)
    .field('bytes', Schema.BYTES).field('array', SchemaBuilder.array(Schema.STRING).build())
    .field('map', SchemaBuilder.map(Schema.STRING, Schema.INT32).build()).build();
  const complexValue = new Struct(complex).put('int8', 12).put('int16', 12).put('int32', 12).put('int64', 12).put('float32', 12.2)
    .put('float64', 12.2).put('boolean', true).put('string', 'foo').put('bytes', enc.encode('foo')).put('array', ['a', 'b', 'c'])
    .put('map', new Map([['field', 1]]));

  test('golden bytes for JsonSchemaConverterTest.testComplex', () => {
    assert.equal(payload(complex, complexValue),
      '{"int8":12,"int16":12,"int32":12,"int64":12,"float32":12.2,"float64":12.2,"boolean":true,"string":"foo","bytes":"Zm9v","array":["a","b","c"],"map":{"field":1}}');
  });

  test('numbers as Java prints them', () => {
    assert.equal(payload(Schema.FLOAT64, 1e21), '1.0E21');
    assert.equal(payload(Schema.FLOAT64, 100), '100.0');
    assert.equal(payload(Schema.FLOAT64, 0.001), '0.001');
    assert.equal(payload(Schema.FLOAT64, 0.0001), '1.0E-4');
    assert.equal(payload(Schema.FLOAT32, 0.1), '0.1');
    assert.equal(payload(Schema.FLOAT32, 16777217), '1.6777216E7');
    assert.equal(payload(Schema.FLOAT64, Number.NaN), '"NaN"');
    assert.equal(payload(Schema.FLOAT64, -Infinity), '"-Infinity"');
    assert.equal(payload(Schema.INT64, 2n ** 63n - 1n), '9223372036854775807');
  });

  test('logical types', () => {
    assert.equal(payload(Decimal.schema(2), new BigDecimal(156n, 2)), '"AJw="');
    assert.equal(payload(Decimal.schema(2), new BigDecimal(156n, 2), { 'decimal.format': 'NUMERIC' }), '1.56');
    assert.equal(payload(Decimal.schema(4), new BigDecimal(15600n, 4), { 'decimal.format': 'NUMERIC' }), '1.5600');
    assert.equal(payload(Decimal.schema(0), new BigDecimal(-5n, -3), { 'decimal.format': 'NUMERIC' }), '-5E+3');
    assert.equal(payload(LogicalDate.schema(), new Date(Date.UTC(1970, 0, 11))), '10');
    assert.equal(payload(LogicalTime.schema(), new Date(3_600_000)), '3600000');
    assert.equal(payload(LogicalTimestamp.schema(), new Date(1234567890)), '1234567890');
    throwsData(() => payload(Decimal.schema(2), new BigDecimal(1n, 3)), /scale/);
  });

  test('null fields: defaults, nulls, omitted required fields; ignore.default.for.nullables', () => {
    const s = SchemaBuilder.struct()
      .field('a', SchemaBuilder.int32().optional().defaultValue(7).build())
      .field('b', Schema.OPTIONAL_STRING)
      .field('c', Schema.STRING)
      .build();
    const v = new Struct(s);
    assert.equal(payload(s, v), '{"a":7,"b":null}');
    assert.equal(payload(s, v, { 'ignore.default.for.nullables': 'true' }), '{"a":null,"b":null}');
    assert.equal(payload(Schema.OPTIONAL_STRING, null), 'null');
    assert.equal(payload(SchemaBuilder.string().defaultValue('x').build(), null), '"x"');
    throwsData(() => payload(Schema.STRING, null), /required/);
  });

  test('maps with other keys, nulls in arrays and maps, unions, strings', () => {
    const m = SchemaBuilder.map(Schema.INT32, Schema.OPTIONAL_STRING).build();
    assert.equal(payload(m, new Map([[1, 'x'], [2, null]])), '[{"key":1,"value":"x"},{"key":2,"value":null}]');
    assert.equal(payload(SchemaBuilder.array(Schema.OPTIONAL_INT32).build(), [1, null]), '[1,null]');
    const u = SchemaBuilder.struct().name(ONE_OF).field(`${ONE_OF}.field.0`, Schema.OPTIONAL_INT32).field(`${ONE_OF}.field.1`, Schema.OPTIONAL_STRING).build();
    assert.equal(payload(u, new Struct(u).put(`${ONE_OF}.field.1`, 'x')), '"x"');
    // Jackson's UTF-8 generator escapes control characters and every surrogate
    assert.equal(payload(Schema.STRING, 'a"\\\n\u0001é😀'), '"a\\"\\\\\\n\\u0001é\\uD83D\\uDE00"');
  });

  test('invalid values fail with the field path', () => {
    const s = SchemaBuilder.struct().field('list', SchemaBuilder.array(Schema.INT8).build()).build();
    const bad = { schema: s, values: () => [], get: () => [1, 300] } as unknown as Struct;
    throwsData(() => payload(s, bad), /Invalid type for STRUCT/);
    const other = SchemaBuilder.struct().field('x', Schema.INT32).build();
    throwsData(() => payload(s, new Struct(other).put('x', 1)), /Mismatching schema/);
    const e = throwsData(() => payload(SchemaBuilder.array(Schema.INT8).build(), [1, 300]), /Invalid type for INT8/);
    assert.equal(e.context.path, '[1]');
    throwsData(() => payload(Schema.INT32, 1.5), /Invalid type for INT32/);
    throwsData(() => payload(Schema.INT64, 2 ** 60), /Invalid type for INT64/);
  });
});

describe('payload → Connect value', () => {
  test('structs, missing and null fields, defaults', () => {
    const s = SchemaBuilder.struct().name('Record')
      .field('int8', Schema.INT8).field('string', Schema.STRING)
      .field('opt', Schema.OPTIONAL_STRING).field('dflt', SchemaBuilder.int32().defaultValue(5).build()).build();
    const text = schemaText(s);
    const v = readJson(text, '{"int8":12,"opt":null,"extra":true}') as Struct;
    assert.equal(v.get('int8'), 12);
    assert.equal(v.getWithoutDefault('string'), null); // a missing required field stays unset, as in Confluent
    assert.equal(v.get('dflt'), 5);
    throwsData(() => readJson(text, '{"int8":null}'), /Invalid null value for required INT8 field/);
    throwsData(() => readJson(text, '[1]'), /Structs should be encoded as JSON objects, but found ARRAY/);
  });

  test('numbers: exact, range-checked; NaN strings; floats correctly rounded', () => {
    const t = (s: Schema) => schemaText(s);
    assert.equal(readJson(t(Schema.INT64), '9223372036854775807'), 2n ** 63n - 1n);
    assert.equal(readJson(t(Schema.INT32), '12.0'), 12);
    throwsData(() => readJson(t(Schema.INT8), '128'), /out of range/);
    throwsData(() => readJson(t(Schema.INT32), '1.5'), /not an integer/);
    throwsData(() => readJson(t(Schema.INT32), '"1"'), /not an integer/);
    assert.equal(readJson(t(Schema.FLOAT32), '0.1'), Math.fround(0.1));
    assert.equal(readJson(t(Schema.FLOAT64), '1e400'), Infinity);
    assert.ok(Number.isNaN(readJson(t(Schema.FLOAT64), '"NaN"')));
    assert.equal(readJson(t(Schema.FLOAT64), '3'), 3);
    throwsData(() => readJson(t(Schema.BOOLEAN), '1'), /expected a boolean/);
  });

  test('decimals as base64 or numbers (either representation is read), dates, bytes', () => {
    const d = schemaText(Decimal.schema(2));
    assert.ok(valueEquals(readJson(d, '"AJw="'), new BigDecimal(156n, 2)));
    assert.ok(valueEquals(readJson(d, '1.56'), new BigDecimal(156n, 2)));
    assert.ok(valueEquals(readJson(d, '1.5'), new BigDecimal(15n, 1))); // the number keeps its own scale, as Confluent
    const hp = schemaText(Decimal.schema(17));
    assert.ok(valueEquals(readJson(hp, '1.23456789123456789'), BigDecimal.parse('1.23456789123456789')));
    assert.equal((readJson(schemaText(LogicalDate.schema()), '10') as Date).getTime(), 864_000_000);
    throwsData(() => readJson(schemaText(LogicalTime.schema()), '86400001'), /Time values/);
    throwsData(() => readJson(schemaText(LogicalDate.schema()), '"x"'), /Invalid type for Date/);
    assert.ok(valueEquals(readJson(schemaText(Schema.BYTES), '"Zm9v"'), enc.encode('foo')));
    throwsData(() => readJson(schemaText(Schema.BYTES), '"Zm9"'), /Invalid bytes/);
  });

  test('maps: objects for string keys, arrays of key/value entries otherwise', () => {
    const m = schemaText(SchemaBuilder.map(Schema.INT8, Schema.INT16).build());
    assert.ok(valueEquals(readJson(m, '[{"key":12,"value":16}]'), new Map([[12, 16]])));
    throwsData(() => readJson(m, '[{"key":12}]'), /expected length 2/);
    throwsData(() => readJson(m, '{"a":1}'), /JSON array of objects/);
    throwsData(() => readJson(schemaText(SchemaBuilder.map(Schema.STRING, Schema.INT8).build()), '[]'), /JSON objects/);
  });

  test('unions pick the branch the value belongs to (JsonSchemaDataTest.testToConnectUnion*)', () => {
    const u = reader('{"oneOf":[{"type":"integer","connect.type":"int8"},{"type":"integer","connect.type":"int16"},{"type":"string"}]}');
    assert.equal(u.schema.name, ONE_OF);
    assert.deepEqual(u.schema.fields.map((f) => [f.name, String(f.schema)]),
      [[`${ONE_OF}.field.0`, 'int8?'], [`${ONE_OF}.field.1`, 'int16?'], [`${ONE_OF}.field.2`, 'string?']]);
    assert.equal((u.read(enc.encode('12')) as Struct).get(`${ONE_OF}.field.0`), 12);
    assert.equal((u.read(enc.encode('"x"')) as Struct).get(`${ONE_OF}.field.2`), 'x');
    const structs = reader('{"oneOf":[{"type":"object","title":"field0","properties":{"a":{"type":"integer"},"b":{"type":"string"}}},'
      + '{"type":"object","title":"field1","properties":{"c":{"type":"integer"},"d":{"type":"string"}}}]}');
    const v = structs.read(enc.encode('{"c":12,"d":"s"}')) as Struct;
    assert.equal((v.get(`${ONE_OF}.field.1`) as Struct).get('c'), 12);
    throwsData(() => structs.read(enc.encode('true')), /Did not find matching oneof field/);
  });

  test('bad payloads', () => {
    const r = reader('{"type":"string"}');
    throwsData(() => r.read(enc.encode('')), /empty/);
    throwsData(() => r.read(enc.encode('"x')), /invalid JSON payload/);
    throwsData(() => r.read(new Uint8Array([0x22, 0xff, 0x22])), /UTF-8/);
  });
});

describe('round trips', () => {
  test('every Connect type and logical type', () => {
    const cases: [Schema, unknown][] = [
      [Schema.INT8, -128], [Schema.INT16, 32767], [Schema.INT32, -2147483648], [Schema.INT64, 2n ** 63n - 1n], [Schema.INT64, -(2 ** 53) + 1],
      [Schema.FLOAT32, Math.fround(12.2)], [Schema.FLOAT64, 12.2], [Schema.FLOAT64, 5e-324], [Schema.FLOAT64, Infinity],
      [Schema.BOOLEAN, false], [Schema.STRING, 'π 😀 \u0000'], [Schema.BYTES, new Uint8Array([0, 255, 7])],
      [Schema.OPTIONAL_STRING, null], [Schema.OPTIONAL_INT32, 4],
      [Decimal.schema(5), new BigDecimal(314159n, 5)], [Decimal.schema(0), new BigDecimal(-(10n ** 30n), 0)],
      [LogicalDate.schema(), new Date(Date.UTC(2024, 1, 29))], [LogicalTime.schema(), new Date(86_399_999)],
      [LogicalTimestamp.schema(), new Date(-1)],
      [SchemaBuilder.array(Schema.OPTIONAL_FLOAT64).build(), [1.5, null]],
      [SchemaBuilder.map(Schema.STRING, Schema.INT32).name('foo.bar').build(), new Map([['a', 1]])],
      [SchemaBuilder.map(Schema.OPTIONAL_STRING, SchemaBuilder.map(Schema.OPTIONAL_STRING, Schema.OPTIONAL_INT32).name('foo.bar').build())
        .name('biz.baz').version(1).build(), new Map([['foo', new Map([['bar', 1]])]])],
      [SchemaBuilder.map(LogicalDate.schema(), Decimal.schema(1)).build(), new Map([[new Date(0), new BigDecimal(5n, 1)]])],
    ];
    for (const [schema, value] of cases) {
      assertRoundTrip(schema, value);
      if (schema.name === Decimal.LOGICAL_NAME) assertRoundTrip(schema, value, { 'decimal.format': 'NUMERIC' });
    }
    assert.ok(Number.isNaN(roundTrip(Schema.FLOAT32, Number.NaN).value));
  });

  test('a struct with every type, defaults and docs (JsonSchemaConverterTest.testComplexWithDefaults)', () => {
    const dateDef = new Date(100 * 86_400_000);
    const timeDef = new Date(2 * 3_600_000);
    const tsDef = new Date(86_400_000 * 365 + 100);
    const decimalDef = new BigDecimal(314159n, 5);
    const schema = SchemaBuilder.struct()
      .field('int8', SchemaBuilder.int8().defaultValue(2).doc('int8 field').build())
      .field('int16', SchemaBuilder.int16().defaultValue(12).doc('int16 field').build())
      .field('int32', SchemaBuilder.int32().defaultValue(12).doc('int32 field').build())
      .field('int64', SchemaBuilder.int64().defaultValue(12).doc('int64 field').build())
      .field('float32', SchemaBuilder.float32().defaultValue(Math.fround(12.2)).doc('float32 field').build())
      .field('float64', SchemaBuilder.float64().defaultValue(12.2).doc('float64 field').build())
      .field('boolean', SchemaBuilder.bool().defaultValue(true).doc('bool field').build())
      .field('string', SchemaBuilder.string().defaultValue('foo').doc('string field').build())
      .field('bytes', SchemaBuilder.bytes().defaultValue(enc.encode('foo')).doc('bytes field').build())
      .field('array', SchemaBuilder.array(Schema.STRING).defaultValue(['a', 'b', 'c']).build())
      .field('map', SchemaBuilder.map(Schema.STRING, Schema.INT32).defaultValue(new Map([['field', 1]])).build())
      .field('date', LogicalDate.builder().defaultValue(dateDef).doc('date field').build())
      .field('time', LogicalTime.builder().defaultValue(timeDef).doc('time field').build())
      .field('ts', LogicalTimestamp.builder().defaultValue(tsDef).doc('ts field').build())
      .field('decimal', Decimal.builder(5).defaultValue(decimalDef).doc('decimal field').build())
      .build();
    const value = new Struct(schema).put('int8', 12).put('int16', 12).put('int32', 12).put('int64', 12).put('float32', Math.fround(12.2))
      .put('float64', 12.2).put('boolean', true).put('string', 'foo').put('bytes', enc.encode('foo')).put('array', ['a', 'b', 'c'])
      .put('map', new Map([['field', 1]])).put('date', dateDef).put('time', timeDef).put('ts', tsDef).put('decimal', decimalDef);
    const w = format().writerFor(schema);
    const r = format().readerFor(w.registered, new Map(), 1);
    // the registry's version lands on the top-level schema, as Confluent's converter does
    assert.ok(schemaEquals(r.schema, SchemaBuilder.from(schema).version(1).build()));
    const back = r.read(w.write(value)) as Struct;
    for (const f of schema.fields) assert.ok(valueEquals(back.get(f.name), value.get(f)), f.name);
    // a value full of nulls reads back as the defaults
    const empty = r.read(w.write(new Struct(schema))) as Struct;
    for (const f of schema.fields) assert.ok(valueEquals(empty.get(f.name), f.schema.defaultValue), f.name);
  });

  test('connect.version wins over the registry version; unions, enums, nested optional structs', () => {
    const s = SchemaBuilder.struct().version(2).field('orig', Schema.OPTIONAL_INT16).field('new', Schema.OPTIONAL_INT16).build();
    const w = format().writerFor(s);
    assert.equal(format().readerFor(w.registered, new Map(), 7).schema.version, 2);
    const e = SchemaBuilder.string().parameter(ENUM, '').parameter(`${ENUM}.one`, 'one').parameter(`${ENUM}.two`, 'two').build();
    const u = SchemaBuilder.struct().name(ONE_OF).field(`${ONE_OF}.field.0`, Schema.OPTIONAL_INT32)
      .field(`${ONE_OF}.field.1`, SchemaBuilder.struct().name('Inner').optional().field('x', Schema.STRING).build()).optional().build();
    const inner = u.fields[1]!.schema;
    const outer = SchemaBuilder.struct().name('Outer').field('e', e).field('u', u)
      .field('n', SchemaBuilder.struct().name('N').optional().field('m', SchemaBuilder.map(Schema.STRING, e).build()).build()).build();
    const v = new Struct(outer).put('e', 'two').put('u', new Struct(u).put(`${ONE_OF}.field.1`, new Struct(inner).put('x', 'y')));
    assertRoundTrip(outer, v);
    const g = { 'generalized.sum.type.support': 'true' };
    const ge = SchemaBuilder.string().parameter('org.apache.kafka.connect.data.Enum', '')
      .parameter('org.apache.kafka.connect.data.Enum.one', '0').parameter('org.apache.kafka.connect.data.Enum.two', '1').optional().build();
    const gu = SchemaBuilder.struct().name('connect_union_0').parameter('org.apache.kafka.connect.data.Union', 'connect_union_0')
      .field('connect_union_field_0', Schema.OPTIONAL_INT32).field('connect_union_field_1', ge).build();
    const gv = new Struct(gu).put('connect_union_field_0', 3);
    assertRoundTrip(SchemaBuilder.from(gu).build(), gv, g);
  });
});

describe('hand-written JSON Schemas', () => {
  test('plain JSON Schema: integer → int64, number → float64, object → struct (Confluent\'s objectschema.json)', () => {
    const r = reader('{"type":"object","properties":{"int64":{"type":"integer"},"float64":{"type":"number"},"boolean":{"type":"boolean"},'
      + '"string":{"type":"string"},"array":{"type":"array","items":{"type":"string"}}}}');
    // without connect.index, fields come in the HashMap order everit keeps properties in
    assert.deepEqual(r.schema.fields.map((f) => `${f.name}:${f.schema}`), ['boolean:boolean', 'string:string', 'array:array<string>', 'int64:int64', 'float64:float64']);
    const v = r.read(enc.encode('{"int64":1,"float64":1,"boolean":true,"string":"s","array":["a"]}')) as Struct;
    assert.equal(v.get('float64'), 1);
    assert.deepEqual(v.get('array'), ['a']);
  });

  test('keyvalue.json: a ["null","string"] type is an optional string', () => {
    const r = reader('{"type":"object","properties":{"key":{"type":"integer"},"value":{"type":["null","string"],"default":null}}}', {}, new Map(), 2);
    assert.equal(r.schema.version, 2);
    assert.equal(String(r.schema), 'struct{value:string?,key:int64}');
  });

  test('use.optional.for.nonrequired, and the required list', () => {
    const text = '{"title":"numerics with format","type":"object","properties":{"id":{"type":"integer","format":"int32"},"num":{"type":"number","format":"double"}},"required":["id"],"additionalProperties":false}';
    assert.equal(String(reader(text).schema), 'struct numerics with format{num:float64,id:int64}');
    assert.equal(String(reader(text, { 'use.optional.for.nonrequired': true }).schema), 'struct numerics with format{num:float64?,id:int64}');
  });

  test('$ref to definitions; a second $ref to one definition carries a generated id (testToConnectRecordWithOptionalReference)', () => {
    const text = `{"$schema":"http://json-schema.org/draft-04/schema#","title":"Event","type":"object",
      "properties":{"vehicle":{"$ref":"#/definitions/VehicleDto"}},
      "definitions":{
        "PriceDto":{"type":"object","required":["amount"],"properties":{"amount":{"type":"number","format":"decimal"}}},
        "VehicleDto":{"type":"object","required":["offerPrice","firstRegistrationDate"],"properties":{
          "offerPrice":{"connect.index":1,"$ref":"#/definitions/PriceDto"},
          "catalogPrice":{"connect.index":2,"oneOf":[{"type":"null"},{"$ref":"#/definitions/PriceDto"}]},
          "firstRegistrationDate":{"connect.index":3,"type":"string","format":"date-time"}}}}}`;
    const r = reader(text, { 'use.optional.for.nonrequired': 'true' });
    const vehicle = r.schema.field('vehicle')!.schema;
    assert.equal(vehicle.field('offerPrice')!.schema.optional, false);
    assert.equal(vehicle.field('catalogPrice')!.schema.optional, true);
    assert.equal(vehicle.field('catalogPrice')!.schema.parameters?.get('io.confluent.connect.json.Id'), '#id1');
    const v = r.read(enc.encode('{"vehicle":{"offerPrice":{"amount":20000},"firstRegistrationDate":"2020-08-19T12:05:15.953Z"}}')) as Struct;
    const veh = v.get('vehicle') as Struct;
    assert.equal((veh.get('offerPrice') as Struct).get('amount'), 20000);
    assert.equal(veh.get('catalogPrice'), null);
    // written back, the id marks both the nullable oneOf and the object, as JsonSchemaData does
    assert.match(schemaText(vehicle), /"catalogPrice":\{"id":"#id1","connect.index":1,"oneOf":\[\{"type":"null"\},\{"type":"object","id":"#id1","properties"/);
  });

  test('const and enum inside allOf (testToConnect*ConstInAllOf, testToConnectEnumInAllOf)', () => {
    assert.equal(String(reader('{"const":"money","type":"string"}').schema), 'string');
    assert.equal(String(reader('{"const":123,"type":"integer"}').schema), 'int64');
    assert.equal(String(reader('{"const":123.45,"type":"number"}').schema), 'float64');
    const e = reader('{"allOf":[{"type":"string"},{"enum":["one","two","three"]}]}').schema;
    assert.deepEqual([...e.parameters!], [[ENUM, ''], [`${ENUM}.one`, 'one'], [`${ENUM}.two`, 'two'], [`${ENUM}.three`, 'three']]);
    assert.equal(String(reader('{"allOf":[{"type":"number"},{"enum":[1,2,3]}]}').schema), 'float64');
    const g = reader('{"enum":["one",null]}', { 'generalized.sum.type.support': 'true' }).schema;
    assert.deepEqual([...g.parameters!], [['org.apache.kafka.connect.data.Enum', ''], ['org.apache.kafka.connect.data.Enum.one', '0'], ['org.apache.kafka.connect.data.Enum.<NULL>', '1']]);
  });

  test('allOf merges the properties of its objects (testCombinedSchemaAllOfRef)', () => {
    const r = reader(`{"$schema":"http://json-schema.org/draft-07/schema#",
      "allOf":[{"$ref":"#/definitions/MessageBase"},{"$ref":"#/definitions/MessageBase2"}],
      "title":"IdentifyUserMessage","type":"object",
      "properties":{"prevUserId":{"type":"string"},"newUserId":{"type":"string"}},
      "definitions":{"MessageBase":{"properties":{"id":{"type":"string"},"type":{"type":"string"}}},"MessageBase2":{"properties":{"id2":{"type":"string"}}}}}`);
    for (const f of ['id', 'type', 'id2', 'newUserId', 'prevUserId']) assert.ok(r.schema.field(f), f);
  });

  test('anyOf with an object type is a union (testCombinedSchemaTitleAndObject); singletons flatten', () => {
    const text = '{"title":"Product Identifier","type":"object","anyOf":[{"type":"object","properties":{"keycode":{"type":"string"}}},{"type":"object","properties":{"itemCode":{"type":"string"}}}]}';
    assert.equal(reader(text).schema.name, ONE_OF);
    assert.equal(String(reader(text, { 'generalized.sum.type.support': true }).schema.name), 'connect_union_0');
    assert.equal(String(reader('{"oneOf":[{"type":"string"}]}').schema), 'string');
    assert.equal(String(reader('{"oneOf":[{"type":"string"}]}', { 'flatten.singleton.unions': false }).schema), `struct ${ONE_OF}{${ONE_OF}.field.0:string?}`);
  });

  test('anyOf of a $ref, an array of it and null (testOptionalObjectOrArray); $defs with type arrays (testAnyOfWithArray)', () => {
    const r = reader(`{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"assetMetadata":{"anyOf":[
      {"$ref":"#/definitions/assetMetadata"},{"type":"array","items":{"$ref":"#/definitions/assetMetadata"}},{"type":"null"}]}},
      "definitions":{"assetMetadata":{"type":"object","additionalProperties":false,"properties":{"id":{"type":"string"},"type":{"type":"string"}}}}}`);
    assert.ok(r.schema.field('assetMetadata')!.schema.optional);
    const a = reader(`{"$defs":{"review":{"properties":{"created_on":{"type":["string","null"]},"reason_code":{"type":["string","null"]}},"required":[],"type":"object"}},
      "$schema":"https://json-schema.org/draft/2020-12/schema","properties":{"change_operation":{"type":"string"},
      "reviews":{"items":{"$ref":"#/$defs/review"},"required":[],"type":["array","null"]}}}`);
    assert.equal(a.schema.field('reviews')!.schema.type, 'ARRAY');
  });

  test('references to other registered schemas, by name', () => {
    const address = '{"type":"object","title":"Address","properties":{"street":{"type":"string"},"zip":{"$ref":"#/definitions/zip"}},"definitions":{"zip":{"type":"string"}}}';
    const customer = '{"type":"object","title":"Customer","properties":{"name":{"type":"string"},"home":{"$ref":"address.json"},"zip":{"$ref":"address.json#/definitions/zip"}}}';
    const r = reader(customer, {}, new Map([['address.json', address]]));
    assert.equal(String(r.schema.field('home')!.schema), 'struct Address{zip:string,street:string}');
    assert.equal(String(r.schema.field('zip')!.schema), 'string');
    throwsData(() => reader(customer), /no referenced schema named address.json/);
  });

  test('connect.* written by other tools (key order and all) are read', () => {
    const text = '{"type":"object","properties":{"ReplayId":{"connect.index":0,"oneOf":[{"type":"null"},{"type":"string"}]},'
      + '"CreatedDate":{"connect.index":1,"oneOf":[{"type":"null"},{"type":"integer","connect.version":1,"connect.type":"int64","title":"org.apache.kafka.connect.data.Timestamp"}]}},'
      + '"title":"io.confluent.salesforce.MyPlatformEvent__e"}';
    const r = reader(text);
    assert.equal(String(r.schema), 'struct io.confluent.salesforce.MyPlatformEvent__e{ReplayId:string?,CreatedDate:int64 org.apache.kafka.connect.data.Timestamp?}');
    const v = r.read(enc.encode('{"ReplayId":"9004013","CreatedDate":1644345809665}')) as Struct;
    assert.equal((v.get('CreatedDate') as Date).getTime(), 1644345809665);
    const ts = reader('{"type":"number","title":"org.apache.kafka.connect.data.Timestamp","connect.type":"int64"}').schema;
    assert.equal(String(ts), 'int64 org.apache.kafka.connect.data.Timestamp');
    assert.equal(ts.version, undefined);
  });

  test('what Connect cannot hold is refused clearly', () => {
    throwsData(() => reader('{"type":"object","title":"Task","properties":{"parent":{"$ref":"#"},"title":{"type":"string"}}}'), /recursive/);
    throwsData(() => reader('{"$ref":"#/$defs/Foo","$defs":{"Foo":{"type":"object","properties":{"foos":{"type":"array","items":{"$ref":"#/$defs/Foo"}}}}}}'), /recursive/);
    throwsData(() => reader('{"type":"object","properties":{"any":{}}}'), /Variant/);
    throwsData(() => reader('{"type":"array"}'), /did not specify the items type/);
    throwsData(() => reader('{"not":{"type":"string"}}'), /NotSchema/);
    throwsData(() => reader('{"type":"object","properties":{"a":{"type":"string","connect.index":0},"b":{"type":"string","connect.index":0}}}'), /both take field position 0/);
    throwsData(() => reader('{"type":"integer","connect.type":"int128"}'), /Unsupported type int128/);
    throwsData(() => reader('{"type":"strin"}'), /unknown type/);
    throwsData(() => reader('{"type":'), /invalid JSON Schema/);
    const e = throwsData(() => reader('{"type":"object","properties":{"list":{"type":"array"}}}'), /items type/);
    assert.equal(e.context.path, 'list');
  });

  test('defaults in hand-written schemas', () => {
    const r = reader('{"type":"object","properties":{"n":{"type":"integer","connect.type":"int8","default":34},"s":{"type":"string","default":null},"o":{"type":"object","properties":{},"default":{}}}}');
    assert.equal(r.schema.field('n')!.schema.defaultValue, 34);
    assert.equal(r.schema.field('s')!.schema.defaultValue, null);
    assert.equal(r.schema.field('o')!.schema.defaultValue, null);
    throwsData(() => reader('{"type":"integer","connect.type":"int8","default":"x"}'), /Invalid default value/);
  });
});

describe('writerForRegistered (use.latest.version) and configuration', () => {
  test('writes the Connect values unchanged; the record name is the registered title', () => {
    const s = SchemaBuilder.struct().name('Mine').field('a', Schema.INT32).build();
    const registered = { schemaType: 'JSON' as const, schema: '{"type":"object","title":"Theirs","properties":{"a":{"type":"integer"},"b":{"type":"string"}}}' };
    const w = format().writerForRegistered(s, registered, new Map());
    assert.equal(w.registered, registered);
    assert.equal(w.recordName, 'Theirs');
    assert.equal(dec.decode(w.write(new Struct(s).put('a', 1))), '{"a":1}');
    assert.throws(() => format().writerForRegistered(s, { schemaType: 'AVRO', schema: '"int"' }, new Map()), DataException);
  });

  test('config values are checked', () => {
    assert.throws(() => format({ 'decimal.format': 'HEX' }), JsonSchemaConfigException);
    assert.throws(() => format({ 'object.additional.properties': 'maybe' }), /true or false/);
    assert.throws(() => format({ 'preserve.additional.properties': 'true' }), /Variant/);
    assert.equal(format({ 'decimal.format': ' numeric ' }).options.decimalFormat, 'NUMERIC');
    assert.equal(format({ 'schemas.cache.config': '0' }).options.schemasCacheSize, 1);
  });

  test('the reader cache is bounded by schemas.cache.config', () => {
    const f = format({ 'schemas.cache.config': 1 });
    const a = f.readerFor({ schemaType: 'JSON', schema: '{"type":"string"}' }, new Map());
    assert.equal(f.readerFor({ schemaType: 'JSON', schema: '{"type":"string"}' }, new Map()), a);
    f.readerFor({ schemaType: 'JSON', schema: '{"type":"boolean"}' }, new Map());
    assert.notEqual(f.readerFor({ schemaType: 'JSON', schema: '{"type":"string"}' }, new Map()), a);
  });
});
