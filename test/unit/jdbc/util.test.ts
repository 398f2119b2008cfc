import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseConnectionUrl, redactUrl } from '../../../src/connectors/jdbc/util/url.js';
import { Zone, fieldsFromUtc, utcFromFields } from '../../../src/connectors/jdbc/util/zone.js';
import {
  Instant, parseTimestampText, parsedToInstant, parseTimeText, parseDateText, formatWall,
} from '../../../src/connectors/jdbc/util/temporal.js';
import { TableId, splitQualifiedName, splitQuotedList } from '../../../src/connectors/jdbc/util/identifiers.js';
import { formatPgArray, parsePgArray } from '../../../src/connectors/jdbc/util/pg-array.js';
import { groupPartitions, filterTables, parseColumnMappings, mappedColumns, decodeTables, encodeTables } from '../../../src/connectors/jdbc/source/tables.js';
import { decodeOffset, encodeOffset, partitionV0, partitionV1 } from '../../../src/connectors/jdbc/source/querier.js';
import { numericTarget, int64FromText } from '../../../src/connectors/jdbc/dialect/source-values.js';
import { PostgresDialectImpl, MySqlDialectImpl } from '../../../src/connectors/jdbc/dialect/index.js';

describe('connection URLs', () => {
  test('JDBC URLs for PostgreSQL, MySQL and MariaDB', () => {
    const pg = parseConnectionUrl('jdbc:postgresql://db.example:6543/sales?user=u&password=p%40ss&sslmode=require&reWriteBatchedInserts=true');
    assert.deepEqual([pg.kind, pg.host, pg.port, pg.database, pg.user, pg.password], ['postgresql', 'db.example', 6543, 'sales', 'u', 'p@ss']);
    assert.equal(pg.params.sslmode, 'require');
    const my = parseConnectionUrl('jdbc:mysql://10.0.0.1/shop?useSSL=false');
    assert.deepEqual([my.kind, my.host, my.port, my.database], ['mysql', '10.0.0.1', 3306, 'shop']);
    const ma = parseConnectionUrl('jdbc:mariadb://h1:3307,h2:3308/db');
    assert.deepEqual([ma.kind, ma.protocol, ma.host, ma.port], ['mysql', 'mariadb', 'h1', 3307]);
    const short = parseConnectionUrl('jdbc:postgresql:mydb');
    assert.deepEqual([short.host, short.port, short.database], ['localhost', 5432, 'mydb']);
  });

  test('native URLs with credentials; passwords are redacted', () => {
    const n = parseConnectionUrl('postgres://alice:s3cret@127.0.0.1:5432/test');
    assert.deepEqual([n.kind, n.user, n.password, n.database], ['postgresql', 'alice', 's3cret', 'test']);
    assert.equal(parseConnectionUrl('mysql://root@localhost/test').kind, 'mysql');
    assert.equal(redactUrl('postgres://alice:s3cret@h/db'), 'postgres://alice:****@h/db');
    assert.equal(redactUrl('jdbc:mysql://h/db?user=a&password=x&y=1'), 'jdbc:mysql://h/db?user=a&password=****&y=1');
  });

  test('unsupported databases are refused by name', () => {
    assert.throws(() => parseConnectionUrl('jdbc:oracle:thin:@h:1521:x'), /Unsupported database.*oracle/);
    assert.throws(() => parseConnectionUrl(''), /empty/);
  });
});

