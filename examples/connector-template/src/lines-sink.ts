/**
 * A sink connector: appends each record to a file as one line. `put` only buffers; `flush` (called by the
 * default `preCommit` before the worker commits the consumer offsets) appends the buffer and fsyncs, so a
 * committed offset never points past a line that a crash could lose. A full buffer asks for a commit early.
 *
 * Keys: `file` (required), `format` (`json`: one JSON object per record with its coordinates; `value`: the value
 * only), `buffer.max.records` (lines held before the task asks for a commit). With `tasks.max` > 1 each task
 * writes `<file>.<task>` (the worker shares the topic partitions out among the tasks).
 */
import { open, mkdir, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigDef, ConnectException, SinkConnector, SinkTask, Validators, type ConnectorConfig, type SinkTaskClass, type TopicPartitionOffsets } from 'sluice/plugin';
import { Struct, type SinkRecord } from 'sluice/data';
import { VERSION } from './version.js';

export const FILE = 'file';
export const FORMAT = 'format';
export const BUFFER_MAX_RECORDS = 'buffer.max.records';

export function linesSinkConfigDef(): ConfigDef {
  return new ConfigDef()
    .define({ name: FILE, type: 'STRING', validator: Validators.nonEmptyString(), importance: 'HIGH', documentation: 'The file the lines are appended to (its folder is created).' })
    .define({ name: FORMAT, type: 'STRING', defaultValue: 'json', validator: Validators.in('json', 'value'), importance: 'MEDIUM', documentation: '`json`: {"topic","partition","offset","key","value"} per line; `value`: the value as text.' })
    .define({ name: BUFFER_MAX_RECORDS, type: 'INT', defaultValue: 1000, validator: Validators.atLeast(1), importance: 'LOW', documentation: 'Lines held in memory before the task asks the worker for a commit (which flushes them).' });
}

/** Connect values as plain JSON: a Struct becomes an object of its fields. */
function plain(value: unknown): unknown {
  if (value instanceof Struct) return Object.fromEntries(value.schema.fields.map((f) => [f.name, plain(value.get(f.name))]));
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), plain(v)]));
  return value;
}

export class LinesSinkTask extends SinkTask {
  #file = '';
  #format = 'json';
  #bufferMax = 1000;
  #handle: FileHandle | undefined;
  #buffer: string[] = [];

  version(): string {
    return VERSION;
  }

  async start(config: ConnectorConfig): Promise<void> {
    const c = linesSinkConfigDef().parse(config);
    this.#file = c[FILE] as string;
    this.#format = c[FORMAT] as string;
    this.#bufferMax = c[BUFFER_MAX_RECORDS] as number;
    try {
      await mkdir(dirname(this.#file), { recursive: true });
      this.#handle = await open(this.#file, 'a');
    } catch (e) {
      throw new ConnectException(`cannot open ${this.#file} for appending: ${(e as Error).message}`, { cause: e });
    }
  }

  put(records: readonly SinkRecord[]): void {
    for (const r of records) {
      this.#buffer.push(
        this.#format === 'value'
          ? String(typeof r.value === 'object' && r.value !== null ? JSON.stringify(plain(r.value)) : r.value)
          : JSON.stringify({ topic: r.topic, partition: r.kafkaPartition, offset: r.kafkaOffset, key: plain(r.key), value: plain(r.value) }),
      );
    }
    if (this.#buffer.length >= this.#bufferMax) this.context.requestCommit();
  }

  /** Appends what was put and fsyncs; the worker commits the offsets only after this returned. */
  override async flush(_offsets: TopicPartitionOffsets): Promise<void> {
    if (this.#buffer.length === 0 || !this.#handle) return;
    const text = this.#buffer.join('\n') + '\n';
    this.#buffer = [];
    await this.#handle.write(text);
    await this.#handle.sync();
  }

  /** Lines put but not yet flushed (for tests). */
  get buffered(): number {
    return this.#buffer.length;
  }

  async stop(): Promise<void> {
    // The worker flushes (preCommit) before it stops a task; what is still buffered was never committed.
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close();
  }
}

export class LinesSinkConnector extends SinkConnector {
  #raw: ConnectorConfig = {};

  version(): string {
    return VERSION;
  }

  start(config: ConnectorConfig): void {
    linesSinkConfigDef().parse(config); // throws a ConfigException naming the key
    this.#raw = config;
  }

  /** One file per task: several writers appending to one file would interleave their lines. */
  taskConfigs(maxTasks: number): ConnectorConfig[] {
    const file = this.#raw[FILE]!;
    return Array.from({ length: Math.max(1, maxTasks) }, (_, i) => ({ ...this.#raw, [FILE]: maxTasks > 1 ? `${file}.${i}` : file }));
  }

  stop(): void {}

  config(): ConfigDef {
    return linesSinkConfigDef();
  }

  taskClass(): SinkTaskClass {
    return LinesSinkTask;
  }
}
