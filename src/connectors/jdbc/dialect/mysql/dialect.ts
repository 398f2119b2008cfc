/**
 * MySQL and MariaDB: mysql2 with statements through kysely's MysqlDialect. What differs from PostgreSQL lives here
 * or beside it: the session (session.ts), the catalog (catalog.ts), result column types (source-types.ts), sink
 * types and values (sink-values.ts), and below, MySQL's statement spellings — `INSERT INTO t(…) VALUES(…)`,
 * `on duplicate key update` upserts, and one-row UPDATEs. MySQL has no COPY and no staging tables.
 */
import { TableId, splitQualifiedName, type QuoteMethod } from '../../util/identifiers.js';
import type { Instant } from '../../util/temporal.js';
import { urlParam, type ConnectionSpec } from '../../util/url.js';
import { Zone } from '../../util/zone.js';
import type { Session, SessionOptions, SourceColumn, SourceMappingOptions, TimeKind } from '../dialect.js';
import { SqlDialect, type DialectProfile } from '../sql-dialect.js';
import * as catalog from './catalog.js';
import { isMyConnectionError } from './connection-errors.js';
import * as sink from './sink-values.js';
import { sourceColumn, type MyField } from './source-types.js';

const PROFILE: DialectProfile = {
  name: 'MySqlDatabaseDialect',
  kind: 'mysql',
  maxParams: 30_000,
  quoteChar: '`',
  placeholders: 'question',
  isolationStatement: 'SET SESSION TRANSACTION ISOLATION LEVEL',
  currentTimeSql: 'SELECT UTC_TIMESTAMP(6) AS now',
  sourceColumnsQuery: false,
};

export class MySqlDialectImpl extends SqlDialect {
  readonly staging = null;
  /** zeroDateTimeBehavior=convertToNull in the URL of the last session opened. */
  #zeroDateToNull = false;

  constructor(quoteMethod: QuoteMethod = 'always') {
    super(quoteMethod, PROFILE, { catalog, sinkValues: sink, isConnectionError: isMyConnectionError });
  }

  async connect(spec: ConnectionSpec, user: string | null, password: string | null, options: SessionOptions = {}): Promise<Session> {
    const zdb = urlParam(spec, 'zeroDateTimeBehavior');
    this.#zeroDateToNull = !!zdb && /^convert_?to_?null$/i.test(zdb);
    // The driver (and kysely) load with the first connection: a pipeline without JDBC never pays for them.
    const { connectMySql } = await import('./session.js');
    return connectMySql(this, spec, user, password, options);
  }

  parseTableId(name: string): TableId {
    const { parts } = splitQualifiedName(name);
    if (parts.length === 1) return new TableId(null, null, parts[0]!);
    return new TableId(parts[parts.length - 2]!, null, parts[parts.length - 1]!);
  }

  qualify(id: TableId, defaults: { catalog: string | null; schema: string | null }): TableId {
    return id.catalog !== null ? id : new TableId(defaults.catalog, null, id.table);
  }

  async sourceColumns(_session: Session, fields: readonly unknown[], opts: SourceMappingOptions): Promise<Array<SourceColumn | { name: string; unsupported: string }>> {
    return (fields as MyField[]).map((f) => sourceColumn(f, opts, this.#zeroDateToNull));
  }

  bindTimestamp(value: Instant, kind: TimeKind, zone: Zone): unknown {
    return sink.timestampText(value, kind === 'instant' ? Zone.UTC : zone);
  }

  bindInteger(value: bigint): unknown {
    return value;
  }

  // ------------------------------------------------------------------------------------------- sink

  insertSql(id: TableId, columns: string[], rows: number): string {
    return `INSERT INTO ${this.tableSql(id)}(${this.columnList(columns)}) VALUES${this.valuesSql(columns.length, rows)}`;
  }

  upsertSql(id: TableId, keyColumns: string[], nonKeyColumns: string[], rows: number): string {
    const cols = [...keyColumns, ...nonKeyColumns];
    const assign = (nonKeyColumns.length > 0 ? nonKeyColumns : keyColumns).map((c) => `${this.quote(c)}=values(${this.quote(c)})`);
    return `insert into ${this.tableSql(id)}(${this.columnList(cols)}) values${this.valuesSql(cols.length, rows)} on duplicate key update ${assign.join(',')}`;
  }

  updateSql(id: TableId, keyColumns: string[], nonKeyColumns: string[], _rows: number): string {
    // One row per statement: a joined multi-row UPDATE mixes collations of literal and column strings on MySQL.
    return this.updateOneSql(id, keyColumns, nonKeyColumns);
  }

  copySql(): null {
    return null;
  }

  encodeCopy(): string {
    throw new Error('COPY is not supported on MySQL');
  }
}
