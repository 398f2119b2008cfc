/**
 * Avro's binary encoding of primitives (spec §"Binary Encoding"): zig-zag varints for int and long (every 64-bit
 * value exact: numbers while safe, bigints beyond), little-endian IEEE floats, length-prefixed bytes and UTF-8.
 */
import { DataException } from '../errors.js';

const TWO_31 = 2 ** 31;
const TWO_52 = 2 ** 52;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const encoder = new TextEncoder();
// Java decodes invalid UTF-8 with replacement characters rather than failing.
const decoder = new TextDecoder('utf-8');
/** Java's largest array (Avro's SystemLimitException bound for collection lengths). */
const MAX_COLLECTION = 2147483639;

/** A growable output buffer. */
export class ByteWriter {
  #buf: Uint8Array;
  #view: DataView;
  pos = 0;

  constructor(initial = 256) {
    this.#buf = new Uint8Array(initial);
    this.#view = new DataView(this.#buf.buffer);
  }

  #room(n: number): void {
    if (this.pos + n <= this.#buf.length) return;
    const bigger = new Uint8Array(Math.max(this.#buf.length * 2, this.pos + n));
    bigger.set(this.#buf.subarray(0, this.pos));
    this.#buf = bigger;
    this.#view = new DataView(bigger.buffer);
  }

  /** A copy of what was written. */
  toBytes(): Uint8Array {
    return this.#buf.slice(0, this.pos);
  }

  writeBoolean(b: boolean): void {
    this.#room(1);
    this.#buf[this.pos++] = b ? 1 : 0;
  }

  writeInt(n: number): void {
    this.writeLong(n);
  }

  /** Zig-zag varint of any value in the 64-bit range (a number must be a safe integer, else pass a bigint). */
  writeLong(n: number | bigint): void {
    this.#room(10);
    const buf = this.#buf;
    if (typeof n === 'number' && n >= -TWO_31 && n < TWO_31) {
      let z = (n << 1) ^ (n >> 31);
      while ((z & ~0x7f) !== 0) {
        buf[this.pos++] = (z & 0x7f) | 0x80;
        z >>>= 7;
      }
      buf[this.pos++] = z;
      return;
    }
    if (typeof n === 'number' && n > -TWO_52 && n < TWO_52) {
      let z = n >= 0 ? n * 2 : -n * 2 - 1;
      while (z >= 128) {
        buf[this.pos++] = (z % 128) | 0x80;
        z = Math.floor(z / 128);
      }
      buf[this.pos++] = z;
      return;
    }
    const b = typeof n === 'bigint' ? n : BigInt(n);
    if (b < LONG_MIN || b > LONG_MAX) throw new DataException(`value ${b} is outside the Avro long range`);
    let z = BigInt.asUintN(64, (b << 1n) ^ (b >> 63n));
    while (z >= 128n) {
      buf[this.pos++] = Number(z & 0x7fn) | 0x80;
      z >>= 7n;
    }
    buf[this.pos++] = Number(z);
  }

  writeFloat(f: number): void {
    this.#room(4);
    this.#view.setFloat32(this.pos, f, true);
    this.pos += 4;
  }

  writeDouble(d: number): void {
    this.#room(8);
    this.#view.setFloat64(this.pos, d, true);
    this.pos += 8;
  }

  writeFixed(bytes: Uint8Array): void {
    this.#room(bytes.length);
    this.#buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  writeBytes(bytes: Uint8Array): void {
    this.writeLong(bytes.length);
    this.writeFixed(bytes);
  }

  writeString(s: string): void {
    this.writeBytes(encoder.encode(s));
  }
}

/** A cursor over Avro binary data; every read checks the bounds. */
export class ByteReader {
  pos = 0;
  readonly #view: DataView;

  constructor(readonly buf: Uint8Array) {
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  #need(n: number): void {
    if (n < 0 || this.pos + n > this.buf.length) {
      throw new DataException(`Avro data ends too early: ${n} more bytes needed at offset ${this.pos} of ${this.buf.length}`);
    }
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  readBoolean(): boolean {
    this.#need(1);
    const b = this.buf[this.pos++]!;
    if (b > 1) throw new DataException(`invalid Avro boolean byte ${b}`);
    return b === 1;
  }

  readInt(): number {
    const v = this.readLong();
    if (typeof v !== 'number' || v < -TWO_31 || v >= TWO_31) throw new DataException(`invalid Avro int: ${String(v)} is out of the int range`);
    return v;
  }

  /** A zig-zag varint long: a number when it is a safe integer, a bigint otherwise. */
  readLong(): number | bigint {
    const buf = this.buf;
    let z = 0;
    let mul = 1;
    for (let i = 0; i < 7; i++) {
      this.#need(1);
      const b = buf[this.pos++]!;
      z += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      mul *= 128;
    }
    // Beyond 49 bits: continue exactly with bigints.
    let big = BigInt(z);
    let shift = 49n;
    for (let i = 7; ; i++) {
      if (i >= 10) throw new DataException('invalid Avro long: varint longer than 10 bytes');
      this.#need(1);
      const b = buf[this.pos++]!;
      big |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) break;
    }
    big = BigInt.asUintN(64, big);
    const v = (big >> 1n) ^ -(big & 1n);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }

  readFloat(): number {
    this.#need(4);
    const f = this.#view.getFloat32(this.pos, true);
    this.pos += 4;
    return f;
  }

  readDouble(): number {
    this.#need(8);
    const d = this.#view.getFloat64(this.pos, true);
    this.pos += 8;
    return d;
  }

  readFixed(n: number): Uint8Array {
    this.#need(n);
    const out = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  readLength(): number {
    const n = this.readLong();
    if (typeof n !== 'number' || n < 0) throw new DataException(`invalid Avro length ${String(n)}`);
    this.#need(n);
    return n;
  }

  readBytes(): Uint8Array {
    return this.readFixed(this.readLength());
  }

  readString(): string {
    const n = this.readLength();
    const s = decoder.decode(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }

  /** A block count of an array or map: a negative count is followed by the block's size in bytes. */
  readBlockCount(): number {
    let n = this.readLong();
    if (typeof n !== 'number') throw new DataException(`invalid Avro block count ${n}`);
    if (n < 0) {
      n = -n;
      this.readLong();
    }
    if (n > MAX_COLLECTION) throw new DataException(`Avro collection length ${n} exceeds the maximum allowed`);
    return n;
  }
}