describe('time zones', () => {
  test('fixed offsets and region zones', () => {
    assert.equal(Zone.of('+02:00').offsetAt(0), 7_200_000);
    assert.equal(Zone.of('UTC-05:30').offsetAt(0), -19_800_000);
    const paris = Zone.of('Europe/Paris');
    assert.equal(paris.offsetAt(Date.UTC(2024, 6, 1)), 7_200_000);
    assert.equal(paris.offsetAt(Date.UTC(2024, 0, 1)), 3_600_000);
    assert.throws(() => Zone.of('Mars/Olympus'), /Invalid time zone/);
  });

  test('DST gap moves forward, overlap takes the earlier offset', () => {
    const ny = Zone.of('America/New_York');
    // 2024-03-10 02:30 does not exist in New York.
    assert.equal(ny.wallToEpochMs({ year: 2024, month: 3, day: 10, hour: 2, minute: 30, second: 0, micros: 0 }), Date.UTC(2024, 2, 10, 7, 30));
    // 2024-11-03 01:30 happens twice: the first (EDT, UTC-4).
    assert.equal(ny.wallToEpochMs({ year: 2024, month: 11, day: 3, hour: 1, minute: 30, second: 0, micros: 0 }), Date.UTC(2024, 10, 3, 5, 30));
  });

  test('DST in zones east of UTC and with half-hour shifts: gap moves forward, overlap takes the earlier offset', () => {
    const paris = Zone.of('Europe/Paris');
    // 2024-03-31 02:30 does not exist in Paris: 03:30 CEST.
    assert.equal(paris.wallToEpochMs(wall(2024, 3, 31, 2, 30)), Date.UTC(2024, 2, 31, 1, 30));
    // 2024-10-27 02:30 happens twice: the first (CEST, UTC+2).
    assert.equal(paris.wallToEpochMs(wall(2024, 10, 27, 2, 30)), Date.UTC(2024, 9, 27, 0, 30));
    const lordHowe = Zone.of('Australia/Lord_Howe');
    // 2024-10-06 02:15 does not exist (+10:30 → +11 at 02:00): 02:45 +11.
    assert.equal(lordHowe.wallToEpochMs(wall(2024, 10, 6, 2, 15)), Date.UTC(2024, 9, 5, 15, 45));
    // 2024-04-07 01:45 happens twice (+11 → +10:30 at 02:00): the first (+11).
    assert.equal(lordHowe.wallToEpochMs(wall(2024, 4, 7, 1, 45)), Date.UTC(2024, 3, 6, 14, 45));
  });

  test('regression: the second 23:00 of 1987-02-13 in São Paulo reads back as the first (fast-check seed 1817984857)', () => {
    // DST ended at 1987-02-14 00:00 -02 (02:00Z): 23:00 happened at 01:00Z (-02) and again at 02:00Z (-03).
    const saoPaulo = Zone.of('America/Sao_Paulo');
    const second = 540266400000;
    const w = saoPaulo.epochMsToWall(second);
    assert.deepEqual(w, wall(1987, 2, 13, 23, 0));
    const back = saoPaulo.wallToEpochMs(w);
    assert.equal(back, second - 3_600_000);
    assert.deepEqual(saoPaulo.epochMsToWall(back), w);
  });

  // Instants near these transitions make the properties meet gaps and overlaps, not just ordinary hours.
  const transitions: Array<[string, number]> = [
    ['America/Sao_Paulo', 540266400000],
    ['Europe/Paris', Date.UTC(2024, 2, 31, 1)],
    ['Europe/Paris', Date.UTC(2024, 9, 27, 1)],
    ['Australia/Lord_Howe', Date.UTC(2024, 3, 6, 15)],
    ['Australia/Lord_Howe', Date.UTC(2024, 9, 5, 15, 30)],
    ['America/New_York', Date.UTC(2024, 2, 10, 7)],
    ['America/New_York', Date.UTC(2024, 10, 3, 6)],
  ];
  const zones = ['Europe/Paris', 'Asia/Tokyo', 'America/Sao_Paulo', 'Australia/Lord_Howe', 'America/New_York', '+05:45', 'UTC'];
  const HOUR = 3_600_000;
  const instantInZone = fc.oneof(
    fc.tuple(fc.integer({ min: Date.UTC(1950, 0, 1), max: Date.UTC(2100, 0, 1) }), fc.constantFrom(...zones)),
    fc.constantFrom(...transitions).chain(([z, t]) => fc.tuple(fc.integer({ min: t - 3 * HOUR, max: t + 3 * HOUR }), fc.constant(z))),
  ).map(([ms, z]) => [ms, Zone.of(z)] as const);

  test('instant → wall clock → instant round-trips, except the later of two instants with the same wall clock (property)', () => {
    fc.assert(fc.property(instantInZone, ([ms, zone]) => {
      const w = zone.epochMsToWall(ms);
      const back = zone.wallToEpochMs(w);
      assert.deepEqual(zone.epochMsToWall(back), w);
      // In an overlap the wall clock names two instants and reads back as the earlier one.
      if (back !== ms) assert.ok(back < ms && zone.offsetAt(back) > zone.offsetAt(ms), `${ms} in ${zone.id} read back as ${back}`);
    }), { numRuns: 500 });
  });

  test('wall clock → instant → wall clock round-trips, except a wall clock in a DST gap, which moves forward by the gap (property)', () => {
    fc.assert(fc.property(instantInZone, ([ms, zone]) => {
      const w = fieldsFromUtc(ms); // any wall clock, whether or not it exists in the zone
      const t = zone.wallToEpochMs(w);
      const moved = utcFromFields(...wallFields(zone.epochMsToWall(t))) - utcFromFields(...wallFields(w));
      if (moved !== 0) {
        // The gap: the offset before it was applied (t = w − before) and the wall clock shows the one after.
        const before = ms - t;
        assert.ok(moved > 0 && moved === zone.offsetAt(t) - before, `${JSON.stringify(w)} in ${zone.id} moved by ${moved} ms`);
      }
    }), { numRuns: 500 });
  });
});

