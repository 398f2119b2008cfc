/**
 * `/admin/loggers` (KIP-495): Kafka Connect's logger levels API over Sluice's logging. `root` is the worker's
 * logger (a pino logger's `level` is changed); other names are kept with their level and last-modified time, so
 * tools that set and read them work, and they follow Kafka's rules (setting a namespace also sets every known
 * logger below it; the list holds root plus every logger given a level).
 */
import { RestError } from './errors.js';

export const ROOT_LOGGER = 'root';

/** Log4j's level names (upper case) → pino's. */
const LEVELS: Readonly<Record<string, string>> = {
  OFF: 'silent',
  FATAL: 'fatal',
  ERROR: 'error',
  WARN: 'warn',
  INFO: 'info',
  DEBUG: 'debug',
  TRACE: 'trace',
  ALL: 'trace',
};
const FROM_PINO: Readonly<Record<string, string>> = {
  silent: 'OFF', fatal: 'FATAL', error: 'ERROR', warn: 'WARN', info: 'INFO', debug: 'DEBUG', trace: 'TRACE',
};

export interface LoggerLevel {
  readonly level: string;
  readonly last_modified: number | null;
}

/** The part of a pino logger used here. */
export interface LevelledLog {
  level: string;
}

function isLevelled(log: unknown): log is LevelledLog {
  return typeof log === 'object' && log !== null && typeof (log as { level?: unknown }).level === 'string';
}

export class LoggerLevels {
  readonly #root: LevelledLog | null;
  #rootFallback = 'INFO';
  #rootModified: number | null = null;
  readonly #named = new Map<string, { level: string; modified: number | null }>();

  constructor(root: unknown, private readonly now: () => number = Date.now) {
    this.#root = isLevelled(root) ? root : null;
  }

  #rootLevel(): string {
    if (this.#root) return FROM_PINO[this.#root.level] ?? this.#root.level.toUpperCase();
    return this.#rootFallback;
  }

  /** `GET /admin/loggers`: root and every logger with a level, sorted by name. */
  all(): Record<string, LoggerLevel> {
    const entries: Array<[string, LoggerLevel]> = [[ROOT_LOGGER, { level: this.#rootLevel(), last_modified: this.#rootModified }]];
    for (const [name, l] of this.#named) entries.push([name, { level: l.level, last_modified: l.modified }]);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries);
  }

  /** `GET /admin/loggers/{name}`; null when no such logger is known. */
  get(name: string): LoggerLevel | null {
    if (name.toLowerCase() === ROOT_LOGGER) return { level: this.#rootLevel(), last_modified: this.#rootModified };
    const l = this.#named.get(name);
    if (l) return { level: l.level, last_modified: l.modified };
    // A logger below a set namespace inherits its level (log4j's effective level).
    const parent = this.#ancestor(name);
    return parent ? { level: parent.level, last_modified: null } : null;
  }

  #ancestor(name: string): { level: string } | undefined {
    let n = name;
    for (let i = n.lastIndexOf('.'); i > 0; i = n.lastIndexOf('.')) {
      n = n.slice(0, i);
      const l = this.#named.get(n);
      if (l) return l;
    }
    return undefined;
  }

  /** `PUT /admin/loggers/{namespace}` (worker scope): the names of the loggers changed, sorted. */
  set(namespace: string, level: unknown): string[] {
    if (typeof level !== 'string') throw new RestError(400, "Desired 'level' parameter was not specified in request.");
    const upper = level.toUpperCase();
    const pino = LEVELS[upper];
    if (!pino) throw new RestError(404, `invalid log level '${level}'.`);
    const at = this.now();
    const affected: string[] = [];
    if (namespace.toLowerCase() === ROOT_LOGGER) {
      if (this.#root) this.#root.level = pino;
      else this.#rootFallback = upper;
      this.#rootModified = at;
      for (const [name, l] of this.#named) {
        l.level = upper;
        l.modified = at;
        affected.push(name);
      }
      affected.push(ROOT_LOGGER);
    } else {
      this.#named.set(namespace, { level: upper, modified: at });
      affected.push(namespace);
      for (const [name, l] of this.#named) {
        if (name !== namespace && name.startsWith(`${namespace}.`)) {
          l.level = upper;
          l.modified = at;
          affected.push(name);
        }
      }
    }
    return affected.sort();
  }
}
