/**
 * A sink task rides out its broker being killed (SIGKILL) and restarted, as Kafka Connect's consumer does: the
 * task does not fail, nothing is lost, and records written after the restart arrive. On a private broker.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { until as waitUntil, jsonConverters } from './sink-support.js';
import type { SinkRecord } from '../../../src/data/index.js';
import { SinkTask } from '../../../src/connectors/api/index.js';
import { parseClientSettings, startSinkTask, type StreamLogger, type PipelineOptions } from '../../../src/streams/index.js';
import { KafkajsConsumer } from '../../../src/streams/kafka/kafkajs/consumer.js';
import { uniqueName } from '../../support/services.js';
import { PrivateBroker } from '../../support/private-broker.js';
import { createTopicsReady } from '../../support/kafka-topics.js';

const { Kafka, logLevel } = kafkajs;
const until = (cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 120_000) => waitUntil(cond, what, timeoutMs, 50);
const options: PipelineOptions = { maxInFlightBatches: 4, offsetFlushIntervalMs: 300, offsetFlushTimeoutMs: 10_000 };

class CollectingSink extends SinkTask {
  readonly values: number[] = [];
  version() {
    return 'it';
  }
  start() {}
  put(records: readonly SinkRecord[]) {
    for (const r of records) this.values.push((r.value as { n: number }).n);
  }
  stop() {}
}

/** What the consumer reported, with the time since the test began (shown as diagnostics). */
const t0 = Date.now();
const lines: string[] = [];
const note = (level: string) => (o: object, m?: string) => void lines.push(`${Date.now() - t0} ms ${level}: ${m ?? ''} ${String((o as { err?: unknown }).err ?? '')}`);
const noting: StreamLogger = { debug() {}, info: note('info'), warn: note('warn'), error: note('error') };
describe('a sink task through a broker restart', () => {
  let broker: PrivateBroker;
  before(async () => {
    broker = await PrivateBroker.start();
  });
  after(async () => {
    await broker?.close();
  });

  test('the broker is killed for 10 s and restarted: the task keeps running and gets every record', async (t) => {
    const kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'outage', logLevel: logLevel.NOTHING, retry: { retries: 20 } });
    const topic = uniqueName('outage');
    const admin = kafka.admin();
    await admin.connect();
    await createTopicsReady(admin, [{ topic, numPartitions: 2 }]);
    await admin.disconnect();
    const send = async (from: number, count: number) => {
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic, messages: Array.from({ length: count }, (_, i) => ({ partition: (from + i) % 2, value: JSON.stringify({ n: from + i }) })) });
      await producer.disconnect();
    };
    await send(0, 100);

    const task = new CollectingSink();
    const parsed = parseClientSettings('consumer', {});
    const consumer = new KafkajsConsumer(
      new Kafka({ brokers: [broker.bootstrap], clientId: 'outage-sink', logLevel: logLevel.NOTHING }),
      { groupId: `connect-${topic}`, clientId: 'outage-sink', fromBeginning: true },
      noting,
      parsed,
    );
    const run = startSinkTask({ id: { connector: topic, task: 0 }, task, config: { topics: topic }, converters: jsonConverters(), transform: (r) => r, options }, { consumer });
    let failure: unknown;
    let ended = false;
    run.done.then(
      () => (ended = true),
      (e: unknown) => ((ended = true), (failure = e)),
    );
    try {
      await until(() => task.values.length >= 100, 'the first 100 records');
      await broker.kill();
      await new Promise((r) => setTimeout(r, 10_000));
      assert.equal(ended, false, `the task ended while the broker was down: ${String(failure)}`);
      lines.push(`${Date.now() - t0} ms: starting the broker again`);
      await broker.restart();
      const restarted = Date.now();
      lines.push(`${restarted - t0} ms: the broker answers`);
      await send(100, 100);
      await until(() => new Set(task.values).size >= 200 || ended, 'the records written after the restart');
      for (const l of lines) t.diagnostic(l);
      t.diagnostic(`records flowing again ${Date.now() - restarted} ms after the restarted broker answered`);
      assert.equal(ended, false, `the task ended: ${String(failure)}`);
      assert.deepEqual([...new Set(task.values)].sort((a, b) => a - b), [...Array(200).keys()]);
    } finally {
      await run.stop(10_000);
    }
  });
});
