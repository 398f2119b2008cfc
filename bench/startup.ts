/**
 * Start-up: how long from the process start until the REST API answers and the connector is RUNNING, for the
 * same job (FileStreamSource → a Kafka topic, JsonConverter) on the same broker:
 * - Java Kafka Connect 3.9.2 standalone (ConnectStandalone), with its default plugin discovery and with
 *   `plugin.discovery=service_load`;
 * - `sluice run` from the compiled package (dist/, what `npm install sluice` runs) and from the sources
 *   through tsx (a checkout).
 * Each is started 3 times; the median is reported, with Sluice's ratio to Java.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connectClasspath, ensureConnectJars, log4jFile } from '../test/support/java-connect.js';

const REPO = resolve(import.meta.dirname, '..');
const BROKERS = process.env['SLUICE_BOOTSTRAP_SERVERS'] ?? '127.0.0.1:9092';
const RUNS = 3;

async function freePort(): Promise<number> {
  return new Promise((r) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => r(port));
    });
  });
}

/** Ms from spawn until GET / answers, and until the connector's status says RUNNING. */
async function timeStart(start: (port: number) => ChildProcess, port: number, connector: string): Promise<{ rest: number; running: number }> {
  const t0 = performance.now();
  const child = start(port);
  let rest = 0;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
      try {
        if (!rest) {
          const r = await fetch(`http://127.0.0.1:${port}/`);
          if (r.status === 200) rest = performance.now() - t0;
        }
        if (rest) {
          const s = await fetch(`http://127.0.0.1:${port}/connectors/${connector}/status`);
          if (s.status === 200 && ((await s.json()) as { connector: { state: string } }).connector.state === 'RUNNING') return { rest, running: performance.now() - t0 };
        }
      } catch {
        // not listening yet
      }
      if (performance.now() - t0 > 120_000) throw new Error('no answer within 120 s');
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(name: string, start: (port: number) => ChildProcess, connector: string): Promise<{ name: string; rest: number; running: number }> {
  const rests: number[] = [];
  const runnings: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await timeStart(start, await freePort(), connector);
    rests.push(r.rest);
    runnings.push(r.running);
  }
  return { name, rest: median(rests), running: median(runnings) };
}

const dir = mkdtempSync(join(tmpdir(), 'sluice-startup-'));
try {
  const input = join(dir, 'input.txt');
  writeFileSync(input, 'a\nb\nc\n');
  const topic = `startup_${process.pid}`;

  ensureConnectJars();
  const javaStart = (discovery: string | undefined) => (port: number) => {
    const worker = join(dir, `worker-${port}.properties`);
    writeFileSync(worker, [
      `bootstrap.servers=${BROKERS}`,
      'key.converter=org.apache.kafka.connect.json.JsonConverter',
      'value.converter=org.apache.kafka.connect.json.JsonConverter',
      `offset.storage.file.filename=${join(dir, `java-${port}.offsets`)}`,
      `listeners=http://127.0.0.1:${port}`,
      'plugin.path=',
      ...(discovery ? [`plugin.discovery=${discovery}`] : []),
    ].join('\n'));
    const connector = join(dir, `source-${port}.properties`);
    writeFileSync(connector, `name=source\nconnector.class=org.apache.kafka.connect.file.FileStreamSourceConnector\nfile=${input}\ntopic=${topic}\n`);
    return spawn('java', ['-Xmx512M', `-Dlog4j.configuration=file:${log4jFile(dir)}`, '-cp', connectClasspath(), 'org.apache.kafka.connect.cli.ConnectStandalone', worker, connector], { stdio: 'ignore' });
  };
  const sluiceStart = (compiled: boolean) => (port: number) => {
    const pipeline = join(dir, `pipeline-${port}.json`);
    writeFileSync(pipeline, JSON.stringify({
      worker: {
        'bootstrap.servers': BROKERS,
        'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
        'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
        'offset.storage.file.filename': join(dir, `sluice-${port}.offsets`),
        listeners: `http://127.0.0.1:${port}`,
      },
      connectors: [{ name: 'source', config: { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector', file: input, topic } }],
    }));
    return spawn(process.execPath, [join(REPO, 'bin', 'sluice.js'), 'run', pipeline, '--keep-running', '--view', 'json', '--log-level', 'warn'], {
      stdio: 'ignore',
      env: { ...process.env, ...(compiled ? { SLUICE_USE_DIST: '1' } : {}) },
    });
  };

  const build = spawnSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'ignore' });
  if (build.status !== 0) throw new Error('npm run build failed');

  const results = [
    await measure('Java Kafka Connect 3.9.2 standalone (default plugin discovery)', javaStart(undefined), 'source'),
    await measure('Java Kafka Connect 3.9.2 standalone (plugin.discovery=service_load)', javaStart('service_load'), 'source'),
    await measure('sluice run, compiled package (dist/)', sluiceStart(true), 'source'),
    await measure('sluice run, sources through tsx (checkout)', sluiceStart(false), 'source'),
  ];
  const java = results[0]!;
  console.log(`start-up, median of ${RUNS}: process start → REST answers → connector RUNNING (FileStreamSource → Kafka)`);
  console.log('| runtime | REST answers | connector RUNNING | REST vs Java default |');
  console.log('|---|---|---|---|');
  for (const r of results) {
    console.log(`| ${r.name} | ${(r.rest / 1000).toFixed(2)} s | ${(r.running / 1000).toFixed(2)} s | ${(r.rest / java.rest).toFixed(3)}× |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
