/**
 * JDBC sink throughput into PostgreSQL (default 1,000,000 rows), beside the database's own limit in the same run:
 *   1. COPY … FROM STDIN of the same rows as text, straight through pg-copy-streams — the database limit;
 *   2. JdbcSinkTask.put, insert.mode=insert (COPY inside one transaction per put, values checked and encoded);
 *   3. JdbcSinkTask.put, insert.mode=upsert into an empty table (multi-row INSERT … ON CONFLICT DO UPDATE);
 *   4. the same upsert again over the existing rows (every row an update).
 * Records are built batch by batch (3000 per put, as batch.size), so RSS reflects the sink, not the input.
 * Needs PostgreSQL: `bash scripts/stack.sh up`.
 *
 *   node --import tsx bench/jdbc-sink.ts [rows=1000000]
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { JdbcSinkTask } from '../src/connectors/jdbc/index.js';
import {
  BigDecimal, Decimal, LogicalTimestamp, Schema, SchemaBuilder, SinkRecord, Struct,
} from '../src/data/index.js';
import type { SinkTaskContext } from '../src/connectors/api/index.js';
import { PG_CONFIG, uniqueName } from '../test/support/services.js';
import { MiB, RssSampler, countArg, table } from './pipeline-support.js';

process.env.SLUICE_JDBC_QUIET = '1';
const total = countArg(2, 1_000_000);
const BATCH = 3000;
const base = uniqueName('bench_jdbc_sink');

const VALUE = SchemaBuilder.struct().name('bench.Order')
  .field('id', Schema.INT64).field('name', Schema.STRING).field('amount', Decimal.builder(2).build())
  .field('created', LogicalTimestamp.builder().build()).field('active', Schema.BOOLEAN).build();
const KEY = SchemaBuilder.struct().field('id', Schema.INT64).build();
const T0 = Date.UTC(2024, 0, 1);

function* batches(round: number): Generator<SinkRecord[]> {
  for (let start = 0; start < total; start += BATCH) {
    const out: SinkRecord[] = [];
    for (let n = start; n < Math.min(total, start + BATCH); n++) {
      const v = new Struct(VALUE).put('id', n).put('name', `name-${n % 1000}-${round}`)
        .put('amount', new BigDecimal(BigInt(n % 100000), 2)).put('created', new Date(T0 + n * 1000)).put('active', n % 2 === 0);
      out.push(new SinkRecord({ topic: 'orders', kafkaPartition: 0, kafkaOffset: n, keySchema: KEY, key: new Struct(KEY).put('id', n), valueSchema: VALUE, value: v }));
    }
    yield out;
  }
}

const ddl = (t: string) => `CREATE TABLE ${t} (id bigint PRIMARY KEY, name text NOT NULL, amount numeric NOT NULL, created timestamp NOT NULL, active boolean NOT NULL)`;
const admin = new pg.Client({ ...PG_CONFIG });
await admin.connect();
const rss = new RssSampler();
const rows: Array<Record<string, string | number>> = [];
const tables: string[] = [];

async function measure(path: string, table: string, run: () => Promise<void>): Promise<void> {
  global.gc?.();
  rss.reset();
  const start = performance.now();
  await run();
  const seconds = (performance.now() - start) / 1000;
  const [{ n }] = (await admin.query(`SELECT count(*)::int AS n FROM ${table}`)).rows as Array<{ n: number }>;
  if (n !== total) throw new Error(`${path}: ${n} rows in ${table}, expected ${total}`);
  rows.push({ path, rows: total, seconds: Number(seconds.toFixed(2)), 'rows/s': Math.round(total / seconds), 'peak RSS MiB': Math.round(rss.peak() / MiB) });
}

function sinkTask(t: string, mode: string): { task: JdbcSinkTask; config: Record<string, string> } {
  const config = {
    'connection.url': `jdbc:postgresql://${PG_CONFIG.host}:${PG_CONFIG.port}/${PG_CONFIG.database}`,
    'connection.user': PG_CONFIG.user, 'connection.password': PG_CONFIG.password,
    'table.name.format': t, 'insert.mode': mode, 'pk.mode': 'record_key', 'batch.size': String(BATCH),
  };
  const task = new JdbcSinkTask();
  const ctx: SinkTaskContext = {
    configs: () => config, offset() {}, timeout() {}, assignment: () => [], pause() {}, resume() {}, requestCommit() {},
    errantRecordReporter: null,
  };
  task.initialize(ctx);
  return { task, config };
}

async function runSink(t: string, mode: string, round: number): Promise<void> {
  const { task, config } = sinkTask(t, mode);
  await task.start(config);
  try {
    for (const b of batches(round)) await task.put(b);
  } finally {
    await task.stop();
  }
}

try {
  const copyT = `${base}_copy`;
  const insT = `${base}_insert`;
  const upsT = `${base}_upsert`;
  for (const t of [copyT, insT, upsT]) {
    tables.push(t);
    await admin.query(ddl(t));
  }

  await measure('COPY … FROM STDIN (database limit)', copyT, async () => {
    const c = new pg.Client({ ...PG_CONFIG });
    await c.connect();
    try {
      function* lines(): Generator<string> {
        let buf = '';
        for (let n = 0; n < total; n++) {
          const ts = new Date(T0 + n * 1000).toISOString().replace('T', ' ').slice(0, 23);
          buf += `${n}\tname-${n % 1000}-0\t${new BigDecimal(BigInt(n % 100000), 2)}\t${ts}\t${n % 2 === 0 ? 't' : 'f'}\n`;
          if (buf.length > 65536) {
            yield buf;
            buf = '';
          }
        }
        if (buf) yield buf;
      }
      await pipeline(Readable.from(lines()), c.query(copyFrom(`COPY ${copyT} FROM STDIN`)));
    } finally {
      await c.end();
    }
  });

  await measure('JdbcSinkTask insert (COPY per put)', insT, () => runSink(insT, 'insert', 0));
  await measure('JdbcSinkTask upsert, new rows', upsT, () => runSink(upsT, 'upsert', 0));
  await measure('JdbcSinkTask upsert, every row updated', upsT, () => runSink(upsT, 'upsert', 1));
  const [{ changed }] = (await admin.query(`SELECT count(*)::int AS changed FROM ${upsT} WHERE name LIKE '%-1'`)).rows as Array<{ changed: number }>;
  if (changed !== total) throw new Error(`upsert updated ${changed} rows, expected ${total}`);
  const [{ diff }] = (await admin.query(`SELECT count(*)::int AS diff FROM (SELECT * FROM ${copyT} EXCEPT SELECT * FROM ${insT}) x`)).rows as Array<{ diff: number }>;
  if (diff !== 0) throw new Error(`the sink's rows differ from COPY's in ${diff} rows`);
} finally {
  rss.stop();
  for (const t of tables) await admin.query(`DROP TABLE IF EXISTS ${t}`);
  await admin.end();
}

console.log(`\nJDBC sink, ${total} rows into PostgreSQL, ${BATCH} records per put (node ${process.version})`);
table(rows);
