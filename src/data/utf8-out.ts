/**
 * A reusable buffer that text formats write values into as UTF-8 (the FileStream sink's lines, JsonConverter's
 * payloads), so that a record's text is never first built as a string of concatenated pieces: those pieces were
 * the largest share of what the data path allocated.
 */
import { Buffer } from 'node:buffer';

/** A growable buffer of UTF-8 text, written from the start again for each use. */
export class Utf8Out {
  #buf: Buffer;
  #at = 0;

  constructor(bytes = 64 * 1024) {
    this.#buf = Buffer.allocUnsafe(bytes);
  }

  /** Starts over; a buffer grown past `keepBytes` is let go for one of `bytes`. */
  reset(keepBytes = Infinity, bytes = 64 * 1024): void {
    if (this.#buf.length > keepBytes) this.#buf = Buffer.allocUnsafe(bytes);
    this.#at = 0;
  }

  /** What was written since the last reset (a view, valid until the next write). */
  view(): Buffer {
    return this.#buf.subarray(0, this.#at);
  }

  /** Bytes written since the last reset. */
  get length(): number {
    return this.#at;
  }

  /** Copies what was written into `target` at `at` (no view made). */
  copyTo(target: Uint8Array, at: number): void {
    this.#buf.copy(target, at, 0, this.#at);
  }

  text(): string {
    return this.#buf.toString('utf8', 0, this.#at);
  }

  #room(n: number): Buffer {
    if (this.#buf.length - this.#at < n) {
      const bigger = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#at + n));
      this.#buf.copy(bigger, 0, 0, this.#at);
      this.#buf = bigger;
    }
    return this.#buf;
  }

  byte(b: number): void {
    this.#room(1)[this.#at++] = b;
  }

  bytes(b: Uint8Array): void {
    const buf = this.#room(b.length);
    let at = this.#at;
    if (b.length <= 32) for (let i = 0; i < b.length; i++) buf[at++] = b[i]!; // cheaper than a set() call for a few bytes
    else {
      buf.set(b, at);
      at += b.length;
    }
    this.#at = at;
  }

  /** A string whose characters are all ASCII (digits, ISO dates, base64). */
  ascii(s: string): void {
    const buf = this.#room(s.length);
    let at = this.#at;
    for (let i = 0; i < s.length; i++) buf[at++] = s.charCodeAt(i);
    this.#at = at;
  }

  /** Any string, as UTF-8 (a lone surrogate as U+FFFD, as Buffer.from does). */
  utf8(s: string): void {
    const buf = this.#room(s.length * 3);
    this.#at += buf.write(s, this.#at, 'utf8');
  }

  /**
   * A string as a JSON string literal: short printable ASCII without `"` or `\\` as it is (every JSON writer
   * agrees on those), anything else as `quote` writes it (JSON.stringify by default; JsonConverter passes
   * Jackson's escaping).
   */
  quoted(s: string, quote: (s: string) => string = JSON.stringify): void {
    const n = s.length;
    if (n <= 64) {
      // Short strings (most field values): copied while checking that nothing needs escaping or more than a byte.
      const buf = this.#room(n + 2);
      let at = this.#at;
      buf[at++] = 0x22;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c < 0x20 || c === 0x22 || c === 0x5c || c >= 0x80) break;
        buf[at++] = c;
      }
      if (i === n) {
        buf[at++] = 0x22;
        this.#at = at;
        return;
      }
    }
    this.utf8(quote(s));
  }

  /** A safe integer's decimal digits, without making its string. */
  integer(v: number): void {
    if (v === 0) return this.byte(0x30);
    const buf = this.#room(17);
    let at = this.#at;
    if (v < 0) {
      buf[at++] = 0x2d;
      v = -v;
    }
    let digits = 1;
    for (let p = 10; p <= v; p *= 10) digits++;
    for (let i = at + digits - 1; i >= at; i--) {
      buf[i] = 0x30 + (v % 10);
      v = Math.floor(v / 10);
    }
    this.#at = at + digits;
  }
}
