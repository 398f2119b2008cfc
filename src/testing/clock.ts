/**
 * A virtual clock for tests: the process's timers (`setTimeout`, `setInterval`, `setImmediate`, their clears),
 * `Date` and `performance.now()` are replaced by fake ones (@sinonjs/fake-timers) that only move when the test
 * says so. Promises, `process.nextTick`, `queueMicrotask` and real I/O stay real, so code under test runs as
 * usual between two moves of the clock.
 *
 *   const clock = VirtualClock.install();
 *   try { …; await clock.advance(60_000); … } finally { clock.uninstall(); }
 *
 * One clock at a time per process: `install` refuses a second one. Timers still pending at `uninstall` are
 * dropped (they never fire).
 */
import FakeTimers from '@sinonjs/fake-timers';
import { markVirtualTime } from '../async/index.js';

type FakeClock = ReturnType<typeof FakeTimers.withGlobal>['install'] extends (...a: never[]) => infer C ? C : never;

// The real functions, taken before any clock is installed: settling needs real turns of the event loop.
const realSetImmediate = globalThis.setImmediate;
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const RealDate = Date;
/** Real milliseconds for deadlines (hrtime is never faked here). */
const realNow = () => Number(process.hrtime.bigint() / 1_000_000n);
let installed: VirtualClock | undefined;

export interface VirtualClockOptions {
  /** Epoch milliseconds (or a Date) the virtual clock starts at. Default: the real time now. */
  readonly now?: number | Date;
  /**
   * Real turns of the event loop taken (twice in a row with no timer due) after every timer fired, so promises, I/O callbacks and the
   * work they start can run before the next timer. Default 1.
   */
  readonly settleTurns?: number;
}

export interface RunUntilOptions {
  /** Virtual milliseconds to give up after (default 10 minutes). */
  readonly timeoutMs?: number;
  /** Named in the error when the condition never holds. */
  readonly description?: string;
  /** Real milliseconds to give up after (default 30 000): a guard against code that waits on real I/O forever. */
  readonly realTimeoutMs?: number;
}

/** The condition of `runUntil` did not hold within the virtual (or real) time given. */
export class VirtualTimeoutError extends Error {
  override readonly name = 'VirtualTimeoutError';
}

export class VirtualClock {
  readonly #clock: FakeClock;
  readonly #settleTurns: number;
  #uninstalled = false;

  private constructor(clock: FakeClock, settleTurns: number) {
    this.#clock = clock;
    this.#settleTurns = settleTurns;
  }

