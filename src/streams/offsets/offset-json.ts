/**
 * Source partitions and offsets as bytes, exactly as Kafka Connect writes them to its offsets topic/file:
 * JsonConverter with schemas disabled, compact (no whitespace), integers as plain numbers (a bigint beyond
 * 2^53 keeps every digit), maps in their key order. The key of an offset is `["<connector>",{partition}]`.
 *
 * The reader turns integers that do not fit a double exactly into bigint (Connect reads them as INT64).
 * Both directions reuse the JsonConverter's schemaless codec, so the bytes match what Kafka Connect writes.
 */
import type { OffsetMap } from '../../data/index.js';
import { encodeSchemaless } from '../../converters/json/codec.js';
import { parseJson, quoteJson } from '../../converters/json/json-text.js';

export class OffsetFormatException extends Error {
  override readonly name = 'OffsetFormatException';
}

/** Compact JSON of a JSON-like value: the JsonConverter's own schemaless writer (Jackson-identical text). */
export function writeJson(value: unknown): string {
  try {
    return encodeSchemaless(value);
  } catch (e) {
    throw new OffsetFormatException(`cannot write offset JSON: ${(e as Error).message}`, { cause: e });
  }
}

/** Kafka Connect's OffsetUtils.validateFormat: string keys, primitive values only. */
export function validateOffsetMap(what: 'partition' | 'offset', map: OffsetMap | null): void {
  if (map === null) return;
  if (typeof map !== 'object' || Array.isArray(map)) {
    throw new OffsetFormatException(`source ${what} must be a map, got ${JSON.stringify(map)}`);
  }
  // for-in, not Object.entries: this runs for two maps of every source record, and entries' arrays showed as
  // a twentieth of the in-process pipeline's allocations.
  for (const k in map) {
    if (!Object.hasOwn(map, k)) continue;
    const v = (map as Record<string, unknown>)[k];
    const t = typeof v;
    if (v !== null && t !== 'string' && t !== 'number' && t !== 'bigint' && t !== 'boolean') {
      throw new OffsetFormatException(`source ${what} key "${k}" has a ${Array.isArray(v) ? 'list' : t} value; only primitives are allowed`);
    }
  }
}

/** The offsets-topic key: `["<connector>",{partition}]`. */
export function offsetKey(connector: string, partition: OffsetMap | null): string {
  return `[${quoteJson(connector)},${writeJson(partition)}]`;
}

export function offsetValue(offset: OffsetMap | null): string | null {
  return offset === null ? null : writeJson(offset);
}

/** Parses JSON (the JsonConverter's parser); integers outside the safe range come back as bigint. */
export function readJson(text: string): unknown {
  try {
    return parseJson(text);
  } catch (e) {
    throw new OffsetFormatException(`invalid offset JSON: ${(e as Error).message}`, { cause: e });
  }
}

/** Reads an offsets-topic key back into connector + partition. */
export function parseOffsetKey(key: string): { connector: string; partition: OffsetMap | null } {
  const v = readJson(key);
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'string') {
    throw new OffsetFormatException(`offset key must be ["<connector>",{partition}], got ${key}`);
  }
  return { connector: v[0], partition: v[1] as OffsetMap | null };
}
