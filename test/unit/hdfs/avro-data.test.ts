import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { BigDecimal, Decimal, LogicalDate, LogicalTime, LogicalTimestamp, Schema, SchemaBuilder, Struct } from '../../../src/data/index.js';
import { avroValueConverter, toAvroSchema } from '../../../src/data/avro/index.js';
import { zigZagLong, readZigZagLong } from '../../../src/data/avro/avro-long.js';
import fc from 'fast-check';

describe('AvroData: Connect schema → Avro schema', () => {
  test('primitives, int8/int16 annotations, logical types with connect.* properties', () => {
    assert.deepEqual(toAvroSchema(Schema.INT8), { type: 'int', 'connect.type': 'int8' });
    assert.deepEqual(toAvroSchema(Schema.INT16), { type: 'int', 'connect.type': 'int16' });
    assert.deepEqual(toAvroSchema(Schema.OPTIONAL_INT64), ['null', 'long']);
    assert.deepEqual(toAvroSchema(Decimal.schema(2)), {
      type: 'bytes', scale: 2, precision: 64, 'connect.version': 1, 'connect.parameters': { scale: '2' },
      'connect.name': 'org.apache.kafka.connect.data.Decimal', logicalType: 'decimal',
    });
    assert.deepEqual(toAvroSchema(Decimal.builder(3).parameter('connect.decimal.precision', '12').build()), {
      type: 'bytes', scale: 3, precision: 12, 'connect.version': 1, 'connect.parameters': { scale: '3', 'connect.decimal.precision': '12' },
      'connect.name': 'org.apache.kafka.connect.data.Decimal', logicalType: 'decimal',
    });
    assert.deepEqual(toAvroSchema(LogicalDate.schema()), { type: 'int', 'connect.version': 1, 'connect.name': 'org.apache.kafka.connect.data.Date', logicalType: 'date' });
    assert.deepEqual(toAvroSchema(LogicalTime.schema()), { type: 'int', 'connect.version': 1, 'connect.name': 'org.apache.kafka.connect.data.Time', logicalType: 'time-millis' });
    assert.deepEqual(toAvroSchema(LogicalTimestamp.schema()), { type: 'long', 'connect.version': 1, 'connect.name': 'org.apache.kafka.connect.data.Timestamp', logicalType: 'timestamp-millis' });
    assert.deepEqual(toAvroSchema(Schema.BYTES, { connectMetaData: false }), 'bytes');
  });

  test('structs: names, ConnectDefault for unnamed ones, reuse by name, optional with default → [T, null]', () => {
    const inner = SchemaBuilder.struct().field('a', Schema.INT32).build();
    const s = SchemaBuilder.struct().name('com.acme.Order').version(2).doc('an order')
      .field('x', inner).field('y', inner).field('z', SchemaBuilder.struct().field('b', Schema.BOOLEAN).optional().build())
      .field('s', SchemaBuilder.string().optional().defaultValue('dflt').build())
      .field('n', SchemaBuilder.int32().defaultValue(5).build()).build();
    assert.deepEqual(toAvroSchema(s), {
      type: 'record', name: 'Order', namespace: 'com.acme',
      fields: [
        { name: 'x', type: { type: 'record', name: 'ConnectDefault', namespace: 'io.confluent.connect.avro', fields: [{ name: 'a', type: 'int' }] } },
        { name: 'y', type: 'io.confluent.connect.avro.ConnectDefault' },
        { name: 'z', type: ['null', { type: 'record', name: 'ConnectDefault2', namespace: 'io.confluent.connect.avro', fields: [{ name: 'b', type: 'boolean' }] }], default: null },
        { name: 's', type: [{ type: 'string', 'connect.default': 'dflt' }, 'null'], default: 'dflt' },
        { name: 'n', type: { type: 'int', 'connect.default': 5 }, default: 5 },
      ],
      'connect.doc': 'an order', 'connect.version': 2, 'connect.name': 'com.acme.Order',
    });
  });

  test('maps: string keys → map; other keys → array of MapEntry records; arrays; enums', () => {
    assert.deepEqual(toAvroSchema(SchemaBuilder.map(Schema.STRING, Schema.INT32).build()), { type: 'map', values: 'int' });
    assert.deepEqual(toAvroSchema(SchemaBuilder.map(Schema.INT64, Schema.STRING).build()), {
      type: 'array', items: { type: 'record', name: 'MapEntry', namespace: 'io.confluent.connect.avro', fields: [{ name: 'key', type: 'long' }, { name: 'value', type: 'string' }] },
    });
    assert.deepEqual(toAvroSchema(SchemaBuilder.map(Schema.OPTIONAL_STRING, Schema.STRING).build()).valueOf(), {
      type: 'array', items: { type: 'record', name: 'MapEntry', namespace: 'io.confluent.connect.avro', fields: [{ name: 'key', type: ['null', 'string'], default: null }, { name: 'value', type: 'string' }] },
    });
    assert.deepEqual(toAvroSchema(SchemaBuilder.array(Schema.OPTIONAL_STRING).build()), { type: 'array', items: ['null', 'string'] });
    const e = SchemaBuilder.string().name('com.acme.Color').parameter('io.confluent.connect.avro.Enum', 'com.acme.Color')
      .parameter('io.confluent.connect.avro.Enum.RED', 'RED').parameter('io.confluent.connect.avro.Enum.GREEN', 'GREEN').build();
    const withEnum = toAvroSchema(SchemaBuilder.struct().field('c', e).field('d', e).build()) as { fields: { type: unknown }[] };
    assert.deepEqual((withEnum.fields[0]!.type as { type: string; symbols: string[] }).symbols, ['RED', 'GREEN']);
    assert.equal(withEnum.fields[1]!.type, 'com.acme.Color', 'second use refers to the enum by name');
    assert.deepEqual(toAvroSchema(e, { enhancedSchemaSupport: false }), {
      type: 'string', 'connect.parameters': Object.fromEntries(e.parameters!), 'connect.name': 'com.acme.Color',
    });
  });
});

