/**
 * Time zones for `db.timezone`: wall-clock ↔ instant conversions without a date library. A zone is a region id
 * (`Europe/Paris`, through Intl), `UTC`/`Z`/`GMT`, or a fixed offset (`+02:00`, `UTC+2`, `GMT-05:30`), as Java's
 * `ZoneId.of` accepts them.
 */

export interface WallClock {
  year: number;
  month: number; // 1..12
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0..999999 */
  micros: number;
}

const QUARTER_HOUR = 900_000;
const DAY = 86_400_000;

export class Zone {
  readonly id: string;
  /** Fixed offset in ms, or null for a region zone. */
  readonly #fixed: number | null;
  readonly #fmt: Intl.DateTimeFormat | null;
  readonly #cache = new Map<number, number>();

  private constructor(id: string, fixed: number | null, fmt: Intl.DateTimeFormat | null) {
    this.id = id;
    this.#fixed = fixed;
    this.#fmt = fmt;
  }

  static readonly UTC = new Zone('UTC', 0, null);

  /** Parses a Java-style zone id; throws an Error naming the id when it is unknown. */
  static of(id: string): Zone {
    const trimmed = id.trim();
    if (/^(UTC|Z|GMT|UT|Etc\/UTC|Etc\/GMT)$/i.test(trimmed)) return new Zone(trimmed, 0, null);
    const m = /^(?:UTC|GMT|UT)?([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/i.exec(trimmed);
    if (m) {
      const h = Number(m[2]);
      const mi = Number(m[3] ?? 0);
      const s = Number(m[4] ?? 0);
      if (h > 18 || mi > 59 || s > 59) throw new Error(`Invalid time zone offset '${id}'`);
      const ms = (h * 3600 + mi * 60 + s) * 1000 * (m[1] === '-' ? -1 : 1);
      return new Zone(trimmed, ms, null);
    }
    let fmt: Intl.DateTimeFormat;
    try {
      fmt = new Intl.DateTimeFormat('en-US', {
        timeZone: trimmed,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        era: 'short',
      });
    } catch {
      throw new Error(`Invalid time zone identifier '${id}'`);
    }
    return new Zone(trimmed, null, fmt);
  }

  get isUtc(): boolean {
    return this.#fixed === 0;
  }

  /** The zone's offset from UTC (ms) at the instant `utcMs`. */
  offsetAt(utcMs: number): number {
    if (this.#fixed !== null) return this.#fixed;
    const bucket = Math.floor(utcMs / QUARTER_HOUR);
    const cached = this.#cache.get(bucket);
    if (cached !== undefined) return cached;
    const off = this.#computeOffset(bucket * QUARTER_HOUR);
    if (this.#cache.size > 20_000) this.#cache.clear();
    this.#cache.set(bucket, off);
    return off;
  }

  #computeOffset(utcMs: number): number {
    const parts = this.#fmt!.formatToParts(new Date(utcMs));
    let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, bc = false;
    for (const p of parts) {
      switch (p.type) {
        case 'year': y = Number(p.value); break;
        case 'month': mo = Number(p.value); break;
        case 'day': d = Number(p.value); break;
        case 'hour': h = Number(p.value); break;
        case 'minute': mi = Number(p.value); break;
        case 'second': s = Number(p.value); break;
        case 'era': bc = p.value === 'BC' || p.value === 'B'; break;
      }
    }
    if (bc) y = 1 - y;
    const wall = utcFromFields(y, mo, d, h, mi, s);
    return wall - Math.floor(utcMs / 1000) * 1000;
  }

  /**
   * The instant (epoch ms, sub-ms in `micros` is the caller's) of a wall-clock time in this zone, by Java's rule
   * (`ZonedDateTime.ofLocal`): a wall time in a DST gap moves forward by the length of the gap, one in an overlap
   * takes the earlier offset (the one in force before the transition). Both come down to "use the offset before
   * the transition" whenever the wall time does not have exactly one offset.
   */
  wallToEpochMs(w: WallClock): number {
    const local = utcFromFields(w.year, w.month, w.day, w.hour, w.minute, w.second) + Math.floor(w.micros / 1000);
    if (this.#fixed !== null) return local - this.#fixed;
    // Every instant this wall time can denote lies within a day of `local` (offsets stay within ±18 h), so the
    // offsets a day either side are the ones before and after any transition that matters.
    const before = this.offsetAt(local - DAY);
    const after = this.offsetAt(local + DAY);
    if (this.offsetAt(local - before) === before) return local - before;
    if (this.offsetAt(local - after) === after) return local - after;
    return local - before;
  }

  /** Wall-clock fields of the instant `epochMs` (+ `micros` within the ms) in this zone. */
  epochMsToWall(epochMs: number, subMsMicros = 0): WallClock {
    const local = epochMs + this.offsetAt(epochMs);
    return fieldsFromUtc(local, subMsMicros);
  }
}

/** Date.UTC without its two-digit-year quirk. */
export function utcFromFields(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime();
}

export function fieldsFromUtc(ms: number, subMsMicros = 0): WallClock {
  const d = new Date(ms);
  const msPart = ((ms % 1000) + 1000) % 1000;
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    micros: msPart * 1000 + subMsMicros,
  };
}