function wall(year: number, month: number, day: number, hour: number, minute: number) {
  return { year, month, day, hour, minute, second: 0, micros: 0 };
}

function wallFields(w: { year: number; month: number; day: number; hour: number; minute: number; second: number }): [number, number, number, number, number, number] {
  return [w.year, w.month, w.day, w.hour, w.minute, w.second];
}

describe('temporal text', () => {
  test('timestamps with fractions, offsets and BC', () => {
    const p = parseTimestampText('2024-07-01 12:00:00.654321+02')!;
    assert.equal(parsedToInstant(p, Zone.UTC).toString(), '2024-07-01T10:00:00.654321000Z');
    const w = parseTimestampText('2024-07-01 12:00:00.1')!;
    assert.equal(parsedToInstant(w, Zone.of('Asia/Tokyo')).epochMs, Date.UTC(2024, 6, 1, 3, 0, 0, 100));
    assert.equal(parseTimestampText('0044-03-15 12:00:00 BC')!.wall.year, -43);
    assert.equal(parseTimestampText('infinity'), null);
  });

  test('dates and times', () => {
    assert.equal(parseDateText('2024-02-29')!.getTime(), Date.UTC(2024, 1, 29));
    assert.deepEqual(parseTimeText('23:59:59.999999'), { ms: 86_399_999, micros: 999 });
    assert.equal(parseTimeText('12:00:00+02')!.ms, 10 * 3_600_000);
    assert.equal(parseTimeText('838:59:59'), null);
    assert.equal(parseTimeText('-01:00:00'), null);
  });

  test('Instant keeps nanoseconds; epochMs is Java getTime()', () => {
    const i = Instant.fromEpochMs(-1, 500);
    assert.deepEqual([i.seconds, i.nanos, i.epochMs], [-1, 999_000_500, -1]);
    assert.equal(formatWall(i.toWall(Zone.UTC), ' ', 9, i.nanos), '1969-12-31 23:59:59.999000500');
  });
});

describe('identifiers', () => {
  test('qualified names with quotes', () => {
    assert.deepEqual(splitQualifiedName('"My.Schema"."t""x"').parts, ['My.Schema', 't"x']);
    assert.deepEqual(splitQualifiedName('db.`a b`').parts, ['db', 'a b']);
    assert.deepEqual(splitQuotedList('"public"."a,b","public"."c"'), ['"public"."a,b"', '"public"."c"']);
  });

  test('PostgreSQL folds unquoted names only with quote.sql.identifiers=never', () => {
    assert.equal(new PostgresDialectImpl('never').parseTableId('Public.Orders').toString(), 'public.orders');
    assert.equal(new PostgresDialectImpl('always').parseTableId('Public.Orders').toString(), 'Public.Orders');
    assert.equal(new PostgresDialectImpl('never').tableSql(new TableId(null, 'public', 'orders')), 'public.orders');
    assert.equal(new MySqlDialectImpl('always').tableSql(new TableId('test', null, 'o`s')), '`test`.`o``s`');
  });

  test('the tables task config round-trips', () => {
    const d = new PostgresDialectImpl();
    const ts = [new TableId(null, 'public', 'a,b'), new TableId(null, 'S', 'T"x')];
    assert.deepEqual(decodeTables(d, encodeTables(d, ts)), ts);
  });
});

