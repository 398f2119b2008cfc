import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Schema, SchemaBuilder, Struct, type SinkRecord } from '../../../src/data/index.js';
import { topicPartition, type TopicPartition } from '../../../src/connectors/api/index.js';
import { LocalStorage } from '../../../src/connectors/hdfs/storage/index.js';
import { parseCommittedFileName } from '../../../src/connectors/hdfs/naming.js';
import type { HdfsSinkTask } from '../../../src/connectors/hdfs/index.js';
import { FaultyStorage, listTree, readAvro, removeDir, sinkRecord, startTask, tempDir, type FakeContext, type StorageOp } from './support.js';

const V1 = SchemaBuilder.struct().name('test.V').version(1).field('id', Schema.INT64).field('region', Schema.STRING).build();
const V2 = SchemaBuilder.struct().name('test.V').version(2).field('id', Schema.INT64).field('region', Schema.STRING).field('extra', Schema.OPTIONAL_STRING).build();
const T0 = Date.UTC(2024, 0, 1, 10, 0, 0);

function rec(offset: number, ts = T0 + offset * 1000, schema = V1, partition = 0): SinkRecord {
  const v = new Struct(schema).put('id', offset).put('region', offset % 2 === 0 ? 'eu' : 'us');
  return sinkRecord('t', partition, offset, schema, v, ts);
}

function range(from: number, to: number, f: (o: number) => SinkRecord = (o) => rec(o)): SinkRecord[] {
  return Array.from({ length: to - from + 1 }, (_, i) => f(from + i));
}

const names = async (dir: string): Promise<string[]> => (await listTree(join(dir, 'topics/t'))).map((p) => p.slice(p.lastIndexOf('/') + 1)).sort();

/** Every offset in the committed files (read back from the Avro data), sorted. */
async function offsetsInFiles(dir: string): Promise<number[]> {
  const out: number[] = [];
  for (const f of await listTree(join(dir, 'topics/t'))) {
    const { records } = await readAvro(join(dir, 'topics/t', f));
    const c = parseCommittedFileName(f.slice(f.lastIndexOf('/') + 1))!;
    const ids = records.map((r) => Number(r['id']));
    assert.equal(ids[0], c.startOffset, `${f} starts at its start offset`);
    assert.equal(ids[ids.length - 1], c.endOffset, `${f} ends at its end offset`);
    out.push(...ids);
  }
  return out.sort((a, b) => a - b);
}

