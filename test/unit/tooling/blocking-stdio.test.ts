// The test runner's preload (scripts/test-runner/blocking-stdio.mjs): a process that writes a large report and
// ends with process.exit() — as --test-force-exit ends every test process — loses none of it, even when its
// reader is slow. Without the preload the same process loses most of it (the control case).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PRELOAD = pathToFileURL(fileURLToPath(new URL('../../../scripts/test-runner/blocking-stdio.mjs', import.meta.url))).href;
const LINES = 20_000;
const CHILD = `const line = 'x'.repeat(99) + '\\n'; for (let i = 0; i < ${LINES}; i++) process.stdout.write(line); process.exit(0);`;

/** Bytes a reader that starts 300 ms late receives from the child. */
async function received(preload: boolean): Promise<number> {
  const args = [...(preload ? ['--import', PRELOAD] : []), '--input-type=module', '-e', CHILD];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let bytes = 0;
  child.stdout.pause();
  setTimeout(() => {
    child.stdout.on('data', (d: Buffer) => (bytes += d.length));
    child.stdout.resume();
  }, 300);
  await new Promise((r) => child.on('close', r));
  return bytes;
}

test('with the preload, a process ended by process.exit() delivers all it wrote to a slow reader; without, it does not', async () => {
  assert.equal(await received(true), LINES * 100);
  assert.ok((await received(false)) < LINES * 100, 'the control: process.exit() drops what the pipe has not taken');
});
