/**
 * PostgreSQL: pg + pg-cursor + pg-copy-streams, statements through kysely's PostgresDialect.
 * Sessions run with TimeZone=UTC, DateStyle=ISO and bytea_output=hex, and every value arrives as text (no pg type
 * parsers): the dialect converts it exactly (int8 beyond 2^53 → bigint, numeric → BigDecimal, timestamps with
 * microseconds).
 */
import { Buffer } from 'node:buffer';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import Cursor from 'pg-cursor';
import { from as copyFrom } from 'pg-copy-streams';
import { CompiledQuery, Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import {
  BigDecimal, LogicalDate, LogicalTime, Schema, SchemaBuilder, Struct,
} from '../../../data/index.js';
import { TableId, quoteIdentifier, splitQualifiedName, type QuoteMethod } from '../util/identifiers.js';
import {
  Instant, formatConnectDate, formatConnectTime, formatDateFields, formatWall, parseDateText, parseTimeText, parseTimestampText,
  parsedToInstant,
} from '../util/temporal.js';
import { urlParam, type ConnectionSpec } from '../util/url.js';
import { Zone } from '../util/zone.js';
import {
  int64FromText, isDecimal, isLogicalDate, isLogicalTime, isLogicalTimestamp,
  jsonText, numericConverter, numericTarget, schemaForNumericTarget, timestampField, valueAsText,
} from './common.js';
import type {
  ColumnDefinition, Dialect, QueryResult, RowCursor, Session, SessionOptions, SinkEncodeContext, SourceColumn,
  SourceMappingOptions, SqlCategory, StagingSql, TableDefinition, TimeKind,
} from './dialect.js';
import { formatPgArray, parsePgArray } from '../util/pg-array.js';

/** Every value as the text PostgreSQL sent: the dialect parses it. */
const RAW_TYPES = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;

interface PgField {
  name: string;
  tableID: number;
  columnID: number;
  dataTypeID: number;
  dataTypeModifier: number;
}

// --------------------------------------------------------------------------------------------- session

class PgSession implements Session {
  readonly dialect: Dialect;
  readonly db: Kysely<any>;
  readonly client: pg.Client;
  #broken = false;
  #closed = false;

  constructor(dialect: Dialect, client: pg.Client) {
    this.dialect = dialect;
    this.client = client;
    client.on('error', () => {
      this.#broken = true;
    });
    client.on('end', () => {
      this.#broken = true;
    });
    const poolClient = {
      query: (...args: unknown[]) => (client.query as (...a: unknown[]) => unknown)(...args),
      release: () => {},
    } as unknown as PostgresPoolClient;
    const pool: PostgresPool = { connect: async () => poolClient, end: async () => {} };
    this.db = new Kysely<any>({ dialect: new PostgresDialect({ pool, cursor: Cursor }) });
  }

  get broken(): boolean {
    return this.#broken;
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<QueryResult> {
    try {
      const r = await this.db.executeQuery(CompiledQuery.raw(sql, [...params]));
      return { rows: r.rows as Record<string, unknown>[], affected: Number(r.numAffectedRows ?? 0n) };
    } catch (e) {
      if (isPgConnectionError(e)) this.#broken = true;
      throw e;
    }
  }

  async describeQuery(sql: string, params: readonly unknown[] = []): Promise<unknown[]> {
    const r = await this.client.query({ text: sql, values: [...params], rowMode: 'array', types: RAW_TYPES });
    return r.fields;
  }

  async openCursor(sql: string, params: readonly unknown[], _fetchSize: number): Promise<RowCursor> {
    const cursor = this.client.query(new Cursor(sql, [...params], { rowMode: 'array', types: RAW_TYPES }));
    let fields: unknown[] = [];
    let done = false;
    // The next batch is fetched while the caller converts the current one (one batch of read-ahead).
    let prefetch: Promise<unknown[][]> | null = null;
    const session = this;
    const fetch = (n: number): Promise<unknown[][]> => new Promise((resolve, reject) => {
      cursor.read(n, (err, rows, result) => {
        if (err) {
          if (isPgConnectionError(err)) session.#broken = true;
          reject(err);
          return;
        }
        if (result?.fields) fields = result.fields;
        resolve(rows as unknown as unknown[][]);
      });
    });
    return {
      get fields() {
        return fields;
      },
      async read(n: number): Promise<unknown[][]> {
        if (done) return [];
        const pending = prefetch ?? fetch(n);
        prefetch = null;
        let rows: unknown[][];
        try {
          rows = await pending;
        } catch (e) {
          done = true;
          throw e;
        }
        if (rows.length < n) done = true;
        else {
          prefetch = fetch(n);
          prefetch.catch(() => {});
        }
        return rows;
      },
      async close(): Promise<void> {
        done = true;
        const pending = prefetch;
        prefetch = null;
        if (pending) await pending.catch(() => {});
        if (session.#broken) return;
        await cursor.close();
      },
    };
  }

  readonly copyIn = async (sql: string, chunks: Iterable<string>): Promise<number> => {
    const stream = this.client.query(copyFrom(sql));
    try {
      await pipeline(Readable.from(chunks, { objectMode: false }), stream);
    } catch (e) {
      if (isPgConnectionError(e)) this.#broken = true;
      throw e;
    }
    return stream.rowCount;
  };

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#broken = true;
    await this.client.end().catch(() => {});
  }
}

function isPgConnectionError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: string }).code;
  if (typeof code === 'string') {
    if (/^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|ECONNABORTED)$/.test(code)) return true;
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return true;
  }
  return /Connection terminated|Client has encountered a connection error|not queryable|Connection ended/i.test(e.message);
}

