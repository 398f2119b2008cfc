import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SubmittedRecords } from '../../../src/streams/index.js';

describe('SubmittedRecords', () => {
  test('commits up to the last record whose predecessors in the same partition are all acked', () => {
    const s = new SubmittedRecords();
    const a0 = s.submit({ p: 'a' }, { o: 0 });
    const a1 = s.submit({ p: 'a' }, { o: 1 });
    const b0 = s.submit({ p: 'b' }, { o: 0 });
    const a2 = s.submit({ p: 'a' }, { o: 2 });
    a1.ack();
    b0.ack();
    let c = s.committableOffsets();
    assert.deepEqual([...c.offsets.values()], [{ partition: { p: 'b' }, offset: { o: 0 } }]);
    a0.ack();
    c = s.committableOffsets();
    assert.deepEqual([...c.offsets.values()], [{ partition: { p: 'a' }, offset: { o: 1 } }]);
    assert.equal(c.pending, 1);
    a2.ack();
    c = s.committableOffsets();
    assert.deepEqual([...c.offsets.values()], [{ partition: { p: 'a' }, offset: { o: 2 } }]);
    assert.equal(s.committableOffsets().offsets.size, 0, 'nothing new after everything was taken');
    assert.equal(s.outstanding, 0);
  });

  test('awaitAllAcked resolves once the last record is acked, false when aborted', async () => {
    const s = new SubmittedRecords();
    const r = s.submit({ p: 1 }, { o: 1 });
    const ac = new AbortController();
    const aborted = s.awaitAllAcked(ac.signal);
    ac.abort();
    assert.equal(await aborted, false);
    const waiting = s.awaitAllAcked();
    r.ack();
    assert.equal(await waiting, true);
  });

  test('property: never commits past an unacked record; commits exactly the acked prefix', () => {
    // A run: records over up to 3 partitions, then acks in a random order, with commits taken in between.
    const arb = fc
      .array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 60 })
      .chain((parts) =>
        fc.tuple(
          fc.constant(parts),
          fc.shuffledSubarray([...parts.keys()], { minLength: 0, maxLength: parts.length }),
          fc.array(fc.boolean(), { minLength: parts.length, maxLength: parts.length }),
        ),
      );
    fc.assert(
      fc.property(arb, ([parts, ackOrder, commitAfter]) => {
        const s = new SubmittedRecords();
        const seq = new Map<number, number>();
        const handles = parts.map((p) => {
          const o = seq.get(p) ?? 0;
          seq.set(p, o + 1);
          return { p, o, h: s.submit({ p }, { o }) };
        });
        const acked = new Set<number>();
        const committed = new Map<number, number>();
        const take = () => {
          for (const { partition, offset } of s.committableOffsets().offsets.values()) {
            const p = partition['p'] as number;
            const o = offset['o'] as number;
            // Every record of that partition up to o was acked.
            for (const x of handles) if (x.p === p && x.o <= o) assert.ok(acked.has(handles.indexOf(x)));
            assert.ok(o > (committed.get(p) ?? -1), 'offsets only move forward');
            committed.set(p, o);
          }
        };
        ackOrder.forEach((i, k) => {
          handles[i]!.h.ack();
          acked.add(i);
          if (commitAfter[k]) take();
        });
        take();
        // Final state: per partition, the committed offset is the end of the acked prefix.
        for (const p of new Set(parts)) {
          const mine = handles.map((x, i) => ({ ...x, i })).filter((x) => x.p === p);
          let prefix = -1;
          for (const x of mine) {
            if (!acked.has(x.i)) break;
            prefix = x.o;
          }
          assert.equal(committed.get(p) ?? -1, prefix);
        }
        assert.equal(s.outstanding, parts.length - acked.size);
      }),
      { numRuns: 300 },
    );
  });

  test('property: with submissions, acks and commits interleaved, compaction changes no answer', () => {
    type Step = { kind: 'submit'; p: number } | { kind: 'ack'; pick: number } | { kind: 'commit' };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constant('submit' as const), p: fc.integer({ min: 0, max: 2 }) }),
      fc.record({ kind: fc.constant('ack' as const), pick: fc.nat() }),
      fc.constant({ kind: 'commit' as const }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 120 }), fc.integer({ min: 1, max: 5 }), (steps, compactEvery) => {
        const compacting = new SubmittedRecords({ compactEvery });
        const plain = new SubmittedRecords({ compactEvery: Number.MAX_SAFE_INTEGER });
        const handles: Array<[{ ack(): void }, { ack(): void }]> = [];
        const seq = new Map<number, number>();
        const answer = (s: SubmittedRecords) => {
          const c = s.committableOffsets();
          return { offsets: [...c.offsets.entries()].sort(), committed: c.committed, pending: c.pending };
        };
        for (const st of steps) {
          if (st.kind === 'submit') {
            const o = seq.get(st.p) ?? 0;
            seq.set(st.p, o + 1);
            handles.push([compacting.submit({ p: st.p }, { o }), plain.submit({ p: st.p }, { o })]);
          } else if (st.kind === 'ack' && handles.length > 0) {
            for (const h of handles[st.pick % handles.length]!) h.ack();
          } else if (st.kind === 'commit') {
            assert.deepEqual(answer(compacting), answer(plain));
          }
          assert.equal(compacting.outstanding, plain.outstanding);
        }
        assert.deepEqual(answer(compacting), answer(plain));
      }),
      { numRuns: 500 },
    );
  });
});
