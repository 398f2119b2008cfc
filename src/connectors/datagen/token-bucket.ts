/**
 * A token bucket for `records.per.second`: tokens accrue continuously at `rate` up to `capacity`; a caller
 * takes as many as are available (never blocks). The clock is injectable so tests count tokens, not time.
 */
export class TokenBucket {
  #tokens = 0;
  #last: number;

  constructor(
    readonly rate: number,
    readonly capacity: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(rate > 0)) throw new RangeError(`token bucket rate must be positive, got ${rate}`);
    if (!(capacity >= 1)) throw new RangeError(`token bucket capacity must be at least 1, got ${capacity}`);
    this.#last = now();
  }

  #refill(): void {
    const t = this.now();
    if (t > this.#last) {
      this.#tokens = Math.min(this.capacity, this.#tokens + ((t - this.#last) / 1000) * this.rate);
      this.#last = t;
    }
  }

  /** Takes up to `wanted` whole tokens; returns how many were taken (0 when fewer than one is available). */
  take(wanted: number): number {
    this.#refill();
    const n = Math.min(wanted, Math.floor(this.#tokens));
    if (n > 0) this.#tokens -= n;
    return n;
  }

  /** Milliseconds until at least one token is available (0 if one is). */
  msUntilToken(): number {
    this.#refill();
    return this.#tokens >= 1 ? 0 : ((1 - this.#tokens) / this.rate) * 1000;
  }
}
