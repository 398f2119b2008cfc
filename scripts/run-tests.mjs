#!/usr/bin/env node
// Runs every *.test.ts below the given files/folders (default: test) with node's own test runner.
//
//   node scripts/run-tests.mjs [paths...] [--node-test-flags...]
//
// - The TypeScript is transpiled once per change into node_modules/.cache/sluice-tests (test-runner/transpile.mjs),
//   so no test process starts tsx. SLUICE_TEST_TSX=1 runs the .ts files through tsx instead.
// - test/unit: every file in a process of its own, one per core at a time (SLUICE_TEST_CONCURRENCY).
//   SLUICE_TEST_BATCH=1 shares the files out over one process per core instead, each running its share in one
//   node test runner with each file as a suite named by its path (test-runner/batch-entry.mjs; a file that
//   changes process-wide state still runs alone: test-runner/resources.mjs needsOwnProcess). Batches are about
//   twice as fast, but one fresh-clone CI-style run saw a batch process end (exit 0) before three of its files
//   had reported, which did not happen again in ten runs. That was most likely the lost pipe output the
//   blocking-stdio preload (below) now prevents; until batches are seen to hold up again, the default is one
//   process per file.
// - every other (integration) file: a process of its own, SLUICE_TEST_JOBS at a time (default: cores + 1; they
//   mostly wait on services), never two that share a resource (test-runner/resources.mjs), slowest first.
// - --test-force-exit: a test file ends once its tests are done even if a handle (a pool, a socket) is still
//   open, so a leak cannot hang CI. Its process.exit() would drop report lines still queued on the pipe to this
//   runner, so every test process writes stdout and stderr synchronously (test-runner/blocking-stdio.mjs).
// - Output: ONE TAP document for the whole run, ending with the summary lines (`# tests N`, `# pass N`,
//   `# fail N`, ...) over every file. A file that crashes or exits non-zero without a failing test counts as one
//   failed test. Exit status 1 if anything failed or no test ran. Per-file wall times go to stderr at the end.
// - With a --test-reporter flag, `node --test` runs the files itself (unit, then the rest, one file at a time)
//   and prints that reporter's output instead.
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { outputPath, transpileTree } from './test-runner/transpile.mjs';
import { TapMerger } from './test-runner/tap-merge.mjs';
import { ResourceLocks, needsOwnProcess, resourcesOf } from './test-runner/resources.mjs';
import { runNode, signalAll } from './test-runner/job.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(ROOT, 'node_modules', '.cache', 'sluice-tests');
const BUILD = join(CACHE, 'build');
const TIMINGS = join(CACHE, 'timings.json');
const BATCH_ENTRY = join(ROOT, 'scripts', 'test-runner', 'batch-entry.mjs');
/** Files below this folder need no service: they run first, one per core. */
const UNIT = 'test/unit/';

const started = performance.now();
const argv = process.argv.slice(2);
const roots = argv.filter((a) => !a.startsWith('--'));
const passThrough = argv.filter((a) => a.startsWith('--'));
const cores = availableParallelism();
const unitConcurrency = positiveInt('SLUICE_TEST_CONCURRENCY', cores);
const integrationJobs = positiveInt('SLUICE_TEST_JOBS', cores + 1);
const viaTsx = process.env.SLUICE_TEST_TSX === '1';
const isolateUnit = process.env.SLUICE_TEST_BATCH !== '1';

function positiveInt(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`${name} must be a positive integer, got '${raw}'`);
    process.exit(2);
  }
  return n;
}

function collect(path, out) {
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path).sort()) collect(join(path, entry), out);
  } else if (path.endsWith('.test.ts')) {
    out.push(path);
  }
  return out;
}

const rel = (abs) => relative(ROOT, abs).split(sep).join('/');
const files = [...new Set((roots.length ? roots : ['test']).flatMap((r) => collect(resolve(r), [])))];
if (files.length === 0) {
  console.error('no test files found under', roots.join(' '));
  process.exit(1);
}
const unit = files.filter((f) => rel(f).startsWith(UNIT));
const integration = files.filter((f) => !rel(f).startsWith(UNIT));

