// Records packed for a thread crossing come back as they went: every field, null keys, values and headers,
// empty and large byte arrays, UTF-8 topics and header keys; and an unpacked record views the one buffer.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  packConsumedMessages,
  packProducedMetadata,
  packProducerRecords,
  unpackConsumedMessages,
  unpackProducedMetadata,
  unpackProducerRecords,
} from '../../../src/worker/threads/record-packing.js';
import type { ConsumedMessage, ProducedRecordMetadata, ProducerRecord } from '../../../src/streams/kafka/client.js';

const bytes = fc.option(fc.uint8Array({ maxLength: 300 }), { nil: null });
const headers = fc.array(fc.record({ key: fc.string({ unit: 'grapheme', maxLength: 20 }), value: bytes }), { maxLength: 4 });
const producerRecord: fc.Arbitrary<ProducerRecord> = fc.record({
  topic: fc.constantFrom('orders', 'commandes-été', 't.1'),
  partition: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: null }),
  key: bytes,
  value: bytes,
  headers,
  timestamp: fc.option(fc.integer({ min: 0, max: 2 ** 48 }), { nil: null }),
});
const consumed: fc.Arbitrary<ConsumedMessage> = fc.record({
  offset: fc.integer({ min: 0, max: 2 ** 52 }),
  key: bytes,
  value: bytes,
  headers,
  timestamp: fc.option(fc.integer({ min: 0, max: 2 ** 48 }), { nil: null }),
  timestampType: fc.constantFrom('NoTimestampType' as const, 'CreateTime' as const, 'LogAppendTime' as const),
});

const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? [...x] : x)));

describe('record packing for thread crossings', () => {
  test('producer records round-trip', () => {
    fc.assert(
      fc.property(fc.array(producerRecord, { maxLength: 30 }), (records) => {
        assert.deepEqual(plain(unpackProducerRecords(packProducerRecords(records))), plain(records));
      }),
      { numRuns: 300 },
    );
  });

  test('consumed messages round-trip', () => {
    fc.assert(
      fc.property(fc.array(consumed, { maxLength: 30 }), (messages) => {
        assert.deepEqual(plain(unpackConsumedMessages(packConsumedMessages(messages))), plain(messages));
      }),
      { numRuns: 300 },
    );
  });

  test("a send's answer (each record's metadata, in send order) round-trips; one of another length is refused", () => {
    const metadata: fc.Arbitrary<ProducedRecordMetadata> = fc.record({
      topic: fc.constantFrom('orders', 'commandes-été', 't.1'),
      partition: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      offset: fc.integer({ min: 0, max: 2 ** 52 }),
      timestamp: fc.option(fc.integer({ min: 0, max: 2 ** 48 }), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(metadata, { maxLength: 50 }), (sent) => {
        const topics = sent.map((m) => m.topic);
        assert.deepEqual(unpackProducedMetadata(packProducedMetadata(sent), topics), sent.map((m) => ({ ...m })));
        if (sent.length > 0) assert.throws(() => unpackProducedMetadata(packProducedMetadata(sent), topics.slice(1)), /holds/);
      }),
      { numRuns: 300 },
    );
  });

  test('an unpacked key and value view the transferred buffer (no copy per record)', () => {
    const buffer = packProducerRecords([{ topic: 't', key: new Uint8Array([1, 2]), value: new Uint8Array([3]), headers: [] }]);
    const [r] = unpackProducerRecords(buffer);
    assert.equal(r!.key!.buffer, buffer);
    assert.equal(r!.value!.buffer, buffer);
  });
});
