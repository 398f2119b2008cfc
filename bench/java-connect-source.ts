/**
 * Source path against Java: Kafka Connect 3.9.2 standalone (jars from Maven Central, bench/java/pom.xml) and
 * `sluice run` each move the same file of N lines of 100 bytes through FileStreamSource + a converter into a
 * fresh topic on the test broker, alternately (A/B/A/B; the machine is shared) — beside the raw kafkajs producer
 * and Sluice's KafkaProducer sending the same bytes in the same batches (2000, FileStreamSource's batch.size).
 * Rate: from the first record landing to the last (topic end offsets polled every 20 ms), so start-up is left
 * out; CPU: the process's user+system time over the same window (/proc/<pid>/stat for both workers,
 * process.cpuUsage for the in-process producers).
 *
 *   node --import tsx bench/java-connect-source.ts [records=1000000]
 *   SLUICE_BENCH_ROUNDS=3 SLUICE_BENCH_PARTITIONS=1 SLUICE_BENCH_ONLY=java,sluice,kafkajs,producer
 *   SLUICE_BENCH_CONVERTER=string|json|json-schemas   the workers' key and value converter (default string;
 *                                                   the producers beside them send the file's bytes either way)
 *   SLUICE_BENCH_BASELINE=/path/to/other/checkout   adds `sluice run` of that checkout (e.g. a `git worktree` of an
 *                                                   older commit with node_modules linked) to the same rounds
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, createWriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { KafkajsProducer } from '../src/streams/kafka/kafkajs/producer.js';
import type { ProducerRecord } from '../src/streams/kafka/client.js';
import { KAFKA_BROKERS, uniqueName } from '../test/support/services.js';
import { ensureConnectJars } from '../test/support/java-connect.js';
import { procCpuSeconds, spawnJavaConnectStandalone, stopChild } from './process-support.js';
import { countArg, table } from './pipeline-support.js';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));
const total = countArg(2, Number(process.env.SLUICE_BENCH_RECORDS ?? 1_000_000));
const rounds = Number(process.env.SLUICE_BENCH_ROUNDS ?? 2);
const partitions = Number(process.env.SLUICE_BENCH_PARTITIONS ?? 1);
const baseline = process.env.SLUICE_BENCH_BASELINE;
const only = (process.env.SLUICE_BENCH_ONLY ?? 'java,sluice,kafkajs,producer').split(',').concat(baseline ? ['baseline'] : []);
const CONVERTERS: Record<string, Record<string, string>> = {
  string: { 'key.converter': 'org.apache.kafka.connect.storage.StringConverter', 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' },
  json: {
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter', 'key.converter.schemas.enable': 'false',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': 'false',
  },
  'json-schemas': {
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter', 'key.converter.schemas.enable': 'true',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': 'true',
  },
};
const converterName = process.env.SLUICE_BENCH_CONVERTER ?? 'string';
const converters = CONVERTERS[converterName];
if (!converters) throw new Error(`SLUICE_BENCH_CONVERTER: one of ${Object.keys(CONVERTERS).join(', ')}`);
const LINE = 100;
const BATCH = 2000;

const dir = join(tmpdir(), uniqueName('bench_connect'));
mkdirSync(dir, { recursive: true });
const input = join(dir, 'input.txt');
{
  const out = createWriteStream(input);
  const chunk: string[] = [];
  for (let n = 0; n < total; n++) {
    chunk.push(`line-${String(n).padStart(10, '0')}-`.padEnd(LINE - 1, 'x'));
    if (chunk.length === 10_000 || n === total - 1) {
      const ok = out.write(chunk.join('\n') + '\n');
      chunk.length = 0;
      if (!ok) await new Promise<void>((r) => out.once('drain', () => r()));
    }
  }
  await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())));
}

const kafka = new kafkajs.Kafka({ brokers: KAFKA_BROKERS, logLevel: kafkajs.logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();

async function freshTopic(prefix: string): Promise<string> {
  const topic = uniqueName(prefix);
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }] });
  return topic;
}

async function endOffsets(topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((n, o) => n + Number(o.high), 0);
}

interface Sample {
  readonly seconds: number;
  readonly cpu: number;
}

/** Waits for the first record, then for all; CPU of `pid` over the same window. */
async function watch(topic: string, cpu: () => number, child?: ChildProcess): Promise<Sample> {
  const deadline = Date.now() + 600_000;
  const alive = () => {
    if (child && child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode} before the topic had ${total} records`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${total} records in ${topic}`);
  };
  let n = 0;
  while ((n = await endOffsets(topic)) === 0) {
    alive();
    await sleep(20);
  }
  const t0 = performance.now();
  const c0 = cpu();
  const n0 = n;
  while ((n = await endOffsets(topic)) < total) {
    alive();
    await sleep(20);
  }
  const seconds = (performance.now() - t0) / 1000;
  // Records that landed before t0 are not counted in the rate.
  return { seconds: (seconds * total) / (total - n0), cpu: ((cpu() - c0) * total) / (total - n0) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runJava(round: number): Promise<Sample> {
  const topic = await freshTopic('bench_java_src');
  const worker = join(dir, `java-worker-${round}.properties`);
  const connector = join(dir, `java-connector-${round}.properties`);
  writeFileSync(
    worker,
    [
      `bootstrap.servers=${KAFKA_BROKERS.join(',')}`,
      ...Object.entries(converters).map(([k, v]) => `${k}=${v}`),
      `offset.storage.file.filename=${join(dir, `java-offsets-${round}`)}`,
      'offset.flush.interval.ms=10000',
      'listeners=http://127.0.0.1:0',
    ].join('\n') + '\n',
  );
  writeFileSync(
    connector,
    ['name=bench-file-source', 'connector.class=org.apache.kafka.connect.file.FileStreamSourceConnector', 'tasks.max=1', `file=${input}`, `topic=${topic}`, `batch.size=${BATCH}`].join('\n') + '\n',
  );
  const child = spawnJavaConnectStandalone(dir, worker, connector);
  try {
    return await watch(topic, () => procCpuSeconds(child.pid!) ?? 0, child);
  } finally {
    await stopChild(child);
  }
}

async function runSluice(round: number, checkout = REPO): Promise<Sample> {
  const topic = await freshTopic('bench_sluice_src');
  const file = join(dir, `sluice-${round}-${checkout === REPO ? 'this' : 'baseline'}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      worker: {
        'bootstrap.servers': KAFKA_BROKERS.join(','),
        ...converters,
        'offset.storage.file.filename': `${file}.offsets`,
        'offset.flush.interval.ms': 10000,
      },
      connectors: [{ name: 'bench-file-source', config: { 'connector.class': 'FileStreamSource', 'tasks.max': 1, file: input, topic, 'batch.size': BATCH } }],
    }),
  );
  const child = spawn(process.execPath, [join(checkout, 'bin', 'sluice.js'), 'run', file, '--keep-running', '--no-rest', '--view', 'json', '--log-level', 'warn'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  try {
    return await watch(topic, () => procCpuSeconds(child.pid!) ?? 0, child);
  } finally {
    await stopChild(child);
  }
}

function lines(): Buffer[] {
  const text = readFileSync(input);
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === 10) {
      out.push(text.subarray(start, i));
      start = i + 1;
    }
  }
  return out;
}

async function inProcess(send: (topic: string, values: Buffer[]) => Promise<void>, prefix: string): Promise<Sample> {
  const values = lines();
  const topic = await freshTopic(prefix);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < values.length; i += BATCH) await send(topic, values.slice(i, i + BATCH));
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  if ((await endOffsets(topic)) !== total) throw new Error(`${prefix}: topic does not hold ${total} records`);
  return { seconds, cpu: (c.user + c.system) / 1e6 };
}

async function runKafkajs(): Promise<Sample> {
  const producer = kafka.producer({ maxInFlightRequests: 1, idempotent: false, createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    return await inProcess(async (topic, values) => {
      await producer.send({ topic, acks: -1, messages: values.map((value) => ({ key: null, value })) });
    }, 'bench_raw_kafkajs');
  } finally {
    await producer.disconnect();
  }
}

async function runProducer(): Promise<Sample> {
  const producer = new KafkajsProducer(new kafkajs.Kafka({ brokers: KAFKA_BROKERS, logLevel: kafkajs.logLevel.NOTHING }));
  await producer.connect();
  try {
    return await inProcess(async (topic, values) => {
      const records: ProducerRecord[] = values.map((value) => ({ topic, key: null, value, headers: [] }));
      await producer.send(records);
    }, 'bench_sluice_producer');
  } finally {
    await producer.disconnect();
  }
}

ensureConnectJars();
const runs: Record<string, Sample[]> = { java: [], sluice: [], baseline: [], kafkajs: [], producer: [] };
for (let round = 0; round < rounds; round++) {
  // A/B order alternates between rounds so neither side always runs first.
  const order = round % 2 === 0 ? ['java', 'sluice', 'baseline', 'kafkajs', 'producer'] : ['baseline', 'sluice', 'java', 'producer', 'kafkajs'];
  for (const which of order) {
    if (!only.includes(which)) continue;
    const s =
      which === 'java'
        ? await runJava(round)
        : which === 'sluice'
          ? await runSluice(round)
          : which === 'baseline'
            ? await runSluice(round, resolve(baseline!))
            : which === 'kafkajs'
              ? await runKafkajs()
              : await runProducer();
    runs[which]!.push(s);
    console.log(`round ${round + 1} ${which}: ${Math.round(total / s.seconds).toLocaleString('en-US')} records/s, ${((s.cpu * 1e6) / total).toFixed(1)} CPU s/M records`);
  }
}
await admin.disconnect();

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const rate = (k: string) => median(runs[k]!.map((s) => total / s.seconds));
const cpuPerM = (k: string) => median(runs[k]!.map((s) => (s.cpu * 1e6) / total));
const labels: Record<string, string> = {
  java: 'Kafka Connect 3.9.2 standalone, FileStreamSource → Kafka',
  sluice: 'sluice run, FileStreamSource → Kafka',
  baseline: `sluice run of ${baseline ?? ''}`,
  kafkajs: `raw kafkajs producer (sequential sends of ${BATCH})`,
  producer: `Sluice KafkaProducer (sequential sends of ${BATCH})`,
};
const rows = Object.keys(runs)
  .filter((k) => runs[k]!.length > 0)
  .map((k) => ({
    path: labels[k]!,
    'records/s (median)': Math.round(rate(k)),
    'vs Java Connect': runs.java!.length > 0 ? `${(rate(k) / rate('java')).toFixed(2)}×` : '-',
    'CPU s / M records': Number(cpuPerM(k).toFixed(1)),
    runs: runs[k]!.length,
  }));
console.log(`\n${total.toLocaleString('en-US')} lines of ${LINE} bytes, ${converterName} converter, ${partitions} partition(s), acks=all, Node ${process.version}, medians of ${rounds} interleaved rounds\n`);
table(rows);
