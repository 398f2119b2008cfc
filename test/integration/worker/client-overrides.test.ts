/**
 * Kafka client settings reach the clients a worker opens, on the real broker: a connector's
 * `consumer.override.*` and the worker's `consumer.*` change where a sink starts and which group it commits
 * to; `producer.override.compression.type` and the worker's `producer.*` change how a source's producer and a
 * sink's DLQ producer write their batches (the broker's log segments checked with Kafka's DumpLogSegments);
 * `connector.client.config.override.policy=None` refuses an override with Kafka's message.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import kafkajs from 'kafkajs';
import { KAFKA_BROKERS, uniqueName } from '../../support/services.js';
import { REPO } from '../../support/processes.js';
import { api, eventually, startWorker, states, tempDir, waitForStates, type TestWorker } from '../rest/support.js';
import { createTopicsReady } from '../../support/kafka-topics.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const { Kafka, logLevel } = kafkajs;
const run = promisify(execFile);
const kafka = new Kafka({ brokers: KAFKA_BROKERS, clientId: 'client-overrides-it', logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const producer = kafka.producer();

const fileLines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

/** The codecs of the batches in a topic's first log segment, as Kafka's DumpLogSegments prints them. */
async function storedCodecs(topic: string): Promise<Set<string>> {
  const file = join(REPO, '.stack', 'kafka', 'data', `${topic}-0`, '00000000000000000000.log');
  assert.ok(existsSync(file), `${file} exists`);
  const { stdout } = await run('java', ['-cp', join(REPO, '.stack', 'kafka', 'libs', '*'), 'kafka.tools.DumpLogSegments', '--files', file], {
    timeout: 120_000,
    maxBuffer: 64 << 20,
  });
  return new Set([...stdout.matchAll(/compresscodec: (\w+)/g)].map((m) => m[1]!.toLowerCase()));
}

async function topicWith(prefix: string, values: string[]): Promise<string> {
  const topic = uniqueName(prefix);
  await createTopicsReady(admin, [{ topic, numPartitions: 1 }]);
  if (values.length > 0) await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value })) });
  return topic;
}

/**
 * Starts a FileStreamSink on `topic` with `extra` config, waits until its consumer is in its group, then keeps
 * producing `new-<i>` until the file shows one: a sink that starts at the end never sees the older records.
 */
async function sinkFromLatest(w: TestWorker, topic: string, group: string, extra: Record<string, string>): Promise<string[]> {
  const name = uniqueName('latest_sink');
  const out = join(tempDir('overrides'), 'out.txt');
  const created = await api(w.base, 'POST', '/connectors', {
    name,
    config: { 'connector.class': 'FileStreamSink', topics: topic, file: out, 'value.converter': 'string', ...extra },
  });
  assert.equal(created.status, 201, created.text);
  await waitForStates(w.base, name, 'RUNNING RUNNING');
  await eventually(async () => {
    const [g] = (await admin.describeGroups([group])).groups;
    return g?.state === 'Stable' && g.members.length === 1;
  }, `group ${group} stable`, 30_000, 200);
  for (let i = 0; fileLines(out).length === 0; i++) {
    assert.ok(i < 60, 'the sink wrote nothing');
    await producer.send({ topic, acks: -1, messages: [{ value: `new-${i}` }] });
    await new Promise((r) => setTimeout(r, 500));
  }
  return fileLines(out);
}

before(async () => {
  await admin.connect();
  await producer.connect();
});
after(async () => {
  await producer.disconnect();
  await admin.disconnect();
});

