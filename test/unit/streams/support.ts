/** Tiny fakes for the streams tests: converters, a source task, a sink task. */
import type { Converter, HeaderConverter } from '../../../src/converters/converter.js';
import { SourceRecord, type SinkRecord, type OffsetMap } from '../../../src/data/index.js';
import { SinkTask, SourceTask, type ConnectorConfig, type TopicPartitionOffsets } from '../../../src/connectors/api/index.js';
import type { Converters, PipelineOptions, TaskId } from '../../../src/streams/index.js';
import { readJson, writeJson } from '../../../src/streams/index.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Schemaless JSON both ways (stands in for JsonConverter with schemas.enable=false). */
export class TestJsonConverter implements Converter, HeaderConverter {
  configure(): void {}
  fromConnectData(_topic: string, _schema: unknown, value: unknown): Uint8Array | null {
    return value === null || value === undefined ? null : enc.encode(writeJson(value));
  }
  toConnectData(_topic: string, bytes: Uint8Array | null) {
    return { schema: null, value: bytes === null ? null : readJson(dec.decode(bytes)) };
  }
  fromConnectHeader(_topic: string, _key: string, _schema: unknown, value: unknown): Uint8Array | null {
    return value === null ? null : enc.encode(writeJson(value));
  }
  toConnectHeader(_topic: string, _key: string, bytes: Uint8Array | null) {
    return { schema: null, value: bytes === null ? null : readJson(dec.decode(bytes)) };
  }
}

export function jsonConverters(): Converters {
  const c = new TestJsonConverter();
  return { key: c, value: c, header: c };
}

export const fastOptions: PipelineOptions = { maxInFlightBatches: 2, offsetFlushIntervalMs: 50, offsetFlushTimeoutMs: 5000 };

export function taskId(connector: string, task = 0): TaskId {
  return { connector, task };
}

/** Emits `total` records `{n}` in batches of `batchSize` over `partitions` source partitions, then idles. */
export class CountingSourceTask extends SourceTask {
  next = 0;
  polls = 0;
  stopped = false;
  committedRecords = 0;
  commits = 0;
  startedFrom: number | null = null;
  constructor(
    readonly topic: string,
    readonly total: number,
    readonly batchSize = 10,
    readonly partitions = 1,
  ) {
    super();
  }
  version(): string {
    return 'test';
  }
  async start(_config: ConnectorConfig): Promise<void> {
    const stored = await this.context.offsetStorageReader.offset({ source: 'p0' });
    if (stored) {
      this.startedFrom = Number(stored['n']) + 1;
      this.next = this.startedFrom;
    }
  }
  async poll(): Promise<SourceRecord[] | null> {
    this.polls++;
    if (this.next >= this.total) {
      await new Promise((r) => setTimeout(r, 5));
      return null;
    }
    const out: SourceRecord[] = [];
    while (out.length < this.batchSize && this.next < this.total) {
      const n = this.next++;
      const p = n % this.partitions;
      out.push(
        new SourceRecord({
          topic: this.topic,
          sourcePartition: { source: `p${p}` },
          sourceOffset: { n },
          key: `k${n}`,
          value: { n },
        }),
      );
    }
    return out;
  }
  override commitRecord(): void {
    this.committedRecords++;
  }
  override commit(): void {
    this.commits++;
  }
  stop(): void {
    this.stopped = true;
  }
}

/** Keeps what it was given; `flushed` holds what a flush made "durable". */
export class CollectingSinkTask extends SinkTask {
  readonly put_: SinkRecord[] = [];
  readonly flushed: SinkRecord[] = [];
  opened: string[] = [];
  closed: string[] = [];
  stopped = false;
  putDelayMs = 0;
  /** Throw a RetriableException on these put calls (1-based). */
  failPuts = new Set<number>();
  puts = 0;
  version(): string {
    return 'test';
  }
  start(): void {}
  async put(records: readonly SinkRecord[]): Promise<void> {
    this.puts++;
    if (this.putDelayMs) await new Promise((r) => setTimeout(r, this.putDelayMs));
    if (this.failPuts.has(this.puts)) {
      const { RetriableException } = await import('../../../src/connectors/api/index.js');
      this.context.timeout(10);
      throw new RetriableException(`put #${this.puts} failed (on purpose)`);
    }
    this.put_.push(...records);
  }
  override flush(_offsets: TopicPartitionOffsets): void {
    this.flushed.push(...this.put_.slice(this.flushed.length));
  }
  override open(partitions: readonly { topic: string; partition: number }[]): void {
    this.opened.push(...partitions.map((p) => `${p.topic}-${p.partition}`));
  }
  override close(partitions: readonly { topic: string; partition: number }[]): void {
    this.closed.push(...partitions.map((p) => `${p.topic}-${p.partition}`));
  }
  stop(): void {
    this.stopped = true;
  }
}

export const identity = <R>(r: R): R => r;

/** Polls `cond` on the event loop until true (no wall-clock assertion; the test runner's timeout bounds it). */
export async function until(cond: () => boolean | Promise<boolean>, what = 'condition'): Promise<void> {
  for (let i = 0; ; i++) {
    if (await cond()) return;
    if (i > 20_000) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function offsetOf(map: Map<OffsetMap, OffsetMap | null>, p: OffsetMap): OffsetMap | null {
  return map.get(p) ?? null;
}
