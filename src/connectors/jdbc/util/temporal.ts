/**
 * Instants with nanosecond fractions (what `java.sql.Timestamp` holds, and what the source offsets `timestamp` +
 * `timestamp_nanos` encode), and the text forms PostgreSQL and MySQL/MariaDB use for dates, times and timestamps.
 */
import { Zone, fieldsFromUtc, utcFromFields, type WallClock } from './zone.js';

const MS_PER_DAY = 86_400_000;

/** A point in time: whole epoch seconds (floor) plus nanoseconds within that second. */
export class Instant {
  readonly seconds: number;
  readonly nanos: number;

  constructor(seconds: number, nanos: number) {
    this.seconds = seconds;
    this.nanos = nanos;
  }

  static fromEpochMs(ms: number, nanosWithinMs = 0): Instant {
    const seconds = Math.floor(ms / 1000);
    const msOfSecond = ms - seconds * 1000;
    return new Instant(seconds, msOfSecond * 1_000_000 + nanosWithinMs);
  }

  static readonly EPOCH = new Instant(0, 0);

  /** Java's `Timestamp.getTime()`: epoch milliseconds, sub-millisecond part dropped. */
  get epochMs(): number {
    return this.seconds * 1000 + Math.floor(this.nanos / 1_000_000);
  }

  toDate(): Date {
    return new Date(this.epochMs);
  }

  compare(other: Instant): number {
    return this.seconds !== other.seconds ? (this.seconds < other.seconds ? -1 : 1) : this.nanos - other.nanos;
  }

  minusMs(ms: number): Instant {
    return Instant.fromEpochMs(this.epochMs - ms, this.nanos % 1_000_000);
  }

  /** Wall-clock fields of this instant in `zone`, micro precision (nanos below a microsecond are dropped). */
  toWall(zone: Zone): WallClock {
    return zone.epochMsToWall(this.epochMs, Math.floor((this.nanos % 1_000_000) / 1000));
  }

  toString(): string {
    return `${formatWall(this.toWall(Zone.UTC), 'T', 9, this.nanos)}Z`;
  }
}

/** The instant of a wall-clock time (with nanos within the second) read in `zone`. */
export function wallToInstant(w: WallClock, nanos: number, zone: Zone): Instant {
  const ms = zone.wallToEpochMs({ ...w, micros: 0 });
  return new Instant(Math.floor(ms / 1000), nanos);
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n));
  return s.length >= width ? s : '0'.repeat(width - s.length) + s;
}

/** `YYYY-MM-DD HH:MM:SS.ffffff` (fraction digits 0..9, trailing digits kept); years ≤ 0 are not handled here. */
export function formatWall(w: WallClock, sep = ' ', fracDigits = 6, nanos?: number): string {
  const base = `${pad(w.year, 4)}-${pad(w.month, 2)}-${pad(w.day, 2)}${sep}${pad(w.hour, 2)}:${pad(w.minute, 2)}:${pad(w.second, 2)}`;
  if (fracDigits === 0) return base;
  const fraction = nanos !== undefined ? pad(nanos, 9) : pad(w.micros, 6) + '000';
  return `${base}.${fraction.slice(0, fracDigits)}`;
}

export function formatDateFields(w: WallClock): string {
  return `${pad(w.year, 4)}-${pad(w.month, 2)}-${pad(w.day, 2)}`;
}

export interface ParsedTimestamp {
  wall: WallClock;
  /** Nanoseconds within the second, from the fraction as written (up to 9 digits). */
  nanos: number;
  /** Seconds east of UTC when the text carried an offset, else null. */
  offsetSeconds: number | null;
}

const TS_RE = /^(\d{4,})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(?:\s*(Z|[+-]\d{2}(?::?\d{2})?(?::?\d{2})?))?( BC)?$/;

