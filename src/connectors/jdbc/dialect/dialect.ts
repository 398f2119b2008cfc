/**
 * The small dialect interface the JDBC source and sink are written against. A dialect knows its identifier
 * quoting, table listing and description, the Connect schema of result columns (source), the SQL type and value
 * encoding of Connect fields (sink), its upsert statement, its current-time query, and how to stream rows with a
 * server-side cursor. PostgreSQL and MySQL/MariaDB implement it.
 *
 * Statements run through kysely (one Kysely instance bound to the session's single connection); the row cursor
 * (pg-cursor, mysql2 streaming) and PostgreSQL's COPY use the same connection's driver directly, because they need
 * the result's column metadata and the COPY sub-protocol, which kysely does not expose.
 */
import type { Kysely } from 'kysely';
import type { Schema } from '../../../data/index.js';
import type { Instant } from '../util/temporal.js';
import type { QuoteMethod, TableId } from '../util/identifiers.js';
import type { ConnectionSpec, DatabaseKind } from '../util/url.js';
import type { Zone } from '../util/zone.js';

export type NumericMapping = 'none' | 'precision_only' | 'best_fit' | 'best_fit_eager_double';

export type TimestampGranularity =
  | 'connect_logical'
  | 'micros_long'
  | 'micros_string'
  | 'micros_iso_datetime_string'
  | 'nanos_long'
  | 'nanos_string'
  | 'nanos_iso_datetime_string';

/** How a column's values relate to time zones: `instant` columns store a point in time (timestamptz, MySQL
 * TIMESTAMP); `wall` columns store a wall-clock time that `db.timezone` places in time (timestamp, DATETIME). */
export type TimeKind = 'instant' | 'wall';

/** Broad SQL type classes, used to encode sink values and check they fit. */
export type SqlCategory =
  | 'int'
  | 'float'
  | 'decimal'
  | 'bool'
  | 'string'
  | 'bytes'
  | 'date'
  | 'time'
  | 'timestamp'
  | 'json'
  | 'uuid'
  | 'array'
  | 'bit'
  | 'other';

/** One column of an existing table, as the sink sees it. */
export interface ColumnDefinition {
  name: string;
  /** Database type as the catalog names it: `integer`, `numeric(10,2)`, `varchar(20)`, `_int4` … */
  typeName: string;
  category: SqlCategory;
  nullable: boolean;
  hasDefault: boolean;
  autoIncrement: boolean;
  primaryKey: boolean;
  /** int: bit width (8, 16, 24, 32, 64); unsigned for MySQL. */
  intBits?: number;
  unsigned?: boolean;
  /** decimal: precision and scale (null when unconstrained). */
  precision?: number | null;
  scale?: number | null;
  /** string/bytes: the declared maximum length in characters/bytes. */
  maxLength?: number | null;
  /** timestamp: wall clock or instant. */
  timeKind?: TimeKind;
  /** array: the element column. */
  element?: ColumnDefinition;
}

/** A column in CREATE TABLE / ALTER TABLE … ADD: its SQL type and either a DEFAULT literal or its nullability. */
export interface DdlColumn {
  name: string;
  type: string;
  optional: boolean;
  defaultLiteral: string | null;
}

export interface TableDefinition {
  id: TableId;
  /** TABLE, VIEW, PARTITIONED TABLE, … */
  type: string;
  columns: ColumnDefinition[];
}

/** A result column turned into a Connect field, with the converter from driver text to the Connect value. */
export interface SourceColumn {
  name: string;
  /** The field schema (optional when the column is nullable or its nullability is unknown). */
  schema: Schema;
  /** Driver value (text, Buffer, number) → Connect value; throws a DataException-worthy Error on bad data. */
  convert: (raw: unknown) => unknown;
  /** For timestamp columns: the exact instant of a raw value (offsets keep nanoseconds). */
  instant?: (raw: unknown) => Instant;
  timeKind?: TimeKind;
  /** Database type name, for messages and for choosing how to bind offsets. */
  typeName: string;
  autoIncrement: boolean;
  nullable: boolean;
  /** Integral column (or decimal with scale 0): the incrementing value as a bigint. */
  integral: boolean;
}

