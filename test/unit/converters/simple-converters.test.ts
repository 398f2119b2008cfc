import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { BigDecimal, DataException, Schema, SchemaBuilder, Struct } from '../../../src/data/index.js';
import {
  BooleanConverter,
  ByteArrayConverter,
  ConverterConfigException,
  DoubleConverter,
  FloatConverter,
  IntegerConverter,
  LongConverter,
  ShortConverter,
  StringConverter,
} from '../../../src/converters/index.js';

const hex = (b: Uint8Array | null): string | null => (b === null ? null : Buffer.from(b).toString('hex'));

describe('StringConverter', () => {
  test('any value by its Java toString, UTF-8 by default; reads OPTIONAL_STRING', () => {
    const c = new StringConverter({}, false);
    const w = (v: unknown, s: Schema | null = null): string => Buffer.from(c.fromConnectData('t', s, v)!).toString('utf8');
    assert.equal(w('héllo'), 'héllo');
    assert.equal(w(42), '42');
    assert.equal(w(2, Schema.FLOAT64), '2.0');
    assert.equal(w(Math.fround(0.1), Schema.FLOAT32), '0.1');
    assert.equal(w(1.5), '1.5');
    assert.equal(w(2n ** 64n), '18446744073709551616');
    assert.equal(w(true), 'true');
    assert.equal(w(BigDecimal.parse('0.0000001')), '1E-7');
    assert.equal(w([1, 'a']), '[1, a]');
    assert.equal(w(new Map<unknown, unknown>([['a', 1], ['b', [2]]])), '{a=1, b=[2]}');
    assert.equal(w(new Date(Date.UTC(2024, 5, 10, 6, 13, 20))), 'Mon Jun 10 06:13:20 UTC 2024');
    const s = SchemaBuilder.struct().field('a', Schema.INT32).field('b', Schema.OPTIONAL_STRING).build();
    assert.equal(w(new Struct(s).put('a', 1)), 'Struct{a=1}');
    assert.equal(c.fromConnectData('t', null, null), null);
    assert.deepEqual(c.toConnectData('t', Buffer.from('héllo')), { schema: Schema.OPTIONAL_STRING, value: 'héllo' });
    assert.deepEqual(c.toConnectData('t', null), { schema: Schema.OPTIONAL_STRING, value: null });
  });

  test('converter.encoding', () => {
    const latin = new StringConverter({ 'converter.encoding': 'ISO-8859-1' }, true);
    assert.equal(hex(latin.fromConnectData('t', null, 'é€')), 'e93f');
    assert.equal(latin.toConnectData('t', Uint8Array.of(0xe9)).value, 'é');
    const u16 = new StringConverter({ 'converter.encoding': 'UTF-16' }, false);
    assert.equal(hex(u16.fromConnectData('t', null, 'A')), 'feff0041');
    assert.equal(u16.toConnectData('t', Uint8Array.of(0xfe, 0xff, 0, 0x41)).value, 'A');
    assert.equal(u16.toConnectData('t', Uint8Array.of(0, 0x41)).value, 'A');
    const be = new StringConverter({ 'converter.encoding': 'utf-16be' }, false);
    assert.equal(hex(be.fromConnectData('t', null, 'é')), '00e9');
    const ascii = new StringConverter({ 'converter.encoding': 'US-ASCII' }, false);
    assert.equal(hex(ascii.fromConnectData('t', null, 'aé😀')), '613f3f');
    assert.throws(() => new StringConverter({ 'converter.encoding': 'EBCDIC' }, false), ConverterConfigException);
    const h = new StringConverter();
    h.configure({ 'converter.encoding': 'UTF-16LE' });
    assert.equal(hex(h.fromConnectHeader('t', 'k', null, 'A')), '4100');
    assert.equal(h.toConnectHeader('t', 'k', Uint8Array.of(0x41, 0)).value, 'A');
  });
});

describe('ByteArrayConverter', () => {
  test('passes bytes through; BYTES schema or none only', () => {
    const c = new ByteArrayConverter({}, false);
    const b = Uint8Array.of(1, 2);
    assert.equal(c.fromConnectData('t', Schema.BYTES, b), b);
    assert.equal(c.fromConnectData('t', null, null), null);
    assert.deepEqual(c.toConnectData('t', b), { schema: Schema.OPTIONAL_BYTES, value: b });
    assert.deepEqual(c.toConnectData('t', null), { schema: Schema.OPTIONAL_BYTES, value: null });
    assert.throws(() => c.fromConnectData('t', Schema.STRING, b), (e: unknown) => e instanceof DataException && /Invalid schema type for ByteArrayConverter: STRING/.test(e.message) && e.context.topic === 't');
    assert.throws(() => c.fromConnectData('t', null, 'str'), /not compatible with objects of type string/);
    assert.equal(hex(c.fromConnectHeader('t', 'h', null, b)), '0102');
  });
});

