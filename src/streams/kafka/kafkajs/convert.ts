/**
 * Conversions between the client port's shapes and kafkajs's: byte views, headers, partition lists.
 */
import type { IHeaders } from 'kafkajs';
import type { TopicPartition } from '../../../connectors/api/index.js';
import type { KafkaHeader } from '../client.js';

/** Zero-copy views between Uint8Array and Buffer (kafkajs wants Buffers). */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

const EMPTY = Buffer.alloc(0);

export function toKafkajsHeaders(headers: readonly KafkaHeader[]): IHeaders | undefined {
  if (headers.length === 0) return undefined;
  const out: IHeaders = {};
  for (const h of headers) {
    // kafkajs cannot write a null header value (it throws); the nearest it can write is an empty one.
    const v = h.value === null ? EMPTY : toBuffer(h.value);
    const prev = out[h.key];
    if (prev === undefined) out[h.key] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else out[h.key] = [prev, v];
  }
  return out;
}

export function fromKafkajsHeaders(headers: IHeaders | undefined): KafkaHeader[] {
  if (!headers) return [];
  const out: KafkaHeader[] = [];
  for (const key of Object.keys(headers)) {
    const v = headers[key];
    const values = Array.isArray(v) ? v : [v];
    for (const x of values) {
      out.push({ key, value: x === undefined || x === null ? null : typeof x === 'string' ? Buffer.from(x) : x });
    }
  }
  return out;
}

export function groupByTopic(partitions: readonly TopicPartition[]): Array<{ topic: string; partitions: number[] }> {
  const m = new Map<string, number[]>();
  for (const tp of partitions) {
    let l = m.get(tp.topic);
    if (!l) m.set(tp.topic, (l = []));
    l.push(tp.partition);
  }
  return [...m].map(([topic, ps]) => ({ topic, partitions: ps }));
}

