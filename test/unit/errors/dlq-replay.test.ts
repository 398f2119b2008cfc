/** The DLQ replay on the in-process broker (the real-broker version is in test/integration/errors). */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { InProcessBroker, createInProcessClient, type KafkaHeader, type ProducerRecord } from '../../../src/streams/index.js';
import { contextHeaders, headerText } from '../../../src/streams/errors/index.js';
import { DLQ_USAGE, dlqCommand, parseDlqArgs } from '../../../src/cli/dlq.js';
import { ReplayError, defaultReplayGroup, replayDlq } from '../../../src/cli/dlq-replay.js';
import type { CliIo } from '../../../src/cli/io.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

function dlqRecord(n: number, stage: string, topic = 'orders', withContext = true): ProducerRecord {
  const headers: KafkaHeader[] = [{ key: 'trace', value: enc.encode(`t${n}`) }];
  if (withContext) {
    headers.push(...contextHeaders({ id: { connector: 'c', task: 0 }, stage: stage as 'TASK_PUT', executingClass: 'X', error: new Error(`bad ${n}`), topic, partition: 0, offset: n }));
  }
  return { topic: 'dlq', partition: 0, key: enc.encode(`k${n}`), value: enc.encode(`{"n":${n}}`), headers, timestamp: 1000 + n };
}

/** A broker whose DLQ holds `records`, and a reader group on `orders` so produced records get acknowledged. */
async function brokerWith(records: ProducerRecord[]) {
  const broker = new InProcessBroker();
  const client = createInProcessClient(broker);
  const admin = client.admin();
  await admin.createTopics([{ topic: 'dlq', numPartitions: 1, replicationFactor: 1 }, { topic: 'orders', numPartitions: 2, replicationFactor: 1 }]);
  void client.producer({ clientId: 'w' }).send(records); // acknowledged once the replay group commits
  const got: Array<{ partition: number; key: string; value: string; headers: KafkaHeader[]; timestamp: number | null }> = [];
  const reader = client.consumer({ groupId: 'reader', clientId: 'r' });
  await reader.subscribe({ topics: ['orders'] });
  await reader.run({
    onAssigned: async () => {},
    onRevoked: async () => {},
    onCrash: () => {},
    onBatch: async (b) => {
      for (const m of b.messages) got.push({ partition: b.partition, key: dec.decode(m.key!), value: dec.decode(m.value!), headers: [...m.headers], timestamp: m.timestamp });
      await reader.commit([{ topic: b.topic, partition: b.partition, offset: b.messages[b.messages.length - 1]!.offset + 1 }]);
    },
  });
  return { broker, client, got, reader };
}

