/**
 * A least-recently-used cache. Hits only stamp the entry (no re-insertion), so a hit costs one Map lookup; the
 * least recently used entry is found by a scan when an insert overflows the cache, which only happens on misses.
 */
export class LruCache<K, V> {
  readonly #map = new Map<K, { value: V; used: number }>();
  #clock = 0;
  constructor(readonly maxSize: number) {}

  get(key: K): V | undefined {
    const e = this.#map.get(key);
    if (e === undefined) return undefined;
    e.used = ++this.#clock;
    return e.value;
  }

  set(key: K, value: V): void {
    if (this.maxSize <= 0) return;
    const existing = this.#map.get(key);
    if (existing) {
      existing.value = value;
      existing.used = ++this.#clock;
      return;
    }
    if (this.#map.size >= this.maxSize) {
      let oldestKey: K | undefined;
      let oldest = Infinity;
      for (const [k, e] of this.#map) {
        if (e.used < oldest) {
          oldest = e.used;
          oldestKey = k;
        }
      }
      this.#map.delete(oldestKey as K);
    }
    this.#map.set(key, { value, used: ++this.#clock });
  }

  delete(key: K): void {
    this.#map.delete(key);
  }

  has(key: K): boolean {
    return this.#map.has(key);
  }

  get size(): number {
    return this.#map.size;
  }

  clear(): void {
    this.#map.clear();
  }
}
