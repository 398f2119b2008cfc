/**
 * Time zones and Joda-Time patterns, as storage-common's TimeBasedPartitioner uses them: `timezone` is a zone
 * id (`America/New_York`, `UTC`) or a fixed offset (`+05:30`); `path.format` is a Joda DateTimeFormat pattern
 * (`'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH`).
 */
import { ConfigException } from '../../api/index.js';

export interface Zone {
  readonly id: string;
  /** Offset from UTC in ms at the instant `utcMs`. */
  offsetAt(utcMs: number): number;
}

const FIXED = /^(?:UTC|GMT|Z)?([+-])(\d{1,2})(?::?(\d{2}))?$/i;
const QUARTER_HOUR = 15 * 60_000;

export function parseZone(id: string, key = 'timezone'): Zone {
  const trimmed = id.trim();
  if (/^(UTC|GMT|Z|Etc\/UTC)$/i.test(trimmed)) return { id: 'UTC', offsetAt: () => 0 };
  const m = FIXED.exec(trimmed);
  if (m) {
    const sign = m[1] === '-' ? -1 : 1;
    const ms = sign * (Number(m[2]) * 3_600_000 + Number(m[3] ?? 0) * 60_000);
    if (Math.abs(ms) > 18 * 3_600_000) throw new ConfigException(key, id, 'offset out of range');
    return { id: trimmed, offsetAt: () => ms };
  }
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: trimmed, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric', era: 'short',
    });
  } catch {
    throw new ConfigException(key, id, 'not a known time zone id (e.g. UTC, America/Los_Angeles) or offset (+05:30)');
  }
  // Offsets change on quarter-hour boundaries at the finest: cache per quarter hour.
  const cache = new Map<number, number>();
  return {
    id: trimmed,
    offsetAt(utcMs: number): number {
      const bucket = Math.floor(utcMs / QUARTER_HOUR);
      const hit = cache.get(bucket);
      if (hit !== undefined) return hit;
      const base = bucket * QUARTER_HOUR;
      const p: Record<string, string> = {};
      for (const part of fmt.formatToParts(new Date(base))) p[part.type] = part.value;
      let year = Number(p['year']);
      if (p['era'] === 'BC' || p['era'] === 'B') year = 1 - year;
      const local = Date.UTC(year, Number(p['month']) - 1, Number(p['day']), Number(p['hour']), Number(p['minute']), Number(p['second']));
      const fixedYear = new Date(local);
      if (year >= 0 && year < 100) fixedYear.setUTCFullYear(year);
      const off = fixedYear.getTime() - base;
      if (cache.size > 4096) cache.clear();
      cache.set(bucket, off);
      return off;
    },
  };
}

/** Joda's `convertLocalToUTC(local, strict=false)`: in a DST gap, western zones use the earlier offset. */
export function localToUtc(local: number, zone: Zone): number {
  const offsetLocal = zone.offsetAt(local);
  const offset = zone.offsetAt(local - offsetLocal);
  if (offsetLocal !== offset && offsetLocal < 0) {
    const utc = local - offset;
    if (utc + zone.offsetAt(utc) !== local) return local - offsetLocal;
  }
  return local - offset;
}

/** TimeBasedPartitioner.getPartition: floor to `durationMs` in local time, back to UTC (Java's truncating division). */
export function partitionStart(durationMs: number, timestamp: number, zone: Zone): number {
  const local = timestamp + zone.offsetAt(timestamp);
  const floored = Math.trunc(local / durationMs) * durationMs + 0; // no -0
  return localToUtc(floored, zone);
}

/** storage-common DateTimeUtils.getNextTimeAdjustedByDay: the next multiple of `periodMs` after `now`, counted from local midnight. */
export function nextTimeAdjustedByDay(now: number, periodMs: number, zone: Zone): number {
  const local = now + zone.offsetAt(now);
  const dayStartLocal = Math.floor(local / 86_400_000) * 86_400_000;
  const startOfDay = localToUtc(dayStartLocal, zone);
  const n = Math.floor((now - startOfDay) / periodMs) + 1;
  return startOfDay + n * periodMs;
}

type Piece = (d: Date, zoneOffsetMs: number) => string;

function pad(n: number, width: number): string {
  const s = String(Math.abs(n));
  return (n < 0 ? '-' : '') + (s.length >= width ? s : '0'.repeat(width - s.length) + s);
}

