/**
 * The Avro codec's fast paths, pinned where they leave the general code: the compiled one-pass writer
 * (write-connect.ts) and the ByteWriter under it — every int64 edge (numbers on the double path up to 2^53, bigints
 * beyond, the (−2^53, −2^52) range), UTF-8 by TextEncoder's rules, decimals' two's complement written in place,
 * floats widened and narrowed, structs of equal but distinct schemas, sparse arrays, payloads handed out as views of
 * one slab — and ByteReader's short ASCII strings.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  BigDecimal, DataException, Decimal, LogicalTimestamp, Schema, SchemaBuilder, Struct, bigintToTwosComplement,
} from '../../../src/data/index.js';
import { AvroData } from '../../../src/data/avro/avro-data.js';
import { ByteReader, ByteWriter } from '../../../src/data/avro/binary.js';
import { parseAvroSchema } from '../../../src/data/avro/parse-schema.js';
import type { AvroNode } from '../../../src/data/avro/schema-node.js';
import { writeUnscaled } from '../../../src/data/avro/unscaled-bytes.js';
import { connectWriter } from '../../../src/data/avro/write-connect.js';
import { DatumWriters, writeDatum } from '../../../src/data/avro/write-datum.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const avroData = new AvroData();

/** The reference pair: Connect value → datum → bytes. */
function reference(schema: Schema, target?: AvroNode): (v: unknown) => Uint8Array {
  const derived = avroData.fromConnectSchema(schema);
  const datum = avroData.datumConverter(schema, derived);
  const write = new DatumWriters().writer(datum.shape, target ?? derived);
  return (v) => writeDatum(write, datum.convert(v));
}

/** The compiled writer alone (throws when it gives up). */
function fused(schema: Schema, target?: AvroNode): (v: unknown) => Uint8Array {
  const derived = avroData.fromConnectSchema(schema);
  const write = connectWriter(schema, derived, target ?? derived, avroData.settings, new DatumWriters());
  return (v) => {
    const out = new ByteWriter();
    write(v, out);
    return out.toBytes();
  };
}

/** Avro's zig-zag varint, by the spec, in bigints. */
function zigZag(v: bigint): string {
  let z = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
  const out: number[] = [];
  while (z >= 0x80n) {
    out.push(Number(z & 0x7fn) | 0x80);
    z >>= 7n;
  }
  out.push(Number(z));
  return hex(Uint8Array.from(out));
}

function writeWith(f: (out: ByteWriter) => void): string {
  const out = new ByteWriter(8);
  f(out);
  return hex(out.toBytes());
}

