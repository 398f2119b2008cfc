/**
 * KIP-875 offset request parsing (Kafka's ConnectorsResource / SinkUtils / OffsetUtils.validateFormat), with
 * Kafka Connect's messages. Every problem is a BadRequestError (REST 400).
 */
import type { OffsetMap } from '../data/index.js';
import { validateOffsetMap } from '../streams/offsets/offset-json.js';
import { BadRequestError } from './errors.js';
import type { ConnectorOffset } from './herder.js';

export const KAFKA_TOPIC_KEY = 'kafka_topic';
export const KAFKA_PARTITION_KEY = 'kafka_partition';
export const KAFKA_OFFSET_KEY = 'kafka_offset';

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A source partition → offset (null: reset the partition). */
export function sourceOffsetEntry(o: ConnectorOffset): readonly [OffsetMap, OffsetMap | null] {
  if (!isMap(o.partition)) throw new BadRequestError('Source partitions may not be null');
  if (o.offset !== null && !isMap(o.offset)) throw new BadRequestError('Source offsets must be JSON objects or null');
  try {
    validateOffsetMap('partition', o.partition);
    validateOffsetMap('offset', o.offset);
  } catch (e) {
    throw new BadRequestError(`Offsets may only contain primitive types as values: ${(e as Error).message}`);
  }
  return [o.partition, o.offset];
}

const integer = (v: unknown, max: number): number | null => {
  const text = typeof v === 'number' || typeof v === 'bigint' ? String(v) : typeof v === 'string' ? v.trim() : null;
  if (text === null || !/^-?\d+$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) && Math.abs(n) <= max ? n : null;
};

/** A sink `{kafka_topic, kafka_partition}` → `{kafka_offset}` (numbers or numeric strings; null offset: reset). */
export function sinkOffsetEntry(o: ConnectorOffset): { topic: string; partition: number; offset: number | null } {
  const p = o.partition as unknown;
  if (!isMap(p)) throw new BadRequestError('The partition for a sink connector offset cannot be null or missing');
  if (!(KAFKA_TOPIC_KEY in p) || !(KAFKA_PARTITION_KEY in p)) {
    throw new BadRequestError(
      `The partition for a sink connector offset must contain the keys '${KAFKA_TOPIC_KEY}' and '${KAFKA_PARTITION_KEY}'`,
    );
  }
  if (p[KAFKA_TOPIC_KEY] === null || p[KAFKA_TOPIC_KEY] === undefined) {
    throw new BadRequestError('Kafka topic names must be valid strings and may not be null');
  }
  if (p[KAFKA_PARTITION_KEY] === null || p[KAFKA_PARTITION_KEY] === undefined) {
    throw new BadRequestError('Kafka partitions must be valid numbers and may not be null');
  }
  const topic = String(p[KAFKA_TOPIC_KEY]);
  const partition = integer(p[KAFKA_PARTITION_KEY], 2 ** 31 - 1);
  if (partition === null) {
    throw new BadRequestError(
      `Failed to parse the following Kafka partition value in the provided offsets: '${String(p[KAFKA_PARTITION_KEY])}'. ` +
        'Partition values for sink connectors need to be integers.',
    );
  }
  const off = o.offset as unknown;
  if (off === null || off === undefined) return { topic, partition, offset: null };
  if (!isMap(off) || !(KAFKA_OFFSET_KEY in off)) {
    throw new BadRequestError(`The offset for a sink connector should either be null or contain the key '${KAFKA_OFFSET_KEY}'`);
  }
  const offset = integer(off[KAFKA_OFFSET_KEY], Number.MAX_SAFE_INTEGER);
  if (offset === null) {
    throw new BadRequestError(
      `Failed to parse the following Kafka offset value in the provided offsets: '${String(off[KAFKA_OFFSET_KEY])}'. ` +
        'Offset values for sink connectors need to be integers.',
    );
  }
  if (partition < 0) throw new BadRequestError(`Kafka partitions must be non-negative, got ${partition}`);
  if (offset < 0) throw new BadRequestError(`Kafka offsets must be non-negative, got ${offset}`);
  return { topic, partition, offset };
}
