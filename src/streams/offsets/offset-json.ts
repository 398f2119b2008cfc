/**
 * Source partitions and offsets as bytes, exactly as Kafka Connect writes them to its offsets topic/file:
 * JsonConverter with schemas disabled, compact (no whitespace), integers as plain numbers (a bigint beyond
 * 2^53 keeps every digit), maps in their key order. The key of an offset is `["<connector>",{partition}]`.
 *
 * The reader turns integers that do not fit a double exactly into bigint (Connect reads them as INT64).
 */
import type { OffsetMap } from '../../data/index.js';

export class OffsetFormatException extends Error {
  override readonly name = 'OffsetFormatException';
}

function writeString(s: string): string {
  // JSON.stringify escapes like Jackson for everything but non-ASCII, which Jackson also writes raw.
  return JSON.stringify(s);
}

function writeNumber(n: number): string {
  if (!Number.isFinite(n)) throw new OffsetFormatException(`offsets cannot hold ${n}`);
  if (Number.isInteger(n)) {
    if (Object.is(n, -0)) return '-0.0';
    // Beyond 2^53 a number is not exact anyway; print its integer digits rather than exponent notation.
    return Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString();
  }
  // Jackson prints doubles with Java's Double.toString: exponent form outside [1e-3, 1e7).
  const abs = Math.abs(n);
  if (abs >= 1e-3 && abs < 1e7) return String(n);
  const [mantissa, exp] = n.toExponential().split('e') as [string, string];
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${m}E${exp.startsWith('+') ? exp.slice(1) : exp}`;
}

/** Compact JSON of a JSON-like value (what Connect's schemaless JsonConverter writes). */
export function writeJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return writeString(value);
    case 'number':
      return writeNumber(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(writeJson).join(',')}]`;
      if (value instanceof Map) {
        return `{${[...value].map(([k, v]) => `${writeString(String(k))}:${writeJson(v)}`).join(',')}}`;
      }
      return `{${Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${writeString(k)}:${writeJson(v)}`)
        .join(',')}}`;
    }
    default:
      throw new OffsetFormatException(`cannot write a ${typeof value} as JSON`);
  }
}

/** Kafka Connect's OffsetUtils.validateFormat: string keys, primitive values only. */
export function validateOffsetMap(what: 'partition' | 'offset', map: OffsetMap | null): void {
  if (map === null) return;
  if (typeof map !== 'object' || Array.isArray(map)) {
    throw new OffsetFormatException(`source ${what} must be a map, got ${JSON.stringify(map)}`);
  }
  for (const [k, v] of Object.entries(map)) {
    const t = typeof v;
    if (v !== null && t !== 'string' && t !== 'number' && t !== 'bigint' && t !== 'boolean') {
      throw new OffsetFormatException(`source ${what} key "${k}" has a ${Array.isArray(v) ? 'list' : t} value; only primitives are allowed`);
    }
  }
}

/** The offsets-topic key: `["<connector>",{partition}]`. */
export function offsetKey(connector: string, partition: OffsetMap | null): string {
  return `[${writeString(connector)},${writeJson(partition)}]`;
}

export function offsetValue(offset: OffsetMap | null): string | null {
  return offset === null ? null : writeJson(offset);
}

// ------------------------------------------------------------------------------------------- reader

/** Parses JSON; integers outside the safe range come back as bigint. */
export function readJson(text: string): unknown {
  let i = 0;
  const fail = (msg: string): never => {
    throw new OffsetFormatException(`invalid JSON at ${i}: ${msg}`);
  };
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const out: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') return i++, out;
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const k = str();
        ws();
        if (text[i++] !== ':') fail('expected :');
        out[k] = value();
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') return i++, out;
        fail('expected , or }');
      }
    }
    if (c === '[') {
      i++;
      const out: unknown[] = [];
      ws();
      if (text[i] === ']') return i++, out;
      for (;;) {
        out.push(value());
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') return i++, out;
        fail('expected , or ]');
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) return (i += 4), true;
    if (text.startsWith('false', i)) return (i += 5), false;
    if (text.startsWith('null', i)) return (i += 4), null;
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) return fail('unexpected character');
    i += m[0].length;
    if (m[1] === undefined && m[2] === undefined) {
      const n = Number(m[0]);
      return Number.isSafeInteger(n) ? n : BigInt(m[0]);
    }
    return Number(m[0]);
  };
  const str = (): string => {
    const start = i;
    i++;
    let escaped = false;
    while (i < text.length) {
      const ch = text[i];
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') break;
      i++;
    }
    if (i >= text.length) fail('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const v = value();
  ws();
  if (i !== text.length) fail('trailing characters');
  return v;
}

/** Reads an offsets-topic key back into connector + partition. */
export function parseOffsetKey(key: string): { connector: string; partition: OffsetMap | null } {
  const v = readJson(key);
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'string') {
    throw new OffsetFormatException(`offset key must be ["<connector>",{partition}], got ${key}`);
  }
  return { connector: v[0], partition: v[1] as OffsetMap | null };
}
