// Round trips of every codec over generated data, the LZ4 frame features Java does not write (checksums,
// content size, linked blocks), and damaged input failing with a CodecError rather than wrong bytes or a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { lz4Compress, lz4Decompress } from '../../../src/streams/kafka/kafkajs/codecs/lz4.js';
import { snappyCompress, snappyDecompress } from '../../../src/streams/kafka/kafkajs/codecs/snappy.js';
import { nativeZstd, portableZstd } from '../../../src/streams/kafka/kafkajs/codecs/zstd.js';
import { xxhash32 } from '../../../src/streams/kafka/kafkajs/codecs/xxhash32.js';
import { CodecError } from '../../../src/streams/kafka/kafkajs/codecs/errors.js';

/** Bytes from short runs of a few symbols, repeated chunks and noise: every path of a compressor. */
const data = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }),
  fc
    .array(
      fc.oneof(
        fc.record({ chunk: fc.uint8Array({ minLength: 1, maxLength: 40 }), times: fc.integer({ min: 1, max: 300 }) }),
        fc.record({ chunk: fc.uint8Array({ minLength: 1, maxLength: 2000 }), times: fc.constant(1) }),
      ),
      { maxLength: 60 },
    )
    .map((parts) => Buffer.concat(parts.flatMap(({ chunk, times }) => Array<Uint8Array>(times).fill(chunk)))),
);

const sync = [
  { name: 'snappy', compress: snappyCompress, decompress: snappyDecompress },
  { name: 'lz4', compress: lz4Compress, decompress: lz4Decompress },
];

for (const codec of sync) {
  test(`${codec.name} round trips any bytes`, () => {
    fc.assert(
      fc.property(data, (bytes) => {
        const out = codec.decompress(codec.compress(bytes));
        assert.ok(Buffer.isBuffer(out));
        assert.ok(out.equals(Buffer.from(bytes)));
      }),
      { numRuns: 200 },
    );
  });

  test(`${codec.name} reports damaged input as a CodecError, never as another error`, () => {
    fc.assert(
      fc.property(data, fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean(), (bytes, at, xor, cut) => {
        const damaged = Buffer.from(codec.compress(bytes));
        if (cut) {
          const short = damaged.subarray(0, at % damaged.length);
          try {
            codec.decompress(short);
          } catch (e) {
            assert.ok(e instanceof CodecError, String(e));
          }
          return;
        }
        damaged[at % damaged.length] ^= xor;
        try {
          codec.decompress(damaged);
        } catch (e) {
          assert.ok(e instanceof CodecError, String(e));
        }
      }),
      { numRuns: 300 },
    );
  });
}

for (const impl of [portableZstd, nativeZstd]) {
  if (!impl) continue;
  test(`zstd (${impl.name}) round trips any bytes, and reads what the other implementation wrote`, async () => {
    await fc.assert(
      fc.asyncProperty(data, async (bytes) => {
        const compressed = await impl.compress(bytes);
        assert.ok((await impl.decompress(compressed)).equals(Buffer.from(bytes)));
        const other = impl === portableZstd ? (nativeZstd ?? portableZstd) : portableZstd;
        assert.ok((await other.decompress(compressed)).equals(Buffer.from(bytes)));
      }),
      { numRuns: 100 },
    );
  });

  test(`zstd (${impl.name}) reports garbage as a CodecError`, async () => {
    await assert.rejects(impl.decompress(Buffer.from('not zstd at all')), CodecError);
  });
}

test('xxhash32 matches the reference vectors', () => {
  const enc = new TextEncoder();
  assert.equal(xxhash32(enc.encode('')), 0x02cc5d05);
  assert.equal(xxhash32(enc.encode('a')), 0x550d7456);
  assert.equal(xxhash32(enc.encode('abc')), 0x32d153ff);
  assert.equal(xxhash32(enc.encode('Nobody inspects the spammish repetition')), 0xe2293b2f);
});

/** An LZ4 frame from descriptor flags and blocks (each [bytes, raw?]), with the checksums the flags ask for. */
function frame(flags: number, blocks: Array<[Uint8Array, boolean]>, content?: Uint8Array): Buffer {
  const le = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    return b;
  };
  const descriptor = [flags, 0x40];
  if (flags & 0x08) descriptor.push(...Buffer.from(new BigUint64Array([BigInt(content?.length ?? 0)]).buffer));
  const desc = Buffer.from(descriptor);
  const parts: Uint8Array[] = [le(0x184d2204), desc, Buffer.from([(xxhash32(desc) >>> 8) & 0xff])];
  for (const [bytes, raw] of blocks) {
    parts.push(le((raw ? 0x80000000 : 0) | bytes.length), bytes);
    if (flags & 0x10) parts.push(le(xxhash32(bytes)));
  }
  parts.push(le(0));
  if (flags & 0x04) parts.push(le(xxhash32(content ?? new Uint8Array())));
  return Buffer.concat(parts);
}

test('lz4 reads block and content checksums and a content size, and rejects a wrong checksum', () => {
  const text = Buffer.from('checksummed '.repeat(50));
  // The blocks of a frame Sluice wrote, re-framed with every optional field.
  const ours = lz4Compress(text);
  const block = ours.subarray(11, 11 + ours.readUInt32LE(7));
  const full = frame(0x40 | 0x20 | 0x10 | 0x08 | 0x04, [[block, false]], text);
  assert.ok(lz4Decompress(full).equals(text));
  const badBlockSum = Buffer.from(full);
  badBlockSum[full.length - 12] ^= 1;
  assert.throws(() => lz4Decompress(badBlockSum), /block checksum mismatch/);
  const badContentSum = Buffer.from(full);
  badContentSum[full.length - 1] ^= 1;
  assert.throws(() => lz4Decompress(badContentSum), /content checksum mismatch/);
  const badHeader = Buffer.from(full);
  badHeader[4 + 2 + 8] ^= 1;
  assert.throws(() => lz4Decompress(badHeader), /descriptor checksum mismatch/);
});

test('lz4 reads linked blocks (a match reaching into the previous block), as other clients may write them', () => {
  const first: [Uint8Array, boolean] = [Buffer.from('abcdefgh'), true];
  // Token: no literals, match length 4+4 at offset 8; then the last sequence: 5 literals.
  const second: [Uint8Array, boolean] = [Buffer.from([0x04, 8, 0, 0x50, ...Buffer.from('12345')]), false];
  assert.ok(lz4Decompress(frame(0x40, [first, second])).equals(Buffer.from('abcdefghabcdefgh12345')));
  assert.throws(() => lz4Decompress(frame(0x40 | 0x20, [first, second])), /points before the data/);
});

test('lz4 reads concatenated frames and skips skippable frames', () => {
  const skippable = Buffer.from([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);
  const joined = Buffer.concat([lz4Compress(Buffer.from('one ')), skippable, lz4Compress(Buffer.from('two'))]);
  assert.equal(lz4Decompress(joined).toString(), 'one two');
});

test('snappy framing: empty input is just the header; a truncated block is a CodecError', () => {
  assert.equal(snappyCompress(new Uint8Array()).length, 16);
  assert.equal(snappyDecompress(snappyCompress(new Uint8Array())).length, 0);
  const framed = snappyCompress(Buffer.from('x'.repeat(1000)));
  assert.throws(() => snappyDecompress(framed.subarray(0, framed.length - 3)), CodecError);
});
