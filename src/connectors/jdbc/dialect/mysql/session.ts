/**
 * A MySQL / MariaDB session: one mysql2 connection (callback API) with kysely's MysqlDialect bound to it, rows
 * streamed with mysql2's query streams (the socket pauses while the consumer is behind, so a big table never sits
 * in memory — what Connector/J only does with `useCursorFetch`). Sessions run with time_zone '+00:00'; BIGINT,
 * DECIMAL and all dates arrive as text.
 */
import mysql from 'mysql2';
import { Kysely, MysqlDialect, type MysqlPool, type MysqlPoolConnection } from 'kysely';
import { settlesWithin } from '../../../api/index.js';
import { urlParam, type ConnectionSpec } from '../../util/url.js';
import type { Dialect, RowCursor, Session, SessionOptions } from '../dialect.js';
import { DriverSession, setUpSession } from '../session-base.js';
import { isMyConnectionError } from './connection-errors.js';
export { isMyConnectionError };

/** How long a closing session waits for the server's goodbye before it drops the socket. */
const CLOSE_GRACE_MS = 2000;

/**
 * Opens a session per the URL's parameters and `connection.*` driver properties (Connector/J's names: `useSSL`/
 * `sslMode`, `verifyServerCertificate`, `connectTimeout` in ms, `tcpKeepAlive`).
 */
export async function connectMySql(
  dialect: Dialect, spec: ConnectionSpec, user: string | null, password: string | null, options: SessionOptions,
): Promise<Session> {
  const useSsl = urlParam(spec, 'useSSL') ?? urlParam(spec, 'useSsl') ?? urlParam(spec, 'sslMode');
  const ssl = useSsl && !/^(false|disabled)$/i.test(useSsl)
    ? { rejectUnauthorized: /^(verify_ca|verify_identity)$/i.test(useSsl) || urlParam(spec, 'verifyServerCertificate') === 'true' }
    : undefined;
  const connectTimeout = Number(urlParam(spec, 'connectTimeout') ?? 10_000);
  const conn = mysql.createConnection({
    host: spec.host,
    port: spec.port,
    database: spec.database ?? undefined,
    user: user ?? spec.user ?? undefined,
    password: password ?? spec.password ?? undefined,
    ssl,
    charset: 'UTF8MB4_GENERAL_CI',
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    decimalNumbers: false,
    jsonStrings: true,
    connectTimeout: connectTimeout > 0 ? connectTimeout : 10_000,
    enableKeepAlive: urlParam(spec, 'tcpKeepAlive') === 'true',
  });
  await new Promise<void>((resolve, reject) => {
    conn.connect((err) => (err ? reject(err) : resolve()));
  });
  return setUpSession(new MySession(dialect, conn), [
    "SET time_zone = '+00:00'",
    options.isolationLevel ? dialect.isolationSql(options.isolationLevel) : null,
  ]);
}

/** kysely over the one connection: a "pool" that always hands out this connection and never releases it. */
function kyselyOver(conn: mysql.Connection): Kysely<any> {
  const poolConn = {
    query: (...args: unknown[]) => (conn.query as (...a: unknown[]) => unknown)(...args),
    release: () => {},
  } as unknown as MysqlPoolConnection;
  const pool: MysqlPool = {
    getConnection: (cb) => cb(null, poolConn),
    end: (cb) => cb(null),
  };
  return new Kysely<any>({ dialect: new MysqlDialect({ pool }) });
}

class MySession extends DriverSession {
  readonly conn: mysql.Connection;
  readonly copyIn = null;

  constructor(dialect: Dialect, conn: mysql.Connection) {
    super(dialect, kyselyOver(conn), conn, isMyConnectionError);
    this.conn = conn;
  }

  describeQuery(sql: string, params: readonly unknown[] = []): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      this.conn.query({ sql, rowsAsArray: true }, [...params], (err, _rows, fields) => {
        if (err) {
          this.noteFailure(err);
          reject(err);
        } else resolve((fields ?? []) as unknown[]);
      });
    });
  }

  async openCursor(sql: string, params: readonly unknown[], fetchSize: number): Promise<RowCursor> {
    const query = this.conn.query({ sql, rowsAsArray: true }, [...params]);
    const stream = query.stream({ highWaterMark: Math.max(16, fetchSize) });
    let fields: unknown[] = [];
    stream.on('fields', (f: unknown[]) => {
      fields = f;
    });
    const it = stream[Symbol.asyncIterator]() as AsyncIterator<unknown[]>;
    let done = false;
    const session = this;
    return {
      get fields() {
        return fields;
      },
      async read(n: number): Promise<unknown[][]> {
        const out: unknown[][] = [];
        while (!done && out.length < n) {
          let r: IteratorResult<unknown[]>;
          try {
            r = await it.next();
          } catch (e) {
            done = true;
            session.noteFailure(e);
            throw e;
          }
          if (r.done) done = true;
          else out.push(r.value);
        }
        return out;
      },
      async close(): Promise<void> {
        if (!done) {
          // A streaming result cannot be abandoned on the same connection: drop the connection instead.
          done = true;
          session.markBroken();
          stream.destroy();
          session.conn.destroy();
        }
      },
    };
  }

  protected async closeConnection(): Promise<void> {
    const ended = new Promise<void>((resolve) => this.conn.end(() => resolve()));
    if (!(await settlesWithin(ended, CLOSE_GRACE_MS, { unref: true }))) this.conn.destroy();
  }
}
