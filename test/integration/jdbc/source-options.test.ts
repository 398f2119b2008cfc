// JDBC source options beyond the modes: timestamp.initial, offsets written before protocol v1 (bare table name),
// quote.sql.identifiers=never, views through table.types, schema.pattern, and a query failure that fails the task.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { SourceRecord } from '../../../src/data/index.js';
import { OffsetStore, SourceHarness, connectionConfig, dropTables, field, openDb, tableName, type Db } from './harness.js';

const names = (rs: SourceRecord[]): string[] => rs.map((r) => String(field(r, 'name')));

describe('JDBC source options (PostgreSQL)', { timeout: 120_000 }, () => {
  let db: Db;
  const tables: string[] = [];
  const schema = tableName('src_schema');
  const base = (extra: Record<string, string>): Record<string, string> => ({ ...connectionConfig('postgresql'), 'poll.interval.ms': '100', ...extra });
  const newTable = async (p: string): Promise<string> => {
    const t = tableName(p);
    tables.push(t);
    await db.exec(`CREATE TABLE ${t} (id serial PRIMARY KEY, name text, updated timestamptz NOT NULL DEFAULT clock_timestamp())`);
    return t;
  };

  before(async () => {
    db = await openDb('postgresql');
    await db.exec(`CREATE SCHEMA ${schema}`);
  });
  after(async () => {
    await dropTables(db, ...tables);
    await db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.close();
  });

  test('timestamp.initial: -1 starts at the database clock; an epoch value starts there', async () => {
    const t = await newTable('opt_init');
    await db.exec(`INSERT INTO ${t} (name, updated) VALUES ('old', '2020-01-01'), ('mid', '2022-06-01')`);
    const h = await SourceHarness.start(base({ mode: 'timestamp', 'timestamp.column.name': 'updated', 'table.whitelist': t, 'timestamp.initial': '-1' }));
    try {
      assert.deepEqual(await h.pollFor(400), []);
      await db.exec(`INSERT INTO ${t} (name) VALUES ('new')`);
      assert.deepEqual(names(await h.pollUntil((x) => x.length >= 1)), ['new']);
    } finally {
      await h.stop();
    }
    const h2 = await SourceHarness.start(base({ mode: 'timestamp', 'timestamp.column.name': 'updated', 'table.whitelist': t, 'timestamp.initial': String(Date.UTC(2021, 0, 1)) }));
    try {
      assert.deepEqual(names(await h2.pollUntil((x) => x.length >= 2)), ['mid', 'new']);
    } finally {
      await h2.stop();
    }
  });

  test('an offset stored under the legacy bare-name partition (protocol v0) is found', async () => {
    const t = await newTable('opt_v0');
    await db.exec(`INSERT INTO ${t} (name) VALUES ('a'), ('b'), ('c')`);
    const offsets = new OffsetStore();
    offsets.map.set(JSON.stringify({ table: t }), { incrementing: 2 });
    const h = await SourceHarness.start(base({ mode: 'incrementing', 'incrementing.column.name': 'id', 'table.whitelist': t }), { offsets });
    try {
      const rs = await h.pollUntil((x) => x.length >= 1);
      assert.deepEqual(names(rs), ['c']);
      // New offsets go to the v1 partition.
      assert.deepEqual(offsets.map.get(JSON.stringify({ protocol: '1', table: `public.${t}` })), { incrementing: 3 });
    } finally {
      await h.stop();
    }
  });

  test('quote.sql.identifiers=never reads a table created unquoted, named in any case', async () => {
    const t = tableName('opt_never');
    tables.push(t);
    await db.exec(`CREATE TABLE ${t.toUpperCase()} (ID serial PRIMARY KEY, NAME text)`);
    await db.exec(`INSERT INTO ${t} (name) VALUES ('x')`);
    const h = await SourceHarness.start(base({ mode: 'incrementing', 'incrementing.column.name': 'ID', 'table.whitelist': t, 'quote.sql.identifiers': 'never' }));
    try {
      assert.deepEqual(names(await h.pollUntil((x) => x.length >= 1)), ['x']);
    } finally {
      await h.stop();
    }
  });

  test('views with table.types=VIEW; schema.pattern narrows the listing', async () => {
    const t = await newTable('opt_base');
    const v = `${t}_v`;
    await db.exec(`CREATE VIEW ${schema}.${v} AS SELECT id, name FROM ${t} WHERE name <> 'hidden'`);
    await db.exec(`INSERT INTO ${t} (name) VALUES ('shown'), ('hidden')`);
    const h = await SourceHarness.start(base({ mode: 'bulk', 'table.types': 'VIEW', 'schema.pattern': schema, 'topic.prefix': 'v-' }));
    try {
      assert.deepEqual(h.connector.tables.map(String), [`${schema}.${v}`]);
      const rs = await h.pollUntil((x) => x.length >= 1);
      assert.deepEqual(names(rs), ['shown']);
      assert.equal(rs[0]!.topic, `v-${v}`);
    } finally {
      await h.stop();
    }
  });

  test('a connection killed mid-cursor: the task reconnects and resumes after the last record it returned', async () => {
    const t = await newTable('opt_kill');
    await db.exec(`INSERT INTO ${t} (name) SELECT 'n' || g FROM generate_series(1, 50) g`);
    const h = await SourceHarness.start(base({ mode: 'incrementing', 'incrementing.column.name': 'id', 'table.whitelist': t, 'batch.max.rows': '10' }));
    try {
      const first = await h.pollUntil((x) => x.length >= 10);
      const killed = await db.rows(`SELECT pg_terminate_backend(pid) AS k FROM pg_stat_activity WHERE application_name = 'sluice-jdbc' AND query LIKE '%${t}%' AND query NOT LIKE '%pg_attribute%'`);
      assert.equal(killed.length, 1, 'the cursor session was terminated');
      const rest = await h.pollUntil((x) => x.length >= 40, 20_000);
      const ids = [...first, ...rest].map((r) => Number(field(r, 'id')));
      assert.deepEqual(ids, Array.from({ length: 50 }, (_, i) => i + 1));
    } finally {
      await h.stop();
    }
  });

  test('a query that cannot run (column dropped) fails the task with the database message', async () => {
    const t = await newTable('opt_fail');
    await db.exec(`INSERT INTO ${t} (name) VALUES ('a')`);
    const h = await SourceHarness.start(base({ mode: 'incrementing', 'incrementing.column.name': 'id', 'table.whitelist': t }));
    try {
      await h.pollUntil((x) => x.length >= 1);
      await db.exec(`ALTER TABLE ${t} RENAME COLUMN id TO ident`);
      await assert.rejects(h.pollFor(1000), /query of public\.\S+ failed.*column "id" does not exist/);
    } finally {
      await h.stop();
    }
  });
});
