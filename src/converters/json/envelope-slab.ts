/**
 * Serialized records as views into one large slab rather than one `Buffer.allocUnsafe` each: Node's 8 KiB pool
 * fills every few JSON envelopes, and making a new pool showed in profiles of the JSON source path. A view keeps
 * its slab alive, as a pooled Buffer keeps its pool.
 */
import { Buffer } from 'node:buffer';
import type { Utf8Out } from '../../data/utf8-out.js';

const SLAB_BYTES = 64 * 1024;

export class EnvelopeSlab {
  #slab: Buffer = Buffer.allocUnsafe(0);
  #at = 0;

  /** `head`, then what `body` holds, then the byte `last` (none when null), as one Buffer. */
  framed(head: Uint8Array, body: Utf8Out, last: number | null): Buffer {
    const size = head.length + body.length + (last === null ? 0 : 1);
    if (this.#slab.length - this.#at < size) {
      // A record bigger than a slab gets a buffer of its own, of exactly its size.
      if (size > SLAB_BYTES) return fill(Buffer.allocUnsafe(size), 0, head, body, last);
      this.#slab = Buffer.allocUnsafe(SLAB_BYTES);
      this.#at = 0;
    }
    const start = this.#at;
    this.#at += size;
    return fill(this.#slab, start, head, body, last);
  }
}

function fill(into: Buffer, start: number, head: Uint8Array, body: Utf8Out, last: number | null): Buffer {
  if (head.length > 0) into.set(head, start);
  body.copyTo(into, start + head.length);
  const end = start + head.length + body.length;
  if (last === null) return into.subarray(start, end);
  into[end] = last;
  return into.subarray(start, end + 1);
}
