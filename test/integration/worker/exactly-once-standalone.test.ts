// Exactly-once source (KIP-618) in a standalone worker: `sluice run` as a separate process against the real
// broker. Records and source offsets go in one transaction per poll; a read_committed consumer sees every source
// record exactly once, across SIGKILLs of the worker; what the validation refuses, it refuses with Kafka's words.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import pg from 'pg';
import type { Admin } from 'kafkajs';
import { KAFKA_BROKERS, PG_CONFIG, uniqueName } from '../../support/services.js';
import { createTopicsReady } from '../../support/kafka-topics.js';
import { FileOffsetStore } from '../../../src/streams/index.js';
import { sluice, sluiceToEnd, tempDir, until, writeJson, type SluiceProcess } from '../cli/support.js';
import { endOffsets, exactlyOnce, kafka, range, readValues } from './exactly-once-support.js';

let admin: Admin;
let db: pg.Client;

before(async () => {
  admin = kafka().admin();
  await admin.connect();
  db = new pg.Client({ ...PG_CONFIG });
  await db.connect();
});
after(async () => {
  await admin.disconnect();
  await db.end();
});

const jsonWorker = (dir: string, offsetsTopic: string) => ({
  'bootstrap.servers': KAFKA_BROKERS.join(','),
  'exactly.once.source.support': 'enabled',
  'offset.storage.topic': offsetsTopic,
  'offset.storage.file.filename': join(dir, 'offsets.json'),
  'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'key.converter.schemas.enable': false,
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter.schemas.enable': false,
});

/** The offset a file offset store holds for the connector's partition matching `pick`, or null. */
async function fileOffset(path: string, connector: string, field: string): Promise<number | null> {
  const store = new FileOffsetStore(path);
  try {
    await store.start();
  } catch {
    return null;
  }
  const all = await store.all(connector);
  await store.stop();
  const values = all.map(([, o]) => Number(o[field])).filter((n) => Number.isFinite(n));
  return values.length > 0 ? Math.max(...values) : null;
}

function keepLog(dir: string, name: string, p: SluiceProcess): void {
  writeFileSync(join(dir, `${name}.log`), p.stdout() + '\n--- stderr ---\n' + p.stderr());
}

