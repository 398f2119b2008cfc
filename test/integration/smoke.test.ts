// Smoke tests for the integration test stack (bash scripts/stack.sh up): one real round
// trip through each service, so a broken stack fails here first and plainly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { KAFKA_BROKERS, MARIADB_CONFIG, NATS_URL, PG_CONFIG, uniqueName } from '../support/services.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

test('kafka: produce and consume bytes on a fresh topic', { timeout: 60_000 }, async () => {
  const kafka = new Kafka({ clientId: 'sluice-smoke', brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING });
  const topic = uniqueName('sluice_smoke');
  const sent = [
    { key: Buffer.from('k0'), value: randomBytes(64) },
    { key: Buffer.from('k1'), value: Buffer.from([0x00, 0xff, 0x7f, 0x80, 0x00]) },
    { key: Buffer.from('k2'), value: Buffer.alloc(0) },
    { key: Buffer.from('k3'), value: randomBytes(10_000), headers: { h: Buffer.from([1, 2, 3]) } },
  ];

  const admin = kafka.admin();
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: uniqueName('sluice_smoke_group') });
  try {
    await admin.connect();
    const created = await admin.createTopics({
      topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    assert.equal(created, true);

    await producer.connect();
    const [meta] = await producer.send({ topic, acks: -1, messages: sent });
    assert.equal(meta?.errorCode, 0);

    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: { key: Buffer | null; value: Buffer | null; headers: Record<string, unknown>; offset: string }[] = [];
    let allReceived!: () => void;
    const done = new Promise<void>((resolve) => (allReceived = resolve));
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push({ key: message.key, value: message.value, headers: message.headers ?? {}, offset: message.offset });
        if (received.length === sent.length) allReceived();
      },
    });
    await done;

    assert.deepEqual(
      received.map((m) => m.offset),
      sent.map((_, i) => String(i)),
    );
    for (let i = 0; i < sent.length; i++) {
      const want = sent[i]!;
      const got = received[i]!;
      assert.ok(got.key !== null && got.key.equals(want.key), `key ${i}`);
      assert.ok(got.value !== null && got.value.equals(want.value), `value ${i} (${want.value.length} bytes)`);
    }
    assert.deepEqual(received[3]!.headers.h, Buffer.from([1, 2, 3]));
  } finally {
    await consumer.disconnect().catch(() => {});
    await producer.disconnect().catch(() => {});
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect().catch(() => {});
  }
});

test('postgresql: query and a temp table round trip', { timeout: 30_000 }, async () => {
  const client = new pg.Client(PG_CONFIG);
  await client.connect();
  try {
    const r = await client.query<{ n: number; db: string }>('select $1::int + 1 as n, current_database() as db', [41]);
    assert.deepEqual(r.rows, [{ n: 42, db: PG_CONFIG.database }]);

    await client.query('create temp table smoke (id int primary key, body bytea)');
    const body = randomBytes(32);
    await client.query('insert into smoke values ($1, $2)', [1, body]);
    const back = await client.query<{ body: Buffer }>('select body from smoke where id = 1');
    assert.ok(back.rows[0]!.body.equals(body));
  } finally {
    await client.end();
  }
});

test('mariadb: query and a temp table round trip', { timeout: 30_000 }, async () => {
  const conn = await mysql.createConnection(MARIADB_CONFIG);
  try {
    const [rows] = await conn.query<mysql.RowDataPacket[]>('select ? + 1 as n, database() as db', [41]);
    assert.equal(Number(rows[0]!.n), 42);
    assert.equal(rows[0]!.db, MARIADB_CONFIG.database);

    await conn.query('create temporary table smoke (id int primary key, body varbinary(64))');
    const body = randomBytes(32);
    await conn.execute('insert into smoke values (?, ?)', [1, body]);
    const [back] = await conn.execute<mysql.RowDataPacket[]>('select body from smoke where id = ?', [1]);
    assert.ok(Buffer.isBuffer(back[0]!.body) && back[0]!.body.equals(body));
  } finally {
    await conn.end();
  }
});

test('nats: JetStream KV put and get', { timeout: 30_000 }, async () => {
  const nc = await connect({ servers: NATS_URL, name: 'sluice-smoke' });
  try {
    const jsm = await jetstreamManager(nc);
    const account = await jsm.getAccountInfo();
    assert.ok(account.limits !== undefined, 'JetStream is enabled');

    const kv = await new Kvm(nc).create(uniqueName('sluice_smoke'), { history: 1 });
    try {
      const value = randomBytes(48);
      const seq = await kv.put('greeting.k1', value);
      assert.ok(seq > 0);
      const entry = await kv.get('greeting.k1');
      assert.ok(entry !== null);
      assert.deepEqual(Buffer.from(entry.value), value);
      assert.equal(await kv.get('missing'), null);
    } finally {
      await kv.destroy();
    }
  } finally {
    await nc.close();
  }
});
