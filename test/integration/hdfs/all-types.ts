/** A value schema with every Connect type and logical type, and deterministic records for it. */
import {
  BigDecimal, Decimal, LogicalDate, LogicalTime, LogicalTimestamp, Schema, SchemaBuilder, Struct,
} from '../../../src/data/index.js';

export const ADDRESS = SchemaBuilder.struct().name('com.acme.Address')
  .field('street', Schema.STRING).field('zip', Schema.OPTIONAL_INT32).build();
export const TAG = SchemaBuilder.struct().field('k', Schema.STRING).field('v', Schema.OPTIONAL_FLOAT64).build();

export const ALL = SchemaBuilder.struct().name('com.acme.Everything').version(7).doc('every Connect type')
  .field('i8', Schema.INT8).field('i16', Schema.INT16).field('i32', Schema.INT32).field('i64', Schema.INT64)
  .field('f32', Schema.FLOAT32).field('f64', Schema.FLOAT64).field('bool', Schema.BOOLEAN).field('str', Schema.STRING)
  .field('bytes', Schema.BYTES)
  .field('dec', Decimal.builder(2).parameter('connect.decimal.precision', '20').build())
  .field('dec_default', Decimal.schema(3))
  .field('date', LogicalDate.schema()).field('time', LogicalTime.schema()).field('ts', LogicalTimestamp.schema())
  .field('o_i64', Schema.OPTIONAL_INT64).field('o_str', Schema.OPTIONAL_STRING).field('o_f64', Schema.OPTIONAL_FLOAT64)
  .field('o_bytes', Schema.OPTIONAL_BYTES).field('o_dec', Decimal.builder(4).parameter('connect.decimal.precision', '18').optional().build())
  .field('o_ts', LogicalTimestamp.builder().optional().build()).field('o_date', LogicalDate.builder().optional().build())
  .field('address', ADDRESS).field('o_address', SchemaBuilder.struct().name('com.acme.Address2').field('city', Schema.STRING).optional().build())
  .field('arr', SchemaBuilder.array(Schema.OPTIONAL_STRING).build())
  .field('tags', SchemaBuilder.array(TAG).build())
  .field('smap', SchemaBuilder.map(Schema.STRING, Schema.INT64).build())
  .field('imap', SchemaBuilder.map(Schema.INT32, ADDRESS).build())
  .field('lmap', SchemaBuilder.map(Schema.STRING, SchemaBuilder.array(Schema.INT32).build()).optional().build())
  .build();

const DAY = 86_400_000;
const I64 = [0n, 1n, -1n, 2n ** 53n + 1n, -(2n ** 53n) - 3n, 2n ** 63n - 1n, -(2n ** 63n), -(2n ** 52n) - 1n];

/** The expected plain values of record `i` (what every reader must give back). */
export interface Expected {
  i8: number; i16: number; i32: number; i64: bigint; f32: number; f64: number; bool: boolean; str: string; bytes: number[];
  dec: string; dec_default: string; date: number; time: number; ts: number;
  o_i64: bigint | null; o_str: string | null; o_f64: number | null; o_bytes: number[] | null; o_dec: string | null; o_ts: number | null; o_date: number | null;
  street: string; zip: number | null; city: string | null; arr: (string | null)[]; tags: { k: string; v: number | null }[];
  smap: [string, bigint][]; imap: [number, string][]; lmap: [string, number[]][] | null;
}

export function expected(i: number): Expected {
  const odd = i % 2 === 1;
  return {
    i8: (i % 256) - 128, i16: (i * 37) % 65536 - 32768, i32: (i * 2_654_435_761) % 2 ** 31 - 2 ** 30,
    i64: I64[i % I64.length]! + BigInt(i) * (i % I64.length < 3 ? 1000n : 0n),
    f32: Math.fround(i / 8 - 3.25), f64: i * 1.0000001 - 1e6, bool: i % 3 === 0,
    str: `row ${i} — ünïcødé ✓ "quoted" \\ \n tab\t`, bytes: [i % 256, 0, 255, (i * 7) % 256],
    dec: new BigDecimal(BigInt(i) * 123_456_789_012_345n - 99_999_999_999_999_999n, 2).toString(),
    dec_default: new BigDecimal(BigInt(-i) * 1001n, 3).toString(),
    date: (i - 100) * DAY, time: (i * 1234567) % DAY, ts: 1_700_000_000_123 - i * 86_399_999,
    o_i64: odd ? null : BigInt(i) * 3n, o_str: odd ? null : `opt ${i}`, o_f64: odd ? null : i / 3,
    o_bytes: odd ? null : [i % 256], o_dec: odd ? null : new BigDecimal(BigInt(i) * 10_001n, 4).toString(),
    o_ts: odd ? null : i * 1000, o_date: odd ? null : i * DAY,
    street: `Main St ${i}`, zip: i % 5 === 0 ? null : 10_000 + i, city: i % 4 === 0 ? null : `City${i % 10}`,
    arr: i % 3 === 0 ? [] : ['a', null, `x${i}`], tags: Array.from({ length: i % 3 }, (_, k) => ({ k: `t${k}`, v: k === 1 ? null : k + i / 2 })),
    smap: i % 4 === 0 ? [] : [['one', BigInt(i)], ['big', 2n ** 60n + BigInt(i)]], imap: [[i, `Side ${i}`]],
    lmap: i % 5 === 1 ? null : [['l', [i, -i - 1]]],
  };
}

export function struct(i: number): Struct {
  const e = expected(i);
  const toNum = (b: bigint): number | bigint => (b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b);
  const dec = (s: string | null, scale: number): BigDecimal | null => (s === null ? null : BigDecimal.parse(s).setScale(scale));
  const addr = (street: string, zip: number | null): Struct => new Struct(ADDRESS).put('street', street).put('zip', zip);
  return new Struct(ALL)
    .put('i8', e.i8).put('i16', e.i16).put('i32', e.i32).put('i64', toNum(e.i64)).put('f32', e.f32).put('f64', e.f64)
    .put('bool', e.bool).put('str', e.str).put('bytes', new Uint8Array(e.bytes)).put('dec', dec(e.dec, 2)).put('dec_default', dec(e.dec_default, 3))
    .put('date', new Date(e.date)).put('time', new Date(e.time)).put('ts', new Date(e.ts))
    .put('o_i64', e.o_i64 === null ? null : toNum(e.o_i64)).put('o_str', e.o_str).put('o_f64', e.o_f64)
    .put('o_bytes', e.o_bytes === null ? null : new Uint8Array(e.o_bytes)).put('o_dec', dec(e.o_dec, 4))
    .put('o_ts', e.o_ts === null ? null : new Date(e.o_ts)).put('o_date', e.o_date === null ? null : new Date(e.o_date))
    .put('address', addr(e.street, e.zip))
    .put('o_address', e.city === null ? null : new Struct(ALL.field('o_address')!.schema).put('city', e.city))
    .put('arr', e.arr).put('tags', e.tags.map((t) => new Struct(TAG).put('k', t.k).put('v', t.v)))
    .put('smap', new Map(e.smap.map(([k, v]) => [k, toNum(v)]))).put('imap', new Map(e.imap.map(([k, s]) => [k, addr(s, null)])))
    .put('lmap', e.lmap === null ? null : new Map(e.lmap));
}
