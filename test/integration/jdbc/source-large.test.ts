// A 1,000,000-row table read through the JDBC source with flat memory: rows are pulled from a server-side cursor
// (pg-cursor / mysql2 streaming) batch by batch, never the whole result set. Peak RSS is reported; the assertion only
// bounds its growth far below what holding the table would take (~1 GB of JS objects). No timing is asserted.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SourceHarness, connectionConfig, dropTables, openDb, tableName, type Db, type Kind } from './harness.js';

const ROWS = 1_000_000;
const MiB = 1024 * 1024;

for (const kind of ['postgresql', 'mysql'] as Kind[]) {
  describe(`1M-row table on ${kind}`, { timeout: 600_000 }, () => {
    let db: Db;
    const t = tableName('src_large');
    before(async () => {
      db = await openDb(kind);
      if (kind === 'postgresql') {
        await db.exec(`CREATE TABLE ${t} (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(12,2), created timestamptz NOT NULL, payload text)`);
        await db.exec(`INSERT INTO ${t} SELECT g, 'name-' || g, (g % 100000) / 100.0, timestamptz '2024-01-01' + g * interval '1 second', repeat(md5(g::text), 3) FROM generate_series(1, ${ROWS}) g`);
      } else {
        await db.exec(`CREATE TABLE ${t} (id BIGINT PRIMARY KEY, name VARCHAR(40) NOT NULL, amount DECIMAL(12,2), created DATETIME(6) NOT NULL, payload TEXT)`);
        await db.exec(`INSERT INTO ${t} SELECT seq, CONCAT('name-', seq), (seq % 100000) / 100.0, TIMESTAMPADD(SECOND, seq, '2024-01-01'), REPEAT(MD5(seq), 3) FROM seq_1_to_${ROWS}`);
      }
    });
    after(async () => {
      await dropTables(db, t);
      await db.close();
    });

    test('bulk read of every row with flat memory', async (ctx) => {
      global.gc?.();
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const h = await SourceHarness.start({ ...connectionConfig(kind), mode: 'bulk', 'table.whitelist': t, 'poll.interval.ms': '600000' });
      const started = Date.now();
      let count = 0;
      let lastId = 0;
      try {
        while (count < ROWS) {
          const batch = await h.pollOnce();
          for (const r of batch) {
            const id = Number((r.value as { get(n: string): unknown }).get('id'));
            if (id !== lastId + 1) assert.fail(`row ${id} after ${lastId}`);
            lastId = id;
          }
          count += batch.length;
          if (batch.length > 1000) assert.fail(`a poll returned ${batch.length} rows (batch.max.rows is 1000)`);
          const rss = process.memoryUsage().rss;
          if (rss > peak) peak = rss;
        }
      } finally {
        await h.stop();
      }
      const seconds = (Date.now() - started) / 1000;
      ctx.diagnostic(`${kind}: ${count} rows in ${seconds.toFixed(1)} s (${Math.round(count / seconds)} rows/s); RSS baseline ${(baseline / MiB).toFixed(0)} MiB, peak ${(peak / MiB).toFixed(0)} MiB (+${((peak - baseline) / MiB).toFixed(0)} MiB)`);
      assert.equal(count, ROWS);
      assert.ok(peak - baseline < 256 * MiB, `RSS grew by ${((peak - baseline) / MiB).toFixed(0)} MiB`);
    });
  });
}
