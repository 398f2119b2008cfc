/**
 * LZ4 frames (https://github.com/lz4/lz4/blob/dev/doc/lz4_Frame_format.md) as Kafka writes them: what Java's
 * KafkaLZ4BlockOutputStream writes is written here (independent 64 KiB blocks, no checksums but the header's),
 * and every valid frame is read: linked or independent blocks, block and content checksums, content size,
 * concatenated and skippable frames. Message format v0 had a header checksum computed over the magic number too
 * (KAFKA-3160); both forms of that one byte are accepted, so old message sets read as well.
 */
import { CodecError } from './errors.js';
import { xxhash32 } from './xxhash32.js';

const MAGIC = 0x184d2204;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE = 0x184d2a50;
const FLG_VERSION = 0x40;
const FLG_INDEPENDENT = 0x20;
const FLG_BLOCK_CHECKSUM = 0x10;
const FLG_CONTENT_SIZE = 0x08;
const FLG_CONTENT_CHECKSUM = 0x04;
const FLG_DICT_ID = 0x01;
const UNCOMPRESSED = 0x80000000;
const BLOCK_MAX: Record<number, number> = { 4: 0x10000, 5: 0x40000, 6: 0x100000, 7: 0x400000 };

const MIN_MATCH = 4;
/** The last match starts at least 12 bytes before the end of a block, and the last 5 bytes are literals. */
const MF_LIMIT = 12;
const LAST_LITERALS = 5;
const HASH_LOG = 14;
const WRITE_BLOCK = 0x10000;

function read32(b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
}

function write32(b: Uint8Array, i: number, v: number): void {
  b[i] = v;
  b[i + 1] = v >>> 8;
  b[i + 2] = v >>> 16;
  b[i + 3] = v >>> 24;
}

function fail(message: string): never {
  throw new CodecError('lz4', message);
}

// ---- compression ----

const table = new Int32Array(1 << HASH_LOG);

function hash(seq: number): number {
  return Math.imul(seq, 0x9e3779b1) >>> (32 - HASH_LOG);
}

/**
 * One independent block of `src[start, end)` into `dst` from `d`, greedy with a single-entry hash table (LZ4's
 * fast mode). Returns the end in `dst`, or -1 once the output would pass `limit` (then the block is stored raw).
 */
function compressBlock(src: Uint8Array, start: number, end: number, dst: Uint8Array, d: number, limit: number): number {
  let anchor = start;
  if (end - start > MF_LIMIT) {
    table.fill(-1);
    const matchStartLimit = end - MF_LIMIT;
    const matchEndLimit = end - LAST_LITERALS;
    let ip = start;
    let misses = 0;
    while (ip < matchStartLimit) {
      const seq = read32(src, ip);
      const h = hash(seq);
      const ref = table[h];
      table[h] = ip;
      if (ref < 0 || ip - ref > 0xffff || read32(src, ref) !== seq) {
        // The step grows over incompressible stretches, as LZ4's acceleration does.
        ip += 1 + (misses++ >> 6);
        continue;
      }
      misses = 0;
      let mStart = ip;
      let rStart = ref;
      while (mStart > anchor && rStart > start && src[mStart - 1] === src[rStart - 1]) {
        mStart--;
        rStart--;
      }
      let mEnd = ip + MIN_MATCH;
      let r = ref + MIN_MATCH;
      while (mEnd < matchEndLimit && src[mEnd] === src[r]) {
        mEnd++;
        r++;
      }
      const litLen = mStart - anchor;
      const matchLen = mEnd - mStart - MIN_MATCH;
      if (d + litLen + (litLen >> 8) + (matchLen >> 8) + 8 > limit) return -1;
      const tokenAt = d++;
      let token: number;
      if (litLen >= 15) {
        token = 0xf0;
        let n = litLen - 15;
        for (; n >= 255; n -= 255) dst[d++] = 255;
        dst[d++] = n;
      } else {
        token = litLen << 4;
      }
      if (litLen > 32) dst.set(src.subarray(anchor, mStart), d);
      else for (let i = 0; i < litLen; i++) dst[d + i] = src[anchor + i];
      d += litLen;
      const offset = mStart - rStart;
      dst[d++] = offset;
      dst[d++] = offset >>> 8;
      if (matchLen >= 15) {
        token |= 15;
        let n = matchLen - 15;
        for (; n >= 255; n -= 255) dst[d++] = 255;
        dst[d++] = n;
      } else {
        token |= matchLen;
      }
      dst[tokenAt] = token;
      ip = anchor = mEnd;
      if (ip - 2 >= start && ip < matchStartLimit) table[hash(read32(src, ip - 2))] = ip - 2;
    }
  }
  const litLen = end - anchor;
  if (d + litLen + (litLen >> 8) + 3 > limit) return -1;
  if (litLen >= 15) {
    dst[d++] = 0xf0;
    let n = litLen - 15;
    for (; n >= 255; n -= 255) dst[d++] = 255;
    dst[d++] = n;
  } else {
    dst[d++] = litLen << 4;
  }
  dst.set(src.subarray(anchor, end), d);
  return d + litLen;
}

