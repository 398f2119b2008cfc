/**
 * Source path throughput: a synthetic in-memory SourceTask → JsonConverter → Kafka, beside raw kafkajs sending
 * the same bytes in the same batches, in the same run. Needs the broker: `bash scripts/stack.sh up`.
 *
 *   node --import tsx bench/pipeline-source.ts [records=200000]
 */
import kafkajs from 'kafkajs';
import { MemoryOffsetStore, createTransport } from '../src/streams/index.js';
import { KAFKA_BROKERS, uniqueName } from '../test/support/services.js';
import { RssSampler, SyntheticSource, countArg, jsonConverters, table, until, valueOf, MiB } from './pipeline-support.js';

const total = countArg(2, 200_000);
const batch = 500;
const partitions = 3;
const kafka = new kafkajs.Kafka({ brokers: KAFKA_BROKERS, logLevel: kafkajs.logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
const rss = new RssSampler();
const rows: Array<Record<string, string | number>> = [];

async function freshTopic(prefix: string): Promise<string> {
  const topic = uniqueName(prefix);
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }] });
  return topic;
}

// Baseline: raw kafkajs, acks=all, one request in flight, the same JSON bytes, batches of the same size.
{
  const topic = await freshTopic('bench_raw_src');
  const producer = kafka.producer({ maxInFlightRequests: 1, idempotent: false, createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  await producer.connect();
  const converter = jsonConverters().value;
  rss.reset();
  const t0 = performance.now();
  for (let start = 0; start < total; start += batch) {
    const messages = [];
    for (let n = start; n < Math.min(total, start + batch); n++) {
      messages.push({ key: null, value: Buffer.from(converter.fromConnectData(topic, null, valueOf(n))!) });
    }
    await producer.send({ topic, acks: -1, messages });
  }
  const s = (performance.now() - t0) / 1000;
  rows.push({ path: 'raw kafkajs producer (same bytes, sequential batches)', records: total, seconds: s, 'records/s': Math.round(total / s), 'peak RSS MiB': Math.round(rss.peak() / MiB) });
  await producer.disconnect();
}

for (const inFlight of [1, 4]) {
  const topic = await freshTopic('bench_src');
  const transport = createTransport({ kind: 'kafka', bootstrapServers: KAFKA_BROKERS });
  const task = new SyntheticSource(topic, total, batch);
  rss.reset();
  const t0 = performance.now();
  const run = transport.startSource({
    id: { connector: uniqueName('bench'), task: 0 },
    task,
    config: {},
    converters: jsonConverters(),
    transform: (r) => r,
    offsets: new MemoryOffsetStore(),
    options: { maxInFlightBatches: inFlight, offsetFlushIntervalMs: 1000, offsetFlushTimeoutMs: 10_000 },
  });
  await until(() => task.acked >= total);
  const s = (performance.now() - t0) / 1000;
  rows.push({ path: `source pipeline → Kafka (maxInFlightBatches=${inFlight})`, records: total, seconds: s, 'records/s': Math.round(total / s), 'peak RSS MiB': Math.round(rss.peak() / MiB) });
  await run.stop(10_000);
  await transport.close();
}

await admin.disconnect();
rss.stop();
console.log(`\nsource path, ${total.toLocaleString('en-US')} records of 5 fields (JSON, schemas.enable=false), ${partitions} partitions, batches of ${batch}, Node ${process.version}\n`);
table(rows);