describe('exactly-once source in a standalone worker (separate process, real broker)', { timeout: 600_000 }, () => {
  test('datagen: each record once under read_committed, one transaction per poll, offsets in the topic and the file', async () => {
    const dir = tempDir('eos-gen');
    const topic = uniqueName('eos-orders');
    const offsetsTopic = uniqueName('eos-offsets');
    const name = uniqueName('gen');
    const n = 3000;
    await createTopicsReady(admin, [{ topic, numPartitions: 3, replicationFactor: 1 }]);
    const file = writeJson(dir, 'pipeline.json', {
      worker: jsonWorker(dir, offsetsTopic),
      connectors: [{
        name,
        config: {
          'connector.class': 'datagen', 'kafka.topic': topic, quickstart: 'orders', 'max.records': n, 'batch.size': 100,
          'random.seed': 7, 'key.field': 'order_id', 'exactly.once.support': 'required', 'transaction.boundary': 'poll',
        },
      }],
    });
    const p = sluice(['run', file]);
    const { code } = await p.exited;
    keepLog(dir, 'run', p);
    assert.equal(code, 0, p.stderr());
    const values = (await readValues(topic, { readCommitted: true })) as Array<{ order_id: number }>;
    const { missing, duplicated } = exactlyOnce(values.map((v) => v.order_id), range(0, n - 1));
    assert.deepEqual({ missing, duplicated }, { missing: [], duplicated: [] }, `every order once (log in ${dir})`);
    assert.equal(values.length, n);
    // Each committed transaction leaves one marker per partition it wrote to: the log holds more than the records.
    assert.ok((await endOffsets(admin, topic)) >= n + n / 100, 'transaction markers follow the records');
    const stored = (await readValues(offsetsTopic, { readCommitted: true, quietMs: 1000 })) as Array<{ seq: number } | null>;
    assert.equal(Math.max(...stored.map((o) => o?.seq ?? -1)), n - 1, 'the last offset is in the offsets topic');
    assert.equal(await fileOffset(join(dir, 'offsets.json'), name, 'seq'), n - 1, 'and mirrored to the offsets file');
    const ended = p.logs().find((l) => l['msg'] === 'run ended') as { tasks: Array<{ offsetCommits: number }> } | undefined;
    assert.ok((ended?.tasks[0]?.offsetCommits ?? 0) >= n / 100, 'one transaction per poll of 100');
  });

  test('validation: required without worker support, and a JDBC mode whose offsets are not exact, are refused with the reason', async () => {
    const dir = tempDir('eos-validate');
    const worker = { ...jsonWorker(dir, 'unused'), 'exactly.once.source.support': 'disabled' };
    const gen = { 'connector.class': 'datagen', 'kafka.topic': 't', 'exactly.once.support': 'required' };
    const off = writeJson(dir, 'off.json', { worker, connectors: [{ name: 'gen', config: gen }] });
    const r = await sluiceToEnd(['validate', off]);
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stdout, /"exactly\.once\.support": This worker does not have exactly-once source support enabled\./);
    const on = writeJson(dir, 'on.json', { worker: jsonWorker(dir, 'unused'), connectors: [{ name: 'gen', config: gen }] });
    assert.equal((await sluiceToEnd(['validate', on])).code, 0, 'datagen declares support');
    const bulk = writeJson(dir, 'bulk.json', {
      worker: jsonWorker(dir, 'unused'),
      connectors: [{
        name: 'jdbc',
        config: {
          'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector', 'connection.url': 'jdbc:postgresql://127.0.0.1:5432/test',
          mode: 'bulk', 'table.whitelist': 'x', 'topic.prefix': 'p-', 'exactly.once.support': 'required',
        },
      }],
    });
    const b = await sluiceToEnd(['validate', bulk]);
    assert.equal(b.code, 2, b.stdout);
    assert.match(b.stdout, /"exactly\.once\.support": The connector does not support exactly-once semantics with the provided configuration\./);
    const boundary = writeJson(dir, 'boundary.json', {
      worker: jsonWorker(dir, 'unused'),
      connectors: [{ name: 'gen', config: { ...gen, 'transaction.boundary': 'connector' } }],
    });
    const c = await sluiceToEnd(['validate', boundary]);
    assert.equal(c.code, 2, c.stdout);
    assert.match(c.stdout, /"transaction\.boundary": The connector does not support connector-defined transaction boundaries/);
  });

  test('JDBC source, 200,000 rows, 10 SIGKILLs of the worker: a read_committed consumer sees every row exactly once', async (t) => {
    const dir = tempDir('eos-jdbc');
    const table = uniqueName('eos_rows').replace(/-/g, '_');
    const prefix = uniqueName('eos-jdbc-');
    const topic = `${prefix}${table}`;
    const offsetsTopic = uniqueName('eos-offsets');
    const name = uniqueName('jdbc');
    const rows = 200_000;
    await db.query(`CREATE TABLE ${table} (id BIGSERIAL PRIMARY KEY, payload TEXT NOT NULL)`);
    await db.query(`INSERT INTO ${table} (payload) SELECT md5(g::text) FROM generate_series(1, ${rows}) g`);
    await createTopicsReady(admin, [{ topic, numPartitions: 2, replicationFactor: 1 }]);
    const file = writeJson(dir, 'pipeline.json', {
      worker: jsonWorker(dir, offsetsTopic),
      connectors: [{
        name,
        config: {
          'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
          'connection.url': `jdbc:postgresql://${PG_CONFIG.host}:${PG_CONFIG.port}/${PG_CONFIG.database}`,
          'connection.user': PG_CONFIG.user,
          mode: 'incrementing', 'incrementing.column.name': 'id', 'table.whitelist': table, 'topic.prefix': prefix,
          'batch.max.rows': 500, 'poll.interval.ms': 100, 'exactly.once.support': 'required',
          // Slow enough that every kill lands mid-stream.
          'sluice.rate.limit.records.per.second': 6000,
        },
      }],
    });
    const offsets = join(dir, 'offsets.json');
    let previous = -1;
    for (let kill = 1; kill <= 10; kill++) {
      const p = sluice(['run', file]);
      // Kill once this run committed something new (a transaction is most likely open at that moment).
      await until(async () => ((await fileOffset(offsets, name, 'incrementing')) ?? -1) > previous + 1000, `run ${kill} commits`, 120_000);
      await new Promise((r) => setTimeout(r, 100 + Math.floor(Math.random() * 400)));
      p.child.kill('SIGKILL');
      const ended = await p.exited;
      keepLog(dir, `run-${kill}`, p);
      assert.equal(ended.signal, 'SIGKILL');
      previous = (await fileOffset(offsets, name, 'incrementing')) ?? previous;
      t.diagnostic(`kill ${kill}: committed id ${previous}`);
    }
    assert.ok(previous < rows, `the kills landed before the end (committed id ${previous})`);
    const last = sluice(['run', file]);
    await until(async () => ((await fileOffset(offsets, name, 'incrementing')) ?? -1) >= rows, 'the last run reaches the last row', 300_000);
    last.child.kill('SIGTERM');
    const { code } = await last.exited;
    keepLog(dir, 'last', last);
    assert.equal(code, 0, last.stderr());

    const committed = (await readValues(topic, { readCommitted: true })) as Array<{ id: number }>;
    const { missing, duplicated } = exactlyOnce(committed.map((v) => v.id), range(1, rows));
    assert.deepEqual({ missing, duplicated }, { missing: [], duplicated: [] }, `every row exactly once under read_committed (logs in ${dir})`);
    assert.equal(committed.length, rows);
    const everything = (await readValues(topic, { readCommitted: false })) as Array<{ id: number }>;
    t.diagnostic(`read_uncommitted sees ${everything.length} records for ${rows} rows: ${everything.length - rows} were in transactions the kills left open (aborted)`);
    assert.ok(everything.length >= rows);
    await db.query(`DROP TABLE ${table}`);
  });
});
