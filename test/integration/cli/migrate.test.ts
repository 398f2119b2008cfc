/**
 * `sluice migrate` from Java Kafka Connect 3.9.2 (distributed, on the test broker) to a Sluice worker on the same
 * broker: connectors RUNNING, PAUSED and STOPPED with committed offsets move with their configs, states and
 * offsets; Sluice continues each one from where Java stopped (every line once); --dry-run and a second run change
 * nothing.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { migrateCommand } from '../../../src/cli/migrate-command.js';
import type { CliIo } from '../../../src/cli/io.js';
import { startJavaConnectDistributed } from '../../support/java-connect.js';
import { KAFKA_BROKERS, uniqueName } from '../../support/services.js';
import { freePort } from '../../support/private-broker.js';
import { until } from './support.js';
import { api, startWorker } from '../rest/support.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-migrate-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function migrate(args: string[]): Promise<{ code: number; out: string }> {
  const said: string[] = [];
  const io = { stdout: { write: (s: string) => said.push(s) }, stderr: { write: (s: string) => said.push(s) } } as unknown as CliIo;
  const code = await migrateCommand(args, io);
  return { code, out: said.join('') };
}

const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
const numbered = (prefix: string, from: number, to: number) => Array.from({ length: to - from }, (_, i) => `${prefix}-${from + i}`);

async function topicValues(topic: string): Promise<string[]> {
  const kafka = new kafkajs.Kafka({ brokers: KAFKA_BROKERS, clientId: 'migrate-check', logLevel: kafkajs.logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const end = (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: uniqueName('migrate_check') });
  // By position: a consumer that rejoins its group may be handed a record twice; the topic holds it once.
  const values = new Map<string, string>();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ partition, message }) => void values.set(`${partition}:${message.offset}`, message.value?.toString() ?? '<null>') });
  await until(() => values.size >= end, `${end} records of ${topic}`);
  await consumer.disconnect();
  return [...values.values()];
}

test('sluice migrate: Java Kafka Connect → Sluice, configs, states and offsets; each line once; idempotent', { timeout: 600_000 }, async () => {
  const java = await startJavaConnectDistributed(dir, await freePort());
  // The same worker converters as the Java worker's (connectors that name none use them).
  const sluice = await startWorker({
    'bootstrap.servers': KAFKA_BROKERS.join(','),
    'offset.storage.file.filename': join(dir, 'sluice.offsets'),
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
  });
  try {
    const topic = uniqueName('migrate_lines');
    const input = join(dir, 'in.txt');
    const other = join(dir, 'other.txt');
    const out = join(dir, 'out.txt');
    writeFileSync(input, numbered('line', 0, 100).map((l) => `${l}\n`).join(''));
    writeFileSync(other, numbered('other', 0, 10).map((l) => `${l}\n`).join(''));
    const javaApi = (method: string, path: string, body?: unknown) => api(java.url, method, path, body);
    const create = async (name: string, config: Record<string, string>) => {
      const r = await javaApi('POST', '/connectors', { name, config });
      assert.equal(r.status, 201, r.text);
    };
    await create('lines-src', { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector', file: input, topic });
    await create('lines-sink', { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector', topics: topic, file: out });
    await create('paused-src', { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector', file: other, topic: `${topic}_other` });
    await create('stopped-src', { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector', file: other, topic: `${topic}_stopped` });
    await until(() => lines(out).length >= 100, 'Java\'s sink wrote the first 100 lines');
    // Committed offsets of every connector (offset.flush.interval.ms=1000).
    const javaOffsets = async (name: string) => ((await javaApi('GET', `/connectors/${name}/offsets`)).body as { offsets: unknown[] }).offsets;
    await until(async () => (await javaOffsets('lines-src')).length === 1 && (await javaOffsets('paused-src')).length === 1 && (await javaOffsets('stopped-src')).length === 1, 'source offsets committed');
    assert.equal((await javaApi('PUT', '/connectors/paused-src/pause')).status, 202);
    assert.equal((await javaApi('PUT', '/connectors/stopped-src/stop')).status, 204);
    const javaState = async (name: string) => ((await javaApi('GET', `/connectors/${name}/status`)).body as { connector: { state: string } }).connector.state;
    await until(async () => (await javaState('paused-src')) === 'PAUSED' && (await javaState('stopped-src')) === 'STOPPED', 'Java paused and stopped');
    const stoppedOffsets = await javaOffsets('stopped-src');

    // --dry-run: the plan, nothing changed on either side.
    const dry = await migrate(['--from', java.url, '--to', sluice.base, '--dry-run']);
    assert.equal(dry.code, 0, dry.out);
    assert.match(dry.out, /migrate {2}lines-sink: RUNNING, \d+ offsets?/);
    assert.match(dry.out, /migrate {2}paused-src: PAUSED, 1 offset/);
    assert.match(dry.out, /migrate {2}stopped-src: STOPPED, 1 offset/);
    assert.match(dry.out, /dry run: nothing changed/);
    assert.deepEqual((await api(sluice.base, 'GET', '/connectors')).body, []);
    assert.equal(await javaState('lines-src'), 'RUNNING');

    const run = await migrate(['--from', java.url, '--to', sluice.base, '--yes']);
    assert.equal(run.code, 0, run.out);
    for (const name of ['lines-src', 'lines-sink', 'paused-src', 'stopped-src']) assert.match(run.out, new RegExp(`migrated ${name}: `));
    // Kafka Connect's connectors were stopped so their offsets were final; Sluice has each in the state it had.
    for (const name of ['lines-src', 'lines-sink']) assert.equal(await javaState(name), 'STOPPED');
    const sluiceState = async (name: string) => ((await api(sluice.base, 'GET', `/connectors/${name}/status`)).body as { connector: { state: string } }).connector.state;
    await until(async () => (await sluiceState('lines-src')) === 'RUNNING' && (await sluiceState('lines-sink')) === 'RUNNING', 'Sluice runs the migrated connectors');
    assert.equal(await sluiceState('paused-src'), 'PAUSED');
    assert.equal(await sluiceState('stopped-src'), 'STOPPED');
    assert.deepEqual((await api(sluice.base, 'GET', '/connectors/stopped-src/offsets')).body.offsets, stoppedOffsets);
    assert.equal((await api(sluice.base, 'GET', '/connectors/lines-src/config')).body.file, input, 'the config as Kafka Connect had it');

    // Sluice continues from where Java stopped: the new lines only, once, in the topic and in the file.
    appendFileSync(input, numbered('line', 100, 150).map((l) => `${l}\n`).join(''));
    await until(() => lines(out).length >= 150, 'the new lines in the sink file');
    await new Promise((r) => setTimeout(r, 2000));
    // The topic has the broker's default partition count, so lines are in order per partition only.
    const sorted = (xs: string[]) => [...xs].sort();
    assert.deepEqual(sorted(lines(out)), sorted(numbered('line', 0, 150)), 'every line once');
    const inTopic = await topicValues(topic);
    const missing = numbered('line', 0, 150).filter((l) => !inTopic.includes(l));
    const twice = inTopic.filter((l, i) => inTopic.indexOf(l) !== i);
    assert.deepEqual([missing, twice], [[], []], `the topic holds every line once (${inTopic.length} records)`);

    // A second migrate finds everything there and changes nothing.
    const again = await migrate(['--from', java.url, '--to', sluice.base, '--yes']);
    assert.equal(again.code, 0, again.out);
    assert.match(again.out, /skip {5}lines-src: the target already has/);
    assert.match(again.out, /nothing to migrate/);
  } finally {
    await sluice.stop();
    await java.stop();
  }
});
