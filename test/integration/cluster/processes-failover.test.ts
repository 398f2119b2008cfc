/**
 * Worker processes running datagen → Kafka → file: a SIGKILLed worker's tasks resume on the others after the
 * scheduled rebalance delay and the output has every record (at least once); then a full cluster restart keeps
 * configs, statuses and offsets (nothing is generated twice).
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KAFKA_BROKERS, uniqueName } from '../../support/services.js';
import { createKafkajsClient } from '../../../src/streams/index.js';
import { TestCluster, rest, until, type WorkerProcess } from './support/cluster.js';

const SESSION = 3000;
const DELAY = 3000;
const RECORDS = 4000;
const cluster = new TestCluster({ sessionTimeoutMs: SESSION, delayMs: DELAY });
after(() => cluster.stop());

function idsIn(file: string): { lines: number; ids: Set<number> } {
  if (!existsSync(file)) return { lines: 0, ids: new Set() };
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  return { lines: lines.length, ids: new Set(lines.map((l) => (JSON.parse(l) as { order_id: number }).order_id)) };
}

async function topicEnd(topic: string): Promise<number> {
  const admin = createKafkajsClient({ brokers: KAFKA_BROKERS, clientId: 'test-watermarks' }).admin();
  await admin.connect();
  try {
    let sum = 0;
    for (const { high } of (await admin.watermarks!(topic)).values()) sum += high;
    return sum;
  } finally {
    await admin.disconnect();
  }
}

describe('failover and restart of worker processes', { timeout: 300_000 }, () => {
  test('SIGKILL during datagen → Kafka → file: tasks resume elsewhere after the delay, every record arrives; a full restart keeps configs, statuses and offsets', async () => {
    const workers = await cluster.start(3);
    const topic = uniqueName('cl_orders');
    const out = join(cluster.dir, 'orders.jsonl');
    const port = workers[0]!.port;
    assert.equal(
      (await rest(port, 'POST', '/connectors', {
        name: 'orders-gen',
        config: { 'connector.class': 'datagen', 'kafka.topic': topic, 'tasks.max': '4', 'max.records': String(RECORDS), 'records.per.second': '100', 'random.seed': '7' },
      })).status,
      201,
    );
    assert.equal(
      (await rest(workers[1]!.port, 'POST', '/connectors', {
        name: 'orders-file',
        config: { 'connector.class': 'FileStreamSink', topics: topic, file: out, 'tasks.max': '1' },
      })).status,
      201,
    );
    const gen = await until('4 datagen tasks RUNNING', async () => {
      const s = await cluster.status('orders-gen');
      return s?.tasks.length === 4 && s.tasks.every((t: any) => t.state === 'RUNNING') ? s : false;
    });
    await until('records arriving in the file', () => idsIn(out).ids.size > 300, 60_000);

    // Kill a worker that runs datagen tasks.
    const victim = workers.find((w) => gen.tasks.some((t: any) => t.worker_id === w.workerId))!;
    const itsTasks: number[] = gen.tasks.filter((t: any) => t.worker_id === victim.workerId).map((t: any) => t.id);
    const survivors = workers.filter((w) => w !== victim);
    const killedAt = Date.now();
    await victim.kill('SIGKILL');
    const movedAt = await until('the killed worker\'s tasks RUNNING elsewhere', async () => {
      const s = await cluster.status('orders-gen', survivors[0]!.port);
      const ok = itsTasks.every((id) => {
        const t = s?.tasks.find((x: any) => x.id === id);
        return t && t.state === 'RUNNING' && t.worker_id !== victim.workerId;
      });
      return ok ? Date.now() : false;
    }, 60_000);
    const waited = movedAt - killedAt;
    assert.ok(waited >= SESSION + DELAY - 500, `moved ${waited} ms after the kill: before session timeout + delay`);
    const complete = await until(`all ${RECORDS} records in the file`, () => {
      const r = idsIn(out);
      return r.ids.size === RECORDS ? r : false;
    }, 120_000, 250);
    for (let id = 0; id < RECORDS; id++) assert.ok(complete.ids.has(id), `order ${id} missing`);

    // Full cluster restart (the killed worker comes back too).
    const configBefore = (await rest(survivors[0]!.port, 'GET', '/connectors/orders-gen/config')).body;
    const offsetsBefore = await until('final offsets committed', async () => {
      const o = (await rest(survivors[0]!.port, 'GET', '/connectors/orders-gen/offsets')).body;
      return o.offsets.length === 4 && o.offsets.every((x: any) => x.offset.seq === RECORDS / 4 - 1) ? o : false;
    }, 30_000);
    const endBefore = await topicEnd(topic);
    await Promise.all(survivors.map((w) => w.kill('SIGTERM')));
    const restarted: WorkerProcess[] = [];
    for (const w of workers) {
      w.start();
      restarted.push(w);
    }
    await Promise.all(restarted.map((w) => w.ready()));
    for (const w of restarted) {
      assert.deepEqual((await rest(w.port, 'GET', '/connectors')).body.sort(), ['orders-file', 'orders-gen']);
      assert.deepEqual((await rest(w.port, 'GET', '/connectors/orders-gen/config')).body, configBefore);
    }
    await until('statuses RUNNING again after the restart', async () => {
      const s = await cluster.status('orders-gen');
      const f = await cluster.status('orders-file');
      return s?.tasks.length === 4 && s.tasks.every((t: any) => t.state === 'RUNNING') && f?.tasks.every((t: any) => t.state === 'RUNNING');
    });
    const norm = (o: any) => JSON.stringify([...o.offsets].sort((a: any, b: any) => a.partition.task - b.partition.task));
    for (const w of restarted) {
      assert.equal(norm((await rest(w.port, 'GET', '/connectors/orders-gen/offsets')).body), norm(offsetsBefore));
    }
    // The datagen tasks resumed after their last offset: nothing was generated again.
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(await topicEnd(topic), endBefore);
  });
});
