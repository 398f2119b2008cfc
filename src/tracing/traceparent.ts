/**
 * W3C Trace Context's `traceparent` (https://www.w3.org/TR/trace-context/#traceparent-header), version 00, as a
 * Kafka record header: `00-<32 hex trace id>-<16 hex span id>-<2 hex flags>`, 55 bytes of ASCII.
 */
import { TraceFlags, isSpanContextValid, type SpanContext } from '@opentelemetry/api';

export const TRACEPARENT = 'traceparent';

const PATTERN = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

export function formatTraceparent(sc: SpanContext): string {
  return `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & TraceFlags.SAMPLED ? '01' : '00')}`;
}

/** The span context a `traceparent` value names, or null when it is not a valid one (version ff, zero ids, …). */
export function parseTraceparent(value: string): SpanContext | null {
  const m = PATTERN.exec(value.trim());
  if (!m) return null;
  const [, version, traceId, spanId, flags, rest] = m;
  // Version 00 has exactly four fields; a later version may add some (read the first four), ff is invalid.
  if (version === 'ff' || (version === '00' && rest !== undefined)) return null;
  const sc: SpanContext = { traceId: traceId!, spanId: spanId!, traceFlags: parseInt(flags!, 16) & TraceFlags.SAMPLED, isRemote: true };
  return isSpanContextValid(sc) ? sc : null;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function traceparentBytes(sc: SpanContext): Uint8Array {
  return encoder.encode(formatTraceparent(sc));
}

/** A header list's `traceparent` span context (the first such header), or null. */
export function headerTraceparent(headers: ReadonlyArray<{ readonly key: string; readonly value: Uint8Array | null }>): SpanContext | null {
  for (const h of headers) {
    if (h.key === TRACEPARENT) return h.value ? parseTraceparent(decoder.decode(h.value)) : null;
  }
  return null;
}