// --------------------------------------------------------------------------------------------- types

/** OIDs of built-in types. */
const OID = {
  bool: 16, bytea: 17, char: 18, name: 19, int8: 20, int2: 21, int4: 23, text: 25, oid: 26, json: 114, xml: 142,
  float4: 700, float8: 701, bpchar: 1042, varchar: 1043, date: 1082, time: 1083, timestamp: 1114,
  timestamptz: 1184, timetz: 1266, bit: 1560, varbit: 1562, numeric: 1700, uuid: 2950, jsonb: 3802,
} as const;

const ARRAY_ELEMENT: Record<number, number> = {
  1000: OID.bool, 1001: OID.bytea, 1002: OID.char, 1003: OID.name, 1005: OID.int2, 1007: OID.int4, 1009: OID.text,
  1014: OID.bpchar, 1015: OID.varchar, 1016: OID.int8, 1021: OID.float4, 1022: OID.float8, 1028: OID.oid,
  1115: OID.timestamp, 1182: OID.date, 1183: OID.time, 1185: OID.timestamptz, 1231: OID.numeric, 1270: OID.timetz,
  2951: OID.uuid, 199: OID.json, 3807: OID.jsonb, 143: OID.xml,
};

const TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(OID).map(([k, v]) => [v, k]));

interface ScalarHandler {
  builder: SchemaBuilder;
  convert: (text: string) => unknown;
  instant?: (text: string) => Instant;
  timeKind?: TimeKind;
  integral: boolean;
  typeName: string;
}

function numericTypmod(typmod: number): { precision: number | null; scale: number } {
  if (typmod < 4) return { precision: null, scale: 127 };
  const v = typmod - 4;
  let scale = v & 0x7ff;
  if (scale > 1023) scale -= 2048;
  return { precision: (v >> 16) & 0xffff, scale };
}

function timestampHandler(kind: TimeKind, opts: SourceMappingOptions, typeName: string): ScalarHandler {
  const zone = kind === 'instant' ? Zone.UTC : opts.zone;
  const instant = (t: string): Instant => {
    const p = parseTimestampText(t);
    if (!p) throw new Error(`cannot read timestamp '${t}'${/infinity/i.test(t) ? ': infinite timestamps have no Connect value' : ''}`);
    return parsedToInstant(p, zone);
  };
  const f = timestampField(opts.granularity, opts.zone);
  return { builder: f.builder, convert: (t) => f.fromInstant(instant(t)), instant, timeKind: kind, integral: false, typeName };
}

function scalarHandler(oid: number, typmod: number, opts: SourceMappingOptions): ScalarHandler | null {
  const typeName = TYPE_NAMES[oid] ?? String(oid);
  const str = (): ScalarHandler => ({ builder: SchemaBuilder.string(), convert: (t) => t, integral: false, typeName });
  switch (oid) {
    case OID.bool:
      return { builder: SchemaBuilder.bool(), convert: (t) => t === 't', integral: false, typeName };
    case OID.int2:
      return { builder: SchemaBuilder.int16(), convert: (t) => Number(t), integral: true, typeName };
    case OID.int4:
      return { builder: SchemaBuilder.int32(), convert: (t) => Number(t), integral: true, typeName };
    case OID.int8:
    case OID.oid:
      return { builder: SchemaBuilder.int64(), convert: int64FromText, integral: true, typeName };
    case OID.float4:
      return { builder: SchemaBuilder.float32(), convert: (t) => Number(t), integral: false, typeName };
    case OID.float8:
      return { builder: SchemaBuilder.float64(), convert: (t) => Number(t), integral: false, typeName };
    case OID.numeric: {
      const { precision, scale } = numericTypmod(typmod);
      const target = numericTarget(opts.numericMapping, precision, scale);
      return {
        builder: schemaForNumericTarget(target),
        convert: numericConverter(target),
        integral: target.kind === 'int' || (target.kind === 'decimal' && scale === 0),
        typeName,
      };
    }
    case OID.text: case OID.varchar: case OID.bpchar: case OID.name: case OID.char:
    case OID.json: case OID.jsonb: case OID.uuid: case OID.xml:
      return str();
    case OID.bytea:
      return {
        builder: SchemaBuilder.bytes(),
        convert: (t) => (t.startsWith('\\x') ? Buffer.from(t.slice(2), 'hex') : Buffer.from(t, 'latin1')),
        integral: false,
        typeName,
      };
    case OID.date:
      return {
        builder: LogicalDate.builder(),
        convert: (t) => {
          const d = parseDateText(t);
          if (!d) throw new Error(`cannot read date '${t}'`);
          return d;
        },
        integral: false,
        typeName,
      };
    case OID.time:
    case OID.timetz:
      return {
        builder: LogicalTime.builder(),
        convert: (t) => {
          const r = parseTimeText(t);
          if (!r) throw new Error(`cannot read time '${t}'`);
          return new Date(r.ms);
        },
        integral: false,
        typeName,
      };
    case OID.timestamp:
      return timestampHandler('wall', opts, typeName);
    case OID.timestamptz:
      return timestampHandler('instant', opts, typeName);
    case OID.bit:
    case OID.varbit: {
      const n = oid === OID.bit ? typmod : -1;
      if (n === 1) return { builder: SchemaBuilder.bool(), convert: (t) => t === '1', integral: false, typeName };
      if (n > 1 && n <= 8) return { builder: SchemaBuilder.int8(), convert: (t) => (parseInt(t, 2) << 24) >> 24, integral: false, typeName };
      return { builder: SchemaBuilder.bytes(), convert: bitsToBytes, integral: false, typeName };
    }
    default:
      return null;
  }
}

