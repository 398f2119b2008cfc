import { test } from 'node:test';
import assert from 'node:assert/strict';
import { murmur2, partitionForKey } from '../../../src/streams/index.js';

test("murmur2 matches Kafka's test vectors (UtilsTest.testMurmur2)", () => {
  const cases: Array<[string, number]> = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];
  const enc = new TextEncoder();
  for (const [s, h] of cases) assert.equal(murmur2(enc.encode(s)), h, s);
  assert.equal(partitionForKey(enc.encode('foobar'), 3), (-790332482 & 0x7fffffff) % 3);
});