describe('dlq replay', () => {
  test('re-produces every record to its original topic and partition, without the error headers; a second run replays nothing', async () => {
    const { client, got, reader } = await brokerWith([0, 1, 2, 3].map((n) => dlqRecord(n, 'VALUE_CONVERTER')));
    const first = await replayDlq(client, { from: 'dlq', idleMs: 200 });
    assert.deepEqual(first, { group: 'sluice-dlq-replay.dlq', read: 4, replayed: 4, filtered: 0, byTopic: { orders: 4 } });
    const second = await replayDlq(client, { from: 'dlq', idleMs: 200 });
    assert.equal(second.replayed, 0, 'the group remembers what was replayed');
    await reader.disconnect();
    assert.deepEqual(got.map((r) => r.value), ['{"n":0}', '{"n":1}', '{"n":2}', '{"n":3}']);
    assert.deepEqual(got.map((r) => r.key), ['k0', 'k1', 'k2', 'k3']);
    assert.deepEqual(got.map((r) => r.timestamp), [1000, 1001, 1002, 1003]);
    assert.ok(got.every((r) => r.partition === 0));
    assert.ok(got.every((r) => r.headers.length === 1 && headerText(r.headers, 'trace') !== undefined));
  });

  test('--filter-stage, --max and --dry-run', async () => {
    const stages = ['VALUE_CONVERTER', 'TRANSFORMATION', 'VALUE_CONVERTER', 'TASK_PUT', 'VALUE_CONVERTER'];
    const { client, got, reader } = await brokerWith(stages.map((s, n) => dlqRecord(n, s)));
    const lines: string[] = [];
    const dry = await replayDlq(client, { from: 'dlq', idleMs: 200, dryRun: true, stages: ['value_converter'] }, (l) => lines.push(l));
    assert.equal(dry.replayed, 3);
    assert.equal(lines.length, 3);
    assert.match(lines[0]!, /^dlq\[0\]@0 → orders\[0\] stage=VALUE_CONVERTER key="k0" value="\{\\"n\\":0\}"$/);
    const limited = await replayDlq(client, { from: 'dlq', idleMs: 200, stages: ['VALUE_CONVERTER'], max: 2 });
    assert.deepEqual([limited.replayed, limited.filtered, limited.group], [2, 1, 'sluice-dlq-replay.dlq.VALUE_CONVERTER']);
    const rest = await replayDlq(client, { from: 'dlq', idleMs: 200, stages: ['VALUE_CONVERTER'] });
    assert.deepEqual([rest.replayed, rest.filtered], [1, 1]);
    const others = await replayDlq(client, { from: 'dlq', idleMs: 200, stages: ['TRANSFORMATION', 'TASK_PUT'] });
    assert.equal(others.replayed, 2);
    await reader.disconnect();
    assert.deepEqual(got.map((r) => r.value).sort(), stages.map((_, n) => `{"n":${n}}`));
  });

  test('a record without __connect.errors.topic stops the replay (what came before is committed) unless --to is given', async () => {
    const { client, got, reader } = await brokerWith([dlqRecord(0, 'TASK_PUT'), dlqRecord(1, 'TASK_PUT', 'orders', false), dlqRecord(2, 'TASK_PUT')]);
    await assert.rejects(replayDlq(client, { from: 'dlq', idleMs: 200 }), (e: ReplayError) => {
      assert.equal(e.partial.replayed, 1);
      assert.match(e.message, /dlq offset 1 has no __connect.errors.topic header/);
      return true;
    });
    const routed = await replayDlq(client, { from: 'dlq', idleMs: 200, to: 'orders' });
    assert.equal(routed.replayed, 2);
    await reader.disconnect();
    assert.deepEqual(got.map((r) => r.value), ['{"n":0}', '{"n":1}', '{"n":2}']);
  });

  test('a DLQ topic that does not exist is an error', async () => {
    const client = createInProcessClient(new InProcessBroker());
    await assert.rejects(replayDlq(client, { from: 'nope', idleMs: 100 }), /"nope" does not exist/);
  });

  test('command line', async () => {
    assert.deepEqual(parseDlqArgs(['replay', '--from', 'd', '--bootstrap-server', 'h:1,h:2', '--filter-stage', 'task_put', '--max', '5', '--dry-run'], {}), {
      from: 'd',
      bootstrapServers: ['h:1', 'h:2'],
      stages: ['TASK_PUT'],
      max: 5,
      dryRun: true,
      json: false,
    });
    assert.deepEqual((parseDlqArgs(['replay', '--from', 'd'], { SLUICE_BOOTSTRAP_SERVERS: 'k:9' }) as { bootstrapServers: string[] }).bootstrapServers, ['k:9']);
    assert.deepEqual(parseDlqArgs([], {}), { help: true });
    assert.throws(() => parseDlqArgs(['replay'], {}), /needs --from/);
    assert.throws(() => parseDlqArgs(['resend', '--from', 'd'], {}), /unknown dlq command/);
    assert.throws(() => parseDlqArgs(['replay', '--from', 'd', '--max', 'x'], {}), /--max/);
    assert.equal(defaultReplayGroup('d', ['B', 'A']), 'sluice-dlq-replay.d.A.B');

    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) } } as unknown as CliIo;
    assert.equal(await dlqCommand(['--help'], io), 0);
    assert.equal(out.join(''), DLQ_USAGE);
    assert.equal(await dlqCommand(['replay', '--frm', 'x'], io), 1);
    const { client, reader } = await brokerWith([dlqRecord(0, 'TASK_PUT')]);
    out.length = 0;
    assert.equal(await dlqCommand(['replay', '--from', 'dlq', '--idle-ms', '200'], io, client), 0);
    assert.equal(out.join(''), 'replayed 1 record from dlq (orders: 1); group sluice-dlq-replay.dlq\n');
    await reader.disconnect();
  });
});
