/**
 * The producer side of the Kafka client port against the real broker: order per partition under concurrent
 * sends, per-record metadata equal to what a consumer reads, Java's partition choice for keyed records, requests
 * above 1 MiB split, null header values, compression codecs, and riding out a broker that cannot be reached
 * (through a TCP proxy of this test's own in front of the shared broker) until delivery.timeout.ms.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import kafkajs from 'kafkajs';
import type { IHeaders, KafkaConfig } from 'kafkajs';
import { parseClientSettings, type ProducedRecordMetadata, type ProducerRecord, type ProducerSettings } from '../../../src/streams/index.js';
// The client factory registers the snappy, lz4 and zstd codecs into kafkajs when loaded.
import '../../../src/streams/kafka/kafkajs/client.js';
import { KafkajsProducer } from '../../../src/streams/kafka/kafkajs/producer.js';
import { partitionForKey } from '../../../src/streams/in-process/murmur2.js';
import { KAFKA_BROKERS, uniqueName } from '../../support/services.js';
import { createTopicsReady } from '../../support/kafka-topics.js';
import { until } from './sink-support.js';

const { Kafka, logLevel, CompressionCodecs, CompressionTypes } = kafkajs;
const kafka = new Kafka({ brokers: KAFKA_BROKERS, clientId: 'producer-contract', logLevel: logLevel.NOTHING });
const admin = kafka.admin();

/** A producer of the adapter with Kafka client properties (and settings the parser may not map yet). */
function producer(properties: Record<string, string> = {}, config: Partial<KafkaConfig> = {}, extra: Partial<ProducerSettings> = {}) {
  const client = new Kafka({ brokers: KAFKA_BROKERS, clientId: uniqueName('pc'), logLevel: logLevel.NOTHING, ...config });
  return new KafkajsProducer(client, { ...parseClientSettings('producer', properties).producer, ...extra });
}

async function topicOf(partitions: number): Promise<string> {
  const topic = uniqueName('producer_contract');
  await createTopicsReady(admin, [{ topic, numPartitions: partitions, replicationFactor: 1 }]);
  return topic;
}

interface Read {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: IHeaders;
  timestamp: number;
}

/** Every record of `topic` (at least `count`), read by a plain kafkajs consumer. */
async function readTopic(topic: string, count: number): Promise<Read[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('reader') });
  const out: Read[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        out.push({
          partition,
          offset: Number(message.offset),
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
          headers: message.headers ?? {},
          timestamp: Number(message.timestamp),
        });
      },
    });
    await until(() => out.length >= count, `${count} records in ${topic}`);
  } finally {
    await consumer.disconnect();
  }
  return out;
}

const text = (s: string | null) => (s === null ? null : Buffer.from(s));
const rec = (topic: string, value: string, key: string | null = null, extra: Partial<ProducerRecord> = {}): ProducerRecord => ({
  topic,
  key: text(key),
  value: text(value),
  headers: [],
  ...extra,
});

/** A TCP proxy in front of the shared broker that the test can take down and bring back on the same port. */
class Proxy {
  #server: net.Server | undefined;
  readonly #sockets = new Set<net.Socket>();
  port = 0;

  async start(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect({ host: KAFKA_BROKERS[0]!.split(':')[0], port: Number(KAFKA_BROKERS[0]!.split(':')[1]) });
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.#server = server;
  }

  /** Refuses new connections and cuts the open ones, as a broker that went down. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const s of this.#sockets) s.destroy();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  /** A kafkajs config whose every connection (bootstrap and the advertised broker) goes through the proxy. */
  config(): Partial<KafkaConfig> {
    return {
      brokers: [`127.0.0.1:${this.port}`],
      socketFactory: ({ onConnect }) => {
        const socket = net.connect({ host: '127.0.0.1', port: this.port }, onConnect);
        socket.setKeepAlive(true, 60_000);
        return socket;
      },
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
    };
  }
}

