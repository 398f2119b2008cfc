/** Logging for `sluice run`: pino JSON lines, or (under the live view) the last warnings kept for display. */
import { pino, type Logger } from 'pino';
import type { LogLevel } from './args.js';

/** JSON log lines on `fd` (1 = stdout), written synchronously so nothing is lost at exit. */
export function jsonLogger(level: LogLevel, fd = 1): Logger {
  return pino({ level, base: { pid: process.pid } }, pino.destination({ dest: fd, sync: true }));
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
  return pino({ level: effective, base: null }, recent);
}
