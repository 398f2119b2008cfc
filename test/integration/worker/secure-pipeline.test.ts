/**
 * Whole pipelines through the broker's secure listeners, configured as a Kafka Connect user configures them (the
 * worker's top-level, `producer.*` and `consumer.*` security keys), checked with an independent kafkajs client:
 *
 * - a distributed worker on SASL_SSL (SCRAM-SHA-512, PEM trust store): datagen → Kafka → FileStreamSink with a
 *   dead letter queue; the file holds every record, the DLQ the one bad record, the offsets topic the source's
 *   offsets;
 * - a standalone worker on SSL and one on SASL_PLAINTEXT (PLAIN): the same source → sink;
 * - a connector override with a wrong password, and one with a trust store that does not vouch for the broker:
 *   the task fails naming the cause; once the config is corrected every record arrives.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { uniqueName } from '../../support/services.js';
import { dlqCommand } from '../../../src/cli/dlq.js';
import type { CliIo } from '../../../src/cli/io.js';
import {
  KAFKA_SASL_PLAINTEXT_BROKERS,
  KAFKA_SASL_SSL_BROKERS,
  KAFKA_SSL_BROKERS,
  PLAIN_USER,
  SCRAM_USER,
  jaas,
  secureFile,
} from '../../support/kafka-secure.js';
import { TestCluster, rest, until } from '../cluster/support/cluster.js';
import { api, eventually, startWorker, tempDir, waitForStates } from '../rest/support.js';
import { createTopicsReady } from '../../support/kafka-topics.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const { Kafka, logLevel } = kafkajs;

const N = 300;
const CA = secureFile('ca.pem');

/** Security keys for each client role, as a Kafka Connect worker config spells them. */
function workerSecurity(client: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(client)) {
    out[k] = v;
    out[`producer.${k}`] = v;
    out[`consumer.${k}`] = v;
  }
  return out;
}

const SASL_SSL_CLIENT = {
  'security.protocol': 'SASL_SSL',
  'sasl.mechanism': 'SCRAM-SHA-512',
  'sasl.jaas.config': jaas('scram', SCRAM_USER),
  'ssl.truststore.type': 'PEM',
  'ssl.truststore.location': CA,
};
const SSL_CLIENT = { 'security.protocol': 'SSL', 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': CA };
const SASL_PLAINTEXT_CLIENT = { 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN', 'sasl.jaas.config': jaas('plain', PLAIN_USER) };

const JSON_CONVERTERS = {
  'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'key.converter.schemas.enable': 'false',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter.schemas.enable': 'false',
};

/** An independent kafkajs client on the SASL_SSL listener (not Sluice's adapter). */
const checker = new Kafka({
  brokers: KAFKA_SASL_SSL_BROKERS,
  clientId: 'secure-pipeline-check',
  ssl: { ca: [readFileSync(CA)] },
  sasl: { mechanism: 'scram-sha-512', username: SCRAM_USER.username, password: SCRAM_USER.password },
  logLevel: logLevel.NOTHING,
});
const checkAdmin = checker.admin();
const checkProducer = checker.producer();
after(async () => {
  await checkAdmin.disconnect();
  await checkProducer.disconnect();
});

/** Every record value of a topic (read from the beginning until `expected` have arrived). */
async function topicValues(topic: string, expected: number, timeoutMs = 60_000): Promise<string[]> {
  const consumer = checker.consumer({ groupId: uniqueName('check') });
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let done!: () => void;
    const all = new Promise<void>((r) => (done = r));
    await consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value === null ? '<null>' : message.value.toString());
        if (values.length >= expected) done();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
  } finally {
    await consumer.disconnect();
  }
  return values;
}

const fileLines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
/** Distinct datagen records in a FileStreamSink file (each line is a record's JSON value). */
const distinct = (lines: string[]): number => new Set(lines).size;

function datagen(topic: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'connector.class': 'datagen',
    'kafka.topic': topic,
    'max.records': String(N),
    'random.seed': '7',
    'topic.creation.default.partitions': '1',
    'topic.creation.default.replication.factor': '1',
    ...extra,
  };
}

