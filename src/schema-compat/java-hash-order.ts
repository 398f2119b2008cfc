/**
 * The iteration order of Java's HashSet/HashMap, which decides the order of Confluent's difference lists wherever
 * its diff walks a hash set of names or numbers. Emulated so our messages come out in the same order as theirs.
 */

/** Java's `String.hashCode()`. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** Java's `Integer.hashCode()` is the value; longer numbers are not used as keys here. */
function javaHash(key: string | number): number {
  return typeof key === 'number' ? key | 0 : javaStringHash(key);
}

function tableSizeFor(cap: number): number {
  let n = 1;
  while (n < cap) n *= 2;
  return Math.max(n, 1);
}

/** A HashMap's key set with Java's bucket layout (treeified buckets, which need 8 collisions, are not modelled). */
export class JavaHashKeys<K extends string | number> {
  private buckets: K[][];
  private count = 0;

  /** `capacity` is the table size the Java code starts with (16 for `new HashMap<>()`). */
  constructor(capacity = 16) {
    this.buckets = Array.from({ length: tableSizeFor(capacity) }, () => []);
  }

  /** `new HashSet<>(collection)`: a table of max(n/.75+1, 16), then every element in the collection's order. */
  static copyOf<K extends string | number>(keys: Iterable<K>): JavaHashKeys<K> {
    const list = [...keys];
    const set = new JavaHashKeys<K>(Math.max(Math.floor(list.length / 0.75) + 1, 16));
    for (const k of list) set.add(k);
    return set;
  }

  /** `new HashMap<>()` filled in the given order. */
  static of<K extends string | number>(keys: Iterable<K>): JavaHashKeys<K> {
    const set = new JavaHashKeys<K>();
    for (const k of keys) set.add(k);
    return set;
  }

  private indexOf(key: K, length: number): number {
    const h = javaHash(key);
    return (h ^ (h >>> 16)) & (length - 1);
  }

  has(key: K): boolean {
    return this.buckets[this.indexOf(key, this.buckets.length)]!.includes(key);
  }

  add(key: K): this {
    const bucket = this.buckets[this.indexOf(key, this.buckets.length)]!;
    if (bucket.includes(key)) return this;
    bucket.push(key);
    if (++this.count > this.buckets.length * 0.75) this.resize();
    return this;
  }

  addAll(keys: Iterable<K>): this {
    for (const k of keys) this.add(k);
    return this;
  }

  private resize(): void {
    const next: K[][] = Array.from({ length: this.buckets.length * 2 }, () => []);
    for (const bucket of this.buckets) for (const k of bucket) next[this.indexOf(k, next.length)]!.push(k);
    this.buckets = next;
  }

  get size(): number {
    return this.count;
  }

  [Symbol.iterator](): Iterator<K> {
    return this.buckets.flat()[Symbol.iterator]();
  }
}