describe('client settings on the real broker', { timeout: 240_000 }, () => {
  test('consumer.override.* reaches the sink consumer: auto.offset.reset=latest and group.id', async () => {
    const topic = await topicWith('ovr_latest', ['old-0', 'old-1', 'old-2']);
    const w = await startWorker({ 'bootstrap.servers': KAFKA_BROKERS.join(',') });
    try {
      const group = uniqueName('ovr_group');
      const lines = await sinkFromLatest(w, topic, group, {
        'consumer.override.auto.offset.reset': 'latest',
        'consumer.override.group.id': group,
      });
      assert.deepEqual(lines.filter((l) => l.startsWith('old-')), [], 'a sink starting at the end');
      assert.ok(lines.length > 0 && lines.every((l) => l.startsWith('new-')));
      // The commits went to the overridden group.
      await eventually(async () => {
        const [t] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
        return Number(t?.partitions[0]?.offset ?? -1) > 3;
      }, `offsets committed under ${group}`, 30_000, 200);

      // The same sink without the override starts at the beginning (Kafka Connect's earliest).
      const name = uniqueName('earliest_sink');
      const out = join(tempDir('overrides'), 'all.txt');
      assert.equal((await api(w.base, 'POST', '/connectors', {
        name, config: { 'connector.class': 'FileStreamSink', topics: topic, file: out, 'value.converter': 'string' },
      })).status, 201);
      await eventually(() => fileLines(out).includes('old-0') && fileLines(out).includes('new-0'), 'the default sink reads from the start', 30_000, 200);
    } finally {
      await w.stop();
    }
  });

  test("the worker's consumer.* keys reach every sink consumer", async () => {
    const topic = await topicWith('ovr_worker_latest', ['old-0', 'old-1']);
    const w = await startWorker({ 'bootstrap.servers': KAFKA_BROKERS.join(','), 'consumer.auto.offset.reset': 'latest' });
    try {
      const group = uniqueName('ovr_wgroup');
      const lines = await sinkFromLatest(w, topic, group, { 'consumer.override.group.id': group });
      assert.deepEqual(lines.filter((l) => l.startsWith('old-')), []);
    } finally {
      await w.stop();
    }
  });

  test('producer.override.compression.type and the worker producer.* keys reach the source and DLQ producers', async () => {
    const sourceTopic = uniqueName('ovr_gzip_src');
    const workerTopic = uniqueName('ovr_worker_lz4');
    const w = await startWorker({ 'bootstrap.servers': KAFKA_BROKERS.join(','), 'producer.compression.type': 'lz4' });
    try {
      const source = (name: string, topic: string, extra: Record<string, string>) =>
        api(w.base, 'POST', '/connectors', {
          name,
          config: {
            'connector.class': 'datagen', 'kafka.topic': topic, 'max.records': '200', 'random.seed': '3',
            'topic.creation.default.partitions': '1', 'topic.creation.default.replication.factor': '1', ...extra,
          },
        });
      assert.equal((await source(uniqueName('gz'), sourceTopic, { 'producer.override.compression.type': 'gzip' })).status, 201);
      assert.equal((await source(uniqueName('lz'), workerTopic, {})).status, 201);

      // A sink whose converter fails every record: the DLQ producer takes the connector's producer overrides.
      const poison = await topicWith('ovr_poison', ['not json 1', 'not json 2', 'not json 3']);
      const dlq = uniqueName('ovr_dlq');
      assert.equal((await api(w.base, 'POST', '/connectors', {
        name: uniqueName('dlq_sink'),
        config: {
          'connector.class': 'FileStreamSink', topics: poison, file: join(tempDir('overrides'), 'never.txt'),
          'value.converter': 'json', 'errors.tolerance': 'all', 'errors.deadletterqueue.topic.name': dlq,
          'errors.deadletterqueue.topic.replication.factor': '1', 'producer.override.compression.type': 'gzip',
        },
      })).status, 201);

      const high = async (topic: string) => {
        const offsets = await admin.fetchTopicOffsets(topic).catch(() => []);
        return offsets.reduce((s, p) => s + Number(p.high), 0);
      };
      await eventually(async () => (await high(sourceTopic)) === 200 && (await high(workerTopic)) === 200, 'the sources wrote', 60_000, 200);
      await eventually(async () => (await high(dlq)) === 3, 'the DLQ holds the poison records', 60_000, 200);
      assert.deepEqual([...(await storedCodecs(sourceTopic))], ['gzip']);
      assert.deepEqual([...(await storedCodecs(workerTopic))], ['lz4']);
      assert.deepEqual([...(await storedCodecs(dlq))], ['gzip']);
    } finally {
      await w.stop();
    }
  });

  test('connector.client.config.override.policy=None refuses an override with Kafka\'s message', async () => {
    const w = await startWorker({ 'bootstrap.servers': KAFKA_BROKERS.join(','), 'connector.client.config.override.policy': 'None' });
    const message = "The 'None' policy does not allow 'linger.ms' to be overridden in the connector configuration.";
    try {
      const config = {
        'connector.class': 'datagen', 'kafka.topic': uniqueName('ovr_none'), 'max.records': '10',
        'producer.override.linger.ms': '5',
      };
      const name = uniqueName('ovr_none');
      const created = await api(w.base, 'POST', '/connectors', { name, config });
      // Refused at validation, on the override's key, as Kafka's validateClientOverrides does.
      assert.equal(created.status, 400, created.text);
      assert.ok(created.body.message.includes(message), created.body.message);
      const secret = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="never-shown";';
      const v = await api(w.base, 'PUT', '/connector-plugins/datagen/config/validate', { ...config, name, 'producer.override.sasl.jaas.config': secret });
      const entry = (key: string) => v.body.configs.find((c: { value: { name: string } }) => c.value.name === key);
      assert.deepEqual(entry('producer.override.linger.ms')?.value.errors, [message]);
      assert.equal(entry('producer.override.linger.ms')?.value.value, '5');
      assert.equal(entry('producer.override.sasl.jaas.config')?.value.value, '[hidden]', 'a secret is never echoed');
      assert.ok(!v.text.includes('never-shown'));
      assert.equal(v.body.error_count, 2);
    } finally {
      await w.stop();
    }
  });
});