function bitsToBytes(t: string): Uint8Array {
  const out = new Uint8Array(Math.ceil(t.length / 8));
  for (let i = 0; i < t.length; i++) if (t[i] === '1') out[i >> 3]! |= 0x80 >> (i & 7);
  return out;
}

interface PgTypeInfo {
  typname: string;
  typtype: string;
  typcategory: string;
  baseOid: number;
  baseTypmod: number;
  elemOid: number;
}

// --------------------------------------------------------------------------------------------- dialect

export class PostgresDialectImpl implements Dialect {
  readonly name = 'PostgreSqlDatabaseDialect';
  readonly kind = 'postgresql' as const;
  readonly quoteMethod: QuoteMethod;
  readonly maxParams = 65_535;
  readonly sourceColumnsQuery = true;
  readonly currentTimeSql = 'SELECT clock_timestamp() AS now';
  readonly #typeCache = new Map<number, PgTypeInfo | null>();

  constructor(quoteMethod: QuoteMethod = 'always') {
    this.quoteMethod = quoteMethod;
  }

  placeholder(index: number): string {
    return `$${index}`;
  }

  async connect(spec: ConnectionSpec, user: string | null, password: string | null, options: SessionOptions = {}): Promise<Session> {
    const settings = ['TimeZone=UTC', 'DateStyle=ISO', 'IntervalStyle=postgres', 'bytea_output=hex', 'extra_float_digits=1'];
    const currentSchema = urlParam(spec, 'currentSchema');
    if (currentSchema) settings.push(`search_path=${currentSchema}`);
    const sslmode = urlParam(spec, 'sslmode');
    const sslFlag = urlParam(spec, 'ssl');
    let ssl: pg.ClientConfig['ssl'] = undefined;
    if (sslmode && sslmode !== 'disable' && sslmode !== 'allow' && sslmode !== 'prefer') {
      ssl = { rejectUnauthorized: sslmode === 'verify-full' || sslmode === 'verify-ca' };
    } else if (sslFlag === 'true' || sslFlag === '') {
      ssl = { rejectUnauthorized: urlParam(spec, 'sslfactory') !== 'org.postgresql.ssl.NonValidatingFactory' };
    }
    const connectTimeout = Number(urlParam(spec, 'connectTimeout') ?? urlParam(spec, 'loginTimeout') ?? 10);
    const client = new pg.Client({
      host: spec.host,
      port: spec.port,
      database: spec.database ?? undefined,
      user: user ?? spec.user ?? undefined,
      password: password ?? spec.password ?? undefined,
      ssl,
      application_name: urlParam(spec, 'ApplicationName') ?? options.applicationName ?? 'sluice-jdbc',
      options: settings.map((s) => `-c ${s.replace(/([ \\])/g, '\\$1')}`).join(' '),
      connectionTimeoutMillis: connectTimeout > 0 ? connectTimeout * 1000 : 0,
      types: RAW_TYPES,
    });
    await client.connect();
    const session = new PgSession(this, client);
    try {
      if (options.isolationLevel) {
        const sql = this.isolationSql(options.isolationLevel);
        if (sql) await session.execute(sql);
      }
    } catch (e) {
      await session.close();
      throw e;
    }
    return session;
  }

  quote(name: string): string {
    return this.quoteMethod === 'never' ? name : quoteIdentifier(name, '"');
  }

  quoteAlways(name: string): string {
    return quoteIdentifier(name, '"');
  }

  tableSql(id: TableId): string {
    return id.parts().map((p) => this.quote(p)).join('.');
  }

  parseTableId(name: string): TableId {
    const { parts, quoted } = splitQualifiedName(name);
    // Unquoted identifiers fold to lower case on PostgreSQL when they will not be quoted in SQL either.
    const fold = (i: number): string => (!quoted[i] && this.quoteMethod === 'never' ? parts[i]!.toLowerCase() : parts[i]!);
    if (parts.length === 1) return new TableId(null, null, fold(0));
    if (parts.length === 2) return new TableId(null, fold(0), fold(1));
    // catalog.schema.table: the database part is dropped (a session sees one database).
    return new TableId(null, fold(parts.length - 2), fold(parts.length - 1));
  }

  parseCurrentTime(row: Record<string, unknown>): Instant {
    const p = parseTimestampText(String(row.now));
    if (!p) throw new Error(`cannot read the database time '${String(row.now)}'`);
    return parsedToInstant(p, Zone.UTC);
  }

