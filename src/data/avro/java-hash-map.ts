/**
 * The order a `java.util.HashMap<String, ?>` iterates its keys in: AvroData copies a string-keyed Connect map into
 * a new HashMap before Avro writes it, so the entries of an Avro map come out in this order, not insertion order.
 * Bins in index order, each bin in insertion order (bins of nine or more keys in a table of 64 or more become
 * trees in Java, whose order is not modelled: Java String hashes that collide that much are adversarial).
 */

/** Java's `String.hashCode()`. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** The indexes of `keys` (distinct) in the order a HashMap filled with them in this order iterates them. */
export function javaHashMapOrder(keys: readonly string[]): number[] {
  if (keys.length < 2) return keys.map((_k, i) => i);
  const hashes = keys.map((k) => {
    const h = javaStringHash(k);
    return h ^ (h >>> 16);
  });
  let cap = 16;
  let bins: number[][] = [];
  const resize = (): void => {
    cap *= 2;
    const next: number[][] = [];
    for (const bin of bins) if (bin) for (const i of bin) (next[hashes[i]! & (cap - 1)] ??= []).push(i);
    bins = next;
  };
  for (let i = 0; i < keys.length; i++) {
    const bin = (bins[hashes[i]! & (cap - 1)] ??= []);
    bin.push(i);
    // treeifyBin grows a table smaller than 64 instead of making a tree.
    if (bin.length >= 9 && cap < 64) resize();
    if (i + 1 > cap * 0.75) resize();
  }
  const order: number[] = [];
  for (const bin of bins) if (bin) order.push(...bin);
  return order;
}
