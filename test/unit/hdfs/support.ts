/** Shared helpers of the HDFS sink tests (unit and integration). */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import avro from 'avsc';
import type { ErrantRecordReporter, SinkTaskContext, TopicPartition } from '../../../src/connectors/api/index.js';
import { tpKey } from '../../../src/connectors/api/index.js';
import { SinkRecord, type Schema } from '../../../src/data/index.js';
import { HdfsSinkTask, type HdfsSinkTaskOptions } from '../../../src/connectors/hdfs/index.js';
import { BIG_LONG } from '../../../src/connectors/hdfs/formats/avro-long.js';
import { forAvsc } from '../../../src/connectors/hdfs/formats/avro-format.js';
import type { AvroSchema } from '../../../src/connectors/hdfs/formats/avro-data.js';

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
