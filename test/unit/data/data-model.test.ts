import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  BigDecimal,
  DataException,
  Decimal,
  Headers,
  LogicalDate,
  LogicalTime,
  LogicalTimestamp,
  Schema,
  SchemaBuilder,
  SchemaException,
  Struct,
  bigintToTwosComplement,
  schemaEquals,
  twosComplementToBigint,
  validateValue,
  valueEquals,
} from '../../../src/data/index.js';

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

function dataError(fn: () => unknown, re: RegExp, path?: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof DataException, `expected a DataException, got ${String(caught)}`);
  assert.match(caught.message, re);
  if (path !== undefined) assert.equal(caught.context.path, path);
}

describe('SchemaBuilder and Schema', () => {
  test('builds every type with its properties', () => {
    const s = SchemaBuilder.int32().name('n').version(2).doc('d').parameter('k', 'v').optional().defaultValue(5).build();
    assert.deepEqual([s.type, s.name, s.version, s.doc, s.optional, s.defaultValue], ['INT32', 'n', 2, 'd', true, 5]);
    assert.equal(s.parameters!.get('k'), 'v');
    const m = SchemaBuilder.map(Schema.STRING, Schema.INT64).build();
    assert.equal(m.keySchema, Schema.STRING);
    assert.equal(SchemaBuilder.array(Schema.BOOLEAN).build().valueSchema, Schema.BOOLEAN);
    const st = SchemaBuilder.struct().field('a', Schema.INT8).field('b', SchemaBuilder.string().optional()).build();
    assert.deepEqual(st.fields.map((f) => [f.name, f.index]), [['a', 0], ['b', 1]]);
    assert.equal(st.field('b')!.schema.optional, true);
    assert.equal(st.field('zz'), undefined);
    assert.ok(Object.isFrozen(st));
  });

  test('refuses invalid definitions', () => {
    assert.throws(() => SchemaBuilder.struct().field('a', Schema.INT8).field('a', Schema.INT8), SchemaException);
    assert.throws(() => SchemaBuilder.int8().field('a', Schema.INT8), /cannot add field/);
    assert.throws(() => SchemaBuilder.struct().field('', Schema.INT8), /empty/);
    assert.throws(() => SchemaBuilder.int8().name('a').name('b'), /already been set/);
    assert.throws(() => SchemaBuilder.int8().version(1.5), /integer/);
    assert.throws(() => SchemaBuilder.int8().defaultValue(1).defaultValue(2), /already been set/);
    assert.throws(() => SchemaBuilder.int8().defaultValue(1000).build(), (e: unknown) => e instanceof SchemaException && /invalid default value/.test(e.message));
    assert.throws(() => SchemaBuilder.string().defaultValue(5).build(), SchemaException);
    assert.throws(() => new Schema({ type: 'MAP', valueSchema: Schema.INT8 }), /key schema/);
    assert.throws(() => new Schema({ type: 'ARRAY' }), /value schema/);
    assert.throws(() => new Schema({ type: 'INT8', valueSchema: Schema.INT8 }), /cannot have key or value/);
  });

  test('SchemaBuilder.from copies everything; schemaEquals compares everything', () => {
    const s = SchemaBuilder.struct().name('x').version(1).doc('d').field('a', Schema.INT8).optional().build();
    const copy = SchemaBuilder.from(s).build();
    assert.notEqual(copy, s);
    assert.ok(schemaEquals(copy, s));
    assert.ok(!schemaEquals(SchemaBuilder.from(s).required().build(), s));
    assert.ok(!schemaEquals(SchemaBuilder.int8().parameter('a', '1').build(), SchemaBuilder.int8().parameter('a', '2').build()));
    assert.ok(!schemaEquals(SchemaBuilder.int8().defaultValue(1).build(), SchemaBuilder.int8().defaultValue(2).build()));
    assert.ok(!schemaEquals(SchemaBuilder.array(Schema.INT8).build(), SchemaBuilder.array(Schema.INT16).build()));
    assert.ok(schemaEquals(Decimal.schema(2), Decimal.schema(2)));
    assert.ok(!schemaEquals(Decimal.schema(2), Decimal.schema(3)));
  });

  test('logical type schemas', () => {
    assert.equal(Decimal.schema(2).parameters!.get('scale'), '2');
    assert.equal(Decimal.schema(2).version, 1);
    assert.equal(LogicalDate.schema().type, 'INT32');
    assert.equal(LogicalTime.schema().type, 'INT32');
    assert.equal(LogicalTimestamp.schema().type, 'INT64');
    assert.throws(() => Decimal.scaleOf(SchemaBuilder.bytes().name(Decimal.LOGICAL_NAME).build()), /scale parameter not found/);
    assert.throws(() => Decimal.scaleOf(SchemaBuilder.bytes().parameter('scale', 'x').build()), /invalid Decimal scale/);
  });
});

