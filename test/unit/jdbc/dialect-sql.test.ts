/**
 * The SQL text, column types, value encodings and type mappings each dialect produces, pinned input by input so a
 * change to how the dialects are built cannot change what they say to the database.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { BigDecimal, Decimal, LogicalDate, LogicalTime, LogicalTimestamp, SchemaBuilder } from '../../../src/data/index.js';
import {
  MySqlDialectImpl, PostgresDialectImpl, dialectFor,
  type ColumnDefinition, type Dialect, type NumericMapping, type SourceColumn, type SqlCategory, type TimestampGranularity,
} from '../../../src/connectors/jdbc/dialect/index.js';
import { TableId } from '../../../src/connectors/jdbc/util/identifiers.js';
import { Instant } from '../../../src/connectors/jdbc/util/temporal.js';
import { parseConnectionUrl } from '../../../src/connectors/jdbc/util/url.js';
import { Zone } from '../../../src/connectors/jdbc/util/zone.js';

// Typed as the interface the connectors use, so the tests call what they call.
const pg: Dialect = new PostgresDialectImpl('always');
const pgBare: Dialect = new PostgresDialectImpl('never');
const my: Dialect = new MySqlDialectImpl('always');
const myBare: Dialect = new MySqlDialectImpl('never');
const paris = Zone.of('Europe/Paris');
const pgTable = new TableId(null, 'public', 'Orders');
const myTable = new TableId('shop', null, 'Orders');
const ddlColumns = [
  { name: 'id', type: 'BIGINT', optional: false, defaultLiteral: null },
  { name: 'Region', type: 'TEXT', optional: false, defaultLiteral: "'EU'" },
  { name: 'note', type: 'TEXT', optional: true, defaultLiteral: null },
  { name: 'qty', type: 'INT', optional: true, defaultLiteral: '1' },
];
const columnDefs = new Map<string, ColumnDefinition>([
  ['id', column('int', { name: 'id', typeName: 'bigint' })],
  ['Region', column('string', { name: 'Region', typeName: 'character varying(8)' })],
  ['note', column('string', { name: 'note', typeName: 'text' })],
  ['qty', column('int', { name: 'qty', typeName: 'integer' })],
]);
const encodeCtx = { zone: paris, dateZone: Zone.UTC };

function column(category: SqlCategory, extra: Partial<ColumnDefinition> = {}): ColumnDefinition {
  return { name: 'c', typeName: category, category, nullable: true, hasDefault: false, autoIncrement: false, primaryKey: false, ...extra };
}

function mappingOptions(numericMapping: NumericMapping, granularity: TimestampGranularity) {
  return { numericMapping, zone: paris, granularity };
}

/** The source column of a PostgreSQL result field of a built-in type (no catalog query is needed for those). */
async function pgSource(oid: number, typmod = -1, mapping: NumericMapping = 'none', granularity: TimestampGranularity = 'connect_logical'): Promise<SourceColumn> {
  const field = { name: 'c', tableID: 0, columnID: 0, dataTypeID: oid, dataTypeModifier: typmod };
  const [c] = await pg.sourceColumns(null as never, [field], mappingOptions(mapping, granularity));
  return c as SourceColumn;
}

interface MyFieldFacts { flags?: number; columnLength?: number; decimals?: number; characterSet?: number }

function myField(columnType: number, f: MyFieldFacts) {
  return { name: 'c', characterSet: f.characterSet ?? 224, columnLength: f.columnLength ?? 0, columnType, flags: f.flags ?? 0, decimals: f.decimals ?? 0 };
}

/** The source column of a MySQL result field (the mapping reads only the field's metadata). */
async function mySource(columnType: number, f: MyFieldFacts = {}, mapping: NumericMapping = 'none', granularity: TimestampGranularity = 'connect_logical'): Promise<SourceColumn> {
  const [c] = await my.sourceColumns(null as never, [myField(columnType, f)], mappingOptions(mapping, granularity));
  return c as SourceColumn;
}

/** A source column's schema and facts, in a form that compares as text. */
function described(c: SourceColumn | { name: string; unsupported: string }) {
  if ('unsupported' in c) return `unsupported ${c.unsupported}`;
  const params = c.schema.parameters ? ` ${JSON.stringify(Object.fromEntries(c.schema.parameters))}` : '';
  const facts = [c.typeName, c.integral ? 'integral' : '', c.nullable ? 'nullable' : 'not null', c.autoIncrement ? 'auto' : '', c.timeKind ?? '', c.instant ? 'instant()' : '']
    .filter((x) => x !== '');
  return `${c.schema}${params} | ${facts.join(' ')}`;
}

/** Any converted value as text: Dates as ISO, decimals with their scale, bytes as hex, bigints with n. */
function show(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Date) return `Date ${v.toISOString()}`;
  if (v instanceof BigDecimal) return `BigDecimal ${v.toString()} scale ${v.scale}`;
  if (v instanceof Uint8Array) return `bytes ${Buffer.from(v).toString('hex')}`;
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  return `${typeof v} ${String(v)}`;
}

