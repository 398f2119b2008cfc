/**
 * End to end through the worker (`sluice run`, a separate process) with Confluent's AvroConverter against
 * `sluice registry` storing its schemas in a Kafka `_schemas` topic:
 *   PostgreSQL → JdbcSourceConnector → Avro → Kafka → JdbcSinkConnector → MariaDB
 *                                              └──→ HdfsSinkConnector → Avro files (read by avro-tools)
 *                                              └──→ HdfsSinkConnector → Parquet files (read by DuckDB)
 * Mid-run the source table gains a column (a second schema version, the sink evolves its table) and the registry
 * goes away while a restarted worker has nothing cached (the tasks retry, nothing is lost, they resume once it is
 * back). Needs the stack: `bash scripts/stack.sh up`, Java and Maven for avro-tools.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { KAFKA_BROKERS, uniqueName } from '../../support/services.js';
import { sluice, tempDir, until, writeJson, type SluiceProcess } from '../cli/support.js';
import { connectionConfig, dropTables, openDb, tableName, type Db } from '../jdbc/harness.js';
import { listTree } from '../../unit/hdfs/support.js';
import { avroToolsRecords, avroToolsSchema } from '../hdfs/java-tools.js';
import { startSchemaRegistry, type RunningSchemaRegistry } from '../../../src/registry/index.js';

describe('Avro through the registry: PostgreSQL → Kafka → MariaDB, Avro and Parquet files', { timeout: 600_000 }, () => {
  let pg: Db;
  let maria: Db;
  const tables: { db: () => Db; name: string }[] = [];
  let dir: string;
  before(async () => {
    pg = await openDb('postgresql');
    maria = await openDb('mysql');
    dir = tempDir('avro-e2e');
  });
  after(async () => {
    for (const t of tables) await dropTables(t.db(), t.name).catch(() => undefined);
    await pg?.close();
    await maria?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('every row arrives once in each sink, through a schema change and a registry outage', async () => {
    const src = tableName('avro_src');
    const dst = tableName('avro_dst');
    tables.push({ db: () => pg, name: src }, { db: () => maria, name: dst });
    const prefix = `${uniqueName('avro')}-`;
    const topic = `${prefix}${src}`;
    await pg.exec(`CREATE TABLE ${src} (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(20,4), at timestamptz(3) NOT NULL)`);
    const fill = (from: number, to: number, extra = false) =>
      pg.exec(`INSERT INTO ${src} (id, name, amount, at${extra ? ', extra' : ''}) SELECT g, 'name-' || g, (g * 12.3456)::numeric(20,4),
        timestamptz '2024-03-01 00:00:00.250+00' + g * interval '1 second'${extra ? ', g % 100' : ''} FROM generate_series(${from}, ${to}) g`);
    await fill(1, 1000);

    const schemasTopic = uniqueName('_schemas');
    let registry: RunningSchemaRegistry = await startSchemaRegistry({
      listener: 'http://127.0.0.1:0',
      storage: { kind: 'kafka', bootstrapServers: KAFKA_BROKERS, topic: schemasTopic },
    });
    const registryUrl = registry.url;
    const avro = { 'schema.registry.url': registryUrl };
    const retryForever = { 'errors.retry.timeout': '-1', 'errors.retry.delay.max.ms': '1000' };
    const hdfs = (name: string, format: string) => ({
      name: `${prefix}${name}`,
      config: {
        'connector.class': 'io.confluent.connect.hdfs.HdfsSinkConnector',
        topics: topic,
        'hdfs.url': `file://${dir}/${name}`,
        'format.class': format,
        'flush.size': '400',
        'rotate.schedule.interval.ms': '1500',
        timezone: 'UTC',
        ...retryForever,
      },
    });
    const pipeline = {
      worker: {
        'bootstrap.servers': KAFKA_BROKERS.join(','),
        'key.converter': 'io.confluent.connect.avro.AvroConverter',
        'key.converter.schema.registry.url': registryUrl,
        'value.converter': 'io.confluent.connect.avro.AvroConverter',
        ...Object.fromEntries(Object.entries(avro).map(([k, v]) => [`value.converter.${k}`, v])),
        'offset.storage.file.filename': join(dir, 'offsets.json'),
        'offset.flush.interval.ms': 500,
      },
      connectors: [
        {
          name: `${prefix}in`,
          config: {
            'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
            ...connectionConfig('postgresql'),
            mode: 'incrementing',
            'incrementing.column.name': 'id',
            'table.whitelist': src,
            'topic.prefix': prefix,
            'poll.interval.ms': '300',
            ...retryForever,
          },
        },
        {
          name: `${prefix}out`,
          config: {
            'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
            ...connectionConfig('mysql'),
            topics: topic,
            'table.name.format': dst,
            'insert.mode': 'upsert',
            'pk.mode': 'record_value',
            'pk.fields': 'id',
            'auto.create': 'true',
            'auto.evolve': 'true',
            ...retryForever,
          },
        },
        hdfs('avro-files', 'io.confluent.connect.hdfs.avro.AvroFormat'),
        hdfs('parquet-files', 'io.confluent.connect.hdfs.parquet.ParquetFormat'),
      ],
    };
    const file = writeJson(dir, 'pipeline.json', pipeline);
    let worker: SluiceProcess | undefined;
    const count = async () => {
      if (worker && worker.child.exitCode !== null) throw new Error(`the worker exited with ${worker.child.exitCode}`);
      try {
        return Number((await maria.rows<{ n: string }>(`SELECT count(*) AS n FROM ${dst}`))[0]!.n);
      } catch {
        return 0;
      }
    };
    const start = (): SluiceProcess => sluice(['run', file, '--view', 'json', '--no-rest', '--keep-running']);
    const stop = async (p: SluiceProcess) => {
      p.child.kill('SIGTERM');
      const exit = await p.exited;
      assert.equal(exit.code, 0, p.stderr().slice(-3000));
    };

    worker = start();
    try {
      await until(async () => (await count()) === 1000, 'the first 1000 rows in MariaDB', 120_000);
      // Schema change mid-run: a second version of the value schema, the sink adds the column.
      await pg.exec(`ALTER TABLE ${src} ADD COLUMN extra integer`);
      await fill(1001, 2000, true);
      await until(async () => (await count()) === 2000, 'rows after the schema change', 120_000);
      await stop(worker);

      // The registry goes away; a fresh worker has no schema or id cached, so every task needs it.
      await registry.close();
      await fill(2001, 2500, true);
      worker = start();
      await new Promise((r) => setTimeout(r, 5000));
      assert.equal(worker.child.exitCode, null, `the worker is still running while the registry is down\n${worker.stderr().slice(-2000)}`);
      assert.equal(await count(), 2000, 'nothing new reached MariaDB without the registry');
      registry = await startSchemaRegistry({ listener: registryUrl, storage: { kind: 'kafka', bootstrapServers: KAFKA_BROKERS, topic: schemasTopic } });
      await until(async () => (await count()) === 2500, 'the rows written while the registry was down', 180_000);
      await new Promise((r) => setTimeout(r, 4000)); // the HDFS sinks commit their tails on rotate.schedule.interval.ms
      await stop(worker);
    } catch (e) {
      const errors = worker!.logs();
      throw new Error(`${(e as Error).message}\nworker warnings/errors:\n${errors.slice(-25).map((l) => JSON.stringify(l).slice(0, 1500)).join('\n')}\nstderr: ${worker!.stderr().slice(-2000)}`);
    } finally {
      if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
      await registry.close();
    }

    // MariaDB holds what PostgreSQL holds.
    const want = await pg.rows<{ id: string; name: string; amount: string; at: Date; extra: number | null }>(`SELECT id, name, amount::text AS amount, at, extra FROM ${src} ORDER BY id`);
    const got = await maria.rows<{ id: string; name: string; amount: string; at: string; extra: number | null }>(`SELECT id, name, amount, at, extra FROM ${dst} ORDER BY id`);
    assert.equal(got.length, want.length);
    for (let i = 0; i < want.length; i++) {
      const w = want[i]!;
      const g = got[i]!;
      assert.equal(String(g.id), w.id);
      assert.equal(g.name, w.name);
      assert.equal(Number(g.amount).toFixed(4), Number(w.amount).toFixed(4), `amount of ${w.id}`);
      assert.equal(new Date(`${String(g.at).replace(' ', 'T')}Z`).getTime(), w.at.getTime(), `at of ${w.id}`);
      assert.equal(g.extra === null ? null : Number(g.extra), w.extra, `extra of ${w.id}`);
    }

    // The registry holds two versions of the value schema, and the topic's bytes carry their ids.
    registry = await startSchemaRegistry({ listener: 'http://127.0.0.1:0', storage: { kind: 'kafka', bootstrapServers: KAFKA_BROKERS, topic: schemasTopic } });
    try {
      const versions = (await (await fetch(`${registry.url}/subjects/${topic}-value/versions`)).json()) as number[];
      assert.deepEqual(versions, [1, 2]);
      const v2 = (await (await fetch(`${registry.url}/subjects/${topic}-value/versions/2`)).json()) as { schema: string };
      const fields = (JSON.parse(v2.schema) as { fields: { name: string }[] }).fields.map((f) => f.name);
      assert.deepEqual(fields, ['id', 'name', 'amount', 'at', 'extra']);
    } finally {
      await registry.close();
    }

    // Avro files, read by avro-tools: every id once, the Connect schema kept (decimal, timestamp logical types).
    const avroFiles = (await listTree(join(dir, 'avro-files/topics', topic))).filter((f) => f.endsWith('.avro'));
    const ids = new Set<number>();
    let rows = 0;
    for (const f of avroFiles) {
      for (const rec of avroToolsRecords(join(dir, 'avro-files/topics', topic, f))) {
        ids.add(Number(rec['id']));
        rows++;
      }
    }
    assert.equal(ids.size, 2500, 'every id in the Avro files');
    assert.equal(rows, 2500, 'no id twice');
    const last = avroFiles.sort().at(-1)!;
    const schema = avroToolsSchema(join(dir, 'avro-files/topics', topic, last)) as { name: string; fields: { name: string; type: unknown }[] };
    assert.equal(schema.name, src, 'the record is named after the table, as the JDBC source names its schema');
    assert.deepEqual(schema.fields.map((f) => f.name), ['id', 'name', 'amount', 'at', 'extra']);
    const amount = schema.fields.find((f) => f.name === 'amount')!.type as unknown[];
    assert.ok(JSON.stringify(amount).includes('"logicalType":"decimal"') && JSON.stringify(amount).includes('"scale":4'), JSON.stringify(amount));
    assert.ok(JSON.stringify(schema.fields.find((f) => f.name === 'at')!.type).includes('timestamp-millis'));

    // Parquet files, read by DuckDB.
    const conn = await (await DuckDBInstance.create(':memory:')).connect();
    const parquet = join(dir, 'parquet-files/topics', topic, '**', '*.parquet');
    const reader = await conn.runAndReadAll(`SELECT count(*) AS n, count(DISTINCT id) AS d, sum(extra) AS e FROM read_parquet('${parquet}', union_by_name = true)`);
    const [n, d, e] = reader.getRows()[0]!;
    assert.equal(Number(n), 2500);
    assert.equal(Number(d), 2500);
    const wantExtra = want.reduce((s, r) => s + (r.extra ?? 0), 0);
    assert.equal(Number(e), wantExtra);
    // The last Parquet file keeps the Connect schema of the second version (parquet-avro's schema metadata).
    const parquetFiles = (await listTree(join(dir, 'parquet-files/topics', topic))).filter((f) => f.endsWith('.parquet')).sort();
    const lastParquet = join(dir, 'parquet-files/topics', topic, parquetFiles.at(-1)!);
    const kv = (await conn.runAndReadAll(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${lastParquet}')`)).getRowObjects();
    const stored = kv.find((x) => x['k'] === 'parquet.avro.schema');
    assert.ok(stored, 'parquet.avro.schema is stored');
    const parquetSchema = JSON.parse(String(stored['v'])) as { fields: { name: string; type: unknown }[] };
    assert.deepEqual(parquetSchema.fields.map((f) => f.name), ['id', 'name', 'amount', 'at', 'extra']);
    assert.ok(JSON.stringify(parquetSchema.fields.find((f) => f.name === 'amount')!.type).includes('"scale":4'));
    conn.closeSync();
  });
});
