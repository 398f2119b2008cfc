/**
 * Confluent's JdbcSourceTask: one querier per assigned table (or one for the query), in a queue ordered by when
 * each last finished. `poll` runs the head querier once `poll.interval.ms` has passed since its last run and returns
 * at most `batch.max.rows` records; the cursor stays open across polls until the result set is exhausted, so memory
 * holds one batch whatever the table size.
 */
import { ConnectException, SourceTask, type ConnectorConfig } from '../../api/index.js';
import type { OffsetMap, SourceRecord } from '../../../data/index.js';
import { DB_TIMEZONE, S, parseOrThrow, sourceConfigDef, sourceCrossKeyProblems, type Mode } from '../config.js';
import { connectionSettings, openSession, type ConnectionSettings } from '../connection.js';
import { sleep } from '../../api/index.js';
import { describeDbError, type NumericMapping, type Session, type TimestampGranularity } from '../dialect/index.js';
import { Password } from '../../api/index.js';
import { TableId } from '../util/identifiers.js';
import { Zone } from '../util/zone.js';
import { JDBC_VERSION } from '../version.js';
import { warn } from '../log.js';
import { Querier, QUERY_PARTITION, partitionV0, partitionV1 } from './querier.js';
import { decodeTables, mappedColumns, parseColumnMappings } from './tables.js';

/** Longest a poll waits for a querier to become due before returning null. */
const IDLE_POLL_MS = 1000;

export class JdbcSourceTask extends SourceTask {
  static readonly className = 'io.confluent.connect.jdbc.source.JdbcSourceTask';
  #settings: ConnectionSettings | undefined;
  #session: Session | null = null;
  #queriers: Querier[] = [];
  #batchMaxRows = 1000;
  #pollIntervalMs = 5000;
  #retryAttempts = -1;
  #failures = 0;
  #isolation: string | null = null;
  #stopped = false;
  #idle = false;

  version(): string {
    return JDBC_VERSION;
  }