export interface SourceMappingOptions {
  numericMapping: NumericMapping;
  zone: Zone;
  granularity: TimestampGranularity;
}

/** Rows of a server-side cursor, `fetchSize` at a time. */
export interface RowCursor {
  /** Column metadata (driver-specific objects), known once the first read returned. */
  readonly fields: readonly unknown[];
  /** Up to `n` rows as arrays; an empty array means the result set is exhausted. */
  read(n: number): Promise<unknown[][]>;
  close(): Promise<void>;
}

export interface QueryResult {
  rows: Record<string, unknown>[];
  affected: number;
}

/** One database connection with everything the connectors do on it. */
export interface Session {
  readonly dialect: Dialect;
  /** kysely bound to this connection. */
  readonly db: Kysely<any>;
  execute(sql: string, params?: readonly unknown[]): Promise<QueryResult>;
  /** A query's column metadata without reading rows. */
  describeQuery(sql: string, params?: readonly unknown[]): Promise<unknown[]>;
  /** Streams a query with a server-side cursor (pg-cursor / mysql2 streaming); never loads the whole result. */
  openCursor(sql: string, params: readonly unknown[], fetchSize: number): Promise<RowCursor>;
  /** PostgreSQL COPY … FROM STDIN with the given text chunks; resolves to the row count. Null on MySQL. */
  readonly copyIn: ((sql: string, chunks: Iterable<string>) => Promise<number>) | null;
  /** Whether the connection failed (the session must be replaced). */
  readonly broken: boolean;
  close(): Promise<void>;
}

export interface SessionOptions {
  /** `db.timezone` is applied by the connectors; the session itself always talks UTC. */
  applicationName?: string;
  isolationLevel?: string | null;
}

export interface SinkEncodeContext {
  zone: Zone;
  /** Zone for DATE values (date.timezone: DB_TIMEZONE → db.timezone, UTC → UTC). */
  dateZone: Zone;
}

export interface Dialect {
  readonly name: string;
  readonly kind: DatabaseKind;
  readonly quoteMethod: QuoteMethod;
  /** `$1` (PostgreSQL) or `?` (MySQL). */
  placeholder(index: number): string;
  /** Most parameters one statement may carry. */
  readonly maxParams: number;

  connect(spec: ConnectionSpec, user: string | null, password: string | null, options?: SessionOptions): Promise<Session>;

  quote(name: string): string;
  /** Always quoted, for internal configs. */
  quoteAlways(name: string): string;
  tableSql(id: TableId): string;
  /** Parses a (possibly qualified, possibly quoted) table name. Unqualified names get the session's defaults. */
  parseTableId(name: string): TableId;
  /** SQL returning one row with the database's current time as an instant. */
  readonly currentTimeSql: string;
  /** Reads the result of `currentTimeSql`. */
  parseCurrentTime(row: Record<string, unknown>): Instant;
  /** SQL for a JDBC-style isolation mode, or null when none is needed. */
  isolationSql(mode: string): string | null;

  listTables(session: Session, opts: { catalogPattern: string | null; schemaPattern: string | null; types: string[] }): Promise<Array<{ id: TableId; type: string }>>;
  describeTable(session: Session, id: TableId): Promise<TableDefinition | null>;
  /** The current schema / database, for unqualified table names. */
  defaultNamespace(session: Session): Promise<{ catalog: string | null; schema: string | null }>;
  /** Fully qualifies `id` with the defaults when parts are missing. */
  qualify(id: TableId, defaults: { catalog: string | null; schema: string | null }): TableId;

