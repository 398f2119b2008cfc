/**
 * The transactional producer of the Kafka client port (KIP-618's exactly-once sources) against the real broker:
 * committed and aborted transactions as read_committed and read_uncommitted consumers see them, fencing by a
 * second producer with the same transactional id and by admin.fenceProducers, a transaction over two topics and
 * several partitions, a send larger than one request, and the per-record metadata.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import {
  ProducerFencedError,
  type ConsumedBatch,
  type KafkaClient,
  type ProducedRecordMetadata,
  type ProducerRecord,
  type TransactionalProducer,
} from '../../../src/streams/index.js';
import { createKafkajsClient } from '../../../src/streams/kafka/kafkajs/client.js';
import { partitionForKey } from '../../../src/streams/in-process/murmur2.js';
import { KAFKA_BROKERS, uniqueName } from '../../support/services.js';
import { createTopicsReady } from '../../support/kafka-topics.js';
import { until } from './sink-support.js';

const { Kafka, logLevel } = kafkajs;
const kafka = new Kafka({ brokers: KAFKA_BROKERS, clientId: 'txn-contract', logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const client: KafkaClient = createKafkajsClient({ brokers: KAFKA_BROKERS });
const open: TransactionalProducer[] = [];

async function topicOf(partitions: number, prefix = 'txn'): Promise<string> {
  const topic = uniqueName(prefix);
  await createTopicsReady(admin, [{ topic, numPartitions: partitions, replicationFactor: 1 }]);
  return topic;
}

async function producer(transactionalId: string, properties: Record<string, string> = {}): Promise<TransactionalProducer> {
  const p = client.transactionalProducer!({ clientId: uniqueName('txn-producer'), transactionalId, properties, transactionTimeoutMs: 30_000 });
  open.push(p);
  await p.connect();
  return p;
}

interface Read {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: Array<[string, string | null]>;
  timestamp: number | null;
}

/**
 * Every record of `topics` a consumer of the adapter with `isolation` reads, once `done` holds for what it read
 * (e.g. a sentinel record of a later committed transaction arrived).
 */
async function readTopics(topics: readonly string[], isolation: 'read_committed' | 'read_uncommitted', done: (read: readonly Read[]) => boolean): Promise<Read[]> {
  const groupId = uniqueName('txn-reader');
  const consumer = client.consumer({ groupId, clientId: groupId, fromBeginning: true, properties: { 'isolation.level': isolation } });
  const out: Read[] = [];
  let crash: Error | undefined;
  await consumer.connect();
  try {
    await consumer.subscribe({ topics });
    await consumer.run({
      onBatch: async (b: ConsumedBatch) => {
        for (const m of b.messages) {
          out.push({
            topic: b.topic,
            partition: b.partition,
            offset: m.offset,
            key: m.key === null ? null : Buffer.from(m.key).toString(),
            value: m.value === null ? null : Buffer.from(m.value).toString(),
            headers: m.headers.map((h) => [h.key, h.value === null ? null : Buffer.from(h.value).toString()]),
            timestamp: m.timestamp,
          });
        }
      },
      onAssigned: async () => {},
      onRevoked: async () => {},
      onCrash: (e) => {
        crash = e;
      },
    });
    await until(() => crash !== undefined || done(out), `${isolation} read of ${topics.join(', ')}`, 60_000);
    if (crash) throw crash;
  } finally {
    await consumer.disconnect();
  }
  return out;
}

const bytes = (s: string | null) => (s === null ? null : Buffer.from(s));
const rec = (topic: string, value: string, key: string | null = null, extra: Partial<ProducerRecord> = {}): ProducerRecord => ({
  topic,
  key: bytes(key),
  value: bytes(value),
  headers: [],
  ...extra,
});
const values = (read: readonly Read[]) => read.map((r) => r.value);
const has = (value: string) => (read: readonly Read[]) => read.some((r) => r.value === value);

/** Commits a transaction holding one sentinel record per partition: a read_committed reader that saw them all has read past everything before. */
async function commitSentinels(transactionalId: string, topic: string, partitions: number, name: string): Promise<(read: readonly Read[]) => boolean> {
  const p = await producer(transactionalId);
  await p.begin();
  await p.send(Array.from({ length: partitions }, (_, i) => rec(topic, `${name}-${i}`, null, { partition: i })));
  await p.commit();
  await p.disconnect();
  return (read) => Array.from({ length: partitions }, (_, i) => `${name}-${i}`).every((v) => read.some((r) => r.value === v && r.topic === topic));
}

