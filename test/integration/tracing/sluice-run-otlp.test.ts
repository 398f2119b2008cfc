// `sluice run` as a child process with the OTEL_* environment pointing at a local OTLP/HTTP receiver: datagen →
// the real Kafka broker → FileStreamSink. The receiver gets the source and sink stage spans with their attributes,
// a sink consume span links to the source's produce spans (trace ids and span ids from the records' headers),
// and the bytes on the topic carry a `traceparent` header — and, with tracing off, no header at all.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { KAFKA_BROKERS, uniqueName } from '../../support/services.js';
import { sluiceArgs } from '../../support/processes.js';
import { REPO, orderIds, tempDir, writeJson } from '../cli/support.js';
import { OtlpReceiver } from './otlp-receiver.js';

const N = 300;
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

function pipelineFile(dir: string, topic: string, out: string): string {
  return writeJson(dir, 'pipeline.json', {
    worker: {
      'bootstrap.servers': KAFKA_BROKERS.join(','),
      'offset.storage.file.filename': join(dir, 'offsets.json'),
      'offset.flush.interval.ms': 500,
      'value.converter.schemas.enable': false,
    },
    connectors: [
      { name: `gen-${topic}`, config: { 'connector.class': 'datagen', 'kafka.topic': topic, 'max.records': N, 'batch.size': 100, 'random.seed': 5 } },
      { name: `out-${topic}`, config: { 'connector.class': 'FileStreamSink', topics: topic, file: out } },
    ],
  });
}

/** Runs `sluice run` to its end with `env` on top of a process environment without any OTEL_* variable. */
async function runSluice(file: string, env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_')));
  const child = spawn(process.execPath, sluiceArgs(['run', '--no-rest', file]), { cwd: REPO, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
  return { code, out };
}

/** Every message of the topic, headers as strings, read with a plain kafkajs consumer. */
async function readTopic(topic: string, count: number): Promise<Array<Record<string, string>>> {
  const kafka = new Kafka({ brokers: KAFKA_BROKERS, clientId: 'tracing-test', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: uniqueName('tracing-raw') });
  const headers: Array<Record<string, string>> = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${headers.length} of ${count} messages`)), 60_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          headers.push(Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])));
          if (headers.length === count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return headers;
}

describe('sluice run with OTEL_* → a local OTLP/HTTP receiver, through Kafka', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await OtlpReceiver.start();
  });
  after(async () => {
    await receiver.close();
  });

  test('stage spans with their attributes, sink linked to source, traceparent on the topic', { timeout: 180_000 }, async () => {
    const dir = tempDir('tracing-otlp');
    const topic = uniqueName('traced');
    const out = join(dir, 'orders.jsonl');
    const run = await runSluice(pipelineFile(dir, topic, out), {
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-sluice-test=tracing',
      OTEL_SERVICE_NAME: 'sluice-it',
      OTEL_BSP_SCHEDULE_DELAY: '200',
    });
    assert.equal(run.code, 0, run.out);
    assert.equal(orderIds(out).length, N);

    assert.ok(receiver.requests.length > 0, 'the exporter posted');
    for (const r of receiver.requests) {
      assert.equal(r.path, '/v1/traces');
      assert.match(r.contentType ?? '', /application\/json/);
      assert.equal(r.headers['x-sluice-test'], 'tracing', 'OTEL_EXPORTER_OTLP_HEADERS');
    }
    const ours = receiver.spans.filter((s) => s.attributes['messaging.destination.name'] === topic || String(s.attributes['sluice.connector']).endsWith(topic));
    for (const s of ours) assert.equal(s.resource['service.name'], 'sluice-it');
    const named = (name: string) => ours.filter((s) => s.name === name);

    const polls = named('sluice.source.poll');
    const produce = named('sluice.source.produce');
    const put = named('sluice.sink.put');
    assert.equal(polls.length, N / 100);
    assert.equal(produce.length, N / 100);
    assert.ok(put.length >= 1);
    for (const s of [...polls, ...produce]) {
      assert.equal(s.attributes['sluice.connector'], `gen-${topic}`);
      assert.equal(s.attributes['sluice.task'], 0);
      assert.equal(s.attributes['messaging.batch.message_count'], 100);
      assert.equal(s.attributes['messaging.destination.name'], topic);
    }
    for (const s of produce) {
      assert.ok(polls.some((p) => p.spanId === s.parentSpanId && p.traceId === s.traceId), 'produce is a child of its poll');
      assert.equal(s.kind, 4, 'SPAN_KIND_PRODUCER');
    }
    for (const s of put) {
      assert.equal(s.attributes['sluice.connector'], `out-${topic}`);
      assert.equal(s.attributes['messaging.destination.name'], topic);
      assert.equal(s.attributes['messaging.destination.partition.id'], '0');
    }
    assert.equal(put.reduce((n, s) => n + Number(s.attributes['messaging.batch.message_count']), 0), N);
    assert.ok(named('sluice.source.commit').length >= 1);
    assert.ok(named('sluice.sink.commit').length >= 1);

    // The sink's consume spans link to the source's produce spans: the same trace and span ids.
    const linked = named('sluice.sink.consume').flatMap((s) => s.links);
    const produced = new Set(produce.map((s) => `${s.traceId}/${s.spanId}`));
    assert.ok(linked.length > 0);
    for (const l of linked) assert.ok(produced.has(`${l.traceId}/${l.spanId}`), 'a link to a source produce span');
    assert.deepEqual(new Set(linked.map((l) => `${l.traceId}/${l.spanId}`)), produced);

    // What is on the topic: every record carries its batch's traceparent.
    const onTopic = await readTopic(topic, N);
    for (const h of onTopic) {
      const m = TRACEPARENT.exec(h['traceparent'] ?? '');
      assert.ok(m, `a traceparent header: ${JSON.stringify(h)}`);
      assert.ok(produced.has(`${m[1]}/${m[2]}`));
    }
  });

  test('tracing off (no OTEL_*, no key): nothing exported, no header on the topic', { timeout: 180_000 }, async () => {
    const dir = tempDir('tracing-off');
    const topic = uniqueName('untraced');
    const out = join(dir, 'orders.jsonl');
    const before = receiver.requests.length;
    const run = await runSluice(pipelineFile(dir, topic, out), { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    assert.equal(run.code, 0, run.out);
    assert.equal(orderIds(out).length, N);
    assert.equal(receiver.requests.length, before);
    for (const h of await readTopic(topic, N)) assert.deepEqual(h, {});
  });
});