describe('AvroData: Connect value → Avro value', () => {
  test('logical types, bytes, maps, nested structs', () => {
    const inner = SchemaBuilder.struct().field('a', Schema.INT32).build();
    const s = SchemaBuilder.struct()
      .field('dec', Decimal.schema(2)).field('date', LogicalDate.schema()).field('time', LogicalTime.schema()).field('ts', LogicalTimestamp.schema())
      .field('b', Schema.BYTES).field('m', SchemaBuilder.map(Schema.STRING, Schema.INT64).build())
      .field('mi', SchemaBuilder.map(Schema.INT32, inner).build()).field('big', Schema.INT64).build();
    const v = new Struct(s).put('dec', new BigDecimal(-12345n, 2)).put('date', new Date(19000 * 86_400_000)).put('time', new Date(3_723_004))
      .put('ts', new Date(1_700_000_000_123)).put('b', new Uint8Array([1, 2])).put('m', new Map([['k', 1]]))
      .put('mi', new Map([[7, new Struct(inner).put('a', 1)]])).put('big', 2n ** 62n);
    const out = avroValueConverter(s)(v) as Record<string, unknown>;
    assert.deepEqual([...(out['dec'] as Buffer)], [0xcf, 0xc7]);
    assert.equal(out['date'], 19000);
    assert.equal(out['time'], 3_723_004);
    assert.equal(out['ts'], 1_700_000_000_123);
    assert.ok(Buffer.isBuffer(out['b']));
    assert.deepEqual({ ...(out['m'] as object) }, { k: 1 });
    assert.deepEqual(out['mi'], [{ key: 7, value: { a: 1 } }]);
    assert.equal(out['big'], 2n ** 62n);
    assert.throws(() => avroValueConverter(s)(new Struct(s)), /required .* null.*dec|field=dec/);
    assert.throws(() => avroValueConverter(Decimal.schema(1))(new BigDecimal(123n, 2)), /does not fit without rounding|scale/);
  });

  test('zig-zag longs: numbers and bigints over the whole 64-bit range round-trip', () => {
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (b) => {
      const back = readZigZagLong(Buffer.from(zigZagLong(b)));
      assert.equal(BigInt(back), b);
      if (Number.isSafeInteger(Number(b)) && BigInt(Number(b)) === b) {
        assert.deepEqual([...zigZagLong(Number(b))], [...zigZagLong(b)]);
        assert.equal(typeof back, 'number');
      }
    }), { numRuns: 2000 });
  });
});
