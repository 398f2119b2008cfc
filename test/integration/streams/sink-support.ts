/** What the sink tests on the real broker share: waiting for a condition, and schemaless JSON converters. */
import { JsonConverter } from '../../../src/converters/index.js';
import type { Converters } from '../../../src/streams/index.js';

export async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 90_000, everyMs = 25): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`gave up waiting for ${what}`);
}

export function jsonConverters(): Converters {
  return {
    key: new JsonConverter({ 'schemas.enable': false }, true),
    value: new JsonConverter({ 'schemas.enable': false }, false),
    header: new JsonConverter({ 'schemas.enable': false, 'converter.type': 'header' }),
  };
}
