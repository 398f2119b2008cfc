/**
 * The pipelines' own cost, without a broker: the source path into a producer that acknowledges at once, and the
 * sink path fed by a consumer that hands over pre-encoded batches as fast as they are taken — both through
 * JsonConverter, identity transforms. Reports records/s and CPU µs per record (CPU time is steadier than
 * wall time on a busy machine). Needs no services.
 *
 *   node --import tsx bench/pipeline-overhead.ts [records=500000] [source|sink]   (both by default)
 */
import { MemoryOffsetStore, startSinkTask, startSourceTask } from '../src/streams/index.js';
import type { ConsumedMessage, KafkaProducer, ProducerRecord } from '../src/streams/index.js';
import { NoopSink, SyntheticSource, countArg, jsonConverters, replayingConsumer, table, until, valueOf } from './pipeline-support.js';

const total = countArg(2, 500_000);
const only = process.argv[3];
const batch = 500;
const rows: Array<Record<string, string | number>> = [];
const options = { maxInFlightBatches: 4, offsetFlushIntervalMs: 1000, offsetFlushTimeoutMs: 10_000 };

function measure(path: string, seconds: number, cpuMicros: number): void {
  rows.push({ path, records: total, seconds, 'records/s': Math.round(total / seconds), 'CPU ns/record': Math.round((cpuMicros * 1000) / total) });
}

const instantProducer: KafkaProducer = {
  async connect() {},
  async send(records: readonly ProducerRecord[]) {
    return records.map((r, i) => ({ topic: r.topic, partition: 0, offset: i, timestamp: null }));
  },
  async disconnect() {},
};

// Source: poll → transform → convert → produce (instant ack) → ack.
if (only !== 'sink') {
  const task = new SyntheticSource('t', total, batch);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const run = startSourceTask(
    { id: { connector: 'bench', task: 0 }, task, config: {}, converters: jsonConverters(), transform: (r) => r, offsets: new MemoryOffsetStore(), options },
    { producer: instantProducer },
  );
  await until(() => task.acked >= total);
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  measure('source path → instant producer', s, cpu.user + cpu.system);
  await run.stop(10_000);
}

// Sink: a consumer that hands over pre-encoded batches of one partition, each once the previous was taken.
if (only !== 'source') {
  const converter = jsonConverters().value;
  const enc = (n: number) => converter.fromConnectData('t', null, valueOf(n));
  const messages: ConsumedMessage[] = [];
  for (let n = 0; n < total; n++) messages.push({ offset: n, key: null, value: enc(n), headers: [], timestamp: 1_700_000_000_000 + n, timestampType: 'CreateTime' });
  const consumer = replayingConsumer(messages, batch);
  const task = new NoopSink();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const run = startSinkTask(
    { id: { connector: 'bench', task: 0 }, task, config: { topics: 't' }, converters: jsonConverters(), transform: (r) => r, options },
    { consumer },
  );
  await until(() => task.seen >= total);
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  measure('instant consumer → sink path', s, cpu.user + cpu.system);
  await run.stop(10_000);
}

console.log(`\npipeline overhead, ${total.toLocaleString('en-US')} records of 5 fields (JSON, schemas.enable=false), batches of ${batch}, no broker, Node ${process.version}\n`);
table(rows);
