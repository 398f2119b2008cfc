export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** A stable string key for maps keyed by topic-partition: `topic-partition`, as Kafka prints them. */
export function tpKey(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

export function topicPartition(topic: string, partition: number): TopicPartition {
  return Object.freeze({ topic, partition });
}

/** Offsets per topic-partition: the next offset to read (last delivered + 1), as Kafka commits them. */
export type TopicPartitionOffsets = Map<string, { tp: TopicPartition; offset: number }>;