/** An LZ4 frame of `src`, in the form Java's Kafka producer writes: independent 64 KiB blocks, no content checksum. */
export function lz4Compress(src: Uint8Array): Buffer {
  const blocks = Math.ceil(src.length / WRITE_BLOCK);
  const out = Buffer.allocUnsafe(7 + blocks * (4 + WRITE_BLOCK) + 4);
  write32(out, 0, MAGIC);
  out[4] = FLG_VERSION | FLG_INDEPENDENT;
  out[5] = 4 << 4;
  out[6] = (xxhash32(out, 4, 6) >>> 8) & 0xff;
  let d = 7;
  for (let s = 0; s < src.length; s += WRITE_BLOCK) {
    const end = Math.min(s + WRITE_BLOCK, src.length);
    const size = end - s;
    const written = compressBlock(src, s, end, out, d + 4, d + 4 + size - 1);
    if (written < 0) {
      write32(out, d, (UNCOMPRESSED | size) >>> 0);
      out.set(src.subarray(s, end), d + 4);
      d += 4 + size;
    } else {
      write32(out, d, written - d - 4);
      d = written;
    }
  }
  write32(out, d, 0);
  return out.subarray(0, d + 4);
}

// ---- decompression ----

/** Decodes one block `src[s, end)` into `dst` from `d` (earlier output of the frame is the window). Returns the end. */
function decompressBlock(src: Uint8Array, s: number, end: number, dst: Uint8Array, d: number, windowStart: number): number {
  const dEnd = dst.length;
  while (true) {
    if (s >= end) fail(`block ends inside a sequence at byte ${s}`);
    const token = src[s++];
    let litLen = token >>> 4;
    if (litLen === 15) {
      let b: number;
      do {
        if (s >= end) fail(`literal length runs past the block at byte ${s}`);
        b = src[s++];
        litLen += b;
      } while (b === 255);
    }
    if (s + litLen > end || d + litLen > dEnd) fail(`literals run past the block at byte ${s}`);
    if (litLen > 32) dst.set(src.subarray(s, s + litLen), d);
    else for (let i = 0; i < litLen; i++) dst[d + i] = src[s + i];
    s += litLen;
    d += litLen;
    if (s === end) return d;
    if (s + 2 > end) fail(`match offset runs past the block at byte ${s}`);
    const offset = src[s] | (src[s + 1] << 8);
    s += 2;
    if (offset === 0 || d - offset < windowStart) fail(`match offset ${offset} points before the data at byte ${s - 2}`);
    let matchLen = token & 15;
    if (matchLen === 15) {
      let b: number;
      do {
        if (s >= end) fail(`match length runs past the block at byte ${s}`);
        b = src[s++];
        matchLen += b;
      } while (b === 255);
    }
    matchLen += MIN_MATCH;
    if (d + matchLen > dEnd) fail(`match runs past the block's maximum size at byte ${s}`);
    let m = d - offset;
    if (offset >= matchLen && matchLen > 32) {
      dst.copyWithin(d, m, m + matchLen);
      d += matchLen;
    } else {
      for (const stop = d + matchLen; d < stop; ) dst[d++] = dst[m++];
    }
  }
}

interface Frame {
  readonly flags: number;
  readonly blockMax: number;
  readonly blocks: { readonly start: number; readonly size: number; readonly raw: boolean }[];
  /** Where the content checksum is, or -1. */
  readonly checksumAt: number;
}

