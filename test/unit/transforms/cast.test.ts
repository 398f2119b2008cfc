import { test, describe } from 'node:test';
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
} from '../../../src/data/index.js';
import { ConfigException } from '../../../src/connectors/api/config-def.js';
import { castValue } from '../../../src/transforms/index.js';
import { run, sourceRecord, xform } from './support.js';

const castValueXf = (spec: string, extra: Record<string, unknown> = {}) => xform('Cast$Value', { spec, ...extra });

describe('Cast config', () => {
  test('spec is required and may not be empty', () => {
    assert.throws(() => xform('Cast$Value', {}), (e: unknown) => e instanceof ConfigException && /spec/.test(e.message));
    assert.throws(() => castValueXf(''), (e: unknown) => e instanceof ConfigException && /at least one field/.test(e.message));
  });
  test('unknown types, unsupported targets, malformed pairs and whole+field mixes are refused', () => {
    assert.throws(() => castValueXf('foo:faketype'), /Invalid type found in casting spec: faketype/);
    assert.throws(() => castValueXf('foo:array'), /does not support casting to ARRAY/);
    assert.throws(() => castValueXf('foo:bytes'), /does not support casting to BYTES/);
    assert.throws(() => castValueXf('foo:int8:extra'), ConfigException);
    assert.throws(() => castValueXf('foo:int8,int32'), /may ony specify a single cast/);
  });
  test('types are case-insensitive and whitespace around parts is ignored', () => {
    const t = castValueXf(' a : INT16 , b:Float64 ');
    const out = run(t, sourceRecord({ value: { a: 1, b: 2 } }));
    assert.deepEqual(out.value, { a: 1, b: 2 });
  });
});