describe('ByteWriter', () => {
  test('longs: every edge of the int, double and bigint paths is the spec\'s varint', () => {
    const edges = [
      0, 1, -1, 63, 64, -64, -65, 2 ** 30, -(2 ** 30) - 1, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 32,
      2 ** 52 - 1, 2 ** 52, 2 ** 52 + 1, 2 ** 53 - 1, -(2 ** 52) + 1, -(2 ** 52), -(2 ** 52) - 1, -(2 ** 52) - 5, -(2 ** 53) + 1,
      8.64e15, -8.64e15,
    ];
    for (const n of edges) assert.equal(writeWith((o) => o.writeLong(n)), zigZag(BigInt(n)), `number ${n}`);
    const bigs = [2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n), -(2n ** 53n) - 1n, 2n ** 63n - 1n, -(2n ** 63n), 4503599627370497n, 0n, -1n];
    for (const b of bigs) assert.equal(writeWith((o) => o.writeLong(b)), zigZag(b), `bigint ${b}`);
    assert.throws(() => writeWith((o) => o.writeLong(2n ** 63n)), DataException);
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (b) => {
      assert.equal(writeWith((o) => o.writeLong(b)), zigZag(b));
      if (b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER)) assert.equal(writeWith((o) => o.writeLong(Number(b))), zigZag(b));
    }), { numRuns: 2000 });
  });

  test('strings: TextEncoder\'s UTF-8 (lone surrogates as U+FFFD) after the byte length, on both sides of 64 chars', () => {
    const utf8 = (s: string) => {
      const b = new TextEncoder().encode(s);
      return zigZag(BigInt(b.length)) + hex(b);
    };
    const samples = ['', 'a', 'x'.repeat(63), 'x'.repeat(64), 'x'.repeat(65), 'x'.repeat(300), 'é', `${'x'.repeat(62)}é`, '✓'.repeat(63),
      '\ud800', 'a\udc00b', '\ud83d\ude00', '\u0000\u007f\u0080', 'é'.repeat(5000)];
    for (const s of samples) assert.equal(writeWith((o) => o.writeString(s)), utf8(s), JSON.stringify(s.slice(0, 20)));
    const units = fc.array(fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0, max: 0xffff })), { maxLength: 140 })
      .map((cs) => String.fromCharCode(...cs));
    fc.assert(fc.property(units, (s) => assert.equal(writeWith((o) => o.writeString(s)), utf8(s))), { numRuns: 2000 });
  });

  test('decimals: the unscaled value written in place is Java\'s BigInteger.toByteArray()', () => {
    const bytesOf = (v: bigint) => {
      const b = bigintToTwosComplement(v);
      return zigZag(BigInt(b.length)) + hex(b);
    };
    const edges: bigint[] = [0n, 1n, -1n];
    for (let k = 1; k <= 9; k++) {
      const e = 2n ** BigInt(8 * k - 1);
      edges.push(e - 1n, e, e + 1n, -e - 1n, -e, -e + 1n);
    }
    for (const v of edges) assert.equal(writeWith((o) => writeUnscaled(o, v)), bytesOf(v), `unscaled ${v}`);
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), (v) => assert.equal(writeWith((o) => writeUnscaled(o, v)), bytesOf(v))), { numRuns: 2000 });
  });

  test('payloads taken from one slab stay as written while later ones (and a slab that outgrows its size) follow', () => {
    const out = new ByteWriter(64);
    const written: [Uint8Array, string][] = [];
    for (let i = 0; i < 300; i++) {
      const s = String.fromCharCode(97 + (i % 26)).repeat((i * 37) % 200 + (i % 50 === 0 ? 100_000 : 0) + (i === 151 ? 1_200_000 : 0));
      out.writeLong(i);
      out.writeString(s);
      if (i % 7 === 0) {
        out.writeDouble(i / 3);
        out.discard();
        continue;
      }
      written.push([out.take(), writeWith((o) => (o.writeLong(i), o.writeString(s)))]);
    }
    for (const [payload, expected] of written) assert.equal(hex(payload), expected);
  });
});

describe('ByteReader', () => {
  test('strings: short ASCII read by hand, everything else as TextDecoder decodes it (invalid UTF-8 as U+FFFD)', () => {
    const read = (bytes: number[]) => new ByteReader(Uint8Array.from([bytes.length * 2, ...bytes, 0x7f])).readString();
    const decode = (bytes: number[]) => new TextDecoder().decode(Uint8Array.from(bytes));
    const samples = [[], [0x41], [0x4e, 0x4c], [0x7f, 0], Array(12).fill(0x61), Array(13).fill(0x61), [0xff], [0x61, 0xc3], [0xc3, 0xa9],
      [0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0xe2], [0xed, 0xa0, 0x80], [0xf0, 0x9f, 0x98, 0x80]];
    for (const b of samples) assert.equal(read(b), decode(b), JSON.stringify(b));
    fc.assert(fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0, max: 0xff })), { maxLength: 20 }), (b) => {
      const r = new ByteReader(Uint8Array.from([...Buffer.from(zigZag(BigInt(b.length)), 'hex'), ...b, 0x01]));
      assert.equal(r.readString(), decode(b));
      assert.equal(r.remaining, 1);
    }), { numRuns: 3000 });
  });
});

