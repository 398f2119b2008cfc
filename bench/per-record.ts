/**
 * CPU per record after start-up, on the in-process paths of #19: datagen (orders) → a converter → FileStreamSink
 * through an in-process topic, one `sluice run` process per case (the compiled CLI, dist/, as an installed
 * package runs it; `npm run build` first). Per record = (CPU of a run of N records − CPU of a run of `small`) /
 * (N − small), so start-up drops out; CPU is the whole process's (every thread: GC helpers, the fs pool), as the
 * child reports it at exit (getrusage).
 *
 * The baseline is another checkout of Sluice, run alternately with this one in the same rounds:
 *   git worktree add /tmp/base <rev> && ln -s $PWD/node_modules /tmp/base/node_modules && (cd /tmp/base && npx tsc -p tsconfig.build.json)
 *   SLUICE_BENCH_BASELINE=/tmp/base node --import tsx bench/per-record.ts [records=300000]
 *   SLUICE_BENCH_ROUNDS=3 SLUICE_BENCH_ONLY=json-schemas,json,string
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { uniqueName } from '../test/support/services.js';
import { countArg, table } from './pipeline-support.js';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));
const total = countArg(2, 300_000);
const small = 1000;
const rounds = Number(process.env.SLUICE_BENCH_ROUNDS ?? 3);
const baseline = process.env.SLUICE_BENCH_BASELINE;
const dir = join(tmpdir(), uniqueName('bench_per_record'));
mkdirSync(dir, { recursive: true });

const JSON_CONVERTER = 'org.apache.kafka.connect.json.JsonConverter';
const PATHS: Record<string, Record<string, unknown>> = {
  'json-schemas': { 'key.converter': JSON_CONVERTER, 'value.converter': JSON_CONVERTER, 'key.converter.schemas.enable': true, 'value.converter.schemas.enable': true },
  json: { 'key.converter': JSON_CONVERTER, 'value.converter': JSON_CONVERTER, 'key.converter.schemas.enable': false, 'value.converter.schemas.enable': false },
  string: { 'key.converter': 'org.apache.kafka.connect.storage.StringConverter', 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' },
};
const only = (process.env.SLUICE_BENCH_ONLY ?? Object.keys(PATHS).join(',')).split(',');

/** Written beside the pipeline: the child reports its own CPU and peak RSS as it exits. */
const REPORTER = join(dir, 'report-usage.mjs');
writeFileSync(
  REPORTER,
  `import { writeFileSync } from 'node:fs';
process.on('exit', () => {
  const u = process.resourceUsage();
  writeFileSync(process.env.SLUICE_BENCH_USAGE, JSON.stringify({ cpu: (u.userCPUTime + u.systemCPUTime) / 1e6, rssMiB: u.maxRSS / 1024 }));
});
`,
);

interface Usage {
  readonly cpu: number;
  readonly rssMiB: number;
}

async function run(checkout: string, path: string, records: number, tag: string): Promise<Usage> {
  const out = join(dir, `${tag}.jsonl`);
  const file = join(dir, `${tag}.json`);
  const usage = join(dir, `${tag}.usage.json`);
  writeFileSync(
    file,
    JSON.stringify({
      worker: { ...PATHS[path], 'sluice.task.threads': 0 },
      connectors: [
        { name: 'gen', config: { 'connector.class': 'datagen', 'kafka.topic': 'orders', quickstart: 'orders', 'max.records': records, 'random.seed': 1, 'topic.creation.default.partitions': 2, 'topic.creation.default.replication.factor': 1 } },
        { name: 'out', config: { 'connector.class': 'FileStreamSink', topics: 'orders', file: out } },
      ],
    }),
  );
  const child = spawn(process.execPath, ['--import', REPORTER, join(checkout, 'bin', 'sluice.js'), 'run', file, '--no-rest', '--view', 'json', '--log-level', 'warn'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, SLUICE_USE_DIST: '1', SLUICE_BENCH_USAGE: usage },
  });
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  const lines = readFileSync(out, 'utf8').split('\n').length - 1;
  if (code !== 0 || lines !== records) throw new Error(`${tag}: exit ${code}, ${lines} of ${records} lines`);
  return JSON.parse(readFileSync(usage, 'utf8')) as Usage;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

const checkouts: Array<[string, string]> = [['this checkout', REPO]];
if (baseline) checkouts.push(['baseline', resolve(baseline)]);
for (const [, c] of checkouts) if (!existsSync(join(c, 'dist', 'cli', 'main.js'))) throw new Error(`${c}: no dist/ (npm run build there first)`);

const rows: Array<Record<string, string | number>> = [];
for (const path of only) {
  if (!PATHS[path]) throw new Error(`unknown path ${path}; one of ${Object.keys(PATHS).join(', ')}`);
  const perRecord = new Map<string, number[]>();
  const rss = new Map<string, number[]>();
  for (let round = 0; round < rounds; round++) {
    for (const [name, checkout] of checkouts) {
      const tag = `${path}-${name.replace(/\W/g, '')}-${round}`;
      const start = await run(checkout, path, small, `${tag}-small`);
      const full = await run(checkout, path, total, `${tag}-full`);
      (perRecord.get(name) ?? perRecord.set(name, []).get(name)!).push(((full.cpu - start.cpu) / (total - small)) * 1e6);
      (rss.get(name) ?? rss.set(name, []).get(name)!).push(full.rssMiB);
    }
  }
  const base = baseline ? median(perRecord.get('baseline')!) : undefined;
  for (const [name] of checkouts) {
    const us = median(perRecord.get(name)!);
    rows.push({
      path: `datagen → ${path} → FileStreamSink`,
      sluice: name,
      'CPU µs/record (median)': Number(us.toFixed(1)),
      'all rounds': perRecord.get(name)!.map((x) => x.toFixed(1)).join(' '),
      'peak RSS MiB': Math.round(median(rss.get(name)!)),
      'vs baseline': base && name !== 'baseline' ? `${(us / base).toFixed(2)}×` : '',
    });
  }
}
console.log(`\nin-process, ${total.toLocaleString('en-US')} records, ${rounds} rounds (start-up from runs of ${small})\n`);
table(rows);
