/**
 * The attribute names on Sluice's spans: its own (`sluice.*`) and OpenTelemetry's messaging semantic conventions
 * (v1.x: `messaging.destination.partition.id` replaced `messaging.kafka.destination.partition`).
 */
import type { Attributes } from '@opentelemetry/api';

export const ATTR_CONNECTOR = 'sluice.connector';
export const ATTR_TASK = 'sluice.task';
export const ATTR_STAGE = 'sluice.stage';
/** Every topic of a batch that spans several (messaging.destination.name is set only when it has one). */
export const ATTR_TOPICS = 'sluice.topics';
export const ATTR_DESTINATION = 'messaging.destination.name';
export const ATTR_PARTITION = 'messaging.destination.partition.id';
export const ATTR_MESSAGE_COUNT = 'messaging.batch.message_count';
export const ATTR_OPERATION_TYPE = 'messaging.operation.type';
export const ATTR_CONSUMER_GROUP = 'messaging.consumer.group.name';
/** On a commit span: how many source partitions (source) or topic-partitions (sink) it commits. */
export const ATTR_OFFSET_PARTITIONS = 'sluice.offsets.partitions';

/** A record's place as the spans describe it. */
export interface Located {
  readonly topic: string;
}

/** Count, topic (or topics) and, when every record has the same one, partition of a batch's records. */
export function batchAttributes(records: ReadonlyArray<Located | null | undefined>, partitions?: ReadonlyArray<number | null | undefined>): Attributes {
  let count = 0;
  let topic: string | undefined;
  let topics: Set<string> | undefined;
  for (const r of records) {
    if (!r) continue;
    count++;
    if (topic === undefined) topic = r.topic;
    else if (r.topic !== topic) (topics ??= new Set([topic])).add(r.topic);
  }
  const out: Attributes = { [ATTR_MESSAGE_COUNT]: count };
  if (topics) out[ATTR_TOPICS] = [...topics];
  else if (topic !== undefined) out[ATTR_DESTINATION] = topic;
  const partition = samePartition(partitions);
  if (partition !== undefined) out[ATTR_PARTITION] = String(partition);
  return out;
}

function samePartition(partitions: ReadonlyArray<number | null | undefined> | undefined): number | undefined {
  if (!partitions || partitions.length === 0) return undefined;
  const first = partitions[0];
  if (first === null || first === undefined) return undefined;
  for (const p of partitions) if (p !== first) return undefined;
  return first;
}

/** A batch of one topic-partition (what a sink consumes). */
export function topicPartitionAttributes(topic: string, partition: number, count: number): Attributes {
  return { [ATTR_MESSAGE_COUNT]: count, [ATTR_DESTINATION]: topic, [ATTR_PARTITION]: String(partition) };
}