test('identifiers and session SQL', async () => {
  assert.equal(pg.placeholder(3), '$3');
  assert.equal(my.placeholder(3), '?');
  assert.equal(pg.maxParams, 65535);
  assert.equal(my.maxParams, 30000);
  assert.equal(pg.quote('we"ird`name'), '"we""ird`name"');
  assert.equal(my.quote('we"ird`name'), '`we"ird``name`');
  assert.equal(pgBare.quote('Orders'), 'Orders');
  assert.equal(myBare.quote('Orders'), 'Orders');
  assert.equal(pgBare.quoteAlways('Orders'), '"Orders"');
  assert.equal(myBare.quoteAlways('Orders'), '`Orders`');
  assert.equal(pg.tableSql(pgTable), '"public"."Orders"');
  assert.equal(my.tableSql(myTable), '`shop`.`Orders`');
  assert.equal(pgBare.tableSql(pgTable), 'public.Orders');
  assert.equal(myBare.tableSql(myTable), 'shop.Orders');
  assert.equal(pg.tableSql(new TableId(null, null, 'solo')), '"solo"');
  assert.deepEqual(pg.parseTableId('db."Sales".Orders').parts(), ['Sales', 'Orders']);
  assert.deepEqual(pgBare.parseTableId('db."Sales".Orders').parts(), ['Sales', 'orders']);
  assert.deepEqual(pgBare.parseTableId('Orders').parts(), ['orders']);
  assert.deepEqual(my.parseTableId('shop.Orders').parts(), ['shop', 'Orders']);
  assert.deepEqual(my.parseTableId('a.b.Orders').parts(), ['b', 'Orders']);
  assert.deepEqual(my.parseTableId('`Orders`').parts(), ['Orders']);
  assert.deepEqual(pg.qualify(new TableId(null, null, 'o'), { catalog: 'c', schema: 's' }).parts(), ['s', 'o']);
  assert.deepEqual(pg.qualify(new TableId('x', 'y', 'o'), { catalog: 'c', schema: 's' }).parts(), ['y', 'o']);
  assert.deepEqual(my.qualify(new TableId(null, null, 'o'), { catalog: 'c', schema: 's' }).parts(), ['c', 'o']);
  assert.deepEqual(my.qualify(new TableId('x', null, 'o'), { catalog: 'c', schema: 's' }).parts(), ['x', 'o']);
  assert.equal(pg.currentTimeSql, 'SELECT clock_timestamp() AS now');
  assert.equal(my.currentTimeSql, 'SELECT UTC_TIMESTAMP(6) AS now');
  assert.equal(pg.parseCurrentTime({ now: '2024-05-06 07:08:09.123456+00' }).epochMs, 1714979289123);
  assert.equal(my.parseCurrentTime({ now: '2024-05-06 07:08:09.123456' }).nanos, 123456000);
  assert.equal(pg.isolationSql('read_committed'), 'SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED');
  assert.equal(pg.isolationSql('READ_UNCOMMITTED'), 'SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ UNCOMMITTED');
  assert.equal(pg.isolationSql('REPEATABLE_READ'), 'SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ');
  assert.equal(pg.isolationSql('SERIALIZABLE'), 'SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE');
  assert.equal(pg.isolationSql('DEFAULT'), null);
  assert.equal(my.isolationSql('read_committed'), 'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
  assert.equal(my.isolationSql('READ_UNCOMMITTED'), 'SET SESSION TRANSACTION ISOLATION LEVEL READ UNCOMMITTED');
  assert.equal(my.isolationSql('REPEATABLE_READ'), 'SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
  assert.equal(my.isolationSql('SERIALIZABLE'), 'SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE');
  assert.equal(my.isolationSql('DEFAULT'), null);
  assert.equal(pg.emptyResultSql('SELECT 1 AS x'), 'SELECT * FROM (SELECT 1 AS x) AS sluice_describe LIMIT 0');
  assert.equal(my.emptyResultSql('SELECT 1 AS x'), 'SELECT * FROM (SELECT 1 AS x) AS sluice_describe LIMIT 0');
  assert.equal(pg.sourceColumnsQuery, true);
  assert.equal(my.sourceColumnsQuery, false);
  assert.equal(pg.bindTimestamp(Instant.fromEpochMs(Date.UTC(2024, 2, 31, 1, 30), 456789), 'instant', paris), '2024-03-31 01:30:00.000456+00');
  assert.equal(pg.bindTimestamp(Instant.fromEpochMs(Date.UTC(2024, 2, 31, 1, 30), 456789), 'wall', paris), '2024-03-31 03:30:00.000456');
  assert.equal(pg.bindTimestamp(Instant.fromEpochMs(Date.UTC(-5, 0, 1)), 'wall', Zone.UTC), '0006-01-01 00:00:00.000000 BC');
  assert.equal(my.bindTimestamp(Instant.fromEpochMs(Date.UTC(2024, 2, 31, 1, 30), 456789), 'instant', paris), '2024-03-31 01:30:00.000456');
  assert.equal(my.bindTimestamp(Instant.fromEpochMs(Date.UTC(2024, 2, 31, 1, 30), 456789), 'wall', paris), '2024-03-31 03:30:00.000456');
  assert.equal(pg.bindInteger(9007199254740993n), '9007199254740993');
  assert.equal(my.bindInteger(9007199254740993n), 9007199254740993n);
  assert.equal(dialectFor(parseConnectionUrl('jdbc:postgresql://h/db'), '', 'always').name, 'PostgreSqlDatabaseDialect');
  assert.equal(dialectFor(parseConnectionUrl('jdbc:mariadb://h/db'), '', 'always').name, 'MySqlDatabaseDialect');
  assert.equal(dialectFor(parseConnectionUrl('jdbc:mariadb://h/db'), ' PostgreSqlDatabaseDialect ', 'never').quoteMethod, 'never');
  assert.throws(() => dialectFor(parseConnectionUrl('jdbc:postgresql://h/db'), 'OracleDatabaseDialect', 'always'), { message: 'Dialect OracleDatabaseDialect is not supported; supported dialects: PostgreSqlDatabaseDialect, MySqlDatabaseDialect' });
});

test('column types', async () => {
  assert.equal(pg.sqlTypeFor(SchemaBuilder.int8().build(), false), 'SMALLINT');
  assert.equal(pg.sqlTypeFor(SchemaBuilder.int16().build(), false), 'SMALLINT');
  assert.equal(pg.sqlTypeFor(SchemaBuilder.int32().build(), false), 'INT');
  assert.equal(pg.sqlTypeFor(SchemaBuilder.int64().build(), false), 'BIGINT');
  assert.equal(pg.sqlTypeFor(SchemaBuilder.float32().build(), false), 'REAL');
  assert.equal(pg.sqlTypeFor(SchemaBuilder.float64().build(), false), 'DOUBLE PRECISION');
  assert.equal(pg.sqlTypeFor(SchemaBuilder.bool().build(), false), 'BOOLEAN');
  assert.equal(pg.sqlTypeFor(SchemaBuilder.string().build(), false), 'TEXT');
  assert.equal(pg.sqlTypeFor(SchemaBuilder.string().build(), true), 'TEXT');
  assert.equal(pg.sqlTypeFor(SchemaBuilder.bytes().build(), false), 'BYTEA');
  assert.equal(pg.sqlTypeFor(SchemaBuilder.bytes().build(), true), 'BYTEA');
  assert.equal(pg.sqlTypeFor(Decimal.schema(2), false), 'DECIMAL');
  assert.equal(pg.sqlTypeFor(LogicalDate.schema(), false), 'DATE');
  assert.equal(pg.sqlTypeFor(LogicalTime.schema(), false), 'TIME');
  assert.equal(pg.sqlTypeFor(LogicalTimestamp.schema(), false), 'TIMESTAMP');
  assert.equal(pg.sqlTypeFor(SchemaBuilder.array(SchemaBuilder.int32().build()).build(), false), 'INT[]');
  assert.equal(pg.sqlTypeFor(SchemaBuilder.array(LogicalTimestamp.schema()).build(), false), 'TIMESTAMP[]');
  assert.throws(() => pg.sqlTypeFor(SchemaBuilder.array(SchemaBuilder.array(SchemaBuilder.int32().build()).build()).build(), false), { message: "array<array<int32>> (type ARRAY) doesn't have a mapping to the SQL database column type" });
  assert.throws(() => pg.sqlTypeFor(SchemaBuilder.map(SchemaBuilder.string().build(), SchemaBuilder.string().build()).build(), false), { message: "map<string,string> (type MAP) doesn't have a mapping to the SQL database column type" });
  assert.throws(() => pg.sqlTypeFor(SchemaBuilder.struct().field('a', SchemaBuilder.int32().build()).build(), false), { message: "struct{a:int32} (type STRUCT) doesn't have a mapping to the SQL database column type" });
  assert.equal(my.sqlTypeFor(SchemaBuilder.int8().build(), false), 'TINYINT');
  assert.equal(my.sqlTypeFor(SchemaBuilder.int16().build(), false), 'SMALLINT');
  assert.equal(my.sqlTypeFor(SchemaBuilder.int32().build(), false), 'INT');
  assert.equal(my.sqlTypeFor(SchemaBuilder.int64().build(), false), 'BIGINT');
  assert.equal(my.sqlTypeFor(SchemaBuilder.float32().build(), false), 'FLOAT');
  assert.equal(my.sqlTypeFor(SchemaBuilder.float64().build(), false), 'DOUBLE');
  assert.equal(my.sqlTypeFor(SchemaBuilder.bool().build(), false), 'TINYINT');
  assert.equal(my.sqlTypeFor(SchemaBuilder.string().build(), false), 'TEXT');
  assert.equal(my.sqlTypeFor(SchemaBuilder.string().build(), true), 'VARCHAR(255)');
  assert.equal(my.sqlTypeFor(SchemaBuilder.bytes().build(), false), 'VARBINARY(1024)');
  assert.equal(my.sqlTypeFor(SchemaBuilder.bytes().build(), true), 'VARBINARY(255)');
  assert.equal(my.sqlTypeFor(Decimal.schema(2), false), 'DECIMAL(65,2)');
  assert.equal(my.sqlTypeFor(LogicalDate.schema(), false), 'DATE');
  assert.equal(my.sqlTypeFor(LogicalTime.schema(), false), 'TIME(3)');
  assert.equal(my.sqlTypeFor(LogicalTimestamp.schema(), false), 'DATETIME(3)');
  assert.throws(() => my.sqlTypeFor(SchemaBuilder.array(SchemaBuilder.int32().build()).build(), false), { message: "array<int32> (type ARRAY) doesn't have a mapping to the SQL database column type" });
  assert.throws(() => my.sqlTypeFor(SchemaBuilder.map(SchemaBuilder.string().build(), SchemaBuilder.string().build()).build(), false), { message: "map<string,string> (type MAP) doesn't have a mapping to the SQL database column type" });
});

test('default values', async () => {
  assert.equal(pg.defaultLiteral(SchemaBuilder.int32().build(), 42), '42');
  assert.equal(pg.defaultLiteral(SchemaBuilder.int64().build(), 9007199254740993n), '9007199254740993');
  assert.equal(pg.defaultLiteral(Decimal.schema(2), BigDecimal.parse('-12.50')), '-12.50');
  assert.equal(pg.defaultLiteral(SchemaBuilder.bool().build(), true), 'TRUE');
  assert.equal(pg.defaultLiteral(SchemaBuilder.bool().build(), false), 'FALSE');
  assert.equal(pg.defaultLiteral(SchemaBuilder.bytes().build(), new Uint8Array([0, 171, 255])), "'\\x00abff'");
  assert.equal(pg.defaultLiteral(LogicalDate.schema(), new Date(Date.UTC(2024, 1, 29))), "'2024-02-29'");
  assert.equal(pg.defaultLiteral(LogicalTime.schema(), new Date(Date.UTC(1970, 0, 1, 13, 14, 15, 16))), "'13:14:15.016'");
  assert.equal(pg.defaultLiteral(LogicalTimestamp.schema(), new Date(Date.UTC(2024, 1, 29, 13, 14, 15, 16))), "'2024-02-29 13:14:15.016'");
  assert.equal(pg.defaultLiteral(SchemaBuilder.string().build(), "it's a \\ back"), "'it''s a \\ back'");
  assert.equal(pg.defaultLiteral(SchemaBuilder.array(SchemaBuilder.string().build()).build(), ['a', "b'c", null]), "'{\"a\",\"b''c\",NULL}'");
  assert.throws(() => pg.defaultLiteral(SchemaBuilder.struct().build(), new Map()), { message: 'cannot write a default value for struct{}' });
  assert.equal(my.defaultLiteral(SchemaBuilder.int32().build(), 42), '42');
  assert.equal(my.defaultLiteral(SchemaBuilder.int64().build(), 9007199254740993n), '9007199254740993');
  assert.equal(my.defaultLiteral(Decimal.schema(2), BigDecimal.parse('-12.50')), '-12.50');
  assert.equal(my.defaultLiteral(SchemaBuilder.bool().build(), true), '1');
  assert.equal(my.defaultLiteral(SchemaBuilder.bool().build(), false), '0');
  assert.equal(my.defaultLiteral(SchemaBuilder.bytes().build(), new Uint8Array([0, 171, 255])), "X'00abff'");
  assert.equal(my.defaultLiteral(LogicalDate.schema(), new Date(Date.UTC(2024, 1, 29))), "'2024-02-29'");
  assert.equal(my.defaultLiteral(LogicalTime.schema(), new Date(Date.UTC(1970, 0, 1, 13, 14, 15, 16))), "'13:14:15.016'");
  assert.equal(my.defaultLiteral(LogicalTimestamp.schema(), new Date(Date.UTC(2024, 1, 29, 13, 14, 15, 16))), "'2024-02-29 13:14:15.016'");
  assert.equal(my.defaultLiteral(SchemaBuilder.string().build(), "it's a \\ back"), "'it''s a \\\\ back'");
  assert.throws(() => my.defaultLiteral(SchemaBuilder.array(SchemaBuilder.string().build()).build(), ['a']), { message: 'cannot write a default value for array<string>' });
});

test('DDL', async () => {
  assert.equal(pg.createTableSql(pgTable, ddlColumns, ['id', 'Region']), `CREATE TABLE "public"."Orders" (
"id" BIGINT NOT NULL,
"Region" TEXT DEFAULT 'EU',
"note" TEXT NULL,
"qty" INT DEFAULT 1,
PRIMARY KEY("id","Region"))`);
  assert.equal(pg.createTableSql(pgTable, ddlColumns, []), `CREATE TABLE "public"."Orders" (
"id" BIGINT NOT NULL,
"Region" TEXT DEFAULT 'EU',
"note" TEXT NULL,
"qty" INT DEFAULT 1)`);
  assert.equal(pgBare.createTableSql(pgTable, ddlColumns, ['id']), `CREATE TABLE public.Orders (
id BIGINT NOT NULL,
Region TEXT DEFAULT 'EU',
note TEXT NULL,
qty INT DEFAULT 1,
PRIMARY KEY(id))`);
  assert.deepEqual(pg.alterTableSql(pgTable, ddlColumns.slice(1)), [`ALTER TABLE "public"."Orders" 
ADD "Region" TEXT DEFAULT 'EU',
ADD "note" TEXT NULL,
ADD "qty" INT DEFAULT 1`]);
  assert.deepEqual(pgBare.alterTableSql(pgTable, ddlColumns.slice(2)), [`ALTER TABLE public.Orders 
ADD note TEXT NULL,
ADD qty INT DEFAULT 1`]);
  assert.equal(my.createTableSql(myTable, ddlColumns, ['id', 'Region']), "CREATE TABLE `shop`.`Orders` (\n`id` BIGINT NOT NULL,\n`Region` TEXT DEFAULT 'EU',\n`note` TEXT NULL,\n`qty` INT DEFAULT 1,\nPRIMARY KEY(`id`,`Region`))");
  assert.equal(my.createTableSql(myTable, ddlColumns, []), "CREATE TABLE `shop`.`Orders` (\n`id` BIGINT NOT NULL,\n`Region` TEXT DEFAULT 'EU',\n`note` TEXT NULL,\n`qty` INT DEFAULT 1)");
  assert.equal(myBare.createTableSql(myTable, ddlColumns, ['id']), `CREATE TABLE shop.Orders (
id BIGINT NOT NULL,
Region TEXT DEFAULT 'EU',
note TEXT NULL,
qty INT DEFAULT 1,
PRIMARY KEY(id))`);
  assert.deepEqual(my.alterTableSql(myTable, ddlColumns.slice(1)), ["ALTER TABLE `shop`.`Orders` \nADD `Region` TEXT DEFAULT 'EU',\nADD `note` TEXT NULL,\nADD `qty` INT DEFAULT 1"]);
  assert.deepEqual(myBare.alterTableSql(myTable, ddlColumns.slice(2)), [`ALTER TABLE shop.Orders 
ADD note TEXT NULL,
ADD qty INT DEFAULT 1`]);
});

test('insert, upsert, update, delete', async () => {
  assert.equal(pg.insertSql(pgTable, ['id', 'Region', 'note'], 1), 'INSERT INTO "public"."Orders" ("id","Region","note") VALUES ($1,$2,$3)');
  assert.equal(pg.insertSql(pgTable, ['id', 'Region', 'note'], 3), 'INSERT INTO "public"."Orders" ("id","Region","note") VALUES ($1,$2,$3),($4,$5,$6),($7,$8,$9)');
  assert.equal(pgBare.insertSql(pgTable, ['id', 'note'], 2), 'INSERT INTO public.Orders (id,note) VALUES ($1,$2),($3,$4)');
  assert.equal(my.insertSql(myTable, ['id', 'Region', 'note'], 1), 'INSERT INTO `shop`.`Orders`(`id`,`Region`,`note`) VALUES(?,?,?)');
  assert.equal(my.insertSql(myTable, ['id', 'Region', 'note'], 3), 'INSERT INTO `shop`.`Orders`(`id`,`Region`,`note`) VALUES(?,?,?),(?,?,?),(?,?,?)');
  assert.equal(myBare.insertSql(myTable, ['id', 'note'], 2), 'INSERT INTO shop.Orders(id,note) VALUES(?,?),(?,?)');
  assert.equal(pg.upsertSql(pgTable, ['id', 'Region'], ['note', 'qty'], 2, columnDefs), 'INSERT INTO "public"."Orders" ("id","Region","note","qty") VALUES ($1,$2,$3,$4),($5,$6,$7,$8) ON CONFLICT ("id","Region") DO UPDATE SET "note"=EXCLUDED."note","qty"=EXCLUDED."qty"');
  assert.equal(pg.upsertSql(pgTable, ['id', 'Region'], [], 2, columnDefs), 'INSERT INTO "public"."Orders" ("id","Region") VALUES ($1,$2),($3,$4) ON CONFLICT ("id","Region") DO NOTHING');
  assert.equal(pgBare.upsertSql(pgTable, ['id'], ['note'], 1, columnDefs), 'INSERT INTO public.Orders (id,note) VALUES ($1,$2) ON CONFLICT (id) DO UPDATE SET note=EXCLUDED.note');
  assert.equal(my.upsertSql(myTable, ['id', 'Region'], ['note', 'qty'], 2, columnDefs), 'insert into `shop`.`Orders`(`id`,`Region`,`note`,`qty`) values(?,?,?,?),(?,?,?,?) on duplicate key update `note`=values(`note`),`qty`=values(`qty`)');
  assert.equal(my.upsertSql(myTable, ['id', 'Region'], [], 2, columnDefs), 'insert into `shop`.`Orders`(`id`,`Region`) values(?,?),(?,?) on duplicate key update `id`=values(`id`),`Region`=values(`Region`)');
  assert.equal(myBare.upsertSql(myTable, ['id'], ['note'], 1, columnDefs), 'insert into shop.Orders(id,note) values(?,?) on duplicate key update note=values(note)');
  assert.equal(pg.updateSql(pgTable, ['id', 'Region'], ['note', 'qty'], 1, columnDefs), 'UPDATE "public"."Orders" SET "note" = $1, "qty" = $2 WHERE "id" = $3 AND "Region" = $4');
  assert.equal(pg.updateSql(pgTable, ['id', 'Region'], ['note', 'qty'], 2, columnDefs), 'UPDATE "public"."Orders" AS sluice_t SET "note" = sluice_v."note", "qty" = sluice_v."qty" FROM (VALUES ($1::text,$2::integer,$3::bigint,$4::character varying(8)),($5::text,$6::integer,$7::bigint,$8::character varying(8))) AS sluice_v("note","qty","id","Region") WHERE sluice_t."id" = sluice_v."id" AND sluice_t."Region" = sluice_v."Region"');
  assert.equal(pg.updateSql(pgTable, ['id'], ['unknown'], 2, columnDefs), 'UPDATE "public"."Orders" AS sluice_t SET "unknown" = sluice_v."unknown" FROM (VALUES ($1::text,$2::bigint),($3::text,$4::bigint)) AS sluice_v("unknown","id") WHERE sluice_t."id" = sluice_v."id"');
  assert.equal(pgBare.updateSql(pgTable, ['id'], ['note'], 2, columnDefs), 'UPDATE public.Orders AS sluice_t SET note = sluice_v."note" FROM (VALUES ($1::text,$2::bigint),($3::text,$4::bigint)) AS sluice_v("note","id") WHERE sluice_t.id = sluice_v."id"');
  assert.equal(my.updateSql(myTable, ['id', 'Region'], ['note', 'qty'], 1, columnDefs), 'UPDATE `shop`.`Orders` SET `note` = ?, `qty` = ? WHERE `id` = ? AND `Region` = ?');
  assert.equal(my.updateSql(myTable, ['id', 'Region'], ['note', 'qty'], 2, columnDefs), 'UPDATE `shop`.`Orders` SET `note` = ?, `qty` = ? WHERE `id` = ? AND `Region` = ?');
  assert.equal(myBare.updateSql(myTable, ['id'], ['note'], 1, columnDefs), 'UPDATE shop.Orders SET note = ? WHERE id = ?');
  assert.equal(pg.deleteSql(pgTable, ['id'], 3), 'DELETE FROM "public"."Orders" WHERE "id" IN ($1,$2,$3)');
  assert.equal(pg.deleteSql(pgTable, ['id', 'Region'], 2), 'DELETE FROM "public"."Orders" WHERE ("id","Region") IN (($1,$2),($3,$4))');
  assert.equal(pgBare.deleteSql(pgTable, ['id'], 1), 'DELETE FROM public.Orders WHERE id IN ($1)');
  assert.equal(my.deleteSql(myTable, ['id'], 3), 'DELETE FROM `shop`.`Orders` WHERE `id` IN (?,?,?)');
  assert.equal(my.deleteSql(myTable, ['id', 'Region'], 2), 'DELETE FROM `shop`.`Orders` WHERE (`id`,`Region`) IN ((?,?),(?,?))');
  assert.equal(myBare.deleteSql(myTable, ['id'], 1), 'DELETE FROM shop.Orders WHERE id IN (?)');
});

test('COPY and staging tables', async () => {
  assert.equal(pg.copySql(pgTable, ['id', 'Region', 'note']), 'COPY "public"."Orders" ("id","Region","note") FROM STDIN');
  assert.equal(pgBare.copySql(pgTable, ['id', 'note']), 'COPY public.Orders (id,note) FROM STDIN');
  assert.equal(my.copySql(myTable, ['id']), null);
  assert.equal(my.staging, null);
  assert.equal(pg.staging!.createSql('sluice_stage_1', pgTable, ['id', 'Region', 'note']), 'CREATE TEMPORARY TABLE "sluice_stage_1" AS SELECT "id","Region","note" FROM "public"."Orders" WITH NO DATA');
  assert.equal(pg.staging!.clearSql('sluice_stage_1'), 'TRUNCATE "sluice_stage_1"');
  assert.equal(pg.staging!.copySql('sluice_stage_1', ['id', 'Region', 'note']), 'COPY "sluice_stage_1" ("id","Region","note") FROM STDIN');
  assert.equal(pg.staging!.upsertSql(pgTable, 'sluice_stage_1', ['id', 'Region'], ['note', 'qty']), 'INSERT INTO "public"."Orders" ("id","Region","note","qty") SELECT "id","Region","note","qty" FROM "sluice_stage_1" ON CONFLICT ("id","Region") DO UPDATE SET "note"=EXCLUDED."note","qty"=EXCLUDED."qty"');
  assert.equal(pg.staging!.upsertSql(pgTable, 'sluice_stage_1', ['id', 'Region'], []), 'INSERT INTO "public"."Orders" ("id","Region") SELECT "id","Region" FROM "sluice_stage_1" ON CONFLICT ("id","Region") DO NOTHING');
  assert.equal(pg.staging!.updateSql(pgTable, 'sluice_stage_1', ['id', 'Region'], ['note', 'qty']), 'UPDATE "public"."Orders" AS sluice_t SET "note" = sluice_s."note", "qty" = sluice_s."qty" FROM "sluice_stage_1" AS sluice_s WHERE sluice_t."id" = sluice_s."id" AND sluice_t."Region" = sluice_s."Region"');
  assert.equal(pg.staging!.deleteSql(pgTable, 'sluice_stage_1', ['id', 'Region']), 'DELETE FROM "public"."Orders" AS sluice_t USING "sluice_stage_1" AS sluice_s WHERE sluice_t."id" = sluice_s."id" AND sluice_t."Region" = sluice_s."Region"');
  assert.equal(pgBare.staging!.createSql('Stage', pgTable, ['id', 'note']), 'CREATE TEMPORARY TABLE "Stage" AS SELECT id,note FROM public.Orders WITH NO DATA');
  assert.equal(pgBare.staging!.upsertSql(pgTable, 'Stage', ['id'], ['note']), 'INSERT INTO public.Orders (id,note) SELECT id,note FROM "Stage" ON CONFLICT (id) DO UPDATE SET note=EXCLUDED.note');
  assert.equal(pgBare.staging!.updateSql(pgTable, 'Stage', ['id'], ['note']), 'UPDATE public.Orders AS sluice_t SET note = sluice_s.note FROM "Stage" AS sluice_s WHERE sluice_t.id = sluice_s.id');
  assert.equal(pgBare.staging!.deleteSql(pgTable, 'Stage', ['id']), 'DELETE FROM public.Orders AS sluice_t USING "Stage" AS sluice_s WHERE sluice_t.id = sluice_s.id');
});

test('value encoding', async () => {
  assert.equal(pg.encodeParam(null, null, column('int'), encodeCtx), null);
  assert.equal(pg.encodeParam(true, null, column('bool'), encodeCtx), 't');
  assert.equal(pg.encodeParam(0, null, column('bool'), encodeCtx), 'f');
  assert.equal(pg.encodeParam(BigDecimal.parse('1.50'), Decimal.schema(2), column('decimal'), encodeCtx), '1.50');
  assert.equal(pg.encodeParam(new Date(Date.UTC(2024, 2, 31, 1, 30, 0, 5)), LogicalTimestamp.schema(), column('timestamp', { timeKind: 'wall' }), encodeCtx), '2024-03-31 03:30:00.005000');
  assert.equal(pg.encodeParam(new Date(Date.UTC(2024, 2, 31, 1, 30, 0, 5)), LogicalTimestamp.schema(), column('timestamp', { timeKind: 'instant' }), encodeCtx), '2024-03-31 01:30:00.005000+00');
  assert.equal(pg.encodeParam(new Date(Date.UTC(2024, 2, 31)), LogicalDate.schema(), column('timestamp', { timeKind: 'wall' }), encodeCtx), '2024-03-31 00:00:00.000000');
  assert.equal(pg.encodeParam(Instant.fromEpochMs(Date.UTC(2024, 2, 31, 1, 30), 999), null, column('timestamp', { timeKind: 'wall' }), encodeCtx), '2024-03-31 03:30:00.000000');
  assert.equal(pg.encodeParam(new Date(Date.UTC(2024, 2, 31, 23, 30)), LogicalTimestamp.schema(), column('date'), encodeCtx), '2024-03-31');
  assert.equal(pg.encodeParam(new Date(Date.UTC(1970, 0, 1, 1, 2, 3, 4)), LogicalTime.schema(), column('time'), encodeCtx), '01:02:03.004');
  assert.equal(pg.encodeParam(['a', null, 'b"c'], SchemaBuilder.array(SchemaBuilder.string().build()).build(), column('array', { element: column('string') }), encodeCtx), "{\"a\",NULL,\"b\\\"c\"}");
  assert.equal(pg.encodeParam(new Map([['k', 1]]), null, column('json'), encodeCtx), '{"k":1}');
  assert.equal(show(pg.encodeParam(new Uint8Array([1, 2]), null, column('bytes'), encodeCtx)), 'bytes 0102');
  assert.equal(pg.encodeParam('12', null, column('string'), encodeCtx), '12');
  assert.equal(pg.encodeCopy(new Uint8Array([1, 2]), null, column('bytes'), encodeCtx), "\\x0102");
  assert.equal(pg.encodeCopy(true, null, column('bool'), encodeCtx), 't');
  assert.equal(pg.encodeCopy(new Date(Date.UTC(2024, 2, 31, 1, 30, 0, 5)), LogicalTimestamp.schema(), column('timestamp', { timeKind: 'wall' }), encodeCtx), '2024-03-31 03:30:00.005000');
  assert.equal(my.encodeParam(null, null, column('int'), encodeCtx), null);
  assert.equal(my.encodeParam(true, null, column('bool'), encodeCtx), 1);
  assert.equal(my.encodeParam(7n, null, column('int'), encodeCtx), 7n);
  assert.equal((my.encodeParam(BigDecimal.parse('1.50'), Decimal.schema(2), column('decimal'), encodeCtx) as { toSqlString(): string }).toSqlString(), '1.50');
  assert.equal(my.encodeParam(new Date(Date.UTC(2024, 2, 31, 1, 30, 0, 5)), LogicalTimestamp.schema(), column('timestamp', { timeKind: 'wall' }), encodeCtx), '2024-03-31 03:30:00.005000');
  assert.equal(my.encodeParam(new Date(Date.UTC(2024, 2, 31, 1, 30, 0, 5)), LogicalTimestamp.schema(), column('timestamp', { timeKind: 'instant' }), encodeCtx), '2024-03-31 01:30:00.005000');
  assert.equal(my.encodeParam(new Date(Date.UTC(2024, 2, 31)), LogicalDate.schema(), column('timestamp', { timeKind: 'wall' }), encodeCtx), '2024-03-31 00:00:00.000000');
  assert.equal(my.encodeParam(new Date(Date.UTC(2024, 2, 31, 23, 30)), LogicalTimestamp.schema(), column('date'), encodeCtx), '2024-03-31');
  assert.equal(my.encodeParam(new Date(Date.UTC(1970, 0, 1, 1, 2, 3, 4)), LogicalTime.schema(), column('time'), encodeCtx), '01:02:03.004');
  assert.equal(my.encodeParam(['a', 1], null, column('json'), encodeCtx), '["a",1]');
  assert.equal(my.encodeParam(true, null, column('string'), encodeCtx), 1);
  assert.equal(my.encodeParam('x', null, column('string'), encodeCtx), 'x');
  assert.throws(() => my.encodeCopy('x', null, column('string'), encodeCtx), { message: 'COPY is not supported on MySQL' });
});

test('error classification', async () => {
  assert.equal(pg.isDataError({ code: '23505' }), true);
  assert.equal(pg.isDataError({ code: '22001' }), true);
  assert.equal(pg.isDataError({ code: '42804' }), true);
  assert.equal(pg.isDataError({ code: '40001' }), false);
  assert.equal(pg.isConnectionError(Object.assign(new Error('x'), { code: '57P01' })), true);
  assert.equal(pg.isConnectionError(Object.assign(new Error('x'), { code: 'ECONNRESET' })), true);
  assert.equal(pg.isConnectionError(new Error('Connection terminated unexpectedly')), true);
  assert.equal(pg.isConnectionError(Object.assign(new Error('x'), { code: '23505' })), false);
  assert.equal(my.isDataError({ errno: 1062 }), true);
  assert.equal(my.isDataError({ sqlState: '22003' }), true);
  assert.equal(my.isDataError({ errno: 1213 }), false);
  assert.equal(my.isConnectionError(Object.assign(new Error('x'), { fatal: true })), true);
  assert.equal(my.isConnectionError(Object.assign(new Error('x'), { errno: 2013 })), true);
  assert.equal(my.isConnectionError(Object.assign(new Error('x'), { code: 'PROTOCOL_CONNECTION_LOST' })), true);
  assert.equal(my.isConnectionError(Object.assign(new Error('x'), { errno: 1062 })), false);
});

test('source column types (PostgreSQL: by type OID and typmod)', async () => {
  assert.equal(described(await pgSource(16)), 'boolean? | bool nullable');
  assert.equal(described(await pgSource(21)), 'int16? | int2 integral nullable');
  assert.equal(described(await pgSource(23)), 'int32? | int4 integral nullable');
  assert.equal(described(await pgSource(20)), 'int64? | int8 integral nullable');
  assert.equal(described(await pgSource(26)), 'int64? | oid integral nullable');
  assert.equal(described(await pgSource(700)), 'float32? | float4 nullable');
  assert.equal(described(await pgSource(701)), 'float64? | float8 nullable');
  assert.equal(described(await pgSource(1700)), 'bytes org.apache.kafka.connect.data.Decimal? {"scale":"127"} | numeric nullable');
  assert.equal(described(await pgSource(1700, (10 << 16) + 2 + 4)), 'bytes org.apache.kafka.connect.data.Decimal? {"scale":"2","connect.decimal.precision":"10"} | numeric nullable');
  assert.equal(described(await pgSource(1700, (10 << 16) + 2 + 4, 'best_fit')), 'float64? | numeric nullable');
  assert.equal(described(await pgSource(1700, (9 << 16) + 0 + 4, 'best_fit')), 'int32? | numeric integral nullable');
  assert.equal(described(await pgSource(1700, (9 << 16) + 0 + 4, 'precision_only')), 'int32? | numeric integral nullable');
  assert.equal(described(await pgSource(1700, (20 << 16) + 0 + 4, 'best_fit_eager_double')), 'bytes org.apache.kafka.connect.data.Decimal? {"scale":"0","connect.decimal.precision":"20"} | numeric integral nullable');
  assert.equal(described(await pgSource(25)), 'string? | text nullable');
  assert.equal(described(await pgSource(1043, 24)), 'string? | varchar nullable');
  assert.equal(described(await pgSource(3802)), 'string? | jsonb nullable');
  assert.equal(described(await pgSource(2950)), 'string? | uuid nullable');
  assert.equal(described(await pgSource(17)), 'bytes? | bytea nullable');
  assert.equal(described(await pgSource(1082)), 'int32 org.apache.kafka.connect.data.Date? | date nullable');
  assert.equal(described(await pgSource(1083)), 'int32 org.apache.kafka.connect.data.Time? | time nullable');
  assert.equal(described(await pgSource(1266)), 'int32 org.apache.kafka.connect.data.Time? | timetz nullable');
  assert.equal(described(await pgSource(1114)), 'int64 org.apache.kafka.connect.data.Timestamp? | timestamp nullable wall instant()');
  assert.equal(described(await pgSource(1184)), 'int64 org.apache.kafka.connect.data.Timestamp? | timestamptz nullable instant instant()');
  assert.equal(described(await pgSource(1114, -1, 'none', 'micros_long')), 'int64? | timestamp nullable wall instant()');
  assert.equal(described(await pgSource(1184, -1, 'none', 'nanos_iso_datetime_string')), 'string? | timestamptz nullable instant instant()');
  assert.equal(described(await pgSource(1560, 1)), 'boolean? | bit nullable');
  assert.equal(described(await pgSource(1560, 4)), 'int8? | bit nullable');
  assert.equal(described(await pgSource(1560, 16)), 'bytes? | bit nullable');
  assert.equal(described(await pgSource(1562)), 'bytes? | varbit nullable');
  assert.equal(described(await pgSource(1007)), 'array<int32?>? | int4[] nullable');
  assert.equal(described(await pgSource(1009)), 'array<string?>? | text[] nullable');
  assert.equal(described(await pgSource(1115)), 'array<int64 org.apache.kafka.connect.data.Timestamp?>? | timestamp[] nullable');
  assert.equal(show((await pgSource(16)).convert('t')), 'boolean true');
  assert.equal(show((await pgSource(20)).convert('9007199254740993')), '9007199254740993n');
  assert.equal(show((await pgSource(1700, (10 << 16) + 2 + 4)).convert('12.5')), 'BigDecimal 12.50 scale 2');
  assert.equal(show((await pgSource(1700)).convert('12.5')), 'BigDecimal 12.5000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000 scale 127');
  assert.equal(show((await pgSource(17)).convert('\\x00ff')), 'bytes 00ff');
  assert.equal(show((await pgSource(1082)).convert('2024-02-29')), 'Date 2024-02-29T00:00:00.000Z');
  assert.equal(show((await pgSource(1083)).convert('13:14:15.123456')), 'Date 1970-01-01T13:14:15.123Z');
  assert.equal(show((await pgSource(1266)).convert('13:14:15+02')), 'Date 1970-01-01T11:14:15.000Z');
  assert.equal(show((await pgSource(1114)).convert('2024-03-31 02:30:00.5')), 'Date 2024-03-31T01:30:00.500Z');
  assert.equal(show((await pgSource(1114)).convert('2024-10-27 02:30:00')), 'Date 2024-10-27T00:30:00.000Z');
  assert.equal(show((await pgSource(1184)).convert('2024-03-31 02:30:00.5+00')), 'Date 2024-03-31T02:30:00.500Z');
  assert.equal(show((await pgSource(1114, -1, 'none', 'micros_long')).convert('2024-01-01 00:00:00.123456')), 'number 1704063600123456');
  assert.equal(show((await pgSource(1184, -1, 'none', 'nanos_iso_datetime_string')).convert('2024-01-01 00:00:00.123456+00')), 'string 2024-01-01T01:00:00.123456000');
  assert.equal(show((await pgSource(1560, 4)).convert('1010')), 'number 10');
  assert.equal(show((await pgSource(1560, 16)).convert('1000000011111111')), 'bytes 80ff');
  assert.equal(show((await pgSource(1007)).convert('{1,NULL,3}')), '[number 1, null, number 3]');
  await assert.rejects(async () => show((await pgSource(1114)).convert('infinity')), { message: "cannot read timestamp 'infinity': infinite timestamps have no Connect value" });
});

test('source column types (MySQL / MariaDB: by column type and flags)', async () => {
  assert.equal(described(await mySource(1)), 'int8? | TINY integral nullable');
  assert.equal(described(await mySource(1, { flags: 32 })), 'int16? | TINY integral nullable');
  assert.equal(described(await mySource(2)), 'int16? | SHORT integral nullable');
  assert.equal(described(await mySource(2, { flags: 32 })), 'int32? | SHORT integral nullable');
  assert.equal(described(await mySource(9)), 'int32? | INT24 integral nullable');
  assert.equal(described(await mySource(3, { flags: 1 | 512 })), 'int32 | LONG integral not null auto');
  assert.equal(described(await mySource(3, { flags: 32 })), 'int64? | LONG integral nullable');
  assert.equal(described(await mySource(8)), 'int64? | LONGLONG integral nullable');
  assert.equal(described(await mySource(4)), 'float32? | FLOAT nullable');
  assert.equal(described(await mySource(5)), 'float64? | DOUBLE nullable');
  assert.equal(described(await mySource(246, { columnLength: 12, decimals: 2 })), 'bytes org.apache.kafka.connect.data.Decimal? {"scale":"2","connect.decimal.precision":"10"} | NEWDECIMAL nullable');
  assert.equal(described(await mySource(246, { columnLength: 11, decimals: 2, flags: 32 })), 'bytes org.apache.kafka.connect.data.Decimal? {"scale":"2","connect.decimal.precision":"10"} | NEWDECIMAL nullable');
  assert.equal(described(await mySource(246, { columnLength: 10, decimals: 0 }, 'best_fit')), 'int32? | NEWDECIMAL integral nullable');
  assert.equal(described(await mySource(16, { columnLength: 1 })), 'boolean? | BIT nullable');
  assert.equal(described(await mySource(16, { columnLength: 8 })), 'bytes? | BIT nullable');
  assert.equal(described(await mySource(13)), 'int32 org.apache.kafka.connect.data.Date? | YEAR nullable');
  assert.equal(described(await mySource(10)), 'int32 org.apache.kafka.connect.data.Date? | DATE nullable');
  assert.equal(described(await mySource(11)), 'int32 org.apache.kafka.connect.data.Time? | TIME nullable');
  assert.equal(described(await mySource(12)), 'int64 org.apache.kafka.connect.data.Timestamp? | DATETIME nullable wall instant()');
  assert.equal(described(await mySource(7)), 'int64 org.apache.kafka.connect.data.Timestamp? | TIMESTAMP nullable instant instant()');
  assert.equal(described(await mySource(12, {}, 'none', 'micros_string')), 'string? | DATETIME nullable wall instant()');
  assert.equal(described(await mySource(245)), 'string? | JSON nullable');
  assert.equal(described(await mySource(253)), 'string? | VAR_STRING nullable');
  assert.equal(described(await mySource(253, { characterSet: 63 })), 'bytes? | VAR_STRING nullable');
  assert.equal(described(await mySource(252, { characterSet: 63 })), 'bytes? | BLOB nullable');
  assert.equal(described(await mySource(247)), 'string? | ENUM nullable');
  assert.equal(described(await mySource(255)), 'unsupported GEOMETRY');
  assert.equal(show((await mySource(8)).convert('9007199254740993')), '9007199254740993n');
  assert.equal(show((await mySource(246, { columnLength: 12, decimals: 2 })).convert('12.5')), 'BigDecimal 12.50 scale 2');
  assert.equal(show((await mySource(16, { columnLength: 1 })).convert(new Uint8Array([1]))), 'boolean true');
  assert.equal(show((await mySource(13)).convert(2024)), 'Date 2024-01-01T00:00:00.000Z');
  await assert.rejects(async () => show((await mySource(13)).convert(0)), { message: 'YEAR 0000 has no Connect Date value' });
  assert.equal(show((await mySource(10)).convert('2024-02-29')), 'Date 2024-02-29T00:00:00.000Z');
  await assert.rejects(async () => show((await mySource(10)).convert('0000-00-00')), { message: "zero date '0000-00-00' has no Connect value (add zeroDateTimeBehavior=convertToNull to the URL to read it as null)" });
  await assert.rejects(async () => show((await mySource(11)).convert('25:00:00')), { message: "TIME value '25:00:00' is outside a day (00:00:00 to 24:00:00) and has no Connect Time value" });
  assert.equal(show((await mySource(11)).convert('13:14:15.5')), 'Date 1970-01-01T13:14:15.500Z');
  assert.equal(show((await mySource(12)).convert('2024-03-31 02:30:00.5')), 'Date 2024-03-31T01:30:00.500Z');
  assert.equal(show((await mySource(7)).convert('2024-03-31 02:30:00.5')), 'Date 2024-03-31T02:30:00.500Z');
  await assert.rejects(async () => show((await mySource(12)).convert('0000-00-00 00:00:00')), { message: "cannot read timestamp '0000-00-00 00:00:00' (zero dates need zeroDateTimeBehavior=convertToNull)" });
  assert.equal(show((await mySource(253, { characterSet: 63 })).convert('ab')), 'bytes 6162');
  assert.equal(show((await mySource(253)).convert(new Uint8Array([104, 105]))), 'string hi');
});