  isolationSql(mode: string): string | null {
    const level = isolationLevel(mode);
    return level ? `SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL ${level}` : null;
  }

  async defaultNamespace(session: Session): Promise<{ catalog: string | null; schema: string | null }> {
    const r = await session.execute('SELECT current_schema() AS s');
    return { catalog: null, schema: (r.rows[0]?.s as string | null) ?? 'public' };
  }

  qualify(id: TableId, defaults: { catalog: string | null; schema: string | null }): TableId {
    return id.schema !== null ? new TableId(null, id.schema, id.table) : new TableId(null, defaults.schema, id.table);
  }

  async listTables(session: Session, opts: { catalogPattern: string | null; schemaPattern: string | null; types: string[] }): Promise<Array<{ id: TableId; type: string }>> {
    const params: unknown[] = [];
    let where = `c.relkind IN ('r','p','v','m','f')`;
    if (opts.schemaPattern !== null) {
      params.push(opts.schemaPattern);
      where += ` AND n.nspname LIKE $${params.length}`;
    }
    const r = await session.execute(
      `SELECT n.nspname AS schema, c.relname AS name,
         CASE
           WHEN n.nspname IN ('pg_catalog','information_schema') THEN CASE c.relkind WHEN 'v' THEN 'SYSTEM VIEW' ELSE 'SYSTEM TABLE' END
           WHEN n.nspname LIKE 'pg\\_toast%' THEN 'SYSTEM TOAST TABLE'
           WHEN n.nspname LIKE 'pg\\_temp%' THEN CASE c.relkind WHEN 'v' THEN 'TEMPORARY VIEW' ELSE 'TEMPORARY TABLE' END
           ELSE CASE c.relkind WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'PARTITIONED TABLE' WHEN 'v' THEN 'VIEW'
             WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' END
         END AS type
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       WHERE ${where}
       ORDER BY 3, 1, 2`,
      params,
    );
    const wanted = new Set(opts.types.map((t) => t.toUpperCase()));
    return r.rows
      .filter((row) => wanted.has(String(row.type)))
      .map((row) => ({ id: new TableId(null, String(row.schema), String(row.name)), type: String(row.type) }));
  }

