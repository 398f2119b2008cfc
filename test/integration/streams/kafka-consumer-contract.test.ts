/**
 * The consumer side of the Kafka client port against the real broker: what a sink sees of each record
 * (timestamp type, null header values), topics.regex picking up new topics, and revoke-safe commits.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import kafkajs from 'kafkajs';
import type { TopicPartition } from '../../../src/connectors/api/index.js';
import {
  parseClientSettings,
  silentLogger,
  type ConsumedBatch,
  type ConsumerHandlers,
  type ConsumerSettings,
  type KafkaHeader,
  type Subscription,
} from '../../../src/streams/index.js';
import { KafkajsConsumer } from '../../../src/streams/kafka/kafkajs/consumer.js';
import { KAFKA_BROKERS, uniqueName } from '../../support/services.js';
import { REPO } from '../../support/processes.js';
import { createTopicsReady } from '../../support/kafka-topics.js';
import { until } from './sink-support.js';

const { Kafka, logLevel } = kafkajs;
const kafka = new Kafka({ brokers: KAFKA_BROKERS, clientId: 'consumer-contract', logLevel: logLevel.NOTHING });
const admin = kafka.admin();

/** A consumer of the adapter with Kafka client properties (and settings the parser may not map yet). */
export function contractConsumer(groupId: string, properties: Record<string, string> = {}, extra: Partial<ConsumerSettings> = {}) {
  const parsed = parseClientSettings('consumer', properties);
  const client = new Kafka({ brokers: KAFKA_BROKERS, clientId: groupId, logLevel: logLevel.NOTHING });
  return new KafkajsConsumer(client, { groupId, clientId: groupId, properties, fromBeginning: true }, silentLogger, {
    connection: parsed.connection,
    consumer: { ...parsed.consumer, ...extra },
  });
}

interface Recorder {
  readonly batches: ConsumedBatch[];
  readonly events: string[];
  readonly handlers: ConsumerHandlers;
  count(): number;
}

/** Records what the consumer hands over; with `commit`, commits what was delivered of revoked partitions (as a sink does). */
function recorder(name: string, events: string[] = [], commit?: (offsets: Array<TopicPartition & { offset: number }>) => Promise<void>): Recorder {
  const batches: ConsumedBatch[] = [];
  const next = new Map<string, TopicPartition & { offset: number }>();
  return {
    batches,
    events,
    count: () => batches.reduce((n, b) => n + b.messages.length, 0),
    handlers: {
      onBatch: async (b) => {
        batches.push(b);
        next.set(`${b.topic}-${b.partition}`, { topic: b.topic, partition: b.partition, offset: b.messages[b.messages.length - 1]!.offset + 1 });
      },
      onAssigned: async (tps) => {
        events.push(...tps.map((tp) => `${name} open ${tp.partition}`));
      },
      onRevoked: async (tps) => {
        const offsets = tps.flatMap((tp) => next.get(`${tp.topic}-${tp.partition}`) ?? []);
        if (commit && offsets.length) await commit(offsets);
        events.push(...tps.map((tp) => `${name} close ${tp.partition}`));
      },
      onCrash: (e) => {
        events.push(`${name} crash ${e.message}`);
      },
    },
  };
}

async function consume(groupId: string, subscription: Subscription, properties: Record<string, string> = {}) {
  const consumer = contractConsumer(groupId, properties);
  const rec = recorder(groupId, [], (offsets) => consumer.commit(offsets));
  await consumer.connect();
  await consumer.subscribe(subscription);
  await consumer.run(rec.handlers);
  return { consumer, rec };
}

