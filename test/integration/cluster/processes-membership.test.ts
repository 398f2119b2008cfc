/**
 * `sluice worker` processes against the real NATS server and broker: connectors created through any worker
 * run exactly once across the cluster, every worker answers the same, and a fourth worker takes only the tasks
 * it must (stopped on their old worker before they start on it).
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { TestCluster, rest, tasksPerWorker, until } from './support/cluster.js';

const cluster = new TestCluster({ delayMs: 3000 });
after(() => cluster.stop());

describe('cluster of worker processes', { timeout: 180_000 }, () => {
  test('created through any worker, run exactly once; a fourth worker moves only some tasks', async () => {
    const [w1, w2, w3] = await cluster.start(3);
    // Created through w2 (whichever is the leader), as Kafka Connect's REST API would be.
    const created = await rest(w2!.port, 'POST', '/connectors', {
      name: 'probe',
      config: { 'connector.class': 'test.cluster.ProbeConnector', 'tasks.max': '9', 'probe.log': cluster.probeLog },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.name, 'probe');
    const dup = await rest(w3!.port, 'POST', '/connectors', { name: 'probe', config: { 'connector.class': 'test.cluster.ProbeConnector', 'probe.log': 'x' } });
    assert.equal(dup.status, 409);
    const invalid = await rest(w1!.port, 'POST', '/connectors', { name: 'bad', config: { 'connector.class': 'NoSuchConnector' } });
    assert.equal(invalid.status, 400);

    // Every worker reports all nine tasks RUNNING, three per worker.
    await until('9 tasks RUNNING, 3 per worker, on every worker', async () => {
      for (const w of [w1!, w2!, w3!]) {
        const s = await cluster.status('probe', w.port);
        const per = tasksPerWorker(s);
        if (s?.connector?.state !== 'RUNNING' || s.tasks.length !== 9 || [...per.values()].sort().join() !== '3,3,3') return false;
      }
      return true;
    }, 60_000);
    const before = await cluster.status('probe', w1!.port);
    // The probe log agrees: each task runs once, on the process the status names.
    const running = await until('the probe log shows 9 running tasks', () => {
      const r = cluster.checkNoOverlap();
      return r.size === 9 ? r : false;
    }, 30_000);
    const pidOf = new Map(cluster.workers.map((w) => [w.workerId, w.pid]));
    for (const t of before.tasks) assert.equal(running.get(`probe-${t.id}`), pidOf.get(t.worker_id), `task ${t.id}`);
    // Same answers everywhere.
    for (const w of [w1!, w2!, w3!]) {
      assert.deepEqual((await rest(w.port, 'GET', '/connectors')).body, ['probe']);
      assert.equal((await rest(w.port, 'GET', '/connectors/probe/tasks')).body.length, 9);
    }

    // A fourth worker: it gets its share (2 tasks), taken from the others; nothing else moves.
    const w4 = await cluster.add();
    await w4.ready();
    const after4 = await until('w4 runs 2 tasks and the rest are 3,2,2', async () => {
      const s = await cluster.status('probe', w4.port);
      const per = tasksPerWorker(s);
      return s?.tasks.length === 9 && per.get(w4.workerId) === 2 && [...per.values()].sort().join() === '2,2,2,3' ? s : false;
    }, 60_000);
    const moved = after4.tasks.filter((t: any) => before.tasks.find((b: any) => b.id === t.id).worker_id !== t.worker_id);
    assert.equal(moved.length, 2, `moved: ${JSON.stringify(moved)}`);
    assert.ok(moved.every((t: any) => t.worker_id === w4.workerId));
    const now = await until('the probe log shows the moved tasks on w4', () => {
      const r = cluster.checkNoOverlap();
      return r.size === 9 && moved.every((t: any) => r.get(`probe-${t.id}`) === w4.pid) ? r : false;
    }, 30_000);
    assert.equal(now.size, 9);
    // The connector itself did not move.
    assert.equal(after4.connector.worker_id, before.connector.worker_id);
  });
});
