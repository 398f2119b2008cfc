/**
 * Schemaless maps: a record without a schema carries its key/value as a `Map` or a plain object (JSON).
 * These read and write both alike, as Kafka's SMTs do with `java.util.Map`.
 */

/** A schemaless map: a `Map` instance or a plain object. */
export type SchemalessMap = Map<unknown, unknown> | Record<string, unknown>;

/** Maps are `Map` instances or plain objects (schemaless JSON objects). */
export function isMapValue(value: unknown): value is SchemalessMap {
  if (value instanceof Map) return true;
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Reads a key of a schemaless map (Map or plain object). */
export function mapGet(map: SchemalessMap, key: string): unknown {
  if (map instanceof Map) return map.get(key) ?? null;
  return Object.hasOwn(map, key) ? (map[key] ?? null) : null;
}

/** A shallow, mutable copy of the same kind (Java's `new HashMap<>(value)`). */
export function mapCopy(map: SchemalessMap): SchemalessMap {
  return map instanceof Map ? new Map(map) : { ...map };
}

export function mapPut(map: SchemalessMap, key: string, value: unknown): void {
  if (map instanceof Map) map.set(key, value);
  else map[key] = value;
}

export function mapRemove(map: SchemalessMap, key: string): void {
  if (map instanceof Map) map.delete(key);
  else delete map[key];
}

export function mapEntries(map: SchemalessMap): Iterable<[unknown, unknown]> {
  return map instanceof Map ? map.entries() : Object.entries(map);
}

/** An empty map of the same kind as `like`. */
export function emptyMapLike(like: unknown): SchemalessMap {
  return like instanceof Map ? new Map() : {};
}
