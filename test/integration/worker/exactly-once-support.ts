/** Reading what exactly-once source tasks left in Kafka, as a user's consumers would (read_committed or not). */
import { Kafka, logLevel, type Admin, type KafkaMessage } from 'kafkajs';
import { KAFKA_BROKERS, uniqueName } from '../../support/services.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

export function kafka(): Kafka {
  return new Kafka({ clientId: 'sluice-eos-test', brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING });
}

/** The sum of a topic's high watermarks (records plus transaction markers). */
export async function endOffsets(admin: Admin, topic: string): Promise<number> {
  return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
}

/**
 * Every value of `topic` a new consumer group reads from the beginning, parsed as JSON, once it has read up to
 * the topic's current end (read_committed stops at the last stable offset: waits until nothing new comes, or
 * `maxMs` for a topic still being written).
 */
export async function readValues(topic: string, options: { readCommitted: boolean; quietMs?: number; limitMs?: number; maxMs?: number; map?: (message: KafkaMessage) => unknown }): Promise<unknown[]> {
  const consumer = kafka().consumer({ groupId: uniqueName('eos-reader'), readUncommitted: !options.readCommitted, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const values: unknown[] = [];
  let last = Date.now();
  const started = Date.now();
  await consumer.run({
    eachMessage: async ({ message }) => {
      last = Date.now();
      values.push(options.map ? options.map(message) : message.value === null ? null : JSON.parse(message.value.toString('utf8')));
    },
  });
  const quiet = options.quietMs ?? 3000;
  // A topic still being written is read for at most `maxMs`.
  const until = started + (options.maxMs ?? 180_000);
  while ((Date.now() - last < quiet || (values.length === 0 && Date.now() - started < (options.limitMs ?? 30_000))) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 200));
  }
  await consumer.disconnect();
  return values;
}

/** How often each id occurs: the ids seen more than once, and those of 1..n (or 0..n-1) never seen. */
export function exactlyOnce(ids: readonly number[], expected: readonly number[]): { missing: number[]; duplicated: number[] } {
  const count = new Map<number, number>();
  for (const id of ids) count.set(id, (count.get(id) ?? 0) + 1);
  return {
    missing: expected.filter((id) => !count.has(id)).slice(0, 20),
    duplicated: [...count].filter(([, c]) => c > 1).map(([id]) => id).slice(0, 20),
  };
}

export const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
