/**
 * Small, fast deterministic randomness. Every record draws from a generator seeded by (seed, record id), so a
 * record's content depends only on the seed and its id — not on which task made it or where a restart resumed.
 */

/** murmur3's 32-bit finalizer: a good avalanche for cheap seeding. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32, reseedable so one instance serves every record without allocation. */
export class Rng {
  #state = 0;

  /** Positions the generator for record `id` (a non-negative safe integer) under `seed`. */
  reset(seed: number, id: number): this {
    const lo = id >>> 0;
    const hi = Math.floor(id / 4294967296) >>> 0;
    this.#state = fmix32(seed ^ fmix32(lo ^ 0x9e3779b9) ^ fmix32(hi + 0x85ebca6b));
    return this;
  }

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in [min, max). */
  int(min: number, max: number): number {
    return min + Math.floor((this.nextU32() / 4294967296) * (max - min));
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length)]!;
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.nextU32() / 4294967296 < p;
  }
}

/** Folds a 64-bit-ish seed (number or bigint) to 32 bits. */
export function seed32(seed: number | bigint): number {
  const b = BigInt.asUintN(64, BigInt(seed));
  return fmix32(Number(b & 0xffffffffn) ^ fmix32(Number(b >> 32n)));
}