/** Reads every frame's header and block sizes, so the output can be sized before any block is decoded. */
function scan(src: Uint8Array): { frames: Frame[]; bound: number } {
  const frames: Frame[] = [];
  let bound = 0;
  let p = 0;
  while (p < src.length) {
    if (p + 4 > src.length) fail(`truncated frame magic at byte ${p}`);
    const magic = read32(src, p) >>> 0;
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE) {
      if (p + 8 > src.length) fail(`truncated skippable frame at byte ${p}`);
      p += 8 + (read32(src, p + 4) >>> 0);
      continue;
    }
    if (magic !== MAGIC) fail(`not an LZ4 frame: magic 0x${magic.toString(16)} at byte ${p}`);
    const frameStart = p;
    const descStart = p + 4;
    if (descStart + 3 > src.length) fail(`truncated frame descriptor at byte ${descStart}`);
    const flags = src[descStart];
    if ((flags & 0xc0) !== FLG_VERSION) fail(`unsupported frame version ${flags >>> 6} at byte ${descStart}`);
    if (flags & FLG_DICT_ID) fail('frames compressed with a dictionary are not supported');
    const blockMax = BLOCK_MAX[(src[descStart + 1] >>> 4) & 7];
    if (blockMax === undefined) fail(`invalid block maximum size ${(src[descStart + 1] >>> 4) & 7}`);
    let q = descStart + 2 + (flags & FLG_CONTENT_SIZE ? 8 : 0);
    if (q >= src.length) fail(`truncated frame descriptor at byte ${descStart}`);
    const checksum = src[q];
    if (checksum !== ((xxhash32(src, descStart, q) >>> 8) & 0xff) && checksum !== ((xxhash32(src, frameStart, q) >>> 8) & 0xff)) {
      fail(`frame descriptor checksum mismatch at byte ${q}`);
    }
    q++;
    const blocks: Frame['blocks'][number][] = [];
    while (true) {
      if (q + 4 > src.length) fail(`frame ends without an end mark at byte ${q}`);
      const word = read32(src, q) >>> 0;
      q += 4;
      if (word === 0) break;
      const size = word & 0x7fffffff;
      const raw = (word & UNCOMPRESSED) !== 0;
      if (size > blockMax) fail(`block of ${size} bytes exceeds the frame's maximum ${blockMax}`);
      const after = q + size + (flags & FLG_BLOCK_CHECKSUM ? 4 : 0);
      if (after > src.length) fail(`truncated block at byte ${q}`);
      blocks.push({ start: q, size, raw });
      // A compressed block expands at most 255 times; neither form exceeds the frame's block maximum.
      bound += raw ? size : Math.min(blockMax, size * 255);
      q = after;
    }
    const checksumAt = flags & FLG_CONTENT_CHECKSUM ? q : -1;
    if (checksumAt >= 0) q += 4;
    if (q > src.length) fail('truncated content checksum');
    frames.push({ flags, blockMax, blocks, checksumAt });
    p = q;
  }
  return { frames, bound };
}

function checkBlock(src: Uint8Array, flags: number, start: number, size: number): void {
  if (flags & FLG_BLOCK_CHECKSUM && xxhash32(src, start, start + size) !== read32(src, start + size) >>> 0) {
    fail(`block checksum mismatch at byte ${start}`);
  }
}

/** The content of every LZ4 frame in `src`, concatenated. */
export function lz4Decompress(src: Uint8Array): Buffer {
  const { frames, bound } = scan(src);
  const out = Buffer.allocUnsafe(bound);
  let d = 0;
  for (const frame of frames) {
    const frameStart = d;
    for (const { start, size, raw } of frame.blocks) {
      checkBlock(src, frame.flags, start, size);
      if (raw) {
        out.set(src.subarray(start, start + size), d);
        d += size;
      } else {
        const windowStart = frame.flags & FLG_INDEPENDENT ? d : frameStart;
        // Each block decodes within its own maximum size (the output bound holds at least that much per block).
        const block = out.subarray(0, Math.min(out.length, d + frame.blockMax));
        d = decompressBlock(src, start, start + size, block, d, windowStart);
      }
    }
    if (frame.checksumAt >= 0 && xxhash32(out, frameStart, d) !== read32(src, frame.checksumAt) >>> 0) {
      fail('content checksum mismatch');
    }
  }
  // A loose bound would keep a large buffer alive behind every record read from it.
  return d * 2 < out.length ? Buffer.from(out.subarray(0, d)) : out.subarray(0, d);
}
