/**
 * What PostgreSQL and MySQL share, parameterised by a profile of what tells them apart in SQL text (the identifier
 * quote character, the placeholder style `$1, $2` or `?`, the statement that sets the isolation level, the
 * current-time query): identifier quoting and table names, the current-time reading, DDL (CREATE TABLE, ALTER TABLE
 * … ADD), multi-row VALUES tuples, the keyed one-row UPDATE and the DELETE by keys. The dialect's catalog queries
 * and sink value rules are plain functions it hands in (its catalog.ts and sink-values.ts). A dialect class then
 * holds only what differs in shape: its session, table-name parsing, source columns, binding of offsets, INSERT
 * spelling, upsert, multi-row UPDATE and COPY.
 */
import type { Schema } from '../../../data/index.js';
import { TableId, quoteIdentifier, type QuoteMethod } from '../util/identifiers.js';
import { Instant, parseTimestampText, parsedToInstant } from '../util/temporal.js';
import type { ConnectionSpec, DatabaseKind } from '../util/url.js';
import { Zone } from '../util/zone.js';
import type {
  ColumnDefinition, DdlColumn, Dialect, Session, SessionOptions, SinkEncodeContext, SourceColumn, SourceMappingOptions,
  StagingSql, TableDefinition, TimeKind,
} from './dialect.js';

export interface DialectProfile {
  name: string;
  kind: DatabaseKind;
  /** Most parameters one statement may carry. */
  maxParams: number;
  quoteChar: '"' | '`';
  /** `numbered`: `$1, $2, …` (PostgreSQL); `question`: `?` (MySQL). */
  placeholders: 'numbered' | 'question';
  /** The statement before the level name, e.g. `SET SESSION TRANSACTION ISOLATION LEVEL`. */
  isolationStatement: string;
  /** One row, column `now`: the database's clock as UTC text. */
  currentTimeSql: string;
  /** Whether mapping source columns queries the catalog. */
  sourceColumnsQuery: boolean;
}

/** A dialect's catalog queries and sink value rules, as plain functions. */
export interface DialectParts {
  catalog: {
    defaultNamespace(session: Session): Promise<{ catalog: string | null; schema: string | null }>;
    listTables(session: Session, opts: { catalogPattern: string | null; schemaPattern: string | null; types: string[] }): Promise<Array<{ id: TableId; type: string }>>;
    describeTable(session: Session, id: TableId): Promise<TableDefinition | null>;
  };
  sinkValues: {
    sqlTypeFor(schema: Schema, isKey: boolean): string;
    defaultLiteral(schema: Schema, value: unknown): string;
    encodeParam(value: unknown, schema: Schema | null, column: ColumnDefinition, ctx: SinkEncodeContext): unknown;
    isDataError(error: unknown): boolean;
  };
  isConnectionError(error: unknown): boolean;
}

const ISOLATION_LEVELS: Readonly<Record<string, string>> = {
  READ_UNCOMMITTED: 'READ UNCOMMITTED',
  READ_COMMITTED: 'READ COMMITTED',
  REPEATABLE_READ: 'REPEATABLE READ',
  SERIALIZABLE: 'SERIALIZABLE',
};

export abstract class SqlDialect implements Dialect {
  readonly name: string;
  readonly kind: DatabaseKind;
  readonly maxParams: number;
  readonly sourceColumnsQuery: boolean;
  readonly currentTimeSql: string;
  abstract readonly staging: StagingSql | null;
  readonly quoteMethod: QuoteMethod;
  readonly #profile: DialectProfile;
  readonly #parts: DialectParts;

  protected constructor(quoteMethod: QuoteMethod, profile: DialectProfile, parts: DialectParts) {
    this.name = profile.name;
    this.kind = profile.kind;
    this.maxParams = profile.maxParams;
    this.sourceColumnsQuery = profile.sourceColumnsQuery;
    this.currentTimeSql = profile.currentTimeSql;
    this.quoteMethod = quoteMethod;
    this.#profile = profile;
    this.#parts = parts;
  }

  placeholder(index: number): string {
    return this.#profile.placeholders === 'numbered' ? `$${index}` : '?';
  }

