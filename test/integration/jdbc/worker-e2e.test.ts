/**
 * End to end through the worker: `sluice run` (bin/sluice.js, a separate process) with the JDBC source and sink
 * under their Confluent class names: PostgreSQL → Kafka (JsonConverter with schemas) → PostgreSQL.
 * Then the sink's exactly-once effect in upsert mode: the worker is SIGKILLed mid-run, restarted with the same
 * offsets file and consumer group, and the target ends equal to the source.
 * Needs the stack: `bash scripts/stack.sh up`.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { KAFKA_BROKERS, PG_CONFIG, uniqueName } from '../../support/services.js';
import { sluice, sluiceToEnd, tempDir, until, writeJson } from '../cli/support.js';
import { dropTables, openDb, tableName, type Db } from './harness.js';

const URL = `jdbc:postgresql://${PG_CONFIG.host}:${PG_CONFIG.port}/${PG_CONFIG.database}`;

function pipeline(dir: string, src: string, dst: string, topicPrefix: string): unknown {
  return {
    worker: {
      'bootstrap.servers': KAFKA_BROKERS.join(','),
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'key.converter.schemas.enable': false,
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': true,
      'offset.storage.file.filename': join(dir, 'offsets.json'),
      'offset.flush.interval.ms': 500,
    },
    connectors: [
      {
        name: `${topicPrefix}in`,
        config: {
          'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
          'connection.url': URL,
          'connection.user': PG_CONFIG.user,
          'connection.password': PG_CONFIG.password,
          mode: 'incrementing',
          'incrementing.column.name': 'id',
          'table.whitelist': src,
          'topic.prefix': topicPrefix,
          'poll.interval.ms': '300',
          'batch.max.rows': '500',
        },
      },
      {
        name: `${topicPrefix}out`,
        config: {
          'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
          topics: `${topicPrefix}${src}`,
          'connection.url': URL,
          'connection.user': PG_CONFIG.user,
          'connection.password': PG_CONFIG.password,
          'table.name.format': dst,
          'insert.mode': 'upsert',
          'pk.mode': 'record_value',
          'pk.fields': 'id',
        },
      },
    ],
  };
}

async function fill(db: Db, t: string, from: number, to: number): Promise<void> {
  await db.exec(`INSERT INTO ${t} SELECT g, 'name-' || g, (g * 1234567.1234567891)::numeric(30,10), 9007199254740993 + g,
    timestamptz '2024-01-01 00:00:00.123+02' + g * interval '1 minute', decode(md5(g::text), 'hex'),
    CASE WHEN g % 10 = 0 THEN NULL ELSE jsonb_build_object('g', g) END
    FROM generate_series(${from}, ${to}) g`);
}

async function differences(db: Db, a: string, b: string): Promise<number> {
  const [{ n }] = await db.rows<{ n: string }>(`SELECT count(*) AS n FROM (
    (SELECT row_to_json(x)::text FROM ${a} x EXCEPT SELECT row_to_json(y)::text FROM ${b} y)
    UNION ALL (SELECT row_to_json(y)::text FROM ${b} y EXCEPT SELECT row_to_json(x)::text FROM ${a} x)) z`);
  return Number(n);
}

const count = async (db: Db, t: string): Promise<number> => Number((await db.rows<{ n: string }>(`SELECT count(*) AS n FROM ${t}`))[0]!.n);

describe('sluice run: PostgreSQL → JdbcSourceConnector → Kafka → JdbcSinkConnector → PostgreSQL', { timeout: 600_000 }, () => {
  let db: Db;
  const tables: string[] = [];
  const dirs: string[] = [];
  before(async () => {
    db = await openDb('postgresql');
  });
  after(async () => {
    await dropTables(db, ...tables);
    await db.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function tablesFor(prefix: string): Promise<{ src: string; dst: string }> {
    const src = tableName(`${prefix}_src`);
    const dst = tableName(`${prefix}_dst`);
    tables.push(src, dst);
    await db.exec(`CREATE TABLE ${src} (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(30,10), big bigint, at timestamptz(3), raw bytea, doc jsonb)`);
    await db.exec(`CREATE TABLE ${dst} (LIKE ${src} INCLUDING ALL)`);
    return { src, dst };
  }

  test('every row arrives, equal to the original', async () => {
    const { src, dst } = await tablesFor('e2e');
    await fill(db, src, 1, 5000);
    const dir = tempDir('jdbc-e2e');
    dirs.push(dir);
    const file = writeJson(dir, 'pipeline.json', pipeline(dir, src, dst, `${uniqueName('jdbc')}-`));
    const r = await sluiceToEnd(['run', file, '--view', 'json', '--no-rest', '--until-idle', '--idle-ms', '4000']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await count(db, dst), 5000);
    assert.equal(await differences(db, src, dst), 0);
  });

  test('upsert is exactly-once in effect: the worker killed mid-run and restarted leaves target = source', async () => {
    const { src, dst } = await tablesFor('e2e_kill');
    const N = 150_000;
    await fill(db, src, 1, N);
    const dir = tempDir('jdbc-e2e-kill');
    dirs.push(dir);
    const file = writeJson(dir, 'pipeline.json', pipeline(dir, src, dst, `${uniqueName('jdbckill')}-`));
    const first = sluice(['run', file, '--view', 'json', '--no-rest', '--keep-running']);
    let copiedAtKill = 0;
    try {
      await until(async () => (await count(db, dst)) >= 2000, 'the sink to write its first rows', 120_000);
    } finally {
      first.child.kill('SIGKILL');
      await first.exited;
      copiedAtKill = await count(db, dst);
    }
    assert.ok(copiedAtKill < N, `killed mid-run (${copiedAtKill} of ${N} copied)`);
    // Rows written while the worker was down are picked up too.
    await fill(db, src, N + 1, N + 1000);
    // The restarted sink rejoins the consumer group once the killed member's session expired; wait for it.
    const second = sluice(['run', file, '--view', 'json', '--no-rest', '--keep-running']);
    try {
      await until(async () => (await count(db, dst)) >= N + 1000, 'the restarted worker to copy every row', 240_000);
      await new Promise((r) => setTimeout(r, 1500));
    } finally {
      second.child.kill('SIGTERM');
    }
    const exit = await second.exited;
    assert.equal(exit.code, 0, second.stderr());
    assert.equal(await count(db, dst), N + 1000);
    assert.equal(await differences(db, src, dst), 0);
  });
});
