/** Which PostgreSQL driver errors mean the connection is gone (retried with a new session). No driver import. */
export function isPgConnectionError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: string }).code;
  if (typeof code === 'string') {
    if (/^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|ECONNABORTED)$/.test(code)) return true;
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return true;
  }
  return /Connection terminated|Client has encountered a connection error|not queryable|Connection ended/i.test(e.message);
}
