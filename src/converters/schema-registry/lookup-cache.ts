/**
 * A bounded cache of asynchronous lookups for synchronous callers. A hit returns the value; a miss starts the
 * lookup and throws `PendingLookup` (the stage runner awaits it and calls again). A failed lookup is thrown once,
 * to the next caller, and forgotten, so the call after that looks up again.
 */
import { PendingLookup } from '../../data/index.js';
import { LruCache } from '../lru.js';

type Entry<V> =
  | { state: 'pending'; promise: Promise<void> }
  | { state: 'done'; value: V }
  | { state: 'failed'; error: unknown };

export class LookupCache<K, V> {
  readonly #entries: LruCache<K, Entry<V>>;

  constructor(maxSize: number) {
    this.#entries = new LruCache(Math.max(1, maxSize));
  }

  get(key: K, lookup: () => Promise<V>, what: string): V {
    const hit = this.#entries.get(key);
    if (hit?.state === 'done') return hit.value;
    if (hit?.state === 'failed') {
      this.#entries.delete(key);
      throw hit.error;
    }
    if (hit?.state === 'pending') throw new PendingLookup(hit.promise, what);
    const promise = lookup().then(
      (value) => this.#entries.set(key, { state: 'done', value }),
      (error: unknown) => this.#entries.set(key, { state: 'failed', error }),
    );
    this.#entries.set(key, { state: 'pending', promise });
    throw new PendingLookup(promise, what);
  }

}