describe('rotation', () => {
  test('rotate.interval.ms with Wallclock: a record arriving after the interval commits the open files first', async () => {
    const dir = await tempDir();
    let now = T0;
    try {
      const { task } = await startTask({ 'hdfs.url': `file://${dir}`, 'flush.size': '1000', 'rotate.interval.ms': '60000' }, [topicPartition('t', 0)], { clock: () => now });
      await task.put(range(0, 4));
      now += 59_999;
      await task.put(range(5, 6));
      assert.deepEqual(await names(dir), []);
      now += 1;
      await task.put(range(7, 7));
      assert.deepEqual(await names(dir), ['t+0+0000000000+0000000006.avro'], 'checked before 7 is written: 0-6 are committed, 7 opens the next file');
      await task.stop();
    } finally {
      await removeDir(dir);
    }
  });

  test('rotate.interval.ms with Wallclock also fires on an idle partition (preCommit)', async () => {
    const dir = await tempDir();
    let now = T0;
    try {
      const { task } = await startTask({ 'hdfs.url': `file://${dir}`, 'flush.size': '1000', 'rotate.interval.ms': '60000' }, [topicPartition('t', 0)], { clock: () => now });
      await task.put(range(0, 2));
      now += 60_000;
      const res = await task.preCommit(new Map());
      assert.deepEqual(await names(dir), ['t+0+0000000000+0000000002.avro']);
      assert.equal(res.get('t-0')?.offset, 3);
      await task.stop();
    } finally {
      await removeDir(dir);
    }
  });

  test('rotate.interval.ms with the Record extractor splits files by record time (deterministic on replay)', async () => {
    const dir = await tempDir();
    try {
      const config = {
        'hdfs.url': `file://${dir}`, 'flush.size': '1000', 'rotate.interval.ms': '10000', 'rotate.interval.on.idle': 'false',
        'partitioner.class': 'io.confluent.connect.storage.partitioner.TimeBasedPartitioner', 'partition.duration.ms': '86400000',
        'path.format': "'day'=dd", locale: 'en-US', timezone: 'UTC', 'timestamp.extractor': 'Record',
      };
      const { task } = await startTask(config, [topicPartition('t', 0)], { clock: () => 0 });
      // record times: offset o at T0 + o s; files roll when a record is >= 10 s after the last roll
      await task.put(range(0, 25));
      assert.deepEqual(await names(dir), ['t+0+0000000000+0000000009.avro', 't+0+0000000010+0000000019.avro']);
      await task.preCommit(new Map());
      assert.deepEqual((await names(dir)).length, 2, 'no idle commit with rotate.interval.on.idle=false');
      await task.stop();
    } finally {
      await removeDir(dir);
    }
  });

  test('Record extractor + rotate.interval.on.idle: an idle partition commits after the interval by the wall clock (#329)', async () => {
    const dir = await tempDir();
    let now = T0;
    try {
      const config = {
        'hdfs.url': `file://${dir}`, 'flush.size': '1000', 'rotate.interval.ms': '10000',
        'partitioner.class': 'io.confluent.connect.storage.partitioner.DailyPartitioner', locale: 'en-US', timezone: 'UTC', 'timestamp.extractor': 'Record',
      };
      const { task } = await startTask(config, [topicPartition('t', 0)], { clock: () => now });
      await task.put(range(0, 3));
      now += 9_999;
      await task.preCommit(new Map());
      assert.deepEqual(await names(dir), []);
      now += 1;
      const res = await task.preCommit(new Map());
      assert.deepEqual(await listTree(join(dir, 'topics/t')), ['year=2024/month=01/day=01/t+0+0000000000+0000000003.avro']);
      assert.equal(res.get('t-0')?.offset, 4);
      await task.stop();
    } finally {
      await removeDir(dir);
    }
  });

  test('rotate.schedule.interval.ms commits on the wall-clock schedule, with or without new records', async () => {
    const dir = await tempDir();
    let now = Date.UTC(2024, 0, 1, 10, 50);
    try {
      const config = { 'hdfs.url': `file://${dir}`, 'flush.size': '1000', 'rotate.schedule.interval.ms': '3600000', timezone: 'UTC' };
      const { task } = await startTask(config, [topicPartition('t', 0)], { clock: () => now });
      await task.put(range(0, 1));
      now = Date.UTC(2024, 0, 1, 10, 59, 59);
      await task.preCommit(new Map());
      assert.deepEqual(await names(dir), []);
      now = Date.UTC(2024, 0, 1, 11, 0, 0);
      await task.preCommit(new Map());
      assert.deepEqual(await names(dir), ['t+0+0000000000+0000000001.avro']);
      await task.put(range(2, 3));
      now = Date.UTC(2024, 0, 1, 12, 0, 1);
      await task.put(range(4, 4)); // the schedule fires before 4 is written
      assert.deepEqual(await names(dir), ['t+0+0000000000+0000000001.avro', 't+0+0000000002+0000000003.avro']);
      await task.stop();
    } finally {
      await removeDir(dir);
    }
  });

  test('schema changes: NONE rolls on every change; BACKWARD projects older records into the newer schema', async () => {
    const dir = await tempDir();
    try {
      const none = await startTask({ 'hdfs.url': `file://${dir}/none`, 'flush.size': '100' }, [topicPartition('t', 0)]);
      await none.task.put([rec(0), rec(1, 0, V2), rec(2, 0, V2), rec(3), rec(4)]);
      await none.task.stop();
      const noneFiles = (await listTree(join(dir, 'none/topics/t'))).map((p) => p.split('/')[1]);
      assert.deepEqual(noneFiles, ['t+0+0000000000+0000000000.avro', 't+0+0000000001+0000000002.avro']);

      const back = await startTask({ 'hdfs.url': `file://${dir}/back`, 'flush.size': '4', 'schema.compatibility': 'BACKWARD' }, [topicPartition('t', 0)]);
      await back.task.put([rec(0), rec(1, 0, V2), rec(2), rec(3, 0, V2), rec(4)]);
      const files = await listTree(join(dir, 'back/topics/t'));
      assert.deepEqual(files.map((p) => p.split('/')[1]), ['t+0+0000000000+0000000000.avro', 't+0+0000000001+0000000004.avro']);
      const { schema, records } = await readAvro(join(dir, 'back/topics/t', files[1]!));
      assert.equal((schema as { 'connect.version': number })['connect.version'], 2);
      assert.deepEqual(records.map((r) => [r['id'], r['extra']]), [[1, null], [2, null], [3, null], [4, null]]);
      await back.task.stop();
    } finally {
      await removeDir(dir);
    }
  });

  test('FieldPartitioner: one commit covers every open file of the partition; flush.size counts across them', async () => {
    const dir = await tempDir();
    try {
      const config = { 'hdfs.url': `file://${dir}`, 'flush.size': '4', 'partitioner.class': 'io.confluent.connect.storage.partitioner.FieldPartitioner', 'partition.field.name': 'region' };
      const { task } = await startTask(config, [topicPartition('t', 0)]);
      await task.put(range(0, 9));
      assert.deepEqual(await listTree(join(dir, 'topics/t')), [
        'region=eu/t+0+0000000000+0000000002.avro', 'region=eu/t+0+0000000004+0000000006.avro',
        'region=us/t+0+0000000001+0000000003.avro', 'region=us/t+0+0000000005+0000000007.avro',
      ]);
      assert.equal((await task.preCommit(new Map())).get('t-0')?.offset, 8);
      await task.stop();
    } finally {
      await removeDir(dir);
    }
  });
});

