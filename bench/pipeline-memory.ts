/**
 * The memory bound: a fast synthetic source into a deliberately slow sink through the in-process transport.
 * Memory must stay flat (bounded by batch size × in-flight batches and the channel capacity), never grow with
 * the record count. No broker needed.
 *
 *   node --import tsx bench/pipeline-memory.ts [records=10M] [sinkDelayMsPerBatch=1]
 */
import type { SinkRecord } from '../src/data/index.js';
import { SinkTask } from '../src/connectors/api/index.js';
import { MemoryOffsetStore, createTransport } from '../src/streams/index.js';
import { RssSampler, SyntheticSource, countArg, jsonConverters, table, until, MiB } from './pipeline-support.js';

const total = countArg(2, 10_000_000);
const delayMs = Number(process.argv[3] ?? 1);
const capacity = 10_000;
const batch = 500;
const inFlight = 4;

class SlowSink extends SinkTask {
  seen = 0;
  version() {
    return 'bench';
  }
  start() {}
  async put(records: readonly SinkRecord[]) {
    this.seen += records.length;
    await new Promise((r) => setTimeout(r, delayMs));
  }
  stop() {}
}

const rss = new RssSampler();
const transport = createTransport({ kind: 'in-process', capacity });
const options = { maxInFlightBatches: inFlight, offsetFlushIntervalMs: 1000, offsetFlushTimeoutMs: 30_000 };
const sink = new SlowSink();
const source = new SyntheticSource('memory', total, batch);
const sinkRun = transport.startSink({ id: { connector: 'slow-sink', task: 0 }, task: sink, config: { topics: 'memory' }, converters: jsonConverters(), transform: (r) => r, options });
const sourceRun = transport.startSource({ id: { connector: 'fast-source', task: 0 }, task: source, config: {}, converters: jsonConverters(), transform: (r) => r, offsets: new MemoryOffsetStore(), options });

const rows: Array<Record<string, string | number>> = [];
const t0 = performance.now();
let mark = 1_000_000;
console.log(`fast source → in-process channel (capacity ${capacity}) → sink sleeping ${delayMs} ms per put; ${total.toLocaleString('en-US')} records`);
while (sink.seen < total) {
  await until(() => sink.seen >= Math.min(mark, total));
  const at = Math.min(mark, total);
  if (at % 1_000_000 === 0 || at === total) {
    const s = (performance.now() - t0) / 1000;
    const row = { 'records through': at, seconds: s, 'records/s': Math.round(at / s), 'RSS MiB': Math.round(rss.sample() / MiB), 'peak RSS MiB': Math.round(rss.peak() / MiB), 'source acked': source.acked };
    console.log(JSON.stringify(row));
    rows.push(row);
  }
  mark += 1_000_000;
}
await until(() => source.acked >= total);
await sourceRun.stop(30_000);
await sinkRun.stop(30_000);
await transport.close();
rss.stop();
console.log();
table(rows.filter((r) => r['records through'] === 1_000_000 || r['records through'] === total || rows.length <= 3));
