/** Shared helpers of the HDFS sink tests (unit and integration). */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import avro from 'avsc';
import * as snappy from 'snappyjs';
import { inflateRawSync } from 'node:zlib';
import type { ErrantRecordReporter, SinkTaskContext, TopicPartition } from '../../../src/connectors/api/index.js';
import { tpKey } from '../../../src/connectors/api/index.js';
import { SinkRecord, type Schema } from '../../../src/data/index.js';
import { HdfsSinkTask, type HdfsSinkTaskOptions } from '../../../src/connectors/hdfs/index.js';
import { BIG_LONG } from '../../../src/data/avro/avro-long.js';
import { forAvsc } from '../../../src/connectors/hdfs/formats/avro-format.js';
import type { AvroSchema } from '../../../src/data/avro/index.js';

export class FakeContext implements SinkTaskContext {
  readonly seeks = new Map<string, number>();
  readonly #config: Record<string, string>;
  #assignment: TopicPartition[];
  readonly errantRecordReporter: ErrantRecordReporter | null;
  readonly reported: { record: SinkRecord; error: Error }[] = [];
  timeoutMs = -1;

  constructor(config: Record<string, string>, assignment: TopicPartition[] = [], dlq = false) {
    this.#config = config;
    this.#assignment = assignment;
    this.errantRecordReporter = dlq
      ? { report: async (record, error) => void this.reported.push({ record, error }) }
      : null;
  }
  configs(): Record<string, string> {
    return this.#config;
  }
  offset(tp: TopicPartition, offset: number): void {
    this.seeks.set(tpKey(tp), offset);
  }
  timeout(ms: number): void {
    this.timeoutMs = ms;
  }
  assignment(): readonly TopicPartition[] {
    return this.#assignment;
  }
  setAssignment(tps: TopicPartition[]): void {
    this.#assignment = tps;
  }
  pause(): void {}
  resume(): void {}
  requestCommit(): void {}
}

export async function startTask(
  config: Record<string, string>,
  partitions: TopicPartition[],
  opts: HdfsSinkTaskOptions & { dlq?: boolean } = {},
): Promise<{ task: HdfsSinkTask; ctx: FakeContext }> {
  const task = new HdfsSinkTask(opts);
  const ctx = new FakeContext(config, [], opts.dlq ?? false);
  task.initialize(ctx);
  await task.start(config);
  ctx.setAssignment(partitions);
  await task.open(partitions);
  return { task, ctx };
}

export function sinkRecord(topic: string, partition: number, offset: number, schema: Schema | null, value: unknown, timestamp: number | null = null): SinkRecord {
  return new SinkRecord({
    topic, kafkaPartition: partition, kafkaOffset: offset, valueSchema: schema, value, timestamp,
    timestampType: timestamp === null ? 'NoTimestampType' : 'CreateTime',
  });
}

export async function tempDir(prefix = 'hdfs-sink-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Every file below `dir`, relative, sorted. */
export async function listTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.push(relative(dir, p));
    }
  };
  await walk(dir);
  return out.sort();
}

/** The records of an Avro container file, decoded by avsc (longs beyond 2^53 as bigint). */
export async function readAvro(path: string): Promise<{ schema: unknown; records: Record<string, unknown>[] }> {
  return new Promise((resolve, reject) => {
    const records: Record<string, unknown>[] = [];
    let schema: unknown;
    avro
      .createFileDecoder(path, {
        codecs: {
          null: (b: Buffer, cb: (e: Error | null, r?: Buffer) => void) => cb(null, b),
          deflate: (b: Buffer, cb: (e: Error | null, r?: Buffer) => void) => cb(null, inflateRawSync(b)),
          snappy: (b: Buffer, cb: (e: Error | null, r?: Buffer) => void) => cb(null, Buffer.from(snappy.uncompress(b.subarray(0, b.length - 4)))),
        },
        parseHook: (s: unknown) => {
          schema = s;
          return avro.Type.forSchema(forAvsc(s as AvroSchema) as avro.Schema, { registry: { long: BIG_LONG } as never, wrapUnions: false });
        },
      } as never)
      .on('data', (r: Record<string, unknown>) => records.push(r))
      .on('error', reject)
      .on('end', () => resolve({ schema, records }));
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

import type { FileStatus, OutputFile, Storage } from '../../../src/connectors/hdfs/storage/storage.js';

export type StorageOp = 'exists' | 'mkdirs' | 'list' | 'create' | 'write' | 'close' | 'append' | 'read' | 'rename' | 'delete';

/**
 * Wraps a storage to inject faults. `hook(op, path, n)` runs before each operation (n counts that op from 1)
 * and returns 'ok', 'fail' (throw a retriable StorageException once) or 'crash' (this and every later
 * operation never completes: the process "died" here; `append` writes half its bytes first).
 */
export class FaultyStorage implements Storage {
  readonly inner: Storage;
  readonly counts = new Map<StorageOp, number>();
  crashed = false;
  hook: (op: StorageOp, path: string, n: number) => 'ok' | 'fail' | 'crash';

  constructor(inner: Storage, hook: FaultyStorage['hook'] = () => 'ok') {
    this.inner = inner;
    this.hook = hook;
  }
  get url(): string {
    return this.inner.url;
  }
  get basePath(): string {
    return this.inner.basePath;
  }
  get kind(): string {
    return this.inner.kind;
  }

  async #gate(op: StorageOp, path: string): Promise<void> {
    if (this.crashed) return new Promise<void>(() => {});
    const n = (this.counts.get(op) ?? 0) + 1;
    this.counts.set(op, n);
    const what = this.hook(op, path, n);
    if (what === 'crash') {
      this.crashed = true;
      return new Promise<void>(() => {});
    }
    if (what === 'fail') {
      const { StorageException } = await import('../../../src/connectors/hdfs/storage/storage.js');
      throw new StorageException(`injected failure: ${op} ${path}`);
    }
  }

  async exists(p: string): Promise<boolean> { await this.#gate('exists', p); return this.inner.exists(p); }
  async mkdirs(p: string): Promise<void> { await this.#gate('mkdirs', p); return this.inner.mkdirs(p); }
  async list(p: string): Promise<FileStatus[]> { await this.#gate('list', p); return this.inner.list(p); }
  async read(p: string): Promise<Uint8Array | null> { await this.#gate('read', p); return this.inner.read(p); }
  async rename(a: string, b: string): Promise<void> { await this.#gate('rename', a); return this.inner.rename(a, b); }
  async delete(p: string, r?: boolean): Promise<boolean> { await this.#gate('delete', p); return this.inner.delete(p, r); }
  async close(): Promise<void> { return this.inner.close(); }
  async append(p: string, data: Uint8Array): Promise<void> {
    if (this.crashed) return new Promise<void>(() => {});
    const n = (this.counts.get('append') ?? 0) + 1;
    this.counts.set('append', n);
    const what = this.hook('append', p, n);
    if (what === 'crash') {
      this.crashed = true;
      await this.inner.append(p, data.subarray(0, Math.floor(data.length / 2)));
      return new Promise<void>(() => {});
    }
    if (what === 'fail') {
      const { StorageException } = await import('../../../src/connectors/hdfs/storage/storage.js');
      throw new StorageException(`injected failure: append ${p}`);
    }
    return this.inner.append(p, data);
  }
  async create(p: string): Promise<OutputFile> {
    await this.#gate('create', p);
    const f = await this.inner.create(p);
    const self = this;
    return {
      path: f.path,
      async write(chunk) { await self.#gate('write', p); return f.write(chunk); },
      async close() { await self.#gate('close', p); return f.close(); },
      abort: () => f.abort(),
    };
  }
}
