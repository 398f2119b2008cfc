/**
 * The memory bound with tasks on threads (#19): datagen (orders, as fast as it goes) → JsonConverter (schemas on)
 * → an in-process topic → a deliberately slow sink, as the compiled `sluice run` (dist/; `npm run build` first)
 * with `sluice.task.threads` 2 and 0. Peak RSS must not grow with the record count: backpressure from the slow
 * sink reaches the source through the thread boundary and the in-process broker.
 *
 *   node --import tsx bench/thread-memory.ts [sizes=1000000,10000000] [sinkDelayMsPerPut=4] [threads=2,0]
 *
 * The slow sink is a plugin module written beside the pipeline (so each task thread loads it by specifier): it
 * counts records and sleeps per put. RSS is sampled every second from /proc (the whole process, every thread),
 * and the peak is getrusage's at exit.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { uniqueName } from '../test/support/services.js';
import { table } from './pipeline-support.js';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));
const sizes = (process.argv[2] ?? '1000000,10000000').split(',').map(Number);
const delayMs = Number(process.argv[3] ?? 4);
const threadCounts = (process.argv[4] ?? '2,0').split(',').map(Number);
const dir = join(tmpdir(), uniqueName('bench_thread_memory'));
mkdirSync(dir, { recursive: true });
if (!existsSync(join(REPO, 'dist', 'cli', 'main.js'))) throw new Error('no dist/: npm run build first');

const api = pathToFileURL(join(REPO, 'dist', 'connectors', 'api', 'index.js')).href;
const PLUGIN = join(dir, 'slow-sink.mjs');
writeFileSync(
  PLUGIN,
  `import { appendFileSync } from 'node:fs';
import { ConfigDef, SinkConnector, SinkTask } from ${JSON.stringify(api)};
class SlowSinkTask extends SinkTask {
  seen = 0;
  version() { return '1'; }
  start(config) { this.file = config['count.file']; this.delay = Number(config['delay.ms']); }
  async put(records) { this.seen += records.length; await new Promise((r) => setTimeout(r, this.delay)); }
  stop() { appendFileSync(this.file, this.seen + '\\n'); }
}
class SlowSinkConnector extends SinkConnector {
  version() { return '1'; }
  start(config) { this.cfg = config; }
  taskConfigs(n) { return Array.from({ length: n }, () => ({ ...this.cfg })); }
  stop() {}
  config() { return configDef(); }
  taskClass() { return SlowSinkTask; }
}
function configDef() {
  return new ConfigDef()
    .define({ name: 'count.file', type: 'STRING', importance: 'HIGH', documentation: 'where each task writes its count at stop' })
    .define({ name: 'delay.ms', type: 'INT', defaultValue: 4, importance: 'LOW', documentation: 'sleep per put' });
}
export default { type: 'sink', className: 'bench.SlowSinkConnector', aliases: ['SlowSink'], version: '1', create: () => new SlowSinkConnector(), configDef };
`,
);

const REPORTER = join(dir, 'report-usage.mjs');
writeFileSync(
  REPORTER,
  `import { writeFileSync } from 'node:fs';
process.on('exit', () => writeFileSync(process.env.SLUICE_BENCH_USAGE, JSON.stringify({ cpu: process.cpuUsage(), maxRssKiB: process.resourceUsage().maxRSS })));
`,
);

const JSON_CONVERTER = 'org.apache.kafka.connect.json.JsonConverter';

function rssMiB(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

async function run(records: number, threads: number) {
  const tag = `${records}-${threads}`;
  const counts = join(dir, `${tag}.counts`);
  const usage = join(dir, `${tag}.usage.json`);
  const file = join(dir, `${tag}.json`);
  writeFileSync(counts, '');
  writeFileSync(
    file,
    JSON.stringify({
      worker: { 'key.converter': JSON_CONVERTER, 'value.converter': JSON_CONVERTER, 'sluice.task.threads': threads },
      connectors: [
        { name: 'gen', config: { 'connector.class': 'datagen', 'kafka.topic': 'orders', quickstart: 'orders', 'max.records': records, 'random.seed': 1 } },
        { name: 'slow', config: { 'connector.class': 'SlowSink', topics: 'orders', 'count.file': counts, 'delay.ms': delayMs } },
      ],
    }),
  );
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', REPORTER, join(REPO, 'bin', 'sluice.js'), 'run', file, '--plugin', PLUGIN, '--no-rest', '--view', 'json', '--log-level', 'warn'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, SLUICE_USE_DIST: '1', SLUICE_BENCH_USAGE: usage },
  });
  const samples: number[] = [];
  const sampler = setInterval(() => {
    const r = rssMiB(child.pid!);
    if (r !== null) samples.push(r);
  }, 1000);
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  clearInterval(sampler);
  const seen = readFileSync(counts, 'utf8').split('\n').filter(Boolean).map(Number).reduce((a, b) => a + b, 0);
  if (code !== 0 || seen !== records) throw new Error(`${tag}: exit ${code}, the sink saw ${seen} of ${records}`);
  const u = JSON.parse(readFileSync(usage, 'utf8')) as { maxRssKiB: number };
  const tail = samples.slice(Math.floor(samples.length / 2));
  return {
    'sluice.task.threads': threads,
    records: records.toLocaleString('en-US'),
    'wall s': Number(((Date.now() - started) / 1000).toFixed(1)),
    'peak RSS MiB': Math.round(u.maxRssKiB / 1024),
    'RSS MiB, 2nd half (min–max)': tail.length ? `${Math.round(Math.min(...tail))}–${Math.round(Math.max(...tail))}` : '',
  };
}

const rows: Array<Record<string, string | number>> = [];
for (const threads of threadCounts) for (const n of sizes) rows.push(await run(n, threads));
console.log(`\nin-process, datagen → JSON (schemas on) → a sink sleeping ${delayMs} ms per put\n`);
table(rows);