function names(locale: string, opt: Intl.DateTimeFormatOptions, count: number, make: (i: number) => Date): string[] {
  const f = new Intl.DateTimeFormat(locale, { ...opt, timeZone: 'UTC' });
  return Array.from({ length: count }, (_, i) => f.format(make(i)));
}

/**
 * Compiles a Joda-Time pattern. Supported letters: y Y (year), M (month: 1-2 digits, MMM short, MMMM long
 * name), d, D (day of year), E (day name), e (ISO day of week), H, k, K, h, a, m, s, S (fraction), Z (offset).
 * Text in single quotes is literal; `''` is a quote.
 */
export function compileJodaPattern(pattern: string, locale: string, key = 'path.format'): (utcMs: number, zone: Zone) => string {
  const loc = (locale.trim() || 'en-US').replace(/_/g, '-');
  try {
    new Intl.DateTimeFormat(loc);
  } catch {
    throw new ConfigException('locale', locale, 'not a valid locale (e.g. en-US)');
  }
  const pieces: Piece[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "'") {
      let j = i + 1;
      let lit = '';
      if (pattern[j] === "'") {
        pieces.push(() => "'");
        i += 2;
        continue;
      }
      while (j < pattern.length) {
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            lit += "'";
            j += 2;
            continue;
          }
          break;
        }
        lit += pattern[j];
        j++;
      }
      if (j >= pattern.length) throw new ConfigException(key, pattern, 'unterminated quote');
      pieces.push(() => lit);
      i = j + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(c)) {
      pieces.push(() => c);
      i++;
      continue;
    }
    let n = 1;
    while (pattern[i + n] === c) n++;
    i += n;
    pieces.push(letter(c, n, loc, pattern, key));
  }
  return (utcMs, zone) => {
    const off = zone.offsetAt(utcMs);
    const d = new Date(utcMs + off);
    let s = '';
    for (const p of pieces) s += p(d, off);
    return s;
  };
}

function letter(c: string, n: number, locale: string, pattern: string, key: string): Piece {
  switch (c) {
    case 'y':
    case 'Y':
    case 'x':
      if (n === 2) return (d) => pad(((d.getUTCFullYear() % 100) + 100) % 100, 2);
      return (d) => pad(d.getUTCFullYear(), n);
    case 'M':
      if (n >= 3) {
        const list = names(locale, { month: n === 3 ? 'short' : 'long' }, 12, (m) => new Date(Date.UTC(2000, m, 1)));
        return (d) => list[d.getUTCMonth()]!;
      }
      return (d) => pad(d.getUTCMonth() + 1, n);
    case 'd':
      return (d) => pad(d.getUTCDate(), n);
    case 'D':
      return (d) => pad(Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1, n);
    case 'E': {
      // 2000-01-03 was a Monday; Joda/ISO day 1 = Monday.
      const list = names(locale, { weekday: n >= 4 ? 'long' : 'short' }, 7, (k) => new Date(Date.UTC(2000, 0, 3 + k)));
      return (d) => list[(d.getUTCDay() + 6) % 7]!;
    }
    case 'e':
      return (d) => pad(((d.getUTCDay() + 6) % 7) + 1, n);
    case 'H':
      return (d) => pad(d.getUTCHours(), n);
    case 'k':
      return (d) => pad(d.getUTCHours() === 0 ? 24 : d.getUTCHours(), n);
    case 'K':
      return (d) => pad(d.getUTCHours() % 12, n);
    case 'h':
      return (d) => pad(d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12, n);
    case 'a': {
      const [am, pm] = names(locale, { hour: 'numeric', hour12: true }, 2, (k) => new Date(Date.UTC(2000, 0, 1, k * 12)))
        .map((s) => s.replace(/[\d\s\u202f]/g, ''));
      return (d) => (d.getUTCHours() < 12 ? am! : pm!);
    }
    case 'm':
      return (d) => pad(d.getUTCMinutes(), n);
    case 's':
      return (d) => pad(d.getUTCSeconds(), n);
    case 'S':
      return (d) => pad(d.getUTCMilliseconds(), 3).slice(0, n).padEnd(n, '0');
    case 'Z':
      return (_d, off) => {
        const sign = off < 0 ? '-' : '+';
        const a = Math.abs(off) / 60_000;
        const h = pad(Math.floor(a / 60), 2);
        const m = pad(a % 60, 2);
        return n === 1 ? `${sign}${h}${m}` : `${sign}${h}:${m}`;
      };
    default:
      throw new ConfigException(key, pattern, `pattern letter '${c}' is not supported (supported: y Y M d D E e H k K h a m s S Z and quoted text)`);
  }
}
