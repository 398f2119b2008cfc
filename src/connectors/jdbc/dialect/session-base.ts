/**
 * What a PostgreSQL and a MySQL session share: one driver connection with a Kysely instance bound to it, the
 * "broken" flag (set when the connection reports an error or ends, or a statement fails for a connection reason),
 * statements through Kysely, an idempotent close, and the set-up statements a new session runs before use.
 */
import { CompiledQuery, type Kysely } from 'kysely';
import type { Dialect, QueryResult, RowCursor, Session } from './dialect.js';

/** The driver connection's events the session listens to (pg.Client and mysql2's Connection both emit them). */
export interface ConnectionEvents {
  on(event: 'error' | 'end', listener: () => void): unknown;
}

export abstract class DriverSession implements Session {
  readonly dialect: Dialect;
  readonly db: Kysely<any>;
  abstract readonly copyIn: ((sql: string, chunks: Iterable<string>) => Promise<number>) | null;
  readonly #isConnectionError: (e: unknown) => boolean;
  #broken = false;
  #closed = false;

  protected constructor(dialect: Dialect, db: Kysely<any>, connection: ConnectionEvents, isConnectionError: (e: unknown) => boolean) {
    this.dialect = dialect;
    this.db = db;
    this.#isConnectionError = isConnectionError;
    connection.on('error', () => this.markBroken());
    connection.on('end', () => this.markBroken());
  }

  get broken(): boolean {
    return this.#broken;
  }

  protected markBroken(): void {
    this.#broken = true;
  }

  /** Marks the session broken when `e` means the connection is gone (the caller rethrows `e`). */
  protected noteFailure(e: unknown): void {
    if (this.#isConnectionError(e)) this.#broken = true;
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<QueryResult> {
    try {
      const r = await this.db.executeQuery(CompiledQuery.raw(sql, [...params]));
      return { rows: r.rows as Record<string, unknown>[], affected: Number(r.numAffectedRows ?? 0n) };
    } catch (e) {
      this.noteFailure(e);
      throw e;
    }
  }

  abstract describeQuery(sql: string, params?: readonly unknown[]): Promise<unknown[]>;
  abstract openCursor(sql: string, params: readonly unknown[], fetchSize: number): Promise<RowCursor>;

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#broken = true;
    await this.closeConnection();
  }

  /** Ends the driver connection; never rejects. */
  protected abstract closeConnection(): Promise<void>;
}

/** Runs a new session's set-up statements (nulls skipped); a session whose set-up fails is closed, never leaked. */
export async function setUpSession(session: Session, statements: ReadonlyArray<string | null>): Promise<Session> {
  try {
    for (const sql of statements) if (sql) await session.execute(sql);
  } catch (e) {
    await session.close();
    throw e;
  }
  return session;
}
