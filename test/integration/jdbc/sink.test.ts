// JDBC sink against real PostgreSQL and MariaDB: every insert mode, every pk mode, deletes, auto-create,
// auto-evolve, schemaless records, bad records (failing with their coordinates or reported), one transaction per
// put, retries on connection loss.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { JdbcSinkConnector, JdbcSinkTask } from '../../../src/connectors/jdbc/index.js';
import { RetriableException, type ErrantRecordReporter } from '../../../src/connectors/api/index.js';
import {
  BigDecimal, DataException, Decimal, LogicalDate, LogicalTimestamp, Schema, SchemaBuilder, Struct, type SinkRecord,
} from '../../../src/data/index.js';
import {
  KINDS, RecordingReporter, connectionConfig, dropTables, openDb, sinkContext, sinkRecord, tableName, type Db, type Kind,
} from './harness.js';

const VALUE = SchemaBuilder.struct().name('person')
  .field('id', Schema.INT64)
  .field('name', Schema.OPTIONAL_STRING)
  .field('score', Decimal.builder(2).optional().build())
  .field('born', LogicalDate.builder().optional().build())
  .field('seen', LogicalTimestamp.builder().optional().build())
  .field('active', Schema.OPTIONAL_BOOLEAN)
  .build();
const KEY = SchemaBuilder.struct().name('person_key').field('id', Schema.INT64).build();

function person(id: number | bigint, name: string | null, extra: Partial<{ score: string; active: boolean }> = {}): Struct {
  const s = new Struct(VALUE).put('id', id).put('name', name);
  if (extra.score !== undefined) s.put('score', BigDecimal.parse(extra.score));
  if (extra.active !== undefined) s.put('active', extra.active);
  return s;
}

function rec(topic: string, id: number | bigint, name: string | null, opts: { tombstone?: boolean; offset?: number; score?: string } = {}): SinkRecord {
  return sinkRecord({
    topic,
    keySchema: KEY,
    key: new Struct(KEY).put('id', id),
    valueSchema: opts.tombstone ? null : VALUE,
    value: opts.tombstone ? null : person(id, name, opts.score ? { score: opts.score } : {}),
    ...(opts.offset !== undefined ? { offset: opts.offset } : {}),
  });
}

async function startSink(kind: Kind, extra: Record<string, string>, reporter: ErrantRecordReporter | null = null) {
  const config = { ...connectionConfig(kind), 'retry.backoff.ms': '10', ...extra };
  const task = new JdbcSinkTask();
  const ctx = sinkContext(config, { reporter });
  task.initialize(ctx);
  await task.start(config);
  return { task, ctx };
}

