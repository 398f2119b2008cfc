/**
 * WebHDFS against a real HDFS: Apache Hadoop's MiniDFSCluster (one NameNode, one DataNode) started for this file.
 * The storage contract (the same checks run on the local filesystem), then the sink's write/commit/recovery
 * checks, fault injection at commit points, and a SIGKILL crash loop — all through WebHDFS.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { topicPartition } from '../../../src/connectors/api/index.js';
import { LocalStorage, WebHdfsStorage, createStorage, listFilesRecursive, type Storage } from '../../../src/connectors/hdfs/storage/index.js';
import { parseCommittedFileName } from '../../../src/connectors/hdfs/naming.js';
import { readWal } from '../../../src/connectors/hdfs/wal.js';
import { FaultyStorage, readAvro, removeDir, sinkRecord, startTask, tempDir } from '../../unit/hdfs/support.js';
import { ALL, struct } from './all-types.js';
import { startMiniHdfs, avroToolsRecords, type MiniHdfs } from './java-tools.js';
import { crashLoop } from './crash-harness.js';
import type { CrashSettings } from './crash-child.js';

let hdfs: MiniHdfs;
let scratch: string;

before(async () => {
  // SLUICE_HDFS_PORTS=<http>:<rpc> uses a running cluster (bash scripts/hdfs.sh up) instead of starting one.
  const ports = process.env['SLUICE_HDFS_PORTS'];
  if (ports) {
    const [http, rpc] = ports.split(':').map(Number) as [number, number];
    hdfs = { httpPort: http, rpcPort: rpc, webhdfsUrl: `webhdfs://127.0.0.1:${http}`, baseDir: '', process: undefined as never, stop: async () => {} };
    const root = new WebHdfsStorage({ url: hdfs.webhdfsUrl, httpBases: [`http://127.0.0.1:${http}`], basePath: '', user: 'root' });
    for (const f of await root.list('/')) await root.delete(f.path, true);
  } else hdfs = await startMiniHdfs();
  scratch = await tempDir('webhdfs-test-');
}, { timeout: 180_000 });

after(async () => {
  await hdfs?.stop();
  if (scratch) await removeDir(scratch);
}, { timeout: 60_000 });

const webhdfs = (base: string, chunkBytes?: number): WebHdfsStorage =>
  createStorage({ url: `${hdfs.webhdfsUrl}${base}`, storageClass: 'io.confluent.connect.hdfs.storage.HdfsStorage', hadoopConfDir: '', ...(chunkBytes ? { webhdfsChunkBytes: chunkBytes } : {}) }) as WebHdfsStorage;

/** Copies every committed file below `dir` out of HDFS into `local`, returning their relative paths. */
async function fetchTree(s: Storage, dir: string, local: string): Promise<string[]> {
  const out: string[] = [];
  for (const f of await listFilesRecursive(s, dir)) {
    const rel = f.path.slice(dir.length + 1);
    await mkdir(join(local, rel, '..'), { recursive: true });
    await writeFile(join(local, rel), (await s.read(f.path))!);
    out.push(rel);
  }
  return out.sort();
}

async function storageContract(s: Storage, root: string): Promise<void> {
  const enc = new TextEncoder();
  await s.mkdirs(`${root}/a/b`);
  await s.mkdirs(`${root}/a/b`);
  assert.equal(await s.exists(`${root}/a/b`), true);
  assert.equal(await s.exists(`${root}/nope`), false);
  assert.deepEqual(await s.list(`${root}/nope`), []);
  // a file written in several chunks (several CREATE/APPEND requests on WebHDFS)
  const f = await s.create(`${root}/a/+tmp/x_tmp.avro`);
  const chunks = Array.from({ length: 5 }, (_, i) => new Uint8Array(70_000).fill(i));
  for (const c of chunks) await f.write(c);
  await f.close();
  const back = (await s.read(`${root}/a/+tmp/x_tmp.avro`))!;
  assert.equal(back.length, 350_000);
  for (let i = 0; i < 5; i++) assert.equal(back[i * 70_000 + 69_999], i);
  // an empty file
  const e = await s.create(`${root}/empty`);
  await e.close();
  assert.deepEqual([...(await s.read(`${root}/empty`))!], []);
  // rename: atomic, no overwrite, names with + and =
  await s.mkdirs(`${root}/a/region=eu`);
  await s.rename(`${root}/a/+tmp/x_tmp.avro`, `${root}/a/region=eu/t+0+0000000000+0000000004.avro`);
  assert.equal(await s.exists(`${root}/a/+tmp/x_tmp.avro`), false);
  assert.equal((await s.read(`${root}/a/region=eu/t+0+0000000000+0000000004.avro`))!.length, 350_000);
  await s.append(`${root}/other`, enc.encode('x'));
  await assert.rejects(s.rename(`${root}/other`, `${root}/a/region=eu/t+0+0000000000+0000000004.avro`), /exists/);
  await assert.rejects(s.rename(`${root}/missing`, `${root}/m2`));
  // append creates, then appends
  await s.append(`${root}/logs/t/0/log`, enc.encode('abc'));
  await s.append(`${root}/logs/t/0/log`, enc.encode('def'));
  assert.equal(new TextDecoder().decode((await s.read(`${root}/logs/t/0/log`))!), 'abcdef');
  const listed = (await s.list(`${root}/a`)).map((x) => `${x.name}${x.isDirectory ? '/' : ''}`).sort();
  assert.deepEqual(listed, ['+tmp/', 'b/', 'region=eu/']);
  assert.deepEqual((await listFilesRecursive(s, root)).map((x) => x.path.slice(root.length)).sort(), [
    '/a/region=eu/t+0+0000000000+0000000004.avro', '/empty', '/logs/t/0/log', '/other',
  ]);
  // an aborted file disappears
  const ab = await s.create(`${root}/aborted`);
  await ab.write(enc.encode('zzz'));
  await ab.abort();
  assert.equal(await s.exists(`${root}/aborted`), false);
  assert.equal(await s.delete(`${root}/a`, true), true);
  assert.equal(await s.delete(`${root}/a`, true), false);
  assert.equal(await s.read(`${root}/a/b`), null);
}

