/** What the CLI touches of the process, so commands can be driven from tests. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** File descriptor behind stdout, for pino's synchronous destination. */
  readonly stdoutFd: number;
  readonly stderr: { write(text: string): unknown };
  /** Calls `handler` on SIGTERM and SIGINT; returns a function that removes the handlers. */
  onSignal(handler: (signal: NodeJS.Signals) => void): () => void;
  /** Calls `handler` on SIGHUP (which then no longer ends the process); returns a function that removes it. */
  onHangup?(handler: () => void): () => void;
  exit(code: number): never;
}

export const processIo: CliIo = {
  stdout: process.stdout,
  stdoutFd: 1,
  stderr: process.stderr,
  onSignal(handler) {
    const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];
    for (const s of signals) process.on(s, handler);
    return () => {
      for (const s of signals) process.off(s, handler);
    };
  },
  onHangup(handler) {
    process.on('SIGHUP', handler);
    return () => process.off('SIGHUP', handler);
  },
  exit: (code) => process.exit(code),
};