describe('PostgreSQL arrays', () => {
  test('parse and format', () => {
    assert.deepEqual(parsePgArray('{1,NULL,"a \\"b\\"","c,d"}'), ['1', null, 'a "b"', 'c,d']);
    assert.deepEqual(parsePgArray('{}'), []);
    assert.deepEqual(parsePgArray('[0:1]={x,y}'), ['x', 'y']);
    assert.deepEqual(parsePgArray('{{1,2},{3,4}}'), [['1', '2'], ['3', '4']]);
    assert.equal(formatPgArray(['a"b', null, 'c\\d'], String), '{"a\\"b",NULL,"c\\\\d"}');
  });

  test('format → parse round-trips any strings (property)', () => {
    fc.assert(fc.property(fc.array(fc.option(fc.string(), { nil: null })), (items) => {
      assert.deepEqual(parsePgArray(formatPgArray(items, String)), items);
    }));
  });
});

describe('table selection and grouping', () => {
  test('groupPartitions matches Kafka: contiguous, first groups one longer', () => {
    assert.deepEqual(groupPartitions([1, 2, 3, 4, 5], 3), [[1, 2], [3, 4], [5]]);
    assert.deepEqual(groupPartitions([1, 2], 2), [[1], [2]]);
    fc.assert(fc.property(fc.array(fc.integer()), fc.integer({ min: 1, max: 10 }), (xs, g) => {
      const groups = groupPartitions(xs, g);
      assert.equal(groups.length, g);
      assert.deepEqual(groups.flat(), xs);
      const sizes = groups.map((x) => x.length);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1);
    }));
  });

  test('whitelist matches unquoted FQN, quoted FQN or bare name; include/exclude regexes are full matches', () => {
    const d = new PostgresDialectImpl();
    const ts = ['a', 'b', 'c'].map((t) => new TableId(null, 'public', t)).concat(new TableId(null, 'other', 'a'));
    const names = (xs: TableId[]) => xs.map(String);
    assert.deepEqual(names(filterTables(d, ts, { whitelist: ['public.b', '"public"."c"'], blacklist: [], include: [], exclude: [] })), ['public.b', 'public.c']);
    assert.deepEqual(names(filterTables(d, ts, { whitelist: ['a'], blacklist: [], include: [], exclude: [] })), ['public.a', 'other.a']);
    assert.deepEqual(names(filterTables(d, ts, { whitelist: [], blacklist: ['a'], include: [], exclude: [] })), ['public.b', 'public.c']);
    assert.deepEqual(names(filterTables(d, ts, { whitelist: [], blacklist: [], include: [/^(?:public\..*)$/], exclude: [/^(?:.*\.c)$/] })), ['public.a', 'public.b']);
  });

  test('column mappings: exactly one regex per table', () => {
    const m = parseColumnMappings('timestamp.columns.mapping', ['public\\.orders:[updated|created]', 'public\\..*:id']);
    assert.deepEqual(mappedColumns('k', m.slice(0, 1), new TableId(null, 'public', 'orders')), ['updated', 'created']);
    assert.throws(() => mappedColumns('k', m, new TableId(null, 'public', 'orders')), /more than one mapping/);
    assert.equal(mappedColumns('k', m, new TableId(null, 'x', 'y')), null);
  });
});

