/**
 * Sink path throughput: Kafka → the sink pipeline (JsonConverter) → a no-op SinkTask, beside a raw kafkajs
 * consumer reading the same topic in the same run. Needs the broker: `bash scripts/stack.sh up`.
 *
 *   node --import tsx bench/pipeline-sink.ts [records=200000]
 */
import kafkajs from 'kafkajs';
import type { SinkRecord } from '../src/data/index.js';
import { SinkTask } from '../src/connectors/api/index.js';
import { createTransport } from '../src/streams/index.js';
import { KAFKA_BROKERS, uniqueName } from '../test/support/services.js';
import { RssSampler, countArg, jsonConverters, table, until, valueOf, MiB } from './pipeline-support.js';

const total = countArg(2, 200_000);
const partitions = 3;
const kafka = new kafkajs.Kafka({ brokers: KAFKA_BROKERS, logLevel: kafkajs.logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
const rss = new RssSampler();
const rows: Array<Record<string, string | number>> = [];

// One topic, filled once, read by both.
const topic = uniqueName('bench_sink');
await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }] });
{
  const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  await producer.connect();
  const converter = jsonConverters().value;
  for (let start = 0; start < total; start += 2000) {
    const messages = [];
    for (let n = start; n < Math.min(total, start + 2000); n++) {
      messages.push({ value: Buffer.from(converter.fromConnectData(topic, null, valueOf(n))!) });
    }
    await producer.send({ topic, messages });
  }
  await producer.disconnect();
}

// Baseline: raw kafkajs consumer, eachBatch, bytes only (no conversion), no commits.
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
  const s = (performance.now() - t0) / 1000;
  rows.push({ path: 'raw kafkajs consumer (eachBatch, bytes only)', records: total, seconds: s, 'records/s': Math.round(total / s), 'peak RSS MiB': Math.round(rss.peak() / MiB) });
  await consumer.disconnect();
}

class NoopSink extends SinkTask {
  seen = 0;
  first = 0;
  version() {
    return 'bench';
  }
  start() {}
  put(records: readonly SinkRecord[]) {
    if (this.first === 0) this.first = performance.now();
    this.seen += records.length;
  }
  stop() {}
}

{
  const transport = createTransport({ kind: 'kafka', bootstrapServers: KAFKA_BROKERS });
  const task = new NoopSink();
  rss.reset();
  const run = transport.startSink({
    id: { connector: uniqueName('bench'), task: 0 },
    task,
    config: { topics: topic },
    converters: jsonConverters(),
    transform: (r) => r,
    options: { maxInFlightBatches: 4, offsetFlushIntervalMs: 1000, offsetFlushTimeoutMs: 10_000 },
  });
  await until(() => task.seen >= total);
  const s = (performance.now() - task.first) / 1000;
  rows.push({ path: 'sink pipeline (JsonConverter → no-op put, commits every 1 s)', records: total, seconds: s, 'records/s': Math.round(total / s), 'peak RSS MiB': Math.round(rss.peak() / MiB) });
  await run.stop(10_000);
  await transport.close();
}

await admin.disconnect();
rss.stop();
console.log(`\nsink path, ${total.toLocaleString('en-US')} records of 5 fields (JSON, schemas.enable=false), ${partitions} partitions, Node ${process.version}`);
console.log('(timed from the first batch delivered, so the consumer group join is left out of both)\n');
table(rows);