describe('the kafkajs producer adapter on a real broker', () => {
  before(async () => {
    await admin.connect();
  });
  after(async () => {
    await admin.disconnect();
  });

  test('concurrent sends keep call order per partition; keyed records land where Java puts them; metadata is what a consumer reads', async () => {
    const topic = await topicOf(3);
    const p = producer();
    await p.connect();
    try {
      const sends: Array<Promise<ProducedRecordMetadata[]>> = [];
      const all: ProducerRecord[] = [];
      for (let s = 0; s < 40; s++) {
        const records = Array.from({ length: 50 }, (_, i) => rec(topic, String(s * 50 + i), `key-${(s * 50 + i) % 17}`));
        all.push(...records);
        sends.push(p.send(records));
      }
      const metadata = (await Promise.all(sends)).flat();
      assert.equal(metadata.length, all.length);
      const read = await readTopic(topic, all.length);
      assert.equal(read.length, all.length, 'nothing written twice');
      const at = new Map(read.map((r) => [`${r.partition}:${r.offset}`, r]));
      metadata.forEach((md, i) => {
        const sent = all[i]!;
        assert.equal(md.topic, topic);
        assert.equal(md.partition, partitionForKey(sent.key!, 3), `record ${i}: murmur2 of its key, as Java's default partitioner`);
        const found = at.get(`${md.partition}:${md.offset}`);
        assert.equal(found?.value, Buffer.from(sent.value!).toString(), `record ${i} is at ${md.partition}:${md.offset}`);
        assert.equal(found?.key, Buffer.from(sent.key!).toString());
        assert.equal(md.timestamp, found?.timestamp, 'metadata timestamp is the CreateTime stored');
      });
      for (let part = 0; part < 3; part++) {
        const values = read.filter((r) => r.partition === part).sort((a, b) => a.offset - b.offset).map((r) => Number(r.value));
        assert.deepEqual(values, [...values].sort((a, b) => a - b), `partition ${part} holds the records in call order`);
      }
    } finally {
      await p.disconnect();
    }
  });

  test('null keys: sticky per batch.size, spread over the partitions; explicit partitions and timestamps kept', async () => {
    const topic = await topicOf(4);
    const p = producer({ 'batch.size': '1000' });
    await p.connect();
    try {
      const md = await p.send(Array.from({ length: 400 }, (_, i) => rec(topic, `v${i}`.padEnd(100, '.'))));
      const used = new Set(md.map((m) => m.partition));
      assert.ok(used.size > 1, `null-key records spread over partitions (used ${[...used]})`);
      let switches = 0;
      for (let i = 1; i < md.length; i++) if (md[i]!.partition !== md[i - 1]!.partition) switches++;
      assert.ok(switches < 100, `sticky: ${switches} partition switches for 400 records of ~130 bytes with batch.size=1000`);
      const [explicit] = await p.send([rec(topic, 'x', 'k', { partition: 3, timestamp: 1_600_000_000_000 })]);
      assert.equal(explicit!.partition, 3);
      assert.equal(explicit!.timestamp, 1_600_000_000_000);
    } finally {
      await p.disconnect();
    }
  });

  test('a send above 1 MiB is split into requests the broker accepts, offsets contiguous', async () => {
    const topic = await topicOf(1);
    const p = producer({ 'max.request.size': '300000' });
    await p.connect();
    try {
      const big = 'x'.repeat(1024);
      const md = await p.send(Array.from({ length: 3000 }, (_, i) => rec(topic, `${i}:${big}`)));
      assert.deepEqual(
        md.map((m) => m.offset),
        Array.from({ length: 3000 }, (_, i) => md[0]!.offset + i),
      );
      const read = await readTopic(topic, 3000);
      assert.deepEqual(
        read.sort((a, b) => a.offset - b.offset).map((r) => Number(r.value!.split(':')[0])),
        Array.from({ length: 3000 }, (_, i) => i),
      );
    } finally {
      await p.disconnect();
    }
  });

  test('null header values are written as null, apart from empty ones; repeated keys kept', async () => {
    const topic = await topicOf(1);
    const p = producer();
    await p.connect();
    try {
      await p.send([
        rec(topic, 'v', null, {
          headers: [
            { key: 'nothing', value: null },
            { key: 'empty', value: new Uint8Array(0) },
            { key: 'text', value: Buffer.from('v') },
            { key: 'nothing', value: null },
          ],
        }),
      ]);
      const [r] = await readTopic(topic, 1);
      assert.deepEqual(r!.headers.nothing, [null, null]);
      assert.equal(r!.headers.empty?.toString(), '');
      assert.equal(r!.headers.text?.toString(), 'v');
    } finally {
      await p.disconnect();
    }
  });

  for (const type of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
    const code = CompressionTypes[({ gzip: 'GZIP', snappy: 'Snappy', lz4: 'LZ4', zstd: 'ZSTD' } as const)[type]];
    const registered = (CompressionCodecs as unknown as Record<number, unknown>)[code] !== undefined;
    test(`compression.type=${type} writes batches a consumer reads back`, { skip: registered ? false : `no ${type} codec registered` }, async () => {
      const topic = await topicOf(2);
      const p = producer({ 'compression.type': type });
      await p.connect();
      try {
        const records = Array.from({ length: 500 }, (_, i) => rec(topic, `value ${i} `.repeat(10), `k${i}`));
        await p.send(records);
        const read = await readTopic(topic, 500);
        assert.deepEqual(read.map((r) => r.value).sort(), records.map((r) => Buffer.from(r.value!).toString()).sort());
      } finally {
        await p.disconnect();
      }
    });
  }

  test('acks=0 and acks=1 are honoured (no offsets without acknowledgement)', async () => {
    const topic = await topicOf(1);
    for (const acks of ['0', '1']) {
      const p = producer({ acks }, {}, { acks: Number(acks) as 0 | 1 });
      await p.connect();
      try {
        const md = await p.send([rec(topic, `acks=${acks}`)]);
        if (acks === '0') assert.equal(md[0]!.offset, -1);
        else assert.ok(md[0]!.offset >= 0);
      } finally {
        await p.disconnect();
      }
    }
    const read = await readTopic(topic, 2);
    assert.deepEqual(read.map((r) => r.value).sort(), ['acks=0', 'acks=1']);
  });

  test('a send started while the broker is unreachable succeeds once it is back within delivery.timeout.ms', async () => {
    const topic = await topicOf(2);
    const proxy = new Proxy();
    await proxy.start();
    const p = producer({ 'delivery.timeout.ms': '60000' }, proxy.config());
    await p.connect();
    try {
      await p.send([rec(topic, 'before')]);
      await proxy.stop();
      const started = Date.now();
      const sending = p.send(Array.from({ length: 100 }, (_, i) => rec(topic, `during ${i}`, `k${i}`)));
      let settled = false;
      void sending.then(
        () => (settled = true),
        () => (settled = true),
      );
      await new Promise((r) => setTimeout(r, 3000));
      assert.equal(settled, false, 'the send waits for the broker');
      await proxy.start();
      const md = await sending;
      assert.equal(md.length, 100);
      assert.ok(Date.now() - started >= 3000);
      const read = await readTopic(topic, 101);
      assert.equal(read.filter((r) => r.value?.startsWith('during')).length, 100);
    } finally {
      await p.disconnect();
      await proxy.stop();
    }
  });

  test('a send fails after delivery.timeout.ms with an error naming the topic and the setting', async () => {
    const topic = await topicOf(1);
    const proxy = new Proxy();
    await proxy.start();
    const p = producer({ 'delivery.timeout.ms': '3000' }, proxy.config());
    await p.connect();
    try {
      await p.send([rec(topic, 'before')]);
      await proxy.stop();
      const started = Date.now();
      await assert.rejects(p.send([rec(topic, 'lost')]), (e: Error) => {
        assert.match(e.message, new RegExp(topic));
        assert.match(e.message, /delivery\.timeout\.ms=3000/);
        assert.equal(e.name, 'KafkaProduceError');
        return true;
      });
      const took = Date.now() - started;
      assert.ok(took >= 2500 && took < 15_000, `failed after ${took} ms`);
    } finally {
      await p.disconnect().catch(() => {});
      await proxy.stop();
    }
  });
});
