/**
 * Records packed into one ArrayBuffer to cross a thread boundary: one transfer per batch instead of a structured
 * clone of every key, value and header (whose Buffers often view an 8 KiB pool slab each). Unpacked records view
 * the buffer they arrived in; nothing is copied twice.
 *
 * Per record: partition i32 (-1: none), timestamp f64 (NaN: none), key, value (i32 length, -1: null, bytes),
 * header count u32, each header: key (u32 length, UTF-8), value (as key/value). A producer batch starts with its
 * topics (u32 count, each u32 length + UTF-8) and gives each record a u32 topic index; a consumed batch gives
 * each record an f64 offset and a u8 timestamp type. A send's answer, the metadata of each record in send order, is
 * packed too (i32 partition, f64 offset, f64 timestamp, NaN: none; the topic is the sent record's): a structured
 * clone of a thousand small objects costs more than the whole crossing of their records.
 */
import type { ConsumedMessage, KafkaHeader, ProducedRecordMetadata, ProducerRecord, TimestampKind } from '../../streams/kafka/client.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const TIMESTAMP_KINDS: readonly TimestampKind[] = ['NoTimestampType', 'CreateTime', 'LogAppendTime'];

class Writer {
  readonly buffer: ArrayBuffer;
  readonly bytes: Uint8Array;
  readonly view: DataView;
  at = 0;
  constructor(size: number) {
    this.buffer = new ArrayBuffer(size);
    this.bytes = new Uint8Array(this.buffer);
    this.view = new DataView(this.buffer);
  }
  u8(v: number) {
    this.view.setUint8(this.at, v);
    this.at += 1;
  }
  u32(v: number) {
    this.view.setUint32(this.at, v);
    this.at += 4;
  }
  i32(v: number) {
    this.view.setInt32(this.at, v);
    this.at += 4;
  }
  f64(v: number) {
    this.view.setFloat64(this.at, v);
    this.at += 8;
  }
  blob(b: Uint8Array | null) {
    if (b === null) return this.i32(-1);
    this.i32(b.length);
    this.bytes.set(b, this.at);
    this.at += b.length;
  }
  text(s: Uint8Array) {
    this.u32(s.length);
    this.bytes.set(s, this.at);
    this.at += s.length;
  }
}

class Reader {
  readonly view: DataView;
  at = 0;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u8() {
    return this.view.getUint8(this.at++);
  }
  u32() {
    const v = this.view.getUint32(this.at);
    this.at += 4;
    return v;
  }
  i32() {
    const v = this.view.getInt32(this.at);
    this.at += 4;
    return v;
  }
  f64() {
    const v = this.view.getFloat64(this.at);
    this.at += 8;
    return v;
  }
  blob(): Uint8Array | null {
    const n = this.i32();
    if (n < 0) return null;
    const b = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }
  text(): string {
    const n = this.u32();
    const s = decoder.decode(this.bytes.subarray(this.at, this.at + n));
    this.at += n;
    return s;
  }
}

/** Header keys encoded once per batch and key (batches repeat the same few). */
function headerKeyCache() {
  const cache = new Map<string, Uint8Array>();
  return (key: string) => {
    let b = cache.get(key);
    if (!b) cache.set(key, (b = encoder.encode(key)));
    return b;
  };
}

function headersSize(headers: readonly KafkaHeader[], keyBytes: (k: string) => Uint8Array): number {
  let n = 4;
  for (const h of headers) n += 4 + keyBytes(h.key).length + 4 + (h.value?.length ?? 0);
  return n;
}

function writeHeaders(w: Writer, headers: readonly KafkaHeader[], keyBytes: (k: string) => Uint8Array): void {
  w.u32(headers.length);
  for (const h of headers) {
    w.text(keyBytes(h.key));
    w.blob(h.value);
  }
}

function readHeaders(r: Reader): KafkaHeader[] {
  const n = r.u32();
  const headers: KafkaHeader[] = [];
  for (let i = 0; i < n; i++) headers.push({ key: r.text(), value: r.blob() });
  return headers;
}

