/**
 * Serialized records as views into one large slab rather than one `Buffer.allocUnsafe` each: Node's 8 KiB pool
 * fills every few JSON envelopes, and making a new pool plus measuring each payload's UTF-8 length first showed
 * in profiles of the JSON source path. A view keeps its slab alive, as a pooled Buffer keeps its pool.
 */
import { Buffer } from 'node:buffer';

const SLAB_BYTES = 64 * 1024;

export class Utf8Slab {
  #slab: Buffer = Buffer.allocUnsafe(0);
  #at = 0;

  /** `head`, then `text` as UTF-8, then the byte `last`, as one Buffer. */
  framed(head: Uint8Array, text: string, last: number): Buffer {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8 (a surrogate pair, two units, takes 4).
    const most = head.length + text.length * 3 + 1;
    if (this.#slab.length - this.#at < most) {
      // A payload that may not fit a slab gets a buffer of exactly its size (not 3× its text, kept as long as it is).
      if (most > SLAB_BYTES) return framedAlone(head, text, last);
      this.#slab = Buffer.allocUnsafe(SLAB_BYTES);
      this.#at = 0;
    }
    const slab = this.#slab;
    const start = this.#at;
    slab.set(head, start);
    let end = start + head.length;
    end += slab.write(text, end, 'utf8');
    slab[end++] = last;
    this.#at = end;
    return slab.subarray(start, end);
  }
}

function framedAlone(head: Uint8Array, text: string, last: number): Buffer {
  const out = Buffer.allocUnsafe(head.length + Buffer.byteLength(text, 'utf8') + 1);
  out.set(head, 0);
  const end = head.length + out.write(text, head.length, 'utf8');
  out[end] = last;
  return out;
}
