// A reactive pipeline (source() → filter → sink()) in a process killed with SIGKILL several times while it runs:
// the committed source offsets never pass what the file sink wrote, and the runs together write every record
// that passes the filter (duplicates only where a run redid what the last offset commit did not cover).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../../support/processes.js';

const MAX = 100_000; // split over 2 tasks: order ids 0..99_999
const KILLS = 10;
const CHILD = join(REPO, 'test/integration/reactive/kill-child.ts');

function ids(file: string): number[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1); // a line cut by the kill is not a record
  return complete.split('\n').filter((l) => l !== '').map((l) => (JSON.parse(l) as { order_id: number }).order_id);
}

/** Committed offsets per datagen task: the last generated sequence number. */
function committed(file: string): Map<string, number> {
  const out = new Map<string, number>();
  if (!existsSync(file)) return out;
  for (const [k, v] of Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>)) out.set(k, Number(Object.values(v)[0]));
  return out;
}

function start(dir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, String(MAX)], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

test('SIGKILL during a reactive pipeline loses nothing: offsets never pass what the sink wrote', { timeout: 300_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-reactive-kill-'));
  const file = join(dir, 'orders.jsonl');
  const offsets = join(dir, 'offsets.json');
  let kills = 0;
  for (let round = 0; ; round++) {
    const before = ids(file).length;
    const run = start(dir);
    const last = round === KILLS;
    const target = last ? Infinity : before + 2_000 + Math.floor(Math.random() * 5_000);
    let exited = false;
    while (!exited && ids(file).length < target) {
      exited = (await Promise.race([run.exited.then(() => true), new Promise<false>((res) => setTimeout(() => res(false), 20))])) === true;
    }
    if (!exited) run.child.kill('SIGKILL');
    const { code, signal } = await run.exited;
    if (signal !== 'SIGKILL') {
      assert.equal(code, 0, run.output().stderr);
      assert.match(run.output().stdout, /finished/);
      break;
    }
    kills++;
    // What was committed was written: every id a task generated up to its committed seq that passes the filter.
    const written = new Set(ids(file));
    for (const [key, seq] of committed(offsets)) {
      const task = (JSON.parse(key) as [string, { task: number }])[1].task;
      for (let s = 0; s <= seq; s++) {
        const id = s * 2 + task;
        if (id % 10 !== 7) assert.ok(written.has(id), `order ${id} (task ${task}, seq ${s}) is committed but not in the file`);
      }
    }
  }
  t.diagnostic(`${kills} SIGKILLs`);
  assert.ok(kills >= 3, `only ${kills} kills before the pipeline finished`);
  const all = ids(file);
  const expected = Array.from({ length: MAX }, (_, i) => i).filter((i) => i % 10 !== 7);
  assert.deepEqual([...new Set(all)].sort((a, b) => a - b), expected, 'every record that passes the filter was written');
  t.diagnostic(`${all.length - expected.length} duplicates over ${kills} kills`);
});