describe('Struct and validateValue', () => {
  const inner = SchemaBuilder.struct().name('Inner').field('x', Schema.INT32).field('y', Schema.OPTIONAL_STRING).build();
  const outer = SchemaBuilder.struct()
    .field('in', inner)
    .field('list', SchemaBuilder.array(inner).build())
    .field('m', SchemaBuilder.map(Schema.STRING, Schema.INT8).build())
    .field('d', SchemaBuilder.int16().defaultValue(7).build())
    .build();

  test('put validates and get substitutes defaults', () => {
    const s = new Struct(outer);
    assert.equal(s.get('d'), 7);
    assert.equal(s.getWithoutDefault('d'), null);
    s.put('d', 3);
    assert.equal(s.get('d'), 3);
    s.put(outer.field('m')!, new Map([['a', 1]]));
    assert.deepEqual([...(s.get('m') as Map<string, number>)], [['a', 1]]);
    assert.equal(s.put('in', new Struct(inner).put('x', 1)), s, 'chainable');
  });

  test('errors name the field path', () => {
    const s = new Struct(outer);
    dataError(() => s.put('nope', 1), /nope is not a valid field name/, 'nope');
    dataError(() => s.put('d', 'x'), /int16/i, 'd');
    dataError(() => s.put('list', [new Struct(inner).put('x', 1), 'oops']), /struct/i, 'list[1]');
    dataError(() => s.put('m', new Map([['a', 1000]])), /int8/i, 'm[a]');
    dataError(() => s.put('m', new Map([[1, 1]])), /STRING|string/, 'm{key}');
    dataError(() => s.put('in', new Struct(SchemaBuilder.struct().field('x', Schema.INT32).build())), /struct schemas do not match/, 'in');
    dataError(() => new Struct(outer).validate(), /null used for required field "in"/, 'in');
    dataError(() => new Struct(Schema.INT8), /not a struct schema/);
  });

  test('validateValue covers every type', () => {
    const ok: [Schema, unknown][] = [
      [Schema.INT8, -128], [Schema.INT16, 32767], [Schema.INT32, -2147483648], [Schema.INT64, 2 ** 53 - 1],
      [Schema.INT64, -(2n ** 63n)], [Schema.FLOAT32, 1.5], [Schema.FLOAT64, NaN], [Schema.BOOLEAN, false],
      [Schema.STRING, ''], [Schema.BYTES, new Uint8Array(0)], [Decimal.schema(2), BigDecimal.parse('1.00')],
      [LogicalDate.schema(), new Date(0)], [SchemaBuilder.map(Schema.STRING, Schema.INT8).build(), { a: 1 }],
      [Schema.OPTIONAL_INT8, null], [SchemaBuilder.int8().defaultValue(1).build(), null],
    ];
    for (const [s, v] of ok) assert.doesNotThrow(() => validateValue(s, v), `${s} ${String(v)}`);
    const bad: [Schema, unknown, RegExp][] = [
      [Schema.INT8, 128, /INT8|int8/], [Schema.INT32, 1.5, /int32/], [Schema.INT64, 2 ** 60, /beyond 2\^53/],
      [Schema.INT64, 2n ** 63n, /INT64 range/], [Schema.FLOAT64, '1', /float64/], [Schema.BOOLEAN, 0, /boolean/],
      [Schema.STRING, 1, /string/], [Schema.BYTES, [1], /bytes/], [Decimal.schema(2), 1.5, /BigDecimal/],
      [LogicalTimestamp.schema(), new Date(NaN), /valid Date/], [Schema.INT8, null, /null used for required field/],
      [SchemaBuilder.array(Schema.INT8).build(), 'x', /array/],
    ];
    for (const [s, v, re] of bad) dataError(() => validateValue(s, v, 'p'), re);
  });

  test('equals and valueEquals', () => {
    const a = new Struct(inner).put('x', 1);
    const b = new Struct(SchemaBuilder.from(inner).build()).put('x', 1);
    assert.ok(a.equals(b));
    assert.ok(!a.equals(new Struct(inner).put('x', 2)));
    assert.ok(valueEquals(5, 5n));
    assert.ok(!valueEquals(5, 6n));
    assert.ok(!valueEquals(1n, 1.5), 'a bigint against a fraction is unequal (used to throw a RangeError)');
    assert.ok(!valueEquals(1.5, 1n));
    assert.ok(valueEquals(NaN, NaN));
    assert.ok(valueEquals(Uint8Array.of(1), Uint8Array.of(1)));
    assert.ok(!valueEquals(Uint8Array.of(1), Uint8Array.of(2)));
    assert.ok(valueEquals(new Map([[1, 'a'], [2, 'b']]), new Map([[2, 'b'], [1, 'a']])));
    assert.ok(valueEquals({ a: 1 }, new Map([['a', 1]])));
    assert.ok(valueEquals(new Date(5), new Date(5)));
    assert.ok(!valueEquals(BigDecimal.parse('1.0'), BigDecimal.parse('1.00')), 'scale matters, as in Java');
    assert.ok(valueEquals(undefined, null));
    assert.ok(!valueEquals([1], [1, 2]));
  });

  test('Struct.ofCheckedValues holds the values given, in field order; a wrong count or schema is refused and leaves the next Struct empty', () => {
    const s = Struct.ofCheckedValues(inner, [3, null]);
    assert.deepEqual(s.values(), [3, null]);
    assert.equal(s.get('x'), 3);
    assert.ok(s.equals(new Struct(inner).put('x', 3)));
    assert.throws(() => Struct.ofCheckedValues(inner, [1]), /1 values for the 2 fields/);
    assert.throws(() => Struct.ofCheckedValues(Schema.INT32, []), DataException);
    assert.throws(() => Struct.ofCheckedValues(SchemaBuilder.string().build(), []), /not a struct schema/);
    assert.deepEqual(new Struct(inner).values(), [null, null], 'nothing adopted by a later Struct');
  });
});

