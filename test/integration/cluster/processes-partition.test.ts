/**
 * A worker process whose NATS connection is cut (it reaches NATS through a TCP proxy this test kills) stops
 * its tasks before they start on the other workers; healed, it rejoins and takes its share back — no task ever
 * runs on two workers (probe log). Tightest setting: no scheduled rebalance delay.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { NATS_URL } from '../../support/services.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { TestCluster, rest, tasksPerWorker, until } from './support/cluster.js';

const SESSION = 3000;
const cluster = new TestCluster({ sessionTimeoutMs: SESSION, delayMs: 0 });
let proxy: TcpProxy | undefined;
after(async () => {
  await proxy?.cut();
  await cluster.stop();
});

describe('a partitioned worker process', { timeout: 240_000 }, () => {
  test('stops its tasks before they run elsewhere, and rejoins when healed', async (t) => {
    proxy = await TcpProxy.start(NATS_URL);
    const cut = await cluster.add({ natsUrl: proxy.url, name: 'partitioned' });
    const w2 = await cluster.add();
    const w3 = await cluster.add();
    await Promise.all([cut.ready(), w2.ready(), w3.ready()]);
    assert.equal(
      (await rest(w2.port, 'POST', '/connectors', {
        name: 'probe',
        config: { 'connector.class': 'test.cluster.ProbeConnector', 'tasks.max': '6', 'probe.log': cluster.probeLog },
      })).status,
      201,
    );
    await until('2 tasks on each worker', async () => {
      const s = await cluster.status('probe', w2.port);
      return s?.tasks.length === 6 && [...tasksPerWorker(s).values()].sort().join() === '2,2,2' && tasksPerWorker(s).get(cut.workerId) === 2;
    });
    // RUNNING is reported once the pipeline runs; the task's own start() logs a moment later.
    const before = await until('the probe log shows 6 running tasks', () => {
      const r = cluster.checkNoOverlap();
      return r.size === 6 ? r : false;
    }, 30_000);
    const itsTasks = [...before].filter(([, pid]) => pid === cut.pid).map(([k]) => k);
    assert.equal(itsTasks.length, 2);

    const cutAt = Date.now();
    await proxy.cut();
    // Its tasks stop on their own (it cannot store heartbeats), then start on the others.
    await until('its tasks run on the others', () => {
      const now = cluster.checkNoOverlap();
      return itsTasks.every((k) => now.get(k) !== undefined && now.get(k) !== cut.pid);
    }, 60_000);
    const events = cluster.probeEvents();
    for (const k of itsTasks) {
      const stop = events.find((e) => `${e.connector}-${e.task}` === k && e.event === 'stop' && e.pid === cut.pid && e.at >= cutAt);
      const start = events.find((e) => `${e.connector}-${e.task}` === k && e.event === 'start' && e.pid !== cut.pid && e.at >= cutAt);
      assert.ok(stop && start, `${k}: stop ${JSON.stringify(stop)} start ${JSON.stringify(start)}`);
      assert.ok(stop.at < start.at, `${k} started elsewhere at ${start.at} before it stopped on the partitioned worker at ${stop.at}`);
      assert.ok(start.at - cutAt >= SESSION - 300, `${k} started elsewhere ${start.at - cutAt} ms after the cut, before the session timeout`);
      t.diagnostic(`${k}: stopped on the partitioned worker ${stop.at - cutAt} ms after the cut, started elsewhere after ${start.at - cutAt} ms`);
    }
    // Its REST API still answers reads (from its last view); a write gets Kafka Connect's 409 (no leader it can reach).
    assert.equal((await rest(cut.port, 'GET', '/connectors')).status, 200);
    const write = await rest(cut.port, 'PUT', '/connectors/probe/pause');
    assert.equal(write.status, 409, JSON.stringify(write.body));
    assert.match(write.body.message, /no known leader URL, likely because a rebalance was underway/);

    // Healed: it rejoins and takes its share back; never two at once.
    await proxy.heal();
    await until('balanced again with the healed worker', async () => {
      const s = await cluster.status('probe', w3.port);
      return s?.tasks.length === 6 && s.tasks.every((t: any) => t.state === 'RUNNING') && tasksPerWorker(s).get(cut.workerId) === 2;
    }, 60_000);
    await until('the probe log agrees', () => [...cluster.checkNoOverlap().values()].filter((pid) => pid === cut.pid).length === 2, 30_000);
    assert.equal(cluster.checkNoOverlap().size, 6);
  });
});
