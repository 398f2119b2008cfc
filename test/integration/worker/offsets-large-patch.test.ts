/**
 * `sluice worker`: a PATCH of 100,000 source partitions' offsets keeps the event loop turning, so the worker's
 * heartbeats (every 300 ms, watched in the group's members bucket) go on and it never fences itself.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { NATS_URL } from '../../support/services.js';
import { bucketsOf } from '../../../src/cluster/keys.js';
import { connectNats, openBucket } from '../../../src/cluster/nats.js';
import { TestCluster, until } from '../cluster/support/cluster.js';

const cluster = new TestCluster({ delayMs: 1000, sessionTimeoutMs: 3000, heartbeatIntervalMs: 300 });
after(() => cluster.stop());

test('PATCH /connectors/{c}/offsets with 100,000 partitions does not starve the heartbeats', { timeout: 180_000 }, async () => {
  const [w] = await cluster.start(1);
  const base = `http://127.0.0.1:${w!.port}`;
  const created = await fetch(`${base}/connectors`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'many',
      config: { 'connector.class': 'io.sluice.connect.datagen.DatagenConnector', 'kafka.topic': 'many', quickstart: 'users' },
      initial_state: 'STOPPED',
    }),
  });
  assert.equal(created.status, 201, await created.text());
  await until('the connector to be STOPPED', async () => (await cluster.status('many', w!.port))?.connector?.state === 'STOPPED', 30_000);
  // Every heartbeat the worker stores, as the other members would see it.
  const nc = await connectNats({ nats: NATS_URL, name: 'heartbeat-watch' });
  const kv = await openBucket(nc, bucketsOf(cluster.group).members);
  const beats: number[] = [];
  const watch = await kv.watch();
  void (async () => {
    for await (const _ of watch) beats.push(Date.now());
  })();
  const n = 100_000;
  const body = JSON.stringify({ offsets: Array.from({ length: n }, (_, i) => ({ partition: { table: `t${i}` }, offset: { id: i } })) });
  const from = Date.now();
  const patched = await fetch(`${base}/connectors/many/offsets`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(150_000) });
  assert.equal(patched.status, 200, await patched.text());
  const read = (await (await fetch(`${base}/connectors/many/offsets`)).json()) as { offsets: unknown[] };
  assert.equal(read.offsets.length, n);
  const reset = await fetch(`${base}/connectors/many/offsets`, { method: 'DELETE', signal: AbortSignal.timeout(150_000) });
  assert.equal(reset.status, 200);
  const to = Date.now();
  watch.stop();
  await nc.close();
  let longest = 0;
  const during = [from, ...beats.filter((t) => t >= from && t <= to), to];
  for (let i = 1; i < during.length; i++) longest = Math.max(longest, during[i]! - during[i - 1]!);
  // Heartbeats every 300 ms (about 600 ms apart at worst on a loaded machine; 1.7 s before the work yielded).
  assert.ok(longest < 1000, `the longest gap between heartbeats was ${longest} ms`);
  assert.doesNotMatch(w!.tail(400), /fenced \(tasks stop\)|fenced: stopping every connector/, 'the worker fenced itself');
});
