/**
 * The Produce request (v3–v7) and its record batches (magic v2), encoded straight into one buffer per batch:
 * sizes first, then one allocation and one pass of writes, varints inline, CRC-32C by table. kafkajs's own
 * encoder spreads an object per record, regroups messages in quadratic time and copies every buffer several
 * times; this replaces it for the producer (the request still goes through kafkajs's broker connection).
 */
import type { ProducerRecord } from '../client.js';
import { crc32c } from './crc32c.js';

/** The codes of a record batch's attributes, bits 0–2. */
export const COMPRESSION_CODES = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;

export interface RecordBatchOptions {
  /** COMPRESSION_CODES value. */
  readonly compression: number;
  /** Compresses the records section; required unless compression is 0. */
  readonly compress?: (records: Buffer) => Promise<Buffer>;
  /** CreateTime for records without a timestamp. */
  readonly now: number;
  /** Idempotent/transactional producers: the producer id, epoch and first sequence (-1 / -1 / -1 otherwise). */
  readonly producerId?: bigint;
  readonly producerEpoch?: number;
  readonly baseSequence?: number;
  readonly transactional?: boolean;
}

/** Bytes of a v2 batch before its records: base offset … record count. */
export const BATCH_HEADER_BYTES = 61;
const ATTRIBUTES_OFFSET = 21;
const CRC_OFFSET = 17;

const textEncoder = new TextEncoder();

function sizeOfVarint(v: number): number {
  const z = ((v << 1) ^ (v >> 31)) >>> 0;
  return z < 0x80 ? 1 : z < 0x4000 ? 2 : z < 0x200000 ? 3 : z < 0x10000000 ? 4 : 5;
}

/** Zigzag varlong of a safe integer. */
function sizeOfVarlong(v: number): number {
  if (v >= -0x40000000 && v < 0x40000000) return sizeOfVarint(v);
  let z = v >= 0 ? v * 2 : -v * 2 - 1;
  let n = 1;
  while (z >= 128) {
    z = Math.floor(z / 128);
    n++;
  }
  return n;
}

function writeVarint(buf: Buffer, off: number, v: number): number {
  let z = ((v << 1) ^ (v >> 31)) >>> 0;
  while (z >= 0x80) {
    buf[off++] = (z & 0x7f) | 0x80;
    z >>>= 7;
  }
  buf[off++] = z;
  return off;
}

function writeVarlong(buf: Buffer, off: number, v: number): number {
  if (v >= -0x40000000 && v < 0x40000000) return writeVarint(buf, off, v);
  let z = v >= 0 ? v * 2 : -v * 2 - 1;
  while (z >= 128) {
    buf[off++] = (z % 128) | 0x80;
    z = Math.floor(z / 128);
  }
  buf[off++] = z;
  return off;
}

function copyBytes(buf: Buffer, off: number, bytes: Uint8Array): number {
  const n = bytes.length;
  if (n < 48) for (let i = 0; i < n; i++) buf[off + i] = bytes[i]!;
  else buf.set(bytes, off);
  return off + n;
}

/**
 * One v2 record batch holding `records[indices[0..count)]` in that order (offset deltas 0..count-1), as Kafka's
 * producer writes it: base timestamp the first record's, CreateTime, no partition leader epoch.
 */
export async function encodeRecordBatch(
  records: readonly ProducerRecord[],
  indices: ArrayLike<number>,
  count: number,
  options: RecordBatchOptions,
): Promise<Buffer> {
  const now = options.now;
  const sizes = new Int32Array(count);
  const headerKeys: Array<Uint8Array[] | undefined> = [];
  const first = records[indices[0]!]!;
  const baseTimestamp = first.timestamp ?? now;
  let maxTimestamp = baseTimestamp;
  let recordsBytes = 0;
  for (let i = 0; i < count; i++) {
    const r = records[indices[i]!]!;
    const ts = r.timestamp ?? now;
    if (ts > maxTimestamp) maxTimestamp = ts;
    let n = 1 + sizeOfVarlong(ts - baseTimestamp) + sizeOfVarint(i);
    n += r.key === null ? 1 : sizeOfVarint(r.key.length) + r.key.length;
    n += r.value === null ? 1 : sizeOfVarint(r.value.length) + r.value.length;
    const headers = r.headers;
    n += sizeOfVarint(headers.length);
    if (headers.length > 0) {
      const keys: Uint8Array[] = new Array(headers.length);
      for (let h = 0; h < headers.length; h++) {
        const k = (keys[h] = textEncoder.encode(headers[h]!.key));
        const v = headers[h]!.value;
        n += sizeOfVarint(k.length) + k.length + (v === null ? 1 : sizeOfVarint(v.length) + v.length);
      }
      headerKeys[i] = keys;
    }
    sizes[i] = n;
    recordsBytes += sizeOfVarint(n) + n;
  }

  const compressed = options.compression !== 0;
  const body = Buffer.allocUnsafe((compressed ? 0 : BATCH_HEADER_BYTES) + recordsBytes);
  let off = compressed ? 0 : BATCH_HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    const r = records[indices[i]!]!;
    off = writeVarint(body, off, sizes[i]!);
    body[off++] = 0;
    off = writeVarlong(body, off, (r.timestamp ?? now) - baseTimestamp);
    off = writeVarint(body, off, i);
    if (r.key === null) body[off++] = 1;
    else off = copyBytes(body, writeVarint(body, off, r.key.length), r.key);
    if (r.value === null) body[off++] = 1;
    else off = copyBytes(body, writeVarint(body, off, r.value.length), r.value);
    const headers = r.headers;
    off = writeVarint(body, off, headers.length);
    if (headers.length > 0) {
      const keys = headerKeys[i]!;
      for (let h = 0; h < headers.length; h++) {
        off = copyBytes(body, writeVarint(body, off, keys[h]!.length), keys[h]!);
        const v = headers[h]!.value;
        // A null header value is varint -1, which kafkajs's own encoder cannot write.
        if (v === null) body[off++] = 1;
        else off = copyBytes(body, writeVarint(body, off, v.length), v);
      }
    }
  }

  let batch: Buffer;
  if (compressed) {
    if (!options.compress) throw new Error(`record batch compression ${options.compression} without a codec`);
    const packed = await options.compress(body);
    batch = Buffer.allocUnsafe(BATCH_HEADER_BYTES + packed.length);
    batch.set(packed, BATCH_HEADER_BYTES);
  } else {
    batch = body;
  }
  const attributes = options.compression | (options.transactional ? 0x10 : 0);
  batch.writeBigInt64BE(0n, 0);
  batch.writeInt32BE(batch.length - 12, 8);
  batch.writeInt32BE(-1, 12);
  batch[16] = 2;
  batch.writeInt16BE(attributes, ATTRIBUTES_OFFSET);
  batch.writeInt32BE(count - 1, 23);
  batch.writeBigInt64BE(BigInt(baseTimestamp), 27);
  batch.writeBigInt64BE(BigInt(maxTimestamp), 35);
  batch.writeBigInt64BE(options.producerId ?? -1n, 43);
  batch.writeInt16BE(options.producerEpoch ?? -1, 51);
  batch.writeInt32BE(options.baseSequence ?? -1, 53);
  batch.writeInt32BE(count, 57);
  batch.writeUInt32BE(crc32c(batch, ATTRIBUTES_OFFSET), CRC_OFFSET);
  return batch;
}

