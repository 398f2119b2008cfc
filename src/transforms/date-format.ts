/**
 * Java's `SimpleDateFormat`, in UTC and the US locale, for the patterns Connect users write:
 * `G y Y M L w W D d F E u a H k K h m s S z Z X` plus quoted literals (`'T'`, `''`).
 * Formatting is exact for these letters. Parsing is lenient as Java's default is: numeric fields read as many
 * digits as are there (exactly the pattern width when the next field abuts), out-of-range values roll over
 * (month 13 → January next year), leading spaces before a field are skipped, and text after the pattern is ignored.
 * Dates are proleptic Gregorian (Java switches to the Julian calendar before 1582-10-15).
 */

const PATTERN_LETTERS = 'GyMdkHmsSEDFwWahKzZYuXL';
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MS_PER_DAY = 86_400_000;

type Token = { kind: 'literal'; text: string } | { kind: 'field'; letter: string; count: number };

/** A pattern Java's SimpleDateFormat would refuse (its IllegalArgumentException). */
export class DatePatternError extends Error {
  override readonly name = 'DatePatternError';
}

/** Text that does not match the pattern (Java's ParseException). */
export class DateParseError extends Error {
  override readonly name = 'DateParseError';
}

function compile(pattern: string): Token[] {
  const tokens: Token[] = [];
  const literal = (text: string): void => {
    const last = tokens[tokens.length - 1];
    if (last && last.kind === 'literal') last.text += text;
    else tokens.push({ kind: 'literal', text });
  };
  let inQuote = false;
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        literal("'");
        i += 2;
      } else {
        inQuote = !inQuote;
        i++;
      }
      continue;
    }
    if (inQuote || !/[A-Za-z]/.test(c)) {
      literal(c);
      i++;
      continue;
    }
    if (!PATTERN_LETTERS.includes(c)) throw new DatePatternError(`Illegal pattern character '${c}'`);
    let count = 1;
    while (pattern[i + count] === c) count++;
    if (c === 'X' && count > 3) throw new DatePatternError(`invalid ISO 8601 format: length=${count}`);
    tokens.push({ kind: 'field', letter: c, count });
    i += count;
  }
  if (inQuote) throw new DatePatternError(`Unterminated quote in pattern '${pattern}'`);
  return tokens;
}

function isNumericField(t: Token | undefined): boolean {
  if (!t || t.kind !== 'field') return false;
  if (t.letter === 'M' || t.letter === 'L') return t.count <= 2;
  return 'yYdkHmsSDFwWhKu'.includes(t.letter);
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? `-${s}` : s;
}

interface Fields {
  year: number; // proleptic, astronomical (0 = 1 BC)
  month: number; // 0-11
  day: number;
  dow: number; // 0 = Sunday
  doy: number; // 1-based
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

function fieldsOf(date: Date): Fields {
  const t = date.getTime();
  const year = date.getUTCFullYear();
  const jan1 = new Date(0);
  jan1.setUTCFullYear(year, 0, 1);
  return {
    year,
    month: date.getUTCMonth(),
    day: date.getUTCDate(),
    dow: date.getUTCDay(),
    doy: Math.floor((t - jan1.getTime()) / MS_PER_DAY) + 1,
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    ms: date.getUTCMilliseconds(),
  };
}

function daysInYear(year: number): number {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 366 : 365;
}

/** Week of year and week-based year, US rules (weeks start on Sunday, week 1 holds January 1st). */
function weekOfYear(f: Fields): { week: number; weekYear: number } {
  const dowJan1 = (((f.dow - (f.doy - 1)) % 7) + 7) % 7;
  const last = daysInYear(f.year);
  const dowDec31 = (dowJan1 + last - 1) % 7;
  if (dowDec31 < 6 && f.doy >= last - dowDec31) return { week: 1, weekYear: f.year + 1 };
  return { week: Math.floor((f.doy - 1 + dowJan1) / 7) + 1, weekYear: f.year };
}

function eraYear(year: number): number {
  return year > 0 ? year : 1 - year;
}

function formatYear(y: number, count: number): string {
  return count === 2 ? pad(y % 100, 2) : pad(y, count);
}

export class JavaDateFormat {
  readonly pattern: string;
  readonly #tokens: Token[];

