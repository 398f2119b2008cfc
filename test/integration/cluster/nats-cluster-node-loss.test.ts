/**
 * A single NATS server restarted under a running group, within the fencing window: nobody notices (no fencing,
 * no task stopped, every record). Then a three-node NATS cluster (three nats-server processes routed together, JetStream, the group's buckets with
 * three replicas) under a three-worker Sluice group running datagen → Kafka → file. One NATS node is killed
 * with SIGKILL mid-run and restarted later: the workers fail over to the other nodes, no worker stays fenced
 * longer than the session timeout and none is taken for gone, configs, statuses and offsets survive, and every
 * record arrives.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { uniqueName } from '../../support/services.js';
import { natsCluster, natsServer, type NatsServerProcess } from '../../support/nats-servers.js';
import { connectNats } from '../../../src/cluster/nats.js';
import { bucketsOf } from '../../../src/cluster/keys.js';
import { TestCluster, orderIdsIn, rest, until, type WorkerProcess } from './support/cluster.js';

const RECORDS = 4500;
const SESSION_MS = 20_000;
const dir = mkdtempSync(join(tmpdir(), 'sluice-nats-cluster-'));
const nats: NatsServerProcess[] = [];
const cluster = new TestCluster({ sessionTimeoutMs: SESSION_MS, heartbeatIntervalMs: 1000, delayMs: 5000, extra: { 'nats.kv.replicas': '3' } });
const single = new TestCluster({ sessionTimeoutMs: SESSION_MS, heartbeatIntervalMs: 1000, delayMs: 5000 });
after(async () => {
  await cluster.stop().catch(() => {});
  await single.stop().catch(() => {});
  await Promise.all(nats.map((s) => s.kill()));
  rmSync(dir, { recursive: true, force: true });
});

interface LogLine {
  readonly time: number;
  readonly msg: string;
}

function logLines(w: WorkerProcess): LogLine[] {
  return readFileSync(w.logFile, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);
}

/** Each time the worker was fenced: how long until it was unfenced (to the end of the log if it still is). */
function fencedSpans(w: WorkerProcess): number[] {
  const spans: number[] = [];
  let since: number | undefined;
  for (const l of logLines(w)) {
    if (l.msg.startsWith('heartbeats not stored; fenced')) since ??= l.time;
    if (l.msg.startsWith('heartbeats stored again; unfenced') && since !== undefined) {
      spans.push(l.time - since);
      since = undefined;
    }
  }
  if (since !== undefined) spans.push(Date.now() - since);
  return spans;
}

describe('a NATS server restart within the fencing window', { timeout: 300_000 }, () => {
  test('restarted (SIGTERM, start) while records flow: no worker fences itself or stops a connector, every record arrives', async (t) => {
    const server = await natsServer(dir, 'single');
    nats.push(server);
    const workers: WorkerProcess[] = [];
    for (let i = 0; i < 2; i++) workers.push(await single.add({ natsUrl: `nats://127.0.0.1:${server.port}` }));
    await Promise.all(workers.map((w) => w.ready(90_000)));
    const topic = uniqueName('single_orders');
    const out = join(single.dir, 'orders.jsonl');
    const records = 3000;
    const port = workers[0]!.port;
    // Sink connector names of their own: the consumer group connect-<name> lives on the shared broker.
    for (const [name, config] of Object.entries({
      gen: { 'connector.class': 'datagen', 'kafka.topic': topic, 'tasks.max': '2', 'max.records': String(records), 'records.per.second': '40', 'random.seed': '7' },
      [uniqueName('file')]: { 'connector.class': 'FileStreamSink', topics: topic, file: out },
    })) {
      assert.equal((await rest(port, 'POST', '/connectors', { name, config })).status, 201);
    }
    await until('records flowing', () => orderIdsIn(out).size > 100, 90_000);
    const downAt = Date.now();
    await server.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 2000));
    await server.start();
    t.diagnostic(`NATS restarted in ${Date.now() - downAt} ms`);
    await until(`all ${records} records in the file`, () => orderIdsIn(out).size === records, 150_000, 500);
    for (const w of workers) {
      const lines = logLines(w).filter((l) => l.time > downAt);
      assert.deepEqual(fencedSpans(w), [], `${w.name} fenced itself`);
      assert.ok(lines.some((l) => l.msg === 'NATS connection restored'), `${w.name} did not reconnect: ${w.tail()}`);
      assert.deepEqual(lines.filter((l) => l.msg === 'connector stopped').map((l) => l.msg), [], `${w.name} stopped a connector`);
    }
    await single.stop();
    await server.kill();
  });
});

