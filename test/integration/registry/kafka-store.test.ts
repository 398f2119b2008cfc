// The registry over a compacted Kafka topic on the test stack's broker, in Confluent's `_schemas` format.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { KAFKA_BROKERS, uniqueName } from '../../support/services.js';
import { createTopicsReady } from '../../support/kafka-topics.js';
import { KAFKA_SASL_SSL_BROKERS, SCRAM_USER, jaas, secureFile } from '../../support/kafka-secure.js';
import { registryConfig, startSchemaRegistry, type RunningSchemaRegistry } from '../../../src/registry/index.js';
import { call } from '../../unit/registry/support.js';

const { Kafka, logLevel, ConfigResourceTypes } = kafkajs;
const kafka = new Kafka({ brokers: KAFKA_BROKERS, clientId: 'registry-test', logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const producer = kafka.producer();

before(async () => {
  await admin.connect();
  await producer.connect();
});
after(async () => {
  await producer.disconnect();
  await admin.disconnect();
});

function start(topic: string): Promise<RunningSchemaRegistry> {
  return startSchemaRegistry({ listener: 'http://127.0.0.1:0', storage: { kind: 'kafka', bootstrapServers: KAFKA_BROKERS, topic, timeoutMs: 30_000 } });
}

/** Every record of a topic as [key, value] texts, in offset order. */
async function readTopic(topic: string): Promise<Array<[string, string | null]>> {
  const high = Number((await admin.fetchTopicOffsets(topic))[0]!.high);
  const consumer = kafka.consumer({ groupId: uniqueName('registry-test-reader') });
  const out: Array<[string, string | null]> = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${out.length} of ${high} records of ${topic}`)), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          out.push([message.key!.toString('utf8'), message.value === null ? null : message.value.toString('utf8')]);
          if (Number(message.offset) + 1 >= high) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
}

const SCHEMA_A = '{"type":"record","name":"A","fields":[{"name":"x","type":"int"}]}';
const SCHEMA_B = '{"type":"record","name":"B","fields":[{"name":"y","type":"string"}]}';

test('the topic is created compacted with one partition, and what is written is Confluent\'s key/value JSON', async () => {
  const topic = uniqueName('schemas');
  const reg = await start(topic);
  try {
    assert.equal(reg.storage, `topic ${topic}`);
    assert.deepEqual((await call(reg.url, 'POST', '/subjects/orders-value/versions', { schema: SCHEMA_A })).body, { id: 1 });
    await call(reg.url, 'PUT', '/config/orders-value', { compatibility: 'FULL' });
    await call(reg.url, 'PUT', '/config', { compatibility: 'NONE' });
    await call(reg.url, 'DELETE', '/subjects/orders-value');
    await call(reg.url, 'PUT', '/mode', { mode: 'READONLY' });
  } finally {
    await reg.close();
  }
  const md = await admin.fetchTopicMetadata({ topics: [topic] });
  assert.equal(md.topics[0]!.partitions.length, 1);
  const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy'] }] });
  assert.equal(configs.resources[0]!.configEntries.find((e) => e.configName === 'cleanup.policy')!.configValue, 'compact');
  assert.deepEqual(await readTopic(topic), [
    [
      '{"keytype":"SCHEMA","subject":"orders-value","version":1,"magic":1}',
      '{"subject":"orders-value","version":1,"id":1,"schemaType":"AVRO","schema":"{\\"type\\":\\"record\\",\\"name\\":\\"A\\",\\"fields\\":[{\\"name\\":\\"x\\",\\"type\\":\\"int\\"}]}","deleted":false}',
    ],
    ['{"keytype":"CONFIG","subject":"orders-value","magic":0}', '{"subject":"orders-value","compatibilityLevel":"FULL"}'],
    ['{"keytype":"CONFIG","magic":0}', '{"compatibilityLevel":"NONE"}'],
    ['{"keytype":"DELETE_SUBJECT","subject":"orders-value","magic":0}', '{"subject":"orders-value","version":1}'],
    ['{"keytype":"MODE","magic":0}', '{"mode":"READONLY"}'],
  ]);
});

test('a restarted registry reads the topic back: same ids, deletes, configs; new ids after the highest', async () => {
  const topic = uniqueName('schemas');
  let reg = await start(topic);
  let a: number;
  let b: number;
  try {
    a = (await call(reg.url, 'POST', '/subjects/s1/versions', { schema: SCHEMA_A })).body.id;
    b = (await call(reg.url, 'POST', '/subjects/s2/versions', { schema: SCHEMA_B })).body.id;
    assert.deepEqual((await call(reg.url, 'POST', '/subjects/s3/versions', { schema: SCHEMA_A })).body, { id: a });
    await call(reg.url, 'DELETE', '/subjects/s2');
    await call(reg.url, 'PUT', '/config/s1', { compatibility: 'FORWARD' });
  } finally {
    await reg.close();
  }
  reg = await start(topic);
  try {
    assert.deepEqual((await call(reg.url, 'GET', '/subjects')).body, ['s1', 's3']);
    assert.deepEqual((await call(reg.url, 'GET', '/subjects?deleted=true')).body, ['s1', 's2', 's3']);
    assert.deepEqual((await call(reg.url, 'POST', '/subjects/s1/versions', { schema: SCHEMA_A })).body, { id: a });
    assert.deepEqual((await call(reg.url, 'GET', `/schemas/ids/${b}`)).body, { schema: SCHEMA_B });
    assert.deepEqual((await call(reg.url, 'GET', '/config/s1')).body, { compatibilityLevel: 'FORWARD' });
    const c = (await call(reg.url, 'POST', '/subjects/s4/versions', { schema: '"string"' })).body.id;
    assert.equal(c, Math.max(a, b) + 1);
  } finally {
    await reg.close();
  }
});

test('a topic written by Confluent\'s registry (its exact records, a NOOP and a CONTEXT key among them) is read', async () => {
  const topic = uniqueName('schemas');
  await createTopicsReady(admin, [{ topic, numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }]);
  const records: Array<[string, string | null]> = [
    ['{"keytype":"NOOP","magic":0}', null],
    ['{"keytype":"SCHEMA","subject":"payments-value","version":1,"magic":1}', '{"subject":"payments-value","version":1,"id":7,"schemaType":"AVRO","schema":"\\"string\\"","deleted":false}'],
    [
      '{"keytype":"SCHEMA","subject":"payments-value","version":2,"magic":1}',
      '{"subject":"payments-value","version":2,"id":9,"md5":"jvQ1qE6yCEbNUQEsHhz0HQ==","schemaType":"AVRO","schema":"{\\"type\\":\\"record\\",\\"name\\":\\"P\\",\\"fields\\":[{\\"name\\":\\"amount\\",\\"type\\":\\"long\\"}]}","deleted":false}',
    ],
    ['{"keytype":"SCHEMA","subject":"refunds-value","version":1,"magic":1}', '{"subject":"refunds-value","version":1,"id":7,"schemaType":"AVRO","schema":"\\"string\\"","deleted":false}'],
    ['{"keytype":"CONFIG","magic":0}', '{"compatibilityLevel":"FULL_TRANSITIVE"}'],
    ['{"keytype":"CONTEXT","tenant":"default","context":".staging","magic":0}', '{"tenant":"default","context":".staging"}'],
    ['{"keytype":"DELETE_SUBJECT","subject":"refunds-value","magic":0}', '{"subject":"refunds-value","version":1}'],
    ['{"keytype":"NOOP","magic":0}', null],
  ];
  await producer.send({ topic, messages: records.map(([key, value]) => ({ key, value, partition: 0 })) });
  const reg = await start(topic);
  try {
    assert.deepEqual((await call(reg.url, 'GET', '/subjects')).body, ['payments-value']);
    assert.deepEqual((await call(reg.url, 'GET', '/subjects?deleted=true')).body, ['payments-value', 'refunds-value']);
    assert.deepEqual((await call(reg.url, 'GET', '/subjects/payments-value/versions/latest')).body, {
      subject: 'payments-value',
      version: 2,
      id: 9,
      schema: '{"type":"record","name":"P","fields":[{"name":"amount","type":"long"}]}',
    });
    assert.deepEqual((await call(reg.url, 'GET', '/schemas/ids/7/subjects?deleted=true')).body, ['payments-value', 'refunds-value']);
    assert.deepEqual((await call(reg.url, 'GET', '/config')).body, { compatibilityLevel: 'FULL_TRANSITIVE' });
    // The same schema under a new subject keeps Confluent's id; a new schema takes the highest id + 1.
    assert.deepEqual((await call(reg.url, 'POST', '/subjects/other-value/versions', { schema: '"string"' })).body, { id: 7 });
    assert.deepEqual((await call(reg.url, 'POST', '/subjects/new-value/versions', { schema: '"bytes"' })).body, { id: 10 });
  } finally {
    await reg.close();
  }
  // What was appended follows Confluent's records in the same format.
  const after = await readTopic(topic);
  assert.deepEqual(after.slice(records.length), [
    ['{"keytype":"SCHEMA","subject":"other-value","version":1,"magic":1}', '{"subject":"other-value","version":1,"id":7,"schemaType":"AVRO","schema":"\\"string\\"","deleted":false}'],
    ['{"keytype":"SCHEMA","subject":"new-value","version":1,"magic":1}', '{"subject":"new-value","version":1,"id":10,"schemaType":"AVRO","schema":"\\"bytes\\"","deleted":false}'],
  ]);
});

test('a topic with more than one partition, or not compacted, is refused as Confluent refuses it', async () => {
  const wide = uniqueName('schemas');
  const deleting = uniqueName('schemas');
  await createTopicsReady(admin, [
    { topic: wide, numPartitions: 3, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
    { topic: deleting, numPartitions: 1, replicationFactor: 1 },
  ]);
  await assert.rejects(start(wide), /should have only 1 partition but has 3/);
  await assert.rejects(start(deleting), /Expected cleanup.policy to be 'compact' but it is delete/);
});

test('kafkastore.* client keys reach the store\'s clients: SASL_SSL with SCRAM-SHA-512', async () => {
  const topic = uniqueName('schemas');
  const { options } = registryConfig({
    listeners: 'http://127.0.0.1:0',
    'kafkastore.bootstrap.servers': `SASL_SSL://${KAFKA_SASL_SSL_BROKERS[0]}`,
    'kafkastore.topic': topic,
    'kafkastore.security.protocol': 'SASL_SSL',
    'kafkastore.sasl.mechanism': 'SCRAM-SHA-512',
    'kafkastore.sasl.jaas.config': jaas('scram', SCRAM_USER),
    'kafkastore.ssl.truststore.type': 'PEM',
    'kafkastore.ssl.truststore.location': secureFile('ca.pem'),
  });
  const reg = await startSchemaRegistry(options);
  try {
    assert.deepEqual((await call(reg.url, 'POST', '/subjects/secure-value/versions', { schema: '"string"' })).body, { id: 1 });
  } finally {
    await reg.close();
  }
  assert.deepEqual(await readTopic(topic), [
    ['{"keytype":"SCHEMA","subject":"secure-value","version":1,"magic":1}', '{"subject":"secure-value","version":1,"id":1,"schemaType":"AVRO","schema":"\\"string\\"","deleted":false}'],
  ]);
});