describe('BigDecimal', () => {
  test('parse keeps the scale as written', () => {
    const cases: [string, bigint, number][] = [
      ['12.34', 1234n, 2], ['-0.0045', -45n, 4], ['1.50', 150n, 2], ['1e3', 1n, -3], ['1.5E-2', 15n, 3], ['+7', 7n, 0],
      ['.5', 5n, 1], ['5.', 5n, 0], ['-0.0', 0n, 1], ['123456789012345678901234567890', 123456789012345678901234567890n, 0],
    ];
    for (const [t, u, s] of cases) {
      const d = BigDecimal.parse(t);
      assert.deepEqual([d.unscaled, d.scale], [u, s], t);
    }
    for (const bad of ['', '.', 'abc', '1.2.3', '1e', '--1', 'NaN']) assert.throws(() => BigDecimal.parse(bad), DataException, bad);
  });

  test('toString is plain notation', () => {
    assert.equal(new BigDecimal(-45n, 4).toString(), '-0.0045');
    assert.equal(new BigDecimal(12n, -2).toString(), '1200');
    assert.equal(new BigDecimal(0n, -2).toString(), '0');
    assert.equal(new BigDecimal(1234n, 2).toString(), '12.34');
    assert.equal(new BigDecimal(5n, 1).toString(), '0.5');
    assert.equal(new BigDecimal(0n, 3).toString(), '0.000');
  });

  test('setScale: exact, refusing to lose digits unless rounding HALF_UP', () => {
    assert.equal(BigDecimal.parse('1.5').setScale(3).toString(), '1.500');
    assert.equal(BigDecimal.parse('1.500').setScale(1).toString(), '1.5');
    assert.throws(() => BigDecimal.parse('1.55').setScale(1), /without rounding/);
    assert.equal(BigDecimal.parse('1.55').setScale(1, true).toString(), '1.6');
    assert.equal(BigDecimal.parse('-1.55').setScale(1, true).toString(), '-1.6');
    assert.equal(BigDecimal.parse('1.549').setScale(1, true).toString(), '1.5');
    assert.equal(BigDecimal.parse('-0.05').setScale(1, true).toString(), '-0.1');
  });

  test('compareTo, equals, fromNumber', () => {
    assert.equal(BigDecimal.parse('1.0').compareTo(BigDecimal.parse('1.00')), 0);
    assert.equal(BigDecimal.parse('-2').compareTo(BigDecimal.parse('1.5')), -1);
    assert.ok(!BigDecimal.parse('1.0').equals(BigDecimal.parse('1.00')));
    assert.equal(BigDecimal.fromNumber(0.1).toString(), '0.1');
    assert.equal(BigDecimal.fromNumber(1e21).toString(), '1000000000000000000000');
    assert.throws(() => BigDecimal.fromNumber(NaN), DataException);
  });

  test('property: parse(toString(d)) equals d; setScale up then down is the identity; compareTo matches numbers', () => {
    const dec = fc.tuple(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), fc.integer({ min: 0, max: 30 }))
      .map(([u, s]) => new BigDecimal(u, s));
    fc.assert(fc.property(dec, (d) => BigDecimal.parse(d.toString()).equals(d)));
    fc.assert(fc.property(dec, fc.integer({ min: 0, max: 10 }), (d, k) => d.setScale(d.scale + k).setScale(d.scale).equals(d)));
    fc.assert(fc.property(dec, dec, (a, b) => a.compareTo(b) === -b.compareTo(a)));
    fc.assert(fc.property(fc.integer(), fc.integer(), (a, b) =>
      BigDecimal.of(a).compareTo(BigDecimal.of(b)) === Math.sign(a - b)));
  });

  test("two's complement matches Java's BigInteger.toByteArray", () => {
    const cases: [bigint, string][] = [
      [1234n, 'BNI='], [-1n, '/w=='], [0n, 'AA=='], [127n, 'fw=='], [128n, 'AIA='], [-128n, 'gA=='], [-129n, '/38='],
      [255n, 'AP8='], [256n, 'AQA='], [-32768n, 'gAA='], [2n ** 63n - 1n, 'f/////////8='], [-(2n ** 63n), 'gAAAAAAAAAA='],
    ];
    for (const [v, expected] of cases) {
      assert.equal(b64(bigintToTwosComplement(v)), expected, String(v));
      assert.equal(twosComplementToBigint(Buffer.from(expected, 'base64')), v);
    }
    assert.equal(b64(Decimal.fromLogical(Decimal.schema(2), BigDecimal.parse('12.34'))), 'BNI=');
    assert.equal(b64(Decimal.fromLogical(Decimal.schema(0), BigDecimal.parse('-1'))), '/w==');
    assert.throws(() => Decimal.fromLogical(Decimal.schema(2), BigDecimal.parse('1.5')), /mismatching scale/);
    assert.throws(() => twosComplementToBigint(new Uint8Array(0)), DataException);
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }), (v) => {
      const bytes = bigintToTwosComplement(v);
      assert.equal(twosComplementToBigint(bytes), v);
      // minimal: dropping the first byte would change the value or its sign
      if (bytes.length > 1) assert.notEqual(twosComplementToBigint(bytes.subarray(1)), v);
    }));
  });
});

