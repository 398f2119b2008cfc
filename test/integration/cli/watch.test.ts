// `sluice run --watch` as a user runs it: edit the pipeline file while it runs — a connector added, one changed
// (only its tasks restart; the other keeps its task and its offsets), an invalid edit that changes nothing and
// names every problem, SIGHUP, a connector removed — then SIGTERM, exit 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { sluice, tempDir, writeJson, orderIds, until } from './support.js';

const WORKER = { 'value.converter': 'json', 'value.converter.schemas.enable': false, 'key.converter': 'string', 'offset.flush.interval.ms': 200 };
const gen = (topic: string) => ({ 'connector.class': 'datagen', 'kafka.topic': topic, quickstart: 'orders', 'records.per.second': 200, 'batch.size': 20, 'random.seed': 1 });
const file = (topic: string, path: string) => ({ 'connector.class': 'FileStreamSink', topics: topic, file: path, 'value.converter': 'string' });

test('sluice run --watch applies valid edits connector by connector and refuses invalid ones', { timeout: 120_000 }, async () => {
  const dir = tempDir('watch');
  const [outA, outB, outB2] = [join(dir, 'a.jsonl'), join(dir, 'b.jsonl'), join(dir, 'b2.jsonl')];
  const pipeline = (connectors: unknown[]) => writeJson(dir, 'pipeline.json', { worker: WORKER, connectors });
  const a = [{ name: 'gen-a', config: gen('a') }, { name: 'out-a', config: file('a', outA) }];
  const path = pipeline(a);
  const p = sluice(['run', '--watch', '--no-rest', '--view', 'json', path]);
  try {
    await until(() => orderIds(outA).length > 20, 'records in a.jsonl');
    const logged = (msg: RegExp) => p.logs().filter((l) => msg.test(String(l['msg'])));

    // Added: a second pipeline; the first keeps running untouched.
    pipeline([...a, { name: 'gen-b', config: gen('b') }, { name: 'out-b', config: file('b', outB) }]);
    await until(() => orderIds(outB).length > 20, 'records in b.jsonl after the edit');
    await until(() => logged(/^reloaded$/).some((l) => (l['added'] as string[]).length === 2), 'the reload logged');
    assert.deepEqual(logged(/^reloaded$/).find((l) => (l['added'] as string[]).length === 2)!['added'], ['gen-b', 'out-b']);

    // Changed: out-b writes elsewhere now; only its task restarts.
    const aBefore = orderIds(outA).length;
    pipeline([...a, { name: 'gen-b', config: gen('b') }, { name: 'out-b', config: file('b', outB2) }]);
    await until(() => orderIds(outB2).length > 10, 'records in b2.jsonl after the change');
    await until(() => logged(/^reloaded$/).some((l) => (l['changed'] as string[]).includes('out-b')), 'the change logged');
    const changed = logged(/^reloaded$/).find((l) => (l['changed'] as string[]).includes('out-b'))!;
    assert.deepEqual(changed['changed'], ['out-b']);
    assert.deepEqual(changed['added'], []);
    assert.ok(orderIds(outA).length > aBefore, 'out-a kept writing');
    const idsA = orderIds(outA);
    assert.equal(new Set(idsA).size, idsA.length, 'out-a was not restarted: no record twice');

    // Invalid: nothing changes, every problem is named.
    pipeline([...a, { name: 'gen-b', config: { ...gen('b'), 'records.per.second': -3 } }, { name: 'out-b', config: { ...file('b', outB2), 'tasks.max': 'many' } }]);
    await until(() => logged(/^reload refused/).length >= 1, 'the refusal logged');
    const refusal = String(logged(/^reload refused/)[0]!['msg']);
    assert.match(refusal, /gen-b.*records\.per\.second/s);
    assert.match(refusal, /out-b.*tasks\.max/s);
    const b2 = orderIds(outB2).length;
    await until(() => orderIds(outB2).length > b2 + 5, 'out-b still running after the refused edit');

    // SIGHUP with the same (invalid) file: refused again; then fixed and removed gen-b/out-b, applied on SIGHUP too.
    const refusals = logged(/^reload refused/).length;
    p.child.kill('SIGHUP');
    await until(() => logged(/^reload refused/).some((l) => l['reason'] === 'SIGHUP'), 'SIGHUP reloads');
    assert.ok(logged(/^reload refused/).length > refusals);
    pipeline(a);
    await until(() => logged(/^reloaded$/).some((l) => (l['removed'] as string[]).length === 2), 'removal applied');
    const frozen = orderIds(outB2).length;
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(orderIds(outB2).length, frozen, 'out-b is gone');
  } finally {
    p.child.kill('SIGTERM');
  }
  const { code } = await p.exited;
  assert.equal(code, 0, p.stderr());
});
