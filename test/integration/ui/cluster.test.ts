/**
 * The dashboard of a distributed worker: two DistributedHerders in this process (each its own NATS connection,
 * Kafka clients and REST server) over the real NATS server and broker. `/ui/api/state` on each shows both members,
 * the same single leader and an assignment that covers every task; Chromium on the follower shows the members
 * table and the connector with its tasks, figures for the tasks it runs and "on <worker>" for the others.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { KAFKA_BROKERS, NATS_URL, uniqueName } from '../../support/services.js';
import { freePort } from '../../support/ports.js';
import { DistributedHerder } from '../../../src/cluster/distributed-herder.js';
import { bucketsOf } from '../../../src/cluster/keys.js';
import { connectNats, deleteBucket } from '../../../src/cluster/nats.js';
import { RestServer } from '../../../src/rest/index.js';
import type { UiSnapshot } from '../../../src/rest/ui-state.js';
import { api, eventually } from '../rest/support.js';
import { ensureUiBuilt, launch, screenshot } from './support.js';

const group = uniqueName('ui_cluster');
const offsetsTopic = uniqueName('ui_cluster_offsets');
const herders: DistributedHerder[] = [];
const servers: RestServer[] = [];

after(async () => {
  await Promise.all(servers.map((s) => s.stop().catch(() => {})));
  await Promise.all(herders.map((h) => h.stop().catch(() => {})));
  const nc = await connectNats({ nats: NATS_URL, name: 'cleanup' });
  for (const b of Object.values(bucketsOf(group))) await deleteBucket(nc, b);
  await nc.close();
});

async function worker(): Promise<{ herder: DistributedHerder; base: string }> {
  const port = await freePort();
  const herder = new DistributedHerder({
    worker: {
      'group.id': group,
      'nats.url': NATS_URL,
      'bootstrap.servers': KAFKA_BROKERS.join(','),
      'offset.storage.topic': offsetsTopic,
      'offset.storage.partitions': '1',
      'offset.storage.replication.factor': '1',
      'config.storage.topic': 'ignored-configs',
      'status.storage.topic': 'ignored-status',
      listeners: `http://127.0.0.1:${port}`,
      'session.timeout.ms': '3000',
      'heartbeat.interval.ms': '300',
      'scheduled.rebalance.max.delay.ms': '2000',
      'offset.flush.interval.ms': '500',
      'task.shutdown.graceful.timeout.ms': '2000',
    },
  });
  herders.push(herder);
  await herder.start();
  const rest = await RestServer.start({ herder });
  servers.push(rest);
  return { herder, base: rest.urls[0]! };
}

async function state(base: string): Promise<UiSnapshot> {
  const r = await api<UiSnapshot>(base, 'GET', '/ui/api/state');
  assert.equal(r.status, 200);
  return r.body;
}

describe('web dashboard of a distributed worker (two workers over NATS)', () => {
  test('members, the leader and the assignment, on every worker and in the browser', async () => {
    ensureUiBuilt();
    const [a, b] = await Promise.all([worker(), worker()]);
    const ids = [a.herder.workerId, b.herder.workerId].sort();
    await eventually(() => [a, b].filter((w) => w.herder.isLeader).length === 1, 'one leader', 30_000);
    const leader = [a, b].find((w) => w.herder.isLeader)!;
    const follower = leader === a ? b : a;

    const topic = uniqueName('ui_cluster_data');
    const created = await api(follower.base, 'POST', '/connectors', {
      name: 'gen',
      config: { 'connector.class': 'datagen', 'tasks.max': '4', 'kafka.topic': topic, 'records.per.second': '20', 'key.converter': 'org.apache.kafka.connect.storage.StringConverter' },
    });
    assert.equal(created.status, 201, created.text);

    // Both workers' snapshots: both members, one leader (the same), every task of gen assigned exactly once.
    const tasks = ['gen-0', 'gen-1', 'gen-2', 'gen-3'];
    for (const w of [a, b]) {
      const s = await eventually(async () => {
        const s = await state(w.base);
        const assigned = s.cluster?.members.flatMap((m) => m.tasks).sort() ?? [];
        const running = s.connectors[0]?.tasks.filter((t) => t.state === 'RUNNING').length ?? 0;
        // On a loaded machine the lease may change hands meanwhile: the snapshot must agree with the leader now.
        const leaderNow = [a, b].find((x) => x.herder.isLeader)?.herder.workerId;
        return s.cluster?.members.length === 2 && JSON.stringify(assigned) === JSON.stringify(tasks) && running === 4 && s.cluster.leader === leaderNow ? s : null;
      }, `the cluster state on ${w.herder.workerId}`, 60_000, 200);
      const leader = [a, b].find((x) => x.herder.isLeader)!;
      assert.equal(s.worker.mode, 'distributed');
      assert.equal(s.worker.id, w.herder.workerId);
      assert.equal(s.cluster!.groupId, group);
      assert.equal(s.cluster!.leader, leader.herder.workerId);
      assert.deepEqual(s.cluster!.members.map((m) => m.workerId), ids);
      assert.deepEqual(s.cluster!.members.filter((m) => m.leader).map((m) => m.workerId), [leader.herder.workerId]);
      assert.deepEqual(s.cluster!.members.filter((m) => m.self).map((m) => m.workerId), [w.herder.workerId]);
      assert.equal(s.cluster!.members.flatMap((m) => m.connectors).join(), 'gen');
      // figures for the tasks this worker runs, none for the others'
      for (const t of s.connectors[0]!.tasks) assert.equal(t.figures !== null, t.workerId === w.herder.workerId, `task ${t.id} on ${t.workerId}`);
    }

    const browser = await launch();
    try {
      const page = await browser.page();
      page.setDefaultTimeout(30_000);
      await page.goto(`${follower.base}/ui/`);
      const cluster = page.locator('section.cluster');
      await cluster.locator('tbody tr').nth(1).waitFor();
      const leaderNow = [a, b].find((x) => x.herder.isLeader)!.herder.workerId;
      await eventually(async () => (await cluster.locator('h2').innerText()).includes(`leader ${leaderNow}`), 'the page names the leader', 15_000);
      const leaderRow = cluster.locator(`tr[data-worker="${leaderNow}"]`);
      assert.match(await leaderRow.innerText(), /leader/);
      const selfRow = cluster.locator(`tr[data-worker="${follower.herder.workerId}"]`);
      assert.match(await selfRow.innerText(), /this worker/);
      const assigned = (await cluster.locator('tbody').innerText()).match(/gen-\d/g)?.sort();
      assert.deepEqual(assigned, tasks);
      const gen = page.locator('section[data-connector="gen"]');
      await gen.locator('tr.task .badge', { hasText: 'RUNNING' }).nth(3).waitFor();
      await eventually(async () => /figures on /.test(await gen.innerText()) && /polled/.test(await gen.innerText()), 'figures here, and "on <worker>" for the others', 30_000);
      await screenshot(page, 'cluster');
    } finally {
      await browser.close();
    }
  });
});
