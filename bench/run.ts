/**
 * Runs every benchmark in bench/ one after another, each in its own process (so peak RSS is per bench).
 *   npm run bench                 all of them
 *   npm run bench -- transforms   only those whose file name contains "transforms"
 * Benchmarks that need services expect `bash scripts/stack.sh up` first (the script runs it).
 */
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.endsWith('-support.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

const stack = spawnSync('bash', [join(here, '..', 'scripts', 'stack.sh'), 'up'], { stdio: 'inherit' });
if (stack.status !== 0) process.exit(stack.status ?? 1);

let failed = 0;
for (const file of benches) {
  console.log(`\n=== ${file} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, file)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`(${file} exited with ${r.status ?? r.signal})`);
  }
}
process.exit(failed ? 1 : 0);
