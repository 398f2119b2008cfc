// Records packed for a thread crossing come back as they went: every field, null keys, values and headers,
// empty and large byte arrays, UTF-8 topics and header keys; and an unpacked record views the one buffer.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  packConsumedMessages,
  packProducerRecords,
  unpackConsumedMessages,
  unpackProducerRecords,
} from '../../../src/worker/threads/record-packing.js';
import type { ConsumedMessage, ProducerRecord } from '../../../src/streams/kafka/client.js';

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

  test('an unpacked key and value view the transferred buffer (no copy per record)', () => {
    const buffer = packProducerRecords([{ topic: 't', key: new Uint8Array([1, 2]), value: new Uint8Array([3]), headers: [] }]);
    const [r] = unpackProducerRecords(buffer);
    assert.equal(r!.key!.buffer, buffer);
    assert.equal(r!.value!.buffer, buffer);
  });
});
