import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import {
  BigDecimal,
  Decimal,
  LogicalDate,
  LogicalTime,
  LogicalTimestamp,
  Schema,
  SchemaBuilder,
  Struct,
} from '../../../src/data/index.js';
import { SimpleHeaderConverter, convertToString, inferSchema, parseString } from '../../../src/converters/index.js';

const conv = new SimpleHeaderConverter();
const write = (schema: Schema | null, value: unknown): string | null => {
  const b = conv.fromConnectHeader('t', 'h', schema, value);
  return b === null ? null : Buffer.from(b).toString('utf8');
};
const read = (text: string): { schema: Schema | null; value: unknown } => conv.toConnectHeader('t', 'h', Buffer.from(text));

describe('SimpleHeaderConverter write (Values.convertToString)', () => {
  test('primitives, logical types, collections, structs', () => {
    assert.equal(write(Schema.STRING, 'plain "text"'), 'plain "text"');
    assert.equal(write(Schema.INT8, 42), '42');
    assert.equal(write(Schema.INT64, 2n ** 63n - 1n), '9223372036854775807');
    assert.equal(write(Schema.FLOAT64, 2), '2.0');
    assert.equal(write(Schema.FLOAT32, Math.fround(1.1)), '1.1');
    assert.equal(write(Schema.BOOLEAN, false), 'false');
    assert.equal(write(Schema.BYTES, Uint8Array.of(1, 2, 3)), 'AQID');
    assert.equal(write(Decimal.schema(2), BigDecimal.parse('12.34')), '12.34');
    assert.equal(write(LogicalDate.schema(), new Date(Date.UTC(2024, 0, 31))), '2024-01-31');
    assert.equal(write(LogicalTime.schema(), new Date(45296789)), '12:34:56.789Z');
    assert.equal(write(LogicalTimestamp.schema(), new Date(Date.UTC(2024, 0, 31, 12, 34, 56, 789))), '2024-01-31T12:34:56.789Z');
    assert.equal(write(SchemaBuilder.array(Schema.STRING).build(), ['a "q"', 'b\\c']), '["a \\"q\\"","b\\\\c"]');
    assert.equal(write(SchemaBuilder.map(Schema.STRING, Schema.INT32).build(), new Map([['a', 1], ['b', 2]])), '{"a":1,"b":2}');
    const s = SchemaBuilder.struct().field('f', Schema.INT32).field('g', SchemaBuilder.string().optional().defaultValue('d').build()).build();
    assert.equal(write(s, new Struct(s).put('f', 1)), '{"f":1,"g":"d"}');
    assert.equal(write(null, null), null);
    assert.equal(convertToString(null, [1, 2.5, null]), '[1,2.5,null]');
  });
});

