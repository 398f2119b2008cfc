import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DeliveringBatch } from '../../../src/streams/sink/delivering-batch.js';
import type { ConsumedMessage } from '../../../src/streams/kafka/client.js';

const message = (offset: number): ConsumedMessage => ({ offset, key: null, value: Buffer.from(String(offset)), headers: [], timestamp: 1, timestampType: 'CreateTime' });

describe('DeliveringBatch (the consumed message a SinkRecord came from)', () => {
  test('finds every message of the batch being put by topic, partition and offset, even across offset gaps', () => {
    const offsets = [3, 4, 5, 9, 10, 42, 43, 100];
    const batch = { topic: 't', partition: 2, messages: offsets.map(message) };
    const delivering = new DeliveringBatch();
    delivering.set(batch);
    for (const [i, o] of offsets.entries()) assert.deepEqual(delivering.find('t', 2, o), { topic: 't', partition: 2, message: batch.messages[i] });
    for (const o of [0, 2, 6, 41, 101]) assert.equal(delivering.find('t', 2, o), undefined);
    assert.equal(delivering.find('t', 1, 3), undefined);
    assert.equal(delivering.find('u', 2, 3), undefined);
  });

  test('nothing is found once the put is over', () => {
    const delivering = new DeliveringBatch();
    delivering.set({ topic: 't', partition: 0, messages: [message(7)] });
    delivering.clear();
    assert.equal(delivering.find('t', 0, 7), undefined);
  });
});
