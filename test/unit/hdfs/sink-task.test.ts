import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Schema, SchemaBuilder, Struct, LogicalTimestamp, type SinkRecord } from '../../../src/data/index.js';
import { topicPartition, tpKey, type TopicPartitionOffsets } from '../../../src/connectors/api/index.js';
import { listTree, readAvro, removeDir, sinkRecord, startTask, tempDir } from './support.js';

const VALUE = SchemaBuilder.struct().name('test.Value').version(1)
  .field('id', Schema.INT64).field('region', Schema.STRING).field('ts', LogicalTimestamp.schema()).build();

function value(id: number, region = 'eu', ts = 1_700_000_000_000 + id * 1000): Struct {
  return new Struct(VALUE).put('id', id).put('region', region).put('ts', new Date(ts));
}

function recs(topic: string, partition: number, from: number, to: number, f: (o: number) => Struct = (o) => value(o)): SinkRecord[] {
  const out: SinkRecord[] = [];
  for (let o = from; o <= to; o++) out.push(sinkRecord(topic, partition, o, VALUE, f(o), 1_700_000_000_000 + o * 1000));
  return out;
}

function base(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return { 'hdfs.url': `file://${dir}`, 'flush.size': '3', topics: 't', ...extra };
}

async function preCommitted(task: { preCommit(o: TopicPartitionOffsets): Promise<TopicPartitionOffsets> }): Promise<Record<string, number>> {
  const res = await task.preCommit(new Map());
  return Object.fromEntries([...res].map(([k, v]) => [k, v.offset]));
}