describe('the kafkajs consumer adapter on a real broker', () => {
  before(async () => {
    await admin.connect();
  });
  after(async () => {
    await admin.disconnect();
  });

  test('timestamp type: CreateTime keeps the producer timestamp; LogAppendTime gives the broker time and says so', async () => {
    const create = uniqueName('ts_create');
    const append = uniqueName('ts_append');
    await createTopicsReady(admin, [
      { topic: create, numPartitions: 1 },
      { topic: append, numPartitions: 1, configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] },
    ]);
    const producer = kafka.producer();
    await producer.connect();
    const before = Date.now();
    for (const topic of [create, append]) {
      await producer.send({ topic, messages: [{ value: 'a', timestamp: '1000000' }, { value: 'b', timestamp: '2000000' }] });
    }
    await producer.disconnect();
    const { consumer, rec } = await consume(uniqueName('ts_group'), { topics: [create, append] });
    try {
      await until(() => rec.count() >= 4, 'four records');
    } finally {
      await consumer.disconnect();
    }
    const of = (topic: string) => rec.batches.filter((b) => b.topic === topic).flatMap((b) => b.messages);
    assert.deepEqual(of(create).map((m) => [m.timestampType, m.timestamp]), [
      ['CreateTime', 1000000],
      ['CreateTime', 2000000],
    ]);
    for (const m of of(append)) {
      assert.equal(m.timestampType, 'LogAppendTime');
      assert.ok(m.timestamp !== null && m.timestamp >= before - 1000 && m.timestamp <= Date.now() + 1000, `broker time, got ${m.timestamp}`);
    }
  });

  test('a null header value (written by Java) is read as null, apart from an empty one; order and repeats kept', async () => {
    const topic = uniqueName('null_headers');
    await createTopicsReady(admin, [{ topic, numPartitions: 1 }]);
    await promisify(execFile)(
      'java',
      ['-cp', join(REPO, '.stack', 'kafka', 'libs', '*'), join(REPO, 'test', 'integration', 'streams', 'java', 'NullHeaderProducer.java'), KAFKA_BROKERS.join(','), topic],
      { timeout: 120_000 },
    );
    const { consumer, rec } = await consume(uniqueName('nh_group'), { topics: [topic] });
    try {
      await until(() => rec.count() >= 1, 'the record written by Java');
    } finally {
      await consumer.disconnect();
    }
    const headers = rec.batches[0]!.messages[0]!.headers.map((h: KafkaHeader) => [h.key, h.value === null ? null : Buffer.from(h.value).toString()]);
    // kafkajs groups repeated keys under the first one's place; Kafka's order otherwise.
    assert.deepEqual(headers, [
      ['nothing', null],
      ['nothing', null],
      ['empty', ''],
      ['text', 'v'],
    ]);
  });

  test('max.poll.records bounds every delivery; all records arrive once, in order', async () => {
    const topic = uniqueName('max_poll');
    await createTopicsReady(admin, [{ topic, numPartitions: 1 }]);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 100 }, (_, i) => ({ value: String(i) })) });
    await producer.disconnect();
    const { consumer, rec } = await consume(uniqueName('max_poll_group'), { topics: [topic] }, { 'max.poll.records': '7' });
    try {
      await until(() => rec.count() >= 100, 'a hundred records');
    } finally {
      await consumer.disconnect();
    }
    assert.ok(rec.batches.every((b) => b.messages.length <= 7), `deliveries of ${rec.batches.map((b) => b.messages.length).join(',')}`);
    assert.ok(rec.batches.length >= 15, 'a fetch of 100 records is split');
    assert.deepEqual(rec.batches.flatMap((b) => b.messages.map((m) => m.offset)), Array.from({ length: 100 }, (_, i) => i));
  });

  test('topics.regex picks up a topic created after the consumer started, within metadata.max.age.ms', async () => {
    const prefix = uniqueName('rx');
    const first = `${prefix}_a`;
    const later = `${prefix}_b`;
    await createTopicsReady(admin, [{ topic: first, numPartitions: 1 }]);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: first, messages: [{ value: 'first' }] });
    const { consumer, rec } = await consume(uniqueName('rx_group'), { pattern: new RegExp(`^${prefix}_.*$`) }, { 'metadata.max.age.ms': '1000' });
    try {
      await until(() => rec.count() >= 1, 'the record of the first topic');
      await createTopicsReady(admin, [{ topic: later, numPartitions: 2 }]);
      const created = Date.now();
      await producer.send({ topic: later, messages: [{ value: 'later', partition: 1 }] });
      await until(() => rec.batches.some((b) => b.topic === later), 'the record of the topic created later', 20_000);
      const took = Date.now() - created;
      assert.ok(took < 10_000, `picked up in ${took} ms`);
      assert.deepEqual(
        rec.batches.flatMap((b) => b.messages.map((m) => `${b.topic}:${Buffer.from(m.value!).toString()}`)).sort(),
        [`${first}:first`, `${later}:later`],
        'each record once (the first topic is not read again after re-subscribing)',
      );
    } finally {
      await producer.disconnect();
      await consumer.disconnect();
    }
  });

  test('revocation: close runs before the next member opens; a commit of a revoked partition never reaches the broker', async () => {
    const topic = uniqueName('revoke');
    const groupId = uniqueName('revoke_group');
    await createTopicsReady(admin, [{ topic, numPartitions: 4 }]);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 40 }, (_, i) => ({ value: String(i), partition: i % 4 })) });
    await producer.disconnect();
    const events: string[] = [];
    const a = contractConsumer(groupId);
    const recA = recorder('A', events);
    await a.connect();
    await a.subscribe({ topics: [topic] });
    await a.run(recA.handlers);
    await until(() => recA.count() >= 40, 'A reads everything');
    await a.commit([0, 1, 2, 3].map((partition) => ({ topic, partition, offset: 5 })));
    const b = contractConsumer(groupId);
    const recB = recorder('B', events);
    try {
      await b.connect();
      await b.subscribe({ topics: [topic] });
      await b.run(recB.handlers);
      await until(() => b.assignment().length > 0 && a.assignment().length > 0 && a.assignment().length + b.assignment().length === 4, 'the partitions split between A and B');
      // Eager protocol: A closed everything before rejoining, so every `B open` comes after every `A close` of that round.
      for (const tp of b.assignment()) {
        const closedAt = events.indexOf(`A close ${tp.partition}`);
        const openedAt = events.indexOf(`B open ${tp.partition}`);
        assert.ok(closedAt >= 0 && closedAt < openedAt, `A closed ${tp.partition} before B opened it: ${events.join(', ')}`);
      }
      // A commits (stale) offsets for everything, as a revoke-unsafe client would; only its own partitions may land.
      const mine = new Set(a.assignment().map((tp: TopicPartition) => tp.partition));
      await a.commit([0, 1, 2, 3].map((partition) => ({ topic, partition, offset: 9 })));
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      for (const p of committed!.partitions) {
        assert.equal(Number(p.offset), mine.has(p.partition) ? 9 : 5, `partition ${p.partition} (A owns: ${[...mine].join(',')})`);
      }
    } finally {
      await Promise.all([a.disconnect(), b.disconnect()]);
    }
    assert.ok(!events.some((e) => e.includes('crash')), events.join(', '));
  });
});
