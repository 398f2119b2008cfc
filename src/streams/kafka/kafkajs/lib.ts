/**
 * kafkajs, loaded on first use with the codecs Sluice adds registered: a command that never talks to Kafka
 * (`sluice validate`, a brokerless pipeline) does not load it (~50 ms of start-up CPU).
 */
import { createRequire } from 'node:module';
import type * as Kafkajs from 'kafkajs';

let lib: typeof Kafkajs | undefined;
const onLoad: Array<(k: typeof Kafkajs) => void> = [];

export function kafkajs(): typeof Kafkajs {
  if (!lib) {
    lib = createRequire(import.meta.url)('kafkajs') as typeof Kafkajs;
    dropRequestQueueTimerWarning();
    for (const f of onLoad) f(lib);
  }
  return lib;
}

/** Runs `f` with kafkajs once it is loaded (at once if it is). */
export function whenKafkajsLoaded(f: (k: typeof Kafkajs) => void): void {
  if (lib) f(lib);
  else onLoad.push(f);
}

/**
 * kafkajs 2.2.4 schedules its request queue's check at `throttledUntil - Date.now()` with `throttledUntil` -1 when
 * nothing is throttled (tulios/kafkajs#1751): Node 24 then prints a TimeoutNegativeWarning on every connection,
 * which is noise (the delay was always taken as 1 ms, as it still is). Only that warning, raised from there, is
 * dropped; every other goes on to the process's own handling.
 */
function dropRequestQueueTimerWarning(): void {
  const emit = process.emitWarning;
  const filtered = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]): void {
    const type = typeof warning === 'string' ? (typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type) : warning.name;
    if (type === 'TimeoutNegativeWarning' && /kafkajs[\\/]src[\\/]network[\\/]requestQueue/.test(new Error().stack ?? '')) return;
    return (emit as (...args: unknown[]) => void).call(this, warning, ...rest);
  };
  process.emitWarning = filtered as typeof process.emitWarning;
}
