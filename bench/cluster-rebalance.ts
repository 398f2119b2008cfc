/**
 * Distributed mode: how fast the group reacts and what a cluster buys on this machine. Needs NATS and Kafka
 * (`bash scripts/stack.sh up`). Three parts, each printed as a table:
 *
 * 1. Rebalance with 3 in-process workers and 10/100/500 idle tasks: create → all RUNNING; a 4th worker joins →
 *    balanced and RUNNING again; a worker leaves gracefully → its tasks RUNNING on the others (delay 0); plus
 *    the pure assignor's own time for that join.
 * 2. SIGKILL of a `sluice worker` process → all its tasks RUNNING on the others (probe log and REST status),
 *    for a short session timeout, Kafka's default one, and with a scheduled rebalance delay.
 * 3. datagen → Kafka records/s of a 3-worker process cluster beside a 1-worker one, same machine, same run.
 *
 *   node --import tsx bench/cluster-rebalance.ts [parts=123]
 */
import { KAFKA_BROKERS, NATS_URL, uniqueName } from '../test/support/services.js';
import { ConfigDef, SourceConnector, SourceTask, type ConnectorConfig, type ConnectorPlugin, type SourceTaskClass } from '../src/connectors/api/index.js';
import type { SourceRecord } from '../src/data/index.js';
import { PluginRegistry } from '../src/connectors/registry.js';
import { DistributedHerder } from '../src/cluster/distributed-herder.js';
import { defaultRuntime } from '../src/worker/default-runtime.js';
import { MemoryOffsetStore, createKafkajsClient } from '../src/streams/index.js';
import { EMPTY_ASSIGNMENT, rebalance, taskKey } from '../src/cluster/assignor.js';
import { bucketsOf } from '../src/cluster/keys.js';
import { connectNats, deleteBucket } from '../src/cluster/nats.js';
import { TestCluster, rest, until } from '../test/integration/cluster/support/cluster.js';
import { table } from './pipeline-support.js';

const parts = process.argv[2] ?? '123';

// ---------------------------------------------------------------------------------------------- idle tasks

class IdleTask extends SourceTask {
  version(): string {
    return '1';
  }
  start(): void {}
  async poll(signal: AbortSignal): Promise<SourceRecord[] | null> {
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const t = setTimeout(done, 250);
      signal.addEventListener('abort', done, { once: true });
    });
    return null;
  }
  stop(): void {}
}

