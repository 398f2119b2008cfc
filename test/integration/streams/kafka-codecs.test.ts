/**
 * Every compression codec between Java's Kafka clients and Sluice's kafkajs clients on the real broker:
 * Java's producer writes gzip, snappy, lz4 and zstd batches that Sluice's consumer reads (keys, values,
 * headers with a null value), and kafkajs with Sluice's codecs writes batches that Java's consumer and Sluice's
 * consumer read. The broker's log segments show each batch stored with its codec.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import kafkajs from 'kafkajs';
import { createKafkajsClient, type ConsumedBatch, type KafkaConsumer } from '../../../src/streams/index.js';
import { registerCodecs } from '../../../src/streams/kafka/kafkajs/codecs.js';
import { KAFKA_BROKERS, uniqueName } from '../../support/services.js';
import { REPO } from '../../support/processes.js';
import { createTopicsReady } from '../../support/kafka-topics.js';

const { Kafka, logLevel, CompressionTypes } = kafkajs;
const run = promisify(execFile);
const LIBS = join(REPO, '.stack', 'kafka', 'libs', '*');
const JAVA = join(REPO, 'test', 'java-producer');
const COUNT = 500;
const CODECS = ['gzip', 'snappy', 'lz4', 'zstd'] as const;
type Codec = (typeof CODECS)[number];
const KAFKAJS_TYPE = { gzip: CompressionTypes.GZIP, snappy: CompressionTypes.Snappy, lz4: CompressionTypes.LZ4, zstd: CompressionTypes.ZSTD };

/** A record as both sides see it; bytes as base64, null as null. Header order as written. */
interface Rec {
  key: string | null;
  value: string | null;
  headers: Array<[string, string | null]>;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const b64OrNull = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('base64'));

/** Record i, by the rule of test/java-producer/ProduceCompressed.java. */
function expected(i: number): Rec {
  const words = Array.from({ length: 20 }, (_, w) => ` word${(i * 31 + w * 7) % 13}`).join('');
  return {
    key: i % 7 === 0 ? null : b64(`key-${i}`),
    value: i === COUNT - 1 ? null : b64(`value-${i}${words}`),
    headers: [
      [b64('seq'), b64(String(i))],
      [b64('none'), null],
      [b64('empty'), ''],
    ],
  };
}
const EXPECTED = Array.from({ length: COUNT }, (_, i) => expected(i));
/** kafkajs 2.2.4 cannot write a null header value (it measures it as a string), so its records go without one. */
const EXPECTED_KAFKAJS = EXPECTED.map((r) => ({ ...r, headers: r.headers.filter(([, v]) => v !== null) }));

async function java(program: string, args: string[]): Promise<string> {
  const { stdout } = await run('java', ['-cp', LIBS, join(JAVA, program), ...args], { timeout: 180_000, maxBuffer: 64 << 20 });
  return stdout;
}

