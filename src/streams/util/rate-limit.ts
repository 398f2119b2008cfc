/**
 * Framework-level rate limits of any connector's tasks (`sluice.rate.limit.records.per.second`,
 * `sluice.rate.limit.bytes.per.second`; per task, 0 = none): token buckets holding one second of the rate. A
 * batch takes what it is (records, bytes) and may leave the bucket in debt; the next poll (source) or fetch
 * (sink) waits until the debt is paid. So the rate over any window is at most the limit plus one second's burst
 * and one batch, and a task under its limit never waits. Changing a limit is a config update (tasks restart
 * with the new value, committing what was acknowledged).
 */
import { ConfigDef, Validators, type ConnectorConfig } from '../../connectors/api/index.js';
import { sleep } from '../../async/index.js';

export const RATE_LIMIT_PREFIX = 'sluice.rate.limit.';
export const RATE_LIMIT_RECORDS_CONFIG = 'sluice.rate.limit.records.per.second';
export const RATE_LIMIT_BYTES_CONFIG = 'sluice.rate.limit.bytes.per.second';

const GROUP = 'Rate limits (Sluice)';

export function rateLimitConfigDef(): ConfigDef {
  return new ConfigDef()
    .define({
      name: RATE_LIMIT_RECORDS_CONFIG,
      type: 'DOUBLE',
      defaultValue: 0,
      validator: Validators.atLeast(0),
      importance: 'LOW',
      documentation: 'Most records per second each task polls (source) or consumes (sink); 0 = no limit.',
      group: GROUP,
      orderInGroup: 1,
    })
    .define({
      name: RATE_LIMIT_BYTES_CONFIG,
      type: 'DOUBLE',
      defaultValue: 0,
      validator: Validators.atLeast(0),
      importance: 'LOW',
      documentation:
        'Most bytes per second each task sends to (source: converted keys, values and headers) or reads from ' +
        '(sink: consumed keys and values) Kafka; 0 = no limit.',
      group: GROUP,
      orderInGroup: 2,
    });
}

/** Tokens (records or bytes) below which a debt is floating-point noise. */
const ROUNDING = 1e-6;

/** A token bucket of one second's worth, allowed into debt by one take. */
export class TokenBucket {
  #tokens: number;
  #at: number;

  constructor(
    readonly perSecond: number,
    readonly now: () => number = () => performance.now(),
  ) {
    if (!(perSecond > 0)) throw new RangeError(`a rate must be positive, got ${perSecond}`);
    this.#tokens = perSecond;
    this.#at = now();
  }

  #refill(): void {
    const t = this.now();
    this.#tokens = Math.min(this.perSecond, this.#tokens + ((t - this.#at) * this.perSecond) / 1000);
    this.#at = t;
  }

  take(n: number): void {
    this.#refill();
    this.#tokens -= n;
  }

  /** Milliseconds until the bucket is out of debt (0 when it is not in debt). */
  waitMs(): number {
    this.#refill();
    // A debt this small is the rounding of the refill's arithmetic, not a token owed: without the allowance, a
    // task that waited exactly as told could be told to wait one more millisecond.
    return this.#tokens >= -ROUNDING ? 0 : Math.ceil((-this.#tokens * 1000) / this.perSecond);
  }
}

/** A task's limits: count what passed, and wait before the next batch while over a limit. */
export class RateLimits {
  readonly #records: TokenBucket | null;
  readonly #bytes: TokenBucket | null;

  constructor(records: number, bytes: number, now?: () => number) {
    this.#records = records > 0 ? new TokenBucket(records, now) : null;
    this.#bytes = bytes > 0 ? new TokenBucket(bytes, now) : null;
  }

  /** The limits a (task's pipeline) config asks for; null when it asks for none. */
  static of(config: ConnectorConfig): RateLimits | null {
    const v = rateLimitConfigDef().parse(config);
    const records = v[RATE_LIMIT_RECORDS_CONFIG] as number;
    const bytes = v[RATE_LIMIT_BYTES_CONFIG] as number;
    return records > 0 || bytes > 0 ? new RateLimits(records, bytes) : null;
  }

  get limitsBytes(): boolean {
    return this.#bytes !== null;
  }

  taken(records: number, bytes: number): void {
    this.#records?.take(records);
    this.#bytes?.take(bytes);
  }

  waitMs(): number {
    return Math.max(this.#records?.waitMs() ?? 0, this.#bytes?.waitMs() ?? 0);
  }

  /** Waits out the debt (aborted by `signal`); returns the milliseconds waited, for the throttle-time metric. */
  async throttle(signal?: AbortSignal): Promise<number> {
    const ms = this.waitMs();
    if (ms === 0) return 0;
    const started = performance.now();
    await sleep(ms, signal);
    return performance.now() - started;
  }
}
