/**
 * `/admin/loggers` (KIP-495): Kafka Connect's logger levels API over Sluice's logging. `root` is the worker's
 * logger (a pino logger's `level`); other names follow Kafka's rules (setting a namespace also sets every known
 * logger below it; the list holds root plus every logger given a level) and take effect on the lines they name:
 *
 *   - a line's `logger` field (a dotted name, as log4j's logger of a class),
 *   - the connector a line is about (a `connector` field, or a task id `{connector, task}`), by its name,
 *   - and by its connector class's dotted name, so `io.confluent.connect.jdbc` or `io.sluice.connect.datagen`
 *     covers every connector of that plugin.
 *
 * The first of these with a level (set on the name itself or an ancestor namespace, log4j's effective level)
 * decides; otherwise root does. Named levels need a logger made by `sluice` (src/cli/logger.ts), which lets
 * LoggerLevels filter each line (NAMED_LEVELS); with any other logger only root takes effect.
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

/** pino's numeric levels. */
const PINO_VALUES: Readonly<Record<string, number>> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

/**
 * Where a logger made by `sluice` takes its per-line filter: `filter` is asked for every line that passed the
 * logger's own level, with the line's fields and pino's numeric level.
 */
export const NAMED_LEVELS = Symbol.for('sluice.namedLevels');
export interface LineFilterSlot {
  filter: ((fields: unknown, level: number) => boolean) | null;
}

export interface LoggerLevelsOptions {
  readonly now?: () => number;
  /** The connector class of a connector (its full class name), for class-namespace loggers. */
  readonly classOf?: (connector: string) => string | undefined;
}

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
  readonly #slot: LineFilterSlot | null;
  readonly #now: () => number;
  readonly #classOf: (connector: string) => string | undefined;
  #rootLevel: string;
  #rootModified: number | null = null;
  readonly #named = new Map<string, { level: string; modified: number | null }>();

  /** `options` may be just the clock (tests). */
  constructor(root: unknown, options: LoggerLevelsOptions | (() => number) = {}) {
    if (typeof options === 'function') options = { now: options };
    this.#root = isLevelled(root) ? root : null;
    const slot = this.#root ? (this.#root as { [NAMED_LEVELS]?: LineFilterSlot })[NAMED_LEVELS] : undefined;
    this.#slot = slot ?? null;
    this.#now = options.now ?? Date.now;
    this.#classOf = options.classOf ?? (() => undefined);
    this.#rootLevel = this.#root ? (FROM_PINO[this.#root.level] ?? this.#root.level.toUpperCase()) : 'INFO';
  }

  /** `GET /admin/loggers`: root and every logger with a level, sorted by name. */
  all(): Record<string, LoggerLevel> {
    const entries: Array<[string, LoggerLevel]> = [[ROOT_LOGGER, { level: this.#rootLevel, last_modified: this.#rootModified }]];
    for (const [name, l] of this.#named) entries.push([name, { level: l.level, last_modified: l.modified }]);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries);
  }

  /** `GET /admin/loggers/{name}`; null when no such logger is known. */
  get(name: string): LoggerLevel | null {
    if (name.toLowerCase() === ROOT_LOGGER) return { level: this.#rootLevel, last_modified: this.#rootModified };
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

  /** The level set on `name` or its nearest ancestor namespace, if any. */
  #effective(name: string): string | undefined {
    return (this.#named.get(name) ?? this.#ancestor(name))?.level;
  }

  /** The level that decides for a line with these fields (log4j names). */
  levelOfLine(fields: unknown): string {
    if (this.#named.size > 0 && typeof fields === 'object' && fields !== null) {
      const f = fields as { logger?: unknown; connector?: unknown; task?: { connector?: unknown } | null };
      const names: string[] = [];
      if (typeof f.logger === 'string') names.push(f.logger);
      // A task's lines name its connector, or carry the task id {connector, task}.
      const connector = typeof f.connector === 'string' ? f.connector : typeof f.task?.connector === 'string' ? f.task.connector : undefined;
      if (connector !== undefined) {
        names.push(connector);
        const cls = this.#classOf(connector);
        if (cls) names.push(cls);
      }
      for (const n of names) {
        const level = this.#effective(n);
        if (level) return level;
      }
    }
    return this.#rootLevel;
  }

  /** `PUT /admin/loggers/{namespace}` (worker scope): the names of the loggers changed, sorted. */
  set(namespace: string, level: unknown): string[] {
    if (typeof level !== 'string') throw new RestError(400, "Desired 'level' parameter was not specified in request.");
    const upper = level.toUpperCase();
    const pino = LEVELS[upper];
    if (!pino) throw new RestError(404, `invalid log level '${level}'.`);
    const at = this.#now();
    const affected: string[] = [];
    if (namespace.toLowerCase() === ROOT_LOGGER) {
      this.#rootLevel = upper;
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
    this.#apply();
    return affected.sort();
  }

  /**
   * The logger lets through the most verbose level any logger has; the line filter then holds each line to the
   * level that decides for it. Without the filter slot only root can take effect.
   */
  #apply(): void {
    if (!this.#root) return;
    if (!this.#slot) {
      this.#root.level = LEVELS[this.#rootLevel]!;
      return;
    }
    const levels = [this.#rootLevel, ...[...this.#named.values()].map((l) => l.level)].map((l) => LEVELS[l]!);
    this.#root.level = levels.reduce((a, b) => (PINO_VALUES[b]! < PINO_VALUES[a]! ? b : a));
    this.#slot.filter = this.#named.size === 0 ? null : (fields, value) => value >= PINO_VALUES[LEVELS[this.levelOfLine(fields)]!]!;
  }
}
