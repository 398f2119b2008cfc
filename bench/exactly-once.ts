/**
 * What exactly-once source costs (KIP-618): the same synthetic source → JsonConverter → Kafka path, at-least-once
 * (offsets flushed every second to a Kafka offsets topic) beside exactly-once (records and offsets in one producer
 * transaction per poll, or per interval), in the same run, on the same broker. Needs `bash scripts/stack.sh up`.
 *
 *   node --import tsx bench/exactly-once.ts [records=200000]
 */
import kafkajs from 'kafkajs';
import { createKafkajsClient, createTransport, type ExactlyOnceSource, type PipelineOptions } from '../src/streams/index.js';
import { KafkaOffsetStore } from '../src/worker/kafka-offset-store.js';
import { KAFKA_BROKERS, uniqueName } from '../test/support/services.js';
import { RssSampler, SyntheticSource, countArg, jsonConverters, table, until, MiB } from './pipeline-support.js';

const total = countArg(2, 200_000);
const partitions = 3;
const kafka = new kafkajs.Kafka({ brokers: KAFKA_BROKERS, logLevel: kafkajs.logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
const rss = new RssSampler();
const rows: Array<Record<string, string | number>> = [];
const options: PipelineOptions = { maxInFlightBatches: 4, offsetFlushIntervalMs: 1000, offsetFlushTimeoutMs: 10_000 };

async function freshTopic(prefix: string): Promise<string> {
  const topic = uniqueName(prefix);
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }] });
  return topic;
}

async function offsetsStore(): Promise<KafkaOffsetStore> {
  const client = createKafkajsClient({ brokers: KAFKA_BROKERS, clientId: 'bench-eos', properties: { consumer: { 'isolation.level': 'read_committed' } } });
  const store = new KafkaOffsetStore({ client, topic: uniqueName('bench_eos_offsets'), partitions: 1, replicationFactor: 1, readerGroupPrefix: uniqueName('bench-eos-reader'), clientId: 'bench-eos' });
  await store.start();
  return store;
}

type Mode = { name: string; batch: number; eos?: Pick<ExactlyOnceSource, 'boundary' | 'intervalMs'> };
const modes: Mode[] = [];
for (const batch of [500, 5000]) {
  modes.push({ name: `at-least-once, batches of ${batch}`, batch });
  modes.push({ name: `exactly-once, transaction per poll of ${batch}`, batch, eos: { boundary: 'poll', intervalMs: 0 } });
}
modes.push({ name: 'exactly-once, transaction every 1000 ms, polls of 500', batch: 500, eos: { boundary: 'interval', intervalMs: 1000 } });

for (const mode of modes) {
  const topic = await freshTopic('bench_eos');
  const store = await offsetsStore();
  const transport = createTransport({ kind: 'kafka', bootstrapServers: KAFKA_BROKERS });
  const task = new SyntheticSource(topic, total, mode.batch);
  rss.reset();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const run = transport.startSource({
    id: { connector: uniqueName('bench'), task: 0 },
    task,
    config: {},
    converters: jsonConverters(),
    transform: (r) => r,
    offsets: store,
    options,
    ...(mode.eos
      ? { exactlyOnce: { transactionalId: uniqueName('bench-eos'), ...mode.eos, offsetRecords: (c, e) => store.recordsFor(c, e) } satisfies { exactlyOnce: ExactlyOnceSource }['exactlyOnce'] }
      : {}),
  });
  await until(() => task.acked >= total);
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const m = run.metrics();
  await run.stop(10_000);
  await transport.close();
  await store.stop();
  rows.push({
    path: mode.name,
    'records/s': Math.round(total / s),
    'CPU µs/record': Math.round(((cpu.user + cpu.system) / total) * 10) / 10,
    transactions: m.transactionsCommitted ?? 0,
    'peak RSS MiB': Math.round(rss.peak() / MiB),
  });
}

await admin.disconnect();
rss.stop();
const base = new Map<number, number>();
for (const r of rows) {
  const batch = Number(/(\d+)$/.exec(String(r.path))?.[1]);
  if (String(r.path).startsWith('at-least-once')) base.set(batch, Number(r['records/s']));
}
for (const r of rows) {
  const batch = Number(/(\d+)$/.exec(String(r.path))?.[1]);
  r['vs at-least-once'] = base.has(batch) ? `${(Number(r['records/s']) / base.get(batch)!).toFixed(2)}×` : '';
}
console.log(`\nsource → Kafka, ${total.toLocaleString('en-US')} records of 5 fields (JSON, schemas.enable=false), ${partitions} partitions, maxInFlightBatches=4, Node ${process.version}\n`);
table(rows);