  quote(name: string): string {
    return this.quoteMethod === 'never' ? name : quoteIdentifier(name, this.#profile.quoteChar);
  }

  quoteAlways(name: string): string {
    return quoteIdentifier(name, this.#profile.quoteChar);
  }

  tableSql(id: TableId): string {
    return id.parts().map((p) => this.quote(p)).join('.');
  }

  /** `"a","b"`: the names quoted per `quote.sql.identifiers`, comma-separated. */
  protected columnList(columns: readonly string[]): string {
    return columns.map((c) => this.quote(c)).join(',');
  }

  /** Both databases report the current time as UTC text (the session talks UTC). */
  parseCurrentTime(row: Record<string, unknown>): Instant {
    const p = parseTimestampText(String(row.now));
    if (!p) throw new Error(`cannot read the database time '${String(row.now)}'`);
    return parsedToInstant(p, Zone.UTC);
  }

  isolationSql(mode: string): string | null {
    const level = ISOLATION_LEVELS[mode.toUpperCase()];
    return level ? `${this.#profile.isolationStatement} ${level}` : null;
  }

  emptyResultSql(query: string): string {
    return `SELECT * FROM (${query}) AS sluice_describe LIMIT 0`;
  }

  createTableSql(id: TableId, columns: DdlColumn[], pk: string[]): string {
    const lines = columns.map((c) => `${this.quote(c.name)} ${c.type}${columnSuffix(c)}`);
    if (pk.length > 0) lines.push(`PRIMARY KEY(${this.columnList(pk)})`);
    return `CREATE TABLE ${this.tableSql(id)} (\n${lines.join(',\n')})`;
  }

  alterTableSql(id: TableId, columns: DdlColumn[]): string[] {
    return [`ALTER TABLE ${this.tableSql(id)} \n${columns.map((c) => `ADD ${this.quote(c.name)} ${c.type}${columnSuffix(c)}`).join(',\n')}`];
  }

  /**
   * `(p,p),(p,p)`: `rows` tuples of `columns` placeholders, numbered on across tuples; `suffix` follows each
   * placeholder of a column (a PostgreSQL cast).
   */
  protected valuesSql(columns: number, rows: number, suffix?: (column: number) => string): string {
    const tuples: string[] = [];
    let p = 1;
    for (let r = 0; r < rows; r++) {
      const ph: string[] = [];
      for (let c = 0; c < columns; c++) ph.push(`${this.placeholder(p++)}${suffix ? suffix(c) : ''}`);
      tuples.push(`(${ph.join(',')})`);
    }
    return tuples.join(',');
  }

  /** UPDATE of one row: the non-key values bind first, then the key values. */
  protected updateOneSql(id: TableId, keyColumns: string[], nonKeyColumns: string[]): string {
    let p = 1;
    const set = nonKeyColumns.map((c) => `${this.quote(c)} = ${this.placeholder(p++)}`).join(', ');
    const where = keyColumns.map((c) => `${this.quote(c)} = ${this.placeholder(p++)}`).join(' AND ');
    return `UPDATE ${this.tableSql(id)} SET ${set} WHERE ${where}`;
  }

  deleteSql(id: TableId, keyColumns: string[], rows: number): string {
    if (keyColumns.length === 1) {
      const list = Array.from({ length: rows }, (_, i) => this.placeholder(i + 1)).join(',');
      return `DELETE FROM ${this.tableSql(id)} WHERE ${this.quote(keyColumns[0]!)} IN (${list})`;
    }
    return `DELETE FROM ${this.tableSql(id)} WHERE (${this.columnList(keyColumns)}) IN (${this.valuesSql(keyColumns.length, rows)})`;
  }

  defaultNamespace(session: Session): Promise<{ catalog: string | null; schema: string | null }> {
    return this.#parts.catalog.defaultNamespace(session);
  }

  listTables(session: Session, opts: { catalogPattern: string | null; schemaPattern: string | null; types: string[] }): Promise<Array<{ id: TableId; type: string }>> {
    return this.#parts.catalog.listTables(session, opts);
  }

  describeTable(session: Session, id: TableId): Promise<TableDefinition | null> {
    return this.#parts.catalog.describeTable(session, id);
  }

  sqlTypeFor(schema: Schema, isKey: boolean): string {
    return this.#parts.sinkValues.sqlTypeFor(schema, isKey);
  }

  defaultLiteral(schema: Schema, value: unknown): string {
    return this.#parts.sinkValues.defaultLiteral(schema, value);
  }

  encodeParam(value: unknown, schema: Schema | null, column: ColumnDefinition, ctx: SinkEncodeContext): unknown {
    return this.#parts.sinkValues.encodeParam(value, schema, column, ctx);
  }

  isDataError(error: unknown): boolean {
    return this.#parts.sinkValues.isDataError(error);
  }

  isConnectionError(error: unknown): boolean {
    return this.#parts.isConnectionError(error);
  }

  abstract connect(spec: ConnectionSpec, user: string | null, password: string | null, options?: SessionOptions): Promise<Session>;
  abstract parseTableId(name: string): TableId;
  abstract qualify(id: TableId, defaults: { catalog: string | null; schema: string | null }): TableId;
  abstract sourceColumns(session: Session, fields: readonly unknown[], opts: SourceMappingOptions): Promise<Array<SourceColumn | { name: string; unsupported: string }>>;
  abstract bindTimestamp(value: Instant, kind: TimeKind, zone: Zone): unknown;
  abstract bindInteger(value: bigint): unknown;
  abstract insertSql(id: TableId, columns: string[], rows: number): string;
  abstract upsertSql(id: TableId, keyColumns: string[], nonKeyColumns: string[], rows: number, columnDefs: ReadonlyMap<string, ColumnDefinition>): string;
  abstract updateSql(id: TableId, keyColumns: string[], nonKeyColumns: string[], rows: number, columnDefs: ReadonlyMap<string, ColumnDefinition>): string;
  abstract copySql(id: TableId, columns: string[]): string | null;
  abstract encodeCopy(value: unknown, schema: Schema | null, column: ColumnDefinition, ctx: SinkEncodeContext): string;
}

function columnSuffix(c: DdlColumn): string {
  if (c.defaultLiteral !== null) return ` DEFAULT ${c.defaultLiteral}`;
  return c.optional ? ' NULL' : ' NOT NULL';
}