  /** Replaces the global timers, Date and performance.now with virtual ones. */
  static install(options: VirtualClockOptions = {}): VirtualClock {
    if (installed) throw new Error('a VirtualClock is already installed in this process; uninstall it first');
    const now = options.now instanceof Date ? options.now.getTime() : (options.now ?? RealDate.now());
    const clock = FakeTimers.withGlobal(globalThis).install({
      now,
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'Date', 'performance'],
      shouldClearNativeTimers: false,
      loopLimit: 100_000,
    }) as FakeClock;
    installed = new VirtualClock(clock, options.settleTurns ?? 1);
    markVirtualTime(true);
    return installed;
  }

  /** The clock installed now, if any. */
  static current(): VirtualClock | undefined {
    return installed;
  }

  /** Virtual epoch milliseconds (what `Date.now()` returns while installed). */
  now(): number {
    return this.#clock.now;
  }

  /** Pending virtual timers (intervals count once). */
  pendingTimers(): number {
    return this.#clock.countTimers();
  }

  /**
   * Lets whatever is runnable now run (promises, I/O callbacks, timers due now), without moving virtual time.
   */
  async settle(): Promise<void> {
    this.#check();
    // Until two rounds in a row find nothing due now: real turns (promises, I/O), then the timers due now.
    // File system requests in flight (an offsets file, a sink's file) are waited for too: real I/O is not timed.
    let quiet = 0;
    const ioDeadline = realNow() + 10_000;
    for (let round = 0; round < 100_000 && quiet < 2; round++) {
      await realTurns(this.#settleTurns);
      const next = this.#nextTimerAt();
      if (next !== undefined && next <= this.#clock.now) {
        quiet = 0;
        this.#fireNext();
      } else if (fileRequestsPending() && realNow() < ioDeadline) {
        quiet = 0;
      } else {
        quiet++;
      }
    }
  }

  /**
   * Moves virtual time forward by `ms`, firing every timer that falls due in order, each at its own virtual
   * time, and letting the work each one starts run (promises, real I/O) before the next.
   */
  async advance(ms: number): Promise<void> {
    this.#check();
    if (!(ms >= 0)) throw new RangeError(`advance(ms) needs ms >= 0, got ${ms}`);
    const target = this.#clock.now + ms;
    await this.settle();
    for (;;) {
      const next = this.#nextTimerAt();
      if (next === undefined || next > target) break;
      this.#fireNext();
      await this.settle();
    }
    // No timer is due up to the target: moving the clock there fires nothing.
    if (this.#clock.now < target) this.#clock.tick(target - this.#clock.now);
    await this.settle();
  }

  /** Moves virtual time to an absolute epoch millisecond (no-op if it is in the past). */
  advanceTo(epochMs: number | Date): Promise<void> {
    const t = epochMs instanceof Date ? epochMs.getTime() : epochMs;
    return this.advance(Math.max(0, t - this.#clock.now));
  }

  /**
   * Fires timers one due time after another until `condition` holds, moving virtual time only as far as
   * needed; throws VirtualTimeoutError once `timeoutMs` of virtual time passed without it holding.
   */
  async runUntil(condition: () => boolean | Promise<boolean>, options: RunUntilOptions = {}): Promise<void> {
    this.#check();
    const timeoutMs = options.timeoutMs ?? 600_000;
    const realTimeoutMs = options.realTimeoutMs ?? 30_000;
    const deadline = this.#clock.now + timeoutMs;
    const realDeadline = realNow() + realTimeoutMs;
    const what = options.description ?? 'the condition';
    await this.settle();
    for (;;) {
      if (await condition()) return;
      if (realNow() > realDeadline) {
        throw new VirtualTimeoutError(`${what} did not hold within ${realTimeoutMs} ms of real time (virtual time ${new Date(this.#clock.now).toISOString()})`);
      }
      const next = this.#nextTimerAt();
      if (next !== undefined && next <= deadline) {
        this.#fireNext();
      } else if (next === undefined && fileRequestsPending()) {
        // Nothing scheduled but file I/O in flight: that may still change things; give it a moment of real time.
        await realSleep(1);
      } else if (this.#clock.now < deadline) {
        // Nothing due before the deadline: moving there fires nothing.
        this.#clock.tick(deadline - this.#clock.now);
      } else {
        throw new VirtualTimeoutError(`${what} did not hold within ${timeoutMs} ms of virtual time`);
      }
      await this.settle();
    }
  }

  /**
   * Awaits a promise while virtual time runs forward as far as it needs (e.g. a graceful stop that waits on
   * timers). Throws VirtualTimeoutError after `timeoutMs` of virtual time.
   */
  async drive<T>(promise: Promise<T>, options: RunUntilOptions = {}): Promise<T> {
    let settled = false;
    let value: T | undefined;
    let error: unknown;
    let failed = false;
    promise.then(
      (v) => {
        settled = true;
        value = v;
      },
      (e: unknown) => {
        settled = true;
        failed = true;
        error = e;
      },
    );
    await this.runUntil(() => settled, { description: 'the driven promise', ...options });
    if (failed) throw error;
    return value as T;
  }

  /** Restores the real timers, Date and performance.now. Idempotent. */
  uninstall(): void {
    if (this.#uninstalled) return;
    this.#uninstalled = true;
    this.#clock.uninstall();
    if (installed === this) installed = undefined;
    markVirtualTime(false);
  }

  [Symbol.dispose](): void {
    this.uninstall();
  }

  #nextTimerAt(): number | undefined {
    // fake-timers keeps its timers on the clock (a heap by due time, a Map by id); `next()` would fire one.
    const c = this.#clock as unknown as { timerHeap?: { peek(): { callAt: number } | undefined }; timers?: Map<number, { callAt: number }> | Record<string, { callAt: number }> };
    if (c.timerHeap) return c.timerHeap.peek()?.callAt;
    if (!c.timers) return undefined;
    let min: number | undefined;
    for (const t of c.timers instanceof Map ? c.timers.values() : Object.values(c.timers)) if (min === undefined || t.callAt < min) min = t.callAt;
    return min;
  }

  /** Fires the earliest timer at its due time; its callback runs outside a "tick", as a real one would. */
  #fireNext(): void {
    this.#clock.next();
  }

  #check(): void {
    if (this.#uninstalled) throw new Error('this VirtualClock was uninstalled');
  }
}

/** Real turns of the event loop (macrotasks), whatever the globals are now. */
async function realTurns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => realSetImmediate(r));
}

/** Whether the process waits on a file system request (Node's active resources, as of Node 17). */
function fileRequestsPending(): boolean {
  const info = (process as { getActiveResourcesInfo?: () => string[] }).getActiveResourcesInfo?.();
  return !!info && info.some((r) => r === 'FSReqPromise' || r === 'FSReqCallback' || r === 'CloseReq' || r === 'FileHandleCloseReq');
}

function realSleep(ms: number): Promise<void> {
  return new Promise<void>((r) => {
    const t = realSetTimeout(() => {
      realClearTimeout(t);
      r();
    }, ms);
  });
}
