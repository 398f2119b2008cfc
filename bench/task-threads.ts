/**
 * Tasks on worker threads (`sluice.task.threads`): does `tasks.max=2` use the second core? Each case is a
 * `sluice run` process (bin/sluice.js, as a user runs it), alternately A/B over the rounds:
 *
 * - in-process: datagen (orders) → JsonConverter (schemas on) → FileStreamSink, N records, the topic with 2
 *   partitions, source and sink at tasks.max 1 and 2, tasks on the main thread (`sluice.task.threads=0`, the
 *   in-process default) and on one thread per core. Two figures: the whole run (start-up and the end's quiet
 *   period included; wall and the process's CPU from /proc/<pid>/stat), and the steady rate, from the first line
 *   written to the last (CPU over the same window), which is what tasks.max and threads can change.
 * - Kafka sink: a topic of 2 partitions holding N JSON (schemas on) records → FileStreamSink at tasks.max 1 and 2,
 *   Sluice (threads, and threads=0) beside Java Kafka Connect 3.9.2 standalone on the same broker. Rate from the
 *   first line written to the last; CPU over the same window.
 *
 * Sluice runs compiled (dist/, as an installed package runs; `npm run build` first).
 *
 *   node --import tsx bench/task-threads.ts [records=300000]
 *   SLUICE_BENCH_ROUNDS=2 SLUICE_BENCH_ONLY=inprocess,kafka SLUICE_BENCH_KAFKA_RECORDS=1000000
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { availableParallelism, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { KAFKA_BROKERS, uniqueName } from '../test/support/services.js';
import { ensureConnectJars } from '../test/support/java-connect.js';
import { procCpuSeconds, spawnJavaConnectStandalone, stopChild } from './process-support.js';
import { countArg, table } from './pipeline-support.js';
import { JsonConverter } from '../src/converters/json/json-converter.js';
import { DatagenTask } from '../src/connectors/datagen/datagen-task.js';
import { sourceTaskHarness } from '../src/testing/index.js';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));
const total = countArg(2, 300_000);
const kafkaTotal = Number(process.env.SLUICE_BENCH_KAFKA_RECORDS ?? 1_000_000);
const rounds = Number(process.env.SLUICE_BENCH_ROUNDS ?? 2);
const only = (process.env.SLUICE_BENCH_ONLY ?? 'inprocess,kafka').split(',');
if (!existsSync(join(REPO, 'dist', 'cli', 'main.js'))) throw new Error('no dist/: npm run build first');
const dir = join(tmpdir(), uniqueName('bench_threads'));
mkdirSync(dir, { recursive: true });

const JSON_SCHEMAS = {
  'key.converter': 'org.apache.kafka.connect.json.JsonConverter', 'key.converter.schemas.enable': true,
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': true,
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Lines in a file that grows: counts only the bytes added since the last call. */
class LineCounter {
  #at = 0;
  lines = 0;
  constructor(readonly path: string) {}
  update(): number {
    if (!existsSync(this.path)) return 0;
    const size = statSync(this.path).size;
    if (size <= this.#at) return this.lines;
    const fd = openSync(this.path, 'r');
    const buf = Buffer.allocUnsafe(Math.min(size - this.#at, 64 << 20));
    try {
      while (this.#at < size) {
        const n = readSync(fd, buf, 0, Math.min(buf.length, size - this.#at), this.#at);
        for (let i = 0; i < n; i++) if (buf[i] === 10) this.lines++;
        this.#at += n;
      }
    } finally {
      closeSync(fd);
    }
    return this.lines;
  }
}

interface Sample {
  readonly seconds: number;
  readonly cpu: number;
  readonly peakRssMiB?: number;
  /** In-process: from the first line written to the last (`seconds` and `cpu` are the whole run's). */
  readonly steady?: { readonly seconds: number; readonly cpu: number };
}

function peakRss(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

function sluice(file: string, extra: string[] = []): ChildProcess {
  return spawn(process.execPath, [join(REPO, 'bin', 'sluice.js'), 'run', file, '--no-rest', '--view', 'json', '--log-level', 'warn', ...extra], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, SLUICE_USE_DIST: '1' },
  });
}

/** In-process: the whole `sluice run` of a bounded pipeline, start to exit. */
async function inProcess(tasks: number, threads: number, round: number): Promise<Sample> {
  const out = join(dir, `inproc-${tasks}-${threads}-${round}.jsonl`);
  const file = join(dir, `inproc-${tasks}-${threads}-${round}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      worker: { ...JSON_SCHEMAS, 'sluice.task.threads': threads },
      connectors: [
        {
          name: 'gen',
          config: {
            'connector.class': 'datagen', 'kafka.topic': 'orders', quickstart: 'orders', 'max.records': total, 'random.seed': 1, 'tasks.max': tasks,
            'topic.creation.default.partitions': 2, 'topic.creation.default.replication.factor': 1,
          },
        },
        { name: 'out', config: { 'connector.class': 'FileStreamSink', topics: 'orders', file: out, 'tasks.max': tasks } },
      ],
    }),
  );
  const t0 = performance.now();
  const child = sluice(file);
  const counter = new LineCounter(out);
  let cpu = 0;
  let rss = 0;
  let first: { at: number; cpu: number; lines: number } | null = null;
  let last: { at: number; cpu: number } | null = null;
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  while (child.exitCode === null) {
    cpu = procCpuSeconds(child.pid!) ?? cpu;
    rss = peakRss(child.pid!) ?? rss;
    const lines = counter.update();
    if (!first && lines > 0) first = { at: performance.now(), cpu, lines };
    if (!last && lines === total) last = { at: performance.now(), cpu };
    await Promise.race([sleep(20), exited]);
  }
  const seconds = (performance.now() - t0) / 1000;
  const code = await exited;
  const lines = counter.update();
  if (code !== 0 || lines !== total) throw new Error(`in-process tasks.max=${tasks} threads=${threads}: exit ${code}, ${lines} of ${total} lines`);
  last ??= { at: performance.now(), cpu };
  // Scaled to all records: the lines before the first sample were written before the window opened.
  const scale = first && first.lines < total ? total / (total - first.lines) : NaN;
  const steady = first ? { seconds: ((last.at - first.at) / 1000) * scale, cpu: (last.cpu - first.cpu) * scale } : undefined;
  return { seconds, cpu, peakRssMiB: rss, ...(steady ? { steady } : {}) };
}

const kafka = new kafkajs.Kafka({ brokers: KAFKA_BROKERS, logLevel: kafkajs.logLevel.NOTHING });

/** A topic of 2 partitions with `kafkaTotal` datagen orders as JsonConverter (schemas on) bytes. */
async function filledTopic(): Promise<string> {
  const topic = uniqueName('bench_threads_sink');
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 2, replicationFactor: 1 }] });
  await admin.disconnect();
  const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  await producer.connect();
  const task = await sourceTaskHarness(DatagenTask, { 'kafka.topic': topic, quickstart: 'orders', 'max.records': kafkaTotal, 'random.seed': 1, 'batch.size': 1000, 'datagen.task.id': 0, 'datagen.task.count': 1 });
  const key = new JsonConverter();
  key.configure({ 'schemas.enable': 'true' }, true);
  const value = new JsonConverter();
  value.configure({ 'schemas.enable': 'true' }, false);
  for (let records = await task.poll(); records && records.length > 0; records = await task.poll()) {
    await producer.send({
      topic,
      messages: records.map((r) => {
        const k = key.fromConnectData(topic, r.keySchema, r.key);
        return { key: k ? Buffer.from(k) : null, value: Buffer.from(value.fromConnectData(topic, r.valueSchema, r.value)!) };
      }),
    });
  }
  await producer.disconnect();
  return topic;
}

/** Waits for the first line, then for all; CPU of `pid` over the same window. */
async function watchLines(out: string, child: ChildProcess): Promise<Sample> {
  const counter = new LineCounter(out);
  const deadline = Date.now() + 900_000;
  const alive = () => {
    if (child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode} before ${out} had ${kafkaTotal} lines`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${kafkaTotal} lines in ${out}`);
  };
  while (counter.update() === 0) {
    alive();
    await sleep(20);
  }
  const t0 = performance.now();
  const c0 = procCpuSeconds(child.pid!)!;
  const n0 = counter.lines;
  while (counter.update() < kafkaTotal) {
    alive();
    await sleep(20);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = procCpuSeconds(child.pid!)! - c0;
  const scale = kafkaTotal / (kafkaTotal - n0);
  return { seconds: seconds * scale, cpu: cpu * scale, peakRssMiB: peakRss(child.pid!) ?? 0 };
}

async function kafkaSluice(topic: string, tasks: number, threads: number | null, round: number): Promise<Sample> {
  const out = join(dir, `ksink-sluice-${tasks}-${threads}-${round}.jsonl`);
  const file = join(dir, `ksink-sluice-${tasks}-${threads}-${round}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      worker: { 'bootstrap.servers': KAFKA_BROKERS.join(','), ...JSON_SCHEMAS, ...(threads === null ? {} : { 'sluice.task.threads': threads }), 'offset.flush.interval.ms': 10000 },
      connectors: [{ name: uniqueName('bench-sink'), config: { 'connector.class': 'FileStreamSink', topics: topic, file: out, 'tasks.max': tasks } }],
    }),
  );
  const child = sluice(file, ['--keep-running']);
  try {
    return await watchLines(out, child);
  } finally {
    await stopChild(child);
  }
}

async function kafkaJava(topic: string, tasks: number, round: number): Promise<Sample> {
  const out = join(dir, `ksink-java-${tasks}-${round}.jsonl`);
  const worker = join(dir, `java-worker-${tasks}-${round}.properties`);
  const connector = join(dir, `java-connector-${tasks}-${round}.properties`);
  writeFileSync(
    worker,
    [
      `bootstrap.servers=${KAFKA_BROKERS.join(',')}`,
      ...Object.entries(JSON_SCHEMAS).map(([k, v]) => `${k}=${v}`),
      `offset.storage.file.filename=${join(dir, `java-offsets-${tasks}-${round}`)}`,
      'offset.flush.interval.ms=10000',
      'listeners=http://127.0.0.1:0',
    ].join('\n') + '\n',
  );
  writeFileSync(connector, [`name=${uniqueName('bench-java-sink')}`, 'connector.class=org.apache.kafka.connect.file.FileStreamSinkConnector', `tasks.max=${tasks}`, `topics=${topic}`, `file=${out}`].join('\n') + '\n');
  const child = spawnJavaConnectStandalone(dir, worker, connector, 'ignore');
  try {
    return await watchLines(out, child);
  } finally {
    await stopChild(child);
  }
}

const results = new Map<string, Sample[]>();
const note = (name: string, s: Sample) => {
  if (!results.has(name)) results.set(name, []);
  results.get(name)!.push(s);
  const steady = s.steady ? `; steady ${s.steady.seconds.toFixed(2)} s, ${s.steady.cpu.toFixed(2)} s CPU` : '';
  console.error(`${name}: ${s.seconds.toFixed(2)} s, ${s.cpu.toFixed(2)} s CPU${steady}`);
};

if (only.includes('inprocess')) {
  // In-process workers run tasks on the main thread by default: the threaded cases ask for one thread per core.
  const cores = availableParallelism();
  const cases: Array<[number, number]> = [[1, 0], [2, 0], [1, cores], [2, cores]];
  for (let round = 0; round < rounds; round++) {
    for (const [tasks, threads] of round % 2 === 0 ? cases : [...cases].reverse()) {
      note(`in-process tasks.max=${tasks} ${threads === 0 ? 'single thread (threads=0, the default)' : `task threads (${threads})`}`, await inProcess(tasks, threads, round));
    }
  }
}

if (only.includes('kafka')) {
  ensureConnectJars();
  const topic = await filledTopic();
  const cases: Array<['java' | 'sluice', number, number | null]> = [['java', 1, null], ['sluice', 1, null], ['java', 2, null], ['sluice', 2, null], ['sluice', 2, 0]];
  for (let round = 0; round < rounds; round++) {
    for (const [who, tasks, threads] of round % 2 === 0 ? cases : [...cases].reverse()) {
      const name = `Kafka sink tasks.max=${tasks} ${who === 'java' ? 'Java Kafka Connect 3.9.2' : threads === 0 ? 'Sluice, threads=0' : 'Sluice, task threads'}`;
      note(name, who === 'java' ? await kafkaJava(topic, tasks, round) : await kafkaSluice(topic, tasks, threads, round));
    }
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** records/s of a case at its median: over the steady window where there is one, else over `seconds`. */
const rateOf = (name: string, n: number, steady: boolean) => {
  const s = results.get(name);
  return s ? n / median(s.map((x) => (steady && x.steady ? x.steady.seconds : x.seconds))) : NaN;
};
const vsOne = (name: string, n: number, steady: boolean) => {
  const one = name.replace('tasks.max=2', 'tasks.max=1');
  return name.includes('tasks.max=2') && results.has(one) ? Number((rateOf(name, n, steady) / rateOf(one, n, steady)).toFixed(2)) : '';
};
const inProcessRows: Array<Record<string, string | number>> = [];
const kafkaRows: Array<Record<string, string | number>> = [];
for (const [name, samples] of results) {
  const peak = Math.round(median(samples.map((s) => s.peakRssMiB ?? 0)));
  if (name.startsWith('in-process')) {
    const steady = samples.flatMap((s) => (s.steady ? [s.steady] : []));
    inProcessRows.push({
      path: name,
      records: total,
      'whole run s': Number(median(samples.map((s) => s.seconds)).toFixed(2)),
      'whole run records/s': Math.round(rateOf(name, total, false)),
      'whole run vs tasks.max=1': vsOne(name, total, false),
      'whole run CPU s': Number(median(samples.map((s) => s.cpu)).toFixed(2)),
      'steady records/s': Math.round(rateOf(name, total, true)),
      'steady vs tasks.max=1': vsOne(name, total, true),
      'steady CPU µs/record': steady.length ? Number(((median(steady.map((s) => s.cpu)) * 1e6) / total).toFixed(1)) : '',
      'peak RSS MiB': peak,
      runs: samples.map((s) => `${s.seconds.toFixed(1)}${s.steady ? ` (${s.steady.seconds.toFixed(1)})` : ''}`).join(' / '),
    });
  } else {
    const seconds = median(samples.map((s) => s.seconds));
    kafkaRows.push({
      path: name,
      records: kafkaTotal,
      'seconds (median)': Number(seconds.toFixed(2)),
      'records/s': Math.round(kafkaTotal / seconds),
      'CPU µs/record': Number(((median(samples.map((s) => s.cpu)) * 1e6) / kafkaTotal).toFixed(1)),
      'vs tasks.max=1': vsOne(name, kafkaTotal, false),
      'peak RSS MiB': peak,
      runs: samples.map((s) => s.seconds.toFixed(1)).join(' / '),
    });
  }
}
if (inProcessRows.length) table(inProcessRows);
if (kafkaRows.length) table(kafkaRows);
process.exit(0);