  /** Whether `sourceColumns` runs queries (then it must not be called while a cursor is open on the session). */
  readonly sourceColumnsQuery: boolean;
  /** Result columns → Connect fields; unsupported columns are left out (null) with a warning by the caller. */
  sourceColumns(session: Session, fields: readonly unknown[], opts: SourceMappingOptions): Promise<Array<SourceColumn | { name: string; unsupported: string }>>;
  /** Text to bind for a timestamp criterion of a column with this time kind. */
  bindTimestamp(value: Instant, kind: TimeKind, zone: Zone): unknown;
  /** Text to bind for an incrementing criterion. */
  bindInteger(value: bigint): unknown;
  /** Wraps a query so that it returns no rows (to read its column metadata). */
  emptyResultSql(query: string): string;

  // ------------------------------------------------------------------ sink
  /** Column type for a Connect schema in CREATE/ALTER (`isKey` lets MySQL use VARCHAR for string keys). */
  sqlTypeFor(schema: Schema, isKey: boolean): string;
  /** DEFAULT literal for a schema default value. */
  defaultLiteral(schema: Schema, value: unknown): string;
  createTableSql(id: TableId, columns: DdlColumn[], pk: string[]): string;
  alterTableSql(id: TableId, columns: DdlColumn[]): string[];
  /** Multi-row INSERT (rows × columns placeholders). */
  insertSql(id: TableId, columns: string[], rows: number): string;
  upsertSql(id: TableId, keyColumns: string[], nonKeyColumns: string[], rows: number, columnDefs: ReadonlyMap<string, ColumnDefinition>): string;
  /** Batched UPDATE of `rows` rows (non-key values first, then key values, per row). */
  updateSql(id: TableId, keyColumns: string[], nonKeyColumns: string[], rows: number, columnDefs: ReadonlyMap<string, ColumnDefinition>): string;
  deleteSql(id: TableId, keyColumns: string[], rows: number): string;
  /**
   * Set-based writes through a session-local staging table filled by COPY (PostgreSQL): much faster than
   * multi-row VALUES for upserts, updates and deletes. Null when the dialect has no COPY.
   */
  readonly staging: StagingSql | null;
  /** COPY statement for plain inserts (PostgreSQL), or null. */
  copySql(id: TableId, columns: string[]): string | null;
  /** A sink value (already checked against the column) as a statement parameter. */
  encodeParam(value: unknown, schema: Schema | null, column: ColumnDefinition, ctx: SinkEncodeContext): unknown;
  /** The same value in COPY text format (PostgreSQL), without escaping. */
  encodeCopy(value: unknown, schema: Schema | null, column: ColumnDefinition, ctx: SinkEncodeContext): string;
  /** Whether an error is a data problem (bad value, constraint) rather than a connection/transient failure. */
  isDataError(error: unknown): boolean;
  /** Whether an error means the connection is gone. */
  isConnectionError(error: unknown): boolean;
}

export interface StagingSql {
  /** A temporary table with exactly these columns of `id`, empty. */
  createSql(stage: string, id: TableId, columns: string[]): string;
  clearSql(stage: string): string;
  copySql(stage: string, columns: string[]): string;
  upsertSql(id: TableId, stage: string, keyColumns: string[], nonKeyColumns: string[]): string;
  updateSql(id: TableId, stage: string, keyColumns: string[], nonKeyColumns: string[]): string;
  deleteSql(id: TableId, stage: string, keyColumns: string[]): string;
}

/** The message and the driver's diagnostic fields of a database error, for exception texts. */
export function describeDbError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const x = e as Error & { code?: string; detail?: string; column?: string; sqlState?: string; hint?: string };
  const parts = [x.message];
  if (x.detail) parts.push(`detail: ${x.detail}`);
  if (x.hint) parts.push(`hint: ${x.hint}`);
  const state = x.sqlState ?? (typeof x.code === 'string' && /^[0-9A-Z]{5}$/.test(x.code) ? x.code : undefined);
  if (state) parts.push(`SQLSTATE ${state}`);
  else if (x.code) parts.push(`code ${x.code}`);
  return parts.join('; ');
}