  async start(config: ConnectorConfig): Promise<void> {
    const v = parseOrThrow(sourceConfigDef(), config, sourceCrossKeyProblems(config));
    this.#settings = connectionSettings(v, config, sourceConfigDef());
    const dialect = this.#settings.dialect;
    this.#batchMaxRows = v[S.BATCH_MAX_ROWS] as number;
    this.#pollIntervalMs = v[S.POLL_INTERVAL] as number;
    this.#retryAttempts = v[S.QUERY_RETRY_ATTEMPTS] as number;
    const iso = String(v[S.TRANSACTION_ISOLATION]);
    this.#isolation = iso === 'DEFAULT' ? null : iso;
    const mode = v[S.MODE] as Mode;
    const zone = Zone.of(String(v[DB_TIMEZONE]));
    let numericMapping = (v[S.NUMERIC_MAPPING] as NumericMapping | null) ?? null;
    if (numericMapping === null) numericMapping = v[S.NUMERIC_PRECISION_MAPPING] ? 'precision_only' : 'none';
    const mapping = { numericMapping, zone, granularity: v[S.TIMESTAMP_GRANULARITY] as TimestampGranularity };
    const masked = v[S.QUERY_MASKED] instanceof Password ? (v[S.QUERY_MASKED] as Password).value() : '';
    const query = String(v[S.QUERY] ?? '').trim() || masked.trim();
    const topicPrefix = String(v[S.TOPIC_PREFIX] ?? '');
    const incColumnCfg = String(v[S.INCREMENTING_COLUMN] ?? '').trim();
    const tsColumnsCfg = (v[S.TIMESTAMP_COLUMN] as string[]).filter((c) => c !== '');
    const incMappings = parseColumnMappings(S.INCREMENTING_MAPPING, v[S.INCREMENTING_MAPPING] as string[]);
    const tsMappings = parseColumnMappings(S.TIMESTAMP_MAPPING, v[S.TIMESTAMP_MAPPING] as string[]);
    const useMappings = incMappings.length > 0 || tsMappings.length > 0 || (v[S.TABLE_INCLUDE_LIST] as string[]).length > 0;
    const tablesText = String(v[S.TABLES] ?? '');
    const tables = query ? [] : decodeTables(dialect, tablesText);

    if (!query && tables.length === 0) {
      // No table matched (yet): idle until the connector reconfigures the tasks when one appears.
      warn(`JDBC source task: no tables assigned${v[S.TABLES_FETCHED] ? '' : ' (table list not fetched yet)'}; idling`);
      this.#idle = true;
      return;
    }

    this.#session = await openSession(this.#settings, { isolationLevel: this.#isolation });
    if (this.#stopped) {
      // stop() ran while the session was opening: it saw no session to close.
      await this.#closeSession();
      return;
    }
    const session = this.#session;
    const common = {
      mode, dialect, suffix: String(v[S.QUERY_SUFFIX] ?? ''), delayMs: v[S.TIMESTAMP_DELAY] as number, zone, mapping,
      timestampInitial: (v[S.TIMESTAMP_INITIAL] as number | null) ?? null, warn,
    };

    try {
      if (query) {
        const stored = mode === 'bulk' ? null : await this.context.offsetStorageReader.offset(QUERY_PARTITION);
        this.#queriers.push(new Querier({
          ...common, table: null, query, label: 'the query', topic: topicPrefix,
          incrementingColumn: incColumnCfg || null, timestampColumns: tsColumnsCfg, partition: QUERY_PARTITION,
          storedOffset: stored, schemaName: null,
        }));
      } else {
        const partitions: OffsetMap[] = [];
        for (const t of tables) partitions.push(partitionV1(t), partitionV0(t));
        const stored = mode === 'bulk' ? new Map<OffsetMap, OffsetMap | null>() : await this.context.offsetStorageReader.offsets(partitions);
        for (let i = 0; i < tables.length; i++) {
          const table = tables[i]!;
          // The v1 (fully qualified) partition first; offsets written before it existed are under the bare name.
          const offset = stored.get(partitions[2 * i]!) ?? stored.get(partitions[2 * i + 1]!) ?? null;
          let incColumn: string | null = useMappings ? (mappedColumns(S.INCREMENTING_MAPPING, incMappings, table)?.[0] ?? null) : (incColumnCfg || null);
          let tsColumns = useMappings ? (mappedColumns(S.TIMESTAMP_MAPPING, tsMappings, table) ?? []) : tsColumnsCfg;
          if (mode !== 'bulk') {
            ({ incColumn, tsColumns } = await this.#checkColumns(session, table, mode, incColumn, tsColumns, v[S.VALIDATE_NON_NULL] as boolean));
          }
          this.#queriers.push(new Querier({
            ...common, table, query: null, label: table.toString(), topic: topicPrefix + table.table,
            incrementingColumn: incColumn, timestampColumns: tsColumns,
            partition: mode === 'bulk' ? partitionV0(table) : partitionV1(table), storedOffset: offset,
            schemaName: table.table,
          }));
        }
      }
    } catch (e) {
      await this.#closeSession();
      throw e;
    }
  }

  /** Columns exist (matched case-insensitively, then used with their real case), and are non-null when asked. */
  async #checkColumns(session: Session, table: TableId, mode: Mode, incColumn: string | null, tsColumns: string[], validateNonNull: boolean): Promise<{ incColumn: string | null; tsColumns: string[] }> {
    const dialect = session.dialect;
    const def = await dialect.describeTable(session, table);
    if (!def) throw new ConnectException(`Table ${table} does not exist or is not visible to this user`);
    const find = (name: string) => def.columns.find((c) => c.name === name) ?? def.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
    let inc = incColumn;
    if (mode === 'incrementing' || mode === 'timestamp+incrementing') {
      if (!inc) {
        const auto = def.columns.find((c) => c.autoIncrement);
        if (!auto) {
          throw new ConnectException(`Cannot find an auto-incrementing column in table ${table} for mode ${mode}; set incrementing.column.name`);
        }
        inc = auto.name;
      } else {
        const col = find(inc);
        if (!col) throw new ConnectException(`Incrementing column ${inc} not found in ${table}; its columns are ${def.columns.map((c) => c.name).join(', ')}`);
        inc = col.name;
        if (validateNonNull && col.nullable) {
          throw new ConnectException(`Cannot make incremental queries using incrementing column ${inc} on ${table} because this column is nullable (set validate.non.null=false to skip this check)`);
        }
      }
    }
    const ts: string[] = [];
    if (mode === 'timestamp' || mode === 'timestamp+incrementing') {
      if (tsColumns.length === 0) throw new ConnectException(`No timestamp column configured for ${table} in mode ${mode}`);
      let anyNonNull = false;
      for (const name of tsColumns) {
        const col = find(name);
        if (!col) throw new ConnectException(`Timestamp column ${name} not found in ${table}; its columns are ${def.columns.map((c) => c.name).join(', ')}`);
        ts.push(col.name);
        if (!col.nullable) anyNonNull = true;
      }
      if (validateNonNull && !anyNonNull) {
        throw new ConnectException(`Cannot make incremental queries using timestamp columns ${ts.join(',')} on ${table} because all of these columns are nullable (set validate.non.null=false to skip this check)`);
      }
    }
    return { incColumn: inc, tsColumns: ts };
  }

  async #ensureSession(): Promise<Session> {
    if (this.#session && !this.#session.broken) return this.#session;
    if (this.#session) {
      for (const q of this.#queriers) q.abandon(q.lastUpdate);
      await this.#session.close().catch(() => {});
    }
    this.#session = await openSession(this.#settings!, { isolationLevel: this.#isolation });
    return this.#session;
  }

  async poll(signal: AbortSignal): Promise<SourceRecord[] | null> {
    if (this.#idle) {
      await sleep(IDLE_POLL_MS, signal);
      return null;
    }
    const deadline = Date.now() + IDLE_POLL_MS;
    while (!signal.aborted && !this.#stopped) {
      // The querier that finished longest ago (ties by table name) goes next; an open cursor keeps its querier first.
      const head = this.#head();
      if (!head.querying) {
        const wait = head.lastUpdate + this.#pollIntervalMs - Date.now();
        if (wait > 0) {
          const left = deadline - Date.now();
          if (left <= 0) return null;
          await sleep(Math.min(wait, left), signal);
          continue;
        }
      }
      let session: Session;
      try {
        session = await this.#ensureSession();
        if (this.#stopped) {
          await this.#closeSession();
          return null;
        }
        if (!head.querying) await head.start(session, this.#batchMaxRows);
        const { records, exhausted } = await head.next(session, this.#batchMaxRows);
        if (exhausted) await head.reset(Date.now());
        this.#failures = 0;
        if (records.length > 0) return records;
        if (Date.now() >= deadline) return null;
      } catch (e) {
        await this.#queryFailed(head, e);
        return null;
      }
    }
    return null;
  }

  #head(): Querier {
    let best = this.#queriers[0]!;
    for (const q of this.#queriers) {
      if (q.querying) return q;
      if (q.lastUpdate < best.lastUpdate || (q.lastUpdate === best.lastUpdate && q.options.label < best.options.label)) best = q;
    }
    return best;
  }

  /** Confluent's rules: data and schema errors fail the task; other SQL errors retry (query.retry.attempts). */
  async #queryFailed(q: Querier, e: unknown): Promise<void> {
    const session = this.#session;
    const dialect = this.#settings!.dialect;
    const connection = session === null || session.broken || dialect.isConnectionError(e);
    if (connection) q.abandon(Date.now());
    else await q.reset(Date.now());
    if (e instanceof ConnectException || (e instanceof Error && e.name === 'DataException')) throw e;
    const fatal = !connection && isFatalSqlError(e);
    this.#failures++;
    const limit = this.#retryAttempts;
    if (fatal || (limit >= 0 && this.#failures > limit)) {
      throw new ConnectException(`JDBC source: query of ${q.options.label} failed${fatal ? '' : ` ${this.#failures} time(s)`}: ${describeDbError(e)}`, { cause: e });
    }
    warn(`JDBC source: query of ${q.options.label} failed (attempt ${this.#failures}${limit >= 0 ? ` of ${limit + 1}` : ''}), retrying after poll.interval.ms: ${describeDbError(e)}`);
  }

  async #closeSession(): Promise<void> {
    const s = this.#session;
    this.#session = null;
    if (s) await s.close().catch(() => {});
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const q of this.#queriers) q.abandon(0);
    await this.#closeSession();
  }
}

/** Errors that will not go away by retrying: syntax, unknown tables/columns, permissions, data exceptions. */
function isFatalSqlError(e: unknown): boolean {
  const x = e as { code?: unknown; errno?: unknown; sqlState?: unknown };
  const state = typeof x?.sqlState === 'string' ? x.sqlState : typeof x?.code === 'string' && /^[0-9A-Z]{5}$/.test(x.code) ? x.code : null;
  if (state) return state.startsWith('42') || state.startsWith('22') || state.startsWith('0A');
  return typeof x?.errno === 'number' && [1054, 1064, 1146, 1142, 1143, 1044, 1045].includes(x.errno);
}