describe('SimpleHeaderConverter read (Values.parseString)', () => {
  const cases: [string, string | null, unknown][] = [
    ['42', 'INT8', 42], ['-128', 'INT8', -128], ['300', 'INT16', 300], ['70000', 'INT32', 70000],
    ['5000000000', 'INT64', 5000000000], ['9223372036854775807', 'INT64', 9223372036854775807n],
    ['1.5', 'FLOAT32', 1.5], ['0.5', 'FLOAT32', 0.5], ['1.0', 'INT8', 1], ['1e3', 'INT16', 1000], ['+5', 'INT8', 5],
    ['true', 'BOOLEAN', true], ['false', 'BOOLEAN', false], ['TRUE', 'STRING', 'TRUE'],
    ['hello world', 'STRING', 'hello world'], ['', 'STRING', ''], ['   ', 'STRING', '   '],
    ['[a,b]', 'STRING', '[a,b]'], ['{a:1}', 'STRING', '{a:1}'], ['[1,2', 'STRING', '[1,2'],
  ];
  for (const [text, type, value] of cases) {
    test(`${JSON.stringify(text)} → ${type} ${String(value)}`, () => {
      const r = read(text);
      assert.equal(r.schema?.type ?? null, type);
      assert.equal(r.value, value);
    });
  }

  test('numbers too big or too precise', () => {
    const big = read('12345678901234567890');
    assert.equal(big.schema!.name, Decimal.LOGICAL_NAME);
    assert.ok((big.value as BigDecimal).equals(BigDecimal.parse('12345678901234567890')));
    assert.equal(read('1e39').schema!.type, 'FLOAT64');
    assert.equal(read('1e400').schema!.parameters!.get('scale'), '-400');
    assert.equal(read('3.14159265358979').value, Math.fround(3.14159265358979)); // Kafka picks FLOAT32 whenever it is finite
  });

  test('temporal values of the exact ISO lengths', () => {
    const d = read('2024-01-31');
    assert.equal(d.schema!.name, LogicalDate.LOGICAL_NAME);
    assert.equal((d.value as Date).getTime(), Date.UTC(2024, 0, 31));
    assert.equal((read('2024-13-45').value as Date).getTime(), Date.UTC(2025, 1, 14), 'lenient, as SimpleDateFormat');
    const t = read('12:34:56.789Z');
    assert.equal(t.schema!.name, LogicalTime.LOGICAL_NAME);
    assert.equal((t.value as Date).getTime(), 45296789);
    const ts = read('2024-01-31T12:34:56.789Z');
    assert.equal(ts.schema!.name, LogicalTimestamp.LOGICAL_NAME);
    assert.equal((ts.value as Date).getTime(), Date.UTC(2024, 0, 31, 12, 34, 56, 789));
  });

  test('arrays and maps infer a common schema and widen numbers', () => {
    const a = read('[1,2,3]');
    assert.equal(a.schema!.toString(), 'array<int8>');
    assert.deepEqual(a.value, [1, 2, 3]);
    const w = read('[1,300,2.5]');
    assert.equal(w.schema!.toString(), 'array<float32>');
    assert.deepEqual(w.value, [1, 300, 2.5]);
    const m = read('{"a":1,"b":2}');
    assert.equal(m.schema!.toString(), 'map<string,int8>');
    assert.deepEqual([...(m.value as Map<unknown, unknown>)], [['a', 1], ['b', 2]]);
    const nested = read('{"k":[1,2]}');
    assert.equal(nested.schema!.toString(), 'map<string,array<int8>>');
    const quoted = read('["2024-01-31"]');
    assert.equal(quoted.schema!.valueSchema!.name, LogicalDate.LOGICAL_NAME);
    assert.equal(read('[]').schema, null, 'no element schema: schemaless (Kafka: ARRAY without value schema)');
    // Kafka quirk: the inferred element schema is required, so a null element fails alignment → the whole text
    assert.deepEqual(read('[1,null]'), { schema: Schema.STRING, value: '[1,null]' });
  });

  test('null, "null" and failures', () => {
    assert.deepEqual(conv.toConnectHeader('t', 'h', null), { schema: null, value: null });
    assert.deepEqual(read('null'), { schema: null, value: null });
    assert.deepEqual(parseString(null), { schema: null, value: null });
  });

  test('round trip of what Kafka can parse back', () => {
    for (const [schema, value] of [
      [Schema.INT8, 42], [Schema.BOOLEAN, true], [Schema.STRING, 'hello'], [LogicalDate.schema(), new Date(86400000 * 3)],
    ] as const) {
      const r = read(write(schema, value)!);
      assert.equal(r.schema!.type, schema.type);
      assert.deepEqual(r.value, value);
    }
  });
});

describe('Values.inferSchema', () => {
  test('schemaless values', () => {
    assert.equal(inferSchema('x'), Schema.STRING);
    assert.equal(inferSchema(1), Schema.INT32);
    assert.equal(inferSchema(2 ** 40), Schema.INT64);
    assert.equal(inferSchema(1.5), Schema.FLOAT64);
    assert.equal(inferSchema(1n), Schema.INT64);
    assert.equal(inferSchema(true), Schema.BOOLEAN);
    assert.equal(inferSchema(Uint8Array.of(1)), Schema.BYTES);
    assert.equal(inferSchema([1, null])!.toString(), 'array<int32?>');
    assert.equal(inferSchema({ a: 'x' })!.toString(), 'map<string,string>');
    assert.equal(inferSchema([1, 'x']), null);
    assert.equal(inferSchema([]), null);
    assert.equal(inferSchema(null), null);
    assert.equal(inferSchema(new Date()), null);
    const s = SchemaBuilder.struct().field('a', Schema.INT8).build();
    assert.equal(inferSchema(new Struct(s).put('a', 1)), s);
  });
});
