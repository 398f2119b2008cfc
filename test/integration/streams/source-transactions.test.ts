/**
 * A source task that defines its own transactions (`transaction.boundary=connector`) on the Kafka transport,
 * against the real broker: the batches it aborts are in the log for read_uncommitted consumers and never for
 * read_committed ones, a commit requested mid-batch splits the batch, and the offsets written in the transactions
 * (to a real offsets topic) cover the aborted records too, as Kafka Connect's do.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { JsonConverter } from '../../../src/converters/index.js';
import { Schema, SourceRecord } from '../../../src/data/index.js';
import { SourceTask } from '../../../src/connectors/api/index.js';
import { createKafkajsClient, createTransport, type Converters } from '../../../src/streams/index.js';
import { KafkaOffsetStore } from '../../../src/worker/kafka-offset-store.js';
import { KAFKA_BROKERS, uniqueName } from '../../support/services.js';
import { createTopicsReady } from '../../support/kafka-topics.js';
import { kafka, readValues } from '../worker/exactly-once-support.js';

function jsonConverters(): Converters {
  return {
    key: new JsonConverter({ 'schemas.enable': false }, true),
    value: new JsonConverter({ 'schemas.enable': false }, false),
    header: new JsonConverter({ 'schemas.enable': false, 'converter.type': 'header' }),
  };
}

/** 10 batches of 10 records `{n}`; aborts batches 1, 4 and 7; in batch 5 asks for a commit after its 4th record. */
class AbortingSource extends SourceTask {
  batch = 0;
  committed: number[] = [];
  constructor(readonly topic: string) {
    super();
  }
  version(): string {
    return 'test';
  }
  start(): void {}
  stop(): void {}
  async poll(): Promise<SourceRecord[] | null> {
    if (this.batch >= 10) {
      await new Promise((r) => setTimeout(r, 20));
      return null;
    }
    const b = this.batch++;
    const records = Array.from({ length: 10 }, (_, i) => {
      const n = b * 10 + i;
      return new SourceRecord({ topic: this.topic, sourcePartition: { source: 'numbers' }, sourceOffset: { n }, key: null, value: { n, batch: b } });
    });
    const tx = this.context.transactionContext!;
    if (b % 3 === 1) tx.abortTransaction();
    else if (b === 5) tx.commitTransaction(records[3]!);
    else tx.commitTransaction();
    return records;
  }
  override commitRecord(record: SourceRecord, metadata: unknown): void {
    if (metadata) this.committed.push((record.value as { n: number }).n);
  }
}

/** 5 batches of 10 records `{n}`; the bad ones (n % 7 === 3) claim a STRING schema, which the converter refuses. */
class PartlyBadSource extends SourceTask {
  batch = 0;
  constructor(
    readonly topic: string,
    readonly isBad: (n: number) => boolean = (n) => n % 7 === 3,
  ) {
    super();
  }
  version(): string {
    return 'test';
  }
  start(): void {}
  stop(): void {}
  async poll(): Promise<SourceRecord[] | null> {
    if (this.batch >= 5) {
      await new Promise((r) => setTimeout(r, 20));
      return null;
    }
    const b = this.batch++;
    return Array.from({ length: 10 }, (_, i) => {
      const n = b * 10 + i;
      const bad = this.isBad(n);
      return new SourceRecord({
        topic: this.topic, sourcePartition: { source: 'numbers' }, sourceOffset: { n }, key: null,
        ...(bad ? { valueSchema: Schema.STRING } : {}), value: { n },
      });
    });
  }
}

/** A fresh topic, a read_committed offsets topic store, and a Kafka transport: what each test below runs on. */
async function eosSetup(prefix: string) {
  const offsetsTopic = uniqueName(`${prefix}-offsets`);
  const admin = kafka().admin();
  await admin.connect();
  const topic = uniqueName(prefix);
  await createTopicsReady(admin, [{ topic, numPartitions: 1, replicationFactor: 1 }]);
  await admin.disconnect();
  const client = createKafkajsClient({ brokers: KAFKA_BROKERS, clientId: `${prefix}-test`, properties: { consumer: { 'isolation.level': 'read_committed' } } });
  const store = new KafkaOffsetStore({ client, topic: offsetsTopic, partitions: 1, replicationFactor: 1, readerGroupPrefix: uniqueName(`${prefix}-reader`), clientId: prefix });
  await store.start();
  const transport = createTransport({ kind: 'kafka', bootstrapServers: KAFKA_BROKERS });
  return { topic, offsetsTopic, store, transport };
}

