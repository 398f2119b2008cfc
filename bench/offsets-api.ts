/**
 * The offsets API with many partitions (KIP-875 `PATCH /connectors/{c}/offsets`), on a distributed worker as
 * `sluice worker` runs it (NATS + the Kafka offsets topic, REST in this process) and on a standalone worker (the
 * offsets file): the request's wall time and the longest event-loop stall while it runs
 * (perf_hooks.monitorEventLoopDelay, and the longest gap between 10 ms ticks). A distributed worker's heartbeats
 * run on the same loop: a stall past `session.timeout.ms` fences it. Baseline: the same loop with no request.
 *
 *   node --import tsx bench/offsets-api.ts [partitions=100000] [mode=both|distributed|standalone]
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DistributedHerder } from '../src/cluster/distributed-herder.js';
import { bucketsOf } from '../src/cluster/keys.js';
import { connectNats, deleteBucket } from '../src/cluster/nats.js';
import { StandaloneHerder } from '../src/worker/standalone-herder.js';
import { RestServer } from '../src/rest/index.js';
import type { RestHerder } from '../src/rest/resources.js';
import { countArg, table } from './pipeline-support.js';

const PARTITIONS = countArg(2, 100_000);
const MODE = process.argv[3] ?? 'both';
const KAFKA = process.env['SLUICE_KAFKA_BROKERS'] ?? '127.0.0.1:9092';
const NATS = process.env['SLUICE_NATS_URL'] ?? 'nats://127.0.0.1:4222';
const unique = (p: string) => `${p}_${process.pid}_${Date.now().toString(36)}`;

/** Longest event-loop stall while `work` runs, two ways. */
async function measure<T>(work: () => Promise<T>): Promise<{ result: T; ms: number; maxDelayMs: number; maxGapMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  let last = performance.now();
  let maxGap = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
  }, 10);
  h.enable();
  const t0 = performance.now();
  try {
    const result = await work();
    return { result, ms: performance.now() - t0, maxDelayMs: h.max / 1e6, maxGapMs: Math.max(maxGap, performance.now() - last) };
  } finally {
    h.disable();
    clearInterval(tick);
  }
}

/** `body` is JSON text, encoded before the measurement starts (the client's work is not the server's stall). */
async function request(base: string, method: string, path: string, body?: string): Promise<{ status: number; text: string }> {
  const res = await fetch(base + path, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body }),
    signal: AbortSignal.timeout(600_000),
  });
  return { status: res.status, text: await res.text() };
}

function offsetsBody(n: number): string {
  return JSON.stringify({ offsets: Array.from({ length: n }, (_, i) => ({ partition: { table: `t${i}` }, offset: { id: i, ts: 1_700_000_000_000 + i } })) });
}

async function run(mode: 'distributed' | 'standalone'): Promise<Array<Record<string, string | number>>> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-offsets-'));
  const group = unique('bench_offsets');
  const worker: Record<string, string> =
    mode === 'distributed'
      ? {
          'group.id': group,
          'nats.url': NATS,
          'bootstrap.servers': KAFKA,
          'offset.storage.topic': unique('bench_offsets_topic'),
          'offset.storage.partitions': '5',
          'offset.storage.replication.factor': '1',
          'config.storage.topic': 'unused',
          'status.storage.topic': 'unused',
          listeners: 'http://127.0.0.1:0',
          'session.timeout.ms': '10000',
          'heartbeat.interval.ms': '3000',
        }
      : { listeners: 'http://127.0.0.1:0', 'offset.storage.file.filename': join(dir, 'offsets') };
  const herder: RestHerder & { start(): Promise<void>; stop(): Promise<void> } =
    mode === 'distributed' ? new DistributedHerder({ worker }) : new StandaloneHerder({ worker });
  await herder.start();
  const rest = await RestServer.start({ herder });
  const base = rest.urls[0]!;
  const rows: Array<Record<string, string | number>> = [];
  try {
    const created = await request(base, 'POST', '/connectors', JSON.stringify({
      name: 'bench',
      config: { 'connector.class': 'io.sluice.connect.datagen.DatagenConnector', 'kafka.topic': 'bench', quickstart: 'users' },
      initial_state: 'STOPPED',
    }));
    if (created.status !== 201) throw new Error(`create: ${created.status} ${created.text}`);
    const idle = await measure(() => new Promise((r) => setTimeout(r, 2000)));
    rows.push({ mode, request: 'none (2 s idle)', partitions: 0, status: '-', 'wall ms': idle.ms, 'max loop delay ms': idle.maxDelayMs, 'max tick gap ms': idle.maxGapMs });
    const body = offsetsBody(PARTITIONS);
    const patch = await measure(() => request(base, 'PATCH', '/connectors/bench/offsets', body));
    rows.push({ mode, request: 'PATCH offsets', partitions: PARTITIONS, status: patch.result.status, 'wall ms': patch.ms, 'max loop delay ms': patch.maxDelayMs, 'max tick gap ms': patch.maxGapMs });
    if (patch.result.status !== 200) console.log(patch.result.text.slice(0, 500));
    const get = await measure(() => request(base, 'GET', '/connectors/bench/offsets'));
    // Counted after the measurement: parsing the answer is the client's work.
    const count = get.result.status === 200 ? (JSON.parse(get.result.text) as { offsets: unknown[] }).offsets.length : -1;
    rows.push({ mode, request: 'GET offsets', partitions: count, status: get.result.status, 'wall ms': get.ms, 'max loop delay ms': get.maxDelayMs, 'max tick gap ms': get.maxGapMs });
    const del = await measure(() => request(base, 'DELETE', '/connectors/bench/offsets'));
    rows.push({ mode, request: 'DELETE offsets', partitions: count, status: del.result.status, 'wall ms': del.ms, 'max loop delay ms': del.maxDelayMs, 'max tick gap ms': del.maxGapMs });
  } finally {
    await rest.stop();
    await herder.stop();
    rmSync(dir, { recursive: true, force: true });
    if (mode === 'distributed') {
      const nc = await connectNats({ nats: NATS, name: 'bench-cleanup' });
      for (const b of Object.values(bucketsOf(group))) await deleteBucket(nc, b);
      await nc.close();
    }
  }
  return rows;
}

const rows: Array<Record<string, string | number>> = [];
for (const mode of ['distributed', 'standalone'] as const) {
  if (MODE === 'both' || MODE === mode) rows.push(...(await run(mode)));
}
table(rows);
process.exit(0);
