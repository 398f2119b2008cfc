/** The offsets topic against the real broker: Kafka Connect's bytes, partitioning, compaction check, tailing. */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { KAFKA_BROKERS, uniqueName } from '../../support/services.js';
import { KafkaOffsetStore, OffsetTopicError } from '../../../src/worker/kafka-offset-store.js';
import { createKafkajsClient, partitionForKey, type ConsumedBatch } from '../../../src/streams/index.js';

const client = createKafkajsClient({ brokers: KAFKA_BROKERS, clientId: 'sluice-test-offsets' });
const stores: KafkaOffsetStore[] = [];
after(async () => {
  for (const s of stores) await s.stop();
});

function store(topic: string, partitions = 5, own = false, replicationFactor = 1): KafkaOffsetStore {
  const s = new KafkaOffsetStore({
    // `own`: a client of its own, as a worker process has
    client: own ? createKafkajsClient({ brokers: KAFKA_BROKERS, clientId: uniqueName('sluice-test-worker') }) : client,
    topic,
    partitions,
    replicationFactor,
    readerGroupPrefix: `sluice-test-${topic}`,
    clientId: 'sluice-test',
    readTimeoutMs: 20_000,
  });
  stores.push(s);
  return s;
}

/** Every record of a topic, as raw bytes. */
async function rawRecords(topic: string, expected: number): Promise<Array<{ partition: number; key: string; value: string | null }>> {
  const out: Array<{ partition: number; key: string; value: string | null }> = [];
  const consumer = client.consumer({ groupId: uniqueName('raw'), clientId: 'raw', fromBeginning: true });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic] });
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  await consumer.run({
    onBatch: async (b: ConsumedBatch) => {
      for (const m of b.messages) {
        out.push({ partition: b.partition, key: Buffer.from(m.key!).toString(), value: m.value === null ? null : Buffer.from(m.value).toString() });
      }
      if (out.length >= expected) resolve();
    },
    onAssigned: async () => {},
    onRevoked: async () => {},
    onCrash: () => {},
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([done, new Promise((_, rej) => (timer = setTimeout(() => rej(new Error('raw read timed out')), 20_000)))]);
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
  return out;
}

describe('Kafka offsets store', () => {
  test('creates the topic compacted, writes Kafka Connect\'s exact key/value bytes to murmur2\'s partition, another worker reads them', async () => {
    const topic = uniqueName('offsets');
    const a = store(topic, 7);
    await a.start();
    const admin = client.admin();
    await admin.connect();
    try {
      assert.equal((await admin.topicConfigs!(topic))['cleanup.policy'], 'compact');
      assert.equal((await admin.partitions([topic])).get(topic)!.length, 7);
    } finally {
      await admin.disconnect();
    }
    await a.set('file-src', [
      [{ filename: '/tmp/in.txt' }, { position: 4096 }],
      [{ table: 'orders' }, { incrementing: 1042, ts: 1_700_000_000_000 }],
    ]);
    await a.set('other', [[{ p: 1 }, { big: 2n ** 63n - 1n }]]);
    const raw = await rawRecords(topic, 3);
    const byKey = new Map(raw.map((r) => [r.key, r]));
    const k1 = '["file-src",{"filename":"/tmp/in.txt"}]';
    assert.equal(byKey.get(k1)?.value, '{"position":4096}');
    assert.equal(byKey.get(k1)?.partition, partitionForKey(Buffer.from(k1), 7));
    assert.equal(byKey.get('["file-src",{"table":"orders"}]')?.value, '{"incrementing":1042,"ts":1700000000000}');
    assert.equal(byKey.get('["other",{"p":1}]')?.value, '{"big":9223372036854775807}');

    // Another worker (its own store) reads them, including a value beyond 2^53.
    const b = store(topic);
    await b.start();
    const got = await b.get('file-src', [{ filename: '/tmp/in.txt' }, { filename: 'none' }]);
    assert.deepEqual([...got.values()], [{ position: 4096 }, null]);
    assert.deepEqual(await b.all('other'), [[{ p: 1 }, { big: 2n ** 63n - 1n }]]);

    // Tailing: a write by a, then b reads to the end and sees it; a null offset removes the partition.
    await a.set('file-src', [[{ filename: '/tmp/in.txt' }, { position: 8192 }], [{ table: 'orders' }, null]]);
    assert.deepEqual(await b.all('file-src'), [[{ filename: '/tmp/in.txt' }, { position: 8192 }]]);
  });

  test('reads offsets Kafka Connect wrote (raw bytes, default partitioner)', async () => {
    const topic = uniqueName('offsets');
    const admin = client.admin();
    await admin.connect();
    await admin.createTopics([{ topic, numPartitions: 25, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } }]);
    await admin.disconnect();
    const producer = client.producer({ clientId: 'fake-connect' });
    await producer.connect();
    const key = Buffer.from('["jdbc-source",{"protocol":"1","table":"test.orders"}]');
    await producer.send([
      { topic, key, value: Buffer.from('{"incrementing":17}'), headers: [] },
      { topic, key, value: Buffer.from('{"incrementing":42}'), headers: [] },
      { topic, key: Buffer.from('["gone",{"a":"b"}]'), value: Buffer.from('{"x":1}'), headers: [] },
      { topic, key: Buffer.from('["gone",{"a":"b"}]'), value: null, headers: [] },
    ]);
    await producer.disconnect();
    const s = store(topic);
    await s.start();
    assert.equal(s.partitionCount, 25);
    assert.deepEqual(await s.all('jdbc-source'), [[{ protocol: '1', table: 'test.orders' }, { incrementing: 42 }]]);
    assert.deepEqual(await s.all('gone'), []);
  });

  test('refuses an existing topic that is not compacted', async () => {
    const topic = uniqueName('offsets');
    const admin = client.admin();
    await admin.connect();
    await admin.createTopics([{ topic, numPartitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'delete' } }]);
    await admin.disconnect();
    const s = store(topic);
    await assert.rejects(s.start(), (e: unknown) => e instanceof OffsetTopicError && /cleanup.policy=compact/.test((e as Error).message));
  });
});

