/**
 * One task, driven by hand: `sourceTaskHarness` starts a SourceTask with a context whose offset reader answers
 * from the offsets given, and `poll()` calls it as the runtime would; `sinkTaskHarness` starts a SinkTask with
 * a recording SinkTaskContext, opens its partitions, and `put`s records and asks for `preCommit` as the runtime
 * would. No pipeline, no converters: for unit tests of a task's own logic. Under a `VirtualClock`, a call that
 * waits on a timer resolves once the clock moves: `await clock.drive(source.poll())`.
 */
import {
  SinkTask,
  SourceTask,
  tpKey,
  type ConnectorConfig,
  type OffsetStorageReader,
  type RecordMetadata,
  type SinkTaskClass,
  type SinkTaskContext,
  type SourceTaskClass,
  type TopicPartition,
  type TopicPartitionOffsets,
} from '../connectors/api/index.js';
import { SinkRecord, type OffsetMap, type SinkRecordInit, type SourceRecord } from '../data/index.js';

const stringify = (config: Readonly<Record<string, string | number | boolean>>): ConnectorConfig =>
  Object.fromEntries(Object.entries(config).map(([k, v]) => [k, String(v)]));

/** Kafka Connect's offsets are looked up by value: the same keys and values in any order. */
const sameMap = (a: OffsetMap, b: OffsetMap) => {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && JSON.stringify(a[k]) === JSON.stringify(b[k]));
};

export interface SourceTaskHarness<T extends SourceTask = SourceTask> {
  readonly task: T;
  /** Every record `poll` returned so far, in order. */
  readonly records: readonly SourceRecord[];
  /** One `poll`, as the runtime calls it (an empty array for null). */
  poll(): Promise<SourceRecord[]>;
  /**
   * Acknowledges the records polled so far as the runtime does once they are written (`commitRecord` each, then
   * `commit`) and returns the offset per source partition the worker would now store.
   */
  commit(): Promise<Array<{ partition: OffsetMap; offset: OffsetMap }>>;
  /** Aborts the poll signal and calls `stop`. */
  stop(): Promise<void>;
}

/**
 * Starts a source task: `initialize` with a context (config, an offset reader over `offsets`), then `start`.
 */
export async function sourceTaskHarness<T extends SourceTask>(
  task: T | (new () => T) | SourceTaskClass,
  config: Readonly<Record<string, string | number | boolean>>,
  options: { offsets?: ReadonlyArray<{ partition: OffsetMap; offset: OffsetMap }> } = {},
): Promise<SourceTaskHarness<T>> {
  const instance = (typeof task === 'function' ? new (task as new () => T)() : task) as T;
  const stored = [...(options.offsets ?? [])];
  const find = (p: OffsetMap) => stored.find((o) => sameMap(o.partition, p))?.offset ?? null;
  const reader: OffsetStorageReader = {
    offset: async (partition) => find(partition),
    offsets: async (partitions) => new Map(partitions.map((p) => [p, find(p)])),
  };
  const taskConfig = stringify(config);
  instance.initialize({ configs: () => taskConfig, offsetStorageReader: reader });
  await instance.start(taskConfig);
  const records: SourceRecord[] = [];
  let acknowledged = 0;
  const abort = new AbortController();
  let offset = 0;
  return {
    task: instance,
    records,
    async poll() {
      const polled = (await instance.poll(abort.signal)) ?? [];
      records.push(...polled);
      return polled;
    },
    async commit() {
      for (const r of records.slice(acknowledged)) {
        const metadata: RecordMetadata = { topic: r.topic, partition: r.kafkaPartition ?? 0, offset: offset++, timestamp: r.timestamp };
        await instance.commitRecord(r, metadata);
        if (r.sourcePartition && r.sourceOffset) {
          const i = stored.findIndex((o) => sameMap(o.partition, r.sourcePartition!));
          const entry = { partition: r.sourcePartition, offset: r.sourceOffset };
          if (i >= 0) stored[i] = entry;
          else stored.push(entry);
        }
      }
      acknowledged = records.length;
      await instance.commit();
      return [...stored];
    },
    async stop() {
      abort.abort();
      await instance.stop();
    },
  };
}

