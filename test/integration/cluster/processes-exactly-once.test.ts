/**
 * Exactly-once source (KIP-618) on a cluster of `sluice worker` processes with `exactly.once.source.support=
 * enabled`, against the real broker and NATS:
 * - datagen tasks write records and offsets in transactions while a worker is frozen (SIGSTOP) until its tasks
 *   moved, then thawed (the zombie cannot commit), and then workers are SIGKILLed (10 times) and new ones join: a
 *   read_committed consumer sees every record exactly once;
 * - a task count change fences the transactional ids the smaller generation no longer uses (a producer holding
 *   one with an open transaction can no longer commit), and `PUT /connectors/{name}/fence` answers 204.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { KAFKA_BROKERS, uniqueName } from '../../support/services.js';
import { createTopicsReady } from '../../support/kafka-topics.js';
import { ProducerFencedError, createKafkajsClient } from '../../../src/streams/index.js';
import { TestCluster, rest, until, type WorkerProcess } from './support/cluster.js';
import { exactlyOnce, kafka, range, readValues } from '../worker/exactly-once-support.js';

const SESSION = 3000;
const cluster = new TestCluster({ sessionTimeoutMs: SESSION, delayMs: 500, extra: { 'exactly.once.source.support': 'enabled' } });
after(() => cluster.stop());

const enc = new TextEncoder();

/** A client call that must settle in time (a hang fails the test, naming the step). */
function within<T>(p: Promise<T>, what: string, ms = 30_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

async function tasksRunning(connector: string, n: number, port?: number): Promise<any> {
  const s = await cluster.status(connector, port);
  return s?.tasks.length === n && s.tasks.every((t: any) => t.state === 'RUNNING') ? s : false;
}

/**
 * A status with every task RUNNING on a live worker, and a worker running one of them. Right after a kill -9 the
 * status still names the dead worker until the group's session times out: a worker picked from it may be gone.
 */
async function runningOnLiveWorkers(connector: string, n: number): Promise<{ s: any; worker: WorkerProcess } | false> {
  const s = await tasksRunning(connector, n);
  if (!s) return false;
  const live = cluster.live();
  if (!s.tasks.every((t: any) => live.some((w) => w.workerId === t.worker_id))) return false;
  return { s, worker: live.find((w) => s.tasks.some((t: any) => t.worker_id === w.workerId))! };
}

/** The highest committed datagen seq of each task, from the REST offsets endpoint. */
async function committedSeqs(connector: string): Promise<Map<number, number>> {
  const r = await rest(cluster.anyPort(), 'GET', `/connectors/${connector}/offsets`);
  return new Map((r.body?.offsets ?? []).map((o: any) => [Number(o.partition.task), Number(o.offset.seq)]));
}

describe('exactly-once source on worker processes', { timeout: 480_000 }, () => {
  test('kills, joins and a frozen zombie: read_committed sees every record once', async (t) => {
    const admin = kafka().admin();
    await admin.connect();
    const topic = uniqueName('eos_cl');
    await createTopicsReady(admin, [{ topic, numPartitions: 3, replicationFactor: 1 }]);
    await admin.disconnect();
    const records = 45_000;
    const tasks = 3;
    await cluster.start(3);
    const created = await rest(cluster.anyPort(), 'POST', '/connectors', {
      name: 'eos-gen',
      config: {
        'connector.class': 'datagen', 'kafka.topic': topic, 'tasks.max': String(tasks), 'max.records': String(records),
        'records.per.second': '150', 'batch.size': '50', 'random.seed': '11', 'exactly.once.support': 'required',
        'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': 'false',
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await until('3 tasks RUNNING', () => tasksRunning('eos-gen', tasks), 60_000);

    // A zombie: frozen while it runs tasks, thawed after they moved; its producers are fenced, so it cannot commit.
    await until('transactions committing', async () => [...(await committedSeqs('eos-gen')).values()].some((v) => v >= 200), 60_000, 200);
    assert.equal(cluster.live().length, 3, `a worker exited before the freeze\n${cluster.logs()}`);
    const { s, worker: zombie } = await until('tasks RUNNING on live workers before the freeze', () => runningOnLiveWorkers('eos-gen', tasks), 90_000);
    const itsTasks: number[] = s.tasks.filter((x: any) => x.worker_id === zombie.workerId).map((x: any) => x.id);
    const atFreeze = await committedSeqs('eos-gen');
    assert.ok([...atFreeze.values()].some((v) => v < records / tasks - 1), `the freeze lands while the tasks still produce (${JSON.stringify([...atFreeze])})`);
    zombie.child!.kill('SIGSTOP');
    const others = cluster.live().filter((w) => w !== zombie);
    await until('the frozen worker\'s tasks RUNNING elsewhere', async () => {
      const st = await cluster.status('eos-gen', others[0]!.port);
      return itsTasks.every((id) => st?.tasks.some((x: any) => x.id === id && x.state === 'RUNNING' && x.worker_id !== zombie.workerId));
    }, 90_000);
    await new Promise((r) => setTimeout(r, 1000));
    zombie.child!.kill('SIGCONT');
    await new Promise((r) => setTimeout(r, 4000));

    // Workers running tasks are killed, and new ones join, while the tasks produce.
    for (let round = 1; round <= 10; round++) {
      const { worker: victim } = await until('tasks RUNNING on live workers', () => runningOnLiveWorkers('eos-gen', tasks), 90_000);
      await new Promise((r) => setTimeout(r, 1000 + Math.floor(Math.random() * 1000)));
      await victim.kill('SIGKILL');
      const joined = await cluster.add();
      await joined.ready();
      t.diagnostic(`round ${round}: killed ${victim.name}, ${joined.name} joined; committed ${JSON.stringify([...(await committedSeqs('eos-gen'))])}`);
    }

    const done = await until(`all ${records} records committed`, async () => {
      const seqs = await committedSeqs('eos-gen');
      return seqs.size === tasks && [...seqs.values()].every((v) => v === records / tasks - 1) ? seqs : false;
    }, 240_000, 500);
    t.diagnostic(`final offsets ${JSON.stringify([...done])}`);
    const values = (await readValues(topic, { readCommitted: true })) as Array<{ order_id: number }>;
    const { missing, duplicated } = exactlyOnce(values.map((v) => v.order_id), range(0, records - 1));
    assert.deepEqual({ missing, duplicated }, { missing: [], duplicated: [] }, `every order exactly once under read_committed\n${cluster.logs()}`);
    assert.equal(values.length, records);
    const all = (await readValues(topic, { readCommitted: false })) as unknown[];
    t.diagnostic(`read_uncommitted: ${all.length} records (${all.length - records} in aborted transactions)`);
    assert.ok(all.length >= records);
  });

  test('a task count change fences the ids the new generation no longer uses; PUT /connectors/{name}/fence is 204', async () => {
    const live = cluster.live().length > 0 ? cluster.live() : await cluster.start(2);
    const port = live[0]!.port;
    const topic = uniqueName('eos_fence');
    const ownOffsets = uniqueName('eos_fence_offsets');
    const config = {
      'connector.class': 'datagen', 'kafka.topic': topic, 'tasks.max': '3', 'records.per.second': '200', 'random.seed': '3',
      'offsets.storage.topic': ownOffsets,
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': 'false',
    };
    assert.equal((await rest(port, 'PUT', '/connectors/eos-fence/config', config)).status, 201);
    await until('3 tasks RUNNING', () => tasksRunning('eos-fence', 3, port), 60_000);
    // Task 2's producer is up once it committed a transaction; the stand-in below takes its id after that.
    await until('task 2 committed', async () => (await committedSeqs('eos-fence')).has(2), 60_000, 250);

    // A producer that holds task 2's transactional id with an open transaction (as a zombie task 2 would).
    const client = createKafkajsClient({ brokers: KAFKA_BROKERS, clientId: 'eos-zombie' });
    const zombie = client.transactionalProducer!({ clientId: 'eos-zombie', transactionalId: `${cluster.group}-eos-fence-2` });
    await within(zombie.connect(), 'zombie connect'); // this fences the real task 2, which fails; the generation change below replaces it
    await within(zombie.begin(), 'zombie begin');
    await within(zombie.send([{ topic, key: enc.encode('zombie'), value: enc.encode('{"zombie":true}'), headers: [] }]), 'zombie send');

    assert.equal((await rest(port, 'PUT', '/connectors/eos-fence/config', { ...config, 'tasks.max': '1' })).status, 200);
    // The new generation's task 0 starts only after the leader's fencing round, which fences ids 0, 1 and 2.
    const fenced = await until('the zombie\'s producer fenced', async () => {
      try {
        await within(zombie.send([{ topic, key: enc.encode('zombie'), value: enc.encode('{"zombie":true}'), headers: [] }]), 'zombie send (loop)');
        return false;
      } catch (e) {
        return e;
      }
    }, 60_000, 250);
    assert.ok(fenced instanceof ProducerFencedError, String(fenced));
    await assert.rejects(within(zombie.commit(), 'zombie commit'), ProducerFencedError, 'and it cannot commit');
    await until('1 task RUNNING', () => tasksRunning('eos-fence', 1, port), 60_000);
    await within(zombie.disconnect(), 'zombie disconnect', 10_000).catch(() => {});
    const values = (await readValues(topic, { readCommitted: true, quietMs: 1500, maxMs: 8000 })) as Array<Record<string, unknown>>;
    assert.ok(values.length > 0 && values.every((v) => v['zombie'] === undefined), 'the zombie\'s record is never visible');

    // Its own offsets topic: the transactions write there, and the REST offsets endpoint reads it.
    await until('task 0 offsets through REST', async () => (await committedSeqs('eos-fence')).has(0), 30_000, 250);
    const own = (await readValues(ownOffsets, { readCommitted: true, quietMs: 1000, maxMs: 8000 })) as Array<{ seq: number }>;
    assert.ok(own.length > 0 && own.every((o) => typeof o.seq === 'number'), 'offsets in the connector\'s own topic');

    const fence = await rest(port, 'PUT', '/connectors/eos-fence/fence');
    assert.equal(fence.status, 204, JSON.stringify(fence.body));
    assert.equal((await rest(port, 'PUT', '/connectors/no-such/fence')).status, 404);
    assert.equal((await rest(port, 'DELETE', '/connectors/eos-fence')).status, 204);
  });
});