  /** Throws DatePatternError for a pattern Java would refuse. */
  constructor(pattern: string) {
    this.pattern = pattern;
    this.#tokens = compile(pattern);
  }

  toPattern(): string {
    return this.pattern;
  }

  format(date: Date): string {
    const f = fieldsOf(date);
    let out = '';
    for (const t of this.#tokens) {
      if (t.kind === 'literal') {
        out += t.text;
        continue;
      }
      const n = t.count;
      switch (t.letter) {
        case 'G': out += f.year > 0 ? 'AD' : 'BC'; break;
        case 'y': out += formatYear(eraYear(f.year), n); break;
        case 'Y': out += formatYear(eraYear(weekOfYear(f).weekYear), n); break;
        case 'M':
        case 'L': out += n >= 4 ? MONTHS[f.month] : n === 3 ? MONTHS[f.month]!.slice(0, 3) : pad(f.month + 1, n); break;
        case 'd': out += pad(f.day, n); break;
        case 'D': out += pad(f.doy, n); break;
        case 'F': out += pad(Math.floor((f.day - 1) / 7) + 1, n); break;
        case 'E': out += n >= 4 ? DAYS[f.dow] : DAYS[f.dow]!.slice(0, 3); break;
        case 'u': out += pad(f.dow === 0 ? 7 : f.dow, n); break;
        case 'w': out += pad(weekOfYear(f).week, n); break;
        case 'W': {
          const dowFirst = (((f.dow - (f.day - 1)) % 7) + 7) % 7;
          out += pad(Math.floor((f.day - 1 + dowFirst) / 7) + 1, n);
          break;
        }
        case 'a': out += f.hour < 12 ? 'AM' : 'PM'; break;
        case 'H': out += pad(f.hour, n); break;
        case 'k': out += pad(f.hour === 0 ? 24 : f.hour, n); break;
        case 'K': out += pad(f.hour % 12, n); break;
        case 'h': out += pad(f.hour % 12 === 0 ? 12 : f.hour % 12, n); break;
        case 'm': out += pad(f.minute, n); break;
        case 's': out += pad(f.second, n); break;
        case 'S': out += pad(f.ms, n); break;
        case 'z': out += n >= 4 ? 'Coordinated Universal Time' : 'UTC'; break;
        case 'Z': out += '+0000'; break;
        case 'X': out += 'Z'; break;
      }
    }
    return out;
  }

