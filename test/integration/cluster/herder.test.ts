/**
 * Three distributed herders in this process (each its own NATS connection and Kafka clients) against the real
 * NATS server and broker: forwarding, statuses, target states, offsets, deletion, and a crashed worker's tasks
 * moving after the scheduled rebalance delay.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { KAFKA_BROKERS, NATS_URL, uniqueName } from '../../support/services.js';
import { DistributedHerder } from '../../../src/cluster/distributed-herder.js';
import { bucketsOf } from '../../../src/cluster/keys.js';
import { connectNats, deleteBucket } from '../../../src/cluster/nats.js';
import { NotFoundError, AlreadyExistsError } from '../../../src/worker/errors.js';
import { ConnectorConfigError } from '../../../src/connectors/validation.js';

async function until<T>(what: string, fn: () => T | undefined | null | false, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const group = uniqueName('herder');
const offsetsTopic = uniqueName('herder_offsets');
const herders: DistributedHerder[] = [];
after(async () => {
  await Promise.all(herders.map((h) => h.stop().catch(() => {})));
  const nc = await connectNats({ nats: NATS_URL, name: 'cleanup' });
  for (const b of Object.values(bucketsOf(group))) await deleteBucket(nc, b);
  await nc.close();
});

const DELAY = 2500;

function worker(port: number): DistributedHerder {
  const h = new DistributedHerder({
    worker: {
      'group.id': group,
      'nats.url': NATS_URL,
      'bootstrap.servers': KAFKA_BROKERS.join(','),
      'offset.storage.topic': offsetsTopic,
      'offset.storage.partitions': '5',
      'offset.storage.replication.factor': '1',
      'config.storage.topic': 'ignored-configs',
      'status.storage.topic': 'ignored-status',
      listeners: `http://127.0.0.1:${port}`,
      'session.timeout.ms': '3000',
      'heartbeat.interval.ms': '300',
      'scheduled.rebalance.max.delay.ms': String(DELAY),
      'offset.flush.interval.ms': '500',
      'task.shutdown.graceful.timeout.ms': '2000',
    },
  });
  herders.push(h);
  return h;
}

function runningOn(hs: DistributedHerder[], connector: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const h of hs) {
    for (const p of h.progress()) {
      if (p.connector !== connector) continue;
      out.set(p.task, [...(out.get(p.task) ?? []), h.workerId]);
    }
  }
  return out;
}

describe('distributed herder (three in-process workers)', () => {
  test('connectors created through any worker run exactly once; statuses, target states, offsets and deletion everywhere; a crashed worker\'s tasks move after the delay', async () => {
    const [a, b, c] = [worker(18101), worker(18102), worker(18103)];
    await Promise.all([a.start(), b.start(), c.start()]);
    const all = [a, b, c];
    await until('one leader', () => all.filter((h) => h.isLeader).length === 1);
    const follower = all.find((h) => !h.isLeader)!;
    const topic = uniqueName('herder_data');

    // Invalid config: refused with the problems, through the leader.
    await assert.rejects(follower.addConnector('bad', { 'connector.class': 'datagen', 'tasks.max': 'x' }), ConnectorConfigError);

    const config = {
      'connector.class': 'datagen',
      'tasks.max': '6',
      'kafka.topic': topic,
      'records.per.second': '50',
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    };
    const info = await follower.addConnector('gen', config);
    assert.equal(info.name, 'gen');
    assert.equal(info.type, 'source');
    await assert.rejects(a.addConnector('gen', config), AlreadyExistsError);
    // read-your-writes on the worker that forwarded
    assert.deepEqual(follower.connectors(), ['gen']);

    await until('six tasks RUNNING, seen from every worker', () =>
      all.every((h) => {
        const s = h.connectorStatus('gen');
        return s.connector.state === 'RUNNING' && s.tasks.length === 6 && s.tasks.every((t) => t.state === 'RUNNING');
      }),
    );
    const placement = runningOn(all, 'gen');
    assert.equal(placement.size, 6);
    for (const [task, ws] of placement) assert.equal(ws.length, 1, `task ${task} runs on ${ws.join(', ')}`);
    const perWorker = new Map<string, number>();
    for (const ws of placement.values()) perWorker.set(ws[0]!, (perWorker.get(ws[0]!) ?? 0) + 1);
    assert.deepEqual([...perWorker.values()].sort(), [2, 2, 2]);
    // statuses name the worker that runs each task
    for (const t of c.connectorStatus('gen').tasks) assert.equal(t.worker_id, placement.get(t.id)![0]);
    assert.equal(c.taskConfigs('gen').length, 6);

    // KIP-558 topics, seen from every worker.
    await until('active topics everywhere', () => all.every((h) => h.connectorActiveTopics('gen').includes(topic)));
    // A task restart requested through a worker that does not run it: its owner restarts it.
    const owner = all.find((h) => h.workerId === placement.get(0)![0])!;
    const other = all.find((h) => h !== owner)!;
    const attempts = owner.workerCounters().taskStartupAttempts;
    await other.restartTask('gen', 0);
    await until('the owner restarted task 0', () => owner.workerCounters().taskStartupAttempts > attempts);
    await assert.rejects(other.restartTask('gen', 99), NotFoundError);
    await until('running after the restart', () => all.every((h) => h.connectorStatus('gen').tasks.every((t) => t.state === 'RUNNING')));

    // Pause through one worker, resume through another.
    await b.pauseConnector('gen');
    await until('paused everywhere', () => all.every((h) => h.connectorStatus('gen').tasks.every((t) => t.state === 'PAUSED') && h.connectorStatus('gen').connector.state === 'PAUSED'));
    await c.resumeConnector('gen');
    await until('running again', () => all.every((h) => h.connectorStatus('gen').tasks.every((t) => t.state === 'RUNNING')));

    // Stop; offsets are readable from any worker and alterable through any worker.
    await new Promise((r) => setTimeout(r, 1500)); // a few offset commits
    await a.stopConnector('gen');
    await until('stopped', () => all.every((h) => h.connectorStatus('gen').connector.state === 'STOPPED' && h.connectorStatus('gen').tasks.length === 0));
    await until('no task runs anywhere', () => runningOn(all, 'gen').size === 0);
    const offsets = await c.connectorOffsets('gen');
    assert.ok(offsets.offsets.length > 0, 'offsets were committed');
    assert.ok(offsets.offsets.every((o) => typeof (o.partition as { task: number }).task === 'number'));
    const message = await b.alterConnectorOffsets('gen', [{ partition: { task: 0 }, offset: { seq: 1_000_000 } }]);
    assert.match(message, /altered successfully/);
    const after0 = await a.connectorOffsets('gen');
    assert.deepEqual(after0.offsets.find((o) => (o.partition as { task: number }).task === 0)?.offset, { seq: 1_000_000 });
    await b.resumeConnector('gen');
    await until('running after stop', () => all.every((h) => {
      const s = h.connectorStatus('gen');
      return s.tasks.length === 6 && s.tasks.every((t) => t.state === 'RUNNING');
    }));

    // A worker dies: its tasks wait for the delay, then run on the others.
    const victim = all.find((h) => !h.isLeader)!;
    const survivors = all.filter((h) => h !== victim);
    const itsTasks = [...runningOn(all, 'gen')].filter(([, ws]) => ws[0] === victim.workerId).map(([t]) => t);
    assert.equal(itsTasks.length, 2);
    const crashedAt = Date.now();
    await victim.crash();
    await until('its tasks run on the survivors', () => {
      const p = runningOn(survivors, 'gen');
      return p.size === 6 && [...p.values()].every((ws) => ws.length === 1);
    }, 30_000);
    const movedAfter = Date.now() - crashedAt;
    assert.ok(movedAfter >= 3000 + DELAY - 500, `moved after ${movedAfter} ms: before session timeout + delay`);
    await until('statuses show the survivors', () =>
      survivors.every((h) => h.connectorStatus('gen').tasks.every((t) => t.state === 'RUNNING' && t.worker_id !== victim.workerId)),
    );

    // Delete through any worker: gone everywhere, nothing runs.
    await survivors[1]!.deleteConnector('gen');
    await until('deleted everywhere', () => survivors.every((h) => h.connectors().length === 0));
    await until('nothing runs', () => runningOn(survivors, 'gen').size === 0);
    assert.throws(() => survivors[0]!.connectorStatus('gen'), NotFoundError);
  });
});
