/**
 * The iteration order of Java's `java.util.HashMap` / `HashSet` with String (or null) keys, as of JDK 19+.
 *
 * Confluent's schema text is printed by everit-json-schema and org.json from HashMaps (object properties, the
 * `connect.*` keywords, `connect.parameters`, enum values, object defaults), so the key order of the schema a
 * Java converter registers is the hash order, not the insertion order. This simulates the table: bucket index
 * `spread(hashCode) & (capacity - 1)`, insertion order inside a bucket, resizes that keep the relative order.
 *
 * Not simulated: a bucket holding more than 8 keys in a table of 64 or more buckets becomes a red-black tree in
 * Java, whose iteration order can differ from the insertion order kept here.
 */

export type JavaKey = string | null;

const MAX_CAPACITY = 2 ** 30;
const TREEIFY_THRESHOLD = 8;
const MIN_TREEIFY_CAPACITY = 64;

/** Java's `String.hashCode()` over UTF-16 code units (null hashes to 0, as in HashMap). */
export function javaHashCode(key: JavaKey): number {
  if (key === null) return 0;
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (Math.imul(31, h) + key.charCodeAt(i)) | 0;
  return h;
}

function spread(h: number): number {
  return h ^ (h >>> 16);
}

/** HashMap.tableSizeFor: the smallest power of two ≥ c (1 for c ≤ 1). */
function tableSizeFor(c: number): number {
  let n = 1;
  while (n < c && n < MAX_CAPACITY) n *= 2;
  return n;
}

/** A key-only model of one HashMap's table. */
class HashTable {
  #table: JavaKey[][] | undefined;
  #threshold: number;
  #size = 0;

  /** `initialCapacity` as `new HashMap<>(n)`; undefined as `new HashMap<>()`. */
  constructor(initialCapacity?: number) {
    this.#threshold = initialCapacity === undefined ? 0 : tableSizeFor(initialCapacity);
  }

  /** `putMapEntries` of the copy constructor `new HashMap<>(m)` on an empty map (JDK 19+ pre-sizing). */
  presizeForCopy(size: number): void {
    if (size <= 0 || this.#table) return;
    const t = Math.min(Math.ceil(size / 0.75), MAX_CAPACITY);
    if (t > this.#threshold) this.#threshold = tableSizeFor(t);
  }

  put(key: JavaKey): void {
    if (!this.#table) this.#resize();
    const table = this.#table!;
    const bucket = table[spread(javaHashCode(key)) & (table.length - 1)]!;
    if (bucket.includes(key)) return;
    bucket.push(key);
    // putVal: appending behind 8 or more nodes treeifies the bin, which first grows a small table instead
    if (bucket.length > TREEIFY_THRESHOLD && table.length < MIN_TREEIFY_CAPACITY) this.#resize();
    if (++this.#size > this.#threshold) this.#resize();
  }

  keys(): JavaKey[] {
    return this.#table ? this.#table.flat() : [];
  }

  #resize(): void {
    const oldCap = this.#table?.length ?? 0;
    let newCap: number;
    let newThr = 0;
    if (oldCap > 0) {
      if (oldCap >= MAX_CAPACITY) return;
      newCap = oldCap * 2;
      if (oldCap >= 16) newThr = this.#threshold * 2;
    } else if (this.#threshold > 0) {
      newCap = this.#threshold;
    } else {
      newCap = 16;
      newThr = 12;
    }
    if (newThr === 0) newThr = Math.floor(newCap * 0.75);
    this.#threshold = newThr;
    const next: JavaKey[][] = Array.from({ length: newCap }, () => []);
    // Java splits each bucket into a low and a high list keeping their order: re-adding in iteration order does the same.
    for (const key of this.#table?.flat() ?? []) next[spread(javaHashCode(key)) & (newCap - 1)]!.push(key);
    this.#table = next;
  }
}

/** Iteration order of `new HashMap<>()` (or `new HashSet<>()`) after putting `keys` in this order. */
export function hashMapOrder<K extends JavaKey>(keys: Iterable<K>): K[] {
  const t = new HashTable();
  for (const k of keys) t.put(k);
  return t.keys() as K[];
}

/** Iteration order of `new HashMap<>(initialCapacity)` after putting `keys` in this order (org.json's JSONObject(Map)). */
export function sizedHashMapOrder<K extends JavaKey>(keys: readonly K[], initialCapacity: number): K[] {
  const t = new HashTable(initialCapacity);
  for (const k of keys) t.put(k);
  return t.keys() as K[];
}

/** Iteration order of the copy `new HashMap<>(m)` of a map whose own iteration order is `keys`. */
export function copiedHashMapOrder<K extends JavaKey>(keys: readonly K[]): K[] {
  const t = new HashTable();
  t.presizeForCopy(keys.length);
  for (const k of keys) t.put(k);
  return t.keys() as K[];
}