  async describeTable(session: Session, id: TableId): Promise<TableDefinition | null> {
    const schema = id.schema ?? (await this.defaultNamespace(session)).schema;
    const rel = await session.execute(
      `SELECT c.oid AS oid, c.relkind AS kind FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r','p','v','m','f')`,
      [schema, id.table],
    );
    const relRow = rel.rows[0];
    if (!relRow) return null;
    const cols = await session.execute(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS full_type, a.attnotnull AS notnull,
         a.atthasdef AS hasdef, a.attidentity AS identity,
         COALESCE(pg_get_expr(d.adbin, d.adrelid), '') AS defexpr,
         COALESCE(bt.typname, t.typname) AS typname, COALESCE(bt.typtype, t.typtype) AS typtype,
         COALESCE(bt.typcategory, t.typcategory) AS typcategory,
         CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END AS typmod,
         et.typname AS elemname, et.typtype AS elemtype, et.typcategory AS elemcategory,
         EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = a.attrelid AND i.indisprimary AND a.attnum = ANY(i.indkey)) AS pk
       FROM pg_catalog.pg_attribute a
       JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_catalog.pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
       LEFT JOIN pg_catalog.pg_type et ON et.oid = COALESCE(bt.typelem, t.typelem) AND COALESCE(bt.typcategory, t.typcategory) = 'A'
       LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
       ORDER BY a.attnum`,
      [relRow.oid],
    );
    const kind = String(relRow.kind);
    const type = kind === 'v' ? 'VIEW' : kind === 'p' ? 'PARTITIONED TABLE' : kind === 'm' ? 'MATERIALIZED VIEW' : kind === 'f' ? 'FOREIGN TABLE' : 'TABLE';
    const columns: ColumnDefinition[] = cols.rows.map((row) => {
      const typmod = Number(row.typmod);
      const def = pgColumn(String(row.name), String(row.full_type), String(row.typname), String(row.typtype), String(row.typcategory), typmod);
      def.nullable = !pgBool(row.notnull);
      def.hasDefault = pgBool(row.hasdef) || String(row.identity ?? '') !== '';
      def.autoIncrement = String(row.identity ?? '') !== '' || String(row.defexpr).startsWith('nextval(');
      def.primaryKey = pgBool(row.pk);
      if (def.category === 'array' && row.elemname) {
        def.element = pgColumn('element', String(row.elemname), String(row.elemname), String(row.elemtype), String(row.elemcategory), typmod);
      }
      return def;
    });
    return { id: new TableId(null, schema, id.table), type, columns };
  }

  emptyResultSql(query: string): string {
    return `SELECT * FROM (${query}) AS sluice_describe LIMIT 0`;
  }

  async sourceColumns(session: Session, rawFields: readonly unknown[], opts: SourceMappingOptions): Promise<Array<SourceColumn | { name: string; unsupported: string }>> {
    const fields = rawFields as PgField[];
    // Nullability and auto-increment of columns that come straight from a table.
    const attrs = new Map<string, { notnull: boolean; autoinc: boolean }>();
    const fromTables = fields.filter((f) => f.tableID > 0 && f.columnID > 0);
    if (fromTables.length > 0) {
      const r = await session.execute(
        `SELECT a.attrelid AS rel, a.attnum AS num, a.attnotnull AS notnull,
           (a.attidentity <> '' OR COALESCE(pg_get_expr(d.adbin, d.adrelid), '') LIKE 'nextval(%') AS autoinc
         FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE (a.attrelid, a.attnum) IN (SELECT * FROM unnest($1::oid[], $2::int2[]))`,
        [`{${fromTables.map((f) => f.tableID).join(',')}}`, `{${fromTables.map((f) => f.columnID).join(',')}}`],
      );
      for (const row of r.rows) attrs.set(`${row.rel}:${row.num}`, { notnull: pgBool(row.notnull), autoinc: pgBool(row.autoinc) });
    }
    const unknownOids = fields.map((f) => f.dataTypeID).filter((o) => !TYPE_NAMES[o] && !ARRAY_ELEMENT[o] && !this.#typeCache.has(o));
    if (unknownOids.length > 0) await this.#loadTypes(session, unknownOids);

    const out: Array<SourceColumn | { name: string; unsupported: string }> = [];
    for (const f of fields) {
      const attr = attrs.get(`${f.tableID}:${f.columnID}`);
      const nullable = !attr?.notnull;
      const col = await this.#sourceColumn(session, f, opts, nullable, attr?.autoinc ?? false);
      out.push(col);
    }
    return out;
  }

  async #loadTypes(session: Session, oids: number[]): Promise<void> {
    const r = await session.execute(
      `SELECT t.oid AS oid, t.typname AS typname, t.typtype AS typtype, t.typcategory AS typcategory,
         t.typbasetype AS base, t.typtypmod AS basetypmod, t.typelem AS elem
       FROM pg_catalog.pg_type t WHERE t.oid = ANY($1::oid[])`,
      [`{${[...new Set(oids)].join(',')}}`],
    );
    for (const o of oids) this.#typeCache.set(o, null);
    for (const row of r.rows) {
      this.#typeCache.set(Number(row.oid), {
        typname: String(row.typname),
        typtype: String(row.typtype),
        typcategory: String(row.typcategory),
        baseOid: Number(row.base),
        baseTypmod: Number(row.basetypmod),
        elemOid: Number(row.elem),
      });
    }
  }

  /** A handler for any type OID: built-ins, domains (their base type), enums and string-category types. */
  async #handlerFor(session: Session, oid: number, typmod: number, opts: SourceMappingOptions): Promise<ScalarHandler | null> {
    const builtin = scalarHandler(oid, typmod, opts);
    if (builtin) return builtin;
    if (!this.#typeCache.has(oid)) await this.#loadTypes(session, [oid]);
    const info = this.#typeCache.get(oid);
    if (!info) return null;
    if (info.typtype === 'd') return this.#handlerFor(session, info.baseOid, info.baseTypmod, opts);
    if (info.typtype === 'e' || info.typcategory === 'S') {
      return { builder: SchemaBuilder.string(), convert: (t) => t, integral: false, typeName: info.typname };
    }
    return null;
  }

  async #sourceColumn(session: Session, f: PgField, opts: SourceMappingOptions, nullable: boolean, autoinc: boolean): Promise<SourceColumn | { name: string; unsupported: string }> {
    let elemOid = ARRAY_ELEMENT[f.dataTypeID];
    if (elemOid === undefined) {
      const info = this.#typeCache.get(f.dataTypeID);
      if (info && info.typcategory === 'A' && info.elemOid > 0) elemOid = info.elemOid;
    }
    if (elemOid !== undefined) {
      const el = await this.#handlerFor(session, elemOid, f.dataTypeModifier, opts);
      if (!el) return { name: f.name, unsupported: `array of type oid ${elemOid}` };
      const elemSchema = el.builder.optional().build();
      const builder = SchemaBuilder.array(elemSchema);
      if (nullable) builder.optional();
      const convertEl = el.convert;
      return {
        name: f.name,
        schema: builder.build(),
        convert: (raw) => {
          const items = parsePgArray(String(raw));
          return items.map((x) => {
            if (x === null) return null;
            if (Array.isArray(x)) throw new Error('multi-dimensional arrays are not supported');
            return convertEl(x);
          });
        },
        typeName: `${el.typeName}[]`,
        autoIncrement: false,
        nullable,
        integral: false,
      };
    }
    const h = await this.#handlerFor(session, f.dataTypeID, f.dataTypeModifier, opts);
    if (!h) {
      const info = this.#typeCache.get(f.dataTypeID);
      return { name: f.name, unsupported: info?.typname ?? `type oid ${f.dataTypeID}` };
    }
    if (nullable) h.builder.optional();
    const convert = h.convert;
    const instant = h.instant;
    return {
      name: f.name,
      schema: h.builder.build(),
      convert: (raw) => convert(String(raw)),
      instant: instant ? (raw) => instant(String(raw)) : undefined,
      timeKind: h.timeKind,
      typeName: h.typeName,
      autoIncrement: autoinc,
      nullable,
      integral: h.integral,
    };
  }

  bindTimestamp(value: Instant, kind: TimeKind, zone: Zone): unknown {
    if (kind === 'instant') return pgTimestampText(value.toWall(Zone.UTC), value.nanos) + '+00';
    return pgTimestampText(value.toWall(zone), value.nanos);
  }

  bindInteger(value: bigint): unknown {
    return value.toString();
  }

  // ------------------------------------------------------------------------------------------- sink

  sqlTypeFor(schema: Schema, _isKey: boolean): string {
    switch (schema.name) {
      case 'org.apache.kafka.connect.data.Decimal': return 'DECIMAL';
      case 'org.apache.kafka.connect.data.Date': return 'DATE';
      case 'org.apache.kafka.connect.data.Time': return 'TIME';
      case 'org.apache.kafka.connect.data.Timestamp': return 'TIMESTAMP';
    }
    switch (schema.type) {
      case 'INT8': return 'SMALLINT';
      case 'INT16': return 'SMALLINT';
      case 'INT32': return 'INT';
      case 'INT64': return 'BIGINT';
      case 'FLOAT32': return 'REAL';
      case 'FLOAT64': return 'DOUBLE PRECISION';
      case 'BOOLEAN': return 'BOOLEAN';
      case 'STRING': return 'TEXT';
      case 'BYTES': return 'BYTEA';
      case 'ARRAY': {
        const el = schema.valueSchema!;
        if (el.type === 'ARRAY' || el.type === 'MAP' || el.type === 'STRUCT') break;
        return `${this.sqlTypeFor(el, false)}[]`;
      }
    }
    throw new Error(`${schema} (type ${schema.type}) doesn't have a mapping to the SQL database column type`);
  }

