/** Logging for `sluice run`: pino JSON lines, or (under the live view) the last warnings kept for display. */
import { pino, type Logger } from 'pino';
import type { LogLevel } from './args.js';
import { NAMED_LEVELS, type LineFilterSlot } from '../rest/loggers.js';

/**
 * An error's message followed by each cause's message the text does not hold yet. pino's own serializer appends
 * every cause, but our errors already end with their cause's message ("could not start: ECONNREFUSED"), so its
 * lines read "X: X".
 */
export function messageWithNewCauses(err: Error): string {
  let text = err.message;
  const seen = new Set<unknown>([err]);
  for (let cause = err.cause; cause instanceof Error && !seen.has(cause) && seen.size < 10; cause = cause.cause) {
    seen.add(cause);
    if (cause.message && !text.includes(cause.message)) text += `: ${cause.message}`;
  }
  return text;
}

/** pino's error serializer (type, stack with causes, own fields), with the message of `messageWithNewCauses`. */
export function serializeError(err: unknown): unknown {
  const out = pino.stdSerializers.err(err as Error) as unknown;
  if (err instanceof Error && typeof out === 'object' && out !== null) (out as { message: string }).message = messageWithNewCauses(err);
  return out;
}

const serializers = { err: serializeError };

/**
 * JSON log lines on `fd` (1 = stdout), written synchronously so nothing is lost at exit. `/admin/loggers` can hold
 * each line to the level of the named logger it belongs to (src/rest/loggers.ts) through its filter slot.
 */
export function jsonLogger(level: LogLevel, fd = 1): Logger {
  const slot: LineFilterSlot = { filter: null };
  const logger = pino(
    {
      level,
      base: { pid: process.pid },
      serializers,
      hooks: {
        logMethod(args, method, levelValue) {
          if (slot.filter && !slot.filter(args[0], levelValue)) return;
          method.apply(this, args);
        },
      },
    },
    pino.destination({ dest: fd, sync: true }),
  );
  Object.defineProperty(logger, NAMED_LEVELS, { value: slot });
  return logger;
}

/** The last few log lines, formatted for the live view. */
export class RecentLog {
  readonly lines: string[] = [];
  constructor(private readonly keep = 5) {}

  /** pino destination: one JSON line per call. */
  write(line: string): void {
    let entry: { level?: number; time?: number; msg?: string; connector?: string; task?: number; err?: { message?: string } };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      return;
    }
    const level = pino.levels.labels[entry.level ?? 30]?.toUpperCase() ?? 'INFO';
    const time = new Date(entry.time ?? Date.now()).toISOString().slice(11, 19);
    const where = entry.connector !== undefined ? ` [${entry.connector}${entry.task !== undefined ? `-${entry.task}` : ''}]` : '';
    const err = entry.err?.message ? `: ${entry.err.message.split('\n')[0]}` : '';
    this.lines.push(`${time} ${level}${where} ${entry.msg ?? ''}${err}`);
    if (this.lines.length > this.keep) this.lines.shift();
  }
}

/** A logger whose lines go to `recent` (warnings and errors by default: the live view has no room for more). */
export function recentLogger(level: LogLevel, recent: RecentLog): Logger {
  const effective = level === 'info' || level === 'debug' || level === 'trace' ? 'warn' : level;
  return pino({ level: effective, base: null, serializers }, recent);
}