// ------------------------------------------------------------------ how a file is run

/** Every test process writes its stdout and stderr synchronously (see the preload). */
const BLOCKING_STDIO = ['--import', pathToFileURL(join(ROOT, 'scripts', 'test-runner', 'blocking-stdio.mjs')).href];
let nodeFlags;
let runnable; // source path → the path node runs
let childEnv = process.env;
if (viaTsx) {
  nodeFlags = [...BLOCKING_STDIO, '--import', 'tsx'];
  runnable = (abs) => abs;
} else {
  try {
    const t = await transpileTree({ root: ROOT, dirs: ['src', 'test'], outDir: BUILD });
    if (t.transformed > 0) console.error(`# transpiled ${t.transformed} of ${t.files} files in ${Math.round(t.ms)} ms`);
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
  nodeFlags = [...BLOCKING_STDIO, '--enable-source-maps'];
  runnable = (abs) => outputPath(BUILD, rel(abs));
  // Tests that start Sluice or a helper script as a process of its own run these transpiled files too
  // (test/support/processes.ts) instead of compiling them again with tsx in every such process.
  childEnv = { ...process.env, SLUICE_TEST_BUILD: BUILD };
}

/** Paths into the build cache (in a message or a stack line) written back as the .ts sources they come from. */
const toSource = (() => {
  if (viaTsx) return (line) => line;
  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const asPath = new RegExp(`${escape(BUILD + sep)}([^\\s'":)]*?)\\.js\\b`, 'g');
  const asUrl = new RegExp(`${escape(pathToFileURL(BUILD).href)}/([^\\s'":)]*?)\\.js\\b`, 'g');
  return (line) => line.includes(BUILD)
    ? line.replace(asUrl, `${pathToFileURL(ROOT).href}/$1.ts`).replace(asPath, `${ROOT}${sep}$1.ts`)
    : line;
})();

// ------------------------------------------------------------------ a chosen reporter: node --test runs the files

if (passThrough.some((a) => a.startsWith('--test-reporter'))) {
  let failed = false;
  for (const group of [unit, integration]) {
    if (group.length === 0) continue;
    const concurrency = group === unit ? unitConcurrency : 1;
    const args = [...nodeFlags, '--test', '--test-force-exit', `--test-concurrency=${concurrency}`, ...passThrough, ...group.map(runnable)];
    failed ||= spawnSync(process.execPath, args, { stdio: 'inherit', env: childEnv }).status !== 0;
  }
  process.exit(failed ? 1 : 0);
}

// ------------------------------------------------------------------ one process per file, one TAP document

const merger = new TapMerger((text) => process.stdout.write(text));
const timings = loadTimings();
const measured = {};
let interrupted = null;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    interrupted = signal;
    signalAll(signal);
  });
}

/** Runs one test process into the merged output; `onResult` hears of each top-level test. */
async function runJob(job) {
  const tap = merger.stream(job.onResult);
  const r = await runNode([...nodeFlags, '--test-force-exit', '--test-reporter=tap', ...passThrough, ...job.args], {
    env: childEnv,
    onStdout: (l) => tap.line(toSource(l)),
    onStderr: (l) => process.stderr.write(toSource(l) + '\n'),
  });
  job.done?.(r.ms);
  const summary = tap.end();
  const failedInside = summary !== null && (summary.fail > 0 || summary.cancelled > 0);
  if (summary === null || (r.code !== 0 && !failedInside)) {
    merger.failure(job.name, {
      error: summary === null ? 'the test process ended without reporting its tests' : 'the test process exited non-zero with no failing test',
      exitCode: r.code ?? '',
      signal: r.signal ?? '',
      ...(r.error ? { spawn: r.error.message } : {}),
    });
  }
}

/** A test file in a process of its own; its time is the process's wall time. */
function fileJob(abs) {
  const name = rel(abs);
  return { name, args: [runnable(abs)], uses: resourcesOf(name), weight: timings[name] ?? 60_000, done: (ms) => (measured[name] = ms) };
}