/** Reads COUNT records of each topic with Sluice's consumer (the one sinks use). */
async function sluiceRead(topics: string[]): Promise<Map<string, Rec[]>> {
  const client = createKafkajsClient({ brokers: KAFKA_BROKERS, clientId: 'codecs-test' });
  const groupId = uniqueName('codecs_group');
  const consumer: KafkaConsumer = client.consumer({ groupId, clientId: groupId, fromBeginning: true });
  const got = new Map<string, Rec[]>(topics.map((t) => [t, []]));
  let crashed: Error | undefined;
  await consumer.connect();
  try {
    await consumer.subscribe({ topics });
    await consumer.run({
      onBatch: async (b: ConsumedBatch) => {
        got.get(b.topic)!.push(
          ...b.messages.map((m) => ({
            key: b64OrNull(m.key),
            value: b64OrNull(m.value),
            headers: m.headers.map((h): [string, string | null] => [b64(h.key), b64OrNull(h.value)]),
          })),
        );
      },
      onAssigned: async () => {},
      onRevoked: async () => {},
      onCrash: (e) => {
        crashed = e;
      },
    });
    const end = Date.now() + 90_000;
    while ([...got.values()].some((r) => r.length < COUNT)) {
      if (crashed) throw crashed;
      if (Date.now() > end) throw new Error(`gave up: ${[...got].map(([t, r]) => `${t}: ${r.length}`).join(', ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await consumer.disconnect();
  }
  return got;
}

/** The codec of each batch in a topic's first log segment, as Kafka's DumpLogSegments prints it. */
async function storedCodecs(topics: string[]): Promise<Map<string, Set<string>> | null> {
  const data = join(REPO, '.stack', 'kafka', 'data');
  const files = topics.map((t) => join(data, `${t}-0`, '00000000000000000000.log'));
  if (!files.every(existsSync)) return null;
  const { stdout } = await run('java', ['-cp', LIBS, 'kafka.tools.DumpLogSegments', '--files', files.join(',')], {
    timeout: 180_000,
    maxBuffer: 64 << 20,
  });
  const codecs = new Map<string, Set<string>>();
  let topic = '';
  for (const line of stdout.split('\n')) {
    const file = /^Dumping (.*)$/.exec(line);
    if (file) topic = topics[files.indexOf(file[1]!)] ?? '';
    const codec = /compresscodec: (\w+)/.exec(line);
    if (codec && topic) codecs.set(topic, (codecs.get(topic) ?? new Set()).add(codec[1]!.toLowerCase()));
  }
  return codecs;
}

describe('compression codecs between Java clients and Sluice on a real broker', () => {
  const kafka = new Kafka({ brokers: KAFKA_BROKERS, clientId: 'codecs-test', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const fromJava = new Map<Codec, string>(CODECS.map((c) => [c, uniqueName(`codec_java_${c}`)]));
  const fromSluice = new Map<Codec, string>(CODECS.map((c) => [c, uniqueName(`codec_sluice_${c}`)]));
  let sluiceSaw: Map<string, Rec[]>;
  let javaSaw: Map<string, Rec[]>;

  before(async () => {
    registerCodecs();
    await admin.connect();
    await createTopicsReady(admin, [...fromJava.values(), ...fromSluice.values()].map((topic) => ({ topic, numPartitions: 1 })));
    const producer = kafka.producer();
    await producer.connect();
    const javaProduced = java('ProduceCompressed.java', [KAFKA_BROKERS.join(','), String(COUNT), ...[...fromJava].map(([c, t]) => `${t}=${c}`)]);
    try {
      for (const [codec, topic] of fromSluice) {
        // Several sends, so the topic holds several batches of this codec.
        for (let from = 0; from < COUNT; from += 200) {
          await producer.send({
            topic,
            compression: KAFKAJS_TYPE[codec],
            messages: EXPECTED.slice(from, from + 200).map((r) => ({
              partition: 0,
              key: r.key === null ? null : Buffer.from(r.key, 'base64'),
              value: r.value === null ? null : Buffer.from(r.value, 'base64'),
              headers: { seq: Buffer.from(r.headers[0]![1]!, 'base64'), empty: Buffer.alloc(0) },
            })),
          });
        }
      }
    } finally {
      await producer.disconnect();
    }
    await javaProduced;
    const [sluice, javaLines] = await Promise.all([
      sluiceRead([...fromJava.values(), ...fromSluice.values()]),
      java('ConsumeRecords.java', [KAFKA_BROKERS.join(','), String(COUNT), ...fromSluice.values()]),
    ]);
    sluiceSaw = sluice;
    javaSaw = new Map([...fromSluice.values()].map((t) => [t, []]));
    for (const line of javaLines.split('\n').filter(Boolean)) {
      const [topic, , key, value, headers] = line.split('\t');
      const orNull = (s: string) => (s === '~' ? null : s);
      javaSaw.get(topic!)!.push({
        key: orNull(key!),
        value: orNull(value!),
        headers: headers ? headers.split(',').map((h): [string, string | null] => {
          const [k, v] = h.split(':');
          return [k!, orNull(v!)];
        }) : [],
      });
    }
  });

  after(async () => {
    await admin.deleteTopics({ topics: [...fromJava.values(), ...fromSluice.values()] }).catch(() => {});
    await admin.disconnect();
  });

  for (const codec of CODECS) {
    test(`${codec}: what Java's producer wrote, Sluice's consumer reads whole (keys, values, null and empty headers)`, () => {
      assert.deepEqual(sluiceSaw.get(fromJava.get(codec)!), EXPECTED);
    });

    test(`${codec}: what Sluice's kafkajs producer wrote, Java's consumer and Sluice's consumer read whole`, () => {
      assert.deepEqual(javaSaw.get(fromSluice.get(codec)!), EXPECTED_KAFKAJS);
      assert.deepEqual(sluiceSaw.get(fromSluice.get(codec)!), EXPECTED_KAFKAJS);
    });
  }

  test('the broker stored every batch with the codec it was written with', async (t) => {
    const topics = [...fromJava, ...fromSluice];
    const codecs = await storedCodecs(topics.map(([, topic]) => topic));
    if (!codecs) {
      t.skip(`the broker's log directory is not ${join(REPO, '.stack', 'kafka', 'data')} (another stack)`);
      return;
    }
    for (const [codec, topic] of topics) assert.deepEqual([...(codecs.get(topic) ?? [])], [codec], topic);
  });
});