describe('Kafka offsets store on a fresh topic, again and again', () => {
  test('twenty starts, each creating its offsets topic, all start (the broker\'s not-ready answers are retried)', async () => {
    for (let i = 0; i < 20; i++) {
      const s = store(uniqueName('offsets_fresh'), 25, true);
      await s.start();
      assert.equal(s.partitionCount, 25);
      await s.stop();
    }
  });
});

describe('Kafka offsets store when the broker is slow to show a new topic', () => {
  test('a new topic whose partitions the metadata does not list yet is retried, not fatal', async () => {
    // The broker's answer seen in CI right after creation, made certain: the first partitions() call shows nothing.
    let hidden = 1;
    const slow = new Proxy(client, {
      get(target, prop, receiver) {
        if (prop !== 'admin') return Reflect.get(target, prop, receiver);
        return () => {
          const admin = target.admin();
          return new Proxy(admin, {
            get(a, p, r) {
              if (p === 'partitions') return async (topics: string[]) => (hidden-- > 0 ? new Map() : admin.partitions(topics));
              const v = Reflect.get(a, p, r);
              return typeof v === 'function' ? v.bind(a) : v;
            },
          });
        };
      },
    });
    const s = new KafkaOffsetStore({
      client: slow, topic: uniqueName('offsets_slow'), partitions: 3, replicationFactor: 1,
      readerGroupPrefix: 'sluice-test-slow', clientId: 'sluice-test', readTimeoutMs: 20_000,
    });
    stores.push(s);
    await s.start();
    assert.equal(hidden, -1, 'the empty answer was seen and retried');
    assert.equal(s.partitionCount, 3);
  });
});

describe('Kafka offsets store when the broker refuses the topic', () => {
  test('a replication factor above the brokers names the topic, the broker\'s reason and what was asked', async () => {
    const topic = uniqueName('offsets_rf');
    await assert.rejects(store(topic, 1, false, 3).start(), (e: unknown) => {
      assert.match((e as Error).message, new RegExp(`Unable to create topic\\(s\\): '${topic}': Replication-factor is invalid \\(asked for replication factor 3`));
      return true;
    });
  });
});

describe('Kafka offsets store on a topic nobody created yet', () => {
  test('several workers starting at once all start (retriable "not ready" answers right after creation are retried) and share offsets', async () => {
    const topic = uniqueName('offsets-race');
    const starting = [1, 2, 3, 4].map(() => store(topic, 25, true));
    const results = await Promise.allSettled(starting.map((s) => s.start()));
    assert.deepEqual(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'started')), ['started', 'started', 'started', 'started']);
    await starting[0]!.set('race', [[{ table: 'orders' }, { id: 42 }]]);
    for (const s of starting) assert.deepEqual(await s.all('race'), [[{ table: 'orders' }, { id: 42 }]]);
  });
});
