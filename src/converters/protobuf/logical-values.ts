/**
 * Connect's logical types ↔ the messages Confluent writes them as: Decimal ↔ confluent.type.Decimal (DecimalUtils),
 * Date ↔ google.type.Date, Time ↔ google.type.TimeOfDay, Timestamp ↔ google.protobuf.Timestamp (Timestamps).
 * Dates are UTC and proleptic Gregorian.
 */
import { BigDecimal, bigintToTwosComplement, DataException, twosComplementToBigint } from '../../data/index.js';
import { fromLongBits, toLongBits, describe } from './int64.js';

type ProtoMessage = Readonly<Record<string, unknown>>;

const MS_PER_DAY = 86_400_000;
/** Timestamps.checkValid: 0001-01-01T00:00:00Z … 9999-12-31T23:59:59Z. */
const MIN_SECONDS = -62_135_596_800n;
const MAX_SECONDS = 253_402_300_799n;

/** DecimalUtils.fromBigDecimal: unscaled two's complement, BigDecimal.precision(), scale. */
export function decimalToProto(value: unknown, path: string): object {
  if (!(value instanceof BigDecimal)) throw new DataException(`Invalid type for Decimal, expected BigDecimal but was ${describe(value)}`, { path });
  return { value: bigintToTwosComplement(value.unscaled), precision: digitCount(value.unscaled), scale: value.scale };
}

/** DecimalUtils.toBigDecimal: a set precision rounds (HALF_UP) to that many digits, as a MathContext does. */
export function decimalFromProto(message: ProtoMessage, path: string): BigDecimal {
  const bytes = message.value;
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) {
    throw new DataException('invalid confluent.type.Decimal: no value bytes (Zero length BigInteger)', { path });
  }
  let unscaled = twosComplementToBigint(bytes);
  let scale = Number(message.scale ?? 0);
  const precision = Number(message.precision ?? 0);
  while (precision > 0 && digitCount(unscaled) > precision) {
    const drop = digitCount(unscaled) - precision;
    const divisor = 10n ** BigInt(drop);
    const remainder = unscaled % divisor;
    unscaled /= divisor;
    if ((remainder < 0n ? -remainder : remainder) * 2n >= divisor) unscaled += unscaled < 0n || remainder < 0n ? -1n : 1n;
    scale -= drop;
  }
  return new BigDecimal(unscaled, scale);
}

function digitCount(n: bigint): number {
  return (n < 0n ? -n : n).toString().length;
}

export function dateToProto(value: unknown, path: string): object {
  const date = validDate(value, 'Date', path);
  if (date.getTime() % MS_PER_DAY !== 0) {
    throw new DataException('Kafka Connect Date type should not have any time fields set to non-zero values.', { path });
  }
  if (date.getUTCFullYear() < 1) throw new DataException(`the Date ${date.toISOString()} is before year 1, which google.type.Date cannot hold`, { path });
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** Like Java's non-lenient Calendar: year 1 or later, a real month and day. */
export function dateFromProto(message: ProtoMessage, path: string): Date {
  const year = Number(message.year ?? 0);
  const month = Number(message.month ?? 0);
  const day = Number(message.day ?? 0);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (year < 1 || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw new DataException(`invalid google.type.Date ${year}-${month}-${day}`, { path });
  }
  return date;
}

export function timeToProto(value: unknown, path: string): object {
  const ms = validDate(value, 'Time', path).getTime();
  if (ms < 0 || ms > MS_PER_DAY) {
    throw new DataException('Time values must use number of millis greater than 0 and less than 86400000', { path });
  }
  const t = new Date(ms);
  return { hours: t.getUTCHours(), minutes: t.getUTCMinutes(), seconds: t.getUTCSeconds(), nanos: t.getUTCMilliseconds() * 1_000_000 };
}

/** LocalTime.of(hours, minutes, seconds, nanos), truncated to milliseconds. */
export function timeFromProto(message: ProtoMessage, path: string): Date {
  const hours = Number(message.hours ?? 0);
  const minutes = Number(message.minutes ?? 0);
  const seconds = Number(message.seconds ?? 0);
  const nanos = Number(message.nanos ?? 0);
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59 || seconds < 0 || seconds > 59 || nanos < 0 || nanos > 999_999_999) {
    throw new DataException(`invalid google.type.TimeOfDay ${hours}:${minutes}:${seconds}.${nanos}`, { path });
  }
  return new Date(((hours * 60 + minutes) * 60 + seconds) * 1000 + Math.floor(nanos / 1_000_000));
}

/** Timestamps.fromMillis: seconds rounded down, nanos in [0, 1e9). */
export function timestampToProto(value: unknown, path: string): object {
  const ms = BigInt(validDate(value, 'Timestamp', path).getTime());
  let seconds = ms / 1000n;
  let millis = ms % 1000n;
  if (millis < 0n) {
    millis += 1000n;
    seconds -= 1n;
  }
  checkSeconds(seconds, path);
  return { seconds: toLongBits(seconds), nanos: Number(millis) * 1_000_000 };
}

/** Timestamps.toMillis: validated, nanos truncated to milliseconds. */
export function timestampFromProto(message: ProtoMessage, path: string): Date {
  const seconds = fromLongBits(message.seconds ?? 0);
  const nanos = Number(message.nanos ?? 0);
  checkSeconds(seconds, path);
  if (nanos < 0 || nanos > 999_999_999) throw new DataException(`invalid google.protobuf.Timestamp: nanos ${nanos}`, { path });
  return new Date(Number(seconds * 1000n) + Math.trunc(nanos / 1_000_000));
}

function checkSeconds(seconds: bigint, path: string): void {
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
    throw new DataException(`google.protobuf.Timestamp seconds ${seconds} is outside 0001-01-01 … 9999-12-31`, { path });
  }
}

function validDate(value: unknown, what: string, path: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new DataException(`Invalid type for ${what}, expected Date but was ${describe(value)}`, { path });
  }
  return value;
}
