// SQL type → Connect schema and value, per dialect, with precision kept; numeric.mapping; db.timezone applied to
// wall-clock columns both in values and in the timestamp window.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BigDecimal, Decimal, type Schema, type SourceRecord } from '../../../src/data/index.js';
import { SourceHarness, connectionConfig, dropTables, field, openDb, tableName, type Db } from './harness.js';


function schemaOf(r: SourceRecord, name: string): Schema {
  const f = r.valueSchema!.field(name);
  assert.ok(f, `field ${name} in ${r.valueSchema}`);
  return f.schema;
}

function kindOf(s: Schema): string {
  return s.name ? `${s.name.split('.').pop()}${s.name === Decimal.LOGICAL_NAME ? `(${s.parameters?.get('scale')})` : ''}` : s.type === 'ARRAY' ? `ARRAY<${kindOf(s.valueSchema!)}>` : s.type;
}

async function readAll(config: Record<string, string>, n: number): Promise<SourceRecord[]> {
  const h = await SourceHarness.start(config);
  try {
    return await h.pollUntil((rs) => rs.length >= n);
  } finally {
    await h.stop();
  }
}

describe('PostgreSQL types', { timeout: 60_000 }, () => {
  let db: Db;
  const t = tableName('src_pgtypes');
  const enumType = `${t}_mood`;
  const domainType = `${t}_posint`;
  before(async () => {
    db = await openDb('postgresql');
    await db.exec(`CREATE TYPE ${enumType} AS ENUM ('sad','happy')`);
    await db.exec(`CREATE DOMAIN ${domainType} AS int CHECK (VALUE > 0)`);
    await db.exec(`CREATE TABLE ${t} (
      id serial PRIMARY KEY, i2 smallint NOT NULL, i4 int, i8 bigint, i8min bigint, f4 real, f8 double precision,
      n30 numeric(30,10), n52 numeric(5,2), n40 numeric(4,0), n180 numeric(18,0), nfree numeric, b boolean,
      txt text, vc varchar(10), ch char(3), js json, jb jsonb, u uuid, by bytea, d date, tm time(6), ttz timetz,
      ts timestamp(6), tstz timestamptz(6), ai int[], at text[], an numeric(10,2)[], mood ${enumType}, pos ${domainType},
      bt bit(1), iv interval)`);
    await db.exec(`INSERT INTO ${t} (i2,i4,i8,i8min,f4,f8,n30,n52,n40,n180,nfree,b,txt,vc,ch,js,jb,u,by,d,tm,ttz,ts,tstz,ai,at,an,mood,pos,bt,iv) VALUES (
      -32768, 2147483647, 9007199254740993, -9223372036854775808, 1.5, 0.1,
      12345678901234567890.1234567890, 123.45, 1234, 123456789012345678, 1.5, true,
      'héllo "wörld"', 'short', 'ab', '{"a": [1, 2]}', '{"b": 9007199254740993}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      '\\x00ff10', '2024-02-29', '12:34:56.789012', '12:00:00+02', '2024-07-01 12:00:00.123456',
      '2024-07-01 12:00:00.654321+02', '{1,NULL,3}', '{"a,b","c\\"d",NULL}', '{1.50,2.25}', 'happy', 7, B'1', '1 day')`);
    await db.exec(`INSERT INTO ${t} (i2) VALUES (0)`);
  });
  after(async () => {
    await dropTables(db, t);
    await db.exec(`DROP TYPE IF EXISTS ${enumType}`);
    await db.exec(`DROP DOMAIN IF EXISTS ${domainType}`);
    await db.close();
  });

  test('schemas and values, precision kept, NULLs', async () => {
    const [r, nulls] = await readAll({ ...connectionConfig('postgresql'), mode: 'bulk', 'table.whitelist': t, 'db.timezone': 'Europe/Paris' }, 2);
    const expectKinds: Record<string, string> = {
      id: 'INT32', i2: 'INT16', i4: 'INT32', i8: 'INT64', f4: 'FLOAT32', f8: 'FLOAT64', n30: 'Decimal(10)', n52: 'Decimal(2)',
      nfree: 'Decimal(127)', b: 'BOOLEAN', txt: 'STRING', vc: 'STRING', ch: 'STRING', js: 'STRING', jb: 'STRING', u: 'STRING',
      by: 'BYTES', d: 'Date', tm: 'Time', ttz: 'Time', ts: 'Timestamp', tstz: 'Timestamp', ai: 'ARRAY<INT32>',
      at: 'ARRAY<STRING>', an: 'ARRAY<Decimal(2)>', mood: 'STRING', pos: 'INT32', bt: 'BOOLEAN',
    };
    for (const [name, k] of Object.entries(expectKinds)) assert.equal(kindOf(schemaOf(r!, name)), k, name);
    assert.equal(r!.valueSchema!.field('iv'), undefined, 'interval is left out, as Confluent does');
    assert.equal(schemaOf(r!, 'i2').optional, false);
    assert.equal(schemaOf(r!, 'i4').optional, true);
    assert.equal(schemaOf(r!, 'n30').parameters?.get('connect.decimal.precision'), '30');

    assert.equal(field(r!, 'i2'), -32768);
    assert.equal(field(r!, 'i8'), 9007199254740993n);
    assert.equal(field(r!, 'i8min'), -9223372036854775808n);
    assert.equal(field(r!, 'f4'), 1.5);
    assert.equal(field(r!, 'f8'), 0.1);
    assert.ok((field(r!, 'n30') as BigDecimal).equals(BigDecimal.parse('12345678901234567890.1234567890')));
    assert.ok((field(r!, 'n52') as BigDecimal).equals(BigDecimal.parse('123.45')));
    assert.equal((field(r!, 'nfree') as BigDecimal).compareTo(BigDecimal.parse('1.5')), 0);
    assert.equal(field(r!, 'b'), true);
    assert.equal(field(r!, 'txt'), 'héllo "wörld"');
    assert.equal(field(r!, 'ch'), 'ab ');
    assert.equal(field(r!, 'js'), '{"a": [1, 2]}');
    assert.equal(field(r!, 'jb'), '{"b": 9007199254740993}');
    assert.equal(field(r!, 'u'), 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
    assert.deepEqual([...(field(r!, 'by') as Uint8Array)], [0, 255, 16]);
    assert.equal((field(r!, 'd') as Date).getTime(), Date.UTC(2024, 1, 29));
    assert.equal((field(r!, 'tm') as Date).getTime(), ((12 * 60 + 34) * 60 + 56) * 1000 + 789);
    assert.equal((field(r!, 'ttz') as Date).getTime(), 10 * 3600 * 1000);
    // timestamp without time zone: wall clock in db.timezone (Paris, UTC+2 in July).
    assert.equal((field(r!, 'ts') as Date).getTime(), Date.UTC(2024, 6, 1, 10, 0, 0, 123));
    // timestamptz: the instant, whatever db.timezone says.
    assert.equal((field(r!, 'tstz') as Date).getTime(), Date.UTC(2024, 6, 1, 10, 0, 0, 654));
    assert.deepEqual(field(r!, 'ai'), [1, null, 3]);
    assert.deepEqual(field(r!, 'at'), ['a,b', 'c"d', null]);
    assert.deepEqual((field(r!, 'an') as BigDecimal[]).map(String), ['1.50', '2.25']);
    assert.equal(field(r!, 'mood'), 'happy');
    assert.equal(field(r!, 'pos'), 7);
    assert.equal(field(r!, 'bt'), true);
    for (const name of ['i4', 'i8', 'n30', 'b', 'txt', 'js', 'u', 'by', 'd', 'tm', 'ts', 'tstz', 'ai', 'mood']) {
      assert.equal(field(nulls!, name), null, name);
    }
  });

  test('numeric.mapping=best_fit: integers by precision, doubles for scales, unconstrained numeric stays Decimal', async () => {
    const [r] = await readAll({ ...connectionConfig('postgresql'), mode: 'bulk', 'table.whitelist': t, 'numeric.mapping': 'best_fit' }, 1);
    assert.equal(kindOf(schemaOf(r!, 'n52')), 'FLOAT64');
    assert.equal(kindOf(schemaOf(r!, 'n40')), 'INT16');
    assert.equal(kindOf(schemaOf(r!, 'n180')), 'INT64');
    assert.equal(kindOf(schemaOf(r!, 'n30')), 'Decimal(10)');
    assert.equal(kindOf(schemaOf(r!, 'nfree')), 'Decimal(127)');
    assert.equal(field(r!, 'n52'), 123.45);
    assert.equal(field(r!, 'n40'), 1234);
    assert.equal(field(r!, 'n180'), 123456789012345678n);
  });

  test('numeric.mapping=precision_only and the deprecated numeric.precision.mapping', async () => {
    for (const cfg of [{ 'numeric.mapping': 'precision_only' }, { 'numeric.precision.mapping': 'true' }] as Record<string, string>[]) {
      const [r] = await readAll({ ...connectionConfig('postgresql'), mode: 'bulk', 'table.whitelist': t, ...cfg }, 1);
      assert.equal(kindOf(schemaOf(r!, 'n40')), 'INT16');
      assert.equal(kindOf(schemaOf(r!, 'n52')), 'Decimal(2)');
    }
  });

  test('timestamp.granularity: micros and ISO strings keep the microseconds', async () => {
    const [r] = await readAll({ ...connectionConfig('postgresql'), mode: 'bulk', 'table.whitelist': t, 'timestamp.granularity': 'micros_long' }, 1);
    assert.equal(kindOf(schemaOf(r!, 'tstz')), 'INT64');
    assert.equal(field(r!, 'tstz'), Date.UTC(2024, 6, 1, 10, 0, 0, 654) * 1000 + 321);
    const [s] = await readAll({ ...connectionConfig('postgresql'), mode: 'bulk', 'table.whitelist': t, 'timestamp.granularity': 'nanos_iso_datetime_string' }, 1);
    assert.equal(field(s!, 'tstz'), '2024-07-01T10:00:00.654321000');
  });
});

describe('MariaDB types', { timeout: 60_000 }, () => {
  let db: Db;
  const t = tableName('src_mytypes');
  before(async () => {
    db = await openDb('mysql');
    await db.exec(`CREATE TABLE ${t} (
      id INT AUTO_INCREMENT PRIMARY KEY, ti TINYINT NOT NULL, tu TINYINT UNSIGNED, si SMALLINT, mu MEDIUMINT UNSIGNED,
      i INT, iu INT UNSIGNED, bi BIGINT, bu BIGINT UNSIGNED, f FLOAT, dbl DOUBLE, d30 DECIMAL(30,10), d52 DECIMAL(5,2),
      bt BIT(1), dt DATE, tm TIME(3), dtm DATETIME(6), tsp TIMESTAMP(6) NULL, yr YEAR, c CHAR(3), vc VARCHAR(10), tx TEXT,
      js JSON, bl BLOB, vb VARBINARY(8), en ENUM('x','y'))`);
    await db.exec(`INSERT INTO ${t} (ti,tu,si,mu,i,iu,bi,bu,f,dbl,d30,d52,bt,dt,tm,dtm,tsp,yr,c,vc,tx,js,bl,vb,en) VALUES (
      -128, 255, -32768, 16777215, -2147483648, 4294967295, 9007199254740993, 18446744073709551, 1.5, 0.1,
      12345678901234567890.1234567890, 123.45, b'1', '2024-02-29', '12:34:56.789', '2024-07-01 12:00:00.123456',
      '2024-07-01 10:00:00.654321', 2024, 'ab', 'short', 'héllo', '{"a":[1,2]}', x'00ff10', x'01', 'y')`);
    await db.exec(`INSERT INTO ${t} (ti) VALUES (0)`);
  });
  after(async () => {
    await dropTables(db, t);
    await db.close();
  });

  test('schemas and values, precision kept, NULLs', async () => {
    const [r, nulls] = await readAll({ ...connectionConfig('mysql'), mode: 'bulk', 'table.whitelist': t, 'db.timezone': 'Europe/Paris' }, 2);
    const expectKinds: Record<string, string> = {
      id: 'INT32', ti: 'INT8', tu: 'INT16', si: 'INT16', mu: 'INT64', i: 'INT32', iu: 'INT64', bi: 'INT64', bu: 'INT64',
      f: 'FLOAT32', dbl: 'FLOAT64', d30: 'Decimal(10)', d52: 'Decimal(2)', bt: 'BOOLEAN', dt: 'Date', tm: 'Time',
      dtm: 'Timestamp', tsp: 'Timestamp', yr: 'Date', c: 'STRING', vc: 'STRING', tx: 'STRING', js: 'STRING', bl: 'BYTES',
      vb: 'BYTES', en: 'STRING',
    };
    for (const [name, k] of Object.entries(expectKinds)) assert.equal(kindOf(schemaOf(r!, name)), k, name);
    assert.equal(schemaOf(r!, 'ti').optional, false);
    assert.equal(schemaOf(r!, 'i').optional, true);
    assert.equal(schemaOf(r!, 'd30').parameters?.get('connect.decimal.precision'), '30');
    assert.equal(field(r!, 'ti'), -128);
    assert.equal(field(r!, 'tu'), 255);
    assert.equal(field(r!, 'iu'), 4294967295);
    assert.equal(field(r!, 'bi'), 9007199254740993n);
    assert.equal(field(r!, 'bu'), 18446744073709551n);
    assert.equal(field(r!, 'f'), 1.5);
    assert.equal(field(r!, 'dbl'), 0.1);
    assert.ok((field(r!, 'd30') as BigDecimal).equals(BigDecimal.parse('12345678901234567890.1234567890')));
    assert.equal(field(r!, 'bt'), true);
    assert.equal((field(r!, 'dt') as Date).getTime(), Date.UTC(2024, 1, 29));
    assert.equal((field(r!, 'tm') as Date).getTime(), ((12 * 60 + 34) * 60 + 56) * 1000 + 789);
    // DATETIME: wall clock in db.timezone (Paris, UTC+2 in July); TIMESTAMP: the instant.
    assert.equal((field(r!, 'dtm') as Date).getTime(), Date.UTC(2024, 6, 1, 10, 0, 0, 123));
    assert.equal((field(r!, 'tsp') as Date).getTime(), Date.UTC(2024, 6, 1, 10, 0, 0, 654));
    assert.equal((field(r!, 'yr') as Date).getTime(), Date.UTC(2024, 0, 1));
    assert.equal(field(r!, 'c'), 'ab');
    assert.equal(field(r!, 'tx'), 'héllo');
    assert.equal(JSON.parse(field(r!, 'js') as string).a[1], 2);
    assert.deepEqual([...(field(r!, 'bl') as Uint8Array)], [0, 255, 16]);
    assert.equal(field(r!, 'en'), 'y');
    for (const name of ['i', 'bi', 'd30', 'bt', 'dt', 'tm', 'dtm', 'tsp', 'tx', 'js', 'bl']) assert.equal(field(nulls!, name), null, name);
  });

  test('numeric.mapping applies to MySQL DECIMAL (Confluent ignores it there)', async () => {
    const [r] = await readAll({ ...connectionConfig('mysql'), mode: 'bulk', 'table.whitelist': t, 'numeric.mapping': 'best_fit' }, 1);
    assert.equal(kindOf(schemaOf(r!, 'd52')), 'FLOAT64');
    assert.equal(field(r!, 'd52'), 123.45);
    assert.equal(kindOf(schemaOf(r!, 'd30')), 'Decimal(10)');
  });
});

describe('db.timezone for wall-clock timestamp columns in timestamp mode', { timeout: 60_000 }, () => {
  for (const kind of ['postgresql', 'mysql'] as const) {
    test(`${kind}: a row stamped with local wall-clock time is read at once, as the right instant`, async () => {
      const db = await openDb(kind);
      const t = tableName('src_tz');
      try {
        await db.exec(kind === 'postgresql'
          ? `CREATE TABLE ${t} (id serial PRIMARY KEY, name text, local_ts timestamp(6) NOT NULL)`
          : `CREATE TABLE ${t} (id INT AUTO_INCREMENT PRIMARY KEY, name TEXT, local_ts DATETIME(6) NOT NULL)`);
        const h = await SourceHarness.start({
          ...connectionConfig(kind), mode: 'timestamp', 'timestamp.column.name': 'local_ts', 'table.whitelist': t,
          'db.timezone': 'Asia/Tokyo', 'poll.interval.ms': '100',
        });
        try {
          // Tokyo is UTC+9: if the upper bound were not converted to Tokyo time, the row would wait 9 hours.
          await db.exec(kind === 'postgresql'
            ? `INSERT INTO ${t} (name, local_ts) VALUES ('now', clock_timestamp() AT TIME ZONE 'Asia/Tokyo')`
            : `INSERT INTO ${t} (name, local_ts) VALUES ('now', CONVERT_TZ(UTC_TIMESTAMP(6), '+00:00', '+09:00'))`);
          const rs = await h.pollUntil((x) => x.length >= 1, 10_000);
          const ms = (field(rs[0]!, 'local_ts') as Date).getTime();
          assert.ok(Math.abs(ms - Date.now()) < 60_000, `read as ${new Date(ms).toISOString()}`);
          const offset = rs[0]!.sourceOffset as { timestamp: number };
          assert.equal(offset.timestamp, ms);
        } finally {
          await h.stop();
        }
      } finally {
        await dropTables(db, t);
        await db.close();
      }
    });
  }
});


