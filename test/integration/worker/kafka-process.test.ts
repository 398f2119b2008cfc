// datagen → Kafka → FileStreamSink with `sluice run` as a separate OS process, against the real broker:
// every record arrives in order, a SIGKILL loses nothing and resumes from the committed offsets, SIGTERM
// stops gracefully with what was acknowledged committed.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { KAFKA_BROKERS, uniqueName } from '../../support/services.js';
import { createTopicsReady } from '../../support/kafka-topics.js';
import { FileOffsetStore } from '../../../src/streams/index.js';
import { completeness, orderIds, sluice, tempDir, until, writeJson, type SluiceProcess } from '../cli/support.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

let admin: Admin;

before(async () => {
  admin = new Kafka({ clientId: 'sluice-worker-test', brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
});
after(async () => {
  await admin.disconnect();
});

async function freshTopic(): Promise<string> {
  const topic = uniqueName('orders');
  await createTopicsReady(admin, [{ topic, numPartitions: 1, replicationFactor: 1 }]);
  return topic;
}

async function highWatermark(topic: string): Promise<number> {
  const [p] = await admin.fetchTopicOffsets(topic);
  return Number(p!.high);
}

interface Setup {
  dir: string;
  topic: string;
  file: string;
  output: string;
  offsets: string;
  source: string;
  sink: string;
}

async function setup(n: number, recordsPerSecond: number): Promise<Setup> {
  const dir = tempDir('kafka');
  const topic = await freshTopic();
  const source = uniqueName('gen');
  const sink = uniqueName('out');
  const output = join(dir, 'orders.jsonl');
  const offsets = join(dir, 'offsets.json');
  const file = writeJson(dir, 'pipeline.json', {
    worker: {
      'bootstrap.servers': KAFKA_BROKERS.join(','),
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'key.converter.schemas.enable': false,
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': false,
      'offset.storage.file.filename': offsets,
      'offset.flush.interval.ms': 200,
    },
    connectors: [
      {
        name: source,
        config: {
          'connector.class': 'datagen',
          'kafka.topic': topic,
          quickstart: 'orders',
          'max.records': n,
          'records.per.second': recordsPerSecond,
          'batch.size': 100,
          'random.seed': 1,
        },
      },
      {
        name: sink,
        config: { 'connector.class': 'FileStreamSink', topics: topic, file: output, 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' },
      },
    ],
  });
  return { dir, topic, file, output, offsets, source, sink };
}

/** Keeps the worker's log lines beside its output, for a failing assertion to point at. */
function keepLog(s: Setup, name: string, p: SluiceProcess): void {
  writeFileSync(join(s.dir, `${name}.log`), p.stdout() + '\n--- stderr ---\n' + p.stderr());
}

/** The committed datagen offset (`{"seq": k}` for `{"task": 0}`), or null. */
async function committedSeq(s: Setup): Promise<number | null> {
  const store = new FileOffsetStore(s.offsets);
  try {
    await store.start();
  } catch {
    return null; // not written yet (or mid-rename)
  }
  const all = await store.all(s.source);
  await store.stop();
  const entry = all.find(([partition]) => partition['task'] === 0);
  return entry ? Number(entry[1]['seq']) : null;
}

describe('sluice run against Kafka (separate process)', { timeout: 180_000 }, () => {
  test('every record arrives, in order, and the bounded pipeline ends by itself', async () => {
    const n = 3000;
    const s = await setup(n, 0);
    const p = sluice(['run', s.file]);
    const { code } = await p.exited;
    keepLog(s, 'run', p);
    assert.equal(code, 0, p.stderr());
    assert.deepEqual(orderIds(s.output), Array.from({ length: n }, (_, i) => i), `ids 0..N-1, in order, no gaps, no duplicates (log in ${s.dir})`);
    assert.equal(await highWatermark(s.topic), n, 'exactly N records in the topic');
    assert.equal(await committedSeq(s), n - 1, 'the last source offset is committed');
  });

  test('SIGKILL mid-run loses nothing, and the restart resumes from the committed offsets', async (t) => {
    const n = 4000;
    const s = await setup(n, 800);
    const first = sluice(['run', s.file]);
    await until(async () => ((await committedSeq(s)) ?? -1) >= 400 && orderIds(s.output).length >= 200, 'progress before the kill');
    first.child.kill('SIGKILL');
    const killed = await first.exited;
    keepLog(s, 'first', first);
    assert.equal(killed.signal, 'SIGKILL');

    const k = (await committedSeq(s))!;
    const producedBefore = await highWatermark(s.topic);
    const inFileBefore = orderIds(s.output).length;
    assert.ok(k < n - 1, `killed mid-run (committed seq ${k})`);
    assert.ok(producedBefore >= k + 1, 'everything committed was in Kafka');

    const second = sluice(['run', s.file]);
    const { code } = await second.exited;
    keepLog(s, 'second', second);
    assert.equal(code, 0, second.stderr());

    const producedAfter = await highWatermark(s.topic);
    assert.equal(producedAfter - producedBefore, n - 1 - k, `the restart produced seq ${k + 1}..${n - 1} only (did not start over at 0)`);
    const ids = orderIds(s.output);
    const { missing, duplicates } = completeness(ids, n);
    assert.deepEqual(missing, [], 'no id lost');
    const sourceDuplicates = producedBefore - (k + 1);
    t.diagnostic(
      `killed at committed seq ${k}; topic had ${producedBefore} records (${sourceDuplicates} acked but uncommitted, re-produced); ` +
        `file had ${inFileBefore} lines at the kill; final file: ${ids.length} lines for ${n} ids = ${duplicates} duplicates (at-least-once)`,
    );
    assert.equal(await committedSeq(s), n - 1);
  });

  test('SIGTERM stops gracefully: exit 0, every acknowledged record committed, the sink flushed and committed', async () => {
    const s = await setup(1_000_000, 2000);
    const p = sluice(['run', s.file]);
    await until(() => orderIds(s.output).length >= 1000, 'records flowing');
    p.child.kill('SIGTERM');
    const { code, signal } = await p.exited;
    keepLog(s, 'run', p);
    assert.equal(signal, null);
    assert.equal(code, 0, p.stderr());
    assert.ok(p.logs().some((l) => l['msg'] === 'stop requested; stopping gracefully' && l['signal'] === 'SIGTERM'));
    assert.ok(p.logs().some((l) => l['msg'] === 'run ended' && l['reason'] === 'signal SIGTERM'));

    const produced = await highWatermark(s.topic);
    const k = await committedSeq(s);
    assert.equal(k, produced - 1, 'the source offset committed at stop covers every record Kafka acknowledged');

    const lines = orderIds(s.output);
    assert.deepEqual(lines, Array.from({ length: lines.length }, (_, i) => i), 'the sink wrote a gap-free prefix');
    const [committed] = await admin.fetchOffsets({ groupId: `connect-${s.sink}`, topics: [s.topic] });
    assert.equal(Number(committed!.partitions[0]!.offset), lines.length, 'the sink committed exactly what it flushed to the file');
  });
});
