/**
 * Warnings from the JDBC connectors. Plugins cannot import the runtime's logger, so warnings go to stderr as one
 * line each (the worker captures stderr); `SLUICE_JDBC_QUIET=1` silences them (tests).
 */
export function warn(message: string): void {
  if (process.env.SLUICE_JDBC_QUIET === '1') return;
  process.stderr.write(`WARN ${message}\n`);
}