/** What a sink task asked of its context, as the harness recorded it. */
export interface SinkContextRequests {
  /** `requestCommit()` calls. */
  commitRequests: number;
  /** The last `timeout(ms)`, or null. */
  timeoutMs: number | null;
  /** Partitions paused now (by tpKey). */
  readonly paused: Set<string>;
  /** Seeks asked for (`offset(tp, offset)`), in order. */
  readonly seeks: Array<{ tp: TopicPartition; offset: number }>;
}

export interface SinkTaskHarness<T extends SinkTask = SinkTask> {
  readonly task: T;
  readonly requests: SinkContextRequests;
  /** `put` a batch as the runtime would; builds SinkRecords from plain fields (offsets follow on per partition). */
  put(records: ReadonlyArray<SinkRecord | SinkRecordFields>): Promise<readonly SinkRecord[]>;
  /**
   * `preCommit` with the next offsets of everything put so far (as the runtime asks when a commit is due) and
   * returns what the task lets be committed, by `topic-partition`.
   */
  preCommit(): Promise<Map<string, number>>;
  /** `close` of the assigned partitions, then `stop`. */
  stop(): Promise<void>;
}

/** A record for `put`: topic and value at least; partition defaults to 0, offset to the next one of that partition. */
export type SinkRecordFields = Partial<SinkRecordInit> & { readonly topic: string };

/** Starts a sink task: `initialize` with a recording context, `start`, then `open` of `assignment` (default: topic `test`, partition 0). */
export async function sinkTaskHarness<T extends SinkTask>(
  task: T | (new () => T) | SinkTaskClass,
  config: Readonly<Record<string, string | number | boolean>>,
  options: { assignment?: readonly TopicPartition[]; errantRecordReporter?: SinkTaskContext['errantRecordReporter'] } = {},
): Promise<SinkTaskHarness<T>> {
  const instance = (typeof task === 'function' ? new (task as new () => T)() : task) as T;
  const taskConfig = stringify(config);
  const assignment = [...(options.assignment ?? [{ topic: 'test', partition: 0 }])];
  const requests: SinkContextRequests = { commitRequests: 0, timeoutMs: null, paused: new Set(), seeks: [] };
  instance.initialize({
    configs: () => taskConfig,
    offset: (tp, offset) => void requests.seeks.push({ tp, offset }),
    timeout: (ms) => void (requests.timeoutMs = ms),
    assignment: () => assignment,
    pause: (...tps) => tps.forEach((tp) => requests.paused.add(tpKey(tp))),
    resume: (...tps) => tps.forEach((tp) => requests.paused.delete(tpKey(tp))),
    requestCommit: () => void requests.commitRequests++,
    errantRecordReporter: options.errantRecordReporter ?? null,
  });
  await instance.start(taskConfig);
  await instance.open(assignment);
  const next = new Map<string, { tp: TopicPartition; offset: number }>();
  return {
    task: instance,
    requests,
    async put(input) {
      const upcoming = new Map(next);
      const batch = input.map((r) => {
        const record = r instanceof SinkRecord ? r : undefined;
        const partition = record ? (record.kafkaPartition ?? 0) : (r.kafkaPartition ?? 0);
        const tp = { topic: r.topic, partition };
        const kafkaOffset = record ? record.kafkaOffset : (r.kafkaOffset ?? upcoming.get(tpKey(tp))?.offset ?? 0);
        upcoming.set(tpKey(tp), { tp, offset: kafkaOffset + 1 });
        return record ?? new SinkRecord({ ...r, kafkaPartition: partition, kafkaOffset });
      });
      await instance.put(batch);
      for (const [k, v] of upcoming) next.set(k, v);
      return batch;
    },
    async preCommit() {
      const offsets: TopicPartitionOffsets = new Map([...next].map(([k, v]) => [k, { ...v }]));
      const allowed = await instance.preCommit(offsets);
      return new Map([...allowed].map(([k, v]) => [k, v.offset]));
    },
    async stop() {
      await instance.close(assignment);
      await instance.stop();
    },
  };
}
