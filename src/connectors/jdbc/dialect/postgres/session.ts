/**
 * A PostgreSQL session: one pg.Client with kysely's PostgresDialect bound to it, rows streamed by pg-cursor and
 * COPY … FROM STDIN through pg-copy-streams. Sessions run with TimeZone=UTC, DateStyle=ISO and bytea_output=hex,
 * and every value arrives as text (no pg type parsers): the dialect converts it exactly.
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import Cursor from 'pg-cursor';
import { from as copyFrom } from 'pg-copy-streams';
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import { urlParam, type ConnectionSpec } from '../../util/url.js';
import type { Dialect, RowCursor, Session, SessionOptions } from '../dialect.js';
import { DriverSession, setUpSession } from '../session-base.js';
import { isPgConnectionError } from './connection-errors.js';
export { isPgConnectionError };

/** Every value as the text PostgreSQL sent: the dialect parses it. */
const RAW_TYPES = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;

/** Settings every session starts with (`-c` options of the startup packet). */
const SESSION_SETTINGS = ['TimeZone=UTC', 'DateStyle=ISO', 'IntervalStyle=postgres', 'bytea_output=hex', 'extra_float_digits=1'];

/**
 * Opens a session per the URL's parameters and `connection.*` driver properties (pgjdbc's names: `currentSchema`,
 * `ssl`/`sslmode`/`sslfactory`, `ApplicationName`, `connectTimeout`/`loginTimeout` in seconds, `tcpKeepAlive`).
 */
export async function connectPostgres(
  dialect: Dialect, spec: ConnectionSpec, user: string | null, password: string | null, options: SessionOptions,
): Promise<Session> {
  const settings = [...SESSION_SETTINGS];
  const currentSchema = urlParam(spec, 'currentSchema');
  if (currentSchema) settings.push(`search_path=${currentSchema}`);
  const connectTimeout = Number(urlParam(spec, 'connectTimeout') ?? urlParam(spec, 'loginTimeout') ?? 10);
  const client = new pg.Client({
    host: spec.host,
    port: spec.port,
    database: spec.database ?? undefined,
    user: user ?? spec.user ?? undefined,
    password: password ?? spec.password ?? undefined,
    ssl: sslOptions(spec),
    application_name: urlParam(spec, 'ApplicationName') ?? options.applicationName ?? 'sluice-jdbc',
    options: settings.map((s) => `-c ${s.replace(/([ \\])/g, '\\$1')}`).join(' '),
    connectionTimeoutMillis: connectTimeout > 0 ? connectTimeout * 1000 : 0,
    keepAlive: urlParam(spec, 'tcpKeepAlive') === 'true',
    types: RAW_TYPES,
  });
  await client.connect();
  return setUpSession(new PgSession(dialect, client), [options.isolationLevel ? dialect.isolationSql(options.isolationLevel) : null]);
}

function sslOptions(spec: ConnectionSpec): pg.ClientConfig['ssl'] {
  const sslmode = urlParam(spec, 'sslmode');
  const sslFlag = urlParam(spec, 'ssl');
  if (sslmode && sslmode !== 'disable' && sslmode !== 'allow' && sslmode !== 'prefer') {
    return { rejectUnauthorized: sslmode === 'verify-full' || sslmode === 'verify-ca' };
  }
  if (sslFlag === 'true' || sslFlag === '') {
    return { rejectUnauthorized: urlParam(spec, 'sslfactory') !== 'org.postgresql.ssl.NonValidatingFactory' };
  }
  return undefined;
}

/** kysely over the one client: a "pool" that always hands out this client and never releases it. */
function kyselyOver(client: pg.Client): Kysely<any> {
  const poolClient = {
    query: (...args: unknown[]) => (client.query as (...a: unknown[]) => unknown)(...args),
    release: () => {},
  } as unknown as PostgresPoolClient;
  const pool: PostgresPool = { connect: async () => poolClient, end: async () => {} };
  return new Kysely<any>({ dialect: new PostgresDialect({ pool, cursor: Cursor }) });
}

class PgSession extends DriverSession {
  readonly client: pg.Client;

  constructor(dialect: Dialect, client: pg.Client) {
    super(dialect, kyselyOver(client), client, isPgConnectionError);
    this.client = client;
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
    const fetch = (n: number): Promise<unknown[][]> => new Promise((resolve, reject) => {
      cursor.read(n, (err, rows, result) => {
        if (err) {
          this.noteFailure(err);
          reject(err);
          return;
        }
        if (result?.fields) fields = result.fields;
        resolve(rows as unknown as unknown[][]);
      });
    });
    const session = this;
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
        if (session.broken) return;
        await cursor.close();
      },
    };
  }

  readonly copyIn = async (sql: string, chunks: Iterable<string>): Promise<number> => {
    const stream = this.client.query(copyFrom(sql));
    try {
      await pipeline(Readable.from(chunks, { objectMode: false }), stream);
    } catch (e) {
      this.noteFailure(e);
      throw e;
    }
    return stream.rowCount;
  };

  protected async closeConnection(): Promise<void> {
    await this.client.end().catch(() => {});
  }
}