export function packProducerRecords(records: readonly ProducerRecord[]): ArrayBuffer {
  const topics = new Map<string, number>();
  const topicBytes: Uint8Array[] = [];
  const keyBytes = headerKeyCache();
  let size = 4;
  for (const r of records) {
    if (!topics.has(r.topic)) {
      topics.set(r.topic, topicBytes.length);
      const b = encoder.encode(r.topic);
      topicBytes.push(b);
      size += 4 + b.length;
    }
    size += 4 + 4 + 8 + 4 + (r.key?.length ?? 0) + 4 + (r.value?.length ?? 0) + headersSize(r.headers, keyBytes);
  }
  const w = new Writer(size);
  w.u32(topicBytes.length);
  for (const t of topicBytes) w.text(t);
  for (const r of records) {
    w.u32(topics.get(r.topic)!);
    w.i32(r.partition ?? -1);
    w.f64(r.timestamp ?? NaN);
    w.blob(r.key);
    w.blob(r.value);
    writeHeaders(w, r.headers, keyBytes);
  }
  return w.buffer;
}

export function unpackProducerRecords(buffer: ArrayBuffer): ProducerRecord[] {
  const r = new Reader(new Uint8Array(buffer));
  const topics: string[] = [];
  for (let n = r.u32(); n > 0; n--) topics.push(r.text());
  const out: ProducerRecord[] = [];
  while (r.at < r.bytes.length) {
    const topic = topics[r.u32()]!;
    const partition = r.i32();
    const timestamp = r.f64();
    out.push({
      topic,
      partition: partition < 0 ? null : partition,
      timestamp: Number.isNaN(timestamp) ? null : timestamp,
      key: r.blob(),
      value: r.blob(),
      headers: readHeaders(r),
    });
  }
  return out;
}

export function packConsumedMessages(messages: readonly ConsumedMessage[]): ArrayBuffer {
  const keyBytes = headerKeyCache();
  let size = 0;
  for (const m of messages) size += 8 + 8 + 1 + 4 + (m.key?.length ?? 0) + 4 + (m.value?.length ?? 0) + headersSize(m.headers, keyBytes);
  const w = new Writer(size);
  for (const m of messages) {
    w.f64(m.offset);
    w.f64(m.timestamp ?? NaN);
    w.u8(TIMESTAMP_KINDS.indexOf(m.timestampType));
    w.blob(m.key);
    w.blob(m.value);
    writeHeaders(w, m.headers, keyBytes);
  }
  return w.buffer;
}

export function unpackConsumedMessages(buffer: ArrayBuffer): ConsumedMessage[] {
  const r = new Reader(new Uint8Array(buffer));
  const out: ConsumedMessage[] = [];
  while (r.at < r.bytes.length) {
    const offset = r.f64();
    const timestamp = r.f64();
    const timestampType = TIMESTAMP_KINDS[r.u8()] ?? 'NoTimestampType';
    out.push({ offset, timestamp: Number.isNaN(timestamp) ? null : timestamp, timestampType, key: r.blob(), value: r.blob(), headers: readHeaders(r) });
  }
  return out;
}

const METADATA_BYTES = 4 + 8 + 8;

export function packProducedMetadata(metadata: readonly ProducedRecordMetadata[]): ArrayBuffer {
  const w = new Writer(metadata.length * METADATA_BYTES);
  for (const m of metadata) {
    w.i32(m.partition);
    w.f64(m.offset);
    w.f64(m.timestamp ?? NaN);
  }
  return w.buffer;
}

/** The metadata of the records sent, from their packed answer: `topics` are theirs, in send order. */
export function unpackProducedMetadata(buffer: ArrayBuffer, topics: readonly string[]): ProducedRecordMetadata[] {
  if (buffer.byteLength !== topics.length * METADATA_BYTES) {
    throw new Error(`the answer to a send of ${topics.length} records holds ${buffer.byteLength / METADATA_BYTES} records' metadata`);
  }
  const r = new Reader(new Uint8Array(buffer));
  const out: ProducedRecordMetadata[] = new Array(topics.length);
  for (let i = 0; i < topics.length; i++) {
    const partition = r.i32();
    const offset = r.f64();
    const timestamp = r.f64();
    out[i] = { topic: topics[i]!, partition, offset, timestamp: Number.isNaN(timestamp) ? null : timestamp };
  }
  return out;
}
