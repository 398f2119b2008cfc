/**
 * `traceparent` in record headers: written by a source's produce stage, read by a sink's consume stage (and by a
 * source's produce stage, for records that arrive carrying one from upstream).
 */
import type { Link, SpanContext } from '@opentelemetry/api';
import { TRACEPARENT, headerTraceparent, traceparentBytes } from './traceparent.js';

export interface HeaderLike {
  readonly key: string;
  readonly value: Uint8Array | null;
}

export interface WithHeaders {
  readonly headers: readonly HeaderLike[];
}

/** OpenTelemetry's default span link limit: more would be dropped by the SDK anyway. */
export const MAX_LINKS = 128;

/** One link per distinct span context the records carry in `traceparent` (at most MAX_LINKS). */
export function traceparentLinks(records: ReadonlyArray<WithHeaders | null | undefined>): Link[] {
  const links: Link[] = [];
  let seen: Set<string> | undefined;
  // Records of one source batch come in a row with the same bytes: those are parsed once.
  let last: Uint8Array | undefined;
  for (const r of records) {
    if (!r || r.headers.length === 0) continue;
    const value = traceparentValue(r.headers);
    if (!value || (last !== undefined && sameBytes(value, last))) continue;
    last = value;
    const sc = headerTraceparent(r.headers);
    if (!sc) continue;
    seen ??= new Set();
    if (seen.has(sc.spanId)) continue;
    seen.add(sc.spanId);
    links.push({ context: sc });
    if (links.length === MAX_LINKS) break;
  }
  return links;
}

function traceparentValue(headers: readonly HeaderLike[]): Uint8Array | null {
  for (const h of headers) if (h.key === TRACEPARENT) return h.value;
  return null;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = a.length - 1; i >= 0; i--) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Gives each record (in place in the array) a `traceparent` header naming `sc` — except those that carry one already (from an
 * upstream producer), which keep theirs: the trace they belong to goes on downstream, and the produce span links
 * to it. Records are copied, never changed (a converter or a tap may still hold them).
 */
export function addTraceparent<R extends WithHeaders>(records: R[], sc: SpanContext): void {
  const header: HeaderLike = { key: TRACEPARENT, value: traceparentBytes(sc) };
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.headers.some((h) => h.key === TRACEPARENT)) continue;
    records[i] = { ...r, headers: [...r.headers, header] };
  }
}
