/**
 * Snappy as Kafka's Java clients write it: snappy-java's stream framing (xerial's `\x82SNAPPY\x00` header, two
 * version words, then blocks of 32 KiB each compressed on its own behind a 4-byte big-endian length). Reading
 * also takes plain snappy without that framing, as snappy-java's own input stream does.
 */
import * as snappyjs from 'snappyjs';
import { CodecError } from './errors.js';

const MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const HEADER = Buffer.concat([MAGIC, Buffer.from([0, 0, 0, 1, 0, 0, 0, 1])]);
/** snappy-java's default block size, the one Kafka's producer uses. */
const BLOCK = 32 * 1024;

function isFramed(src: Uint8Array): boolean {
  return src.length >= HEADER.length && MAGIC.equals(src.subarray(0, MAGIC.length));
}

function uncompress(block: Uint8Array): Uint8Array {
  try {
    return snappyjs.uncompress(block);
  } catch (e) {
    throw new CodecError('snappy', `invalid compressed block: ${(e as Error).message}`);
  }
}

export function snappyCompress(src: Uint8Array): Buffer {
  const parts: Uint8Array[] = [HEADER];
  for (let s = 0; s < src.length; s += BLOCK) {
    const block = snappyjs.compress(src.subarray(s, Math.min(s + BLOCK, src.length)));
    const length = Buffer.allocUnsafe(4);
    length.writeUInt32BE(block.length);
    parts.push(length, block);
  }
  return Buffer.concat(parts);
}

export function snappyDecompress(src: Uint8Array): Buffer {
  if (!isFramed(src)) {
    const out = uncompress(src);
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  }
  const parts: Uint8Array[] = [];
  let p = HEADER.length;
  while (p < src.length) {
    if (p + 4 > src.length) throw new CodecError('snappy', `truncated block length at byte ${p}`);
    const size = ((src[p] << 24) | (src[p + 1] << 16) | (src[p + 2] << 8) | src[p + 3]) >>> 0;
    p += 4;
    if (p + size > src.length) throw new CodecError('snappy', `block of ${size} bytes at byte ${p} runs past the end`);
    parts.push(uncompress(src.subarray(p, p + size)));
    p += size;
  }
  return Buffer.concat(parts);
}
