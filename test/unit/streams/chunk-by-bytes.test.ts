import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { chunkByBytes } from '../../../src/streams/kafka/kafkajs-client.js';

const rec = (size: number) => ({ topic: 't', key: null, value: new Uint8Array(size), headers: [] });

test('chunkByBytes keeps order, drops nothing and stays within the limit unless a record alone exceeds it', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 200 }), fc.integer({ min: 100, max: 20_000 }), (sizes, max) => {
      const records = sizes.map(rec);
      const chunks = chunkByBytes(records, max);
      assert.deepEqual(chunks.flat(), records, 'concatenation is the input');
      for (const c of chunks) {
        assert.ok(c.length > 0);
        const bytes = c.reduce((n, r) => n + 32 + r.value.length, 0);
        assert.ok(c.length === 1 || bytes <= max, `chunk of ${c.length} records is ${bytes} > ${max}`);
      }
    }),
  );
});

test('chunkByBytes of small records is one chunk', () => {
  assert.equal(chunkByBytes([rec(10), rec(10)], 1000).length, 1);
});
