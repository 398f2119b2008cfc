/**
 * Splits a byte stream into lines as Kafka's FileStreamSourceTask does: a line ends at `\n`, `\r\n` or a lone
 * `\r`. Works on bytes, so a multi-byte UTF-8 character split across reads is decoded whole. Each line carries
 * the byte offset just past its terminator: the position to resume from.
 */
export interface Line {
  readonly text: string;
  /** Absolute byte offset of the first byte after this line's terminator. */
  readonly end: number;
}

const LF = 0x0a;
const CR = 0x0d;

export class LineSplitter {
  /** Bytes of an unfinished line from earlier chunks (copied, so no read buffer is kept alive). */
  #carry: Buffer[] = [];
  #carryLength = 0;
  #chunk: Buffer = Buffer.alloc(0);
  #pos = 0;
  /** Index of the next `\r` at or after `#pos` in `#chunk` (chunk length: none); -1: not searched yet. */
  #cr = -1;
  #carryEndsWithCr = false;
  /** Absolute offset of `#chunk[#pos]`. */
  #offset: number;

  constructor(startOffset = 0) {
    this.#offset = startOffset;
  }

  /** Absolute offset of the first byte not yet returned as part of a line. */
  get position(): number {
    return this.#offset - this.#carryLength;
  }

  /** Bytes held for an unfinished line. */
  get pendingBytes(): number {
    return this.#carryLength + (this.#chunk.length - this.#pos);
  }

  /** True when every fed byte was consumed into lines or carry, so `feed` may be called. */
  get needsData(): boolean {
    return this.#pos >= this.#chunk.length;
  }

  /** Hands over the next chunk; call only when `needsData` (after `next()` returned null). */
  feed(chunk: Buffer): void {
    if (!this.needsData) throw new Error('LineSplitter.feed called before the previous chunk was consumed');
    this.#chunk = chunk;
    this.#pos = 0;
    this.#cr = -1;
  }

  /** The next complete line, or null when more data is needed. */
  next(): Line | null {
    const buf = this.#chunk;
    const start = this.#pos;
    if (this.#carryEndsWithCr) {
      // The previous chunk ended with `\r`: this chunk's first byte decides between `\r` and `\r\n`.
      if (start >= buf.length) return null;
      const termLen = buf[start] === LF ? 1 : 0;
      const carry = Buffer.concat(this.#carry);
      this.#carry = [];
      this.#carryLength = 0;
      this.#carryEndsWithCr = false;
      this.#pos = start + termLen;
      this.#offset += termLen;
      return { text: carry.toString('utf8', 0, carry.length - 1), end: this.#offset };
    }
    let i = buf.indexOf(LF, start);
    // Remember where the next `\r` is, so files without any are not rescanned for every line.
    if (this.#cr < start) {
      const at = buf.indexOf(CR, start);
      this.#cr = at === -1 ? buf.length : at;
    }
    let termLen = 1;
    if (this.#cr < buf.length && (i === -1 || this.#cr < i)) {
      if (this.#cr + 1 >= buf.length) {
        this.#stash(start, buf.length);
        this.#carryEndsWithCr = true;
        return null;
      }
      i = this.#cr;
      termLen = buf[i + 1] === LF ? 2 : 1;
    }
    if (i === -1) {
      this.#stash(start, buf.length);
      return null;
    }
    let text: string;
    if (this.#carryLength === 0) {
      text = buf.toString('utf8', start, i);
    } else {
      this.#carry.push(buf.subarray(start, i));
      text = Buffer.concat(this.#carry).toString('utf8');
      this.#carry = [];
      this.#carryLength = 0;
    }
    this.#pos = i + termLen;
    this.#offset += this.#pos - start;
    return { text, end: this.#offset };
  }

  #stash(from: number, to: number): void {
    if (to > from) {
      this.#carry.push(Buffer.from(this.#chunk.subarray(from, to)));
      this.#carryLength += to - from;
    }
    this.#offset += to - from;
    this.#pos = to;
  }
}
