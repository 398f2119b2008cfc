/**
 * HDFS sink throughput into Avro and Parquet files on the local filesystem:
 *   1. raw kafkajs consumer of the topic (bytes only) — the baseline, same topic, same run;
 *   2. Kafka → sink pipeline (JsonConverter with schemas) → HdfsSinkTask → Avro / Parquet files;
 *   3. pre-built SinkRecords → HdfsSinkTask.put directly (the sink's own ceiling, no Kafka, no converter).
 * Timed from the first batch to the last record in a committed file (flush.size divides every partition's
 * count, so everything ends up committed). Needs the broker: `bash scripts/stack.sh up`.
 *
 *   node --import tsx bench/hdfs-sink.ts [records=300000]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { JsonConverter } from '../src/converters/index.js';
import { LogicalTimestamp, Schema, SchemaBuilder, SinkRecord, Struct } from '../src/data/index.js';
import { topicPartition, type SinkTaskContext } from '../src/connectors/api/index.js';
import { HdfsSinkTask } from '../src/connectors/hdfs/index.js';
import { createTransport, type Converters } from '../src/streams/index.js';
import { KAFKA_BROKERS, uniqueName } from '../test/support/services.js';
import { RssSampler, countArg, table, until, MiB } from './pipeline-support.js';

const partitions = 3;
const flushSize = 10_000;
const total = Math.ceil(countArg(2, 300_000) / (partitions * flushSize)) * partitions * flushSize;
const perPartition = total / partitions;

const VALUE = SchemaBuilder.struct().name('bench.Order').version(1)
  .field('id', Schema.INT64).field('name', Schema.STRING).field('amount', Schema.FLOAT64)
  .field('ts', LogicalTimestamp.schema()).field('active', Schema.BOOLEAN).build();
const struct = (n: number): Struct =>
  new Struct(VALUE).put('id', n).put('name', `name-${n % 1000}`).put('amount', (n % 10_000) / 100)
    .put('ts', new Date(1_700_000_000_000 + n)).put('active', n % 2 === 0);

const converters = (): Converters => ({
  key: new JsonConverter({ 'schemas.enable': false }, true),
  value: new JsonConverter({ 'schemas.enable': true }, false),
  header: new JsonConverter({ 'schemas.enable': false, 'converter.type': 'header' }),
});

const FORMATS = {
  avro: { 'format.class': 'io.confluent.connect.hdfs.avro.AvroFormat' },
  'avro snappy': { 'format.class': 'io.confluent.connect.hdfs.avro.AvroFormat', 'avro.codec': 'snappy' },
  'parquet snappy': { 'format.class': 'io.confluent.connect.hdfs.parquet.ParquetFormat' },
} as const;

/** Counts what reached committed files (all partitions' committed offsets). */
class CountingTask extends HdfsSinkTask {
  first = 0;
  done = 0;
  override async put(records: readonly SinkRecord[]): Promise<void> {
    if (this.first === 0 && records.length > 0) this.first = performance.now();
    await super.put(records);
    let committed = 0;
    for (let p = 0; p < partitions; p++) committed += this.writerFor(topicPartition(this.topic, p))?.committedOffset() ?? 0;
    if (committed >= total && this.done === 0) this.done = performance.now();
  }
  topic = '';
}

const kafka = new kafkajs.Kafka({ brokers: KAFKA_BROKERS, logLevel: kafkajs.logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
const rss = new RssSampler();
const rows: Array<Record<string, string | number>> = [];
const row = (path: string, seconds: number, peak: number): void => {
  rows.push({ path, records: total, seconds, 'records/s': Math.round(total / seconds), 'peak RSS MiB': Math.round(peak / MiB) });
};

const topic = uniqueName('bench_hdfs');
await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }] });
{
  const producer = kafka.producer();
  await producer.connect();
  const conv = converters().value;
  for (let start = 0; start < total; start += 3000) {
    const messages = [];
    for (let n = start; n < Math.min(total, start + 3000); n++) {
      messages.push({ partition: n % partitions, value: Buffer.from(conv.fromConnectData(topic, VALUE, struct(n))!) });
    }
    await producer.send({ topic, messages });
  }
  await producer.disconnect();
}

