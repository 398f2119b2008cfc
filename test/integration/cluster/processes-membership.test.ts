/**
 * `sluice worker` processes against the real NATS server and broker: connectors created through any worker
 * run exactly once across the cluster, every worker answers the same, and a fourth worker takes only the tasks
 * it must (stopped on their old worker before they start on it).
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NATS_URL } from '../../support/services.js';
import { sluiceArgs } from '../../support/processes.js';
import { PROBE_PLUGIN, TestCluster, rest, tasksPerWorker, until } from './support/cluster.js';

const sluice = (args: string[]) => promisify(execFile)(process.execPath, sluiceArgs(args), { timeout: 60_000 });

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

  test('sluice apply seeds pipeline files into the cluster idempotently, over NATS or through a worker\'s REST API', async () => {
    const file = join(cluster.dir, 'pipeline.json');
    const probe = { 'connector.class': 'test.cluster.ProbeConnector', 'tasks.max': '9', 'probe.log': cluster.probeLog };
    const extra = { 'connector.class': 'test.cluster.ProbeConnector', 'tasks.max': '1', 'probe.log': cluster.probeLog };
    writeFileSync(file, JSON.stringify({ connectors: [{ name: 'probe', config: probe }, { name: 'extra', config: extra, initial_state: 'PAUSED' }] }));
    const viaNats = ['apply', file, '--cluster', NATS_URL, '--group', cluster.group, '--plugin', PROBE_PLUGIN];
    assert.equal((await sluice(viaNats)).stdout, 'probe: unchanged\nextra: created\n');
    assert.equal((await sluice(viaNats)).stdout, 'probe: unchanged\nextra: unchanged\n');
    const port = cluster.live()[0]!.port;
    await until('extra PAUSED (its initial state)', async () => (await cluster.status('extra', port))?.connector.state === 'PAUSED');
    writeFileSync(file, JSON.stringify({ connectors: [{ name: 'extra', config: { ...extra, 'tasks.max': '2' } }] }));
    const viaRest = ['apply', file, '--url', `http://127.0.0.1:${port}`, '--plugin', PROBE_PLUGIN, '--json'];
    assert.equal((await sluice(viaRest)).stdout, '{"connector":"extra","outcome":"updated"}\n');
    assert.equal((await sluice(viaRest)).stdout, '{"connector":"extra","outcome":"unchanged"}\n');
    assert.equal((await rest(port, 'GET', '/connectors/extra/config')).body['tasks.max'], '2');
  });
});
