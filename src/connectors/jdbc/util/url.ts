/**
 * `connection.url` parsing: JDBC URLs (`jdbc:postgresql://h:5432/db?user=u&ssl=true`, `jdbc:mysql://…`,
 * `jdbc:mariadb://…`, `jdbc:postgresql:db`) and native URLs (`postgres://u:p@h/db`, `mysql://…`, `mariadb://…`).
 * JDBC-only driver flags (`reWriteBatchedInserts`, `useCursorFetch`, …) are accepted and ignored: batching and
 * cursors are always on here.
 */

export type DatabaseKind = 'postgresql' | 'mysql';

export interface ConnectionSpec {
  kind: DatabaseKind;
  /** The sub-protocol as written: postgresql, mysql, mariadb. */
  protocol: string;
  host: string;
  port: number;
  database: string | null;
  user: string | null;
  password: string | null;
  /** URL query parameters (and `;k=v` segments), keys as written. */
  params: Record<string, string>;
}

const DEFAULT_PORTS: Record<DatabaseKind, number> = { postgresql: 5432, mysql: 3306 };

function kindOf(protocol: string): DatabaseKind | null {
  switch (protocol.toLowerCase()) {
    case 'postgresql':
    case 'postgres':
    case 'pgsql':
      return 'postgresql';
    case 'mysql':
    case 'mariadb':
      return 'mysql';
    default:
      return null;
  }
}

export class UrlException extends Error {
  override readonly name = 'UrlException';
}

/** Parses a connection URL; throws a UrlException with the reason (never echoing a password). */
export function parseConnectionUrl(url: string): ConnectionSpec {
  const raw = url.trim();
  if (raw === '') throw new UrlException('connection.url is empty');
  let rest = raw;
  if (/^jdbc:/i.test(rest)) rest = rest.slice(5);
  const pm = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/s.exec(rest);
  if (!pm) throw new UrlException(`Cannot parse connection URL '${redactUrl(raw)}': expected jdbc:postgresql://…, jdbc:mysql://…, jdbc:mariadb://… or a native URL`);
  let protocol = pm[1]!;
  let body = pm[2]!;
  // jdbc:mysql:loadbalance://…, jdbc:mariadb:replication://… — take the first host.
  const sub = /^([a-z]+):(\/\/.*)$/i.exec(body);
  if (sub) body = sub[2]!;
  const kind = kindOf(protocol);
  if (!kind) {
    throw new UrlException(`Unsupported database in connection URL '${redactUrl(raw)}': '${protocol}'. Supported: postgresql, mysql, mariadb`);
  }
  protocol = protocol.toLowerCase();

  const params: Record<string, string> = {};
  let user: string | null = null;
  let password: string | null = null;
  let host = 'localhost';
  let port = DEFAULT_PORTS[kind];
  let database: string | null = null;

  // Query string (and SQL Server style ;k=v segments some users copy around).
  let query = '';
  const q = body.indexOf('?');
  if (q >= 0) {
    query = body.slice(q + 1);
    body = body.slice(0, q);
  }
  for (const pair of query.split(/[&;]/)) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const k = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
    const v = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
    params[k] = v;
  }

  if (body.startsWith('//')) {
    body = body.slice(2);
    const slash = body.indexOf('/');
    let authority = slash >= 0 ? body.slice(0, slash) : body;
    const path = slash >= 0 ? body.slice(slash + 1) : '';
    const at = authority.lastIndexOf('@');
    if (at >= 0) {
      const cred = authority.slice(0, at);
      authority = authority.slice(at + 1);
      const colon = cred.indexOf(':');
      user = decodeURIComponent(colon >= 0 ? cred.slice(0, colon) : cred);
      if (colon >= 0) password = decodeURIComponent(cred.slice(colon + 1));
    }
    // Several hosts (failover lists): the first one.
    const first = authority.split(',')[0] ?? '';
    // A bracketed IPv6 literal, or a host name without brackets, spaces or other URL delimiters.
    const hm = /^(\[[0-9A-Fa-f:.%\w]+\]|[^:[\]\s/?#@]*)(?::(\d+))?$/.exec(first);
    if (!hm) {
      throw new UrlException(`Cannot parse host in connection URL '${redactUrl(raw)}': '${first}' is not a host name, host:port or [IPv6]:port`);
    }
    if (hm[1]) host = hm[1].replace(/^\[|\]$/g, '');
    if (hm[2]) port = Number(hm[2]);
    if (path !== '') database = decodeURIComponent(path.split(/[;/]/)[0]!);
  } else if (body !== '') {
    // jdbc:postgresql:database
    database = decodeURIComponent(body);
  }

  // Credentials given as URL parameters.
  if (params.user !== undefined) user = params.user;
  if (params.password !== undefined) password = params.password;
  if (kind === 'postgresql' && params.PGHOST) host = params.PGHOST;
  if (kind === 'postgresql' && params.PGPORT) port = Number(params.PGPORT);
  if (kind === 'postgresql' && params.PGDBNAME) database = params.PGDBNAME;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new UrlException(`Invalid port in connection URL '${redactUrl(raw)}'`);
  return { kind, protocol, host, port, database, user, password, params };
}

/** The URL with any password (in the authority or as a parameter) replaced by `****`. */
export function redactUrl(url: string): string {
  return url
    .replace(/(\/\/[^/:@]*:)[^@/]*@/, '$1****@')
    .replace(/([?&;]password=)[^&;]*/gi, '$1****');
}

/** Case-insensitive parameter lookup. */
export function urlParam(spec: ConnectionSpec, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(spec.params)) if (k.toLowerCase() === lower) return v;
  return undefined;
}
