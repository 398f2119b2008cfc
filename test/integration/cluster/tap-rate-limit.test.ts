// A distributed worker (NATS + the real broker) with the operations features of a standalone one: a connector's
// rate limit holds and is counted in /metrics, and the REST tap shows the records of the tasks it runs, redacted,
// also as the bytes it sends to the broker.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { KAFKA_BROKERS, NATS_URL, uniqueName } from '../../support/services.js';
import { freePort } from '../../support/ports.js';
import { DistributedHerder } from '../../../src/cluster/distributed-herder.js';
import { RestServer } from '../../../src/rest/index.js';
import { bucketsOf } from '../../../src/cluster/keys.js';
import { connectNats, deleteBucket } from '../../../src/cluster/nats.js';

const group = uniqueName('tap-rate');
let herder: DistributedHerder | undefined;
let rest: RestServer | undefined;
after(async () => {
  await rest?.stop();
  await herder?.stop().catch(() => {});
  const nc = await connectNats({ nats: NATS_URL, name: 'cleanup' });
  for (const b of Object.values(bucketsOf(group))) await deleteBucket(nc, b);
  await nc.close();
});

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await Promise.resolve().then(fn).catch(() => undefined); // not there yet: the cluster state follows
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('sluice.rate.limit.* and the REST tap on a distributed worker', { timeout: 120_000 }, async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  herder = new DistributedHerder({
    worker: {
      'group.id': group,
      'nats.url': NATS_URL,
      'bootstrap.servers': KAFKA_BROKERS.join(','),
      'offset.storage.topic': uniqueName('tap_rate_offsets'),
      'offset.storage.partitions': '1',
      'offset.storage.replication.factor': '1',
      'config.storage.topic': 'ignored-configs',
      'status.storage.topic': 'ignored-status',
      listeners: base,
      'offset.flush.interval.ms': '500',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
    },
  });
  await herder.start();
  rest = await RestServer.start({ herder });
  const topic = uniqueName('tap-rate');
  await herder.addConnector('limited', {
    'connector.class': 'datagen', 'kafka.topic': topic, quickstart: 'orders', 'random.seed': '3', 'batch.size': '20',
    'sluice.rate.limit.records.per.second': '100', 'sluice.tap.redact.fields': 'customer_id',
  });
  await until('the task running', () => herder!.connectorStatus('limited').tasks[0]?.state === 'RUNNING');

  const tap = await (await fetch(`${base}/connectors/limited/tap?limit=3`)).text();
  const records = tap.split('\n\n').filter((b) => b.startsWith('event: record')).map((b) => JSON.parse(b.split('\ndata: ')[1]!) as { value: Record<string, unknown> });
  assert.equal(records.length, 3);
  for (const r of records) assert.equal(r.value['customer_id'], '[redacted]');
  // As bytes for the broker: the JsonConverter's text, redacted the same way.
  const bytes = (await (await fetch(`${base}/connectors/limited/tap?limit=2&stage=bytes`)).text())
    .split('\n\n')
    .filter((b) => b.startsWith('event: record'))
    .map((b) => JSON.parse(b.split('\ndata: ')[1]!) as { topic: string; value: { size: number; text: string } });
  assert.equal(bytes.length, 2);
  for (const b of bytes) {
    assert.equal(b.topic, topic);
    const value = JSON.parse(b.value.text) as Record<string, unknown>;
    assert.equal(value['customer_id'], '[redacted]');
    assert.equal(typeof value['order_id'], 'number');
  }

  const started = Date.now();
  const polledAt = (herder.progress()[0]?.metrics?.recordsPolled ?? 0);
  await new Promise((r) => setTimeout(r, 3000));
  const polled = (herder.progress()[0]?.metrics?.recordsPolled ?? 0) - polledAt;
  const seconds = (Date.now() - started) / 1000;
  assert.ok(polled <= seconds * 100 + 100 + 20, `${polled} records in ${seconds.toFixed(1)} s at 100/s`);
  assert.ok(polled >= 100, `${polled} records in ${seconds.toFixed(1)} s`);
  const metrics = await (await fetch(`${base}/metrics`)).text();
  const throttled = /sluice_task_throttle_time_ms_total\{[^}]*connector="limited"[^}]*\} (\S+)/.exec(metrics);
  assert.ok(throttled && Number(throttled[1]) > 1000, `throttle time in /metrics: ${throttled?.[1]}`);
});
