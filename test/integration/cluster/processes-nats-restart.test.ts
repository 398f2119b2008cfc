/**
 * The NATS server restarts while worker processes run datagen → Kafka → file and probe tasks: the cluster comes
 * back by itself (watches resume, heartbeats resume, tasks fenced during the outage start again), the output
 * has every record and no task ran on two workers at once. The server is restored at the end whatever happens.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { uniqueName } from '../../support/services.js';
import { TestCluster, orderIdsIn, rest, until } from './support/cluster.js';
import { ensureNats, stopNats } from './support/nats-server.js';

const RECORDS = 3000;
const cluster = new TestCluster({ sessionTimeoutMs: 3000, delayMs: 3000 });
after(async () => {
  await ensureNats();
  await cluster.stop();
});

describe('NATS server restart under a running cluster', { timeout: 300_000 }, () => {
  test('survived: every record arrives, tasks run again, never on two workers at once', async (t) => {
    const workers = await cluster.start(3);
    const topic = uniqueName('cl_nats_orders');
    const out = join(cluster.dir, 'orders.jsonl');
    // The sink's consumer group is connect-<name> on the shared broker: a name of its own per run.
    const file = uniqueName('file');
    const port = workers[0]!.port;
    for (const [name, config] of [
      ['gen', { 'connector.class': 'datagen', 'kafka.topic': topic, 'tasks.max': '3', 'max.records': String(RECORDS), 'records.per.second': '80', 'random.seed': '3' }],
      [file, { 'connector.class': 'FileStreamSink', topics: topic, file: out }],
      ['probe', { 'connector.class': 'test.cluster.ProbeConnector', 'tasks.max': '3', 'probe.log': cluster.probeLog }],
    ] as const) {
      assert.equal((await rest(port, 'POST', '/connectors', { name, config })).status, 201);
    }
    await until('records flowing', () => orderIdsIn(out).size > 200, 60_000);

    const downAt = Date.now();
    try {
      await stopNats();
      await new Promise((r) => setTimeout(r, 2500));
    } finally {
      await ensureNats();
    }
    t.diagnostic(`NATS was down for ${Date.now() - downAt} ms`);

    await until(`all ${RECORDS} records in the file`, () => orderIdsIn(out).size === RECORDS, 150_000, 500);
    await until('every task RUNNING again, on every worker\'s view', async () => {
      for (const w of workers) {
        for (const c of ['gen', file, 'probe']) {
          const s = await cluster.status(c, w.port);
          if (!s || s.connector.state !== 'RUNNING' || !s.tasks.every((x: any) => x.state === 'RUNNING')) return false;
        }
      }
      return true;
    }, 90_000);
    await until('probe tasks running again', () => cluster.checkNoOverlap().size === 3, 60_000);
    const restarts = cluster.probeEvents().filter((e) => e.event === 'start' && e.at > downAt).length;
    t.diagnostic(`probe task starts after the outage: ${restarts}`);
    // The cluster still takes writes (a leader exists and forwarding works).
    assert.equal((await rest(workers[2]!.port, 'PUT', '/connectors/probe/pause')).status, 202);
    await until('paused', async () => (await cluster.status('probe', workers[1]!.port))?.tasks.every((x: any) => x.state === 'PAUSED'), 30_000);
  });
});
