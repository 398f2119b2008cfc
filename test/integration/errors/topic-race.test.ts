/**
 * A sink started before its topic exists (real broker): it waits for the topic instead of failing; and a source
 * and a sink started together on a topic that does not exist yet, many times over: no record may be missing.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { SinkTask, SourceTask, type ConnectorConfig } from '../../../src/connectors/api/index.js';
import { SourceRecord, type SinkRecord } from '../../../src/data/index.js';
import { JsonConverter } from '../../../src/converters/index.js';
import { MemoryOffsetStore, createTransport, type Converters, type PipelineOptions, type TaskRun } from '../../../src/streams/index.js';
import { KAFKA_BROKERS, uniqueName } from '../../support/services.js';

const { Kafka, logLevel } = kafkajs;
const kafka = new Kafka({ brokers: KAFKA_BROKERS, clientId: 'topic-race-it', logLevel: logLevel.NOTHING });
const options: PipelineOptions = { maxInFlightBatches: 4, offsetFlushIntervalMs: 200, offsetFlushTimeoutMs: 10_000 };

function converters(): Converters {
  return {
    key: new JsonConverter({ 'schemas.enable': false }, true),
    value: new JsonConverter({ 'schemas.enable': false }, false),
    header: new JsonConverter({ 'schemas.enable': false, 'converter.type': 'header' }),
  };
}

async function until(cond: () => boolean | Promise<boolean>, what: string, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

class Numbers extends SourceTask {
  next = 0;
  acked = 0;
  constructor(readonly topic: string, readonly total: number, readonly batch = 50) {
    super();
  }
  version() {
    return 'it';
  }
  start() {}
  async poll(): Promise<SourceRecord[] | null> {
    if (this.next >= this.total) {
      await new Promise((r) => setTimeout(r, 20));
      return null;
    }
    const out: SourceRecord[] = [];
    while (out.length < this.batch && this.next < this.total) {
      const n = this.next++;
      out.push(new SourceRecord({ topic: this.topic, sourcePartition: { p: 0 }, sourceOffset: { n }, key: `k${n}`, value: { n } }));
    }
    return out;
  }
  override commitRecord() {
    this.acked++;
  }
  stop() {}
}

class Collect extends SinkTask {
  readonly got: number[] = [];
  started = false;
  version() {
    return 'it';
  }
  start(_c: ConnectorConfig) {
    this.started = true;
  }
  put(records: readonly SinkRecord[]) {
    for (const r of records) this.got.push((r.value as { n: number }).n);
  }
  stop() {}
}

const failed = (run: TaskRun) => run.done.then(() => null, (e: unknown) => e);

describe('sinks and topics that do not exist yet (real broker)', () => {
  const transport = createTransport({ kind: 'kafka', bootstrapServers: KAFKA_BROKERS });
  after(() => transport.close());

  test('a sink started before its topic exists waits for it (no KAFKA_CONSUME failure), then gets every record', { timeout: 120_000 }, async () => {
    const topic = uniqueName('late');
    const sink = new Collect();
    const run = transport.startSink({ id: { connector: uniqueName('c'), task: 0 }, task: sink, config: { topics: topic }, converters: converters(), transform: (r) => r, options });
    let failure: unknown = null;
    void failed(run).then((e) => (failure = e));
    // Long enough for several subscribe attempts against the missing topic.
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(failure, null, 'the task did not fail while the topic was missing');
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 100 }, (_, n) => ({ value: JSON.stringify({ n }) })) });
    await producer.disconnect();
    await until(() => sink.got.length >= 100, 'all records');
    await run.stop(10_000);
    assert.equal(failure, null);
    assert.deepEqual(sink.got, [...Array(100).keys()]);
  });

  test('source and sink started together on a topic that does not exist yet, 10 times: no record missing', { timeout: 600_000 }, async () => {
    const total = 500;
    const report: string[] = [];
    for (let round = 0; round < 10; round++) {
      const topic = uniqueName(`race${round}`);
      const source = new Numbers(topic, total);
      const sink = new Collect();
      const sinkRun = transport.startSink({ id: { connector: uniqueName('snk'), task: 0 }, task: sink, config: { topics: topic }, converters: converters(), transform: (r) => r, options });
      const sourceRun = transport.startSource({ id: { connector: uniqueName('src'), task: 0 }, task: source, config: {}, converters: converters(), transform: (r) => r, offsets: new MemoryOffsetStore(), options });
      await until(() => source.acked === total, `round ${round}: source acked`);
      try {
        await until(() => sink.got.length >= total, `round ${round}: sink got ${total}`, 30_000);
      } catch (e) {
        report.push(`round ${round}: sink got ${sink.got.length}, first ${sink.got[0]}`);
      }
      await Promise.all([sourceRun.stop(10_000), sinkRun.stop(10_000)]);
      const seen = new Set(sink.got);
      const missing = [...Array(total).keys()].filter((n) => !seen.has(n));
      if (missing.length) report.push(`round ${round}: ${missing.length} missing (${missing.slice(0, 5).join(',')}…)`);
    }
    assert.deepEqual(report, []);
  });
});
