import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { BigDecimal, DataException, Headers, LogicalDate, Schema, SchemaBuilder, Struct } from '../../../src/data/index.js';
import { ConfigException } from '../../../src/connectors/api/config-def.js';
import { run, sinkRecord, sourceRecord, xform } from './support.js';

const headersOf = (h: Headers) => h.toArray().map((x) => [x.key, x.value]);

describe('DropHeaders', () => {
  test('removes every header with a listed key, keeps the others in order', () => {
    const headers = new Headers().addString('a', '1').addString('b', '2').addString('a', '3').addString('c', '4');
    const r = sourceRecord({ headers, value: 'v' });
    const out = run(xform('DropHeaders', { headers: 'a,c' }), r);
    assert.deepEqual(headersOf(out.headers), [['b', '2']]);
    assert.equal(r.headers.size, 4, 'the input record is not changed');
    assert.throws(() => xform('DropHeaders', { headers: '' }), ConfigException);
  });
});

describe('InsertHeader', () => {
  test('the literal is parsed as Values.parseString does', () => {
    const cases: [string, string | undefined, unknown][] = [
      ['hello', 'STRING', 'hello'],
      ['42', 'INT8', 42],
      ['4200', 'INT16', 4200],
      ['true', 'BOOLEAN', true],
      ['2.5', 'FLOAT32', 2.5],
    ];
    for (const [literal, type, value] of cases) {
      const out = run(xform('InsertHeader', { header: 'h', 'value.literal': literal }), sourceRecord({ headers: new Headers().addString('x', 'y') }));
      const h = out.headers.lastWithName('h')!;
      assert.equal(h.schema?.type, type, literal);
      assert.deepEqual(h.value, value);
      assert.equal(out.headers.size, 2);
    }
    const date = run(xform('InsertHeader', { header: 'd', 'value.literal': '2024-01-31' }), sourceRecord()).headers.lastWithName('d')!;
    assert.equal(date.schema?.name, LogicalDate.LOGICAL_NAME);
    assert.equal((date.value as Date).getTime(), Date.UTC(2024, 0, 31));
  });

  test('header and value.literal are required and non-empty', () => {
    assert.throws(() => xform('InsertHeader', { header: 'h' }), ConfigException);
    assert.throws(() => xform('InsertHeader', { header: '', 'value.literal': 'x' }), ConfigException);
  });
});

describe('HeaderFrom', () => {
  const schema = SchemaBuilder.struct().field('a', Schema.STRING).field('b', Schema.INT32).field('c', SchemaBuilder.float64().optional().defaultValue(1.5).build()).build();
  const value = new Struct(schema).put('a', 'x').put('b', 7).put('c', null);

  test('copy with a schema: headers carry the field schemas, the value is unchanged', () => {
    const out = run(xform('HeaderFrom$Value', { fields: 'a,b,c', headers: 'ha,hb,hc', operation: 'copy' }),
      sourceRecord({ valueSchema: schema, value, headers: new Headers().addString('old', 'o') }));
    assert.equal(out.value, value);
    assert.deepEqual(headersOf(out.headers), [['old', 'o'], ['ha', 'x'], ['hb', 7], ['hc', 1.5]]);
    assert.equal(out.headers.lastWithName('hb')!.schema, Schema.INT32);
  });

  test('move with a schema: the fields leave the struct', () => {
    const out = run(xform('HeaderFrom$Value', { fields: 'a', headers: 'ha', operation: 'move' }), sourceRecord({ valueSchema: schema, value }));
    assert.deepEqual(out.valueSchema!.fields.map((f) => f.name), ['b', 'c']);
    assert.equal((out.value as Struct).get('b'), 7);
    assert.deepEqual(headersOf(out.headers), [['ha', 'x']]);
  });

  test('schemaless copy and move; a missing field gives a null header', () => {
    const copy = run(xform('HeaderFrom$Key', { fields: 'a,z', headers: 'ha,hz', operation: 'copy' }), sourceRecord({ key: { a: 1, b: 2 } }));
    assert.deepEqual(copy.key, { a: 1, b: 2 });
    assert.deepEqual(headersOf(copy.headers), [['ha', 1], ['hz', null]]);
    const move = run(xform('HeaderFrom$Key', { fields: 'a', headers: 'ha', operation: 'move' }), sourceRecord({ key: { a: 1, b: 2 } }));
    assert.deepEqual(move.key, { b: 2 });
  });

  test('config: lists of equal length, operation move|copy; an unknown schema field is a DataException', () => {
    assert.throws(() => xform('HeaderFrom$Value', { fields: 'a,b', headers: 'h', operation: 'copy' }), /same number of elements/);
    assert.throws(() => xform('HeaderFrom$Value', { fields: 'a', headers: 'h', operation: 'cut' }), ConfigException);
    assert.throws(() => xform('HeaderFrom$Value', { fields: 'nope', headers: 'h', operation: 'copy' }).apply(sourceRecord({ valueSchema: schema, value })),
      (e: unknown) => e instanceof DataException && e.context.path === 'nope');
  });
});