describe('connector-defined transactions on the real broker', { timeout: 120_000 }, () => {
  test('aborted batches are skipped by read_committed consumers, seen by read_uncommitted ones; offsets cover them', async () => {
    const { topic, offsetsTopic, store, transport } = await eosSetup('eos-tx');
    const task = new AbortingSource(topic);
    const run = transport.startSource({
      id: { connector: 'aborting', task: 0 },
      task,
      config: {},
      converters: jsonConverters(),
      transform: (r) => r,
      offsets: store,
      options: { maxInFlightBatches: 2, offsetFlushIntervalMs: 60_000, offsetFlushTimeoutMs: 10_000 },
      exactlyOnce: {
        transactionalId: uniqueName('eos-tx-id'),
        boundary: 'connector',
        intervalMs: 60_000,
        offsetRecords: (connector, entries) => store.recordsFor(connector, entries),
      },
    });
    const offsetOf = async () => (await store.get('aborting', [{ source: 'numbers' }])).values().next().value as { n: number } | null;
    for (let i = 0; i < 200 && (await offsetOf())?.n !== 99; i++) await new Promise((r) => setTimeout(r, 100));
    await run.stop(10_000);
    await run.done;
    await store.stop();
    await transport.close();

    const aborted = new Set([1, 4, 7]);
    const expected = Array.from({ length: 100 }, (_, n) => n).filter((n) => !aborted.has(Math.floor(n / 10)));
    const committed = (await readValues(topic, { readCommitted: true, quietMs: 1500 })) as Array<{ n: number }>;
    assert.deepEqual(committed.map((v) => v.n), expected, 'read_committed: every record of the committed transactions, in order, and none of the aborted');
    const everything = (await readValues(topic, { readCommitted: false, quietMs: 1500 })) as Array<{ n: number }>;
    assert.deepEqual(everything.map((v) => v.n), Array.from({ length: 100 }, (_, n) => n), 'read_uncommitted: the aborted records are in the log');
    assert.deepEqual(task.committed, expected, 'commitRecord with metadata for the committed records only, after their commit');
    const m = run.metrics();
    assert.equal(m.transactionsAborted, 3);
    // Batches 0, 2, 3, 8 and 9; batch 5's first 4 records; its other 6 with batch 6 (no request closed them
    // earlier); and one offsets-only commit after each abort.
    assert.equal(m.transactionsCommitted, 10);
    assert.equal(m.transactionSizeMax, 16);
    assert.equal(m.transactionSizeMin, 0, 'an offsets-only transaction after an abort holds no records');
    const offsets = (await readValues(offsetsTopic, { readCommitted: true, quietMs: 1000 })) as Array<{ n: number }>;
    assert.equal(Math.max(...offsets.map((o) => o.n)), 99);
    assert.ok(offsets.some((o) => o.n === 19), 'the aborted batch 1 has its offset committed right after the abort');
  });

  test('errors.tolerance=all: a skipped record\'s dead-letter copy is committed in the transaction that stores its offset', async () => {
    const { topic, store, transport } = await eosSetup('eos-dlq');
    const dlqTopic = uniqueName('eos-dlq-dead');
    const run = transport.startSource({
      id: { connector: 'partly-bad', task: 0 },
      task: new PartlyBadSource(topic),
      config: { 'errors.tolerance': 'all', 'errors.deadletterqueue.topic.name': dlqTopic, 'errors.deadletterqueue.topic.replication.factor': '1' },
      converters: jsonConverters(),
      transform: (r) => r,
      offsets: store,
      options: { maxInFlightBatches: 4, offsetFlushIntervalMs: 60_000, offsetFlushTimeoutMs: 10_000 },
      exactlyOnce: { transactionalId: uniqueName('eos-dlq-id'), boundary: 'poll', intervalMs: 0, offsetRecords: (c, e) => store.recordsFor(c, e) },
    });
    const offsetOf = async () => (await store.get('partly-bad', [{ source: 'numbers' }])).values().next().value as { n: number } | null;
    for (let i = 0; i < 200 && (await offsetOf())?.n !== 49; i++) await new Promise((r) => setTimeout(r, 100));
    await run.stop(10_000);
    await run.done;
    await store.stop();
    await transport.close();

    const all = Array.from({ length: 50 }, (_, n) => n);
    const bad = all.filter((n) => n % 7 === 3);
    const good = (await readValues(topic, { readCommitted: true, quietMs: 1500 })) as Array<{ n: number }>;
    assert.deepEqual(good.map((v) => v.n), all.filter((n) => n % 7 !== 3), 'the good records, once each');
    const sourceOffset = (m: { headers?: Record<string, unknown> }) => JSON.parse(String(m.headers?.['__connect.errors.source.offset'])) as { n: number };
    const dead = (await readValues(dlqTopic, { readCommitted: true, quietMs: 1500, map: sourceOffset })) as Array<{ n: number }>;
    assert.deepEqual(dead.map((v) => v.n), bad, 'each skipped record once in the dead letter queue, under read_committed');
    const m = run.metrics();
    assert.equal(m.recordsSkipped, bad.length);
    assert.equal(m.transactionsCommitted, 5, 'one transaction per poll, dead-letter records included');
  });

  test('a record that cannot be converted fails the task and aborts the open transaction: read_committed sees none of it', async () => {
    const { topic, store, transport } = await eosSetup('eos-fail');
    // One long transaction (interval boundary) holds batches 0 and 1 when record 25 cannot be converted
    // (errors.tolerance=none).
    const run = transport.startSource({
      id: { connector: 'failing', task: 0 },
      task: new PartlyBadSource(topic, (n) => n === 25),
      config: {},
      converters: jsonConverters(),
      transform: (r) => r,
      offsets: store,
      options: { maxInFlightBatches: 1, offsetFlushIntervalMs: 60_000, offsetFlushTimeoutMs: 10_000 },
      exactlyOnce: { transactionalId: uniqueName('eos-fail-id'), boundary: 'interval', intervalMs: 60_000, offsetRecords: (c, e) => store.recordsFor(c, e) },
    });
    await assert.rejects(run.done, /VALUE_CONVERTER/);
    assert.deepEqual((await store.get('failing', [{ source: 'numbers' }])).values().next().value, null, 'no offset stored');
    await store.stop();
    await transport.close();
    assert.deepEqual(await readValues(topic, { readCommitted: true, quietMs: 1500, limitMs: 3000 }), [], 'nothing committed');
    const aborted = (await readValues(topic, { readCommitted: false, quietMs: 1500 })) as Array<{ n: number }>;
    assert.deepEqual(aborted.map((v) => v.n), Array.from({ length: 20 }, (_, n) => n), 'batches 0 and 1 were sent, then aborted');
    assert.equal(run.metrics().transactionsCommitted, 0);
    assert.equal(run.metrics().transactionsAborted, 1);
  });
});
