/**
 * Avro's binary encoding of primitives (spec §"Binary Encoding"): zig-zag varints for int and long (every 64-bit
 * value exact: numbers while safe, bigints beyond), little-endian IEEE floats, length-prefixed bytes and UTF-8.
 */
import { DataException } from '../errors.js';

const TWO_31 = 2 ** 31;
const TWO_52 = 2 ** 52;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
// Java decodes invalid UTF-8 with replacement characters rather than failing.
const decoder = new TextDecoder('utf-8');
/** Strings up to this many bytes are read by hand when they are ASCII. */
const SHORT_STRING = 12;
/** A slab grown beyond this for one payload is let go once that payload is taken. */
const MAX_KEPT_SLAB = 1 << 20;
/** Java's largest array (Avro's SystemLimitException bound for collection lengths). */
const MAX_COLLECTION = 2147483639;

/**
 * A growable output buffer. `toBytes` copies out what was written; `take` hands out a view of the bytes written
 * since the last `take` and moves on, so one writer can serve many payloads from one slab (as Node's Buffer pool
 * does): a small typed array of its own costs far more than the bytes in it.
 */
export class ByteWriter {
  #buf!: Uint8Array;
  /** The same memory, for Buffer's UTF-8 writes. */
  #text!: Buffer;
  #view!: DataView;
  /** Where the payload being written starts. */
  #start = 0;
  #pos = 0;
  readonly #slab: number;

  constructor(initial = 256) {
    this.#slab = initial;
    this.#use(new Uint8Array(initial));
  }

  #use(buf: Uint8Array): void {
    this.#buf = buf;
    this.#text = Buffer.from(buf.buffer, buf.byteOffset, buf.length);
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  }

  /** Makes room for `n` more bytes; a payload that outgrows the slab moves to a new one (views handed out keep the old). */
  #room(n: number): void {
    if (this.#pos + n > this.#buf.length) this.#grow(n);
  }

  #grow(n: number): void {
    const used = this.#pos - this.#start;
    const bigger = new Uint8Array(Math.max(this.#slab, (used + n) * 2));
    bigger.set(this.#buf.subarray(this.#start, this.#pos));
    this.#use(bigger);
    this.#start = 0;
    this.#pos = used;
  }

  /** A copy of what was written. */
  toBytes(): Uint8Array {
    return this.#buf.slice(this.#start, this.#pos);
  }

  /** What was written since the last `take`, as a view that later writes do not touch. */
  take(): Uint8Array {
    const out = new Uint8Array(this.#buf.buffer, this.#buf.byteOffset + this.#start, this.#pos - this.#start);
    this.#start = this.#pos;
    if (this.#buf.length > MAX_KEPT_SLAB) {
      this.#use(new Uint8Array(this.#slab));
      this.#start = this.#pos = 0;
    }
    return out;
  }

  /** Forgets what was written since the last `take`. */
  discard(): void {
    this.#pos = this.#start;
  }

  writeBoolean(b: boolean): void {
    this.#room(1);
    this.#buf[this.#pos++] = b ? 1 : 0;
  }

  writeInt(n: number): void {
    this.writeLong(n);
  }

  /** Zig-zag varint of any value in the 64-bit range (a number must be a safe integer, else pass a bigint). */
  writeLong(n: number | bigint): void {
    if (typeof n === 'number') {
      if (n >= -TWO_31 && n < TWO_31) return this.#int(n);
      // 2n and −2n−1 stay exact doubles up to here; (−2^53, −2^52] needs 54 bits.
      if (n > -TWO_52 && n <= Number.MAX_SAFE_INTEGER) return this.#wide(n);
    }
    this.#big(typeof n === 'bigint' ? n : BigInt(n));
  }

  #int(n: number): void {
    this.#room(5);
    const buf = this.#buf;
    let pos = this.#pos;
    let z = (n << 1) ^ (n >> 31);
    while ((z & ~0x7f) !== 0) {
      buf[pos++] = (z & 0x7f) | 0x80;
      z >>>= 7;
    }
    buf[pos++] = z;
    this.#pos = pos;
  }

  #wide(n: number): void {
    this.#room(10);
    const buf = this.#buf;
    let pos = this.#pos;
    let z = n >= 0 ? n * 2 : -n * 2 - 1;
    while (z >= TWO_31) {
      buf[pos++] = (z & 0x7f) | 0x80;
      z = Math.floor(z / 128);
    }
    while (z > 0x7f) {
      buf[pos++] = (z & 0x7f) | 0x80;
      z >>>= 7;
    }
    buf[pos++] = z;
    this.#pos = pos;
  }

  #big(b: bigint): void {
    if (b < LONG_MIN || b > LONG_MAX) throw new DataException(`value ${b} is outside the Avro long range`);
    this.#room(10);
    const buf = this.#buf;
    let z = BigInt.asUintN(64, (b << 1n) ^ (b >> 63n));
    while (z >= 128n) {
      buf[this.#pos++] = Number(z & 0x7fn) | 0x80;
      z >>= 7n;
    }
    buf[this.#pos++] = Number(z);
  }

  writeFloat(f: number): void {
    this.#room(4);
    this.#view.setFloat32(this.#pos, f, true);
    this.#pos += 4;
  }

  writeDouble(d: number): void {
    this.#room(8);
    this.#view.setFloat64(this.#pos, d, true);
    this.#pos += 8;
  }

  writeFixed(bytes: Uint8Array): void {
    this.#room(bytes.length);
    this.#buf.set(bytes, this.#pos);
    this.#pos += bytes.length;
  }

  writeBytes(bytes: Uint8Array): void {
    this.writeLong(bytes.length);
    this.writeFixed(bytes);
  }

  /**
   * The bytes of `v mod 256^len` big-endian, after their length: the caller has checked that `len` bytes hold `v`
   * (|v| < 2^47, so every step is exact in doubles).
   */
  writeSmallTwosComplement(v: number, len: number): void {
    this.#room(1 + len);
    const buf = this.#buf;
    buf[this.#pos] = len << 1;
    let n = v;
    for (let i = this.#pos + len; i > this.#pos; i--) {
      buf[i] = n & 0xff;
      n = Math.floor(n / 256);
    }
    this.#pos += 1 + len;
  }

  /** UTF-8 after its length, as TextEncoder encodes (a lone surrogate becomes U+FFFD). */
  writeString(s: string): void {
    const n = s.length;
    if (n < 64) {
      // All ASCII (the usual case): n bytes, and the length fits one varint byte.
      this.#room(1 + n);
      const buf = this.#buf;
      const at = this.#pos + 1;
      let i = 0;
      while (i < n) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[at + i++] = c;
      }
      if (i === n) {
        buf[this.#pos] = n << 1;
        this.#pos = at + n;
        return;
      }
    }
    const len = Buffer.byteLength(s, 'utf8');
    this.writeLong(len);
    this.#room(len);
    this.#text.write(s, this.#pos, len, 'utf8');
    this.#pos += len;
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
    const buf = this.buf;
    const start = this.pos;
    if (n <= SHORT_STRING) {
      // Short ASCII (the usual short string) is quicker built here than decoded; anything else is decoded.
      let s = '';
      let i = start;
      for (; i < start + n; i++) {
        const b = buf[i]!;
        if (b >= 0x80) break;
        s += String.fromCharCode(b);
      }
      if (i === start + n) {
        this.pos = i;
        return s;
      }
    }
    const s = decoder.decode(buf.subarray(start, start + n));
    this.pos = start + n;
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