describe('HdfsSinkTask on the local filesystem', () => {
  test('commits flush.size records per file with Confluent file names; preCommit reports only committed offsets', async () => {
    const dir = await tempDir();
    try {
      const tp = topicPartition('t', 0);
      const { task, ctx } = await startTask(base(dir), [tp]);
      assert.equal(ctx.seeks.size, 0, 'nothing committed yet: no seek');
      await task.put(recs('t', 0, 0, 7));
      assert.deepEqual(await listTree(join(dir, 'topics', 't')), [
        'partition=0/t+0+0000000000+0000000002.avro',
        'partition=0/t+0+0000000003+0000000005.avro',
      ]);
      assert.deepEqual(await preCommitted(task), { 't-0': 6 });
      const tmp = await listTree(join(dir, 'topics', '+tmp'));
      assert.equal(tmp.length, 1, 'offsets 6-7 sit in one temp file');
      assert.match(tmp[0]!, /^t\/0\/[0-9a-f-]{36}_tmp\.avro$/);
      const { records } = await readAvro(join(dir, 'topics/t/partition=0/t+0+0000000003+0000000005.avro'));
      assert.deepEqual(records.map((r) => r['id']), [3, 4, 5]);
      await task.stop();
      assert.deepEqual(await listTree(join(dir, 'topics', '+tmp')), [], 'stop discards temp files');
      const logs = await listTree(join(dir, 'logs'));
      assert.deepEqual(logs, ['t/0/log']);
    } finally {
      await removeDir(dir);
    }
  });

  test('a new task recovers: seeks after the last committed file and deletes temp files', async () => {
    const dir = await tempDir();
    try {
      const tp = topicPartition('t', 0);
      const first = await startTask(base(dir), [tp]);
      await first.task.put(recs('t', 0, 0, 4));
      // crash: no stop(), no close()
      const second = await startTask(base(dir), [tp]);
      assert.equal(second.ctx.seeks.get('t-0'), 3);
      assert.deepEqual(await listTree(join(dir, 'topics', '+tmp')), []);
      assert.deepEqual(await listTree(join(dir, 'logs')), ['t/0/log.1'], 'the WAL was truncated (log → log.1)');
      // The runtime re-delivers from 3 (and maybe older records again: they are skipped).
      await second.task.put(recs('t', 0, 1, 8));
      assert.deepEqual(await listTree(join(dir, 'topics', 't')), [
        'partition=0/t+0+0000000000+0000000002.avro',
        'partition=0/t+0+0000000003+0000000005.avro',
        'partition=0/t+0+0000000006+0000000008.avro',
      ]);
      assert.deepEqual(await preCommitted(second.task), { 't-0': 9 });
      await second.task.stop();
    } finally {
      await removeDir(dir);
    }
  });

  test('recovery without a WAL scans committed file names (also written by Confluent), per topic and partition', async () => {
    const dir = await tempDir();
    try {
      await mkdir(join(dir, 'topics/t/partition=1'), { recursive: true });
      await mkdir(join(dir, 'topics/t/partition=0'), { recursive: true });
      await writeFile(join(dir, 'topics/t/partition=1/t+1+0000000000+0000000099.avro'), '');
      await writeFile(join(dir, 'topics/t/partition=0/t+0+0000000000+0000000041.avro'), '');
      await writeFile(join(dir, 'topics/t/partition=0/tt+0+0000000000+0000000500.avro'), '');
      await writeFile(join(dir, 'topics/t/partition=0/notes.txt'), '');
      const { task, ctx } = await startTask(base(dir), [topicPartition('t', 0), topicPartition('t', 1), topicPartition('t', 2)]);
      assert.equal(ctx.seeks.get('t-0'), 42);
      assert.equal(ctx.seeks.get('t-1'), 100);
      assert.equal(ctx.seeks.has('t-2'), false);
      assert.deepEqual(await preCommitted(task), { 't-0': 42, 't-1': 100 });
      await task.stop();
    } finally {
      await removeDir(dir);
    }
  });

  test('close(partitions) discards that partition\'s temp files; preCommit stops reporting it', async () => {
    const dir = await tempDir();
    try {
      const tps = [topicPartition('t', 0), topicPartition('t', 1)];
      const { task } = await startTask(base(dir), tps);
      await task.put([...recs('t', 0, 0, 4), ...recs('t', 1, 0, 1)]);
      assert.equal((await listTree(join(dir, 'topics', '+tmp'))).length, 2);
      await task.close([tps[1]!]);
      assert.deepEqual((await listTree(join(dir, 'topics', '+tmp'))).map((p) => p.split('/')[1]), ['0']);
      assert.deepEqual(await preCommitted(task), { 't-0': 3 });
      await task.stop();
    } finally {
      await removeDir(dir);
    }
  });

  test('redelivered records are not written twice', async () => {
    const dir = await tempDir();
    try {
      const { task } = await startTask(base(dir, { 'flush.size': '4' }), [topicPartition('t', 0)]);
      await task.put(recs('t', 0, 0, 2));
      await task.put(recs('t', 0, 1, 5)); // 1, 2 again
      const files = await listTree(join(dir, 'topics', 't'));
      assert.deepEqual(files, ['partition=0/t+0+0000000000+0000000003.avro']);
      const { records } = await readAvro(join(dir, 'topics/t', files[0]!));
      assert.deepEqual(records.map((r) => r['id']), [0, 1, 2, 3]);
      await task.stop();
    } finally {
      await removeDir(dir);
    }
  });

  test('filename.offset.zero.pad.width, topics.dir/logs.dir with ${topic}, directory.delim', async () => {
    const dir = await tempDir();
    try {
      const { task } = await startTask(base(dir, {
        'filename.offset.zero.pad.width': '3', 'topics.dir': 'data/${topic}', 'logs.dir': 'wal/${topic}', 'flush.size': '2',
      }), [topicPartition('t', 0)]);
      await task.put(recs('t', 0, 998, 1001));
      assert.deepEqual(await listTree(join(dir, 'data')), ['t/t/partition=0/t+0+1000+1001.avro', 't/t/partition=0/t+0+998+999.avro']);
      assert.deepEqual(await listTree(join(dir, 'wal')), ['t/t/0/log']);
      await task.stop();
    } finally {
      await removeDir(dir);
    }
  });

  test('tombstones are skipped (behavior.on.null.values=ignore) or fail the task (fail)', async () => {
    const dir = await tempDir();
    try {
      const { task } = await startTask(base(dir), [topicPartition('t', 0)]);
      await task.put([sinkRecord('t', 0, 0, VALUE, value(0)), sinkRecord('t', 0, 1, null, null), ...recs('t', 0, 2, 3)]);
      assert.deepEqual(await listTree(join(dir, 'topics/t')), ['partition=0/t+0+0000000000+0000000003.avro']);
      const { records } = await readAvro(join(dir, 'topics/t/partition=0/t+0+0000000000+0000000003.avro'));
      assert.deepEqual(records.map((r) => r['id']), [0, 2, 3]);
      await task.stop();
      const failing = await startTask(base(dir, { 'behavior.on.null.values': 'fail' }), [topicPartition('t', 0)]);
      await assert.rejects(failing.task.put([sinkRecord('t', 0, 4, null, null)]), /tombstone.*offset=4/);
      await failing.task.stop();
    } finally {
      await removeDir(dir);
    }
  });

  test('Avro refuses schemaless records naming topic, partition and offset; with a DLQ they are reported and skipped', async () => {
    const dir = await tempDir();
    try {
      const { task } = await startTask(base(dir), [topicPartition('t', 0)]);
      await assert.rejects(
        task.put([sinkRecord('t', 0, 7, null, { a: 1 })]),
        (e: Error) => /Avro format needs records with a value schema/.test(e.message) && /topic=t, partition=0, offset=7/.test(e.message),
      );
      await task.stop();
      const dlq = await startTask(base(dir), [topicPartition('t', 0)], { dlq: true });
      await dlq.task.put([...recs('t', 0, 0, 1), sinkRecord('t', 0, 2, null, { a: 1 }), ...recs('t', 0, 3, 3)]);
      assert.equal(dlq.ctx.reported.length, 1);
      assert.equal(dlq.ctx.reported[0]!.record.kafkaOffset, 2);
      assert.deepEqual(await listTree(join(dir, 'topics/t')), ['partition=0/t+0+0000000000+0000000003.avro']);
      await dlq.task.stop();
    } finally {
      await removeDir(dir);
    }
  });

  test('JSON format takes schemaless records; String format writes string values', async () => {
    const dir = await tempDir();
    try {
      const json = await startTask(base(dir, { 'format.class': 'io.confluent.connect.hdfs.json.JsonFormat', 'flush.size': '3' }), [topicPartition('j', 0)]);
      await json.task.put([
        sinkRecord('j', 0, 0, null, { a: 1, b: [true, null], c: 'x' }),
        sinkRecord('j', 0, 1, VALUE, value(1)),
        sinkRecord('j', 0, 2, null, new Map<string, unknown>([['big', 2n ** 60n], ['d', 1.5]])),
      ]);
      const text = await readFile(join(dir, 'topics/j/partition=0/j+0+0000000000+0000000002.json'), 'utf8');
      assert.equal(text, '{"a":1,"b":[true,null],"c":"x"}\n{"id":1,"region":"eu","ts":1700000001000}\n{"big":1152921504606846976,"d":1.5}\n');
      await json.task.stop();
      const str = await startTask(base(dir, { 'format.class': 'io.confluent.connect.hdfs.string.StringFormat', 'flush.size': '2' }), [topicPartition('s', 0)]);
      await str.task.put([sinkRecord('s', 0, 0, null, 'hello'), sinkRecord('s', 0, 1, Schema.STRING, 'wörld')]);
      assert.equal(await readFile(join(dir, 'topics/s/partition=0/s+0+0000000000+0000000001.txt'), 'utf8'), 'hello\nwörld\n');
      await assert.rejects(str.task.put([sinkRecord('s', 0, 2, null, { a: 1 })]), /String format writes string values.*offset=2/);
      await str.task.stop();
    } finally {
      await removeDir(dir);
    }
  });

  test('preCommit restricts its answer to the partitions it was asked about', async () => {
    const dir = await tempDir();
    try {
      const tps = [topicPartition('t', 0), topicPartition('t', 1)];
      const { task } = await startTask(base(dir), tps);
      await task.put([...recs('t', 0, 0, 2), ...recs('t', 1, 0, 2)]);
      const res = await task.preCommit(new Map([[tpKey(tps[1]!), { tp: tps[1]!, offset: 3 }]]));
      assert.deepEqual([...res.keys()], ['t-1']);
      await task.stop();
    } finally {
      await removeDir(dir);
    }
  });
});
