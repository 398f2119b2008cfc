// JDBC source against real PostgreSQL and MariaDB: every mode, rows inserted and updated while it runs, restarts
// from stored offsets, the late-committing transaction in timestamp mode, custom queries, task splitting and new
// tables picked up by reconfiguration.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { SourceRecord } from '../../../src/data/index.js';
import {
  KINDS, OffsetStore, SourceHarness, connectionConfig, dropTables, field, openDb, tableName, type Db, type Kind,
} from './harness.js';

function ddl(db: Db, t: string): string {
  return db.kind === 'postgresql'
    ? `CREATE TABLE ${db.q(t)} (id SERIAL PRIMARY KEY, name TEXT, updated TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp())`
    : `CREATE TABLE ${db.q(t)} (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100), updated TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6))`;
}
const nowExpr = (db: Db): string => (db.kind === 'postgresql' ? 'clock_timestamp()' : 'CURRENT_TIMESTAMP(6)');

async function insert(db: Db, t: string, ...names: string[]): Promise<void> {
  for (const n of names) await db.exec(`INSERT INTO ${db.q(t)} (name) VALUES (${db.p(1)})`, [n]);
}

const names = (rs: SourceRecord[]): string[] => rs.map((r) => String(field(r, 'name')));

for (const kind of KINDS) {
  describe(`JDBC source on ${kind}`, { timeout: 120_000 }, () => {
    let db: Db;
    const tables: string[] = [];
    const newTable = (p: string): string => {
      const t = tableName(p);
      tables.push(t);
      return t;
    };
    const base = (extra: Record<string, string>): Record<string, string> => ({
      ...connectionConfig(kind), 'poll.interval.ms': '100', 'topic.prefix': 'jdbc-', ...extra,
    });

    before(async () => {
      db = await openDb(kind);
    });
    after(async () => {
      await dropTables(db, ...tables);
      await db.close();
    });

    test('bulk mode re-reads the whole table every poll interval; no offsets are stored', async () => {
      const t = newTable('src_bulk');
      await db.exec(ddl(db, t));
      await insert(db, t, 'a', 'b');
      const h = await SourceHarness.start(base({ mode: 'bulk', 'table.whitelist': t }));
      try {
        const first = await h.pollUntil((rs) => rs.length >= 2);
        assert.deepEqual(names(first).sort(), ['a', 'b']);
        assert.equal(first[0]!.topic, `jdbc-${t}`);
        assert.deepEqual(first[0]!.sourcePartition, { table: t });
        assert.equal(first[0]!.sourceOffset, null);
        assert.equal(first[0]!.key, null);
        assert.equal(first[0]!.valueSchema!.name, t);
        await insert(db, t, 'c');
        const second = await h.pollUntil((rs) => rs.length >= 3);
        assert.deepEqual(names(second).sort(), ['a', 'b', 'c']);
        assert.equal(h.offsets.map.size, 0);
      } finally {
        await h.stop();
      }
    });

    test('incrementing: picks up rows inserted while running; a restart resumes from the stored offset', async () => {
      const t = newTable('src_inc');
      await db.exec(ddl(db, t));
      await insert(db, t, 'a', 'b', 'c');
      const offsets = new OffsetStore();
      const config = base({ mode: 'incrementing', 'incrementing.column.name': 'id', 'table.whitelist': t, 'batch.max.rows': '2' });
      let h = await SourceHarness.start(config, { offsets });
      try {
        const first = await h.pollUntil((rs) => rs.length >= 3);
        assert.deepEqual(names(first), ['a', 'b', 'c']);
        assert.deepEqual(first.map((r) => r.sourceOffset), [{ incrementing: 1 }, { incrementing: 2 }, { incrementing: 3 }]);
        assert.deepEqual(first[0]!.sourcePartition, { protocol: '1', table: db.fqn(t) });
        await insert(db, t, 'd');
        // An update is invisible in incrementing mode (as in Confluent's).
        await db.exec(`UPDATE ${db.q(t)} SET name = 'a2' WHERE id = 1`);
        const more = await h.pollUntil((rs) => rs.length >= 1);
        assert.deepEqual(names(more), ['d']);
        assert.deepEqual(await h.pollFor(400), []);
      } finally {
        await h.stop();
      }
      await insert(db, t, 'e', 'f');
      h = await SourceHarness.start(config, { offsets });
      try {
        const resumed = await h.pollUntil((rs) => rs.length >= 2);
        assert.deepEqual(names(resumed), ['e', 'f']);
        assert.deepEqual(resumed.at(-1)!.sourceOffset, { incrementing: 6 });
      } finally {
        await h.stop();
      }
    });

    test('incrementing with the auto-increment column detected (incrementing.column.name empty)', async () => {
      const t = newTable('src_auto');
      await db.exec(ddl(db, t));
      await insert(db, t, 'a');
      const h = await SourceHarness.start(base({ mode: 'incrementing', 'table.whitelist': t }));
      try {
        const rs = await h.pollUntil((x) => x.length >= 1);
        assert.deepEqual(rs[0]!.sourceOffset, { incrementing: 1 });
      } finally {
        await h.stop();
      }
    });

    test('timestamp: inserted and updated rows while running; restart from the stored offset', async () => {
      const t = newTable('src_ts');
      await db.exec(ddl(db, t));
      await insert(db, t, 'a', 'b');
      const offsets = new OffsetStore();
      const config = base({ mode: 'timestamp', 'timestamp.column.name': 'updated', 'table.whitelist': t });
      let h = await SourceHarness.start(config, { offsets });
      try {
        const first = await h.pollUntil((rs) => rs.length >= 2);
        assert.deepEqual(names(first), ['a', 'b']);
        const off = first[1]!.sourceOffset as Record<string, number>;
        assert.deepEqual(Object.keys(off), ['timestamp_nanos', 'timestamp']);
        // timestamp holds the milliseconds, timestamp_nanos the whole fraction of the second (microseconds here).
        assert.equal(Math.floor(off.timestamp_nanos / 1_000_000), ((off.timestamp % 1000) + 1000) % 1000);
        assert.equal(off.timestamp_nanos % 1000, 0);
        await db.exec(`UPDATE ${db.q(t)} SET name = 'a2', updated = ${nowExpr(db)} WHERE name = 'a'`);
        await insert(db, t, 'c');
        const more = await h.pollUntil((rs) => rs.length >= 2);
        assert.deepEqual(names(more), ['a2', 'c']);
      } finally {
        await h.stop();
      }
      await db.exec(`UPDATE ${db.q(t)} SET name = 'b2', updated = ${nowExpr(db)} WHERE name = 'b'`);
      h = await SourceHarness.start(config, { offsets });
      try {
        const resumed = await h.pollUntil((rs) => rs.length >= 1);
        assert.deepEqual(names(resumed), ['b2']);
        assert.deepEqual(await h.pollFor(300), []);
      } finally {
        await h.stop();
      }
    });

    test('timestamp: a restart in the middle of rows sharing one timestamp loses none of them', async () => {
      const t = newTable('src_tseq');
      await db.exec(ddl(db, t));
      for (const n of ['r1', 'r2', 'r3', 'r4', 'r5']) {
        await db.exec(`INSERT INTO ${db.q(t)} (name, updated) VALUES (${db.p(1)}, '2024-03-01 10:00:00')`, [n]);
      }
      const offsets = new OffsetStore();
      const config = base({ mode: 'timestamp', 'timestamp.column.name': 'updated', 'table.whitelist': t, 'batch.max.rows': '2' });
      let h = await SourceHarness.start(config, { offsets });
      let firstBatch: SourceRecord[];
      try {
        firstBatch = await h.pollUntil((rs) => rs.length >= 1);
      } finally {
        await h.stop();
      }
      assert.ok(firstBatch.length < 5);
      h = await SourceHarness.start(config, { offsets });
      try {
        const rest = await h.pollUntil((rs) => new Set(names(rs)).size >= 5);
        assert.deepEqual([...new Set(names(rest))].sort(), ['r1', 'r2', 'r3', 'r4', 'r5']);
        assert.equal(h.offsets.map.size, 1);
        const off = [...h.offsets.map.values()][0]!;
        assert.equal(off.timestamp, Date.UTC(2024, 2, 1, 10));
      } finally {
        await h.stop();
      }
    });

    test('timestamp+incrementing: rows with equal timestamps, updates, restart', async () => {
      const t = newTable('src_tsinc');
      await db.exec(ddl(db, t));
      for (const n of ['a', 'b', 'c']) {
        await db.exec(`INSERT INTO ${db.q(t)} (name, updated) VALUES (${db.p(1)}, '2024-03-01 10:00:00.250')`, [n]);
      }
      const offsets = new OffsetStore();
      const config = base({ mode: 'timestamp+incrementing', 'timestamp.column.name': 'updated', 'incrementing.column.name': 'id', 'table.whitelist': t, 'batch.max.rows': '2' });
      let h = await SourceHarness.start(config, { offsets });
      try {
        const first = await h.pollUntil((rs) => rs.length >= 1);
        assert.deepEqual(names(first), ['a', 'b']);
        assert.deepEqual(first[1]!.sourceOffset, { timestamp_nanos: 250_000_000, incrementing: 2, timestamp: Date.UTC(2024, 2, 1, 10, 0, 0, 250) });
      } finally {
        await h.stop();
      }
      await db.exec(`UPDATE ${db.q(t)} SET name = 'a2', updated = ${nowExpr(db)} WHERE name = 'a'`);
      h = await SourceHarness.start(config, { offsets });
      try {
        const rest = await h.pollUntil((rs) => rs.length >= 2);
        assert.deepEqual(names(rest), ['c', 'a2']);
        await insert(db, t, 'd');
        assert.deepEqual(names(await h.pollUntil((rs) => rs.length >= 1)), ['d']);
      } finally {
        await h.stop();
      }
    });

    test('timestamp with several columns uses COALESCE', async () => {
      const t = newTable('src_coal');
      await db.exec(kind === 'postgresql'
        ? `CREATE TABLE ${db.q(t)} (id SERIAL PRIMARY KEY, name TEXT, modified TIMESTAMPTZ, created TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp())`
        : `CREATE TABLE ${db.q(t)} (id INT AUTO_INCREMENT PRIMARY KEY, name TEXT, modified TIMESTAMP(6) NULL, created TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6))`);
      await insert(db, t, 'a');
      const h = await SourceHarness.start(base({ mode: 'timestamp', 'timestamp.column.name': 'modified,created', 'table.whitelist': t }));
      try {
        assert.deepEqual(names(await h.pollUntil((rs) => rs.length >= 1)), ['a']);
        await db.exec(`UPDATE ${db.q(t)} SET name = 'a2', modified = ${nowExpr(db)}`);
        assert.deepEqual(names(await h.pollUntil((rs) => rs.length >= 1)), ['a2']);
      } finally {
        await h.stop();
      }
    });

    test('custom query with its own WHERE and JOIN in incrementing mode; query partition and topic', async () => {
      const t = newTable('src_q');
      await db.exec(ddl(db, t));
      await insert(db, t, 'keep1', 'skip', 'keep2');
      const query = `SELECT x.id, x.name FROM ${db.q(t)} x JOIN ${db.q(t)} y ON y.id = x.id WHERE x.name LIKE 'keep%'`;
      const offsets = new OffsetStore();
      const h = await SourceHarness.start(base({ mode: 'incrementing', 'incrementing.column.name': 'id', query, 'topic.prefix': 'q-topic' }), { offsets, maxTasks: 3 });
      try {
        assert.equal(h.tasks.length, 1);
        const rs = await h.pollUntil((x) => x.length >= 2);
        assert.deepEqual(names(rs), ['keep1', 'keep2']);
        assert.equal(rs[0]!.topic, 'q-topic');
        assert.deepEqual(rs[0]!.sourcePartition, { query: 'query' });
        assert.equal(rs[0]!.valueSchema!.name, undefined);
        await insert(db, t, 'keep3', 'skip2');
        assert.deepEqual(names(await h.pollUntil((x) => x.length >= 1)), ['keep3']);
        assert.deepEqual([...offsets.map.entries()], [['{"query":"query"}', { incrementing: 4 }]]);
      } finally {
        await h.stop();
      }
    });

    test('query.suffix is appended after ORDER BY', async () => {
      const t = newTable('src_sfx');
      await db.exec(ddl(db, t));
      await insert(db, t, 'a', 'b', 'c');
      const h = await SourceHarness.start(base({ mode: 'incrementing', 'incrementing.column.name': 'id', 'table.whitelist': t, 'query.suffix': 'LIMIT 1' }));
      try {
        assert.deepEqual(names(await h.pollUntil((x) => x.length >= 1)), ['a']);
        assert.deepEqual(names(await h.pollUntil((x) => x.length >= 1)), ['b']);
      } finally {
        await h.stop();
      }
    });

    test('late-committing transaction in timestamp mode: with timestamp.delay.interval.ms the row is not missed', async () => {
      const t = newTable('src_late');
      await db.exec(ddl(db, t));
      const run = async (delayMs: number): Promise<string[]> => {
        await db.exec(`DELETE FROM ${db.q(t)}`);
        const h = await SourceHarness.start(base({ mode: 'timestamp', 'timestamp.column.name': 'updated', 'table.whitelist': t, 'timestamp.delay.interval.ms': String(delayMs) }));
        const writer = await db.other();
        try {
          // A transaction stamps its row, then takes its time to commit ...
          await writer.exec(kind === 'postgresql' ? 'BEGIN' : 'START TRANSACTION');
          await writer.exec(`INSERT INTO ${db.q(t)} (name) VALUES ('late')`);
          await new Promise((r) => setTimeout(r, 50));
          // ... while a later row commits at once and is read.
          await insert(db, t, 'early');
          const seen = await h.pollFor(delayMs === 0 ? 600 : 300);
          await writer.exec('COMMIT');
          seen.push(...(await h.pollFor(delayMs + 1500)));
          return names(seen);
        } finally {
          await writer.close();
          await h.stop();
        }
      };
      // Without a delay the early row moves the offset past the late row's timestamp: it is lost (Confluent #1354).
      assert.deepEqual(await run(0), ['early']);
      // With a delay longer than the transaction, both arrive, in timestamp order.
      assert.deepEqual(await run(1500), ['late', 'early']);
    });

    test('tables are split over tasks in contiguous groups; a new table triggers reconfiguration', async () => {
      const prefix = tableName('src_split');
      const ts = [1, 2, 3].map((i) => `${prefix}_${i}`);
      tables.push(...ts, `${prefix}_4`);
      for (const x of ts) {
        await db.exec(ddl(db, x));
        await insert(db, x, `${x}-row`);
      }
      const cfg = base({ mode: 'incrementing', 'incrementing.column.name': 'id', 'table.include.list': `.*${prefix}_\\d`, 'table.poll.interval.ms': '200' });
      delete cfg['incrementing.column.name'];
      cfg['incrementing.column.mapping'] = `.*${prefix}_\\d:id`;
      const h = await SourceHarness.start(cfg, { maxTasks: 2 });
      try {
        assert.equal(h.tasks.length, 2);
        const groups = h.taskConfigs.map((c) => c.tables);
        const q = (x: string): string => (kind === 'postgresql' ? `"public"."${x}"` : `\`test\`.\`${x}\``);
        assert.deepEqual(groups, [`${q(ts[0]!)},${q(ts[1]!)}`, q(ts[2]!)]);
        const rs = await h.pollUntil((x) => x.length >= 3);
        assert.deepEqual(rs.map((r) => r.topic).sort(), ts.map((x) => `jdbc-${x}`));
        await db.exec(ddl(db, `${prefix}_4`));
        const deadline = Date.now() + 5000;
        while (h.reconfigurations.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        assert.ok(h.reconfigurations.length >= 1, 'reconfiguration requested');
        await h.stopTasks();
        await h.startTasks(2);
        assert.deepEqual(h.taskConfigs.map((c) => c.tables), [`${q(ts[0]!)},${q(ts[1]!)}`, `${q(ts[2]!)},${q(`${prefix}_4`)}`]);
        await insert(db, `${prefix}_4`, 'new-table-row');
        const after = await h.pollUntil((x) => x.some((r) => field(r, 'name') === 'new-table-row'));
        assert.ok(after.every((r) => r.topic === `jdbc-${prefix}_4`), 'old tables resume from their offsets');
      } finally {
        await h.stop();
      }
    });

    test('column checks at task start: missing and nullable incrementing columns fail clearly', async () => {
      const t = newTable('src_chk');
      await db.exec(`CREATE TABLE ${db.q(t)} (id INT, name TEXT)`);
      await assert.rejects(
        SourceHarness.start(base({ mode: 'incrementing', 'incrementing.column.name': 'nope', 'table.whitelist': t })),
        /Incrementing column nope not found/,
      );
      await assert.rejects(
        SourceHarness.start(base({ mode: 'incrementing', 'incrementing.column.name': 'id', 'table.whitelist': t })),
        /nullable/,
      );
      const h = await SourceHarness.start(base({ mode: 'incrementing', 'incrementing.column.name': 'ID', 'table.whitelist': t, 'validate.non.null': 'false' }));
      await h.stop();
    });
  });
}

describe('JDBC source config validation', () => {
  test('mode is required and legacy keys do not mix with include lists', async () => {
    const { JdbcSourceConnector } = await import('../../../src/connectors/jdbc/index.js');
    const c = new JdbcSourceConnector();
    const v = c.validate({ ...connectionConfig('postgresql' as Kind), 'table.whitelist': 'a', 'table.include.list': 'b' });
    assert.match(v.get('mode')!.errorMessages.join(), /mode must be one of/);
    assert.match(v.get('table.include.list')!.errorMessages.join(), /Cannot mix/);
    const q = c.validate({ ...connectionConfig('postgresql' as Kind), mode: 'bulk', query: 'select 1', 'table.whitelist': 'a' });
    assert.match(q.get('table.whitelist')!.errorMessages.join(), /cannot be used with query/);
  });
});