  defaultLiteral(schema: Schema, value: unknown): string {
    if (value instanceof BigDecimal) return value.toString();
    if (typeof value === 'number' || typeof value === 'bigint') return String(value);
    if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
    if (value instanceof Uint8Array) return `'\\x${Buffer.from(value).toString('hex')}'`;
    if (value instanceof Date) {
      if (isLogicalDate(schema)) return `'${formatConnectDate(value)}'`;
      if (isLogicalTime(schema)) return `'${formatConnectTime(value)}'`;
      return `'${formatWall(Instant.fromEpochMs(value.getTime()).toWall(Zone.UTC), ' ', 3)}'`;
    }
    if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
    if (Array.isArray(value)) return `'${formatPgArray(value, (v) => valueAsText(v, schema.valueSchema ?? null, Zone.UTC)).replace(/'/g, "''")}'`;
    throw new Error(`cannot write a default value for ${schema}`);
  }

  createTableSql(id: TableId, columns: Array<{ name: string; type: string; optional: boolean; defaultLiteral: string | null }>, pk: string[]): string {
    const lines = columns.map((c) => `${this.quote(c.name)} ${c.type}${columnSuffix(c)}`);
    if (pk.length > 0) lines.push(`PRIMARY KEY(${pk.map((k) => this.quote(k)).join(',')})`);
    return `CREATE TABLE ${this.tableSql(id)} (\n${lines.join(',\n')})`;
  }

  alterTableSql(id: TableId, columns: Array<{ name: string; type: string; optional: boolean; defaultLiteral: string | null }>): string[] {
    return [`ALTER TABLE ${this.tableSql(id)} \n${columns.map((c) => `ADD ${this.quote(c.name)} ${c.type}${columnSuffix(c)}`).join(',\n')}`];
  }