// 1. Baseline: raw kafkajs consumer, eachBatch, bytes only, no commits.
{
  const consumer = kafka.consumer({ groupId: uniqueName('bench_raw'), maxWaitTimeInMs: 500 });
  let seen = 0;
  let t0 = 0;
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  rss.reset();
  await consumer.run({
    eachBatch: async ({ batch }) => {
      if (t0 === 0) t0 = performance.now();
      for (const m of batch.messages) if (m.value) seen++;
    },
  });
  await until(() => seen >= total);
  row('raw kafkajs consumer (eachBatch, bytes only)', (performance.now() - t0) / 1000, rss.peak());
  await consumer.disconnect();
}

// 2. Kafka → pipeline → HdfsSinkTask → files.
for (const [name, extra] of Object.entries(FORMATS)) {
  const dir = await mkdtemp(join(tmpdir(), 'bench-hdfs-'));
  const transport = createTransport({ kind: 'kafka', bootstrapServers: KAFKA_BROKERS });
  const task = new CountingTask();
  task.topic = topic;
  rss.reset();
  const run = transport.startSink({
    id: { connector: uniqueName('bench_hdfs'), task: 0 },
    task,
    config: { topics: topic, 'hdfs.url': `file://${dir}`, 'flush.size': String(flushSize), ...extra },
    converters: converters(),
    transform: (r) => r,
    options: { maxInFlightBatches: 4, offsetFlushIntervalMs: 5000, offsetFlushTimeoutMs: 30_000 },
  });
  await until(() => task.done > 0);
  row(`Kafka → pipeline → ${name} files (JsonConverter with schemas)`, (task.done - task.first) / 1000, rss.peak());
  await run.stop(30_000);
  await transport.close();
  await rm(dir, { recursive: true, force: true });
}
await admin.disconnect();

// 3. Pre-built SinkRecords → put (no Kafka): the sink's own ceiling.
for (const [name, extra] of Object.entries(FORMATS)) {
  const dir = await mkdtemp(join(tmpdir(), 'bench-hdfs-'));
  const config = { 'hdfs.url': `file://${dir}`, 'flush.size': String(flushSize), ...extra };
  const tps = Array.from({ length: partitions }, (_, p) => topicPartition('prebuilt', p));
  const ctx: SinkTaskContext = {
    configs: () => config, offset: () => {}, timeout: () => {}, assignment: () => tps, pause: () => {}, resume: () => {},
    requestCommit: () => {}, errantRecordReporter: null,
  };
  const task = new CountingTask();
  task.topic = 'prebuilt';
  task.initialize(ctx);
  await task.start(config);
  const batches: SinkRecord[][] = [];
  for (let start = 0; start < total; start += 500 * partitions) {
    const b: SinkRecord[] = [];
    for (let n = start; n < Math.min(total, start + 500 * partitions); n++) {
      b.push(new SinkRecord({ topic: 'prebuilt', kafkaPartition: n % partitions, kafkaOffset: Math.floor(n / partitions), valueSchema: VALUE, value: struct(n) }));
    }
    batches.push(b);
  }
  rss.reset();
  for (const b of batches) await task.put(b);
  row(`pre-built SinkRecords → put → ${name} files`, (task.done - task.first) / 1000, rss.peak());
  await task.stop();
  await rm(dir, { recursive: true, force: true });
}

rss.stop();
console.log(`\nHDFS sink, local filesystem, ${total.toLocaleString('en-US')} records of 5 fields (id, name, amount, ts, active), ${partitions} partitions, flush.size ${flushSize}, Node ${process.version}`);
console.log('(timed from the first batch to the last committed file; the pre-built rows hold all records in memory, so their RSS includes them)\n');
table(rows);
