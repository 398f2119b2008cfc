import { DataException } from './errors.js';

/**
 * An exact decimal: `unscaled × 10^-scale`, as Java's BigDecimal. Values of Connect's Decimal logical
 * type are BigDecimals so 30-digit numbers and money keep every digit.
 */
export class BigDecimal {
  readonly unscaled: bigint;
  readonly scale: number;

  constructor(unscaled: bigint, scale: number) {
    if (!Number.isInteger(scale)) throw new DataException(`decimal scale must be an integer, got ${scale}`);
    this.unscaled = unscaled;
    this.scale = scale;
    Object.freeze(this);
  }

  static of(unscaled: bigint | number, scale = 0): BigDecimal {
    return new BigDecimal(BigInt(unscaled), scale);
  }

  /** Parses `-123.4500`, `1e3`, `1.5E-2` keeping the scale as written (`1.50` has scale 2). */
  static parse(text: string): BigDecimal {
    const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
    if (!m || (m[2] === '' && (m[3] === undefined || m[3] === ''))) {
      throw new DataException(`not a decimal number: '${text}'`);
    }
    const intPart = m[2] ?? '';
    const frac = m[3] ?? '';
    const exp = m[4] ? Number.parseInt(m[4], 10) : 0;
    const digits = BigInt((intPart + frac) || '0');
    return new BigDecimal(m[1] === '-' ? -digits : digits, frac.length - exp);
  }

  /** From a JS number, through its shortest round-trip decimal text (as Java's BigDecimal.valueOf(double)). */
  static fromNumber(value: number): BigDecimal {
    if (!Number.isFinite(value)) throw new DataException(`cannot represent ${value} as a decimal`);
    const text = String(value);
    const d = BigDecimal.parse(text);
    // Java's valueOf(double) gives integral doubles a scale of 1 ("1.0"); keep JS's "1" → scale 0 unless negative scale.
    return d.scale < 0 ? d.setScale(0) : d;
  }

  /** Same value at another scale; throws when digits would be lost unless `round` (HALF_UP) is set. */
  setScale(scale: number, round = false): BigDecimal {
    if (scale === this.scale) return this;
    if (scale > this.scale) return new BigDecimal(this.unscaled * 10n ** BigInt(scale - this.scale), scale);
    const divisor = 10n ** BigInt(this.scale - scale);
    const q = this.unscaled / divisor;
    const r = this.unscaled % divisor;
    if (r === 0n) return new BigDecimal(q, scale);
    if (!round) throw new DataException(`decimal ${this.toString()} does not fit scale ${scale} without rounding`);
    const twice = (r < 0n ? -r : r) * 2n;
    const away = twice >= divisor ? (this.unscaled < 0n ? -1n : 1n) : 0n;
    return new BigDecimal(q + away, scale);
  }

  /** Plain notation, never an exponent: `-0.0045`, `1200` (scale -2 prints as digits with zeros). */
  toString(): string {
    const neg = this.unscaled < 0n;
    let digits = (neg ? -this.unscaled : this.unscaled).toString();
    if (this.scale <= 0) {
      return (neg ? '-' : '') + digits + (this.unscaled === 0n ? '' : '0'.repeat(-this.scale));
    }
    if (digits.length <= this.scale) digits = '0'.repeat(this.scale - digits.length + 1) + digits;
    const point = digits.length - this.scale;
    return `${neg ? '-' : ''}${digits.slice(0, point)}.${digits.slice(point)}`;
  }

  toNumber(): number {
    return Number(this.toString());
  }

  /** Numerical equality with the same scale (Java's BigDecimal.equals). */
  equals(other: unknown): boolean {
    return other instanceof BigDecimal && other.scale === this.scale && other.unscaled === this.unscaled;
  }

  compareTo(other: BigDecimal): number {
    const s = Math.max(this.scale, other.scale);
    const a = this.setScale(s).unscaled;
    const b = other.setScale(s).unscaled;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  toJSON(): string {
    return this.toString();
  }
}

/** Minimal big-endian two's-complement bytes of an integer, exactly as Java's BigInteger.toByteArray(). */
export function bigintToTwosComplement(value: bigint): Uint8Array {
  // Number of bits needed including the sign bit.
  let bits = 1;
  if (value >= 0n) {
    let v = value;
    while (v > 0n) { v >>= 1n; bits++; }
  } else {
    let v = -value - 1n;
    while (v > 0n) { v >>= 1n; bits++; }
  }
  const len = Math.ceil(bits / 8);
  const out = new Uint8Array(len);
  let v = BigInt.asUintN(len * 8, value);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Inverse of bigintToTwosComplement (Java's `new BigInteger(byte[])`). */
export function twosComplementToBigint(bytes: Uint8Array): bigint {
  if (bytes.length === 0) throw new DataException('empty byte array is not a decimal value');
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return BigInt.asIntN(bytes.length * 8, v);
}
