// `sluice worker` (a distributed worker as a child process, NATS + Kafka) with OTEL_TRACES_EXPORTER=otlp pointing at
// a local OTLP/HTTP receiver: the connectors created over REST are traced, and the spans still buffered are
// exported when SIGTERM stops the worker. (In cluster/ for the test runner's NATS rule.)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KAFKA_BROKERS, NATS_URL, uniqueName } from '../../support/services.js';
import { freePort } from '../../support/ports.js';
import { sluiceArgs } from '../../support/processes.js';
import { bucketsOf } from '../../../src/cluster/keys.js';
import { connectNats, deleteBucket } from '../../../src/cluster/nats.js';
import { OtlpReceiver } from '../tracing/otlp-receiver.js';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const N = 200;
const group = uniqueName('tracing-worker');
let receiver: OtlpReceiver | undefined;
after(async () => {
  await receiver?.close();
  const nc = await connectNats({ nats: NATS_URL, name: 'cleanup' });
  for (const b of Object.values(bucketsOf(group))) await deleteBucket(nc, b);
  await nc.close();
});

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await Promise.resolve().then(check).catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('sluice worker exports the spans of the tasks it runs to OTEL_EXPORTER_OTLP_ENDPOINT', { timeout: 150_000 }, async () => {
  receiver = await OtlpReceiver.start();
  const dir = mkdtempSync(join(tmpdir(), 'sluice-tracing-worker-'));
  const port = await freePort();
  const config = join(dir, 'worker.json');
  writeFileSync(config, JSON.stringify({
    'group.id': group,
    'nats.url': NATS_URL,
    'bootstrap.servers': KAFKA_BROKERS.join(','),
    'offset.storage.topic': uniqueName('tracing_worker_offsets'),
    'offset.storage.partitions': 1,
    'offset.storage.replication.factor': 1,
    listeners: `http://127.0.0.1:${port}`,
    'offset.flush.interval.ms': 500,
    'value.converter.schemas.enable': false,
  }));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_')));
  const child = spawn(process.execPath, sluiceArgs(['worker', config]), {
    cwd: ROOT,
    env: { ...env, OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.endpoint}/v1/traces`, OTEL_SERVICE_NAME: 'sluice-worker-it' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (log += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (log += d));
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  try {
    const base = `http://127.0.0.1:${port}`;
    await until('the REST API', async () => (await fetch(`${base}/connectors`).catch(() => null))?.status === 200);
    const topic = uniqueName('traced-worker');
    const out = join(dir, 'orders.jsonl');
    const create = async (name: string, cfg: Record<string, string>) => {
      const r = await fetch(`${base}/connectors`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, config: cfg }) });
      assert.equal(r.status, 201, await r.text());
    };
    await create('gen', { 'connector.class': 'datagen', 'kafka.topic': topic, 'max.records': String(N), 'batch.size': '100', 'random.seed': '4' });
    await create('out', { 'connector.class': 'FileStreamSink', topics: topic, file: out });
    const lines = () => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter((l) => l !== '').length : 0);
    await until(`${N} lines in the sink's file`, () => lines() >= N);
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, log);
  assert.match(log, /"msg":"tracing on"/);

  const produce = receiver.named('sluice.source.produce');
  assert.equal(produce.length, N / 100);
  for (const s of produce) {
    assert.equal(s.resource['service.name'], 'sluice-worker-it');
    assert.equal(s.attributes['sluice.connector'], 'gen');
  }
  const put = receiver.named('sluice.sink.put');
  assert.equal(put.reduce((n, s) => n + Number(s.attributes['messaging.batch.message_count']), 0), N, 'every put exported, the last at the stop');
  const produced = new Set(produce.map((s) => `${s.traceId}/${s.spanId}`));
  const linked = new Set(receiver.named('sluice.sink.consume').flatMap((s) => s.links.map((l) => `${l.traceId}/${l.spanId}`)));
  assert.deepEqual(linked, produced);
});
