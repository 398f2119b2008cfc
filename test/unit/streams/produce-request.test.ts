import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { crc32c } from '../../../src/streams/kafka/kafkajs/crc32c.js';
import { COMPRESSION_CODES, decodeProduceResponse, encodeProduceRequest, encodeRecordBatch } from '../../../src/streams/kafka/kafkajs/produce-request.js';
import type { ProducerRecord } from '../../../src/streams/kafka/client.js';

// kafkajs's own decoder and CRC-32C: independent implementations to check against.
const require = createRequire(import.meta.url);
const Decoder = require('kafkajs/src/protocol/decoder.js');
const decodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (d: unknown) => Promise<{
  firstOffset: string;
  firstTimestamp: string;
  maxTimestamp: string;
  records: Array<{ key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer | Buffer[] | null>; timestamp: string; offset: string }>;
}>;
const kafkajsCrc = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C.js') as (b: Buffer) => number;

test('crc32c is CRC-32C: the check value and kafkajs agree', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      assert.equal(crc32c(bytes), kafkajsCrc(Buffer.from(bytes)) >>> 0);
    }),
  );
});

const bytes = fc.option(fc.uint8Array({ maxLength: 200 }), { nil: null });
const record = fc.record({
  key: bytes,
  value: bytes,
  // Prefixed: kafkajs's decoder keeps headers in a plain object, where "valueOf" would collide.
  headers: fc.array(fc.record({ key: fc.string({ maxLength: 10 }).map((k) => `h-${k}`), value: bytes }), { maxLength: 3 }),
  timestamp: fc.option(fc.integer({ min: 1_500_000_000_000, max: 1_900_000_000_000 }), { nil: null }),
});

async function roundTrip(records: ProducerRecord[], compression: number) {
  const now = 1_700_000_000_000;
  const compress = compression === COMPRESSION_CODES.gzip ? (b: Buffer) => promisify(gzip)(b) : undefined;
  const batch = await encodeRecordBatch(records, records.map((_, i) => i), records.length, { compression, now, ...(compress ? { compress } : {}) });
  assert.equal(batch.readUInt32BE(17), crc32c(batch, 21), 'CRC over attributes … end');
  assert.equal(batch.readInt32BE(8), batch.length - 12, 'batch length');
  const decoded = await decodeBatch(new Decoder(batch));
  assert.equal(decoded.records.length, records.length);
  const timestamps = records.map((r) => r.timestamp ?? now);
  assert.equal(decoded.firstTimestamp, String(timestamps[0]));
  assert.equal(decoded.maxTimestamp, String(Math.max(...timestamps)));
  decoded.records.forEach((d, i) => {
    const r = records[i]!;
    assert.equal(d.offset, String(i));
    assert.equal(d.timestamp, String(timestamps[i]));
    assert.deepEqual(d.key === null ? null : [...d.key], r.key === null ? null : [...r.key]);
    assert.deepEqual(d.value === null ? null : [...d.value], r.value === null ? null : [...r.value]);
    const expected: Record<string, Array<number[] | null>> = {};
    for (const h of r.headers) (expected[h.key] ??= []).push(h.value === null ? null : [...h.value]);
    const got: Record<string, Array<number[] | null>> = {};
    for (const [k, v] of Object.entries(d.headers)) got[k] = (Array.isArray(v) ? v : [v]).map((x) => (x === null ? null : [...x]));
    assert.deepEqual(got, expected);
  });
}

test('a record batch decodes to the records it was given (keys, values, headers with null values, timestamps)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 30 }), async (rs) => {
      await roundTrip(rs.map((r) => ({ topic: 't', ...r })), COMPRESSION_CODES.none);
    }),
    { numRuns: 200 },
  );
});

test('a gzip record batch decodes too', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 30 }), async (rs) => {
      await roundTrip(rs.map((r) => ({ topic: 't', ...r })), COMPRESSION_CODES.gzip);
    }),
    { numRuns: 30 },
  );
});

test('timestamps far from the first record (negative deltas, beyond 32 bits) round-trip', async () => {
  await roundTrip(
    [
      { topic: 't', key: null, value: null, headers: [], timestamp: 1_800_000_000_000 },
      { topic: 't', key: null, value: null, headers: [], timestamp: 1_000 },
      { topic: 't', key: null, value: null, headers: [], timestamp: 1_900_000_000_000 },
    ],
    COMPRESSION_CODES.none,
  );
});

test('the Produce request body lays out acks, timeout, topics, partitions and record sets', () => {
  const batch = Buffer.from([1, 2, 3]);
  const body = encodeProduceRequest({ transactionalId: null, acks: -1, timeoutMs: 30_000, topics: [{ topic: 'ab', partitions: [{ partition: 7, batch }] }] });
  assert.deepEqual(
    [...body],
    [0xff, 0xff, 0xff, 0xff, 0, 0, 0x75, 0x30, 0, 0, 0, 1, 0, 2, 0x61, 0x62, 0, 0, 0, 1, 0, 0, 0, 7, 0, 0, 0, 3, 1, 2, 3],
  );
});

test('a Produce response v7 decodes per partition', () => {
  const b = Buffer.alloc(4 + 2 + 1 + 4 + 30 + 4);
  let o = b.writeInt32BE(1, 0);
  o = b.writeInt16BE(1, o);
  o += b.write('t', o);
  o = b.writeInt32BE(1, o);
  o = b.writeInt32BE(2, o);
  o = b.writeInt16BE(0, o);
  o = b.writeBigInt64BE(42n, o);
  o = b.writeBigInt64BE(-1n, o);
  o = b.writeBigInt64BE(0n, o);
  b.writeInt32BE(5, o);
  assert.deepEqual(decodeProduceResponse(b, 7), { topics: [{ topic: 't', partitions: [{ partition: 2, errorCode: 0, baseOffset: 42, logAppendTime: -1 }] }], throttleTimeMs: 5 });
});
