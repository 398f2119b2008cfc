import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { planRounds } from '../../../src/streams/kafka/kafkajs/producer.js';

test('planRounds: every record once, one batch per partition per round, partition order kept across rounds, batches within the limit', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ topic: fc.constantFrom('a', 'b'), partition: fc.integer({ min: 0, max: 3 }), size: fc.integer({ min: 0, max: 3000 }) }), { maxLength: 300 }),
      fc.integer({ min: 200, max: 20_000 }),
      (specs, max) => {
        const records = specs.map((s) => ({ topic: s.topic, key: null, value: new Uint8Array(s.size), headers: [] }));
        const partitions = Int32Array.from(specs.map((s) => s.partition));
        const rounds = planRounds(records, partitions, max);
        const seen: number[] = [];
        const lastRoundOf = new Map<string, number>();
        const lastIndexOf = new Map<string, number>();
        rounds.forEach((round, r) => {
          const inRound = new Set<string>();
          for (const item of round) {
            const key = `${item.topic}-${item.partition}`;
            assert.ok(!inRound.has(key), `round ${r} has two batches for ${key}`);
            inRound.add(key);
            assert.ok((lastRoundOf.get(key) ?? -1) < r);
            lastRoundOf.set(key, r);
            assert.ok(item.indices.length > 0);
            const bytes = item.indices.reduce((n, i) => n + 32 + records[i]!.value.length, 0);
            assert.ok(item.indices.length === 1 || bytes <= max, `batch of ${bytes} bytes > ${max}`);
            for (const i of item.indices) {
              assert.equal(records[i]!.topic, item.topic);
              assert.equal(partitions[i], item.partition);
              assert.ok((lastIndexOf.get(key) ?? -1) < i, 'send order within the partition');
              lastIndexOf.set(key, i);
              seen.push(i);
            }
          }
        });
        assert.deepEqual(seen.sort((a, b) => a - b), records.map((_, i) => i));
      },
    ),
  );
});