/** Feeds offsets [0, end) of partition 0 to the task like a consumer: honours seeks, in batches. */
async function consume(task: HdfsSinkTask, ctx: FakeContext, start: number, end: number, batch: number, tp: TopicPartition): Promise<void> {
  let pos = start;
  let guard = 0;
  while (pos < end) {
    if (++guard > 10_000) throw new Error('consumer loop did not finish');
    const to = Math.min(end, pos + batch) - 1;
    await task.put(range(pos, to));
    const seek = ctx.seeks.get(`${tp.topic}-${tp.partition}`);
    if (seek !== undefined) {
      ctx.seeks.delete(`${tp.topic}-${tp.partition}`);
      pos = seek;
    } else pos = to + 1;
  }
  for (let i = 0; i < 3 && (await task.preCommit(new Map())).get('t-0')?.offset !== end; i++);
}

const FIELD = { 'flush.size': '5', 'partitioner.class': 'io.confluent.connect.storage.partitioner.FieldPartitioner', 'partition.field.name': 'region' };

describe('exactly-once at every crash point of a commit (two files per commit)', () => {
  const points: { name: string; at: (op: StorageOp, path: string, n: number, state: { closes: number }) => boolean }[] = [
    { name: 'while writing a temp file', at: (op, _p, n) => op === 'write' && n === 2 },
    { name: 'after closing the first temp file, before the WAL', at: (op, _p, _n, s) => op === 'close' && ++s.closes === 4 },
    { name: 'half-way through the WAL append', at: (op, _p, n) => op === 'append' && n === 2 },
    { name: 'after the WAL, before any rename', at: (op, _p, n) => op === 'rename' && n === 3 },
    { name: 'after the first of two renames', at: (op, _p, n) => op === 'rename' && n === 4 },
  ];
  for (const point of points) {
    test(point.name, async () => {
      const dir = await tempDir();
      try {
        const tp = topicPartition('t', 0);
        const state = { closes: 0 };
        const faulty = new FaultyStorage(new LocalStorage(`file://${dir}`), (op, p, n) => (point.at(op, p, n, state) ? 'crash' : 'ok'));
        const first = await startTask({ 'hdfs.url': `file://${dir}`, ...FIELD }, [tp], { storage: () => faulty });
        let committedByConsumer = 0;
        void (async () => {
          for (let o = 0; o < 40 && !faulty.crashed; o += 3) {
            await first.task.put(range(o, Math.min(39, o + 2)));
            const c = (await first.task.preCommit(new Map())).get('t-0');
            if (c) committedByConsumer = c.offset;
          }
        })();
        for (let i = 0; i < 200 && !faulty.crashed; i++) await new Promise((r) => setTimeout(r, 5));
        assert.ok(faulty.crashed, 'the crash point was reached');
        // restart: the consumer resumes at its committed offset; recovery may seek elsewhere
        const second = await startTask({ 'hdfs.url': `file://${dir}`, ...FIELD }, [tp]);
        const seek = second.ctx.seeks.get('t-0');
        second.ctx.seeks.clear();
        assert.ok(seek === undefined || seek >= committedByConsumer, 'the files are never behind the consumer offset');
        await consume(second.task, second.ctx, seek ?? committedByConsumer, 40, 7, tp);
        await second.task.stop();
        assert.deepEqual(await offsetsInFiles(dir), Array.from({ length: 40 }, (_, i) => i));
        assert.deepEqual(await listTree(join(dir, 'topics/+tmp')), []);
      } finally {
        await removeDir(dir);
      }
    });
  }

  test('crashes during recovery itself (WAL apply, temp cleanup, WAL truncate) are recovered by the next start', async () => {
    const dir = await tempDir();
    try {
      const tp = topicPartition('t', 0);
      const config = { 'hdfs.url': `file://${dir}`, ...FIELD };
      // 1st run: crash after the WAL of its 3rd commit, before the renames (so recovery has renames to finish)
      const f1 = new FaultyStorage(new LocalStorage(`file://${dir}`), (op, _p, n) => (op === 'rename' && n === 5 ? 'crash' : 'ok'));
      const first = await startTask(config, [tp], { storage: () => f1 });
      void first.task.put(range(0, 39));
      for (let i = 0; i < 200 && !f1.crashed; i++) await new Promise((r) => setTimeout(r, 5));
      assert.ok(f1.crashed);
      // 2nd, 3rd, 4th runs die inside recovery: at the WAL apply's rename, at the temp cleanup, at the WAL truncate
      for (const at of [
        (op: StorageOp) => op === 'rename',
        (op: StorageOp) => op === 'delete',
        (op: StorageOp, p: string) => op === 'rename' && p.endsWith('/log'),
      ]) {
        const f = new FaultyStorage(new LocalStorage(`file://${dir}`), (op, p) => (at(op, p) ? 'crash' : 'ok'));
        void startTask(config, [tp], { storage: () => f });
        for (let i = 0; i < 200 && !f.crashed; i++) await new Promise((r) => setTimeout(r, 5));
        assert.ok(f.crashed, 'crashed inside recovery');
      }
      const last = await startTask(config, [tp]);
      const seek = last.ctx.seeks.get('t-0') ?? 0;
      last.ctx.seeks.clear();
      assert.equal(seek, 15, 'the third commit (offsets 10-14) was finished from the WAL');
      await consume(last.task, last.ctx, seek, 40, 6, tp);
      await last.task.stop();
      assert.deepEqual(await offsetsInFiles(dir), Array.from({ length: 40 }, (_, i) => i));
    } finally {
      await removeDir(dir);
    }
  });

  test('a failed storage operation recovers in-process and seeks back: still exactly once', async () => {
    const dir = await tempDir();
    try {
      const tp = topicPartition('t', 0);
      const fails = new Set([2, 5, 9]);
      const faulty = new FaultyStorage(new LocalStorage(`file://${dir}`), (op, _p, n) => (op === 'rename' && fails.has(n) ? 'fail' : op === 'append' && n === 4 ? 'fail' : 'ok'));
      const warnings: string[] = [];
      const { task, ctx } = await startTask({ 'hdfs.url': `file://${dir}`, ...FIELD }, [tp], { storage: () => faulty, log: { info() {}, warn: (m) => void warnings.push(m) } });
      await consume(task, ctx, 0, 60, 4, tp);
      await task.stop();
      assert.ok(warnings.length >= 3, 'failures were logged');
      assert.deepEqual(await offsetsInFiles(dir), Array.from({ length: 60 }, (_, i) => i));
    } finally {
      await removeDir(dir);
    }
  });
});

