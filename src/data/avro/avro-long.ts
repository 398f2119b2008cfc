/**
 * An avsc `long` that takes numbers and bigints and writes every 64-bit value exactly (avsc's own long throws
 * beyond 2^53). Reads give a number when it is a safe integer, a bigint otherwise.
 */
import avro from 'avsc';

const scratch = Buffer.alloc(10);
const TWO_63 = 2n ** 63n;

/** Zig-zag varint of `n` into the shared scratch buffer (copied by avsc right away). */
export function zigZagLong(n: number | bigint, out: Buffer = scratch): Buffer {
  let i = 0;
  if (typeof n === 'number' && n >= -1073741824 && n < 1073741824) {
    let m = n >= 0 ? n << 1 : (~n << 1) | 1;
    do {
      let b = m & 0x7f;
      m >>>= 7;
      if (m) b |= 0x80;
      out[i++] = b;
    } while (m);
    return out.subarray(0, i);
  }
  if (typeof n === 'number' && Number.isInteger(n) && Math.abs(n) < 2 ** 52) {
    let f = n >= 0 ? n * 2 : -n * 2 - 1;
    do {
      let b = f % 128;
      f = Math.floor(f / 128);
      if (f >= 1) b |= 0x80;
      out[i++] = b;
    } while (f >= 1);
    return out.subarray(0, i);
  }
  const big = typeof n === 'bigint' ? n : BigInt(n);
  let z = BigInt.asUintN(64, (big << 1n) ^ (big >> 63n));
  do {
    let b = Number(z & 0x7fn);
    z >>= 7n;
    if (z > 0n) b |= 0x80;
    out[i++] = b;
  } while (z > 0n);
  return out.subarray(0, i);
}

export function readZigZagLong(buf: Uint8Array): number | bigint {
  if (buf.length <= 7) {
    let z = 0;
    let mul = 1;
    for (const b of buf) {
      z += (b & 0x7f) * mul;
      mul *= 128;
    }
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }
  let z = 0n;
  let shift = 0n;
  for (const b of buf) {
    z |= BigInt(b & 0x7f) << shift;
    shift += 7n;
  }
  const v = (z >> 1n) ^ -(z & 1n);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

export const BIG_LONG: avro.Type = avro.types.LongType.__with(
  {
    fromBuffer: (buf: Buffer) => readZigZagLong(buf),
    toBuffer: (n: number | bigint) => zigZagLong(n),
    fromJSON: (x: unknown) => (typeof x === 'string' ? BigInt(x) : x),
    toJSON: (x: number | bigint) => (typeof x === 'bigint' ? (Number.isSafeInteger(Number(x)) ? Number(x) : x.toString()) : x),
    isValid: (x: unknown) =>
      (typeof x === 'number' && Number.isInteger(x) && Math.abs(x) < 2 ** 63) ||
      (typeof x === 'bigint' && x >= -TWO_63 && x < TWO_63),
    compare: (a: number | bigint, b: number | bigint) => (a < b ? -1 : a > b ? 1 : 0),
  },
  true,
) as unknown as avro.Type;
