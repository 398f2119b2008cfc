/**
 * Confluent's JdbcSinkTask: each `put` is one transaction. Errors about the records' data never retry (the record
 * goes to the errant record reporter, or the task fails naming it). Other database errors — lost connections,
 * deadlocks, serialization failures — close the connection and throw RetriableException after `context.timeout(
 * retry.backoff.ms)`, so the runtime redelivers the same batch, up to `max.retries` times; then, with an errant
 * record reporter, the batch is replayed one record at a time and the failing ones are reported.
 */
import { ConnectException, RetriableException, SinkTask, type ConnectorConfig, type TopicPartitionOffsets } from '../../api/index.js';
import { DataException, type SinkRecord } from '../../../data/index.js';
import {
  DB_TIMEZONE, K, TABLE_TYPES, parseOrThrow, sinkConfigDef, sinkCrossKeyProblems, type InsertMode, type PkMode,
} from '../config.js';
import { connectionSettings, openSession, type ConnectionSettings } from '../connection.js';
import { describeDbError, type Session } from '../dialect/index.js';
import { Zone } from '../util/zone.js';
import { JDBC_VERSION } from '../version.js';
import { DbStructure } from './structure.js';
import { JdbcWriter, SinkConfigurationError } from './writer.js';

export class JdbcSinkTask extends SinkTask {
  static readonly className = 'io.confluent.connect.jdbc.sink.JdbcSinkTask';
  #settings: ConnectionSettings | undefined;
  #session: Session | null = null;
  #writer: JdbcWriter | undefined;
  #maxRetries = 10;
  #remainingRetries = 10;
  #retryBackoffMs = 3000;

  version(): string {
    return JDBC_VERSION;
  }

  async start(config: ConnectorConfig): Promise<void> {
    const v = parseOrThrow(sinkConfigDef(), config, sinkCrossKeyProblems(config));
    this.#settings = connectionSettings(v, config, sinkConfigDef());
    const dialect = this.#settings.dialect;
    this.#maxRetries = v[K.MAX_RETRIES] as number;
    this.#remainingRetries = this.#maxRetries;
    this.#retryBackoffMs = v[K.RETRY_BACKOFF] as number;
    const zone = Zone.of(String(v[DB_TIMEZONE]));
    const structure = new DbStructure(dialect, {
      autoCreate: v[K.AUTO_CREATE] as boolean,
      autoEvolve: v[K.AUTO_EVOLVE] as boolean,
      tableTypes: v[TABLE_TYPES] as string[],
      maxRetries: this.#maxRetries,
    });
    this.#writer = new JdbcWriter(dialect, structure, {
      insertMode: String(v[K.INSERT_MODE]).toLowerCase() as InsertMode,
      batchSize: v[K.BATCH_SIZE] as number,
      deleteEnabled: v[K.DELETE_ENABLED] as boolean,
      tableNameFormat: String(v[K.TABLE_NAME_FORMAT]),
      shape: {
        pkMode: String(v[K.PK_MODE]).toLowerCase() as PkMode,
        pkFields: (v[K.PK_FIELDS] as string[]).filter((s) => s !== ''),
        fieldsWhitelist: (v[K.FIELDS_WHITELIST] as string[]).filter((s) => s !== ''),
        replaceNullWithDefault: v[K.REPLACE_NULL_WITH_DEFAULT] as boolean,
        stringValueColumn: String(v[K.STRING_OUTPUT_COLUMN]),
        timestampFields: new Set((v[K.TIMESTAMP_FIELDS_LIST] as string[]).filter((s) => s !== '')),
        timestampPrecision: v[K.TIMESTAMP_PRECISION_MODE] as 'microseconds' | 'nanoseconds',
      },
      encode: { zone, dateZone: v[K.DATE_TIMEZONE] === 'UTC' ? Zone.UTC : zone },
      redact: v[K.TRIM_SENSITIVE_LOG] as boolean,
      useCopy: true,
    });
    this.#session = await openSession(this.#settings);
  }

  async #ensureSession(): Promise<Session> {
    if (this.#session && !this.#session.broken) return this.#session;
    await this.#closeSession();
    this.#writer!.reset();
    this.#session = await openSession(this.#settings!);
    return this.#session;
  }

  async #closeSession(): Promise<void> {
    const s = this.#session;
    this.#session = null;
    if (s) await s.close().catch(() => {});
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    if (records.length === 0) return;
    const reporter = this.context.errantRecordReporter;
    try {
      const session = await this.#ensureSession();
      await this.#writer!.write(session, records, reporter);
      this.#remainingRetries = this.#maxRetries;
    } catch (e) {
      // A record the database or the checks refused, without a reporter: retrying cannot help.
      if (e instanceof DataException || e instanceof SinkConfigurationError) throw e;
      await this.#closeSession();
      this.#writer!.reset();
      if (this.#remainingRetries > 0) {
        this.#remainingRetries--;
        this.context.timeout(this.#retryBackoffMs);
        throw new RetriableException(
          `JDBC sink: writing ${records.length} record(s) failed, ${this.#remainingRetries} retr${this.#remainingRetries === 1 ? 'y' : 'ies'} left: ${describeDbError(e)}`,
          { cause: e },
        );
      }
      if (reporter) {
        // Retries exhausted: write what can be written, one record at a time, and report the rest.
        for (const r of records) {
          try {
            await this.#writer!.write(await this.#ensureSession(), [r], reporter);
          } catch (err) {
            await reporter.report(r, err instanceof Error ? err : new Error(String(err)));
            await this.#closeSession();
          }
        }
        this.#remainingRetries = this.#maxRetries;
        return;
      }
      throw new ConnectException(`JDBC sink: exceeded max.retries=${this.#maxRetries} writing ${records.length} record(s): ${describeDbError(e)}`, { cause: e });
    }
  }

  /** Every put commits its own transaction: nothing is buffered between puts. */
  override flush(_offsets: TopicPartitionOffsets): void {}

  async stop(): Promise<void> {
    await this.#closeSession();
  }
}
