// Sluice's codecs decode what Java's Kafka clients compress: fixtures written once by Kafka's own compression
// streams (test/java-producer/CodecFixtures.java, which has the same payload generators as this file).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import kafkajs from 'kafkajs';
import { lz4Compress, lz4Decompress } from '../../../src/streams/kafka/kafkajs/codecs/lz4.js';
import { snappyCompress, snappyDecompress } from '../../../src/streams/kafka/kafkajs/codecs/snappy.js';
import { nativeZstd, portableZstd, zstd } from '../../../src/streams/kafka/kafkajs/codecs/zstd.js';
import { registerCodecs } from '../../../src/streams/kafka/kafkajs/codecs.js';

const WORDS = ['sluice', 'kafka', 'connect', 'record', 'batch', 'offset', 'topic', 'partition', 'header', 'key',
  'value', 'null', 'snappy', 'lz4', 'zstd', 'gzip'].map((w) => Buffer.from(w));

function textPayload(size: number): Buffer {
  const out = Buffer.alloc(size);
  let x = 0x2545f491 | 0;
  let n = 0;
  let words = 0;
  while (n < size) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const w = WORDS[(x >>> 28) & 15];
    for (let i = 0; i < w.length && n < size; i++) out[n++] = w[i];
    if (n < size) out[n++] = ++words % 12 === 0 ? 0x0a : 0x20;
  }
  return out;
}

function randomPayload(size: number): Buffer {
  const out = Buffer.alloc(size);
  let x = 0x9e3779b9 | 0;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x >>> 24;
  }
  return out;
}

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/codecs/${name}`, import.meta.url));
const TEXT = textPayload(100_000);

test('the payload generator is the one the fixtures were made from (Java gzip decodes to it)', () => {
  assert.ok(gunzipSync(fixture('java-gzip.bin')).equals(TEXT));
});

test("snappy reads Java's framed snappy (xerial header, 32 KiB blocks) and plain snappy", () => {
  const framed = fixture('java-snappy.bin');
  assert.equal(framed.subarray(0, 8).toString('latin1'), '\x82SNAPPY\x00');
  assert.ok(snappyDecompress(framed).equals(TEXT));
  assert.ok(snappyDecompress(fixture('snappy-raw.bin')).equals(TEXT));
});

test("snappy writes Java's framing: the same header and block layout, within a few bytes of Java's size", () => {
  const java = fixture('java-snappy.bin');
  const ours = snappyCompress(TEXT);
  assert.ok(ours.subarray(0, 16).equals(java.subarray(0, 16)), 'header and versions');
  assert.ok(Math.abs(ours.length - java.length) < java.length / 100, `${ours.length} vs Java's ${java.length}`);
});

test("lz4 reads Java's frames: compressed blocks, an uncompressed block, and message format v0's header checksum", () => {
  assert.ok(lz4Decompress(fixture('java-lz4.bin')).equals(TEXT));
  assert.ok(lz4Decompress(fixture('java-lz4-random.bin')).equals(randomPayload(66_000)));
  const v0 = fixture('java-lz4-magic0.bin');
  assert.notEqual(v0[6], fixture('java-lz4.bin')[6], 'the fixture has the KAFKA-3160 header checksum');
  assert.ok(lz4Decompress(v0).equals(TEXT));
});

test("lz4 writes Java's frame descriptor (independent 64 KiB blocks, no checksums) at about Java's size", () => {
  const java = fixture('java-lz4.bin');
  const ours = lz4Compress(TEXT);
  assert.ok(ours.subarray(0, 7).equals(java.subarray(0, 7)));
  assert.ok(Math.abs(ours.length - java.length) < java.length / 50, `${ours.length} vs Java's ${java.length}`);
  // Incompressible data is stored as Java stores it: raw blocks, the same bytes.
  assert.ok(lz4Compress(randomPayload(66_000)).equals(fixture('java-lz4-random.bin')));
});

test("zstd reads zstd-jni's streamed frame, which has no content size, with every implementation", async () => {
  const java = fixture('java-zstd.bin');
  assert.equal(java[4] & 0xc0, 0, 'no content size flag');
  assert.equal(java[4] & 0x20, 0, 'not single-segment');
  for (const impl of [portableZstd, nativeZstd, zstd]) {
    if (!impl) continue;
    assert.ok((await impl.decompress(java)).equals(TEXT), impl.name);
  }
});

test('registerCodecs puts the codecs into kafkajs, which then decodes each Java fixture', async () => {
  registerCodecs();
  const { CompressionCodecs, CompressionTypes } = kafkajs;
  const cases: Array<[keyof typeof CompressionCodecs, string]> = [
    [CompressionTypes.GZIP, 'java-gzip.bin'],
    [CompressionTypes.Snappy, 'java-snappy.bin'],
    [CompressionTypes.LZ4, 'java-lz4.bin'],
    [CompressionTypes.ZSTD, 'java-zstd.bin'],
  ];
  for (const [type, file] of cases) {
    const codec = CompressionCodecs[type]();
    const out: Buffer = await codec.decompress(fixture(file));
    assert.ok(Buffer.isBuffer(out), file);
    assert.ok(out.equals(TEXT), file);
    const again: Buffer = await codec.decompress(await codec.compress({ buffer: TEXT }));
    assert.ok(again.equals(TEXT), `${file} round trip through kafkajs's codec shape`);
  }
});
