/** The worker's transforms seam (src/worker/transforms.ts): one chain per task, closed when the run ends. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigDef, SourceRecord, type ConnectRecord } from '../../../src/index.js';
import { transformRegistry, type Transformation } from '../../../src/transforms/index.js';
import { closeWhenDone, hasTransforms, sourceTaskTransform, transformProblems } from '../../../src/worker/transforms.js';
import type { TaskRun } from '../../../src/streams/index.js';

let created = 0;
let closed = 0;
class Counting implements Transformation<ConnectRecord> {
  constructor() {
    created++;
  }
  configure(): void {}
  apply(r: ConnectRecord): ConnectRecord {
    return r.newRecord({ value: { seen: true } });
  }
  config(): ConfigDef {
    return new ConfigDef();
  }
  close(): void {
    closed++;
  }
}
transformRegistry().register({ className: 'test.sluice.Counting', kind: 'transformation', aliases: [], configDef: new ConfigDef(), create: () => new Counting() });

const config = {
  transforms: 'a,b,route',
  'transforms.a.type': 'test.sluice.Counting',
  'transforms.b.type': 'test.sluice.Counting',
  'transforms.route.type': 'RegexRouter',
  'transforms.route.regex': 'raw-(.*)',
  'transforms.route.replacement': '$1',
};

function fakeRun(): TaskRun & { settle: (ok: boolean) => void } {
  let settle!: (ok: boolean) => void;
  const done = new Promise<void>((resolve, reject) => (settle = (ok) => (ok ? resolve() : reject(new Error('failed')))));
  done.catch(() => {});
  return { id: { connector: 'c', task: 0 }, done, pause() {}, resume() {}, stop: async () => {}, metrics: () => ({}) as never, settle };
}

describe('worker transforms seam', () => {
  test('a task gets one chain (built once, applied to every record) that is closed when its run ends, stopped or failed', async () => {
    for (const ok of [true, false]) {
      created = 0;
      closed = 0;
      const t = sourceTaskTransform(config);
      const run = fakeRun();
      closeWhenDone(t, () => run);
      for (let i = 0; i < 100; i++) {
        const out = t.transform(new SourceRecord({ topic: 'raw-orders', sourcePartition: {}, sourceOffset: { i }, value: i }));
        assert.equal(out!.topic, 'orders');
        assert.deepEqual(out!.value, { seen: true });
      }
      assert.equal(created, 2);
      assert.equal(closed, 0);
      run.settle(ok);
      await new Promise((r) => setImmediate(r));
      assert.equal(closed, 2);
      t.close();
      assert.equal(closed, 2, 'closing twice closes once');
    }
  });

  test('a run that cannot start closes the chain at once; no transforms means a pass-through', () => {
    closed = 0;
    const t = sourceTaskTransform(config);
    assert.throws(() => closeWhenDone(t, () => { throw new Error('no'); }), /no/);
    assert.equal(closed, 2);
    const none = sourceTaskTransform({});
    const r = new SourceRecord({ topic: 't', sourcePartition: {}, sourceOffset: {}, value: 1 });
    assert.equal(none.transform(r), r);
    assert.equal(hasTransforms({}), false);
    assert.equal(hasTransforms({ predicates: 'p' }), true);
  });

  test('transformProblems reports what configuring the chain finds, keyed by transforms.<alias>.<key>', () => {
    assert.deepEqual(transformProblems(config), []);
    assert.deepEqual(transformProblems({ ...config, 'transforms.route.replacement': '$2' }).map((p) => p.key), ['transforms.route.replacement']);
    // Per-key definition problems are left to the connector validation (one report per problem).
    assert.deepEqual(transformProblems({ transforms: 'r', 'transforms.r.type': 'RegexRouter' }), []);
    assert.deepEqual(transformProblems({ transforms: 'a,a', 'transforms.a.type': 'Filter' }), []);
  });
});