function fileSink(topic: string, file: string, extra: Record<string, string> = {}): Record<string, string> {
  return { 'connector.class': 'FileStreamSink', topics: topic, file, 'value.converter': 'org.apache.kafka.connect.storage.StringConverter', ...extra };
}

describe('a distributed worker on SASL_SSL (SCRAM-SHA-512)', () => {
  const cluster = new TestCluster({ extra: { 'bootstrap.servers': KAFKA_SASL_SSL_BROKERS.join(','), ...workerSecurity(SASL_SSL_CLIENT), ...JSON_CONVERTERS } });
  after(() => cluster.stop());

  test('source → Kafka → sink with a DLQ, and the offsets topic, all through SASL_SSL', { timeout: 240_000 }, async () => {
    const [w] = await cluster.start(1);
    const port = w!.port;
    const topic = uniqueName('sec_orders');
    const dlq = uniqueName('sec_dlq');
    const out = join(cluster.dir, 'orders.jsonl');
    await checkAdmin.connect();
    await createTopicsReady(checkAdmin, [{ topic, numPartitions: 1 }, { topic: dlq, numPartitions: 1 }]);
    await checkProducer.connect();
    // One record the sink's JsonConverter cannot read: it goes to the DLQ.
    await checkProducer.send({ topic, acks: -1, messages: [{ value: 'not json {' }] });

    const sink = await rest(port, 'POST', '/connectors', {
      name: 'sec-sink',
      config: fileSink(topic, out, {
        'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
        'value.converter.schemas.enable': 'false',
        'errors.tolerance': 'all',
        'errors.deadletterqueue.topic.name': dlq,
        'errors.deadletterqueue.topic.replication.factor': '1',
        'errors.deadletterqueue.context.headers.enable': 'true',
      }),
    });
    assert.equal(sink.status, 201, JSON.stringify(sink.body));
    const source = await rest(port, 'POST', '/connectors', { name: 'sec-source', config: datagen(topic) });
    assert.equal(source.status, 201, JSON.stringify(source.body));

    await until('every generated record in the file', () => distinct(fileLines(out)) >= N, 120_000);
    assert.equal(distinct(fileLines(out)), N);
    const dead = await topicValues(dlq, 1);
    assert.deepEqual(dead, ['not json {']);
    // `sluice dlq replay --worker-config` reaches the same listener with the worker file's client settings.
    const workerFile = join(cluster.dir, 'replay-worker.properties');
    const props = { 'bootstrap.servers': KAFKA_SASL_SSL_BROKERS.join(','), ...workerSecurity(SASL_SSL_CLIENT) };
    writeFileSync(workerFile, Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
    const replayed = uniqueName('sec_replayed');
    await createTopicsReady(checkAdmin, [{ topic: replayed, numPartitions: 1 }]);
    const said: string[] = [];
    const io = { stdout: { write: (x: string) => said.push(x) }, stderr: { write: (x: string) => said.push(x) } } as unknown as CliIo;
    const code = await dlqCommand(['replay', '--from', dlq, '--to', replayed, '--worker-config', workerFile, '--idle-ms', '2000'], io);
    assert.equal(code, 0, said.join(''));
    assert.match(said.join(''), /^replayed 1 records? from /);
    assert.deepEqual(await topicValues(replayed, 1), ['not json {']);
    // The source's offsets went to the worker's offsets topic through the same listener, in Kafka Connect's key format.
    const offsets = await topicValues(cluster.offsetsTopic, 1);
    assert.ok(offsets.length >= 1, 'the offsets topic holds the source offsets');
    for (const s of ['sec-source', 'sec-sink']) {
      const st = await cluster.status(s, port);
      assert.deepEqual([st.connector.state, ...st.tasks.map((t: { state: string }) => t.state)], ['RUNNING', 'RUNNING'], `${s}: ${JSON.stringify(st)}`);
    }
  });
});

describe('standalone workers on SSL and SASL_PLAINTEXT', () => {
  for (const [label, brokers, client] of [
    ['SSL', KAFKA_SSL_BROKERS, SSL_CLIENT],
    ['SASL_PLAINTEXT (PLAIN)', KAFKA_SASL_PLAINTEXT_BROKERS, SASL_PLAINTEXT_CLIENT],
  ] as const) {
    test(`${label}: source → Kafka → sink`, { timeout: 120_000 }, async () => {
      const w = await startWorker({ 'bootstrap.servers': brokers.join(','), ...workerSecurity(client), ...JSON_CONVERTERS });
      try {
        const topic = uniqueName('sec_plain');
        const out = join(tempDir('secure'), 'out.jsonl');
        assert.equal((await api(w.base, 'POST', '/connectors', { name: 'src', config: datagen(topic) })).status, 201);
        assert.equal((await api(w.base, 'POST', '/connectors', { name: 'sink', config: fileSink(topic, out) })).status, 201);
        await eventually(() => distinct(fileLines(out)) >= N, 'every record in the file', 60_000, 200);
        assert.equal(distinct(fileLines(out)), N);
      } finally {
        await w.stop();
      }
    });
  }
});

describe('credentials and certificates that do not work', () => {
  test('a wrong password in producer.override.sasl.jaas.config fails the source task naming the cause; fixed, every record arrives', { timeout: 120_000 }, async () => {
    const w = await startWorker({ 'bootstrap.servers': KAFKA_SASL_SSL_BROKERS.join(','), ...workerSecurity(SASL_SSL_CLIENT), ...JSON_CONVERTERS });
    try {
      const topic = uniqueName('sec_badpw');
      await checkAdmin.connect();
      await createTopicsReady(checkAdmin, [{ topic, numPartitions: 1 }]);
      const bad = datagen(topic, { 'producer.override.sasl.jaas.config': jaas('scram', { username: SCRAM_USER.username, password: 'not-the-password' }) });
      assert.equal((await api(w.base, 'POST', '/connectors', { name: 'badpw', config: bad })).status, 201);
      await waitForStates(w.base, 'badpw', 'RUNNING FAILED', 60_000);
      const status = await api(w.base, 'GET', '/connectors/badpw/status');
      const trace = String(status.body.tasks[0].trace);
      assert.match(trace, /authentication failed/i);
      assert.ok(!trace.includes('not-the-password'), 'the password is not in the trace');

      const fixed = await api(w.base, 'PUT', '/connectors/badpw/config', datagen(topic));
      assert.equal(fixed.status, 200, fixed.text);
      assert.equal((await api(w.base, 'POST', '/connectors/badpw/restart?includeTasks=true&onlyFailed=true')).status < 300, true);
      await waitForStates(w.base, 'badpw', 'RUNNING RUNNING', 60_000);
      const values = await topicValues(topic, N);
      assert.equal(new Set(values).size, N, 'every generated record is in the topic');
    } finally {
      await w.stop();
    }
  });

  test('a trust store that does not vouch for the broker fails the sink task naming the certificate; fixed, every record arrives', { timeout: 120_000 }, async () => {
    const w = await startWorker({ 'bootstrap.servers': KAFKA_SSL_BROKERS.join(','), ...workerSecurity(SSL_CLIENT), ...JSON_CONVERTERS });
    try {
      const topic = uniqueName('sec_badca');
      const out = join(tempDir('secure'), 'out.jsonl');
      assert.equal((await api(w.base, 'POST', '/connectors', { name: 'src', config: datagen(topic) })).status, 201);
      await waitForStates(w.base, 'src', 'RUNNING RUNNING', 60_000);
      const bad = fileSink(topic, out, { 'consumer.override.ssl.truststore.location': secureFile('untrusted-ca.pem') });
      assert.equal((await api(w.base, 'POST', '/connectors', { name: 'badca', config: bad })).status, 201);
      await waitForStates(w.base, 'badca', 'RUNNING FAILED', 60_000);
      const status = await api(w.base, 'GET', '/connectors/badca/status');
      assert.match(String(status.body.tasks[0].trace), /self[- ]signed certificate|unable to verify|certificate/i);
      assert.equal(fileLines(out).length, 0);

      const fixed = await api(w.base, 'PUT', '/connectors/badca/config', fileSink(topic, out));
      assert.equal(fixed.status, 200, fixed.text);
      await api(w.base, 'POST', '/connectors/badca/restart?includeTasks=true&onlyFailed=true');
      await eventually(() => distinct(fileLines(out)) >= N, 'every record in the file', 60_000, 200);
      assert.equal(distinct(fileLines(out)), N);
    } finally {
      await w.stop();
    }
  });
});
