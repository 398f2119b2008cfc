// Test connectors for the reactive API: a counting source that resumes from its offsets, and a sink whose
// flushes the test controls (what preCommit says was flushed is what it really kept).
import {
  ConfigDef,
  ConnectException,
  SinkConnector,
  SinkTask,
  SourceConnector,
  SourceTask,
  Validators,
  type ConnectorConfig,
  type ConnectorPlugin,
  type ExtensionPlugin,
  type TopicPartitionOffsets,
} from '../../../src/connectors/api/index.js';
import { DataException, Schema, SinkRecord, SourceRecord } from '../../../src/data/index.js';

const sourceDef = () =>
  new ConfigDef()
    .define({ name: 'topic', type: 'STRING', defaultValue: 'numbers', importance: 'HIGH', documentation: 'topic' })
    .define({ name: 'count', type: 'LONG', defaultValue: -1, validator: Validators.atLeast(-1), importance: 'HIGH', documentation: 'records per task; -1 endless' })
    .define({ name: 'batch', type: 'INT', defaultValue: 100, validator: Validators.atLeast(1), importance: 'LOW', documentation: 'records per poll' });

/** What the counting source's tasks did, per test (by topic). */
export const polled = new Map<string, number>();

class CountingTask extends SourceTask {
  #next = 0;
  #end = -1;
  #batch = 100;
  #topic = 'numbers';
  #task = 0;
  version() {
    return '1';
  }
  async start(config: ConnectorConfig) {
    const v = sourceDef().parse(config);
    this.#topic = v['topic'] as string;
    this.#batch = v['batch'] as number;
    this.#task = Number(config['task.id'] ?? 0);
    const count = Number(v['count']);
    const stored = await this.context.offsetStorageReader.offset({ task: this.#task });
    this.#next = stored ? Number(stored['seq']) + 1 : 0;
    this.#end = count < 0 ? Infinity : count;
  }
  async poll() {
    const out: SourceRecord[] = [];
    while (out.length < this.#batch && this.#next < this.#end) {
      const seq = this.#next++;
      out.push(
        new SourceRecord({
          topic: this.#topic,
          kafkaPartition: this.#task,
          sourcePartition: { task: this.#task },
          sourceOffset: { seq },
          valueSchema: Schema.INT64,
          value: BigInt(seq),
        }),
      );
    }
    polled.set(this.#topic, (polled.get(this.#topic) ?? 0) + out.length);
    return out;
  }
  override isFinished() {
    return this.#next >= this.#end;
  }
  stop() {}
}

class CountingSource extends SourceConnector {
  #config: ConnectorConfig = {};
  version() {
    return '1';
  }
  start(config: ConnectorConfig) {
    this.#config = config;
  }
  taskClass() {
    return CountingTask;
  }
  taskConfigs(max: number) {
    return Array.from({ length: max }, (_, i) => ({ ...this.#config, 'task.id': String(i) }));
  }
  stop() {}
  config() {
    return sourceDef();
  }
}

export const countingSource: ConnectorPlugin = {
  type: 'source',
  className: 'test.Counting',
  aliases: [],
  version: '1',
  create: () => new CountingSource(),
  configDef: sourceDef,
};

/** The state of one test sink, shared by its tasks. */
export class SinkState {
  /** Put, not yet flushed. */
  pending: SinkRecord[] = [];
  flushed: SinkRecord[] = [];
  /** While true, preCommit keeps what was put unflushed (and says so). */
  hold = false;
  putDelayMs = 0;
  /** put throws a non-retriable error on a record with this value. */
  failOn: bigint | null = null;
  /** put throws a RetriableException this many times first. */
  retriable = 0;
  puts = 0;
  maxUnflushed = 0;
  opened: string[] = [];
  stopped = 0;
  get values(): bigint[] {
    return this.flushed.map((r) => r.value as bigint);
  }
}
export const sinks = new Map<string, SinkState>();

const sinkDef = () =>
  new ConfigDef()
    .define({ name: 'sink.id', type: 'STRING', importance: 'HIGH', documentation: 'which SinkState', validator: Validators.nonEmptyString() })
    .define({ name: 'start.delay.ms', type: 'INT', defaultValue: 0, importance: 'LOW', documentation: 'an asynchronous start taking this long' });

class CollectingTask extends SinkTask {
  #state!: SinkState;
  version() {
    return '1';
  }
  async start(config: ConnectorConfig) {
    const v = sinkDef().parse(config);
    const id = v['sink.id'] as string;
    this.#state = sinks.get(id) ?? new SinkState();
    sinks.set(id, this.#state);
    const delay = v['start.delay.ms'] as number;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
  }
  override open(partitions: readonly { topic: string; partition: number }[]) {
    for (const p of partitions) this.#state.opened.push(`${p.topic}-${p.partition}`);
  }
  async put(records: readonly SinkRecord[]) {
    const s = this.#state;
    s.puts++;
    if (s.retriable > 0) {
      s.retriable--;
      const { RetriableException } = await import('../../../src/connectors/api/index.js');
      this.context.timeout(10);
      throw new RetriableException('not yet');
    }
    if (s.putDelayMs > 0) await new Promise((r) => setTimeout(r, s.putDelayMs));
    for (const r of records) {
      if (s.failOn !== null && r.value === s.failOn) throw new ConnectException(`cannot write ${String(r.value)}`);
      s.pending.push(r);
    }
    s.maxUnflushed = Math.max(s.maxUnflushed, s.pending.length);
  }
  override async preCommit(offsets: TopicPartitionOffsets): Promise<TopicPartitionOffsets> {
    const s = this.#state;
    if (!s.hold) {
      s.flushed.push(...s.pending);
      s.pending = [];
    }
    // Only what was flushed may be committed: the offset after the last flushed record of each partition.
    const out: TopicPartitionOffsets = new Map();
    for (const [key, { tp }] of offsets) {
      const last = s.flushed.filter((r) => r.topic === tp.topic && r.kafkaPartition === tp.partition).at(-1);
      if (last) out.set(key, { tp, offset: last.kafkaOffset + 1 });
    }
    return out;
  }
  stop() {
    this.#state.stopped++;
  }
}

class CollectingSink extends SinkConnector {
  #config: ConnectorConfig = {};
  version() {
    return '1';
  }
  start(config: ConnectorConfig) {
    this.#config = config;
  }
  taskClass() {
    return CollectingTask;
  }
  taskConfigs(max: number) {
    return Array.from({ length: max }, () => ({ ...this.#config }));
  }
  stop() {}
  config() {
    return sinkDef();
  }
}

export const collectingSink: ConnectorPlugin = {
  type: 'sink',
  className: 'test.Collecting',
  aliases: [],
  version: '1',
  create: () => new CollectingSink(),
  configDef: sinkDef,
};

const limitDef = new ConfigDef().define({ name: 'limit', type: 'LONG', importance: 'HIGH', documentation: 'largest value let through' });

/** A transformation that fails (DataException) on values above `limit`. */
export const failAbove: ExtensionPlugin = {
  kind: 'transformation',
  className: 'test.FailAbove',
  create: () => {
    let limit = 0n;
    return {
      configure(c) {
        limit = BigInt(limitDef.parse(c)['limit'] as number);
      },
      apply(r) {
        if ((r.value as bigint) > limit) throw new DataException(`${String(r.value)} is above ${limit}`);
        return r;
      },
      config: () => limitDef,
      close() {},
    };
  },
};

export const PLUGINS = [countingSource, collectingSink, failAbove];