describe('RegexRouter', () => {
  const route = (regex: string, replacement: string, topic: string) =>
    run(xform('RegexRouter', { regex, replacement }), sourceRecord({ topic })).topic;

  test('Kafka\'s examples', () => {
    assert.equal(route('(.*)-raw', '$1', 'orders-raw'), 'orders');
    assert.equal(route('(.*)', 'prefix-$1', 'orig'), 'prefix-orig');
    assert.equal(route('(.*)', '$1-suffix', 'orig'), 'orig-suffix');
    assert.equal(route('(.*)', 'static', 'orig'), 'static');
    assert.equal(route('(.*)', '$1', 'orig'), 'orig');
    assert.equal(route('(.*)-raw', '$1', 'orders'), 'orders', 'no whole match: unchanged');
  });

  test('only a whole match routes; replaceFirst then replaces the first match found, which may be shorter', () => {
    assert.equal(route('raw', 'cooked', 'raw-orders'), 'raw-orders');
    // matches() succeeds through the second alternative, but find() stops at the first: only "a" is replaced.
    assert.equal(route('a|ab', 'X', 'ab'), 'Xb');
  });

  test('group references: multi-digit only while such a group exists, named groups, escaped $', () => {
    assert.equal(route('(a)(b)', '$2$1', 'ab'), 'ba');
    assert.equal(route('(a)(b)', '$10', 'ab'), 'a0', '$10 is group 1 then "0" with two groups');
    assert.equal(route('(?<name>[a-z]+)-(\\d+)', '${name}_$2', 'orders-12'), 'orders_12');
    assert.equal(route('(.*)', '\\$1', 'x'), '$1');
    assert.equal(route('(a)|(b)', '[$2]', 'a'), '[]', 'a group that did not take part is empty');
    assert.equal(route('\\Q.*\\E', 'lit', '.*'), 'lit');
  });

  test('invalid regexes and replacements are ConfigExceptions', () => {
    assert.throws(() => xform('RegexRouter', { regex: '(', replacement: 'x' }), ConfigException);
    assert.throws(() => xform('RegexRouter', { regex: '(a)', replacement: '$2' }), /No group 2/);
    assert.throws(() => xform('RegexRouter', { regex: '(a)', replacement: '$x' }), /Illegal group reference/);
    assert.throws(() => xform('RegexRouter', { regex: '\\Ga', replacement: 'x' }), /\\G/);
    assert.throws(() => xform('RegexRouter', { regex: '(.*)' }), ConfigException);
  });

  test('the rest of the record is kept', () => {
    const r = sinkRecord({ topic: 'a-raw', key: 'k', value: 'v', timestamp: 5, offset: 9, partition: 3 });
    const out = run(xform<ReturnType<typeof sinkRecord>>('RegexRouter', { regex: '(.*)-raw', replacement: '$1' }), r);
    assert.deepEqual([out.topic, out.key, out.value, out.timestamp, out.kafkaOffset, out.kafkaPartition, out.originalTopic], ['a', 'k', 'v', 5, 9, 3, 'a-raw']);
  });
});

describe('TimestampRouter', () => {
  test('defaults: ${topic}-${timestamp} with yyyyMMdd in UTC', () => {
    const out = run(xform('TimestampRouter'), sourceRecord({ topic: 'test', timestamp: 1483425001864 }));
    assert.equal(out.topic, 'test-20170103');
  });

  test('custom formats', () => {
    const t = xform('TimestampRouter', { 'topic.format': 'logs_${timestamp}_${topic}', 'timestamp.format': "yyyy-MM-dd'T'HH" });
    assert.equal(run(t, sourceRecord({ topic: 'app', timestamp: Date.UTC(2024, 1, 29, 23, 59) })).topic, 'logs_2024-02-29T23_app');
  });

  test('a record without a timestamp is an error; a bad pattern is a ConfigException', () => {
    assert.throws(() => xform('TimestampRouter').apply(sourceRecord({ topic: 'x' })), /Timestamp missing on record/);
    assert.throws(() => xform('TimestampRouter', { 'timestamp.format': 'yyyyMMddq' }), /Illegal pattern character 'q'/);
  });
});

describe('Filter', () => {
  test('drops every record', () => {
    assert.equal(xform('Filter').apply(sourceRecord({ value: BigDecimal.of(1) })), null);
  });
});