/**
 * Unit files in `count` processes (test-runner/batch-entry.mjs), balanced by their last measured times (longest
 * first, each to the least loaded process); a file's time is its suite's duration.
 */
function batchJobs(paths, count) {
  const batches = Array.from({ length: Math.min(count, paths.length) }, () => ({ files: [], load: 0 }));
  const weighted = paths.map((abs) => ({ abs, ms: timings[rel(abs)] ?? 1_000 })).sort((a, b) => b.ms - a.ms || a.abs.localeCompare(b.abs));
  for (const f of weighted) {
    const b = batches.reduce((least, x) => (x.load < least.load ? x : least));
    b.files.push(f.abs);
    b.load += f.ms;
  }
  return batches.map((b, i) => ({
    name: `unit tests, process ${i + 1} of ${batches.length} (${b.files.map(rel).join(' ')})`,
    args: [BATCH_ENTRY, JSON.stringify(b.files.sort().map((abs) => ({ name: rel(abs), path: runnable(abs) })))],
    uses: {},
    weight: b.load,
    onResult: (name, _ok, ms) => {
      if (Number.isFinite(ms)) measured[name] = ms;
    },
  }));
}

/** Runs `jobs` at most `limit` at a time, the heaviest first, never two that hold a resource the other needs. */
function runAll(jobs, limit) {
  const queue = [...jobs].sort((a, b) => b.weight - a.weight || a.name.localeCompare(b.name));
  const locks = new ResourceLocks();
  let active = 0;
  return new Promise((done) => {
    const next = () => {
      if (interrupted) queue.length = 0;
      while (active < limit) {
        const i = queue.findIndex((j) => locks.canTake(j.uses));
        if (i < 0) break;
        const [job] = queue.splice(i, 1);
        locks.take(job.uses);
        active++;
        runJob(job).then(() => {
          locks.release(job.uses);
          active--;
          next();
        });
      }
      if (active === 0 && queue.length === 0) done();
    };
    next();
  });
}

const alone = unit.filter((abs) => isolateUnit || needsOwnProcess(rel(abs)));
const shared = unit.filter((abs) => !alone.includes(abs));
await runAll([...batchJobs(shared, unitConcurrency), ...alone.map(fileJob)], unitConcurrency);
await runAll(integration.map(fileJob), integrationJobs);

const wall = performance.now() - started;
merger.end(wall);
if (!interrupted) saveTimings({ ...timings, ...measured }); // an interrupted file's time says nothing
reportTimes(measured, wall);
const totals = merger.totals;
if (totals.tests === 0) console.error('no test ran');
process.exit(interrupted ? 130 : totals.fail === 0 && totals.cancelled === 0 && totals.tests > 0 ? 0 : 1);

// ------------------------------------------------------------------ timings

function loadTimings() {
  try {
    return JSON.parse(readFileSync(TIMINGS, 'utf8'));
  } catch {
    return {};
  }
}

function saveTimings(t) {
  try {
    mkdirSync(CACHE, { recursive: true });
    writeFileSync(TIMINGS, JSON.stringify(t, null, 1) + '\n');
  } catch {}
}

function reportTimes(times, wallMs) {
  const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
  const sum = (names) => names.reduce((acc, n) => acc + (times[n] ?? 0), 0);
  const rows = Object.entries(times).sort((a, b) => b[1] - a[1]);
  const lines = rows.slice(0, 10).map(([name, ms]) => `#   ${s(ms).padStart(8)}  ${name}`);
  const how = [
    unit.length ? `${unit.length} unit files in ${Math.min(unitConcurrency, shared.length) + alone.length} processes, ${unitConcurrency} at a time (${s(sum(unit.map(rel)))} in their tests)` : '',
    integration.length ? `${integration.length} other files ${integrationJobs} at a time (${s(sum(integration.map(rel)))} of process time)` : '',
  ].filter(Boolean).join(', ');
  console.error(`# wall ${s(wallMs)}, ${viaTsx ? 'through tsx' : 'transpiled'}: ${how}; slowest files:\n${lines.join('\n')}`);
}