/** Parses `2024-01-31 12:34:56.123456`, with an optional `+02`/`+05:30`/`Z` offset and PostgreSQL's ` BC` suffix. */
export function parseTimestampText(text: string): ParsedTimestamp | null {
  const m = TS_RE.exec(text);
  if (!m) return null;
  let year = Number(m[1]);
  if (m[9]) year = 1 - year;
  const frac = m[7] ?? '';
  const nanos = frac === '' ? 0 : Number(frac.padEnd(9, '0'));
  let offsetSeconds: number | null = null;
  if (m[8]) {
    if (m[8] === 'Z') offsetSeconds = 0;
    else {
      const digits = m[8].slice(1).replace(/:/g, '');
      const h = Number(digits.slice(0, 2));
      const mi = Number(digits.slice(2, 4) || 0);
      const s = Number(digits.slice(4, 6) || 0);
      offsetSeconds = (h * 3600 + mi * 60 + s) * (m[8][0] === '-' ? -1 : 1);
    }
  }
  return {
    wall: {
      year,
      month: Number(m[2]),
      day: Number(m[3]),
      hour: Number(m[4] ?? 0),
      minute: Number(m[5] ?? 0),
      second: Number(m[6] ?? 0),
      micros: Math.floor(nanos / 1000),
    },
    nanos,
    offsetSeconds,
  };
}

/** The instant a parsed timestamp denotes: its own offset when it has one, else wall-clock time in `zone`. */
export function parsedToInstant(p: ParsedTimestamp, zone: Zone): Instant {
  if (p.offsetSeconds !== null) {
    const w = p.wall;
    const local = w.year >= 100 ? Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) : utcFromFields(w.year, w.month, w.day, w.hour, w.minute, w.second);
    return new Instant(Math.floor(local / 1000) - p.offsetSeconds, p.nanos);
  }
  return wallToInstant(p.wall, p.nanos, zone);
}

/** `YYYY-MM-DD` (optional ` BC`) → a Date at UTC midnight (Connect's Date). */
export function parseDateText(text: string): Date | null {
  const m = /^(\d{4,})-(\d{2})-(\d{2})( BC)?$/.exec(text);
  if (!m) return null;
  let year = Number(m[1]);
  if (m[4]) year = 1 - year;
  return new Date(utcFromFields(year, Number(m[2]), Number(m[3])));
}

/** `HH:MM:SS[.ffffff]` with an optional offset (`+02`, PostgreSQL timetz) → ms since midnight UTC, or null. */
export function parseTimeText(text: string): { ms: number; micros: number } | null {
  const m = /^(-)?(\d{2,3}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([+-]\d{2}(?::?\d{2})?(?::?\d{2})?)?$/.exec(text);
  if (!m || m[1]) return null;
  const h = Number(m[2]);
  const frac = m[5] ?? '';
  const micros = frac === '' ? 0 : Number(frac.padEnd(6, '0').slice(0, 6));
  let ms = ((h * 60 + Number(m[3])) * 60 + Number(m[4] ?? 0)) * 1000 + Math.floor(micros / 1000);
  if (m[6]) {
    const digits = m[6].slice(1).replace(/:/g, '');
    const off = (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || 0) * 60 + Number(digits.slice(4, 6) || 0)) * 1000;
    ms -= m[6][0] === '-' ? -off : off;
    ms = ((ms % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
  } else if (ms > MS_PER_DAY) {
    return null;
  }
  return { ms, micros: micros % 1000 };
}

/** A Connect Date value (UTC midnight) → `YYYY-MM-DD`. */
export function formatConnectDate(d: Date): string {
  return formatDateFields(fieldsFromUtc(d.getTime()));
}

/** A Connect Time value (ms since midnight) → `HH:MM:SS.fff`. */
export function formatConnectTime(d: Date): string {
  const ms = ((d.getTime() % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
  const w = fieldsFromUtc(ms);
  return `${pad(w.hour, 2)}:${pad(w.minute, 2)}:${pad(w.second, 2)}.${pad(ms % 1000, 3)}`;
}

export { MS_PER_DAY };
