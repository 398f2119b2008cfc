/**
 * Whether sluice/testing's virtual clock replaced this thread's timers. Work that would run elsewhere on real
 * time (a task thread) stays on this thread then, so the clock drives it.
 */
const VIRTUAL_TIME = Symbol.for('sluice.virtualTime');

export function markVirtualTime(on: boolean): void {
  if (on) (globalThis as Record<symbol, unknown>)[VIRTUAL_TIME] = true;
  else delete (globalThis as Record<symbol, unknown>)[VIRTUAL_TIME];
}

export function virtualTimeInstalled(): boolean {
  return (globalThis as Record<symbol, unknown>)[VIRTUAL_TIME] === true;
}
