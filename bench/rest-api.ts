/**
 * REST API benchmarks, in-process (no broker needed), each beside a baseline in the same run:
 *
 * 1. Requests/s of `GET /connectors?expand=status` with 100 connectors (datagen, paused: one task each), beside a
 *    bare node:http "hello" handler and a bare node:http handler sending a precomputed body of the same size.
 *    The load comes from a worker thread (its own event loop) over keep-alive connections.
 * 2. What a Prometheus scrape of /metrics every second costs the data path: records/s of a datagen → FileStreamSink
 *    in-process pipeline with no scraping, a scrape every second, and (to make the cost visible) 20 scrapes/s.
 *    Runs alternate so drift hits every variant alike.
 *
 *   node --import tsx bench/rest-api.ts [seconds-per-load-run=5] [records-per-pipeline-run=200000]
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { StandaloneHerder } from '../src/worker/standalone-herder.js';
import { RestServer } from '../src/rest/index.js';
import { countArg, table } from './pipeline-support.js';

const seconds = countArg(2, 5);
const records = countArg(3, 200_000);
const CONNECTORS = 100;
const CONCURRENCY = 8;

// ---------------------------------------------------------------------------------------------- load generator

/** Runs in a worker thread: keep-alive GETs with N in flight for `ms`; reports requests, errors, latencies. */
const LOAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { url, ms, concurrency, headers } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const u = new URL(url);
const lat = [];
let done = 0, errors = 0, bytes = 0;
const end = Date.now() + ms;
function one() {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, agent, headers }, (res) => {
      let n = 0;
      res.on('data', (c) => (n += c.length));
      res.on('end', () => {
        if (res.statusCode === 200) { done++; bytes = n; lat.push(Number(process.hrtime.bigint() - t0) / 1e6); } else errors++;
        resolve();
      });
    });
    req.on('error', () => { errors++; resolve(); });
    req.end();
  });
}
async function loop() { while (Date.now() < end) await one(); }
const t0 = Date.now();
Promise.all(Array.from({ length: concurrency }, loop)).then(() => {
  lat.sort((a, b) => a - b);
  const q = (p) => lat.length ? lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] : NaN;
  parentPort.postMessage({ done, errors, bytes, seconds: (Date.now() - t0) / 1000, p50: q(0.5), p99: q(0.99) });
  agent.destroy();
});
`;

interface LoadResult {
  done: number;
  errors: number;
  bytes: number;
  seconds: number;
  p50: number;
  p99: number;
}

/** A short warm-up of the target (JIT, connections), then the measured run. */
async function measure(url: string, ms: number): Promise<LoadResult> {
  await runLoad(url, 500);
  return runLoad(url, ms);
}

function runLoad(url: string, ms: number, concurrency = CONCURRENCY): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(LOAD_SOURCE, { eval: true, workerData: { url, ms, concurrency, headers: {} } });
    w.once('message', (m: LoadResult) => resolve(m));
    w.once('error', reject);
  });
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

const close = (server: Server) => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); });

const row = (what: string, r: LoadResult) => ({
  endpoint: what,
  'requests/s': Math.round(r.done / r.seconds),
  'p50 ms': r.p50.toFixed(2),
  'p99 ms': r.p99.toFixed(2),
  'body bytes': r.bytes,
  errors: r.errors,
});

// ---------------------------------------------------------------------------------------------- 1. request rate

async function requestRates(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-rest-'));
  const herder = new StandaloneHerder({ worker: { listeners: 'http://127.0.0.1:0' } });
  await herder.start();
  const rest = await RestServer.start({ herder });
  const base = rest.urls[0]!;
  for (let i = 0; i < CONNECTORS; i++) {
    await herder.addConnector(`gen-${String(i).padStart(3, '0')}`, {
      'connector.class': 'datagen', 'kafka.topic': `t${i}`, 'records.per.second': '1',
    });
  }
  // Wait until every connector runs its task, then pause them all: 100 connectors, 100 paused tasks, no records.
  for (;;) {
    const running = herder.connectors().filter((c) => herder.connectorStatus(c).tasks[0]?.state === 'RUNNING').length;
    if (running === CONNECTORS) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  for (const c of herder.connectors()) await herder.pauseConnector(c);
  const statusBody = await (await fetch(`${base}/connectors?expand=status`)).text();

  const hello = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"hello":"world"}');
  });
  const helloUrl = await listen(hello);
  const same = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(statusBody)) });
    res.end(statusBody);
  });
  const sameUrl = await listen(same);

  const ms = seconds * 1000;
  const rows = [
    row('bare node:http, {"hello":"world"} (baseline)', await measure(helloUrl, ms)),
    row('bare node:http, the same status body precomputed (baseline)', await measure(sameUrl, ms)),
    row(`GET /connectors?expand=status (${CONNECTORS} connectors)`, await measure(`${base}/connectors?expand=status`, ms)),
    row('GET /connectors', await measure(`${base}/connectors`, ms)),
    row('GET /connectors/gen-042/status', await measure(`${base}/connectors/gen-042/status`, ms)),
    row(`GET /metrics (${CONNECTORS} connectors)`, await measure(`${base}/metrics`, ms)),
  ];
  console.log(`\nREST request rate: ${CONCURRENCY} keep-alive connections from a worker thread, ${seconds} s per row, Node ${process.version}`);
  table(rows);
  await close(hello);
  await close(same);
  await rest.stop();
  await herder.stop();
  rmSync(dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------- 2. scrape cost

async function pipelineRun(scrapesPerSecond: number): Promise<{ seconds: number; scrapes: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-scrape-'));
  const herder = new StandaloneHerder({
    worker: { listeners: 'http://127.0.0.1:0', 'value.converter': 'json', 'value.converter.schemas.enable': 'false' },
  });
  await herder.start();
  const rest = await RestServer.start({ herder });
  const base = rest.urls[0]!;
  await herder.addConnector('out', { 'connector.class': 'FileStreamSink', topics: 'orders', file: join(dir, 'out.jsonl') });
  const t0 = performance.now();
  await herder.addConnector('gen', {
    'connector.class': 'datagen', 'kafka.topic': 'orders', 'max.records': String(records), 'random.seed': '1',
  });
  let scrapes = 0;
  let scraping = true;
  const scraper = (async () => {
    if (scrapesPerSecond === 0) return;
    const every = 1000 / scrapesPerSecond;
    let next = performance.now() + every;
    while (scraping) {
      await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
      next += every;
      if (!scraping) break;
      await (await fetch(`${base}/metrics`)).text();
      scrapes++;
    }
  })();
  for (;;) {
    const put = herder.progress().find((p) => p.connector === 'out')?.metrics?.recordsWritten ?? 0;
    if (put >= records) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const s = (performance.now() - t0) / 1000;
  scraping = false;
  await scraper;
  await rest.stop();
  await herder.stop();
  rmSync(dir, { recursive: true, force: true });
  return { seconds: s, scrapes };
}

async function scrapeCost(): Promise<void> {
  const variants = [0, 1, 20];
  const results = new Map<number, Array<{ seconds: number; scrapes: number }>>(variants.map((v) => [v, []]));
  await pipelineRun(0); // warm-up (JIT)
  for (let round = 0; round < 3; round++) {
    for (const v of round % 2 === 0 ? variants : [...variants].reverse()) results.get(v)!.push(await pipelineRun(v));
  }
  const base = median(results.get(0)!.map((r) => records / r.seconds));
  const rows = variants.map((v) => {
    const rates = results.get(v)!.map((r) => records / r.seconds);
    const med = median(rates);
    return {
      scraping: v === 0 ? 'none (baseline)' : `GET /metrics ${v}×/s`,
      'records/s (median of 3)': Math.round(med),
      'runs records/s': rates.map((x) => Math.round(x)).join(' / '),
      scrapes: results.get(v)!.reduce((s, r) => s + r.scrapes, 0),
      'vs baseline': v === 0 ? '—' : `${(((med - base) / base) * 100).toFixed(1)}%`,
    };
  });
  console.log(`\nData path cost of scraping: datagen → FileStreamSink in-process, ${records} records per run, runs alternated`);
  table(rows);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

await requestRates();
await scrapeCost();