describe('offsets in Confluent format', () => {
  test('partitions: v1 is {"protocol":"1","table":fqn} in that key order; v0 the bare name', () => {
    const t = new TableId(null, 'public', 'orders');
    assert.equal(JSON.stringify(partitionV1(t)), '{"protocol":"1","table":"public.orders"}');
    assert.equal(JSON.stringify(partitionV0(t)), '{"table":"orders"}');
  });

  test('timestamp_nanos carries the whole fraction; key order as Java HashMap writes it', () => {
    const s = decodeOffset({ timestamp: 1_700_000_000_123, timestamp_nanos: 123_456_789, incrementing: 42 });
    assert.equal(s.ts!.toString(), '2023-11-14T22:13:20.123456789Z');
    assert.equal(s.inc, 42n);
    assert.equal(JSON.stringify(encodeOffset(s)), '{"timestamp_nanos":123456789,"incrementing":42,"timestamp":1700000000123}');
    assert.deepEqual(encodeOffset(decodeOffset({ incrementing: 9007199254740993n })), { incrementing: 9007199254740993n });
    // A seed from timestamp.initial has no nanos.
    assert.equal(decodeOffset({ timestamp: 1500 }).ts!.nanos, 500_000_000);
  });

  test('encode/decode round-trips (property)', () => {
    fc.assert(fc.property(
      fc.integer({ min: -2e12, max: 4e12 }), fc.integer({ min: 0, max: 999_999 }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      (ms, subMs, inc) => {
        const s = { ts: Instant.fromEpochMs(ms, subMs), inc };
        const back = decodeOffset(encodeOffset(s));
        assert.equal(back.ts!.compare(s.ts), 0);
        assert.equal(back.inc, inc);
      },
    ));
  });
});

describe('numeric.mapping', () => {
  test('Confluent rules, except unconstrained numerics stay Decimal', () => {
    assert.deepEqual(numericTarget('none', 5, 0), { kind: 'decimal', scale: 0, precision: 5 });
    assert.deepEqual(numericTarget('precision_only', 2, 0), { kind: 'int', type: 'INT8' });
    assert.deepEqual(numericTarget('precision_only', 18, 0), { kind: 'int', type: 'INT64' });
    assert.deepEqual(numericTarget('precision_only', 19, 0), { kind: 'decimal', scale: 0, precision: 19 });
    assert.deepEqual(numericTarget('best_fit', 10, 2), { kind: 'float' });
    assert.deepEqual(numericTarget('best_fit', 10, -2), { kind: 'int', type: 'INT64' });
    assert.deepEqual(numericTarget('best_fit', 30, 2), { kind: 'decimal', scale: 2, precision: 30 });
    assert.deepEqual(numericTarget('best_fit_eager_double', 30, 2), { kind: 'float' });
    assert.deepEqual(numericTarget('best_fit', null, 127), { kind: 'decimal', scale: 127, precision: null });
  });

  test('int64 text: number when safe, bigint beyond, refused outside INT64', () => {
    assert.equal(int64FromText('9007199254740991'), 9007199254740991);
    assert.equal(int64FromText('-9007199254740993'), -9007199254740993n);
    assert.throws(() => int64FromText('9223372036854775808'), /INT64 range/);
  });
});

describe('connector validation', () => {
  test('a bad URL or dialect is reported on its key; other keys keep their own errors', async () => {
    const { JdbcSinkConnector, JdbcSourceConnector } = await import('../../../src/connectors/jdbc/index.js');
    const sink = new JdbcSinkConnector().validate({ 'connection.url': 'jdbc:oracle:thin:@h:1521:x' });
    assert.match(sink.get('connection.url')!.errorMessages.join(), /Unsupported database.*oracle/);
    const bad = new JdbcSinkConnector().validate({ 'connection.url': 'jdbc:postgresql://h/db', 'insert.mode': 'merge' });
    assert.match(bad.get('insert.mode')!.errorMessages.join(), /must be one of/);
    assert.deepEqual(bad.get('connection.url')!.errorMessages, []);
    const src = new JdbcSourceConnector().validate({ 'connection.url': 'jdbc:postgresql://h/db', mode: 'bulk', 'table.whitelist': 'a', 'dialect.name': 'OracleDatabaseDialect' });
    assert.match(src.get('dialect.name')!.errorMessages.join(), /not available/);
    const ok = new JdbcSourceConnector().validate({ 'connection.url': 'jdbc:postgresql://h/db', mode: 'bulk', 'table.whitelist': 'a' });
    assert.deepEqual([...ok.values()].flatMap((v) => v.errorMessages), []);
  });
});
