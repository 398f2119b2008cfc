// Spans of a traced pipeline through the SDK's in-memory exporter registered as the global provider (what an
// embedding application does): a span per source and sink batch stage with the task's attributes, the produce
// span's traceparent on every record, the sink's consume span linked to the source spans of its records, ERROR
// spans for failures — and nothing at all (no span, no header, the same bytes) when tracing is off.
import { test, describe, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SourceRecord, Headers, type SinkRecord } from '../../../src/data/index.js';
import { SimpleHeaderConverter } from '../../../src/converters/simple-header.js';
import { MemoryOffsetStore, startSinkTask, startSourceTask, type ConsumerHandlers, type KafkaConsumer, type ProducerRecord, type SourceTaskInput } from '../../../src/streams/index.js';
import { RetriableException, SinkTask, type TopicPartition } from '../../../src/connectors/api/index.js';
import { TaskTracer, TRACEPARENT, formatTraceparent, headerTraceparent, traceparentBytes } from '../../../src/tracing/index.js';
import { Sluice } from '../../../src/index.js';
import { CountingSourceTask, identity, jsonConverters, taskId, until } from '../streams/support.js';
import { captureSinkPlugin, captured } from './capture-sink.js';

const exporter = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));

const spans = (name?: string): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => name === undefined || s.name === name);

