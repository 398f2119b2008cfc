/**
 * `io.confluent.connect.jdbc.JdbcSourceConnector`: lists tables (`catalog.pattern`, `schema.pattern`,
 * `table.types`, white/black lists or include/exclude regexes), re-lists them every `table.poll.interval.ms` and
 * asks for task reconfiguration when the list changes, and spreads tables over tasks in contiguous groups as
 * Confluent does. A query connector has exactly one task.
 */
import {
  ConnectException, SourceConnector, withTimeout, type ConfigDef, type ConfigValue, type ConnectorConfig,
  type SourceTaskClass, type ExactlyOnceSupport,
} from '../../api/index.js';
import { S, TABLE_TYPES, parseOrThrow, sourceConfigDef, sourceCrossKeyProblems } from '../config.js';
import { connectionSettings, openSession, urlProblems, type ConnectionSettings } from '../connection.js';
import { describeDbError, type Session } from '../dialect/index.js';
import type { TableId } from '../util/identifiers.js';
import { JDBC_VERSION } from '../version.js';
import { warn } from '../log.js';
import { duplicateBareNames, encodeTables, filterTables, groupPartitions, tableFilter, type TableFilter } from './tables.js';
import { JdbcSourceTask } from './task.js';

export class JdbcSourceConnector extends SourceConnector {
  static readonly className = 'io.confluent.connect.jdbc.JdbcSourceConnector';
  #props: Record<string, string> = {};
  #values: Record<string, unknown> = {};
  #settings: ConnectionSettings | undefined;
  #session: Session | null = null;
  #tables: TableId[] | null = null;
  #timer: NodeJS.Timeout | undefined;
  #filter: TableFilter | undefined;
  #queryMode = false;
  #listing: Promise<void> | null = null;
  #stopped = false;

  version(): string {
    return JDBC_VERSION;
  }

  config(): ConfigDef {
    return sourceConfigDef();
  }

  override validate(config: ConnectorConfig): Map<string, ConfigValue> {
    const values = this.config().validate(config);
    for (const [key, message] of sourceCrossKeyProblems(config)) values.get(key)?.errorMessages.push(message);
    urlProblems(values, () => connectionSettings(this.config().parse(config), config, this.config()));
    return values;
  }

  /**
   * KIP-618: exact in the modes whose offset names exactly the rows already read (`incrementing`,
   * `timestamp+incrementing`). `bulk` has no offset; `timestamp` alone may split rows of one timestamp across
   * polls and skip the rest after a restart, so it is not exact.
   */
  override exactlyOnceSupport(config: ConnectorConfig): ExactlyOnceSupport {
    const mode = (config[S.MODE] ?? '').trim();
    return mode === 'incrementing' || mode === 'timestamp+incrementing' ? 'SUPPORTED' : 'UNSUPPORTED';
  }

