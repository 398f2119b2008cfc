/**
 * The HDFS sink task: one TopicPartitionWriter per assigned partition. `open` recovers each partition and
 * seeks the consumer after its last committed file; `preCommit` reports only offsets covered by committed
 * files, so the consumer group's offset never runs ahead of the data (it is advisory: recovery decides).
 */
import {
  SinkTask, tpKey, type ConnectorConfig, type TopicPartition, type TopicPartitionOffsets,
} from '../api/index.js';
import type { SinkRecord } from '../../data/index.js';
import { createFormat, parseHdfsSinkConfig, type HdfsSinkSettings } from './config.js';
import type { Format } from './formats/format.js';
import { createPartitioner, type Partitioner } from './partitioner/partitioner.js';
import { SchemaCompatibilityChecker } from './schema-compat.js';
import { createStorage, type Storage } from './storage/index.js';
import { TopicPartitionWriter, type WriterLogger } from './topic-partition-writer.js';
import { HDFS_CONNECTOR_VERSION } from './version.js';

export interface HdfsSinkTaskOptions {
  /** Use this storage instead of the one the config names (tests: fault injection). */
  readonly storage?: (settings: HdfsSinkSettings) => Storage;
  /** Wall clock (ms); default Date.now. */
  readonly clock?: () => number;
  readonly log?: WriterLogger;
}

const defaultLog: WriterLogger = {
  info: (msg) => {
    if (process.env['SLUICE_HDFS_DEBUG']) console.error(`[hdfs-sink] ${msg}`);
  },
  warn: (msg) => console.error(`[hdfs-sink] WARN ${msg}`),
};

export class HdfsSinkTask extends SinkTask {
  static readonly className = 'io.confluent.connect.hdfs.HdfsSinkTask';
  readonly #opts: HdfsSinkTaskOptions;
  #settings: HdfsSinkSettings | undefined;
  #storage: Storage | undefined;
  #format: Format | undefined;
  #partitioner: Partitioner | undefined;
  #compat: SchemaCompatibilityChecker | undefined;
  readonly #writers = new Map<string, TopicPartitionWriter>();

  constructor(opts: HdfsSinkTaskOptions = {}) {
    super();
    this.#opts = opts;
  }

  version(): string {
    return HDFS_CONNECTOR_VERSION;
  }

  async start(config: ConnectorConfig): Promise<void> {
    const s = parseHdfsSinkConfig(config);
    this.#settings = s;
    this.#storage = this.#opts.storage
      ? this.#opts.storage(s)
      : createStorage({ url: s.url, storageClass: s.storageClass, hadoopConfDir: s.hadoopConfDir, user: s.webhdfsUser, webhdfsChunkBytes: s.webhdfsChunkBytes });
    this.#format = await createFormat(s);
    this.#partitioner = createPartitioner(s.partitioner);
    this.#compat = new SchemaCompatibilityChecker(s.compatibility);
    const assigned = this.#safeAssignment();
    if (assigned.length > 0) await this.open(assigned);
  }

  #safeAssignment(): readonly TopicPartition[] {
    try {
      return this.context.assignment();
    } catch {
      return [];
    }
  }

  #writer(tp: TopicPartition): TopicPartitionWriter {
    const s = this.#settings;
    if (!s || !this.#storage || !this.#format || !this.#partitioner || !this.#compat) throw new Error('HdfsSinkTask used before start()');
    const ctx = this.context;
    const reporter = ctx.errantRecordReporter;
    return new TopicPartitionWriter(tp, {
      storage: this.#storage,
      format: this.#format,
      partitioner: this.#partitioner,
      compatibility: this.#compat,
      topicsDirTemplate: s.topicsDir,
      logsDirTemplate: s.logsDir,
      captureRegex: s.captureRegex,
      flushSize: s.flushSize,
      rotateIntervalMs: s.rotateIntervalMs,
      rotateScheduleIntervalMs: s.rotateScheduleIntervalMs,
      scheduleZone: s.scheduleZone,
      rotateOnIdle: s.rotateOnIdle,
      zeroPadWidth: s.zeroPadWidth,
      retryBackoffMs: s.retryBackoffMs,
      behaviorOnNullValues: s.behaviorOnNullValues,
      clock: this.#opts.clock ?? Date.now,
      log: this.#opts.log ?? defaultLog,
      seek: (offset) => ctx.offset(tp, offset),
      reportErrant: reporter ? (r, e) => reporter.report(r, e) : null,
    });
  }

  override async open(partitions: readonly TopicPartition[]): Promise<void> {
    for (const tp of partitions) {
      const key = tpKey(tp);
      if (this.#writers.has(key)) continue;
      const w = this.#writer(tp);
      await w.recover();
      this.#writers.set(key, w);
    }
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    const groups = new Map<string, { tp: TopicPartition; records: SinkRecord[] }>();
    for (const r of records) {
      const tp = { topic: r.topic, partition: r.kafkaPartition ?? 0 };
      const key = tpKey(tp);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { tp, records: [] }));
      g.records.push(r);
    }
    for (const { tp } of groups.values()) {
      if (!this.#writers.has(tpKey(tp))) await this.open([tp]);
    }
    const work: Promise<void>[] = [];
    for (const [key, w] of this.#writers) {
      const g = groups.get(key);
      work.push(g ? w.write(g.records) : w.checkIdleRotation());
    }
    const results = await Promise.allSettled(work);
    for (const r of results) if (r.status === 'rejected') throw r.reason;
  }

  override async preCommit(offsets: TopicPartitionOffsets): Promise<TopicPartitionOffsets> {
    const results = await Promise.allSettled([...this.#writers.values()].map((w) => w.checkIdleRotation()));
    for (const r of results) if (r.status === 'rejected') throw r.reason;
    const out: TopicPartitionOffsets = new Map();
    for (const [key, w] of this.#writers) {
      const committed = w.committedOffset();
      if (committed === null) continue;
      if (offsets.size > 0 && !offsets.has(key)) continue;
      out.set(key, { tp: w.tp, offset: committed });
    }
    return out;
  }

  override async close(partitions: readonly TopicPartition[]): Promise<void> {
    for (const tp of partitions) {
      const key = tpKey(tp);
      const w = this.#writers.get(key);
      if (!w) continue;
      this.#writers.delete(key);
      await w.close();
    }
  }

  async stop(): Promise<void> {
    for (const w of this.#writers.values()) await w.close().catch(() => {});
    this.#writers.clear();
    await this.#storage?.close();
  }

  /** The writer of a partition (tests). */
  writerFor(tp: TopicPartition): TopicPartitionWriter | undefined {
    return this.#writers.get(tpKey(tp));
  }
}
