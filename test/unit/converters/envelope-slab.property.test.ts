import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EnvelopeSlab } from '../../../src/converters/json/envelope-slab.js';
import { Utf8Out } from '../../../src/data/utf8-out.js';

function written(body: Uint8Array): Utf8Out {
  const o = new Utf8Out(16);
  o.bytes(body);
  return o;
}

describe('EnvelopeSlab (JSON envelopes as views of one slab)', () => {
  test('property: each framed buffer is head, body and the last byte (if any), and stays so after later ones', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ head: fc.uint8Array({ maxLength: 300 }), body: fc.uint8Array({ maxLength: 9000 }), last: fc.option(fc.integer({ min: 0, max: 255 }), { nil: null }) }),
          { minLength: 1, maxLength: 60 },
        ),
        (items) => {
          const slab = new EnvelopeSlab();
          const framed = items.map(({ head, body, last }) => slab.framed(head, written(body), last));
          items.forEach(({ head, body, last }, i) => {
            assert.deepEqual(framed[i], Buffer.concat([head, body, Buffer.from(last === null ? [] : [last])]));
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  test('a record bigger than a slab gets a buffer of exactly its size', () => {
    const slab = new EnvelopeSlab();
    const small = slab.framed(Buffer.from('['), written(Buffer.from('a')), 0x5d);
    const text = 'x'.repeat(200_000) + 'é';
    const out = slab.framed(Buffer.from('{'), written(Buffer.from(text)), 0x7d);
    assert.equal(out.toString('utf8'), `{${text}}`);
    assert.equal(out.buffer.byteLength, 200_004, 'not a slab held for as long as the record');
    assert.equal(small.toString(), '[a]');
  });
});
