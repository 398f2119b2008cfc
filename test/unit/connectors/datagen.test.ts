import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  DatagenConnector,
  DatagenTask,
  TokenBucket,
  datagenPlugin,
  taskShare,
} from '../../../src/connectors/datagen/index.js';
import { valueToText } from '../../../src/connectors/file/index.js';
import type { ConnectorConfig, OffsetStorageReader, SourceConnectorContext } from '../../../src/connectors/api/index.js';
import { BigDecimal, Struct, type OffsetMap, type SourceRecord } from '../../../src/data/index.js';

/** Offsets keyed by JSON of the partition, as a real store would hold them. */
function offsetReader(stored: Record<string, OffsetMap> = {}): OffsetStorageReader {
  return {
    offset: async (p) => stored[JSON.stringify(p)] ?? null,
    offsets: async (ps) => new Map(ps.map((p) => [p, stored[JSON.stringify(p)] ?? null])),
  };
}

function connectorContext(): SourceConnectorContext {
  return { offsetStorageReader: offsetReader(), requestTaskReconfiguration() {}, raiseError(e) { throw e; } };
}

async function taskConfigs(config: Record<string, string>, maxTasks: number): Promise<ConnectorConfig[]> {
  const c = new DatagenConnector();
  c.initialize(connectorContext());
  await c.start(config);
  return c.taskConfigs(maxTasks);
}

async function startTask(config: ConnectorConfig, stored: Record<string, OffsetMap> = {}): Promise<DatagenTask> {
  const t = new DatagenTask();
  t.initialize({ configs: () => config, offsetStorageReader: offsetReader(stored) });
  await t.start(config);
  return t;
}

async function drain(task: DatagenTask, limit = Infinity): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  const signal = new AbortController().signal;
  while (!task.isFinished() && out.length < limit) {
    const batch = await task.poll(signal);
    if (batch) out.push(...batch);
  }
  return out;
}

/** A record as text, to compare records by content. */
function show(r: SourceRecord): string {
  return `${valueToText(r.key)}|${valueToText(r.value)}`;
}

const BASE = { name: 'gen', 'connector.class': 'datagen', 'kafka.topic': 'orders' };

describe('datagen connector', () => {
  test('plugin identity', () => {
    assert.equal(datagenPlugin.className, 'io.sluice.connect.datagen.DatagenConnector');
    assert.equal(datagenPlugin.type, 'source');
    assert.ok(datagenPlugin.aliases.includes('datagen'));
  });

  test('taskConfigs: one per task up to tasks.max, never more tasks than records, and one shared seed', async () => {
    const three = await taskConfigs({ ...BASE, 'max.records': '1000' }, 3);
    assert.equal(three.length, 3);
    assert.deepEqual(three.map((c) => c['datagen.task.id']), ['0', '1', '2']);
    assert.ok(three.every((c) => c['datagen.task.count'] === '3' && c['random.seed'] === three[0]!['random.seed']));
    assert.equal((await taskConfigs({ ...BASE, 'max.records': '2' }, 5)).length, 2);
    assert.equal((await taskConfigs({ ...BASE, 'max.records': '0' }, 5)).length, 1);
    assert.equal((await taskConfigs(BASE, 4)).length, 4);
    assert.equal((await taskConfigs({ ...BASE, 'random.seed': '7' }, 1))[0]!['random.seed'], '7');
  });

  test('validate: a topic is required, key.field must be a field, quickstart must be known', async () => {
    const c = new DatagenConnector();
    const errs = async (cfg: Record<string, string>) =>
      Object.fromEntries([...(await c.validate(cfg))].filter(([, v]) => v.errorMessages.length).map(([k, v]) => [k, v.errorMessages.join()]));
    assert.deepEqual(await errs({ ...BASE }), {});
    assert.deepEqual(await errs({ topic: 'x' }), {});
    assert.match((await errs({}))['kafka.topic']!, /one of kafka.topic or topic/);
    assert.match((await errs({ ...BASE, 'key.field': 'nope' }))['key.field']!, /No field nope in the orders schema/);
    assert.match((await errs({ ...BASE, quickstart: 'pageviews' }))['quickstart']!, /one of: orders, users/);
    assert.match((await errs({ ...BASE, 'max.records': '-2' }))['max.records']!, /at least -1/);
    assert.match((await errs({ ...BASE, 'records.per.second': '-1' }))['records.per.second']!, /at least 0/);
    assert.match((await errs({ ...BASE, topic: 'other' }))['topic']!, /disagree/);
  });
});