describe('the compiled Avro writer', () => {
  test('int64 edges, alone, optional and in a struct, and timestamps at the ends of Date', () => {
    const row = SchemaBuilder.struct().name('R').field('a', Schema.INT64).field('b', Schema.OPTIONAL_INT64).field('t', LogicalTimestamp.schema()).build();
    const values: (number | bigint)[] = [
      0, -1, 2 ** 31, -(2 ** 31) - 1, 2 ** 52 - 1, 2 ** 52, 2 ** 53 - 1, -(2 ** 52) + 1, -(2 ** 52), -(2 ** 52) - 1, -(2 ** 53) + 1,
      2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, 2n ** 63n - 1n, -(2n ** 63n),
    ];
    for (const v of values) {
      assert.equal(hex(fused(Schema.INT64)(v)), zigZag(BigInt(v)), `INT64 ${v}`);
      assert.equal(hex(fused(Schema.OPTIONAL_INT64)(v)), '02' + zigZag(BigInt(v)), `optional INT64 ${v}`);
      const t = new Date(Number(BigInt.asIntN(48, BigInt(v))) % 8.64e15);
      const value = new Struct(row).put('a', v).put('b', v).put('t', t);
      assert.equal(hex(fused(row)(value)), zigZag(BigInt(v)) + '02' + zigZag(BigInt(v)) + zigZag(BigInt(t.getTime())), `struct ${v}`);
      assert.equal(hex(avroData.binaryWriter(row, avroData.fromConnectSchema(row))(value)), hex(reference(row)(value)));
    }
    for (const t of [new Date(8.64e15), new Date(-8.64e15), new Date(0)]) {
      assert.equal(hex(fused(LogicalTimestamp.schema())(t)), zigZag(BigInt(t.getTime())));
    }
    for (const bad of [2n ** 63n, 2 ** 53, 1.5, Number.NaN, new Date(Number.NaN)]) {
      assert.throws(() => fused(Schema.INT64)(bad));
      assert.throws(() => avroData.binaryWriter(Schema.INT64, avroData.fromConnectSchema(Schema.INT64))(bad), DataException);
    }
  });

  test('floats as the writer schema\'s type: a FLOAT32 value is a float32 even when written as a double', () => {
    for (const [schema, type] of [[Schema.FLOAT32, 'double'], [Schema.FLOAT32, 'float'], [Schema.FLOAT64, 'float'], [Schema.FLOAT64, 'double']] as const) {
      const target = parseAvroSchema(`"${type}"`);
      for (const v of [0.1, -1e39, 3.4028235677973366e38, Number.NaN, -0, 1 / 3]) {
        assert.equal(hex(fused(schema, target)(v)), hex(reference(schema, target)(v)), `${schema.type} ${v} as ${type}`);
      }
    }
    // Numbers as another Avro type are left to the reference: the same bytes either way.
    const asDouble = parseAvroSchema('"double"');
    assert.equal(hex(avroData.binaryWriter(Schema.INT32, avroData.fromConnectSchema(Schema.INT32), asDouble)(7)), hex(reference(Schema.INT32, asDouble)(7)));
  });

  test('decimals on bytes, in and out of the double range, and the scale checked', () => {
    const schema = Decimal.schema(3);
    for (const u of [0n, -1n, 127n, 128n, -128n, -129n, 2n ** 47n - 1n, 2n ** 47n, -(2n ** 47n), -(2n ** 47n) - 1n, 10n ** 40n, -(10n ** 40n)]) {
      const d = new BigDecimal(u, 3);
      assert.equal(hex(fused(schema)(d)), hex(reference(schema)(d)), `${u}`);
    }
    const w = avroData.binaryWriter(schema, avroData.fromConnectSchema(schema));
    assert.throws(() => w(new BigDecimal(1n, 2)), /mismatching scale 2/);
    assert.throws(() => fused(schema)(new BigDecimal(1n, 2)));
  });

  test('a struct of an equal but distinct schema is written as the reference writes it; of another schema it is refused alike', () => {
    const make = (name: string) => SchemaBuilder.struct().name(name).field('a', Schema.INT32)
      .field('s', SchemaBuilder.string().optional().defaultValue('d').build()).build();
    const schema = make('P');
    const equal = make('P');
    const value = new Struct(equal).put('a', 1);
    assert.notEqual(equal, schema);
    assert.equal(hex(fused(schema)(value)), hex(reference(schema)(value)));
    assert.equal(hex(fused(schema)(value)), '02' + '00' + '0264', 'a = 1, then the default "d" in branch 0 of [string, null]');
    const other = new Struct(make('Q')).put('a', 1);
    assert.throws(() => fused(schema)(other));
    assert.throws(() => avroData.binaryWriter(schema, avroData.fromConnectSchema(schema))(other), /Mismatching struct schema/);
  });

  test('sparse arrays: a hole is null to the writer, as in the reference', () => {
    // eslint-disable-next-line no-sparse-arrays
    const holes = ['a', , 'b'] as unknown[];
    for (const schema of [SchemaBuilder.array(Schema.OPTIONAL_STRING).build(), SchemaBuilder.array(Schema.STRING).build()]) {
      const w = avroData.binaryWriter(schema, avroData.fromConnectSchema(schema));
      let expected: string;
      try {
        expected = hex(reference(schema)(holes));
      } catch (e) {
        assert.throws(() => w(holes), { message: (e as Error).message });
        continue;
      }
      assert.equal(hex(w(holes)), expected);
    }
  });
});
