/**
 * 64-bit integers between Connect (number when safe, bigint otherwise) and protobufjs (Long-like {low, high}
 * objects), with Java's `long` semantics: a uint64 beyond 2^63 reads as a negative INT64, as in Confluent.
 */
import { DataException } from '../../data/index.js';

export interface LongBitsLike {
  readonly low: number;
  readonly high: number;
}

/** The two's-complement bits of an integer, as protobufjs's writer takes them. */
export function toLongBits(value: bigint): LongBitsLike {
  const bits = BigInt.asUintN(64, value);
  return { low: Number(bits & 0xffffffffn) | 0, high: Number(bits >> 32n) | 0 };
}

/** A decoded 64-bit value (a Long, or a number when protobufjs has no Long support) as a signed bigint. */
export function fromLongBits(value: unknown): bigint {
  if (typeof value === 'number') return BigInt(value);
  if (typeof value === 'bigint') return BigInt.asIntN(64, value);
  if (typeof value === 'object' && value !== null && 'low' in value && 'high' in value) {
    const { low, high } = value as LongBitsLike;
    return BigInt.asIntN(64, (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0));
  }
  throw new DataException(`not a 64-bit integer: ${String(value)}`);
}

/** Connect's INT64 value: a number when it is a safe integer, a bigint otherwise. */
export function connectInt64(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** A Connect integer (number or bigint) as a bigint; throws for anything else. */
export function integerOf(value: unknown, what: string, path: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  throw new DataException(`Invalid type for ${what}: ${describe(value)}`, { path });
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return `${typeof value} ${String(value)}`;
}