  /** Java's `DateFormat.parse(String)`; throws DateParseError. */
  parse(text: string): Date {
    const fail = (): never => {
      throw new DateParseError(`Unparseable date: "${text}"`);
    };
    let pos = 0;
    let year: number | undefined;
    let bc = false;
    let ambiguousYear = false;
    let month: number | undefined;
    let day: number | undefined;
    let doy: number | undefined;
    let hour24: number | undefined;
    let hour12: number | undefined;
    let hourOrder = 0; // which of hour24/hour12 was set last: 1 = 24h, 2 = 12h
    let pm: boolean | undefined;
    let minute = 0;
    let second = 0;
    let ms = 0;
    let offsetMinutes = 0;

    const readNumber = (max: number | undefined, signed: boolean): { value: number; digits: number } | undefined => {
      let i = pos;
      let neg = false;
      if (signed && (text[i] === '-' || text[i] === '+') && /\d/.test(text[i + 1] ?? '')) {
        neg = text[i] === '-';
        i++;
      }
      const start = i;
      const limit = max === undefined ? text.length : Math.min(text.length, pos + max);
      while (i < limit && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
      if (i === start) return undefined;
      const value = Number(text.slice(start, i));
      pos = i;
      return { value: neg ? -value : value, digits: i - start };
    };
    const matchWord = (words: readonly string[]): number | undefined => {
      let best = -1;
      let bestLen = 0;
      const rest = text.slice(pos).toLowerCase();
      words.forEach((w, idx) => {
        if (w.length > bestLen && rest.startsWith(w.toLowerCase())) {
          best = idx;
          bestLen = w.length;
        }
      });
      if (best < 0) return undefined;
      pos += bestLen;
      return best;
    };
    const parseZone = (): number | undefined => {
      const rest = text.slice(pos);
      let m = /^(?:GMT|UTC|UT)?([+-])(\d{1,2})(?::?(\d{2}))?/i.exec(rest);
      if (m && (/^(GMT|UTC|UT)/i.test(rest) || m[2]!.length === 2)) {
        pos += m[0].length;
        const mins = Number(m[2]) * 60 + Number(m[3] ?? 0);
        return m[1] === '-' ? -mins : mins;
      }
      m = /^(Z|GMT|UTC|UT)/i.exec(rest);
      if (m) {
        pos += m[0].length;
        return 0;
      }
      return undefined;
    };

    for (let i = 0; i < this.#tokens.length; i++) {
      const t = this.#tokens[i]!;
      if (t.kind === 'literal') {
        if (!text.startsWith(t.text, pos)) fail();
        pos += t.text.length;
        continue;
      }
      while (text[pos] === ' ' || text[pos] === '\t') pos++;
      if (pos >= text.length) fail();
      const obeyCount = isNumericField(this.#tokens[i + 1]);
      const width = obeyCount ? t.count : undefined;
      const num = (signed = false): number => {
        const r = readNumber(width, signed);
        if (!r) return fail();
        return r.value;
      };
      switch (t.letter) {
        case 'G': {
          const era = matchWord(['BC', 'AD']);
          if (era === undefined) fail();
          bc = era === 0;
          break;
        }
        case 'y':
        case 'Y': {
          const start = pos;
          const r = readNumber(width, true);
          if (!r) return fail();
          year = r.value;
          ambiguousYear = t.count <= 2 && r.digits === 2 && /^\d{2}$/.test(text.slice(start, pos));
          break;
        }
        case 'M':
        case 'L':
          if (t.count <= 2) {
            month = num() - 1;
          } else {
            const idx = matchWord([...MONTHS, ...MONTHS.map((m) => m.slice(0, 3))]);
            if (idx === undefined) fail();
            month = idx! % 12;
          }
          break;
        case 'd': day = num(); break;
        case 'D': doy = num(); break;
        case 'E':
          if (matchWord([...DAYS, ...DAYS.map((d) => d.slice(0, 3))]) === undefined) fail();
          break;
        case 'F':
        case 'w':
        case 'W':
        case 'u':
          num();
          break;
        case 'a': {
          const idx = matchWord(['AM', 'PM']);
          if (idx === undefined) fail();
          pm = idx === 1;
          break;
        }
        case 'H': hour24 = num(); hourOrder = 1; break;
        case 'k': { const v = num(); hour24 = v === 24 ? 0 : v; hourOrder = 1; break; }
        case 'K': hour12 = num(); hourOrder = 2; break;
        case 'h': { const v = num(); hour12 = v === 12 ? 0 : v; hourOrder = 2; break; }
        case 'm': minute = num(); break;
        case 's': second = num(); break;
        case 'S': ms = num(); break;
        case 'z':
        case 'Z':
        case 'X': {
          const off = parseZone();
          if (off === undefined) fail();
          offsetMinutes = off!;
          break;
        }
      }
    }

    let y = year ?? 1970;
    if (ambiguousYear) {
      // Java resolves two-digit years into the 100 years starting 80 years ago.
      const startYear = new Date().getUTCFullYear() - 80;
      y = Math.floor(startYear / 100) * 100 + y;
      if (y < startYear) y += 100;
    }
    if (bc) y = 1 - y;
    let hour = 0;
    if (hourOrder === 1) hour = hour24!;
    else if (hourOrder === 2) hour = hour12! + (pm ? 12 : 0);
    else if (pm) hour = 12;
    const d = new Date(0);
    if (doy !== undefined && day === undefined && month === undefined) d.setUTCFullYear(y, 0, doy);
    else d.setUTCFullYear(y, month ?? 0, day ?? 1);
    d.setUTCHours(hour, minute, second, ms);
    const result = new Date(d.getTime() - offsetMinutes * 60_000);
    if (Number.isNaN(result.getTime())) fail();
    return result;
  }
}
