/**
 * The reactive API beside the worker's in-process path, same connectors: datagen orders → a no-op sink.
 * - reactive: `source(datagen).pipe(map(…)).subscribe(sink(noop))`, records as objects, offsets after flush;
 * - worker in-process: `Sluice.pipeline` with the same two connectors (JsonConverter through an in-process topic).
 * Then the memory bound of the reactive path: a fast source into a sink that sleeps 1 ms per put, RSS at 1/4
 * and at the end of the run. No broker needed.
 *
 *   node --import tsx bench/reactive.ts [records=300000] [memoryRecords=2000000]
 */
import { map } from 'rxjs';
import { ConfigDef, SinkConnector, SinkTask, type ConnectorPlugin } from '../src/connectors/api/index.js';
import type { SinkRecord } from '../src/data/index.js';
import { Sluice, source, sink } from '../src/index.js';
import { RssSampler, countArg, table, MiB } from './pipeline-support.js';

const total = countArg(2, 300_000);
const memoryTotal = countArg(3, 2_000_000);

let seen = 0;
let putDelayMs = 0;
class NoopTask extends SinkTask {
  version() {
    return 'bench';
  }
  start() {}
  async put(records: readonly SinkRecord[]) {
    seen += records.length;
    if (putDelayMs > 0) await new Promise((r) => setTimeout(r, putDelayMs));
  }
  stop() {}
}
class Noop extends SinkConnector {
  version() {
    return 'bench';
  }
  start() {}
  taskClass() {
    return NoopTask;
  }
  taskConfigs() {
    return [{}];
  }
  stop() {}
  config() {
    return new ConfigDef();
  }
}
const noop: ConnectorPlugin = { type: 'sink', className: 'bench.Noop', aliases: [], version: 'bench', create: () => new Noop(), configDef: () => new ConfigDef() };
const datagen = (n: number) => ({ 'connector.class': 'datagen', 'kafka.topic': 'orders', quickstart: 'orders', 'max.records': n, 'random.seed': 1 });

async function reactive(n: number): Promise<number> {
  seen = 0;
  const t0 = performance.now();
  const out = sink({ 'connector.class': 'bench.Noop' }, { plugins: [noop] });
  source(datagen(n)).pipe(map((r) => r.newRecord({ topic: 'paid' }))).subscribe(out);
  await out.done;
  if (seen !== n) throw new Error(`reactive: ${seen} of ${n}`);
  return performance.now() - t0;
}

async function worker(n: number): Promise<number> {
  seen = 0;
  const t0 = performance.now();
  const p = await Sluice.pipeline({
    plugins: [noop],
    worker: { 'value.converter': 'json', 'key.converter': 'json' },
    connectors: [
      { name: 'gen', config: datagen(n) },
      { name: 'noop', config: { 'connector.class': 'bench.Noop', topics: 'orders' } },
    ],
  });
  await p.start();
  await p.finished({ pollMs: 10 });
  await p.stop();
  if (seen !== n) throw new Error(`worker: ${seen} of ${n}`);
  return performance.now() - t0;
}

await reactive(20_000); // warm-up
await worker(20_000);
const rows: Array<Record<string, string | number>> = [];
for (let i = 0; i < 2; i++) {
  const r = await reactive(total);
  const w = await worker(total);
  rows.push({ run: i + 1, records: total, 'reactive rec/s': Math.round(total / (r / 1000)), 'worker in-process rec/s': Math.round(total / (w / 1000)), ratio: (w / r).toFixed(2) });
}
table(rows);

// Memory: a slow sink holds the source back; RSS must not grow with the record count.
putDelayMs = 1;
seen = 0;
const rss = new RssSampler();
const marks: Array<Record<string, string | number>> = [];
const t0 = performance.now();
const out = sink({ 'connector.class': 'bench.Noop' }, { plugins: [noop] });
source(datagen(memoryTotal), { worker: { 'offset.flush.interval.ms': Number(process.env.FLUSH_MS ?? 60000) } }).subscribe(out);
let next = memoryTotal / 4;
while (seen < memoryTotal) {
  await new Promise((r) => setTimeout(r, 50));
  if (seen >= next) {
    marks.push({ 'records through': next, seconds: ((performance.now() - t0) / 1000).toFixed(1), 'RSS MiB': Math.round(rss.sample() / MiB), 'peak RSS MiB': Math.round(rss.peak() / MiB) });
    next += memoryTotal / 4;
  }
}
await out.done;
rss.stop();
console.log(`\nslow sink (1 ms per put), ${memoryTotal.toLocaleString('en-US')} records through the reactive path:`);
table(marks);
