// trackConsumerLag: the lag per partition from the batches a consumer delivers, forgotten on revocation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConsumerHandlers, KafkaConsumer } from '../../../src/streams/kafka/client.js';
import { trackConsumerLag } from '../../../src/streams/util/consumer-lag.js';

function fakeConsumer(): { consumer: KafkaConsumer; handlers: () => ConsumerHandlers } {
  let h: ConsumerHandlers | undefined;
  const consumer: KafkaConsumer = {
    connect: async () => {},
    subscribe: async () => {},
    run: async (handlers) => {
      h = handlers;
    },
    assignment: () => [],
    pause: () => {},
    resume: () => {},
    seek: () => {},
    commit: async () => {},
    disconnect: async () => {},
  };
  return { consumer, handlers: () => h! };
}

const message = (offset: number) => ({ offset, key: null, value: null, headers: [], timestamp: null, timestampType: 'CreateTime' as const });

test('lag = the partition end at fetch − the position after the batch; revoked partitions are forgotten', async () => {
  const { consumer, handlers } = fakeConsumer();
  const tracked = trackConsumerLag(consumer);
  const delivered: number[] = [];
  const revoked: string[] = [];
  await tracked.consumer.run({
    onBatch: async (b) => {
      delivered.push(b.messages.length);
      assert.deepEqual(tracked.lag().find((l) => l.partition === b.partition)?.lag ?? null, b.partition === 0 && delivered.length > 1 ? 90 : null, 'updated once the batch was handed over');
    },
    onAssigned: async () => {},
    onRevoked: async (tps) => {
      revoked.push(...tps.map((t) => `${t.topic}-${t.partition}`));
    },
    onCrash: () => {},
  });
  const h = handlers();
  await h.onBatch({ topic: 't', partition: 0, messages: [message(0), message(9)], highWatermark: 100 });
  assert.deepEqual(tracked.lag(), [{ topic: 't', partition: 0, lag: 90 }]);
  await h.onBatch({ topic: 't', partition: 1, messages: [message(5)], highWatermark: 6 });
  await h.onBatch({ topic: 't', partition: 0, messages: [message(10)], highWatermark: 11 });
  assert.deepEqual(tracked.lag(), [{ topic: 't', partition: 0, lag: 0 }, { topic: 't', partition: 1, lag: 0 }]);
  await h.onBatch({ topic: 't', partition: 2, messages: [message(3)] });
  assert.equal(tracked.lag().length, 2, 'a batch without its partition end says nothing');
  await h.onRevoked([{ topic: 't', partition: 0 }]);
  assert.deepEqual(tracked.lag(), [{ topic: 't', partition: 1, lag: 0 }]);
  assert.deepEqual(revoked, ['t-0']);
  assert.deepEqual(delivered, [2, 1, 1, 1]);
});
