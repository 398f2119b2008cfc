/**
 * What both kafkajs-adapter producers (the fast one and the transactional one) do the same way before encoding:
 * which partition a record goes to (Kafka's default partitioner: the record's own partition, murmur2 of its key
 * bytes, or Kafka 3.x's sticky partition for null keys), how many bytes it counts for, and the compression codec.
 */
import { kafkajs } from './lib.js';
import type { ProducerRecord } from '../client.js';
import type { CompressionType } from '../client-settings.js';
import { partitionForKey } from '../../in-process/murmur2.js';
import { COMPRESSION_CODES } from './produce-request.js';
import { KafkaProduceError } from './produce-error.js';

/** Per-record framing in a v2 record batch (varints, attributes, header keys) — a generous upper bound. */
export const RECORD_OVERHEAD_BYTES = 32;

/** A partition as kafkajs's cluster metadata gives it (kafkajs 2.2.4 internals). */
export interface KjsPartitionMetadata {
  readonly partitionId: number;
  readonly leader: number;
}

export interface PartitionMetadataSource {
  findTopicPartitionMetadata(topic: string): KjsPartitionMetadata[];
}

export class RecordPartitioner {
  readonly #sticky = new Map<string, { partition: number; bytes: number }>();

  constructor(
    private readonly cluster: PartitionMetadataSource,
    /** batch.size: bytes a null-key partition takes before the next one is picked. */
    private readonly batchSize: number,
  ) {}

  /** Fills `out[i]` with the partition of `records[i]`. */
  assign(records: readonly ProducerRecord[], out: Int32Array): void {
    let topic = '';
    let meta: KjsPartitionMetadata[] = [];
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      if (r.topic !== topic) {
        topic = r.topic;
        meta = this.cluster.findTopicPartitionMetadata(topic);
        if (meta.length === 0) throw new KafkaProduceError(`no partition metadata for topic ${topic}`, [topic], true);
      }
      if (r.partition !== undefined && r.partition !== null) out[i] = r.partition;
      else if (r.key !== null) out[i] = partitionForKey(r.key, meta.length);
      else out[i] = this.#stickyPartition(topic, meta, recordBytes(r));
    }
  }

  /**
   * Kafka 3.x's built-in partitioner for null keys: stay on one partition until batch.size bytes went to it,
   * then move to another partition whose leader is available, at random.
   */
  #stickyPartition(topic: string, meta: readonly KjsPartitionMetadata[], bytes: number): number {
    let s = this.#sticky.get(topic);
    if (!s || s.bytes >= this.batchSize || s.partition >= meta.length) {
      const available = meta.filter((p) => p.leader >= 0);
      const from = available.length > 0 ? available : meta;
      let next = from[Math.floor(Math.random() * from.length)]!.partitionId;
      if (s && from.length > 1 && next === s.partition) next = from[(from.findIndex((p) => p.partitionId === next) + 1) % from.length]!.partitionId;
      s = { partition: next, bytes: 0 };
      this.#sticky.set(topic, s);
    }
    s.bytes += bytes;
    return s.partition;
  }
}

/** The bytes a record counts for in request sizing and batch.size. */
export function recordBytes(r: ProducerRecord): number {
  let n = RECORD_OVERHEAD_BYTES + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  for (const h of r.headers) n += h.key.length * 3 + (h.value?.length ?? 0) + 8;
  return n;
}

/** The codec of `compression.type` (kafkajs's registry, with Sluice's codecs registered in it). */
export function compressor(type: CompressionType): (records: Buffer) => Promise<Buffer> {
  const factory = (kafkajs().CompressionCodecs as unknown as Record<number, (() => { compress(e: { buffer: Buffer }): Promise<Buffer> }) | undefined>)[COMPRESSION_CODES[type]];
  if (!factory) throw new KafkaProduceError(`compression.type=${type}: no ${type} codec is registered in this build`, [], false);
  const codec = factory();
  return (records) => codec.compress({ buffer: records });
}
