/**
 * Exactly-once under SIGKILL: a child process drives the sink task through the plugin API and is killed at
 * random points many times during a large run; every restart resumes from the consumer offsets it committed
 * from preCommit. At the end every offset of every partition is in exactly one committed file.
 *
 * SLUICE_HDFS_CRASH_RECORDS (default 1000000) and SLUICE_HDFS_CRASH_KILLS (default 20) scale the Avro run;
 * SLUICE_HDFS_CRASH_SEED repeats a run.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parseCommittedFileName } from '../../../src/connectors/hdfs/naming.js';
import { listTree, readAvro, removeDir, tempDir } from '../../unit/hdfs/support.js';
import { crashLoop } from './crash-harness.js';
import { regionOf, type CrashSettings } from './crash-child.js';

const RECORDS = Number(process.env['SLUICE_HDFS_CRASH_RECORDS'] ?? 1_000_000);
const KILLS = Number(process.env['SLUICE_HDFS_CRASH_KILLS'] ?? 20);
const SEED = Number(process.env['SLUICE_HDFS_CRASH_SEED'] ?? Date.now() % 1_000_000);

interface FileRange {
  readonly partition: number;
  readonly start: number;
  readonly end: number;
  readonly offsets: number[];
}

/** Every offset of every partition exactly once; each file a contiguous, ordered run named by its range. */
function assertExactlyOnce(files: FileRange[], partitions: number, perPartition: number): void {
  const seen = Array.from({ length: partitions }, () => new Uint8Array(perPartition));
  for (const f of files) {
    assert.equal(f.offsets[0], f.start, `file starts at its start offset (p${f.partition} ${f.start}-${f.end})`);
    assert.equal(f.offsets[f.offsets.length - 1], f.end, 'file ends at its end offset');
    for (let i = 1; i < f.offsets.length; i++) assert.ok(f.offsets[i]! > f.offsets[i - 1]!, 'offsets ascend inside a file');
    for (const o of f.offsets) {
      assert.ok(o >= 0 && o < perPartition, `offset ${o} in range`);
      assert.equal(seen[f.partition]![o], 0, `partition ${f.partition} offset ${o} written twice`);
      seen[f.partition]![o] = 1;
    }
  }
  for (let p = 0; p < partitions; p++) {
    const missing = seen[p]!.indexOf(0);
    assert.equal(missing, -1, `partition ${p} offset ${missing} missing`);
  }
}

describe('exactly-once under SIGKILL (local filesystem)', { timeout: 1_800_000 }, () => {
  test(`Avro + FieldPartitioner: ${RECORDS} records over 4 partitions, ${KILLS} kills (seed ${SEED})`, async () => {
    const dir = await tempDir('hdfs-crash-');
    try {
      const partitions = 4;
      const perPartition = Math.ceil(RECORDS / partitions / 1000) * 1000;
      const settings: CrashSettings = {
        config: {
          'hdfs.url': `file://${dir}/fs`, 'flush.size': '1000', 'avro.codec': 'snappy',
          'partitioner.class': 'io.confluent.connect.storage.partitioner.FieldPartitioner', 'partition.field.name': 'region',
        },
        topic: 'crash', partitions, perPartition, batch: 500, commitEvery: 3, stateFile: join(dir, 'consumer-offsets.json'),
      };
      const result = await crashLoop(settings, KILLS, SEED, 400);
      assert.deepEqual(result.violations, [], 'the consumer offset never ran ahead of the files');
      const files: FileRange[] = [];
      for (const f of await listTree(join(dir, 'fs/topics/crash'))) {
        const c = parseCommittedFileName(f.slice(f.lastIndexOf('/') + 1));
        assert.ok(c, `only committed files: ${f}`);
        const { records } = await readAvro(join(dir, 'fs/topics/crash', f));
        for (const r of records) {
          assert.equal(r['partition'], c.partition);
          assert.equal(`region=${r['region'] as string}`, f.slice(0, f.indexOf('/')));
        }
        files.push({ partition: c.partition, start: c.startOffset, end: c.endOffset, offsets: records.map((r) => Number(r['offset'])) });
        assert.equal(regionOf(c.partition, c.startOffset), f.slice('region='.length, f.indexOf('/')));
      }
      assertExactlyOnce(files, partitions, perPartition);
      assert.deepEqual(await listTree(join(dir, 'fs/topics/+tmp')), [], 'no temp files left');
      console.log(`# crash run (seed ${SEED}): ${result.kills} kills (${result.killedBeforeReady} during startup/recovery), ${files.length} files\n# ${result.log.join('\n# ')}`);
      assert.ok(result.kills >= Math.min(KILLS, 5), `the run was actually interrupted (${result.kills} kills)`);
    } finally {
      await removeDir(dir);
    }
  });

  test(`Parquet + TimeBasedPartitioner (Record timestamps): 200000 records over 2 partitions, 10 kills (seed ${SEED + 1})`, async () => {
    const dir = await tempDir('hdfs-crash-');
    try {
      const partitions = 2;
      const perPartition = 100_000;
      const settings: CrashSettings = {
        config: {
          'hdfs.url': `file://${dir}/fs`, 'flush.size': '2500', 'format.class': 'io.confluent.connect.hdfs.parquet.ParquetFormat',
          'partitioner.class': 'io.confluent.connect.storage.partitioner.TimeBasedPartitioner', 'partition.duration.ms': '60000',
          'path.format': "'date'=YYYY-MM-dd/'minute'=HHmm", locale: 'en-US', timezone: 'UTC', 'timestamp.extractor': 'Record',
          'parquet.row.group.max.rows': '1000',
        },
        topic: 'crashpq', partitions, perPartition, batch: 500, commitEvery: 2, stateFile: join(dir, 'consumer-offsets.json'),
      };
      const result = await crashLoop(settings, 10, SEED + 1, 300);
      console.log(`# ${result.log.join('\n# ')}`);
      assert.deepEqual(result.violations, []);
      const conn = await (await DuckDBInstance.create(':memory:')).connect();
      try {
        const rows = (await conn.runAndReadAll(
          `SELECT filename, partition, list("offset" ORDER BY file_row_number) AS offsets FROM read_parquet('${join(dir, 'fs/topics/crashpq/**/*.parquet')}', filename = true, file_row_number = true) GROUP BY filename, partition`,
        )).getRowObjectsJson() as { filename: string; partition: number; offsets: string[] }[];
        const files = rows.map((r) => {
          const c = parseCommittedFileName(r.filename.slice(r.filename.lastIndexOf('/') + 1))!;
          assert.equal(r.partition, c.partition);
          return { partition: c.partition, start: c.startOffset, end: c.endOffset, offsets: r.offsets.map(Number) };
        });
        assertExactlyOnce(files, partitions, perPartition);
      } finally {
        conn.closeSync();
      }
      console.log(`# parquet crash run: ${result.kills} kills (${result.killedBeforeReady} during startup/recovery)`);
    } finally {
      await removeDir(dir);
    }
  });
});