  #values(columns: number, rows: number, cast?: (col: number) => string): string {
    const tuples: string[] = [];
    let p = 1;
    for (let r = 0; r < rows; r++) {
      const ph: string[] = [];
      for (let c = 0; c < columns; c++) ph.push(`$${p++}${cast ? cast(c) : ''}`);
      tuples.push(`(${ph.join(',')})`);
    }
    return tuples.join(',');
  }

  insertSql(id: TableId, columns: string[], rows: number): string {
    return `INSERT INTO ${this.tableSql(id)} (${columns.map((c) => this.quote(c)).join(',')}) VALUES ${this.#values(columns.length, rows)}`;
  }

  upsertSql(id: TableId, keyColumns: string[], nonKeyColumns: string[], rows: number): string {
    const cols = [...keyColumns, ...nonKeyColumns];
    const base = this.insertSql(id, cols, rows);
    const conflict = `ON CONFLICT (${keyColumns.map((c) => this.quote(c)).join(',')})`;
    if (nonKeyColumns.length === 0) return `${base} ${conflict} DO NOTHING`;
    return `${base} ${conflict} DO UPDATE SET ${nonKeyColumns.map((c) => `${this.quote(c)}=EXCLUDED.${this.quote(c)}`).join(',')}`;
  }

  updateSql(id: TableId, keyColumns: string[], nonKeyColumns: string[], rows: number, defs: ReadonlyMap<string, ColumnDefinition>): string {
    const q = (c: string): string => this.quoteAlways(c);
    if (rows === 1) {
      let p = 1;
      return `UPDATE ${this.tableSql(id)} SET ${nonKeyColumns.map((c) => `${this.quote(c)} = $${p++}`).join(', ')} WHERE ${keyColumns.map((c) => `${this.quote(c)} = $${p++}`).join(' AND ')}`;
    }
    const cols = [...nonKeyColumns, ...keyColumns];
    const casts = cols.map((c) => `::${defs.get(c)?.typeName ?? 'text'}`);
    return `UPDATE ${this.tableSql(id)} AS sluice_t SET ${nonKeyColumns.map((c) => `${this.quote(c)} = sluice_v.${q(c)}`).join(', ')}` +
      ` FROM (VALUES ${this.#values(cols.length, rows, (i) => casts[i]!)}) AS sluice_v(${cols.map(q).join(',')})` +
      ` WHERE ${keyColumns.map((c) => `sluice_t.${this.quote(c)} = sluice_v.${q(c)}`).join(' AND ')}`;
  }

  deleteSql(id: TableId, keyColumns: string[], rows: number): string {
    if (keyColumns.length === 1) {
      return `DELETE FROM ${this.tableSql(id)} WHERE ${this.quote(keyColumns[0]!)} IN (${Array.from({ length: rows }, (_, i) => `$${i + 1}`).join(',')})`;
    }
    return `DELETE FROM ${this.tableSql(id)} WHERE (${keyColumns.map((c) => this.quote(c)).join(',')}) IN (${this.#values(keyColumns.length, rows)})`;
  }

  readonly staging: StagingSql = {
    createSql: (stage, id, columns) =>
      `CREATE TEMPORARY TABLE ${this.quoteAlways(stage)} AS SELECT ${columns.map((c) => this.quote(c)).join(',')} FROM ${this.tableSql(id)} WITH NO DATA`,
    clearSql: (stage) => `TRUNCATE ${this.quoteAlways(stage)}`,
    copySql: (stage, columns) => `COPY ${this.quoteAlways(stage)} (${columns.map((c) => this.quote(c)).join(',')}) FROM STDIN`,
    upsertSql: (id, stage, keys, nonKeys) => {
      const cols = [...keys, ...nonKeys].map((c) => this.quote(c)).join(',');
      const conflict = `ON CONFLICT (${keys.map((c) => this.quote(c)).join(',')})`;
      const action = nonKeys.length === 0 ? 'DO NOTHING' : `DO UPDATE SET ${nonKeys.map((c) => `${this.quote(c)}=EXCLUDED.${this.quote(c)}`).join(',')}`;
      return `INSERT INTO ${this.tableSql(id)} (${cols}) SELECT ${cols} FROM ${this.quoteAlways(stage)} ${conflict} ${action}`;
    },
    updateSql: (id, stage, keys, nonKeys) =>
      `UPDATE ${this.tableSql(id)} AS sluice_t SET ${nonKeys.map((c) => `${this.quote(c)} = sluice_s.${this.quote(c)}`).join(', ')} FROM ${this.quoteAlways(stage)} AS sluice_s` +
      ` WHERE ${keys.map((c) => `sluice_t.${this.quote(c)} = sluice_s.${this.quote(c)}`).join(' AND ')}`,
    deleteSql: (id, stage, keys) =>
      `DELETE FROM ${this.tableSql(id)} AS sluice_t USING ${this.quoteAlways(stage)} AS sluice_s WHERE ${keys.map((c) => `sluice_t.${this.quote(c)} = sluice_s.${this.quote(c)}`).join(' AND ')}`,
  };

  copySql(id: TableId, columns: string[]): string {
    return `COPY ${this.tableSql(id)} (${columns.map((c) => this.quote(c)).join(',')}) FROM STDIN`;
  }

  encodeParam(value: unknown, schema: Schema | null, column: ColumnDefinition, ctx: SinkEncodeContext): unknown {
    if (value === null || value === undefined) return null;
    if (column.category === 'bytes' && value instanceof Uint8Array) {
      return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
    return this.#text(value, schema, column, ctx);
  }

  encodeCopy(value: unknown, schema: Schema | null, column: ColumnDefinition, ctx: SinkEncodeContext): string {
    if (column.category === 'bytes' && value instanceof Uint8Array) {
      return '\\x' + Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
    }
    return this.#text(value, schema, column, ctx);
  }

  /** The PostgreSQL text input form of a sink value for `column`. */
  #text(value: unknown, schema: Schema | null, column: ColumnDefinition, ctx: SinkEncodeContext): string {
    switch (column.category) {
      case 'bool':
        if (typeof value === 'boolean') return value ? 't' : 'f';
        if (typeof value === 'number' || typeof value === 'bigint') return Number(value) !== 0 ? 't' : 'f';
        break;
      case 'timestamp':
        if (value instanceof Instant) {
          return column.timeKind === 'instant' ? pgTimestampText(value.toWall(Zone.UTC), value.nanos) + '+00' : pgTimestampText(value.toWall(ctx.zone), value.nanos);
        }
        if (value instanceof Date) {
          const i = Instant.fromEpochMs(value.getTime());
          if (column.timeKind === 'instant') return pgTimestampText(i.toWall(Zone.UTC), i.nanos) + '+00';
          // A Connect Date into a timestamp column is midnight UTC of that day, whatever db.timezone says.
          return pgTimestampText(i.toWall(isLogicalDate(schema) ? Zone.UTC : ctx.zone), i.nanos);
        }
        if (typeof value === 'number' || typeof value === 'bigint') {
          const i = Instant.fromEpochMs(Number(value));
          return column.timeKind === 'instant' ? pgTimestampText(i.toWall(Zone.UTC), i.nanos) + '+00' : pgTimestampText(i.toWall(ctx.zone), i.nanos);
        }
        break;
      case 'date':
        if (value instanceof Date) {
          if (isLogicalDate(schema)) return formatConnectDate(value);
          return formatDateFields(Instant.fromEpochMs(value.getTime()).toWall(ctx.dateZone));
        }
        break;
      case 'time':
        if (value instanceof Date) return formatConnectTime(value);
        break;
      case 'array':
        if (Array.isArray(value)) {
          const el = column.element ?? { ...column, category: 'string' as SqlCategory };
          const elSchema = schema?.valueSchema ?? null;
          return formatPgArray(value, (v) => this.#text(v, elSchema, el, ctx));
        }
        break;
      case 'bytes':
        if (typeof value === 'string') return value;
        break;
      case 'decimal':
      case 'int':
      case 'float':
        if (value instanceof BigDecimal) return value.toString();
        if (typeof value === 'boolean') return value ? '1' : '0';
        break;
      case 'json':
        if (typeof value === 'object' && !(value instanceof Date) && !(value instanceof Uint8Array) && !(value instanceof BigDecimal)) return jsonText(value);
        break;
    }
    if (value instanceof Struct) return jsonText(value);
    if (value instanceof Instant) return pgTimestampText(value.toWall(ctx.zone), value.nanos);
    if (isDecimal(schema) && value instanceof BigDecimal) return value.toString();
    if (isLogicalTimestamp(schema) && value instanceof Date) {
      return pgTimestampText(Instant.fromEpochMs(value.getTime()).toWall(ctx.zone), 0);
    }
    if (value instanceof Uint8Array) return '\\x' + Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
    return valueAsText(value, schema, ctx.zone);
  }

  isDataError(error: unknown): boolean {
    const code = (error as { code?: unknown })?.code;
    return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23') || code === '42804' || code === '42P18');
  }

  isConnectionError(error: unknown): boolean {
    return isPgConnectionError(error);
  }
}

