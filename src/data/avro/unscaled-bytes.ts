/**
 * A decimal's unscaled value as Avro bytes: Java's `BigInteger.toByteArray()` (minimal big-endian two's
 * complement) after its length, written straight into the output while it fits in doubles.
 */
import { bigintToTwosComplement } from '../big-decimal.js';
import type { ByteWriter } from './binary.js';

/** LIMITS[k]: 2^(8k+7), the bound of k+1 signed bytes. */
const LIMITS = [2 ** 7, 2 ** 15, 2 ** 23, 2 ** 31, 2 ** 39, 2 ** 47];

export function writeUnscaled(out: ByteWriter, v: bigint): void {
  // Number() rounds monotonically and 2^47 is a double: n is in range exactly when v is (and then n = v).
  const n = Number(v);
  if (n < -LIMITS[5]! || n >= LIMITS[5]!) {
    out.writeBytes(bigintToTwosComplement(v));
    return;
  }
  let len = 1;
  while (n < -LIMITS[len - 1]! || n >= LIMITS[len - 1]!) len++;
  out.writeSmallTwosComplement(n, len);
}