describe('Cast whole value with a schema', () => {
  const cases: [string, Schema, unknown, Schema, unknown][] = [
    ['int8', Schema.INT32, 42, Schema.INT8, 42],
    ['int16', Schema.INT32, 42, Schema.INT16, 42],
    ['int32', Schema.INT64, 42, Schema.INT32, 42],
    ['int64', Schema.INT32, 42, Schema.INT64, 42],
    ['float32', Schema.INT32, 42, Schema.FLOAT32, 42],
    ['float64', Schema.INT32, 42, Schema.FLOAT64, 42],
    ['boolean', Schema.INT32, 42, Schema.BOOLEAN, true],
    ['boolean', Schema.INT32, 0, Schema.BOOLEAN, false],
    ['string', Schema.INT32, 42, Schema.STRING, '42'],
    ['int32', Schema.STRING, '42', Schema.INT32, 42],
    ['boolean', Schema.STRING, 'TRUE', Schema.BOOLEAN, true],
    ['boolean', Schema.STRING, 'yes', Schema.BOOLEAN, false],
    ['int8', Schema.BOOLEAN, true, Schema.INT8, 1],
    ['float64', Schema.BOOLEAN, false, Schema.FLOAT64, 0],
    ['string', Schema.BOOLEAN, true, Schema.STRING, 'true'],
    ['float64', Schema.STRING, '1.5', Schema.FLOAT64, 1.5],
    ['float32', Schema.FLOAT64, 0.1, Schema.FLOAT32, Math.fround(0.1)],
    ['string', Schema.FLOAT64, 1.5, Schema.STRING, '1.5'],
    ['string', Schema.FLOAT64, 1, Schema.STRING, '1.0'],
    ['string', Schema.FLOAT64, 1e10, Schema.STRING, '1.0E10'],
    ['string', Schema.FLOAT64, 0.0001, Schema.STRING, '1.0E-4'],
    ['string', Schema.FLOAT32, Math.fround(0.1), Schema.STRING, '0.1'],
    ['string', Schema.INT64, 2n ** 62n, Schema.STRING, String(2n ** 62n)],
  ];
  for (const [target, from, value, schema, expected] of cases) {
    test(`${from.type} ${String(value)} → ${target}`, () => {
      const t = xform('Cast$Key', { spec: target });
      const out = run(t, sourceRecord({ keySchema: from, key: value }));
      assert.equal(out.keySchema!.type, schema.type);
      assert.deepEqual(out.key, expected);
    });
  }

  test('integers narrow like Java (two\'s-complement wrap); doubles saturate to int then narrow', () => {
    assert.equal(castValue(Schema.INT32, 300, 'INT8'), 44);
    assert.equal(castValue(Schema.INT32, 40000, 'INT16'), -25536);
    assert.equal(castValue(Schema.INT64, 2 ** 32 + 5, 'INT32'), 5);
    assert.equal(castValue(Schema.INT64, 2n ** 63n - 1n, 'INT32'), -1);
    assert.equal(castValue(Schema.FLOAT64, 1e10, 'INT32'), 2147483647);
    assert.equal(castValue(Schema.FLOAT64, 1e10, 'INT8'), -1);
    assert.equal(castValue(Schema.FLOAT64, -3.9, 'INT32'), -3);
    assert.equal(castValue(Schema.FLOAT64, NaN, 'INT64'), 0);
    assert.equal(castValue(Schema.FLOAT64, 1e19, 'INT64'), 2n ** 63n - 1n);
    assert.equal(castValue(Schema.FLOAT64, 2 ** 60, 'INT64'), 2n ** 60n);
  });

  test('Number.longValue() != 0 decides boolean: 0.5 is false, -1 is true', () => {
    assert.equal(castValue(Schema.FLOAT64, 0.5, 'BOOLEAN'), false);
    assert.equal(castValue(Schema.FLOAT64, -1, 'BOOLEAN'), true);
    assert.equal(castValue(Schema.INT64, 0n, 'BOOLEAN'), false);
  });

  test('strings out of range or not numbers are DataExceptions', () => {
    assert.throws(() => castValue(Schema.STRING, '300', 'INT8'), /Value \(300\) was out of range for requested data type/);
    assert.throws(() => castValue(Schema.STRING, 'abc', 'INT32'), DataException);
    assert.throws(() => castValue(Schema.STRING, '1.5', 'INT32'), DataException);
    assert.equal(castValue(Schema.STRING, '9223372036854775807', 'INT64'), 2n ** 63n - 1n);
    assert.equal(castValue(Schema.STRING, ' 2.5 ', 'FLOAT64'), 2.5);
    assert.equal(castValue(Schema.STRING, '2.5f', 'FLOAT32'), 2.5);
    assert.ok(Number.isNaN(castValue(Schema.STRING, 'NaN', 'FLOAT64') as number));
  });

  test('bytes cast only to string (base64); other targets fail at apply time', () => {
    const bytes = new Uint8Array([1, 2, 3, 250]);
    assert.equal(castValue(Schema.BYTES, bytes, 'STRING'), 'AQID+g==');
    assert.throws(() => castValue(Schema.BYTES, bytes, 'INT32'), /Unexpected type in Cast transformation: byte\[\]/);
    assert.throws(() => castValue(Schema.BYTES, bytes, 'BOOLEAN'), DataException);
  });

  test('decimals cast through their exact value', () => {
    const d = Decimal.schema(2);
    const v = BigDecimal.parse('1234.56');
    assert.equal(castValue(d, v, 'STRING'), '1234.56');
    assert.equal(castValue(d, v, 'INT32'), 1234);
    assert.equal(castValue(d, v, 'INT8'), (1234 << 24) >> 24);
    assert.equal(castValue(d, v, 'FLOAT64'), 1234.56);
    assert.equal(castValue(d, BigDecimal.parse('0.50'), 'BOOLEAN'), false);
    assert.equal(castValue(Decimal.schema(-3), new BigDecimal(5n, -3), 'STRING'), '5E+3');
    assert.equal(castValue(Decimal.schema(9), new BigDecimal(5n, 9), 'STRING'), '5E-9');
    const out = run(castValueXf('string'), sourceRecord({ valueSchema: d, value: v }));
    assert.equal(out.valueSchema!.type, 'STRING');
    assert.equal(out.valueSchema!.name, undefined, 'the Decimal logical name is not carried to the string schema');
  });

  test('logical Date/Time/Timestamp cast through their physical numbers, and to ISO strings', () => {
    const day = new Date(Date.UTC(2024, 0, 31));
    const time = new Date(3_723_004); // 01:02:03.004
    const ts = new Date(Date.UTC(2024, 0, 31, 12, 30, 15, 250));
    assert.equal(castValue(LogicalDate.schema(), day, 'INT32'), 19753);
    assert.equal(castValue(LogicalTime.schema(), time, 'INT32'), 3_723_004);
    assert.equal(castValue(LogicalTimestamp.schema(), ts, 'INT64'), ts.getTime());
    assert.equal(castValue(LogicalTimestamp.schema(), ts, 'INT32'), Number(BigInt.asIntN(32, BigInt(ts.getTime()))));
    assert.equal(castValue(LogicalDate.schema(), day, 'STRING'), '2024-01-31');
    assert.equal(castValue(LogicalTime.schema(), time, 'STRING'), '01:02:03.004Z');
    assert.equal(castValue(LogicalTimestamp.schema(), ts, 'STRING'), '2024-01-31T12:30:15.250Z');
    // Values.dateFormatFor picks the format by value: epoch 0 prints as a time.
    assert.equal(castValue(LogicalTimestamp.schema(), new Date(0), 'STRING'), '00:00:00.000Z');
  });

  test('struct, array and map values are refused', () => {
    const s = SchemaBuilder.struct().field('a', Schema.INT32).build();
    assert.throws(() => castValue(s, new Struct(s).put('a', 1), 'STRING'), /does not support casting from STRUCT/);
    assert.throws(() => castValue(null, [1], 'STRING'), /does not support casting from ARRAY/);
    assert.throws(() => castValue(null, new Date(), 'INT64'), /not supported by Connect's data API/);
  });

  test('optional schemas stay optional and defaults are cast', () => {
    const from = SchemaBuilder.int32().optional().defaultValue(7).build();
    const out = run(castValueXf('string'), sourceRecord({ valueSchema: from, value: 5 }));
    assert.equal(out.valueSchema!.optional, true);
    assert.equal(out.valueSchema!.defaultValue, '7');
    assert.equal(out.value, '5');
  });

  test('a null value (tombstone) passes through unchanged', () => {
    const r = sourceRecord({ valueSchema: SchemaBuilder.int32().optional().build(), value: null });
    assert.equal(castValueXf('int8').apply(r), r);
    const r2 = sourceRecord({ value: null });
    assert.equal(castValueXf('a:int8').apply(r2), r2);
  });
});

describe('Cast fields', () => {
  const schema = SchemaBuilder.struct().name('rec').version(3)
    .field('int8', Schema.INT8)
    .field('int32', Schema.INT32)
    .field('int64', Schema.OPTIONAL_INT64)
    .field('float', Schema.FLOAT32)
    .field('bool', Schema.BOOLEAN)
    .field('str', Schema.STRING)
    .field('bytes', Schema.BYTES)
    .field('ts', LogicalTimestamp.builder().optional().build())
    .field('withDefault', SchemaBuilder.int32().optional().defaultValue(9).build())
    .field('untouched', Schema.STRING)
    .build();
  const value = new Struct(schema)
    .put('int8', 8).put('int32', 32).put('int64', null).put('float', 32.5).put('bool', true).put('str', '42')
    .put('bytes', new Uint8Array([104, 105])).put('ts', new Date(1000)).put('withDefault', null).put('untouched', 'x');
  const spec = 'int8:int16,int32:string,int64:int32,float:int64,bool:int8,str:int32,bytes:string,ts:int64,withDefault:string';

  test('with a schema: each listed field is cast, its schema rebuilt, the rest kept', () => {
    const out = run(castValueXf(spec), sourceRecord({ valueSchema: schema, value }));
    const s = out.valueSchema!;
    assert.equal(s.name, 'rec');
    assert.equal(s.version, 3);
    assert.deepEqual(s.fields.map((f) => [f.name, f.schema.type, f.schema.optional]), [
      ['int8', 'INT16', false], ['int32', 'STRING', false], ['int64', 'INT32', true], ['float', 'INT64', false],
      ['bool', 'INT8', false], ['str', 'INT32', false], ['bytes', 'STRING', false], ['ts', 'INT64', true],
      ['withDefault', 'STRING', true], ['untouched', 'STRING', false],
    ]);
    assert.equal(s.field('withDefault')!.schema.defaultValue, '9');
    const v = out.value as Struct;
    assert.deepEqual(
      s.fields.map((f) => v.getWithoutDefault(f)),
      [8, '32', null, 32, 1, 42, 'aGk=', 1000, '9', 'x'],
    );
  });

  test('replace.null.with.default=false keeps the null', () => {
    const out = run(castValueXf(spec, { 'replace.null.with.default': 'false' }), sourceRecord({ valueSchema: schema, value }));
    assert.equal((out.value as Struct).getWithoutDefault('withDefault'), null);
  });

  test('the derived schema is built once per input schema', () => {
    const t = castValueXf(spec);
    const a = run(t, sourceRecord({ valueSchema: schema, value }));
    const b = run(t, sourceRecord({ valueSchema: schema, value }));
    assert.equal(a.valueSchema, b.valueSchema);
  });

  test('schemaless: listed fields are cast, a missing listed field becomes null, others are kept', () => {
    const out = run(castValueXf('a:string,b:int8,c:boolean,missing:int32'), sourceRecord({ value: { a: 1, b: '7', c: 0.5, d: 'keep' } }));
    assert.deepEqual(out.value, { a: '1', b: 7, c: false, d: 'keep', missing: null });
    const fromMap = run(castValueXf('a:float64'), sourceRecord({ value: new Map([['a', 2]]) }));
    assert.deepEqual(fromMap.value, new Map([['a', 2]]));
  });

  test('schemaless whole value', () => {
    assert.equal(run(castValueXf('int16'), sourceRecord({ value: 70000 })).value, 4464);
    assert.equal(run(castValueXf('string'), sourceRecord({ value: 2.5 })).value, '2.5');
    assert.equal(run(castValueXf('string'), sourceRecord({ value: new Uint8Array([255]) })).value, '/w==');
    assert.throws(() => run(castValueXf('a:int8'), sourceRecord({ value: 'not a map' })), /Only Map objects supported/);
  });

  test('errors name the field', () => {
    const s = SchemaBuilder.struct().field('n', Schema.STRING).build();
    assert.throws(
      () => castValueXf('n:int8').apply(sourceRecord({ valueSchema: s, value: new Struct(s).put('n', 'x') })),
      (e: unknown) => e instanceof DataException && e.context.path === 'n',
    );
  });

  test('Cast$Key leaves the value alone', () => {
    const out = run(xform('Cast$Key', { spec: 'string' }), sourceRecord({ keySchema: Schema.INT32, key: 1, value: 'v' }));
    assert.equal(out.key, '1');
    assert.equal(out.value, 'v');
  });
});

describe('Cast: every input type × every output type', () => {
  const inputs: [string, Schema, unknown][] = [
    ['int8', Schema.INT8, 7],
    ['int16', Schema.INT16, 7],
    ['int32', Schema.INT32, 7],
    ['int64', Schema.INT64, 7],
    ['float32', Schema.FLOAT32, 7.5],
    ['float64', Schema.FLOAT64, 7.5],
    ['boolean', Schema.BOOLEAN, true],
    ['string', Schema.STRING, '7'],
    ['bytes', Schema.BYTES, new Uint8Array([7])],
    ['Decimal', Decimal.schema(1), BigDecimal.parse('7.5')],
    ['Date', LogicalDate.schema(), new Date(7 * 86_400_000)],
    ['Time', LogicalTime.schema(), new Date(7)],
    ['Timestamp', LogicalTimestamp.schema(), new Date(7)],
  ];
  const targets = ['int8', 'int16', 'int32', 'int64', 'float32', 'float64', 'boolean', 'string'] as const;
  for (const [name, schema, value] of inputs) {
    test(`${name} → each target`, () => {
      for (const target of targets) {
        const t = castValueXf(`f:${target}`);
        const s = SchemaBuilder.struct().field('f', schema).build();
        const r = sourceRecord({ valueSchema: s, value: new Struct(s).put('f', value) });
        if (name === 'bytes' && target !== 'string') {
          assert.throws(() => t.apply(r), (e: unknown) => e instanceof DataException && e.context.path === 'f', `${name} → ${target}`);
          continue;
        }
        const out = run(t, r);
        const field = out.valueSchema!.field('f')!;
        assert.equal(field.schema.type, target.toUpperCase(), `${name} → ${target}`);
        // The output struct validated the value against the new schema on put; check the value is sensible too.
        const v = (out.value as Struct).get('f');
        if (target === 'boolean') assert.equal(typeof v, 'boolean');
        else if (target === 'string') assert.equal(typeof v, 'string');
        else if (name === 'boolean') assert.equal(v, 1);
        else {
          // Logical values cast through their physical number (7 days, 7 ms); fractions survive only into floats.
          const fractional = name === 'float32' || name === 'float64' || name === 'Decimal';
          assert.equal(Number(v), target.startsWith('float') && fractional ? 7.5 : 7, `${name} → ${target}`);
        }
      }
    });
  }
  test('struct, array and map fields cannot be cast to anything', () => {
    const inner = SchemaBuilder.struct().field('x', Schema.INT8).build();
    for (const [schema, value] of [
      [inner, new Struct(inner).put('x', 1)],
      [SchemaBuilder.array(Schema.INT8).build(), [1]],
      [SchemaBuilder.map(Schema.STRING, Schema.INT8).build(), new Map([['a', 1]])],
    ] as const) {
      const s = SchemaBuilder.struct().field('f', schema).build();
      for (const target of targets) {
        assert.throws(() => castValueXf(`f:${target}`).apply(sourceRecord({ valueSchema: s, value: new Struct(s).put('f', value) })),
          /Cast transformation does not support casting from (STRUCT|ARRAY|MAP)/);
      }
    }
  });
});