function columnSuffix(c: { optional: boolean; defaultLiteral: string | null }): string {
  if (c.defaultLiteral !== null) return ` DEFAULT ${c.defaultLiteral}`;
  return c.optional ? ' NULL' : ' NOT NULL';
}

function pgBool(v: unknown): boolean {
  return v === true || v === 't' || v === 'true';
}

/** PostgreSQL timestamp input text with microseconds; years before 1 get the BC suffix. */
function pgTimestampText(w: import('../util/zone.js').WallClock, nanos: number): string {
  if (w.year <= 0) return formatWall({ ...w, year: 1 - w.year }, ' ', 6, nanos) + ' BC';
  return formatWall(w, ' ', 6, nanos);
}

function isolationLevel(mode: string): string | null {
  switch (mode.toUpperCase()) {
    case 'READ_UNCOMMITTED': return 'READ UNCOMMITTED';
    case 'READ_COMMITTED': return 'READ COMMITTED';
    case 'REPEATABLE_READ': return 'REPEATABLE READ';
    case 'SERIALIZABLE': return 'SERIALIZABLE';
    default: return null;
  }
}

/** A sink column definition from catalog facts. */
function pgColumn(name: string, fullType: string, typname: string, typtype: string, typcategory: string, typmod: number): ColumnDefinition {
  const def: ColumnDefinition = {
    name, typeName: fullType, category: 'other', nullable: true, hasDefault: false, autoIncrement: false, primaryKey: false,
  };
  switch (typname) {
    case 'int2': Object.assign(def, { category: 'int', intBits: 16 }); break;
    case 'int4': Object.assign(def, { category: 'int', intBits: 32 }); break;
    case 'int8': case 'oid': Object.assign(def, { category: 'int', intBits: 64 }); break;
    case 'float4': case 'float8': def.category = 'float'; break;
    case 'numeric': {
      const { precision, scale } = numericTypmod(typmod);
      Object.assign(def, { category: 'decimal', precision, scale: precision === null ? null : scale });
      break;
    }
    case 'bool': def.category = 'bool'; break;
    case 'varchar': case 'bpchar':
      Object.assign(def, { category: 'string', maxLength: typmod >= 4 ? typmod - 4 : null });
      break;
    case 'text': case 'name': case 'char': case 'citext': case 'xml': def.category = 'string'; break;
    case 'bytea': def.category = 'bytes'; break;
    case 'date': def.category = 'date'; break;
    case 'time': case 'timetz': def.category = 'time'; break;
    case 'timestamp': Object.assign(def, { category: 'timestamp', timeKind: 'wall' }); break;
    case 'timestamptz': Object.assign(def, { category: 'timestamp', timeKind: 'instant' }); break;
    case 'json': case 'jsonb': def.category = 'json'; break;
    case 'uuid': def.category = 'uuid'; break;
    case 'bit': case 'varbit': def.category = 'bit'; break;
    default:
      if (typcategory === 'A') def.category = 'array';
      else if (typtype === 'e' || typcategory === 'S') def.category = 'string';
  }
  return def;
}