describe('number converters', () => {
  const cases = [
    { C: ShortConverter, size: 2, schema: Schema.OPTIONAL_INT16, v: -2, hex: 'fffe', bad: [40000, 1.5, 'x'] },
    { C: IntegerConverter, size: 4, schema: Schema.OPTIONAL_INT32, v: 0x01020304, hex: '01020304', bad: [2 ** 31, 'x'] },
    { C: LongConverter, size: 8, schema: Schema.OPTIONAL_INT64, v: -1, hex: 'ffffffffffffffff', bad: [2 ** 60, 2n ** 63n, 'x'] },
    { C: FloatConverter, size: 4, schema: Schema.OPTIONAL_FLOAT32, v: 1.5, hex: '3fc00000', bad: ['x', 1n] },
    { C: DoubleConverter, size: 8, schema: Schema.OPTIONAL_FLOAT64, v: 1.5, hex: '3ff8000000000000', bad: ['x'] },
  ] as const;
  for (const { C, size, schema, v, hex: h, bad } of cases) {
    test(`${C.name}: big-endian, ${size} bytes, null ↔ null, errors`, () => {
      const c = new C({}, false);
      assert.equal(hex(c.fromConnectData('t', null, v)), h);
      assert.deepEqual(c.toConnectData('t', Buffer.from(h, 'hex')), { schema, value: v });
      assert.equal(c.fromConnectData('t', schema, null), null);
      assert.deepEqual(c.toConnectData('t', null), { schema, value: null });
      for (const b of bad) assert.throws(() => c.fromConnectData('t', schema, b), DataException, String(b));
      assert.throws(() => c.toConnectData('t', new Uint8Array(size + 1)), /Size of data received .* is not/);
      assert.deepEqual(c.toConnectHeader('t', 'h', c.fromConnectHeader('t', 'h', schema, v)), { schema, value: v });
    });
  }

  test('LongConverter keeps 64 bits (bigint beyond 2^53)', () => {
    const c = new LongConverter({}, true);
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (b) => {
      const back = c.toConnectData('t', c.fromConnectData('t', null, b)).value;
      assert.equal(BigInt(back as number | bigint), b);
      assert.equal(typeof back, Number.isSafeInteger(Number(b)) && BigInt(Number(b)) === b ? 'number' : 'bigint');
    }));
  });

  test('Float/Double converters round-trip every value bit for bit', () => {
    const f = new FloatConverter({}, false);
    const d = new DoubleConverter({}, false);
    fc.assert(fc.property(fc.float(), (x) => Object.is(f.toConnectData('t', f.fromConnectData('t', null, x)).value, x) || Number.isNaN(x)));
    fc.assert(fc.property(fc.double(), (x) => Object.is(d.toConnectData('t', d.fromConnectData('t', null, x)).value, x) || Number.isNaN(x)));
  });
});

describe('BooleanConverter', () => {
  test('one byte 1/0; anything else is an error', () => {
    const c = new BooleanConverter({}, false);
    assert.equal(hex(c.fromConnectData('t', Schema.BOOLEAN, true)), '01');
    assert.equal(hex(c.fromConnectData('t', null, false)), '00');
    assert.equal(c.fromConnectData('t', null, null), null);
    assert.deepEqual(c.toConnectData('t', Uint8Array.of(1)), { schema: Schema.OPTIONAL_BOOLEAN, value: true });
    assert.deepEqual(c.toConnectData('t', Uint8Array.of(0)), { schema: Schema.OPTIONAL_BOOLEAN, value: false });
    assert.deepEqual(c.toConnectData('t', null), { schema: Schema.OPTIONAL_BOOLEAN, value: null });
    assert.throws(() => c.toConnectData('t', Uint8Array.of(2)), /Unexpected byte received by BooleanDeserializer: 2/);
    assert.throws(() => c.toConnectData('t', Uint8Array.of(1, 0)), /is not 1/);
    assert.throws(() => c.fromConnectData('t', Schema.INT8, true), /Invalid schema type for BooleanConverter: INT8/);
    assert.throws(() => c.fromConnectData('t', null, 1), /not compatible/);
    assert.equal(c.toConnectHeader('t', 'h', c.fromConnectHeader('t', 'h', null, true)).value, true);
  });
});