export interface ProducePartitionData {
  readonly partition: number;
  readonly batch: Buffer;
}

export interface ProduceTopicData {
  readonly topic: string;
  readonly partitions: readonly ProducePartitionData[];
}

export interface ProduceRequestBody {
  readonly transactionalId: string | null;
  readonly acks: number;
  readonly timeoutMs: number;
  readonly topics: readonly ProduceTopicData[];
}

/** The body of a Produce request v3–v8 (after the request header): one allocation, each batch copied once. */
export function encodeProduceRequest(request: ProduceRequestBody): Buffer {
  const txn = request.transactionalId === null ? null : Buffer.from(request.transactionalId, 'utf8');
  let size = 2 + (txn?.length ?? 0) + 2 + 4 + 4;
  const names: Buffer[] = [];
  for (const t of request.topics) {
    const name = Buffer.from(t.topic, 'utf8');
    names.push(name);
    size += 2 + name.length + 4;
    for (const p of t.partitions) size += 4 + 4 + p.batch.length;
  }
  const buf = Buffer.allocUnsafe(size);
  let off = 0;
  if (txn === null) off = buf.writeInt16BE(-1, off);
  else {
    off = buf.writeInt16BE(txn.length, off);
    off += txn.copy(buf, off);
  }
  off = buf.writeInt16BE(request.acks, off);
  off = buf.writeInt32BE(request.timeoutMs, off);
  off = buf.writeInt32BE(request.topics.length, off);
  request.topics.forEach((t, i) => {
    const name = names[i]!;
    off = buf.writeInt16BE(name.length, off);
    off += name.copy(buf, off);
    off = buf.writeInt32BE(t.partitions.length, off);
    for (const p of t.partitions) {
      off = buf.writeInt32BE(p.partition, off);
      off = buf.writeInt32BE(p.batch.length, off);
      off += p.batch.copy(buf, off);
    }
  });
  return buf;
}

export interface ProducePartitionResponse {
  readonly partition: number;
  readonly errorCode: number;
  readonly baseOffset: number;
  /** -1 unless the topic uses LogAppendTime. */
  readonly logAppendTime: number;
}

export interface ProduceResponse {
  readonly topics: ReadonlyArray<{ readonly topic: string; readonly partitions: readonly ProducePartitionResponse[] }>;
  readonly throttleTimeMs: number;
}

/** A Produce response v3–v7 (after the correlation id). */
export function decodeProduceResponse(buf: Buffer, version: number): ProduceResponse {
  let off = 0;
  const topicCount = buf.readInt32BE(off);
  off += 4;
  const topics: Array<{ topic: string; partitions: ProducePartitionResponse[] }> = [];
  for (let t = 0; t < topicCount; t++) {
    const len = buf.readInt16BE(off);
    off += 2;
    const topic = buf.toString('utf8', off, off + len);
    off += len;
    const n = buf.readInt32BE(off);
    off += 4;
    const partitions: ProducePartitionResponse[] = [];
    for (let p = 0; p < n; p++) {
      const partition = buf.readInt32BE(off);
      const errorCode = buf.readInt16BE(off + 4);
      const baseOffset = Number(buf.readBigInt64BE(off + 6));
      const logAppendTime = Number(buf.readBigInt64BE(off + 14));
      off += 22;
      if (version >= 5) off += 8; // log_start_offset
      partitions.push({ partition, errorCode, baseOffset, logAppendTime });
    }
    topics.push({ topic, partitions });
  }
  const throttleTimeMs = buf.readInt32BE(off);
  return { topics, throttleTimeMs };
}