describe('transactional producer (kafkajs adapter, real broker)', () => {
  before(async () => {
    await admin.connect();
  });
  after(async () => {
    for (const p of open) await p.disconnect().catch(() => {});
    await admin.disconnect();
  });

  test('a committed transaction: read_committed sees every record with its key, value, headers, timestamp and partition; metadata matches', async () => {
    const topic = await topicOf(4);
    const p = await producer(uniqueName('txn-commit'));
    assert.equal(p.inTransaction, false);
    await p.begin();
    assert.equal(p.inTransaction, true);
    const ts = Date.UTC(2024, 0, 2, 3, 4, 5);
    const records: ProducerRecord[] = [];
    for (let i = 0; i < 40; i++) records.push(rec(topic, `keyed-${i}`, `k${i % 7}`));
    for (let i = 0; i < 8; i++) records.push(rec(topic, `explicit-${i}`, `e${i}`, { partition: i % 4 }));
    for (let i = 0; i < 10; i++) records.push(rec(topic, `nokey-${i}`));
    records.push(
      rec(topic, 'with-headers', 'h', {
        timestamp: ts,
        headers: [
          { key: 'a', value: bytes('1') },
          { key: 'b', value: null },
          { key: 'a', value: bytes('2') },
        ],
      }),
    );
    const first = await p.send(records.slice(0, 30));
    const second = await p.send(records.slice(30));
    const metadata: ProducedRecordMetadata[] = [...first, ...second];
    assert.equal(metadata.length, records.length);
    await p.commit();
    assert.equal(p.inTransaction, false);

    const read = await readTopics([topic], 'read_committed', (r) => r.length >= records.length);
    assert.equal(read.length, records.length);
    const byValue = new Map(read.map((r) => [r.value, r]));
    records.forEach((r, i) => {
      const value = Buffer.from(r.value!).toString();
      const got = byValue.get(value);
      assert.ok(got, `${value} read`);
      const md = metadata[i]!;
      assert.equal(md.topic, topic);
      assert.equal(md.partition, got.partition, `${value}: metadata partition`);
      assert.equal(md.offset, got.offset, `${value}: metadata offset`);
      if (r.partition !== undefined && r.partition !== null) assert.equal(got.partition, r.partition);
      else if (r.key !== null) assert.equal(got.partition, partitionForKey(r.key, 4), `${value}: murmur2 partition`);
      assert.equal(got.key, r.key === null ? null : Buffer.from(r.key).toString());
    });
    const h = byValue.get('with-headers')!;
    // kafkajs's consumer groups a record's headers by key (its decoder builds an object): values per key keep their order.
    assert.deepEqual(
      [...h.headers].sort((x, y) => x[0].localeCompare(y[0])),
      [
        ['a', '1'],
        ['a', '2'],
        ['b', null],
      ],
    );
    assert.equal(h.timestamp, ts);
    // Order per partition is send order.
    for (let part = 0; part < 4; part++) {
      const sent = records.map((r, i) => ({ v: Buffer.from(r.value!).toString(), p: metadata[i]!.partition })).filter((x) => x.p === part).map((x) => x.v);
      const got = read.filter((r) => r.partition === part).sort((a, b) => a.offset - b.offset).map((r) => r.value);
      assert.deepEqual(got, sent, `partition ${part} order`);
    }
  });

  test('an aborted transaction: read_uncommitted sees its records, read_committed does not; a later commit is seen by both', async () => {
    const topic = await topicOf(2);
    const p = await producer(uniqueName('txn-abort'));
    await p.begin();
    await p.send([rec(topic, 'aborted-0', 'a'), rec(topic, 'aborted-1', 'b'), rec(topic, 'aborted-2', null, { partition: 1 })]);
    await p.abort();
    assert.equal(p.inTransaction, false);
    await p.begin();
    await p.send([rec(topic, 'committed-0', 'a'), rec(topic, 'committed-1', null, { partition: 0 }), rec(topic, 'committed-2', null, { partition: 1 })]);
    await p.commit();

    const committed = ['committed-0', 'committed-1', 'committed-2'];
    const uncommitted = await readTopics([topic], 'read_uncommitted', (r) => committed.every((v) => has(v)(r)));
    assert.deepEqual(values(uncommitted).sort(), ['aborted-0', 'aborted-1', 'aborted-2', ...committed].sort());
    const readCommitted = await readTopics([topic], 'read_committed', (r) => committed.every((v) => has(v)(r)));
    assert.deepEqual(values(readCommitted).sort(), committed);
  });

  test('begin with a transaction open, and send/commit/abort without one, are refused', async () => {
    const topic = await topicOf(1);
    const p = await producer(uniqueName('txn-state'));
    await assert.rejects(p.send([rec(topic, 'x')]), /without an open transaction/);
    await assert.rejects(p.commit(), /without an open transaction/);
    await assert.rejects(p.abort(), /without an open transaction/);
    await p.begin();
    await assert.rejects(p.begin(), /already open/);
    // An empty transaction commits (nothing is sent to the coordinator).
    await p.commit();
    await p.begin();
    await p.abort();
  });

  for (const how of ['send', 'commit'] as const) {
    test(`a second producer with the same transactional id fences the first: its ${how} rejects with ProducerFencedError and its records are never committed`, async () => {
      const topic = await topicOf(2);
      const id = uniqueName('txn-fence');
      const zombie = await producer(id);
      await zombie.begin();
      await zombie.send([rec(topic, 'zombie-0', null, { partition: 0 }), rec(topic, 'zombie-1', null, { partition: 1 })]);

      const successor = await producer(id);
      if (how === 'send') {
        // Partition 0 is in the zombie's (now aborted) transaction; the coordinator refuses the epoch either way.
        await assert.rejects(zombie.send([rec(topic, 'zombie-2', null, { partition: 0 })]), (e) => e instanceof ProducerFencedError && e.transactionalId === id);
      } else {
        await assert.rejects(zombie.commit(), (e) => e instanceof ProducerFencedError);
      }
      // Fenced for good: every later call rejects the same way.
      await assert.rejects(zombie.commit(), ProducerFencedError);
      await assert.rejects(zombie.abort(), ProducerFencedError);
      await assert.rejects(zombie.send([rec(topic, 'zombie-3', null, { partition: 1 })]), ProducerFencedError);
      await assert.rejects(zombie.begin(), ProducerFencedError);

      await successor.begin();
      await successor.send([rec(topic, 'successor-0', null, { partition: 0 }), rec(topic, 'successor-1', null, { partition: 1 })]);
      await successor.commit();
      const read = await readTopics([topic], 'read_committed', (r) => has('successor-0')(r) && has('successor-1')(r));
      assert.deepEqual(values(read).sort(), ['successor-0', 'successor-1']);
    });
  }

  test('a producer that connects while a predecessor left a transaction open aborts it (read_committed never sees it)', async () => {
    const topic = await topicOf(1);
    const id = uniqueName('txn-crash');
    const crashed = await producer(id);
    await crashed.begin();
    await crashed.send([rec(topic, 'left-open')]);
    // No commit, no disconnect: as a worker that died.
    const next = await producer(id);
    await next.begin();
    await next.send([rec(topic, 'after')]);
    await next.commit();
    const read = await readTopics([topic], 'read_committed', has('after'));
    assert.deepEqual(values(read), ['after']);
  });

  test('admin.fenceProducers fences a live producer (send and commit reject with ProducerFencedError) and accepts an id never used', async () => {
    const topic = await topicOf(2);
    const kadmin = client.admin();
    await kadmin.connect();
    try {
      const id = uniqueName('txn-admin-fence');
      const live = await producer(id);
      await live.begin();
      await live.send([rec(topic, 'fenced-0', null, { partition: 0 })]);
      await kadmin.fenceProducers!([id, uniqueName('txn-never-used')]);
      await assert.rejects(live.send([rec(topic, 'fenced-1', null, { partition: 1 })]), ProducerFencedError);
      await assert.rejects(live.commit(), ProducerFencedError);

      const other = await producer(uniqueName('txn-admin-fence-2'));
      await other.begin();
      await other.send([rec(topic, 'fenced-2', null, { partition: 0 })]);
      await kadmin.fenceProducers!([other.transactionalId]);
      await assert.rejects(other.commit(), ProducerFencedError);

      await kadmin.fenceProducers!([]);
      const done = await commitSentinels(id, topic, 2, 'sentinel');
      const read = await readTopics([topic], 'read_committed', done);
      assert.deepEqual(values(read).sort(), ['sentinel-0', 'sentinel-1']);
    } finally {
      await kadmin.disconnect();
    }
  });

  test('a transaction over two topics and several partitions commits atomically (and one that is aborted leaves nothing in either)', async () => {
    const a = await topicOf(3, 'txn_a');
    const b = await topicOf(2, 'txn_b');
    const p = await producer(uniqueName('txn-multi'), { 'compression.type': 'lz4' });
    await p.begin();
    await p.send(Array.from({ length: 30 }, (_, i) => rec(a, `a-aborted-${i}`, `k${i}`)));
    await p.send(Array.from({ length: 20 }, (_, i) => rec(b, `b-aborted-${i}`, `k${i}`)));
    await p.abort();
    await p.begin();
    const records = [...Array.from({ length: 30 }, (_, i) => rec(a, `a-${i}`, `k${i}`)), ...Array.from({ length: 20 }, (_, i) => rec(b, `b-${i}`, `k${i}`))];
    // Concurrent sends of one transaction keep their order and all land in it.
    const md = (await Promise.all([p.send(records.slice(0, 25)), p.send(records.slice(25))])).flat();
    assert.equal(new Set(md.filter((m) => m.topic === a).map((m) => m.partition)).size, 3);
    assert.equal(new Set(md.filter((m) => m.topic === b).map((m) => m.partition)).size, 2);

    // Before the commit, read_uncommitted sees both transactions (the aborted one and the open one) in full.
    const uncommitted = await readTopics([a, b], 'read_uncommitted', (r) => r.filter((x) => x.value!.startsWith('a-') || x.value!.startsWith('b-')).length >= 100);
    assert.equal(uncommitted.length, 100);
    await p.commit();
    const read = await readTopics([a, b], 'read_committed', (r) => r.length >= 50);
    assert.deepEqual(values(read).sort(), records.map((r) => Buffer.from(r.value!).toString()).sort());
    for (const r of read) assert.equal(r.partition, partitionForKey(Buffer.from(r.key!), r.topic === a ? 3 : 2));
  });

  test('a transaction open longer than transaction.timeout.ms is aborted by the coordinator: its commit rejects with ProducerFencedError', async () => {
    const topic = await topicOf(1);
    const id = uniqueName('txn-timeout');
    const p = client.transactionalProducer!({ clientId: uniqueName('txn-producer'), transactionalId: id, transactionTimeoutMs: 1000 });
    open.push(p);
    await p.connect();
    await p.begin();
    await p.send([rec(topic, 'timed-out')]);
    // The coordinator looks for expired transactions every 10 s (transaction.abort.timed.out.transaction.cleanup.interval.ms).
    await new Promise((r) => setTimeout(r, 13_500));
    await assert.rejects(p.commit(), ProducerFencedError);
    const done = await commitSentinels(id, topic, 1, 'after-timeout');
    const read = await readTopics([topic], 'read_committed', done);
    assert.deepEqual(values(read), ['after-timeout-0']);
  });

  test('a send larger than one request (several batches per partition, over several rounds) commits whole, offsets consecutive', async () => {
    const topic = await topicOf(2);
    const p = await producer(uniqueName('txn-large'));
    await p.begin();
    const value = 'x'.repeat(1000);
    const records = Array.from({ length: 3000 }, (_, i) => rec(topic, `${i}:${value}`, null, { partition: i % 2 }));
    const md = await p.send(records);
    await p.commit();
    for (const part of [0, 1]) {
      const offs = md.filter((m) => m.partition === part).map((m) => m.offset);
      offs.forEach((o, i) => i > 0 && assert.equal(o, offs[i - 1]! + 1));
    }
    const read = await readTopics([topic], 'read_committed', (r) => r.length >= 3000);
    assert.equal(read.length, 3000);
    const offsetOf = new Map(read.map((r) => [r.value!.split(':')[0], r.offset]));
    md.forEach((m, i) => assert.equal(m.offset, offsetOf.get(String(i))));
  });
});