describe('datagen task', () => {
  test('taskShare splits N ids round-robin with no gap', () => {
    assert.deepEqual([0, 1, 2].map((t) => taskShare(10, 3, t)), [4, 3, 3]);
    assert.equal(taskShare(-1, 2, 0), Infinity);
    assert.equal(taskShare(0, 1, 0), 0);
  });

  test('orders: schema\'d Structs with INT64 ids, Decimal price, Timestamp, nested struct and array', async () => {
    const [cfg] = await taskConfigs({ ...BASE, 'max.records': '5', 'random.seed': '1' }, 1);
    const records = await drain(await startTask(cfg!));
    assert.equal(records.length, 5);
    const r = records[0]!;
    assert.equal(r.topic, 'orders');
    assert.equal(r.valueSchema!.name, 'io.sluice.datagen.Order');
    const v = r.value as Struct;
    v.validate();
    assert.equal(v.get('order_id'), 0);
    assert.equal(v.schema.field('order_id')!.schema.type, 'INT64');
    assert.ok(v.get('price') instanceof BigDecimal);
    assert.equal((v.get('price') as BigDecimal).scale, 2);
    assert.ok(v.get('created_at') instanceof Date);
    assert.ok(v.get('shipping_address') instanceof Struct);
    assert.ok(Array.isArray(v.get('tags')));
    assert.equal(r.key, null);
    assert.deepEqual(r.sourcePartition, { task: 0 });
    assert.deepEqual(records.map((x) => x.sourceOffset), [0, 1, 2, 3, 4].map((seq) => ({ seq })));
  });

  test('users quickstart and key.field: the key is that field with its schema', async () => {
    const [cfg] = await taskConfigs({ ...BASE, quickstart: 'users', 'key.field': 'user_id', 'max.records': '3' }, 1);
    const records = await drain(await startTask(cfg!));
    assert.equal(records[0]!.valueSchema!.name, 'io.sluice.datagen.User');
    for (const r of records) {
      (r.value as Struct).validate();
      assert.equal(r.key, (r.value as Struct).get('user_id'));
      assert.equal(r.keySchema!.type, 'INT64');
    }
    assert.deepEqual(records.map((r) => r.key), [0, 1, 2]);
  });

  test('deterministic: the same seed gives the same records; another seed does not', async () => {
    const cfg = (await taskConfigs({ ...BASE, 'max.records': '300', 'random.seed': '42', 'key.field': 'customer_id' }, 1))[0]!;
    const a = (await drain(await startTask(cfg))).map(show);
    const b = (await drain(await startTask(cfg))).map(show);
    assert.deepEqual(a, b);
    const other = (await drain(await startTask({ ...cfg, 'random.seed': '43' }))).map(show);
    assert.notDeepEqual(a, other);
    assert.ok(new Set(a).size === a.length, 'records differ from each other');
  });

  test('a record depends only on seed and id, whatever the task split', async () => {
    const one = (await drain(await startTask((await taskConfigs({ ...BASE, 'max.records': '90', 'random.seed': '5' }, 1))[0]!))).map(show);
    const split = [];
    for (const cfg of await taskConfigs({ ...BASE, 'max.records': '90', 'random.seed': '5' }, 4)) split.push(...(await drain(await startTask(cfg))));
    const byId = new Map(split.map((r) => [(r.value as Struct).get('order_id') as number, show(r)]));
    assert.deepEqual([...byId.keys()].sort((x, y) => x - y), [...Array(90).keys()]);
    assert.deepEqual(one, [...Array(90).keys()].map((id) => byId.get(id)));
  });

  test('tasks.max splits the id space: together exactly ids 0..N-1, no duplicates', async () => {
    const N = 2500;
    const ids: number[] = [];
    const perTask: number[] = [];
    for (const cfg of await taskConfigs({ ...BASE, 'max.records': String(N), 'batch.size': '64' }, 3)) {
      const records = await drain(await startTask(cfg));
      perTask.push(records.length);
      assert.ok(records.every((r) => r.sourcePartition['task'] === Number(cfg['datagen.task.id'])));
      ids.push(...records.map((r) => (r.value as Struct).get('order_id') as number));
    }
    assert.deepEqual(perTask, [834, 833, 833]);
    assert.equal(ids.length, N);
    assert.deepEqual(ids.sort((a, b) => a - b), [...Array(N).keys()]);
  });

  test('batch.size bounds each poll; a finished task returns null forever', async () => {
    const [cfg] = await taskConfigs({ ...BASE, 'max.records': '25', 'batch.size': '10' }, 1);
    const t = await startTask(cfg!);
    const signal = new AbortController().signal;
    assert.deepEqual([(await t.poll(signal))!.length, (await t.poll(signal))!.length, (await t.poll(signal))!.length], [10, 10, 5]);
    assert.equal(t.isFinished(), true);
    assert.equal(await t.poll(signal), null);
    assert.equal(await t.poll(signal), null);
  });

  test('max.records 0: finished from the start', async () => {
    const t = await startTask((await taskConfigs({ ...BASE, 'max.records': '0' }, 1))[0]!);
    assert.equal(t.isFinished(), true);
    assert.equal(await t.poll(new AbortController().signal), null);
  });

  test('infinite by default', async () => {
    const t = await startTask((await taskConfigs({ ...BASE, 'batch.size': '500' }, 1))[0]!);
    for (let i = 0; i < 5; i++) assert.equal((await t.poll(new AbortController().signal))!.length, 500);
    assert.equal(t.isFinished(), false);
  });

  test('a restarted task resumes after the last committed seq: no gap, no duplicate, same records', async () => {
    const cfgs = await taskConfigs({ ...BASE, 'max.records': '1000', 'random.seed': '9', 'batch.size': '100' }, 2);
    const uninterrupted = (await drain(await startTask(cfgs[1]!))).map(show);
    // First run: three polls, then "crash" with offsets committed up to the 250th record of the partition.
    const first = await drain(await startTask(cfgs[1]!), 300);
    const committed = first[249]!;
    assert.deepEqual(committed.sourceOffset, { seq: 249 });
    const stored = { [JSON.stringify(committed.sourcePartition)]: committed.sourceOffset };
    const resumed = await startTask(cfgs[1]!, stored);
    assert.equal(resumed.nextSeq, 250);
    const rest = await drain(resumed);
    const output = [...first.slice(0, 250), ...rest];
    assert.deepEqual(output.map(show), uninterrupted);
    assert.deepEqual(output.map((r) => (r.value as Struct).get('order_id')), [...Array(500).keys()].map((s) => s * 2 + 1));
  });

  test('a stored offset that is not a seq is refused with the task named', async () => {
    const [cfg] = await taskConfigs({ ...BASE }, 1);
    await assert.rejects(startTask(cfg!, { '{"task":0}': { seq: 'abc' } }), /datagen task 0: stored offset/);
  });

  test('records.per.second: never more records than the bucket allows for the time that passed', async () => {
    const rate = 400;
    const [cfg] = await taskConfigs({ ...BASE, 'records.per.second': String(rate), 'batch.size': '1000' }, 1);
    const t = await startTask(cfg!);
    const signal = new AbortController().signal;
    const start = performance.now();
    let produced = 0;
    let polls = 0;
    while (produced < 120) {
      const batch = await t.poll(signal);
      polls++;
      produced += batch?.length ?? 0;
      // Bucket capacity (min(batch.size, rate)) plus what accrued since start: an upper bound the limiter can never beat.
      const allowed = Math.min(1000, rate) + (rate * (performance.now() - start)) / 1000;
      assert.ok(produced <= allowed, `produced ${produced} > allowed ${allowed.toFixed(1)} after ${polls} polls`);
      assert.ok((batch?.length ?? 0) <= rate, 'a poll never exceeds the bucket capacity');
    }
  });

  test('an aborted poll returns null at once', async () => {
    const [cfg] = await taskConfigs({ ...BASE, 'records.per.second': '0.001' }, 1);
    const t = await startTask(cfg!);
    const ac = new AbortController();
    const p = t.poll(ac.signal);
    ac.abort();
    assert.equal(await p, null);
  });
});