describe('storage outages', () => {
  test('while recovery keeps failing, records are dropped (not lost: re-read after the seek) and the task backs off', async () => {
    const dir = await tempDir();
    try {
      const tp = topicPartition('t', 0);
      let down = false;
      const faulty = new FaultyStorage(new LocalStorage(`file://${dir}`), () => (down ? 'fail' : 'ok'));
      const { task, ctx } = await startTask({ 'hdfs.url': `file://${dir}`, 'flush.size': '5', 'retry.backoff.ms': '50' }, [tp], { storage: () => faulty, log: { info() {}, warn() {} } });
      await task.put(range(0, 6));
      down = true;
      const t0 = Date.now();
      await task.put(range(7, 12)); // the commit of 5-9 fails; recovery fails too
      await task.put(range(13, 14)); // still down: dropped after one more failed recovery
      assert.ok(Date.now() - t0 >= 100, 'backed off after each failed recovery');
      assert.equal((await task.preCommit(new Map())).get('t-0')?.offset, 5, 'only what is in committed files');
      down = false;
      await task.put(range(15, 15)); // recovery succeeds: seek back to 5
      assert.equal(ctx.seeks.get('t-0'), 5);
      ctx.seeks.clear();
      await consume(task, ctx, 5, 20, 3, tp);
      await task.stop();
      assert.deepEqual(await offsetsInFiles(dir), Array.from({ length: 20 }, (_, i) => i));
    } finally {
      await removeDir(dir);
    }
  });
});