/** Acknowledges every send at once, keeping what was sent. */
class AutoProducer {
  readonly sent: ProducerRecord[] = [];
  #offset = 0;
  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}
  async send(records: readonly ProducerRecord[]) {
    this.sent.push(...records);
    return records.map((r) => ({ topic: r.topic, partition: r.partition ?? 0, offset: this.#offset++, timestamp: null }));
  }
}

function sourceInput(task: CountingSourceTask, traced: boolean, over: Partial<SourceTaskInput> = {}): SourceTaskInput {
  const id = taskId('src');
  return {
    id,
    task,
    config: {},
    converters: jsonConverters(),
    transform: identity,
    offsets: new MemoryOffsetStore(),
    options: { maxInFlightBatches: 2, offsetFlushIntervalMs: 20, offsetFlushTimeoutMs: 2000 },
    ...(traced ? { tracer: new TaskTracer('source', id) } : {}),
    ...over,
  };
}

async function runSource(task: CountingSourceTask, traced: boolean, over: Partial<SourceTaskInput> = {}): Promise<AutoProducer> {
  const producer = new AutoProducer();
  const run = startSourceTask(sourceInput(task, traced, over), { producer });
  await until(() => producer.sent.length === task.total, 'every record sent');
  await run.stop(5000);
  await run.done;
  return producer;
}

beforeEach(() => exporter.reset());

describe('source path', () => {
  test('a span per batch stage with the task attributes; produce is the child of poll and names every record', async () => {
    const producer = await runSource(new CountingSourceTask('orders', 30, 10), true);
    for (const stage of ['poll', 'transform', 'convert', 'produce']) assert.equal(spans(`sluice.source.${stage}`).length, 3, stage);
    assert.ok(spans('sluice.source.commit').length >= 1, 'the offset commit');
    for (const s of spans()) {
      assert.equal(s.attributes['sluice.connector'], 'src', s.name);
      assert.equal(s.attributes['sluice.task'], 0, s.name);
    }
    const polls = spans('sluice.source.poll');
    for (const p of polls) {
      assert.equal(p.parentSpanContext, undefined, 'a batch starts its own trace');
      assert.equal(p.attributes['messaging.batch.message_count'], 10);
      assert.equal(p.attributes['messaging.destination.name'], 'orders');
    }
    const produce = spans('sluice.source.produce');
    for (const s of produce) {
      assert.equal(s.kind, SpanKind.PRODUCER);
      assert.equal(s.attributes['messaging.destination.name'], 'orders');
      assert.equal(s.attributes['messaging.destination.partition.id'], '0');
      assert.equal(s.attributes['messaging.batch.message_count'], 10);
      assert.equal(s.attributes['messaging.operation.type'], 'send');
      const poll = polls.find((p) => p.spanContext().spanId === s.parentSpanContext?.spanId);
      assert.ok(poll, 'produce is a child of its batch poll span');
      assert.equal(poll.spanContext().traceId, s.spanContext().traceId);
    }
    const produceIds = new Set(produce.map((s) => s.spanContext().spanId));
    for (const r of producer.sent) {
      const tp = r.headers.find((h) => h.key === TRACEPARENT);
      assert.ok(tp?.value, 'each record carries a traceparent');
      assert.equal(tp.value.length, 55);
      assert.ok(produceIds.has(headerTraceparent(r.headers)!.spanId), 'naming its batch produce span');
    }
    // Ten records per batch share their batch's traceparent.
    assert.equal(new Set(producer.sent.map((r) => new TextDecoder().decode(r.headers[0]!.value!))).size, 3);
  });

  test('off: no span, no header — the records sent are what they are without tracing', async () => {
    const off = await runSource(new CountingSourceTask('orders', 30, 10), false);
    assert.equal(spans().length, 0);
    const on = await runSource(new CountingSourceTask('orders', 30, 10), true);
    assert.equal(off.sent.length, on.sent.length);
    for (let i = 0; i < off.sent.length; i++) {
      assert.deepEqual(off.sent[i]!.headers, [], 'no header added');
      const { headers: _h, ...bytesOff } = off.sent[i]!;
      const { headers: _h2, ...bytesOn } = on.sent[i]!;
      assert.deepEqual(bytesOff, bytesOn, 'keys, values, topics and partitions unchanged');
    }
  });

  test('a record that came with a traceparent keeps it; the produce span links to it', async () => {
    const upstream = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };
    class Upstream extends CountingSourceTask {
      override async poll(): Promise<SourceRecord[] | null> {
        const records = await super.poll();
        return records?.map((r, i) => (i % 2 === 0 ? r.newRecord({ headers: new Headers().addString(TRACEPARENT, formatTraceparent(upstream)) }) : r)) ?? null;
      }
    }
    const converters = { ...jsonConverters(), header: new SimpleHeaderConverter() };
    const producer = await runSource(new Upstream('orders', 4, 4), true, { converters });
    const [produce] = spans('sluice.source.produce');
    assert.deepEqual(produce!.links.map((l) => l.context.spanId), [upstream.spanId]);
    assert.deepEqual(producer.sent.map((r) => headerTraceparent(r.headers)!.spanId), [
      upstream.spanId, produce!.spanContext().spanId, upstream.spanId, produce!.spanContext().spanId,
    ]);
  });

  test('a failed poll is an ERROR span with the exception', async () => {
    class Failing extends CountingSourceTask {
      override async poll(): Promise<SourceRecord[] | null> {
        throw new Error('the source is gone');
      }
    }
    const run = startSourceTask(sourceInput(new Failing('orders', 1), true), { producer: new AutoProducer() });
    await assert.rejects(run.done, /the source is gone/);
    const [poll] = spans('sluice.source.poll');
    assert.equal(poll!.status.code, SpanStatusCode.ERROR);
    assert.equal(poll!.status.message, 'the source is gone');
    assert.equal(poll!.events[0]?.name, 'exception');
  });
});

describe('source to sink in process (Sluice.pipeline)', () => {
  const pipeline = async (tracing: boolean) => {
    captured.length = 0;
    const p = await Sluice.pipeline({
      worker: { 'sluice.tracing.enabled': tracing, 'offset.flush.interval.ms': 100, 'value.converter.schemas.enable': false },
      plugins: [captureSinkPlugin],
      connectors: [
        { name: 'gen', config: { 'connector.class': 'datagen', 'kafka.topic': 'orders', 'max.records': 500, 'batch.size': 100, 'random.seed': 7 } },
        { name: 'out', config: { 'connector.class': 'test.CaptureSink', topics: 'orders' } },
      ],
    });
    await p.start();
    await p.finished();
    await p.stop();
  };

  test('sink spans per batch stage, linked to the source produce spans of their records; headers through the broker', async () => {
    await pipeline(true);
    assert.equal(captured.length, 500);
    const produceIds = new Set(spans('sluice.source.produce').map((s) => s.spanContext().spanId));
    assert.equal(produceIds.size, 5);
    for (const r of captured) {
      const tp = r.headers.lastWithName(TRACEPARENT);
      assert.ok(tp, 'the header reached the sink');
      assert.ok(produceIds.has(String(tp.value).split('-')[2]!));
    }
    const consume = spans('sluice.sink.consume');
    assert.ok(consume.length >= 1);
    const linked = new Set(consume.flatMap((s) => s.links.map((l) => l.context.spanId)));
    assert.deepEqual([...linked].sort(), [...produceIds].sort(), 'every source batch is linked from the sink');
    for (const s of consume) {
      assert.equal(s.kind, SpanKind.CONSUMER);
      assert.equal(s.parentSpanContext, undefined);
      assert.equal(s.attributes['sluice.connector'], 'out');
      assert.equal(s.attributes['messaging.destination.name'], 'orders');
      assert.equal(typeof s.attributes['messaging.destination.partition.id'], 'string');
      assert.equal(s.attributes['messaging.consumer.group.name'], 'connect-out');
    }
    const consumeIds = new Set(consume.map((s) => s.spanContext().spanId));
    for (const stage of ['convert', 'transform', 'put']) {
      const stageSpans = spans(`sluice.sink.${stage}`);
      assert.equal(stageSpans.length, consume.length, stage);
      for (const s of stageSpans) assert.ok(consumeIds.has(s.parentSpanContext!.spanId), `${stage} is a child of its batch consume span`);
    }
    const put = spans('sluice.sink.put');
    assert.equal(put.reduce((n, s) => n + Number(s.attributes['messaging.batch.message_count']), 0), 500);
    assert.ok(spans('sluice.sink.commit').length >= 1, 'the sink offset commit');
    assert.ok(spans('sluice.source.commit').length >= 1, 'the source offset commit');
  });

  test('off (the default): no span and no traceparent header in the records the sink gets', async () => {
    await pipeline(false);
    assert.equal(captured.length, 500);
    assert.equal(spans().length, 0);
    for (const r of captured) assert.equal(r.headers.size, 0);
  });

  test('sluice.tracing.enabled is validated like the other worker keys', async () => {
    await assert.rejects(
      Sluice.pipeline({ worker: { 'sluice.tracing.enabled': 'sometimes' }, connectors: [] }),
      /sluice\.tracing\.enabled/,
    );
  });
});


describe('sink path', () => {
  const source = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };
  /** A consumer handing over one batch of two records of orders-3, each carrying `source`'s traceparent. */
  const oneBatchConsumer = (): KafkaConsumer => {
    const tp: TopicPartition = { topic: 'orders', partition: 3 };
    const enc = new TextEncoder();
    return {
      async connect() {},
      async subscribe() {},
      async run(handlers: ConsumerHandlers) {
        void (async () => {
          await handlers.onAssigned([tp]);
          const headers = [{ key: TRACEPARENT, value: traceparentBytes(source) }];
          await handlers.onBatch({ topic: 'orders', partition: 3, messages: [0, 1].map((offset) => ({ offset, key: null, value: enc.encode(`{"n":${offset}}`), headers, timestamp: 1, timestampType: 'CreateTime' as const })) });
        })();
      },
      assignment: () => [tp],
      pause() {},
      resume() {},
      seek() {},
      async commit() {},
      async disconnect() {},
    };
  };
  const sinkConverters = { ...jsonConverters(), header: new SimpleHeaderConverter() };
  const sinkOptions = { maxInFlightBatches: 1, offsetFlushIntervalMs: 1000, offsetFlushTimeoutMs: 1000 };

  test('a put that fails is an ERROR span with the exception, in the trace of its batch consume span', async () => {
    const consumer = oneBatchConsumer();
    class Failing extends SinkTask {
      version() {
        return '1';
      }
      start() {}
      put(_records: readonly SinkRecord[]) {
        throw new Error('the table is gone');
      }
      stop() {}
    }
    const id = taskId('out');
    const run = startSinkTask(
      { id, task: new Failing(), config: { topics: 'orders' }, converters: sinkConverters, transform: identity, options: sinkOptions, tracer: new TaskTracer('sink', id) },
      { consumer },
    );
    await assert.rejects(run.done, /the table is gone/);
    const [consume] = spans('sluice.sink.consume');
    const [put] = spans('sluice.sink.put');
    assert.deepEqual(consume!.links.map((l) => l.context), [{ ...source, isRemote: true }]);
    assert.equal(put!.parentSpanContext?.spanId, consume!.spanContext().spanId);
    assert.equal(put!.status.code, SpanStatusCode.ERROR);
    assert.equal(put!.events[0]?.name, 'exception');
    assert.equal(put!.attributes['messaging.destination.partition.id'], '3');
    assert.equal(put!.attributes['messaging.batch.message_count'], 2);
  });

  test('a put retried after a retriable error and then done is not an ERROR span; the failed attempt is an exception event', async () => {
    let attempts = 0;
    class FlakyOnce extends SinkTask {
      version() {
        return '1';
      }
      start() {}
      put(_records: readonly SinkRecord[]) {
        if (++attempts === 1) throw new RetriableException('the table is locked');
      }
      stop() {}
    }
    const id = taskId('out');
    const run = startSinkTask(
      { id, task: new FlakyOnce(), config: { topics: 'orders' }, converters: sinkConverters, transform: identity, options: sinkOptions, tracer: new TaskTracer('sink', id) },
      { consumer: oneBatchConsumer() },
    );
    await until(() => attempts === 2 && spans('sluice.sink.put').length === 1);
    await run.stop(5000);
    const [put] = spans('sluice.sink.put');
    assert.notEqual(put!.status.code, SpanStatusCode.ERROR);
    assert.deepEqual(put!.events.map((e) => e.name), ['exception']);
  });
});
