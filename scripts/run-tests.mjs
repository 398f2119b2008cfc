#!/usr/bin/env node
// Runs every *.test.ts below the given folders with node's own test runner (through tsx).
// Node 20 has no glob support in `node --test`, so the files are listed here. --test-force-exit ends a test
// file once its tests are done even if a handle (a pool, a socket) is still open, so a leak cannot hang CI.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function collect(path, out) {
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path).sort()) collect(join(path, entry), out);
  } else if (path.endsWith('.test.ts')) {
    out.push(path);
  }
  return out;
}

const roots = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('--'));
const files = (roots.length ? roots : ['test']).flatMap((r) => collect(r, []));
if (files.length === 0) {
  console.error('no test files found under', roots.join(' '));
  process.exit(1);
}
const concurrency = process.env.SLUICE_TEST_CONCURRENCY ?? '1';
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-force-exit', `--test-concurrency=${concurrency}`, ...passThrough, ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