describe('a three-node NATS cluster loses a node under a running group', { timeout: 400_000 }, () => {
  test('kill -9 of one NATS node and its restart: every record arrives, nothing fenced beyond the session timeout, state survives', async (t) => {
    const nodes = await natsCluster(dir, 'sluice-nc');
    nats.push(...nodes);
    const urls = nodes.map((s) => `nats://127.0.0.1:${s.port}`);
        const workers: WorkerProcess[] = [];
    for (let i = 0; i < 3; i++) workers.push(await cluster.add({ natsUrl: urls.join(',') }));
    await Promise.all(workers.map((w) => w.ready(90_000)));

    const topic = uniqueName('nc_orders');
    const out = join(cluster.dir, 'orders.jsonl');
    const port = workers[0]!.port;
    const configs = {
      gen: { 'connector.class': 'datagen', 'kafka.topic': topic, 'tasks.max': '3', 'max.records': String(RECORDS), 'records.per.second': '30', 'random.seed': '5' },
      [uniqueName('file')]: { 'connector.class': 'FileStreamSink', topics: topic, file: out, 'tasks.max': '2' },
    };
    for (const [name, config] of Object.entries(configs)) assert.equal((await rest(port, 'POST', '/connectors', { name, config })).status, 201);
    await until('records flowing', () => orderIdsIn(out).size > 300, 90_000);
    t.diagnostic(`records flowing: ${orderIdsIn(out).size}`);

    // The buckets really are replicated three times; the node that leads the config bucket's stream is the one
    // killed, so writes must fail over to a new stream leader.
    const checkAt = Date.now();
    const nc = await connectNats({ nats: urls.join(','), name: 'check' });
    let leader: string | undefined;
    try {
      const jsm = await jetstreamManager(nc);
      for (const b of Object.values(bucketsOf(cluster.group))) {
        const info = await jsm.streams.info(`KV_${b}`);
        assert.equal(info.config.num_replicas, 3, b);
        if (b === bucketsOf(cluster.group).config) leader = info.cluster?.leader;
      }
    } finally {
      await nc.close();
    }
    t.diagnostic(`stream leaders read in ${Date.now() - checkAt} ms, ${orderIdsIn(out).size} records by then`);
    const victim = nodes.find((s) => s.name === leader);
    assert.ok(victim, `the config bucket's stream leader (${leader}) is one of the three nodes`);
    const killedAt = Date.now();
    await victim.kill('SIGKILL');
    t.diagnostic(`killed ${victim.name} with SIGKILL after ${orderIdsIn(out).size} records`);
    await new Promise((r) => setTimeout(r, 8000));
    const midway = orderIdsIn(out).size;
    await victim.start();
    t.diagnostic(`${victim.name} restarted after ${Date.now() - killedAt} ms; ${midway} records by then`);

    await until(`all ${RECORDS} records in the file`, () => orderIdsIn(out).size === RECORDS, 200_000, 500);
    await until('every connector and task RUNNING on every worker\'s view', async () => {
      for (const w of workers) {
        for (const c of Object.keys(configs)) {
          const s = await cluster.status(c, w.port);
          if (!s || s.connector.state !== 'RUNNING' || !s.tasks.every((x: { state: string }) => x.state === 'RUNNING')) return false;
        }
      }
      return true;
    }, 90_000);

    // Configs as they were written, on every worker; source offsets readable.
    for (const w of workers) {
      for (const [name, config] of Object.entries(configs)) {
        const got = await rest(w.port, 'GET', `/connectors/${name}/config`);
        assert.equal(got.status, 200);
        assert.deepEqual(got.body, { ...config, name });
      }
    }
    const offsets = await rest(port, 'GET', '/connectors/gen/offsets');
    assert.equal(offsets.status, 200);
    assert.ok((offsets.body as { offsets: unknown[] }).offsets.length > 0, JSON.stringify(offsets.body));

    let reconnected = 0;
    for (const w of workers) {
      const spans = fencedSpans(w);
      const moved = logLines(w).filter((l) => l.msg === 'NATS connection restored' && l.time > killedAt).length;
      reconnected += moved;
      t.diagnostic(`${w.name}: fenced ${spans.length} time(s)${spans.length ? ` for ${spans.join(', ')} ms` : ''}; NATS reconnects after the kill: ${moved}`);
      for (const s of spans) assert.ok(s <= SESSION_MS, `${w.name} stayed fenced for ${s} ms (session timeout ${SESSION_MS} ms)`);
      const gone = logLines(w).filter((l) => l.msg === 'member gone (session timeout)' && l.time > killedAt);
      assert.deepEqual(gone.map((l) => l.msg), [], `${w.name} took a member for gone`);
      assert.ok(w.running, `${w.name} exited: ${w.tail()}`);
    }
    t.diagnostic(`worker connections that moved to another node: ${reconnected}`);
  });
});
