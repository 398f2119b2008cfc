/**
 * What tracing costs on the data path, beside its baseline in the same run: the source path into a producer that
 * acknowledges at once, and the sink path fed pre-encoded batches (each record with a traceparent header, as a traced
 * source writes them), each with tracing off (no TaskTracer: the default), on with no SDK registered (the API's no-op
 * tracer: what an embedding app without a provider gets) and on with the SDK (BatchSpanProcessor → in-memory
 * exporter, what `sluice run` sets up minus the network). Rounds alternate; the best of each is reported, with CPU
 * time per record (steadier than wall time on a busy machine). Needs no services.
 *
 *   node --import tsx bench/tracing.ts [records=200000] [rounds=3] [batch=500]
 */
import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { MemoryOffsetStore, startSinkTask, startSourceTask } from '../src/streams/index.js';
import type { ConsumedMessage, KafkaProducer, ProducerRecord } from '../src/streams/index.js';
import { TaskTracer, traceparentBytes } from '../src/tracing/index.js';
import { SimpleHeaderConverter } from '../src/converters/simple-header.js';
import { NoopSink, SyntheticSource, countArg, jsonConverters, replayingConsumer, table, until, valueOf } from './pipeline-support.js';

const total = countArg(2, 200_000);
const rounds = countArg(3, 3);
const batch = countArg(4, 500);
const options = { maxInFlightBatches: 4, offsetFlushIntervalMs: 1000, offsetFlushTimeoutMs: 10_000 };
type Mode = 'off' | 'on, no SDK' | 'on, SDK';
const MODES: Mode[] = ['off', 'on, no SDK', 'on, SDK'];

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 100_000, scheduledDelayMillis: 200 })] });

function useMode(mode: Mode): void {
  trace.disable();
  exporter.reset();
  if (mode === 'on, SDK') trace.setGlobalTracerProvider(provider);
}

const instantProducer: KafkaProducer = {
  async connect() {},
  async send(records: readonly ProducerRecord[]) {
    return records.map((r, i) => ({ topic: r.topic, partition: 0, offset: i, timestamp: null }));
  },
  async disconnect() {},
};

async function sourcePath(mode: Mode): Promise<{ seconds: number; cpuMicros: number }> {
  const id = { connector: 'bench', task: 0 };
  const task = new SyntheticSource('t', total, batch);
  const tracer = mode === 'off' ? {} : { tracer: new TaskTracer('source', id) };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const run = startSourceTask(
    { id, task, config: {}, converters: jsonConverters(), transform: (r) => r, offsets: new MemoryOffsetStore(), options, ...tracer },
    { producer: instantProducer },
  );
  await until(() => task.acked >= total);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await run.stop(10_000);
  return { seconds, cpuMicros: cpu.user + cpu.system };
}

// Pre-encoded once: every batch's records carry the traceparent of one (made-up) source span.
const converter = jsonConverters().value;
const messages: ConsumedMessage[] = [];
for (let n = 0; n < total; n++) {
  const spanId = (Math.floor(n / batch) + 1).toString(16).padStart(16, '0');
  const traceparent = traceparentBytes({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId, traceFlags: 1 });
  messages.push({ offset: n, key: null, value: converter.fromConnectData('t', null, valueOf(n)), headers: [{ key: 'traceparent', value: traceparent }], timestamp: 1_700_000_000_000 + n, timestampType: 'CreateTime' });
}

/** The worker's default header converter: it reads the traceparent header as a string (JSON would refuse it). */
const sinkConverters = { ...jsonConverters(), header: new SimpleHeaderConverter() };

async function sinkPath(mode: Mode): Promise<{ seconds: number; cpuMicros: number }> {
  const id = { connector: 'bench', task: 0 };
  const consumer = replayingConsumer(messages, batch);
  const task = new NoopSink();
  const tracer = mode === 'off' ? {} : { tracer: new TaskTracer('sink', id) };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const run = startSinkTask(
    { id, task, config: { topics: 't' }, converters: sinkConverters, transform: (r) => r, options, ...tracer },
    { consumer },
  );
  await until(() => task.seen >= total);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await run.stop(10_000);
  return { seconds, cpuMicros: cpu.user + cpu.system };
}

const best = new Map<string, { seconds: number; cpuMicros: number; spans: number }>();
for (let round = 0; round < rounds; round++) {
  for (const [path, run] of [['source', sourcePath], ['sink', sinkPath]] as const) {
    for (const mode of MODES) {
      useMode(mode);
      const r = await run(mode);
      await provider.forceFlush();
      const spans = exporter.getFinishedSpans().length;
      const key = `${path} path, tracing ${mode}`;
      const prev = best.get(key);
      if (!prev || r.seconds < prev.seconds) best.set(key, { ...r, spans });
    }
  }
}
trace.disable();
await provider.shutdown();

const rows: Array<Record<string, string | number>> = [];
for (const [key, r] of best) {
  const base = best.get(key.replace(/tracing .*$/, 'tracing off'))!;
  rows.push({
    path: key,
    'records/s': Math.round(total / r.seconds),
    'CPU ns/record': Math.round((r.cpuMicros * 1000) / total),
    'vs off': key.endsWith('off') ? '' : `${(((total / r.seconds) / (total / base.seconds) - 1) * 100).toFixed(1)} %`,
    spans: r.spans,
  });
}
console.log(`\ntracing overhead, ${total.toLocaleString('en-US')} records of 5 fields (JSON), batches of ${batch}, best of ${rounds} rounds, no broker, Node ${process.version}\n`);
table(rows);