  async start(config: ConnectorConfig): Promise<void> {
    this.#stopped = false;
    this.#values = parseOrThrow(this.config(), config, sourceCrossKeyProblems(config));
    this.#props = { ...config };
    this.#settings = connectionSettings(this.#values, config, this.config());
    this.#queryMode = String(config[S.QUERY] ?? '').trim() !== '' || String(config[S.QUERY_MASKED] ?? '').trim() !== '';
    if (this.#queryMode) return;
    this.#filter = tableFilter(this.#values);
    const limit = Number(this.#values[S.TABLE_MONITORING_STARTUP_LIMIT] ?? 10_000);
    const first = this.#listTables();
    // The limit covers the listing itself; connection attempts and their backoff come on top.
    const budget = Math.max(limit, 1000) + this.#settings.attempts * this.#settings.backoffMs;
    try {
      this.#tables = await withTimeout(first, budget, () => new ConnectException(`Listing the tables took longer than ${S.TABLE_MONITORING_STARTUP_LIMIT}=${limit} ms`));
    } catch (e) {
      first.catch(() => {});
      await this.stop();
      throw e;
    }
    const dups = duplicateBareNames(this.#tables);
    if (dups.length > 0) {
      await this.stop();
      throw new ConnectException(`The tables ${dups.join('; ')} have the same name and would write to the same topic; narrow the table selection (table.whitelist / table.include.list / schema.pattern)`);
    }
    if (this.#tables.length === 0) warn(`JDBC source: no table matches the table selection yet; tasks idle until one appears`);
    const interval = Number(this.#values[S.TABLE_POLL_INTERVAL] ?? 60_000);
    if (interval > 0) {
      this.#timer = setInterval(() => this.#monitor(), interval);
      this.#timer.unref();
    }
  }

  async #listTables(): Promise<TableId[]> {
    if (!this.#session || this.#session.broken) {
      await this.#session?.close().catch(() => {});
      const session = await openSession(this.#settings!);
      if (this.#stopped) {
        // stop() already ran (e.g. the startup listing timed out): nothing would close this session.
        await session.close().catch(() => {});
        throw new ConnectException('JDBC source connector stopped');
      }
      this.#session = session;
    }
    const dialect = this.#settings!.dialect;
    const all = await dialect.listTables(this.#session, {
      catalogPattern: (this.#values[S.CATALOG_PATTERN] as string | null) ?? null,
      schemaPattern: (this.#values[S.SCHEMA_PATTERN] as string | null) ?? null,
      types: this.#values[TABLE_TYPES] as string[],
    });
    return filterTables(dialect, all.map((t) => t.id), this.#filter!);
  }

  #monitor(): void {
    if (this.#listing || this.#stopped) return;
    this.#listing = (async () => {
      try {
        const tables = await this.#listTables();
        if (this.#stopped) return;
        const before = (this.#tables ?? []).map(String).join('\n');
        if (tables.map(String).join('\n') === before) return;
        const dups = duplicateBareNames(tables);
        if (dups.length > 0) {
          this.context.raiseError(new ConnectException(`The tables ${dups.join('; ')} have the same name and would write to the same topic`));
          return;
        }
        this.#tables = tables;
        this.context.requestTaskReconfiguration();
      } catch (e) {
        // A failed listing is retried at the next interval, as Confluent's TableMonitorThread does.
        warn(`JDBC source: listing tables failed, retrying in ${String(this.#values[S.TABLE_POLL_INTERVAL])} ms: ${describeDbError(e)}`);
      } finally {
        this.#listing = null;
      }
    })();
  }

  /** The current table list (for tests and status). */
  get tables(): readonly TableId[] {
    return this.#tables ?? [];
  }

  /** Re-lists the tables now; true when the list changed (reconfiguration was requested). */
  async refreshTables(): Promise<boolean> {
    const before = this.tables.map(String).join('\n');
    this.#monitor();
    await this.#listing;
    return this.tables.map(String).join('\n') !== before;
  }

  taskClass(): SourceTaskClass {
    return JdbcSourceTask;
  }

  taskConfigs(maxTasks: number): ConnectorConfig[] {
    if (this.#queryMode) return [{ ...this.#props, [S.TABLES]: '', [S.TABLES_FETCHED]: 'true' }];
    const tables = this.#tables;
    if (tables === null) return [{ ...this.#props, [S.TABLES]: '', [S.TABLES_FETCHED]: 'false' }];
    if (tables.length === 0) return [{ ...this.#props, [S.TABLES]: '', [S.TABLES_FETCHED]: 'true' }];
    const dialect = this.#settings!.dialect;
    const groups = groupPartitions(tables, Math.min(tables.length, Math.max(1, maxTasks)));
    return groups.map((g) => ({ ...this.#props, [S.TABLES]: encodeTables(dialect, g), [S.TABLES_FETCHED]: 'true' }));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#listing?.catch(() => {});
    const s = this.#session;
    this.#session = null;
    if (s) await s.close().catch(() => {});
  }
}
