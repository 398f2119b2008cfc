/**
 * JDBC source throughput from a PostgreSQL table (default 1,000,000 rows), beside the database's own limit in the
 * same run:
 *   1. COPY (SELECT * FROM t) TO STDOUT — rows as fast as PostgreSQL can produce them (text, no parsing);
 *   2. pg-cursor with pg's own type parsers, 1000 rows per fetch — the driver alone;
 *   3. JdbcSourceTask.poll through the plugin API (bulk mode, batch.max.rows 1000) — Connect records (Struct,
 *      exact decimals, timestamps) ready for a converter;
 *   4. the same plus JsonConverter (schemas on) — the bytes a pipeline would send to Kafka.
 * Peak RSS is sampled per path. Needs PostgreSQL: `bash scripts/stack.sh up`.
 *
 *   node --import tsx bench/jdbc-source.ts [rows=1000000]
 */
import pg from 'pg';
import Cursor from 'pg-cursor';
import { to as copyTo } from 'pg-copy-streams';
import { JsonConverter } from '../src/converters/index.js';
import { JdbcSourceTask } from '../src/connectors/jdbc/index.js';
import type { SourceRecord } from '../src/data/index.js';
import { PG_CONFIG, uniqueName } from '../test/support/services.js';
import { MiB, RssSampler, countArg, table } from './pipeline-support.js';

process.env.SLUICE_JDBC_QUIET = '1';
const total = countArg(2, 1_000_000);
const t = uniqueName('bench_jdbc_src');
const admin = new pg.Client({ ...PG_CONFIG });
await admin.connect();
console.log(`creating ${t} with ${total} rows (id bigint, name text, amount numeric(12,2), created timestamptz, active boolean, payload text)…`);
await admin.query(`CREATE TABLE ${t} (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(12,2), created timestamptz NOT NULL, active boolean, payload text)`);
await admin.query(`INSERT INTO ${t} SELECT g, 'name-' || (g % 1000), (g % 100000) / 100.0, timestamptz '2024-01-01' + g * interval '1 second', g % 2 = 0, md5(g::text) FROM generate_series(1, ${total}) g`);
await admin.query(`VACUUM ANALYZE ${t}`);
const [{ size }] = (await admin.query(`SELECT pg_size_pretty(pg_total_relation_size('${t}')) AS size`)).rows as Array<{ size: string }>;
console.log(`table size ${size}`);

const rss = new RssSampler();
const rows: Array<Record<string, string | number>> = [];
async function measure(path: string, run: () => Promise<number>): Promise<void> {
  global.gc?.();
  rss.reset();
  const start = performance.now();
  const n = await run();
  const seconds = (performance.now() - start) / 1000;
  if (n !== total) throw new Error(`${path}: read ${n} rows, expected ${total}`);
  rows.push({ path, rows: n, seconds: Number(seconds.toFixed(2)), 'rows/s': Math.round(n / seconds), 'peak RSS MiB': Math.round(rss.peak() / MiB) });
}

try {
  await measure('COPY … TO STDOUT (database limit)', async () => {
    const c = new pg.Client({ ...PG_CONFIG });
    await c.connect();
    let n = 0;
    try {
      const stream = c.query(copyTo(`COPY (SELECT * FROM ${t}) TO STDOUT`));
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
      }
    } finally {
      await c.end();
    }
    return n;
  });

  await measure('pg-cursor, pg type parsers (driver only)', async () => {
    const c = new pg.Client({ ...PG_CONFIG });
    await c.connect();
    let n = 0;
    try {
      const cursor = c.query(new Cursor(`SELECT * FROM ${t}`));
      for (;;) {
        const batch = await cursor.read(1000);
        if (batch.length === 0) break;
        n += batch.length;
      }
      await cursor.close();
    } finally {
      await c.end();
    }
    return n;
  });

  const runSource = async (onBatch: (b: SourceRecord[]) => void): Promise<number> => {
    const config = {
      'connection.url': `jdbc:postgresql://${PG_CONFIG.host}:${PG_CONFIG.port}/${PG_CONFIG.database}`,
      'connection.user': PG_CONFIG.user, 'connection.password': PG_CONFIG.password,
      mode: 'bulk', tables: `"public"."${t}"`, 'table.whitelist': t, 'poll.interval.ms': '3600000', 'topic.prefix': 'bench-',
    };
    const task = new JdbcSourceTask();
    task.initialize({ configs: () => config, offsetStorageReader: { offset: async () => null, offsets: async (ps) => new Map(ps.map((p) => [p, null])) } });
    await task.start(config);
    const ac = new AbortController();
    let n = 0;
    try {
      while (n < total) {
        const batch = await task.poll(ac.signal);
        if (batch) {
          onBatch(batch);
          n += batch.length;
        }
      }
    } finally {
      await task.stop();
    }
    return n;
  };

  await measure('JdbcSourceTask.poll (Connect records)', () => runSource(() => {}));

  const converter = new JsonConverter({ 'schemas.enable': true }, false);
  let bytes = 0;
  await measure('JdbcSourceTask.poll + JsonConverter', () => runSource((b) => {
    for (const r of b) bytes += converter.fromConnectData(r.topic, r.valueSchema, r.value)!.length;
  }));
  console.log(`JsonConverter output: ${(bytes / MiB).toFixed(0)} MiB`);
} finally {
  rss.stop();
  await admin.query(`DROP TABLE IF EXISTS ${t}`);
  await admin.end();
}

console.log(`\nJDBC source, ${total} rows from PostgreSQL (node ${process.version})`);
table(rows);
