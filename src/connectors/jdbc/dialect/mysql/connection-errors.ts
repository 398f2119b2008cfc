/** Which MySQL/MariaDB driver errors mean the connection is gone (retried with a new session). No driver import. */
export function isMyConnectionError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const x = e as { code?: string; errno?: number; fatal?: boolean };
  if (x.fatal) return true;
  if (x.errno === 2006 || x.errno === 2013 || x.errno === 1927 || x.errno === 4031) return true;
  return typeof x.code === 'string' && /^(PROTOCOL_CONNECTION_LOST|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|PROTOCOL_SEQUENCE_TIMEOUT)$/.test(x.code);
}
