/** The logging the actors and the worker need; a pino logger fits it as is. */
export interface Log {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

const noop = (): void => {};
export const silentLog: Log = { debug: noop, info: noop, warn: noop, error: noop };
