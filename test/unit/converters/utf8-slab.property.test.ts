import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Utf8Slab } from '../../../src/converters/json/utf8-slab.js';

describe('Utf8Slab (JSON envelopes as views of one slab)', () => {
  test('property: each framed buffer is head, the text as UTF-8 and the last byte, and stays so after later ones', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ head: fc.uint8Array({ maxLength: 300 }), text: fc.string({ unit: 'binary', maxLength: 4000 }), last: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 60 }),
        (items) => {
          const slab = new Utf8Slab();
          const framed = items.map(({ head, text, last }) => slab.framed(head, text, last));
          items.forEach(({ head, text, last }, i) => {
            assert.deepEqual(framed[i], Buffer.concat([head, Buffer.from(text, 'utf8'), Buffer.from([last])]));
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  test('a payload that may not fit a slab gets a buffer of exactly its size', () => {
    const slab = new Utf8Slab();
    const small = slab.framed(Buffer.from('['), 'a', 0x5d);
    const text = 'x'.repeat(200_000) + 'é';
    const out = slab.framed(Buffer.from('{'), text, 0x7d);
    assert.equal(out.toString('utf8'), `{${text}}`);
    assert.equal(out.buffer.byteLength, 200_004, 'not a slab of 3 bytes per character, held for as long as the record');
    assert.equal(small.toString(), '[a]');
  });
});
