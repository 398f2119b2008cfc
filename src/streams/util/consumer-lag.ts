/**
 * A sink consumer's lag per partition (Kafka's `records-lag`): the partition's end when a batch was fetched minus
 * the position after that batch was handed over. Read from the batches the consumer already fetches (no admin
 * calls); a partition taken away is forgotten.
 */
import { tpKey } from '../../connectors/api/index.js';
import type { ConsumerHandlers, KafkaConsumer } from '../kafka/client.js';

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** Records behind the partition's end after the last delivered batch. */
  readonly lag: number;
}

export interface LagTrackingConsumer {
  readonly consumer: KafkaConsumer;
  /** Each assigned partition that delivered a batch, by topic then partition. */
  lag(): PartitionLag[];
}

export function trackConsumerLag(consumer: KafkaConsumer): LagTrackingConsumer {
  const lags = new Map<string, PartitionLag>();
  const tracked: KafkaConsumer = {
    connect: () => consumer.connect(),
    subscribe: (s) => consumer.subscribe(s),
    run: (handlers: ConsumerHandlers) =>
      consumer.run({
        ...handlers,
        onBatch: async (batch) => {
          await handlers.onBatch(batch);
          const last = batch.messages[batch.messages.length - 1];
          if (batch.highWatermark === undefined || last === undefined) return;
          lags.set(tpKey(batch), { topic: batch.topic, partition: batch.partition, lag: Math.max(0, batch.highWatermark - (last.offset + 1)) });
        },
        onRevoked: async (partitions) => {
          for (const tp of partitions) lags.delete(tpKey(tp));
          await handlers.onRevoked(partitions);
        },
      }),
    assignment: () => consumer.assignment(),
    pause: (p) => consumer.pause(p),
    resume: (p) => consumer.resume(p),
    seek: (tp, offset) => consumer.seek(tp, offset),
    commit: (offsets) => consumer.commit(offsets),
    disconnect: () => consumer.disconnect(),
  };
  return {
    consumer: tracked,
    lag: () => [...lags.values()].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition),
  };
}