class IdleConnector extends SourceConnector {
  #n = 1;
  version(): string {
    return '1';
  }
  start(config: ConnectorConfig): void {
    this.#n = Number(config['tasks.max'] ?? '1');
  }
  taskConfigs(max: number): ConnectorConfig[] {
    return Array.from({ length: Math.min(max, this.#n) }, (_, i) => ({ 'idle.task': String(i) }));
  }
  stop(): void {}
  config(): ConfigDef {
    return new ConfigDef();
  }
  taskClass(): SourceTaskClass {
    return IdleTask;
  }
}

const idlePlugin: ConnectorPlugin = {
  type: 'source',
  className: 'bench.IdleConnector',
  aliases: [],
  version: '1',
  create: () => new IdleConnector(),
  configDef: () => new ConfigDef(),
};

async function deleteGroup(group: string): Promise<void> {
  const nc = await connectNats({ nats: NATS_URL, name: 'bench cleanup' });
  for (const b of Object.values(bucketsOf(group))) await deleteBucket(nc, b);
  await nc.close();
}

async function waitFor<T>(what: string, fn: () => T | false | undefined | null, timeoutMs = 120_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

// ---------------------------------------------------------------------------------------------- part 1

async function inProcess(tasks: number): Promise<Record<string, string | number>> {
  const group = uniqueName('bench_rb');
  const registry = PluginRegistry.withBuiltins();
  registry.register(idlePlugin);
  let port = 19000;
  const make = () =>
    new DistributedHerder({
      worker: {
        'group.id': group,
        'nats.url': NATS_URL,
        'offset.storage.topic': 'unused',
        listeners: `http://127.0.0.1:${port++}`,
        'session.timeout.ms': '3000',
        'heartbeat.interval.ms': '300',
        'scheduled.rebalance.max.delay.ms': '0',
        'task.shutdown.graceful.timeout.ms': '1000',
      },
      registry,
      offsets: new MemoryOffsetStore(),
      runtime: (settings, log, offsets) => defaultRuntime({ ...settings, bootstrapServers: null }, log, { offsets }),
    });
  const hs = [make(), make(), make()];
  await Promise.all(hs.map((h) => h.start()));
  const local = (h: DistributedHerder) => h.progress().filter((p) => p.state === 'RUNNING').length;
  const allRunning = (live: DistributedHerder[], statusOf: DistributedHerder) => {
    const placed = live.map(local);
    if (placed.reduce((a, b) => a + b, 0) !== tasks) return false;
    try {
      const s = statusOf.connectorStatus('idle');
      return s.tasks.length === tasks && s.tasks.every((t) => t.state === 'RUNNING') ? placed : false;
    } catch {
      return false;
    }
  };
  const balanced = (placed: number[]) => Math.max(...placed) - Math.min(...placed) <= 1;
  try {
    await waitFor('a leader', () => hs.some((h) => h.isLeader));
    // Let the joins settle (each join is a round of its own).
    let settled = '';
    let since = performance.now();
    await waitFor('settled', () => {
      const gens = hs.map((h) => h.generation).join();
      if (gens !== settled) {
        settled = gens;
        since = performance.now();
      }
      return new Set(hs.map((h) => h.generation)).size === 1 && performance.now() - since > 300;
    });
    const follower = hs.find((h) => !h.isLeader)!;
    const g0 = follower.generation;
    let t = performance.now();
    await follower.addConnector('idle', { 'connector.class': 'bench.IdleConnector', 'tasks.max': String(tasks) });
    await waitFor('all running', () => allRunning(hs, follower));
    const createMs = performance.now() - t;
    const g1 = follower.generation;

    const fourth = make();
    t = performance.now();
    await fourth.start();
    const all4 = [...hs, fourth];
    await waitFor('balanced over 4', () => {
      const placed = allRunning(all4, fourth);
      return placed && balanced(placed) && local(fourth) > 0;
    });
    const joinMs = performance.now() - t;
    const g2 = fourth.generation;

    const leaving = hs.find((h) => !h.isLeader)!;
    const rest3 = all4.filter((h) => h !== leaving);
    t = performance.now();
    await leaving.stop();
    await waitFor('running on the other 3', () => {
      const placed = allRunning(rest3, rest3[0]!);
      return placed && balanced(placed);
    });
    const leaveMs = performance.now() - t;
    const g3 = rest3[0]!.generation;

    // The pure assignor's part of the join (3 → 4 members, both cooperative rounds).
    const work = { connectors: ['idle'], tasks: Array.from({ length: tasks }, (_, i) => taskKey('idle', i)) };
    const members = ['a', 'b', 'c'];
    let a = rebalance({ previous: EMPTY_ASSIGNMENT, members, acked: {}, work, now: 0, maxDelayMs: 0 }).assignment;
    const reps = 200;
    t = performance.now();
    for (let i = 0; i < reps; i++) {
      const r1 = rebalance({ previous: a, members: [...members, 'd'], acked: { a: a.generation, b: a.generation, c: a.generation }, work, now: 0, maxDelayMs: 0 });
      const g = r1.assignment.generation;
      rebalance({ previous: r1.assignment, members: [...members, 'd'], acked: { a: g, b: g, c: g, d: g }, work, now: 0, maxDelayMs: 0 });
    }
    const assignorUs = ((performance.now() - t) / reps) * 1000;
    a = EMPTY_ASSIGNMENT;
    return {
      tasks,
      'create → all RUNNING (ms)': Math.round(createMs),
      'rounds': g1 - g0,
      '4th joins → balanced (ms)': Math.round(joinMs),
      'rounds ': g2 - g1,
      'graceful leave → RUNNING on 3 (ms)': Math.round(leaveMs),
      ' rounds': g3 - g2,
      'assignor, join (µs)': Math.round(assignorUs),
    };
  } finally {
    await Promise.all([...hs].map((h) => h.stop().catch(() => {})));
    await deleteGroup(group);
  }
}

// ---------------------------------------------------------------------------------------------- part 2

async function killToRunning(session: number, heartbeat: number, delay: number, kills: number): Promise<Array<Record<string, string | number>>> {
  const cluster = new TestCluster({ sessionTimeoutMs: session, heartbeatIntervalMs: heartbeat, delayMs: delay });
  const rows: Array<Record<string, string | number>> = [];
  try {
    const ws = await cluster.start(3);
    const created = await rest(ws[0]!.port, 'POST', '/connectors', {
      name: 'probe',
      config: { 'connector.class': 'test.cluster.ProbeConnector', 'tasks.max': '12', 'probe.log': cluster.probeLog },
    });
    if (created.status !== 201) throw new Error(JSON.stringify(created.body));
    for (let k = 0; k < kills; k++) {
      const live = cluster.live();
      const s = await until('12 RUNNING on 3 workers', async () => {
        const st = await cluster.status('probe', live[0]!.port);
        const ids = new Set(st?.tasks.filter((t: any) => t.state === 'RUNNING').map((t: any) => t.worker_id));
        return st?.tasks.length === 12 && st.tasks.every((t: any) => t.state === 'RUNNING') && ids.size === 3 && live.every((w) => ids.has(w.workerId)) ? st : false;
      }, 120_000);
      const victim = live[k % live.length]!;
      const its = s.tasks.filter((t: any) => t.worker_id === victim.workerId).map((t: any) => t.id as number);
      const survivors = live.filter((w) => w !== victim);
      const killedAt = Date.now();
      await victim.kill('SIGKILL');
      const statusAt = await until('its tasks RUNNING elsewhere (status)', async () => {
        const st = await cluster.status('probe', survivors[0]!.port);
        return its.every((id: number) => {
          const t = st?.tasks.find((x: any) => x.id === id);
          return t?.state === 'RUNNING' && t.worker_id !== victim.workerId;
        })
          ? Date.now()
          : false;
      }, 120_000, 20);
      // RUNNING is reported once the pipeline runs; the task's own start() may log a moment later.
      const startedAt = await until('probe starts logged', () => {
        const starts = cluster.probeEvents().filter((e) => e.event === 'start' && e.at >= killedAt && its.includes(e.task) && e.pid !== victim.pid);
        const first = its.map((id: number) => Math.min(...starts.filter((e) => e.task === id).map((e) => e.at)));
        return first.every(Number.isFinite) ? Math.max(...first) : false;
      }, 30_000, 50);
      rows.push({
        'session.timeout.ms': session,
        'heartbeat.interval.ms': heartbeat,
        'scheduled.rebalance.max.delay.ms': delay,
        'tasks moved': its.length,
        'kill → all started (probe log, ms)': startedAt - killedAt,
        'kill → REST shows RUNNING (ms)': statusAt - killedAt,
        'beyond session+delay (ms)': startedAt - killedAt - session - delay,
      });
      if (k + 1 < kills) {
        const w = await cluster.add();
        await w.ready();
      }
    }
  } finally {
    await cluster.stop();
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------- part 3

async function throughput(workers: number, records: number): Promise<Record<string, string | number>> {
  const cluster = new TestCluster({ extra: { 'offset.flush.interval.ms': '10000' } });
  const topic = uniqueName('bench_cl_tp');
  const admin = createKafkajsClient({ brokers: KAFKA_BROKERS, clientId: 'bench' }).admin();
  await admin.connect();
  try {
    await admin.createTopics([{ topic, numPartitions: 6, replicationFactor: 1 }]);
    const ws = await cluster.start(workers);
    const end = async () => {
      let sum = 0;
      for (const { high } of (await admin.watermarks!(topic)).values()) sum += high;
      return sum;
    };
    const t0 = performance.now();
    const created = await rest(ws[0]!.port, 'POST', '/connectors', {
      name: 'gen',
      config: { 'connector.class': 'datagen', 'kafka.topic': topic, 'tasks.max': '6', 'max.records': String(records), 'random.seed': '1' },
    });
    if (created.status !== 201) throw new Error(JSON.stringify(created.body));
    let firstAt = 0;
    await until('all records in Kafka', async () => {
      const n = await end();
      if (n > 0 && firstAt === 0) firstAt = performance.now();
      return n >= records;
    }, 600_000, 100);
    const t1 = performance.now();
    return {
      workers,
      records,
      'create → all acked (s)': Number(((t1 - t0) / 1000).toFixed(2)),
      'first → last record (s)': Number(((t1 - firstAt) / 1000).toFixed(2)),
      'records/s (first → last)': Math.round(records / ((t1 - firstAt) / 1000)),
    };
  } finally {
    await admin.disconnect();
    await cluster.stop();
  }
}

// ---------------------------------------------------------------------------------------------- run

if (parts.includes('1')) {
  console.log('\n1. Rebalance, 3 in-process workers (session 3000 ms, heartbeat 300 ms, delay 0), idle source tasks');
  const rows = [];
  for (const n of [10, 100, 500]) rows.push(await inProcess(n));
  table(rows);
}
if (parts.includes('2')) {
  console.log('\n2. SIGKILL of a worker process (3 workers, 12 probe tasks) → its tasks RUNNING on the others');
  const rows = [
    ...(await killToRunning(3000, 300, 0, 3)),
    ...(await killToRunning(10_000, 3000, 0, 1)),
    ...(await killToRunning(3000, 300, 3000, 1)),
  ];
  table(rows);
}
if (parts.includes('3')) {
  console.log('\n3. datagen → Kafka (6 tasks, 6 partitions, no rate limit), worker processes on this machine');
  const records = 300_000;
  table([await throughput(1, records), await throughput(3, records)]);
  console.log(`(${(await import('node:os')).cpus().length} cores: the workers share them)`);
}
process.exit(0);
