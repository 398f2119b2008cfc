// Tracing on a distributed worker (NATS + the real broker), with the SDK's in-memory exporter as the global
// provider: sluice.tracing.enabled in the worker config traces the tasks the group assigns to it — source stage
// spans, traceparent through Kafka, sink consume spans linked to the source produce spans.
// (In cluster/ for the test runner's NATS rule: processes-nats-restart must not run meanwhile.)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { KAFKA_BROKERS, NATS_URL, uniqueName } from '../../support/services.js';
import { freePort } from '../../support/ports.js';
import { DistributedHerder } from '../../../src/cluster/distributed-herder.js';
import { bucketsOf } from '../../../src/cluster/keys.js';
import { connectNats, deleteBucket } from '../../../src/cluster/nats.js';

const exporter = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));

const N = 200;
const group = uniqueName('tracing');
let herder: DistributedHerder | undefined;
after(async () => {
  await herder?.stop().catch(() => {});
  const nc = await connectNats({ nats: NATS_URL, name: 'cleanup' });
  for (const b of Object.values(bucketsOf(group))) await deleteBucket(nc, b);
  await nc.close();
});

async function until(what: string, check: () => boolean, timeoutMs = 90_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a distributed worker traces its tasks: source spans, traceparent through Kafka, sink spans linked', { timeout: 150_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-tracing-dist-'));
  const out = join(dir, 'orders.jsonl');
  const topic = uniqueName('traced-dist');
  herder = new DistributedHerder({
    worker: {
      'group.id': group,
      'nats.url': NATS_URL,
      'bootstrap.servers': KAFKA_BROKERS.join(','),
      'offset.storage.topic': uniqueName('tracing_offsets'),
      'offset.storage.partitions': '1',
      'offset.storage.replication.factor': '1',
      'config.storage.topic': 'ignored-configs',
      'status.storage.topic': 'ignored-status',
      listeners: `http://127.0.0.1:${await freePort()}`,
      'offset.flush.interval.ms': '500',
      'value.converter.schemas.enable': 'false',
      'sluice.tracing.enabled': 'true',
    },
  });
  await herder.start();
  await herder.addConnector('gen', { 'connector.class': 'datagen', 'kafka.topic': topic, 'max.records': String(N), 'batch.size': '100', 'random.seed': '9' });
  await herder.addConnector('out', { 'connector.class': 'FileStreamSink', topics: topic, file: out });
  const lines = () => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter((l) => l !== '').length : 0);
  await until(`${N} lines in the sink's file`, () => lines() >= N);
  await until('the sink put spans', () => exporter.getFinishedSpans().filter((s) => s.name === 'sluice.sink.put').reduce((n, s) => n + Number(s.attributes['messaging.batch.message_count']), 0) >= N);

  const spans = exporter.getFinishedSpans();
  const named = (name: string) => spans.filter((s) => s.name === name);
  const produce = named('sluice.source.produce');
  assert.equal(named('sluice.source.poll').length, N / 100);
  assert.equal(produce.length, N / 100);
  for (const s of produce) {
    assert.equal(s.attributes['sluice.connector'], 'gen');
    assert.equal(s.attributes['messaging.destination.name'], topic);
  }
  const consume = named('sluice.sink.consume');
  assert.ok(consume.length >= 1);
  for (const s of consume) assert.equal(s.attributes['sluice.connector'], 'out');
  const produced = new Set(produce.map((s) => `${s.spanContext().traceId}/${s.spanContext().spanId}`));
  const linked = new Set(consume.flatMap((s) => s.links.map((l) => `${l.context.traceId}/${l.context.spanId}`)));
  assert.deepEqual(linked, produced, 'every source batch is linked from the sink, through Kafka');
});
