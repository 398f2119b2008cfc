// Tasks on worker threads (`sluice.task.threads`), as a user sees them: where each task's records were made, what
// the pipeline's output holds, and what a crashing thread does to the tasks in it and to the others. In-process
// topics (the broker stays on the main thread; records cross threads in batches), `sluice run` as a process.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { importablePath } from '../../support/processes.js';
import { Sluice } from '../../../src/index.js';
import probePlugin from './support/thread-probe-plugin.js';
import { orderIds, sluiceToEnd, tempDir, writeJson } from '../cli/support.js';

const PROBE = importablePath(resolve(import.meta.dirname, 'support', 'thread-probe-plugin.ts'));
const strings = { 'key.converter': 'org.apache.kafka.connect.storage.StringConverter', 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' };

/** task → the thread ids its records were made in, from `<task>:<threadId>:<seq>` lines. */
function threadsByTask(file: string): { lines: number; threads: Map<number, Set<number>>; seqs: Map<number, number[]> } {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
  const threads = new Map<number, Set<number>>();
  const seqs = new Map<number, number[]>();
  for (const l of lines) {
    const [task, thread, seq] = l.split(':').map(Number) as [number, number, number];
    if (!threads.has(task)) threads.set(task, new Set());
    threads.get(task)!.add(thread);
    if (!seqs.has(task)) seqs.set(task, []);
    seqs.get(task)!.push(seq);
  }
  return { lines: lines.length, threads, seqs };
}

async function probeRun(threads: number, viaBin = false) {
  const dir = tempDir('task-threads');
  const out = join(dir, 'out.txt');
  const file = writeJson(dir, 'pipeline.json', {
    worker: { ...strings, 'sluice.task.threads': threads },
    connectors: [
      { name: 'probe', config: { 'connector.class': 'ThreadProbe', 'tasks.max': 2, topic: 'probe', 'probe.records': 2000 } },
      { name: 'out', config: { 'connector.class': 'FileStreamSink', topics: 'probe', file: out } },
    ],
  });
  const r = await sluiceToEnd(['run', file, '--plugin', PROBE], { viaBin });
  assert.equal(r.code, 0, r.stderr);
  return threadsByTask(out);
}

function assertComplete(seqs: Map<number, number[]>): void {
  for (const [task, s] of seqs) assert.deepEqual(s, Array.from({ length: 2000 }, (_, i) => i), `task ${task}: every record once, in order`);
}

describe('tasks on worker threads', () => {
  test('sluice.task.threads=2: each source task runs in a thread of its own, not the main thread; every record arrives once, in order', async () => {
    const { lines, threads, seqs } = await probeRun(2);
    assert.equal(lines, 4000);
    assertComplete(seqs);
    const [t0, t1] = [[...threads.get(0)!], [...threads.get(1)!]];
    assert.equal(t0.length, 1, 'a task stays in one thread');
    assert.equal(t1.length, 1, 'a task stays in one thread');
    assert.notEqual(t0[0], 0, 'not the main thread');
    assert.notEqual(t1[0], 0, 'not the main thread');
    assert.notEqual(t0[0], t1[0], 'two tasks, two threads');
  });

  test('sluice.task.threads=0 keeps every task on the main thread; 1 puts them in the same thread (bin/sluice.js from the sources, through tsx)', async () => {
    const none = await probeRun(0);
    assert.deepEqual([...none.threads.values()].map((s) => [...s]), [[0], [0]]);
    assertComplete(none.seqs);
    const one = await probeRun(1, true);
    const ids = [...one.threads.values()].map((s) => [...s]);
    assert.equal(ids.length, 2);
    assert.deepEqual(ids[0], ids[1], 'one thread for both');
    assert.notEqual(ids[0]![0], 0);
    assertComplete(one.seqs);
  });

  test('a thread that crashes fails only its task (FAILED with the cause, exit 4); the tasks of other threads run to the end', async () => {
    const dir = tempDir('task-thread-crash');
    const out = join(dir, 'orders.jsonl');
    const file = writeJson(dir, 'pipeline.json', {
      worker: {
        'sluice.task.threads': 3,
        'key.converter': 'org.apache.kafka.connect.json.JsonConverter', 'key.converter.schemas.enable': false,
        'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': false,
      },
      connectors: [
        { name: 'crash', config: { 'connector.class': 'ThreadProbe', topic: 'crash', 'probe.records': 1000, 'probe.crash.task': '0' } },
        { name: 'gen', config: { 'connector.class': 'datagen', 'kafka.topic': 'orders', quickstart: 'orders', 'max.records': 5000, 'random.seed': 1 } },
        { name: 'out', config: { 'connector.class': 'FileStreamSink', topics: 'orders', file: out } },
      ],
    });
    const r = await sluiceToEnd(['run', file, '--plugin', PROBE]);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /task crash-0 FAILED: .*task thread \d+ crashed: probe crash in task 0/);
    assert.doesNotMatch(r.stderr, /task (gen|out)-0 FAILED/);
    const ids = orderIds(out);
    assert.equal(ids.length, 5000, 'the other threads finished their pipeline');
    assert.equal(new Set(ids).size, 5000);
  });

  test('a thread whose task blocks its event loop is ended after sluice.task.threads.unresponsive.timeout.ms: that task FAILED, exit 4', async () => {
    const dir = tempDir('task-thread-hang');
    const out = join(dir, 'out.txt');
    const file = writeJson(dir, 'pipeline.json', {
      worker: { ...strings, 'sluice.task.threads': 3, 'sluice.task.threads.unresponsive.timeout.ms': 2000 },
      connectors: [
        { name: 'hang', config: { 'connector.class': 'ThreadProbe', topic: 'hang', 'probe.records': 1000, 'probe.hang.task': '0' } },
        { name: 'fine', config: { 'connector.class': 'ThreadProbe', topic: 'fine', 'probe.records': 3000 } },
        { name: 'out', config: { 'connector.class': 'FileStreamSink', topics: 'fine', file: out } },
      ],
    });
    const r = await sluiceToEnd(['run', file, '--plugin', PROBE]);
    assert.equal(r.code, 4, r.stderr + r.stdout.slice(-4000));
    assert.match(r.stderr, /task hang-0 FAILED: .*task thread \d+ did not answer for \d+ ms \(a task blocks its event loop\) and was ended/);
    assert.equal(threadsByTask(out).lines, 3000);
  });

  test('embedded: a plugin given as a module specifier runs its tasks on threads; one given as an object keeps them on the main thread', async () => {
    const run = async (plugin: string | typeof probePlugin) => {
      const dir = tempDir('task-threads-embedded');
      const out = join(dir, 'out.txt');
      const p = await Sluice.pipeline({
        worker: { ...strings, 'sluice.task.threads': 2 },
        plugins: [plugin],
        connectors: [
          { name: 'probe', config: { 'connector.class': 'ThreadProbe', 'tasks.max': 2, topic: 'probe', 'probe.records': 2000 } },
          { name: 'out', config: { 'connector.class': 'FileStreamSink', topics: 'probe', file: out } },
        ],
      });
      await p.start();
      try {
        await p.finished();
        assert.ok(p.progress().filter((t) => t.type === 'source').every((t) => t.finished), 'each thread said its task finished');
      } finally {
        await p.stop();
      }
      return threadsByTask(out);
    };
    const byModule = await run(PROBE);
    assert.equal(byModule.lines, 4000);
    assertComplete(byModule.seqs);
    const threads = [...byModule.threads.values()].map((s) => [...s]);
    assert.ok(threads.every((t) => t.length === 1 && t[0] !== 0), `threads: ${JSON.stringify(threads)}`);
    const byObject = await run(probePlugin);
    assert.deepEqual([...byObject.threads.values()].map((s) => [...s]), [[0], [0]]);
    assertComplete(byObject.seqs);
  });
});