for (const kind of KINDS) {
  describe(`JDBC sink on ${kind}`, { timeout: 120_000 }, () => {
    let db: Db;
    const tables: string[] = [];
    const newTable = (p: string): string => {
      const t = tableName(p);
      tables.push(t);
      return t;
    };
    const rows = async (t: string, order = 'id'): Promise<Record<string, unknown>[]> =>
      db.rows(`SELECT * FROM ${db.q(t)} ORDER BY ${db.q(order)}`);
    const names = async (t: string): Promise<Array<[string, string | null]>> =>
      (await rows(t)).map((r) => [String(r.id), r.name as string | null]);

    before(async () => {
      db = await openDb(kind);
    });
    after(async () => {
      await dropTables(db, ...tables);
      await db.close();
    });

    test('insert with auto.create (pk.mode none): typed columns, one multi-row write', async () => {
      const t = newTable('snk_ins');
      const { task } = await startSink(kind, { 'auto.create': 'true' });
      try {
        const a = person(1, 'ann', { score: '12.50', active: true }).put('born', new Date(Date.UTC(1990, 4, 17))).put('seen', new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)));
        await task.put([
          sinkRecord({ topic: t, valueSchema: VALUE, value: a }),
          sinkRecord({ topic: t, valueSchema: VALUE, value: person(9007199254740993n, "o'brien\t\\\n", {}) }),
        ]);
        const got = await db.rows(`SELECT id, name, score, CAST(born AS CHAR(10)) AS born, CAST(seen AS CHAR(23)) AS seen FROM ${db.q(t)} ORDER BY id`);
        assert.equal(got.length, 2);
        assert.equal(String(got[0]!.score), '12.50');
        assert.equal(got[0]!.born, '1990-05-17');
        assert.equal(got[0]!.seen, '2024-01-02 03:04:05.678');
        assert.equal(String(got[1]!.id), '9007199254740993');
        assert.equal(got[1]!.name, "o'brien\t\\\n");
        const cols = await db.rows<{ column_name: string; is_nullable: string }>(
          `SELECT column_name AS column_name, is_nullable AS is_nullable FROM information_schema.columns WHERE table_name = ${db.p(1)} ORDER BY ordinal_position`, [t]);
        assert.deepEqual(cols.map((c) => [c.column_name, c.is_nullable]), [['id', 'NO'], ['name', 'YES'], ['score', 'YES'], ['born', 'YES'], ['seen', 'YES'], ['active', 'YES']]);
      } finally {
        await task.stop();
      }
    });

    test('missing table without auto.create fails, naming the table and the record', async () => {
      const t = newTable('snk_missing');
      const { task } = await startSink(kind, {});
      try {
        await assert.rejects(task.put([rec(t, 1, 'x', { offset: 77 })]), (e: unknown) => {
          assert.ok(e instanceof DataException);
          assert.match(e.message, /is missing and auto-creation is disabled/);
          assert.match(e.message, new RegExp(`topic=${t}, partition=0, offset=77`));
          return true;
        });
      } finally {
        await task.stop();
      }
    });

    test('pk.mode=kafka: __connect_* key columns; a redelivered record violates the key and is named', async () => {
      const t = newTable('snk_kafka');
      const { task } = await startSink(kind, { 'auto.create': 'true', 'pk.mode': 'kafka' });
      try {
        const r1 = sinkRecord({ topic: t, partition: 3, offset: 41, valueSchema: VALUE, value: person(1, 'a') });
        const r2 = sinkRecord({ topic: t, partition: 3, offset: 42, valueSchema: VALUE, value: person(2, 'b') });
        await task.put([r1, r2]);
        const got = await db.rows<Record<string, unknown>>(`SELECT * FROM ${db.q(t)} ORDER BY ${db.q('__connect_offset')}`);
        assert.deepEqual(got.map((r) => [r.__connect_topic, Number(r.__connect_partition), Number(r.__connect_offset), r.name]), [[t, 3, 41, 'a'], [t, 3, 42, 'b']]);
        await assert.rejects(task.put([r2]), (e: unknown) => {
          assert.ok(e instanceof DataException, String(e));
          assert.match(e.message, new RegExp(`topic=${t}, partition=3, offset=42`));
          return true;
        });
      } finally {
        await task.stop();
      }
    });

    test('upsert with pk.mode=record_key (struct key): inserts, updates, repeated keys within one put', async () => {
      const t = newTable('snk_ups');
      const { task } = await startSink(kind, { 'auto.create': 'true', 'insert.mode': 'upsert', 'pk.mode': 'record_key' });
      try {
        await task.put([rec(t, 1, 'a'), rec(t, 2, 'b')]);
        await task.put([rec(t, 2, 'b2'), rec(t, 3, 'c'), rec(t, 3, 'c2'), rec(t, 1, 'a2'), rec(t, 3, 'c3')]);
        assert.deepEqual(await names(t), [['1', 'a2'], ['2', 'b2'], ['3', 'c3']]);
        // Replaying the same batch changes nothing: upsert is idempotent.
        await task.put([rec(t, 2, 'b2'), rec(t, 3, 'c3')]);
        assert.deepEqual(await names(t), [['1', 'a2'], ['2', 'b2'], ['3', 'c3']]);
        const pk = kind === 'postgresql'
          ? await db.rows(`SELECT a.attname AS c FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = '${t}'::regclass AND i.indisprimary`)
          : await db.rows(`SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_NAME = '${t}' AND COLUMN_KEY = 'PRI'`);
        assert.deepEqual(pk.map((r) => r.c), ['id']);
      } finally {
        await task.stop();
      }
    });

    test('upsert into a table without a matching unique key fails at once with the reason (PostgreSQL)', { skip: kind !== 'postgresql' }, async () => {
      const t = newTable('snk_nouniq');
      await db.exec(`CREATE TABLE ${t} (id BIGINT, name TEXT)`);
      const { task, ctx } = await startSink(kind, { 'insert.mode': 'upsert', 'pk.mode': 'record_value', 'pk.fields': 'id', 'fields.whitelist': 'name' });
      try {
        await assert.rejects(task.put([rec(t, 1, 'a')]), /needs a primary key or unique constraint on exactly \(id\)/);
        assert.deepEqual(ctx.timeouts, [], 'not retried');
      } finally {
        await task.stop();
      }
    });

    test('upsert with pk.mode=record_key and a primitive key (pk.fields names the column)', async () => {
      const t = newTable('snk_prim');
      const { task } = await startSink(kind, { 'auto.create': 'true', 'insert.mode': 'upsert', 'pk.mode': 'record_key', 'pk.fields': 'k' });
      try {
        const vs = SchemaBuilder.struct().field('v', Schema.STRING).build();
        const r = (k: string, v: string) => sinkRecord({ topic: t, keySchema: Schema.STRING, key: k, valueSchema: vs, value: new Struct(vs).put('v', v) });
        await task.put([r('x', '1'), r('y', '2')]);
        await task.put([r('x', '3')]);
        assert.deepEqual((await rows(t, 'k')).map((x) => [x.k, x.v]), [['x', '3'], ['y', '2']]);
      } finally {
        await task.stop();
      }
    });

    test('upsert with pk.mode=record_value and pk.fields; fields.whitelist limits the other columns', async () => {
      const t = newTable('snk_val');
      await db.exec(kind === 'postgresql'
        ? `CREATE TABLE ${t} (id BIGINT PRIMARY KEY, name TEXT, score NUMERIC(10,2))`
        : `CREATE TABLE ${t} (id BIGINT PRIMARY KEY, name TEXT, score DECIMAL(10,2))`);
      const { task } = await startSink(kind, { 'insert.mode': 'upsert', 'pk.mode': 'record_value', 'pk.fields': 'id', 'fields.whitelist': 'name,score' });
      try {
        await task.put([sinkRecord({ topic: t, valueSchema: VALUE, value: person(5, 'e', { score: '1.25' }) })]);
        await task.put([sinkRecord({ topic: t, valueSchema: VALUE, value: person(5, 'e2', { score: '2.50' }) })]);
        const got = await rows(t);
        assert.deepEqual(got.map((r) => [String(r.id), r.name, String(r.score)]), [['5', 'e2', '2.50']]);
      } finally {
        await task.stop();
      }
    });

    test('update mode changes existing rows only', async () => {
      const t = newTable('snk_upd');
      const { task: creator } = await startSink(kind, { 'auto.create': 'true', 'pk.mode': 'record_key' });
      await creator.put([rec(t, 1, 'a'), rec(t, 2, 'b'), rec(t, 3, 'c')]);
      await creator.stop();
      const { task } = await startSink(kind, { 'insert.mode': 'update', 'pk.mode': 'record_key' });
      try {
        await task.put([rec(t, 1, 'a2'), rec(t, 3, 'c2'), rec(t, 4, 'new'), rec(t, 1, 'a3')]);
        assert.deepEqual(await names(t), [['1', 'a3'], ['2', 'b'], ['3', 'c2']]);
      } finally {
        await task.stop();
      }
    });

    test('delete.enabled: tombstones delete; delete then re-insert in one put keeps the order', async () => {
      const t = newTable('snk_del');
      const { task } = await startSink(kind, { 'auto.create': 'true', 'insert.mode': 'upsert', 'pk.mode': 'record_key', 'delete.enabled': 'true' });
      try {
        await task.put([rec(t, 1, 'a'), rec(t, 2, 'b'), rec(t, 3, 'c')]);
        await task.put([rec(t, 2, null, { tombstone: true }), rec(t, 3, null, { tombstone: true }), rec(t, 3, 'c-again'), rec(t, 4, 'd'), rec(t, 4, null, { tombstone: true })]);
        assert.deepEqual(await names(t), [['1', 'a'], ['3', 'c-again']]);
      } finally {
        await task.stop();
      }
    });

    test('delete.enabled requires pk.mode=record_key; a tombstone without deletes is a bad record', async () => {
      const c = new JdbcSinkConnector();
      const v = c.validate({ ...connectionConfig(kind), 'delete.enabled': 'true', 'pk.mode': 'record_value' });
      assert.match(v.get('delete.enabled')!.errorMessages.join(), /record_key/);
      assert.throws(() => c.start({ ...connectionConfig(kind), 'delete.enabled': 'true' }), /record_key/);
      const up = c.validate({ ...connectionConfig(kind), 'insert.mode': 'upsert' });
      assert.match(up.get('pk.mode')!.errorMessages.join(), /requires key field names/);
      const t = newTable('snk_tomb');
      const { task } = await startSink(kind, { 'auto.create': 'true' });
      try {
        await assert.rejects(task.put([rec(t, 1, null, { tombstone: true })]), /tombstone.*delete\.enabled/);
      } finally {
        await task.stop();
      }
    });

    test('auto.evolve adds optional and defaulted columns; refuses required ones clearly', async () => {
      const t = newTable('snk_evo');
      const { task } = await startSink(kind, { 'auto.create': 'true', 'auto.evolve': 'true', 'insert.mode': 'upsert', 'pk.mode': 'record_key' });
      try {
        await task.put([rec(t, 1, 'a')]);
        const v2 = SchemaBuilder.struct().name('person')
          .field('id', Schema.INT64).field('name', Schema.OPTIONAL_STRING)
          .field('nickname', Schema.OPTIONAL_STRING)
          .field('level', SchemaBuilder.int32().defaultValue(7).build())
          .build();
        await task.put([sinkRecord({ topic: t, keySchema: KEY, key: new Struct(KEY).put('id', 2), valueSchema: v2, value: new Struct(v2).put('id', 2).put('name', 'b').put('nickname', 'bee') })]);
        const got = await rows(t);
        assert.deepEqual(got.map((r) => [String(r.id), r.nickname, Number(r.level)]), [['1', null, 7], ['2', 'bee', 7]]);
        const v3 = SchemaBuilder.struct().name('person').field('id', Schema.INT64).field('must', Schema.STRING).build();
        await assert.rejects(
          task.put([sinkRecord({ topic: t, keySchema: KEY, key: new Struct(KEY).put('id', 3), valueSchema: v3, value: new Struct(v3).put('id', 3).put('must', 'x') })]),
          /Cannot ALTER TABLE .* to add missing field must .*not optional and does not have a default value/,
        );
      } finally {
        await task.stop();
      }
      const { task: noEvolve } = await startSink(kind, { 'insert.mode': 'upsert', 'pk.mode': 'record_key' });
      try {
        const v4 = SchemaBuilder.struct().name('person').field('id', Schema.INT64).field('extra', Schema.OPTIONAL_STRING).build();
        await assert.rejects(
          noEvolve.put([sinkRecord({ topic: t, keySchema: KEY, key: new Struct(KEY).put('id', 4), valueSchema: v4, value: new Struct(v4).put('id', 4) })]),
          /missing fields \(extra.*\) and auto-evolution is disabled/,
        );
      } finally {
        await noEvolve.stop();
      }
    });

    test('schemaless records (JSON maps) into an existing table, matched by column name', async () => {
      const t = newTable('snk_json');
      await db.exec(kind === 'postgresql'
        ? `CREATE TABLE ${t} (id BIGINT PRIMARY KEY, "Name" TEXT, amount NUMERIC(12,2), tags JSONB, created TIMESTAMPTZ, flag BOOLEAN)`
        : `CREATE TABLE ${t} (id BIGINT PRIMARY KEY, Name TEXT, amount DECIMAL(12,2), tags JSON, created TIMESTAMP(3) NULL, flag TINYINT(1))`);
      const { task } = await startSink(kind, { 'insert.mode': 'upsert', 'pk.mode': 'record_value', 'pk.fields': 'id' });
      try {
        await task.put([
          sinkRecord({ topic: t, value: { id: 1, name: 'first', amount: 10.5, tags: { a: [1, 2] }, created: '2024-05-06T07:08:09.123Z', flag: true } }),
          sinkRecord({ topic: t, value: { id: 2, name: 'second', amount: '99999999.99' } }),
          sinkRecord({ topic: t, value: new Map<string, unknown>([['id', 1], ['name', 'first again']]) }),
        ]);
        const got = await rows(t);
        assert.deepEqual(got.map((r) => [String(r.id), r.Name ?? r.name, String(r.amount)]), [['1', 'first again', '10.50'], ['2', 'second', '99999999.99']]);
        const tags = got[0]!.tags;
        assert.deepEqual(typeof tags === 'string' ? JSON.parse(tags) : tags, { a: [1, 2] });
        const created = await db.rows(`SELECT CAST(created AS CHAR(23)) AS c FROM ${db.q(t)} WHERE id = 1`);
        assert.equal(created[0]!.c, '2024-05-06 07:08:09.123');
        // A field without a column is refused, naming it.
        await assert.rejects(task.put([sinkRecord({ topic: t, value: { id: 3, color: 'red' } })]), /no column for field\(s\) color/);
        // A schemaless record cannot create a table.
        await assert.rejects(task.put([sinkRecord({ topic: `${t}_nope`, value: { id: 1 } })]), /is missing/);
      } finally {
        await task.stop();
      }
    });

    test('bad values fail with topic, partition, offset and column — or go to the errant record reporter', async () => {
      const t = newTable('snk_bad');
      await db.exec(`CREATE TABLE ${t} (id INT PRIMARY KEY, code VARCHAR(5) NOT NULL, qty SMALLINT)`);
      const vs = SchemaBuilder.struct().field('id', Schema.INT32).field('code', Schema.STRING).field('qty', Schema.OPTIONAL_INT64).build();
      const r = (id: number, code: string, qty: number, offset: number) =>
        sinkRecord({ topic: t, partition: 2, offset, valueSchema: vs, value: new Struct(vs).put('id', id).put('code', code).put('qty', qty) });
      const { task } = await startSink(kind, { 'pk.mode': 'none' });
      try {
        await assert.rejects(task.put([r(1, 'ok', 1, 100), r(2, 'toolong', 1, 101)]), (e: unknown) => {
          assert.ok(e instanceof DataException);
          assert.deepEqual(e.context, { topic: t, partition: 2, offset: 101, path: 'code' });
          assert.match(e.message, /longer than 5 characters for column code/);
          return true;
        });
        await assert.rejects(task.put([r(3, 'ok', 70000, 102)]), /out of range for column qty.*offset=102, field=qty/);
        assert.equal((await rows(t)).length, 0, 'nothing of a failed put is written');
      } finally {
        await task.stop();
      }
      const reporter = new RecordingReporter();
      const { task: tolerant } = await startSink(kind, { 'pk.mode': 'none' }, reporter);
      try {
        // Includes one the checks cannot see (duplicate key): found by replaying the statement row by row.
        await tolerant.put([r(1, 'a', 1, 200), r(2, 'toolong', 1, 201), r(3, 'c', 1, 202), r(1, 'dup', 1, 203), r(4, 'd', 99999, 204)]);
        assert.deepEqual((await rows(t)).map((x) => [x.id, x.code]), [[1, 'a'], [3, 'c']]);
        assert.deepEqual(reporter.reported.map((x) => x.record.kafkaOffset), [201, 204, 203]);
        assert.ok(reporter.reported.every((x) => x.error instanceof DataException));
      } finally {
        await tolerant.stop();
      }
    });

    test('upsert and delete: a row the database refuses (CHECK) is isolated and reported; the rest is written', async () => {
      const t = newTable('snk_chk');
      await db.exec(`CREATE TABLE ${t} (id INT PRIMARY KEY, qty INT CHECK (qty >= 0))`);
      const vs = SchemaBuilder.struct().field('id', Schema.INT32).field('qty', Schema.INT32).build();
      const ks = SchemaBuilder.struct().field('id', Schema.INT32).build();
      const r = (id: number, qty: number | null, offset: number) => sinkRecord({
        topic: t, offset, keySchema: ks, key: new Struct(ks).put('id', id),
        valueSchema: qty === null ? null : vs, value: qty === null ? null : new Struct(vs).put('id', id).put('qty', qty),
      });
      const reporter = new RecordingReporter();
      const { task } = await startSink(kind, { 'insert.mode': 'upsert', 'pk.mode': 'record_key', 'delete.enabled': 'true' }, reporter);
      try {
        await task.put([r(1, 5, 300), r(2, -1, 301), r(3, 7, 302), r(4, 1, 303)]);
        await task.put([r(4, null, 304), r(3, -3, 305), r(1, 6, 306)]);
        assert.deepEqual((await rows(t)).map((x) => [x.id, x.qty]), [[1, 6], [3, 7]]);
        assert.deepEqual(reporter.reported.map((x) => x.record.kafkaOffset), [301, 305]);
        assert.match(String(reporter.reported[0]!.error.message), /offset=301/);
      } finally {
        await task.stop();
      }
    });

    test('batch.size splits statements; writes, deletes and re-inserts interleave correctly across flushes', async () => {
      const t = newTable('snk_bs');
      const { task } = await startSink(kind, { 'auto.create': 'true', 'insert.mode': 'upsert', 'pk.mode': 'record_key', 'delete.enabled': 'true', 'batch.size': '2' });
      try {
        const ops: SinkRecord[] = [];
        for (let i = 1; i <= 7; i++) ops.push(rec(t, i, `v${i}`));
        ops.push(rec(t, 2, null, { tombstone: true }), rec(t, 5, null, { tombstone: true }), rec(t, 5, 'five'), rec(t, 6, null, { tombstone: true }), rec(t, 7, 'seven'));
        await task.put(ops);
        assert.deepEqual(await names(t), [['1', 'v1'], ['3', 'v3'], ['4', 'v4'], ['5', 'five'], ['7', 'seven']]);
      } finally {
        await task.stop();
      }
    });

    test('db.timezone: Connect timestamps are written as wall-clock time of that zone into timestamp/DATETIME columns', async () => {
      const t = newTable('snk_tz');
      await db.exec(kind === 'postgresql'
        ? `CREATE TABLE ${t} (id INT PRIMARY KEY, local_ts TIMESTAMP(3), utc_ts TIMESTAMPTZ(3))`
        : `CREATE TABLE ${t} (id INT PRIMARY KEY, local_ts DATETIME(3), utc_ts TIMESTAMP(3) NULL)`);
      const vs = SchemaBuilder.struct().field('id', Schema.INT32).field('local_ts', LogicalTimestamp.schema()).field('utc_ts', LogicalTimestamp.schema()).build();
      const at = new Date(Date.UTC(2024, 6, 1, 10, 0, 0, 250));
      const { task } = await startSink(kind, { 'db.timezone': 'Asia/Tokyo' });
      try {
        await task.put([sinkRecord({ topic: t, valueSchema: vs, value: new Struct(vs).put('id', 1).put('local_ts', at).put('utc_ts', at) })]);
        const got = await db.rows(`SELECT CAST(local_ts AS CHAR(23)) AS l, ${kind === 'postgresql' ? `(utc_ts AT TIME ZONE 'UTC')::text` : 'CAST(utc_ts AS CHAR(23))'} AS u FROM ${db.q(t)}`);
        const norm = (v: unknown): string => String(v).trim().slice(0, 23).replace(/0+$/, '');
        assert.equal(norm(got[0]!.l), '2024-07-01 19:00:00.25');
        assert.equal(norm(got[0]!.u), '2024-07-01 10:00:00.25');
      } finally {
        await task.stop();
      }
    });

    test('quote.sql.identifiers=never writes unquoted identifiers (folded by the database)', async () => {
      const t = newTable('snk_never');
      const { task } = await startSink(kind, { 'auto.create': 'true', 'quote.sql.identifiers': 'never', 'table.name.format': t.toUpperCase() });
      try {
        const vs = SchemaBuilder.struct().field('Id', Schema.INT32).field('Name', Schema.STRING).build();
        await task.put([sinkRecord({ topic: 'x', valueSchema: vs, value: new Struct(vs).put('Id', 1).put('Name', 'n') })]);
        await task.put([sinkRecord({ topic: 'x', valueSchema: vs, value: new Struct(vs).put('Id', 2).put('Name', 'm') })]);
        const got = await db.rows(`SELECT * FROM ${kind === 'postgresql' ? t : t.toUpperCase()} ORDER BY 1`);
        assert.equal(got.length, 2);
      } finally {
        await task.stop();
      }
      if (kind === 'mysql') tables.push(t.toUpperCase());
    });

    test('table.name.format with ${topic}, and STRING values into one column', async () => {
      const t = newTable('snk_fmt');
      const { task } = await startSink(kind, { 'auto.create': 'true', 'table.name.format': `${t}_\${topic}` });
      tables.push(`${t}_events`);
      try {
        await task.put([sinkRecord({ topic: 'events', valueSchema: Schema.STRING, value: 'hello' })]);
        const got = await db.rows(`SELECT * FROM ${db.q(`${t}_events`)}`);
        assert.deepEqual(got.map((r) => r.record_value), ['hello']);
      } finally {
        await task.stop();
      }
    });

    test('each put is one transaction: a failure in a later table rolls back the earlier ones', async () => {
      const a = newTable('snk_txa');
      const b = newTable('snk_txb');
      await db.exec(`CREATE TABLE ${b} (id BIGINT PRIMARY KEY, name TEXT)`);
      await db.exec(`INSERT INTO ${b} (id, name) VALUES (1, 'existing')`);
      const { task } = await startSink(kind, { 'auto.create': 'true', 'pk.mode': 'record_value', 'pk.fields': 'id', 'fields.whitelist': 'name' });
      try {
        await assert.rejects(task.put([rec(a, 10, 'x'), rec(a, 11, 'y'), rec(b, 1, 'dup')]), DataException);
        assert.deepEqual(await db.rows(`SELECT * FROM ${db.q(a)}`), []);
      } finally {
        await task.stop();
      }
    });

    test('a lost connection is retried: RetriableException after context.timeout(retry.backoff.ms), then the redelivery succeeds', async () => {
      const t = newTable('snk_retry');
      await db.exec(`CREATE TABLE ${t} (id BIGINT PRIMARY KEY, name TEXT)`);
      const { task, ctx } = await startSink(kind, { 'pk.mode': 'record_value', 'pk.fields': 'id', 'fields.whitelist': 'name', 'max.retries': '2', 'retry.backoff.ms': '25' });
      const locker = await db.other();
      try {
        await locker.exec(kind === 'postgresql' ? 'BEGIN' : 'START TRANSACTION');
        await locker.exec(kind === 'postgresql' ? `LOCK TABLE ${t} IN ACCESS EXCLUSIVE MODE` : `LOCK TABLES ${t} WRITE`);
        const putting = task.put([rec(t, 1, 'a'), rec(t, 2, 'b')]).then(() => null, (e: unknown) => e);
        // Kill the sink's connection while it waits for the lock.
        const deadline = Date.now() + 10_000;
        for (;;) {
          const victims = kind === 'postgresql'
            ? await db.rows<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = 'sluice-jdbc' AND wait_event_type = 'Lock'`)
            : await db.rows<{ pid: number }>(`SELECT ID AS pid FROM information_schema.PROCESSLIST WHERE INFO LIKE 'INSERT INTO%${t}%'`);
          if (victims.length > 0) {
            for (const v of victims) await db.exec(kind === 'postgresql' ? `SELECT pg_terminate_backend(${v.pid})` : `KILL ${v.pid}`);
            break;
          }
          if (Date.now() > deadline) throw new Error('sink never blocked on the lock');
          await new Promise((r) => setTimeout(r, 50));
        }
        assert.ok((await putting) instanceof RetriableException);
        assert.deepEqual(ctx.timeouts, [25]);
        await locker.exec(kind === 'postgresql' ? 'COMMIT' : 'UNLOCK TABLES');
        if (kind === 'mysql') await locker.exec('COMMIT');
        await task.put([rec(t, 1, 'a'), rec(t, 2, 'b')]);
        assert.deepEqual(await names(t), [['1', 'a'], ['2', 'b']]);
      } finally {
        await locker.close();
        await task.stop();
      }
    });
  });
}
