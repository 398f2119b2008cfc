/**
 * `GET /connectors/{name}/tap` (Server-Sent Events): the next `limit` records (default 10, at most 10,000) of a
 * running connector, or those of `seconds` (default 30, at most 600), at `stage` `transform` (default: as they
 * leave the transformation chain), `poll` (as they enter it) or `bytes` (as the bytes sent to or consumed from
 * Kafka), a `sample` fraction of them (default 1).
 *
 * Each record is one `record` event (JSON: topic, partition, offset, timestamp, key, value, headers); the stream
 * ends with an `end` event (counts: sent, dropped, seen) and closes. Redacted, shown as "[redacted]": header
 * values, the fields named in the connector's `sluice.tap.redact.fields` (at any depth of the key and value), and
 * the values of the connector's PASSWORD keys wherever they appear in a string. At the `bytes` stage a key or value
 * is `{size, text}` (valid UTF-8) or `{size, base64}`; with fields to redact, a JSON text is shown redacted and any
 * other one only by its size, as is one holding a secret. The data path never waits for a tap: records wait in a
 * buffer of 256 while the client reads; beyond that they are dropped (and counted).
 */
import type { Subscription } from 'rxjs';
import { BigDecimal, SinkRecord, Struct, type ConnectRecord } from '../data/index.js';
import type { TappedBytes } from '../streams/contracts.js';
import { TAP_STAGES, type Redaction, type TapHub, type TapStage, type Tapped } from '../worker/taps.js';
import { RestError } from './errors.js';

const REDACTED = '[redacted]';
const BUFFER = 256;

export interface TapRequest {
  readonly stage: TapStage;
  readonly limit: number;
  readonly seconds: number;
  readonly sample: number;
}

/** The query of a tap request, checked (400 naming the parameter). */
export function tapRequest(query: URLSearchParams): TapRequest {
  const num = (name: string, fallback: number, min: number, max: number): number => {
    const raw = query.get(name);
    if (raw === null || raw === '') return fallback;
    const v = Number(raw);
    if (!Number.isFinite(v) || v < min || v > max) throw new RestError(400, `Invalid value ${raw} for parameter ${name}: must be between ${min} and ${max}`);
    return v;
  };
  const stage = query.get('stage') ?? 'transform';
  if (!(TAP_STAGES as readonly string[]).includes(stage)) throw new RestError(400, `Invalid value ${stage} for parameter stage: must be one of ${TAP_STAGES.join(', ')}`);
  return {
    stage: stage as TapStage,
    limit: Math.floor(num('limit', 10, 1, 10_000)),
    seconds: num('seconds', 30, 0.001, 600),
    sample: num('sample', 1, Number.MIN_VALUE, 1),
  };
}

export const NO_REDACTION: Redaction = { fields: new Set(), secrets: [] };

function redactedString(s: string, secrets: readonly string[]): string {
  let out = s;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

/** A Connect value as JSON, with the named fields and the secrets redacted wherever they appear. */
export function redactedJson(value: unknown, redact: Redaction): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return redactedString(value, redact.secrets);
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof BigDecimal) return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return holdsSecret(value, redact.secrets) ? REDACTED : Buffer.from(value).toString('base64');
  const field = (name: string, v: unknown): unknown => (redact.fields.has(name) ? REDACTED : redactedJson(v, redact));
  if (value instanceof Struct) {
    const out: Record<string, unknown> = {};
    for (const f of value.schema.fields) out[f.name] = field(f.name, value.get(f.name));
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => redactedJson(v, redact));
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[String(k)] = field(String(k), v);
    return out;
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = field(k, v);
    return out;
  }
  return value;
}

function holdsSecret(bytes: Uint8Array, secrets: readonly string[]): boolean {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return secrets.some((secret) => b.includes(secret));
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A key or value at the `bytes` stage. */
export function redactedBytes(bytes: Uint8Array | null, redact: Redaction): Record<string, unknown> | null {
  if (bytes === null) return null;
  const size = bytes.byteLength;
  let text: string | undefined;
  try {
    text = UTF8.decode(bytes);
  } catch {
    text = undefined;
  }
  if (text === undefined) {
    if (redact.fields.size > 0 || holdsSecret(bytes, redact.secrets)) return { size, redacted: true };
    return { size, base64: Buffer.from(bytes).toString('base64') };
  }
  if (redact.fields.size === 0) return { size, text: redactedString(text, redact.secrets) };
  try {
    return { size, text: JSON.stringify(redactedJson(JSON.parse(text), redact)) };
  } catch {
    return { size, redacted: true };
  }
}

function redactedHeaders(keys: Iterable<{ key: string }>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const h of keys) headers[h.key] = REDACTED;
  return headers;
}

export function tapEvent(record: ConnectRecord, redact: Redaction): Record<string, unknown> {
  return {
    topic: record.topic,
    partition: record.kafkaPartition,
    ...(record instanceof SinkRecord ? { offset: record.kafkaOffset } : {}),
    timestamp: record.timestamp,
    key: redactedJson(record.key, redact),
    value: redactedJson(record.value, redact),
    headers: redactedHeaders(record.headers),
  };
}

export function bytesTapEvent(record: TappedBytes, redact: Redaction): Record<string, unknown> {
  return {
    topic: record.topic,
    partition: record.partition,
    ...(record.offset !== undefined ? { offset: record.offset } : {}),
    timestamp: record.timestamp,
    key: redactedBytes(record.key, redact),
    value: redactedBytes(record.value, redact),
    headers: redactedHeaders(record.headers),
  };
}

/** Where a tap writes: an SSE event; false when the client's buffer is full. */
export interface EventSink {
  event(name: string, data: unknown): boolean;
  /** Resolves once the client can take more. */
  drained(): Promise<void>;
  readonly closed: AbortSignal;
}

/** Streams the tap to `sink` until the limit, the time or the client ends it. */
export async function streamTap(taps: TapHub, connector: string, redact: Redaction, req: TapRequest, sink: EventSink): Promise<void> {
  const queue: Record<string, unknown>[] = [];
  let seen = 0;
  let sent = 0;
  let dropped = 0;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const toEvent =
    req.stage === 'bytes'
      ? (r: Tapped<TapStage>) => bytesTapEvent(r as TappedBytes, redact)
      : (r: Tapped<TapStage>) => tapEvent(r as ConnectRecord, redact);
  const subscription: Subscription = taps.observe<TapStage>(connector, req.stage).subscribe((record) => {
    seen++;
    if (sent + queue.length >= req.limit || (req.sample < 1 && Math.random() >= req.sample)) return;
    if (queue.length >= BUFFER) {
      dropped++;
      return;
    }
    queue.push(toEvent(record));
    notify();
  });
  const until = Date.now() + req.seconds * 1000;
  // Settles when the time is up or the client went away: every wait below races it.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const over = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, req.seconds * 1000);
    sink.closed.addEventListener('abort', () => resolve(), { once: true });
  });
  void over.then(notify);
  const ended = () => sent >= req.limit || sink.closed.aborted || Date.now() >= until;
  try {
    while (!ended()) {
      const next = queue.shift();
      if (!next) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      sent++;
      if (!sink.event('record', next)) await Promise.race([sink.drained(), over]);
    }
  } finally {
    subscription.unsubscribe();
    clearTimeout(timer);
  }
  if (!sink.closed.aborted) sink.event('end', { sent, dropped, seen });
}
