/**
 * PostgreSQL: pg + pg-cursor + pg-copy-streams, statements through kysely's PostgresDialect. What differs from
 * MySQL lives here or beside it: the session (session.ts), the catalog (catalog.ts), result column types
 * (source-types.ts), sink types and values (sink-values.ts), and below, the statements only PostgreSQL has —
 * `ON CONFLICT` upserts, the multi-row `UPDATE … FROM (VALUES …)`, COPY and set-based writes through a staging table.
 */
import type { Schema } from '../../../../data/index.js';
import { TableId, splitQualifiedName, type QuoteMethod } from '../../util/identifiers.js';
import type { Instant } from '../../util/temporal.js';
import type { ConnectionSpec } from '../../util/url.js';
import type { Zone } from '../../util/zone.js';
import type {
  ColumnDefinition, Session, SessionOptions, SinkEncodeContext, SourceColumn, SourceMappingOptions, StagingSql,
  TimeKind,
} from '../dialect.js';
import { SqlDialect, type DialectProfile } from '../sql-dialect.js';
import * as catalog from './catalog.js';
import { isPgConnectionError } from './connection-errors.js';
import * as sink from './sink-values.js';
import { PgSourceTypes } from './source-types.js';

const PROFILE: DialectProfile = {
  name: 'PostgreSqlDatabaseDialect',
  kind: 'postgresql',
  maxParams: 65_535,
  quoteChar: '"',
  placeholders: 'numbered',
  isolationStatement: 'SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL',
  currentTimeSql: 'SELECT clock_timestamp() AS now',
  sourceColumnsQuery: true,
};

export class PostgresDialectImpl extends SqlDialect {
  readonly #sourceTypes = new PgSourceTypes();

  constructor(quoteMethod: QuoteMethod = 'always') {
    super(quoteMethod, PROFILE, { catalog, sinkValues: sink, isConnectionError: isPgConnectionError });
  }

  async connect(spec: ConnectionSpec, user: string | null, password: string | null, options: SessionOptions = {}): Promise<Session> {
    // The driver (and kysely) load with the first connection: a pipeline without JDBC never pays for them.
    const { connectPostgres } = await import('./session.js');
    return connectPostgres(this, spec, user, password, options);
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

  qualify(id: TableId, defaults: { catalog: string | null; schema: string | null }): TableId {
    return id.schema !== null ? new TableId(null, id.schema, id.table) : new TableId(null, defaults.schema, id.table);
  }

  sourceColumns(session: Session, fields: readonly unknown[], opts: SourceMappingOptions): Promise<Array<SourceColumn | { name: string; unsupported: string }>> {
    return this.#sourceTypes.sourceColumns(session, fields, opts);
  }

  bindTimestamp(value: Instant, kind: TimeKind, zone: Zone): unknown {
    return sink.timestampText(value, kind === 'instant' ? null : zone);
  }

  bindInteger(value: bigint): unknown {
    return value.toString();
  }

  // ------------------------------------------------------------------------------------------- sink

  insertSql(id: TableId, columns: string[], rows: number): string {
    return `INSERT INTO ${this.tableSql(id)} (${this.columnList(columns)}) VALUES ${this.valuesSql(columns.length, rows)}`;
  }

  upsertSql(id: TableId, keyColumns: string[], nonKeyColumns: string[], rows: number): string {
    return `${this.insertSql(id, [...keyColumns, ...nonKeyColumns], rows)} ${this.#onConflict(keyColumns, nonKeyColumns)}`;
  }

  /** `ON CONFLICT (keys) DO UPDATE SET c=EXCLUDED.c`, or `DO NOTHING` when every column is a key. */
  #onConflict(keys: string[], nonKeys: string[]): string {
    const conflict = `ON CONFLICT (${this.columnList(keys)})`;
    if (nonKeys.length === 0) return `${conflict} DO NOTHING`;
    return `${conflict} DO UPDATE SET ${nonKeys.map((c) => `${this.quote(c)}=EXCLUDED.${this.quote(c)}`).join(',')}`;
  }

  updateSql(id: TableId, keyColumns: string[], nonKeyColumns: string[], rows: number, defs: ReadonlyMap<string, ColumnDefinition>): string {
    if (rows === 1) return this.updateOneSql(id, keyColumns, nonKeyColumns);
    // Many rows in one statement: a VALUES list, each value cast to its column's type, joined on the keys.
    const q = (c: string): string => this.quoteAlways(c);
    const cols = [...nonKeyColumns, ...keyColumns];
    const casts = cols.map((c) => `::${defs.get(c)?.typeName ?? 'text'}`);
    return `UPDATE ${this.tableSql(id)} AS sluice_t SET ${nonKeyColumns.map((c) => `${this.quote(c)} = sluice_v.${q(c)}`).join(', ')}` +
      ` FROM (VALUES ${this.valuesSql(cols.length, rows, (i) => casts[i]!)}) AS sluice_v(${cols.map(q).join(',')})` +
      ` WHERE ${keyColumns.map((c) => `sluice_t.${this.quote(c)} = sluice_v.${q(c)}`).join(' AND ')}`;
  }

  readonly staging: StagingSql = {
    createSql: (stage, id, columns) =>
      `CREATE TEMPORARY TABLE ${this.quoteAlways(stage)} AS SELECT ${this.columnList(columns)} FROM ${this.tableSql(id)} WITH NO DATA`,
    clearSql: (stage) => `TRUNCATE ${this.quoteAlways(stage)}`,
    copySql: (stage, columns) => `COPY ${this.quoteAlways(stage)} (${this.columnList(columns)}) FROM STDIN`,
    upsertSql: (id, stage, keys, nonKeys) => {
      const cols = this.columnList([...keys, ...nonKeys]);
      return `INSERT INTO ${this.tableSql(id)} (${cols}) SELECT ${cols} FROM ${this.quoteAlways(stage)} ${this.#onConflict(keys, nonKeys)}`;
    },
    updateSql: (id, stage, keys, nonKeys) =>
      `UPDATE ${this.tableSql(id)} AS sluice_t SET ${nonKeys.map((c) => `${this.quote(c)} = sluice_s.${this.quote(c)}`).join(', ')} FROM ${this.quoteAlways(stage)} AS sluice_s` +
      ` WHERE ${this.#stageMatch(keys)}`,
    deleteSql: (id, stage, keys) =>
      `DELETE FROM ${this.tableSql(id)} AS sluice_t USING ${this.quoteAlways(stage)} AS sluice_s WHERE ${this.#stageMatch(keys)}`,
  };

  #stageMatch(keys: string[]): string {
    return keys.map((c) => `sluice_t.${this.quote(c)} = sluice_s.${this.quote(c)}`).join(' AND ');
  }

  copySql(id: TableId, columns: string[]): string {
    return `COPY ${this.tableSql(id)} (${this.columnList(columns)}) FROM STDIN`;
  }

  encodeCopy(value: unknown, schema: Schema | null, column: ColumnDefinition, ctx: SinkEncodeContext): string {
    return sink.encodeCopy(value, schema, column, ctx);
  }
}