describe('storage contract', { timeout: 300_000 }, () => {
  test('local filesystem', async () => {
    const dir = await tempDir();
    try {
      await storageContract(new LocalStorage(`file://${dir}`), dir);
    } finally {
      await removeDir(dir);
    }
  });
  test('WebHDFS (MiniDFSCluster), 64 KiB write chunks', async () => {
    await storageContract(webhdfs('', 64 * 1024), '/contract');
  });
});

describe('HDFS sink over WebHDFS (MiniDFSCluster)', { timeout: 900_000 }, () => {
  test('write, commit and recover; Avro read back by avro-tools; WAL entries are hdfs URLs', async () => {
    const url = `${hdfs.webhdfsUrl}/sink1`;
    const tp = topicPartition('all', 0);
    const config = { 'hdfs.url': url, 'flush.size': '100', 'avro.codec': 'deflate' };
    const first = await startTask(config, [tp]);
    await first.task.put(Array.from({ length: 250 }, (_, i) => sinkRecord('all', 0, i, ALL, struct(i))));
    // crash: no stop; a new task recovers from HDFS
    const second = await startTask(config, [tp]);
    assert.equal(second.ctx.seeks.get('all-0'), 200);
    const s = webhdfs('/sink1');
    assert.deepEqual(await listFilesRecursive(s, '/sink1/topics/+tmp'), []);
    await second.task.put(Array.from({ length: 100 }, (_, i) => sinkRecord('all', 0, 200 + i, ALL, struct(200 + i))));
    assert.equal((await second.task.preCommit(new Map())).get('all-0')?.offset, 300);
    await second.task.stop();
    const local = join(scratch, 'sink1');
    const files = await fetchTree(s, '/sink1/topics/all', local);
    assert.deepEqual(files, ['partition=0/all+0+0000000000+0000000099.avro', 'partition=0/all+0+0000000100+0000000199.avro', 'partition=0/all+0+0000000200+0000000299.avro']);
    let n = 0;
    for (const f of files) n += avroToolsRecords(join(local, f)).length;
    assert.equal(n, 300);
    const wal = readWal((await s.read('/sink1/logs/all/0/log'))!);
    assert.equal(wal.blocks.length, 1);
    assert.match(wal.blocks[0]![0]!.committedFile, new RegExp(`^webhdfs://127\\.0\\.0\\.1:${hdfs.httpPort}/sink1/topics/all/partition=0/all\\+0\\+0000000200\\+0000000299\\.avro$`));
  });

  test('an hdfs:// URL finds WebHDFS through hadoop.conf.dir; Parquet + FieldPartitioner', async () => {
    const conf = join(scratch, 'hadoop-conf');
    await mkdir(conf, { recursive: true });
    await writeFile(join(conf, 'hdfs-site.xml'), `<configuration><property><name>dfs.namenode.http-address</name><value>127.0.0.1:${hdfs.httpPort}</value></property></configuration>`);
    const config = {
      'hdfs.url': `hdfs://127.0.0.1:${hdfs.rpcPort}/sink2`, 'hadoop.conf.dir': conf, 'flush.size': '50',
      'format.class': 'io.confluent.connect.hdfs.parquet.ParquetFormat', 'partitioner.class': 'io.confluent.connect.storage.partitioner.FieldPartitioner',
      'partition.field.name': 'bool',
    };
    const { task } = await startTask(config, [topicPartition('pq', 1)]);
    await task.put(Array.from({ length: 100 }, (_, i) => sinkRecord('pq', 1, i, ALL, struct(i))));
    await task.stop();
    const files = await fetchTree(webhdfs('/sink2'), '/sink2/topics/pq', join(scratch, 'sink2'));
    assert.deepEqual(files.map((f) => f.split('/')[0]), ['bool=false', 'bool=false', 'bool=true', 'bool=true']);
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const conn = await (await DuckDBInstance.create(':memory:')).connect();
    const rows = (await conn.runAndReadAll(`SELECT count(*)::INTEGER n, sum(i32)::BIGINT s FROM read_parquet('${join(scratch, 'sink2')}/**/*.parquet')`)).getRowObjectsJson();
    conn.closeSync();
    let sum = 0;
    for (let i = 0; i < 100; i++) sum += (struct(i).get('i32') as number);
    assert.deepEqual(rows, [{ n: 100, s: String(sum) }]);
  });

  test('fault injection at commit points over WebHDFS: exactly once after restart', async () => {
    const V = (await import('./crash-child.js'));
    for (const [name, at] of [
      ['half a WAL append', (op: string, _p: string, n: number) => op === 'append' && n === 2],
      ['after the WAL, between renames', (op: string, _p: string, n: number) => op === 'rename' && n === 4],
    ] as const) {
      const base = `/faults-${name.replace(/\W+/g, '-')}`;
      const config = { 'hdfs.url': `${hdfs.webhdfsUrl}${base}`, 'flush.size': '6', 'partitioner.class': 'io.confluent.connect.storage.partitioner.FieldPartitioner', 'partition.field.name': 'region' };
      const tp = topicPartition('f', 0);
      const faulty = new FaultyStorage(webhdfs(base), (op, p, n) => (at(op, p, n) ? 'crash' : 'ok'));
      const first = await startTask(config, [tp], { storage: () => faulty });
      void first.task.put(Array.from({ length: 60 }, (_, o) => V.record('f', 0, o)));
      for (let i = 0; i < 2000 && !faulty.crashed; i++) await new Promise((r) => setTimeout(r, 10));
      assert.ok(faulty.crashed, `${name}: reached`);
      const second = await startTask(config, [tp]);
      const from = second.ctx.seeks.get('f-0') ?? 0;
      await second.task.put(Array.from({ length: 60 - from }, (_, i) => V.record('f', 0, from + i)));
      await second.task.stop();
      const local = join(scratch, base);
      const files = await fetchTree(webhdfs(base), `${base}/topics/f`, local);
      const offsets: number[] = [];
      for (const f of files) offsets.push(...(await readAvro(join(local, f))).records.map((r) => Number(r['offset'])));
      assert.deepEqual(offsets.sort((a, b) => a - b), Array.from({ length: 60 }, (_, i) => i), name);
    }
  });

  test('SIGKILL crash loop over WebHDFS: 40000 records, 8 kills, each offset exactly once', async () => {
    const base = '/crash';
    const settings: CrashSettings = {
      config: {
        'hdfs.url': `${hdfs.webhdfsUrl}${base}`, 'flush.size': '500', 'partitioner.class': 'io.confluent.connect.storage.partitioner.FieldPartitioner',
        'partition.field.name': 'region', 'retry.backoff.ms': '200',
      },
      topic: 'crash', partitions: 2, perPartition: 20_000, batch: 250, commitEvery: 2, stateFile: join(scratch, 'webhdfs-consumer-offsets.json'),
    };
    const seed = Date.now() % 100_000;
    const result = await crashLoop(settings, 8, seed, 1500);
    console.log(`# webhdfs crash run (seed ${seed}): ${result.kills} kills\n# ${result.log.join('\n# ')}`);
    assert.deepEqual(result.violations, []);
    const local = join(scratch, 'crash');
    const files = await fetchTree(webhdfs(base), `${base}/topics/crash`, local);
    const seen = [new Uint8Array(20_000), new Uint8Array(20_000)];
    for (const f of files) {
      const c = parseCommittedFileName(f.slice(f.lastIndexOf('/') + 1))!;
      const offsets = (await readAvro(join(local, f))).records.map((r) => Number(r['offset']));
      assert.equal(offsets[0], c.startOffset);
      assert.equal(offsets[offsets.length - 1], c.endOffset);
      for (const o of offsets) {
        assert.equal(seen[c.partition]![o], 0, `p${c.partition} offset ${o} twice`);
        seen[c.partition]![o] = 1;
      }
    }
    for (const s of seen) assert.equal(s.indexOf(0), -1, 'no offset missing');
  });
});