describe('logical types', () => {
  test('Date / Time / Timestamp conversions and errors', () => {
    assert.equal(LogicalDate.fromLogical(LogicalDate.schema(), new Date(86400000 * 3)), 3);
    assert.throws(() => LogicalDate.fromLogical(LogicalDate.schema(), new Date(1)), /time fields/);
    assert.equal(LogicalDate.toLogical(LogicalDate.schema(), -1).getTime(), -86400000);
    assert.equal(LogicalTime.fromLogical(LogicalTime.schema(), new Date(1000)), 1000);
    assert.throws(() => LogicalTime.fromLogical(LogicalTime.schema(), new Date(86400000)), /date fields/);
    assert.throws(() => LogicalTime.toLogical(LogicalTime.schema(), -1), /milliseconds/);
    assert.equal(LogicalTimestamp.toLogical(LogicalTimestamp.schema(), 5n).getTime(), 5);
  });
});

describe('Headers', () => {
  test('ordered multimap operations', () => {
    const h = new Headers();
    h.addString('a', 'x').addInt('b', 1).addString('a', 'y').addBoolean('c', true);
    assert.equal(h.size, 4);
    assert.deepEqual(h.allWithName('a').map((x) => x.value), ['x', 'y']);
    assert.equal(h.lastWithName('a')!.value, 'y');
    assert.equal(h.lastWithName('zz'), undefined);
    const dup = h.duplicate();
    h.retainLatest();
    assert.deepEqual([...h].map((x) => `${x.key}=${String(x.value)}`), ['b=1', 'a=y', 'c=true']);
    assert.equal(dup.size, 4, 'duplicate is independent');
    dup.retainLatest('a');
    assert.deepEqual(dup.toArray().map((x) => x.key), ['b', 'a', 'c']);
    h.remove('a');
    assert.deepEqual([...h].map((x) => x.key), ['b', 'c']);
    h.apply((x) => (x.key === 'b' ? { ...x, value: 2 } : null));
    assert.deepEqual([...h].map((x) => [x.key, x.value]), [['b', 2]]);
    h.clear();
    assert.equal(h.size, 0);
  });

  test('typed adders carry schemas and validate', () => {
    const h = new Headers()
      .addLong('l', 2n ** 60n).addDecimal('d', BigDecimal.parse('1.25')).addDate('dt', new Date(0))
      .addTime('t', new Date(5)).addTimestamp('ts', new Date(7)).addBytes('b', Uint8Array.of(1)).addDouble('f', 0.5);
    assert.equal(h.lastWithName('d')!.schema!.parameters!.get('scale'), '2');
    assert.equal(h.lastWithName('ts')!.schema!.name, LogicalTimestamp.LOGICAL_NAME);
    dataError(() => new Headers().addInt('i', 2 ** 40), /int32/, 'header i');
    assert.doesNotThrow(() => new Headers().addString('s', null));
    assert.equal(new Headers().add('x', undefined).lastWithName('x')!.value, null);
  });
});
