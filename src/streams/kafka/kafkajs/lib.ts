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
    for (const f of onLoad) f(lib);
  }
  return lib;
}

/** Runs `f` with kafkajs once it is loaded (at once if it is). */
export function whenKafkajsLoaded(f: (k: typeof Kafkajs) => void): void {
  if (lib) f(lib);
  else onLoad.push(f);
}
