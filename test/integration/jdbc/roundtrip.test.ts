// Round trip: a PostgreSQL table with every supported column type → JDBC source records → JsonConverter bytes and
// back (as through Kafka) → JDBC sink into a second table with the same definition; the tables compare equal row by
// row, including INT64 beyond 2^53, 30-digit decimals, timestamps with time zones, arrays and NULLs.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { JsonConverter } from '../../../src/converters/index.js';
import { JdbcSinkTask } from '../../../src/connectors/jdbc/index.js';
import { SinkRecord } from '../../../src/data/index.js';
import { SourceHarness, connectionConfig, dropTables, openDb, sinkContext, tableName, type Db } from './harness.js';

describe('PostgreSQL → source → JsonConverter → sink → PostgreSQL', { timeout: 120_000 }, () => {
  let db: Db;
  const src = tableName('rt_src');
  const dst = tableName('rt_dst');

  before(async () => {
    db = await openDb('postgresql');
    await db.exec(`CREATE TABLE ${src} (
      id bigint PRIMARY KEY, i2 smallint, i4 int, i8 bigint, f4 real, f8 double precision,
      n30 numeric(30,10), n52 numeric(5,2), b boolean, txt text, vc varchar(20), ch char(4), js json, jb jsonb, u uuid,
      by bytea, d date, tm time(3), ts timestamp(3), tstz timestamptz(3), ai int[], at text[], an numeric(8,3)[])`);
    await db.exec(`CREATE TABLE ${dst} (LIKE ${src} INCLUDING ALL)`);
    await db.exec(`INSERT INTO ${src} VALUES
      (1, -32768, 2147483647, 9223372036854775807, 3.4028235e38, 1.7976931348623157e308,
       12345678901234567890.1234567890, -999.99, true, E'tab\\there\\nnewline \\\\ back "quote" ünïcødé', 'varchar', 'ch',
       '{"k": [1, 2.50, "x"], "big": 9007199254740993}', '{"z": null, "a": {"b": true}}', '00000000-0000-0000-0000-000000000001',
       '\\x000102fffe', '0001-01-01', '23:59:59.999', '2024-11-03 01:30:00.123', '2024-03-31 01:30:00.123+05:30',
       '{1,NULL,-3}', '{"a,b","",NULL,"q\\"q"}', '{1.500,NULL,-2.125}'),
      (2, 0, 0, 9007199254740993, -0.5, 0.1, -0.0000000001, 0, false, '', '', '', 'null', '[]',
       'ffffffff-ffff-ffff-ffff-ffffffffffff', '\\x', '2024-02-29', '00:00:00', '1969-12-31 23:59:59.999',
       '1900-01-01 00:00:00+00', '{}', '{}', '{}'),
      (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`);
    await db.exec(`INSERT INTO ${src}
      SELECT g, (g % 30000)::smallint, g * 7, (g::bigint * 1000003) # 4611686018427387904, (g / 7.0)::real, g / 3.0,
        (g * 1234567.1234567891)::numeric(30,10), ((g % 99999) / 100.0)::numeric(5,2), g % 2 = 0, md5(g::text), left(md5(g::text), 20),
        left(md5(g::text), 4), json_build_object('g', g)::json, jsonb_build_object('g', g, 'h', md5(g::text)), md5(g::text)::uuid,
        decode(md5(g::text), 'hex'), date '2000-01-01' + g, time '00:00' + g * interval '1.001 second',
        timestamp '2020-01-01' + g * interval '1 hour 0.001 second', timestamptz '2020-01-01 00:00+00' + g * interval '17 minutes 0.007 second',
        ARRAY[g, g + 1], ARRAY[md5(g::text)], ARRAY[(g / 8.0)::numeric(8,3)]
      FROM generate_series(4, 500) g`);
  });
  after(async () => {
    await dropTables(db, src, dst);
    await db.close();
  });

  test('the copy equals the original', async () => {
    const zone = 'America/New_York';
    const h = await SourceHarness.start({ ...connectionConfig('postgresql'), mode: 'incrementing', 'incrementing.column.name': 'id', 'table.whitelist': src, 'topic.prefix': 'rt-', 'db.timezone': zone, 'batch.max.rows': '128' });
    const converter = new JsonConverter();
    converter.configure({ 'schemas.enable': 'true' }, false);
    const sinkConfig = { ...connectionConfig('postgresql'), 'table.name.format': dst, 'insert.mode': 'upsert', 'pk.mode': 'record_value', 'pk.fields': 'id', 'db.timezone': zone };
    const sink = new JdbcSinkTask();
    sink.initialize(sinkContext(sinkConfig));
    await sink.start(sinkConfig);
    let offset = 0;
    let total = 0;
    try {
      while (total < 500) {
        const batch = await h.pollOnce();
        const sinkRecords = batch.map((r) => {
          const bytes = converter.fromConnectData(r.topic, r.valueSchema, r.value);
          const back = converter.toConnectData(r.topic, bytes);
          return new SinkRecord({ topic: r.topic, kafkaPartition: 0, kafkaOffset: offset++, valueSchema: back.schema, value: back.value });
        });
        await sink.put(sinkRecords);
        total += batch.length;
      }
    } finally {
      await sink.stop();
      await h.stop();
    }
    const diff = await db.rows<{ side: string; row: string }>(`
      (SELECT 'only in source' AS side, row_to_json(sx)::text AS row FROM ${src} sx EXCEPT SELECT 'only in source', row_to_json(dx)::text FROM ${dst} dx)
      UNION ALL
      (SELECT 'only in copy', row_to_json(dx)::text FROM ${dst} dx EXCEPT SELECT 'only in copy', row_to_json(sx)::text FROM ${src} sx)
      ORDER BY 1, 2 LIMIT 10`);
    assert.deepEqual(diff, []);
    const [{ n }] = await db.rows<{ n: string }>(`SELECT count(*) AS n FROM ${dst}`);
    assert.equal(Number(n), 500);
    const [big] = await db.rows<{ i8: string; n30: string; tstz: string }>(`SELECT i8::text, n30::text, tstz::text FROM ${dst} WHERE id = 1`);
    assert.deepEqual(big, { i8: '9223372036854775807', n30: '12345678901234567890.1234567890', tstz: '2024-03-30 20:00:00.123+00' });
  });
});