describe('TokenBucket (count-based, fake clock)', () => {
  test('grants exactly rate × elapsed under constant demand', () => {
    let now = 0;
    const bucket = new TokenBucket(250, 250, () => now);
    let granted = bucket.take(1000);
    assert.equal(granted, 0, 'starts empty');
    for (let step = 0; step < 100; step++) {
      now += 100; // 10 s in 100 ms steps
      granted += bucket.take(1000);
    }
    assert.equal(granted, 2500);
  });

  test('idle time accrues no more than the capacity', () => {
    let now = 0;
    const bucket = new TokenBucket(100, 50, () => now);
    now += 60_000;
    assert.equal(bucket.take(1e9), 50);
    assert.equal(bucket.take(1e9), 0);
  });

  test('fractional rates accumulate: 0.5/s gives one token every 2 s', () => {
    let now = 0;
    const bucket = new TokenBucket(0.5, 1, () => now);
    let granted = 0;
    for (let s = 0; s < 10; s++) {
      now += 1000;
      granted += bucket.take(5);
    }
    assert.equal(granted, 5);
  });

  test('msUntilToken tells how long to wait', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 10, () => now);
    assert.equal(bucket.msUntilToken(), 100);
    now = 50;
    assert.equal(bucket.msUntilToken(), 50);
    now = 100;
    assert.equal(bucket.msUntilToken(), 0);
  });

  test('bad parameters are refused', () => {
    assert.throws(() => new TokenBucket(0, 1), RangeError);
    assert.throws(() => new TokenBucket(1, 0), RangeError);
  });
});
