import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigException, RetriableException } from '../../../src/connectors/api/index.js';
import { DataException } from '../../../src/data/index.js';
import { TransformException } from '../../../src/transforms/index.js';
import {
  contextHeaders,
  errorHandlingProblems,
  errorHandlingSettings,
  exceptionClassName,
  headerText,
  withoutErrorHeaders,
} from '../../../src/streams/errors/index.js';

const dec = new TextDecoder();
const text = (headers: ReturnType<typeof contextHeaders>): Array<[string, string | null]> =>
  headers.map((h) => [h.key, h.value === null ? null : dec.decode(h.value)]);

describe('dead letter queue context headers', () => {
  test('a sink record: Kafka\'s ten headers, in its order, numbers as decimal strings', () => {
    const error = new DataException('Converting byte[] to Kafka Connect data failed due to serialization error');
    const h = text(
      contextHeaders({
        id: { connector: 'orders-sink', task: 3 },
        stage: 'VALUE_CONVERTER',
        executingClass: 'org.apache.kafka.connect.json.JsonConverter',
        error,
        topic: 'orders',
        partition: 2,
        offset: 1042,
      }),
    );
    assert.deepEqual(
      h.map(([k]) => k),
      [
        '__connect.errors.topic',
        '__connect.errors.partition',
        '__connect.errors.offset',
        '__connect.errors.connector.name',
        '__connect.errors.task.id',
        '__connect.errors.stage',
        '__connect.errors.class.name',
        '__connect.errors.exception.class.name',
        '__connect.errors.exception.message',
        '__connect.errors.exception.stacktrace',
      ],
    );
    const m = new Map(h);
    assert.equal(m.get('__connect.errors.topic'), 'orders');
    assert.equal(m.get('__connect.errors.partition'), '2');
    assert.equal(m.get('__connect.errors.offset'), '1042');
    assert.equal(m.get('__connect.errors.connector.name'), 'orders-sink');
    assert.equal(m.get('__connect.errors.task.id'), '3');
    assert.equal(m.get('__connect.errors.stage'), 'VALUE_CONVERTER');
    assert.equal(m.get('__connect.errors.class.name'), 'org.apache.kafka.connect.json.JsonConverter');
    assert.equal(m.get('__connect.errors.exception.class.name'), 'org.apache.kafka.connect.errors.DataException');
    assert.equal(m.get('__connect.errors.exception.message'), error.message);
    assert.match(m.get('__connect.errors.exception.stacktrace')!, /^DataException: Converting byte\[\]/);
  });

  test('a source record: no Kafka offset; Sluice\'s source partition/offset headers as JSON; causes in the stack trace', () => {
    const cause = new TypeError('x is undefined');
    const error = new TransformException("Transform 'mask' (MaskField$Value) failed: boom", {}, { cause, alias: 'mask', transformClass: 'org.apache.kafka.connect.transforms.MaskField$Value' });
    const m = new Map(
      text(
        contextHeaders({
          id: { connector: 'files', task: 0 },
          stage: 'TRANSFORMATION',
          executingClass: 'org.apache.kafka.connect.transforms.MaskField$Value',
          error,
          topic: 'lines',
          partition: null,
          sourcePartition: '{"filename":"/tmp/a.txt"}',
          sourceOffset: '{"position":120}',
        }),
      ),
    );
    assert.equal(m.has('__connect.errors.partition'), false);
    assert.equal(m.has('__connect.errors.offset'), false);
    assert.equal(m.get('__connect.errors.source.partition'), '{"filename":"/tmp/a.txt"}');
    assert.equal(m.get('__connect.errors.source.offset'), '{"position":120}');
    assert.equal(m.get('__connect.errors.exception.class.name'), 'org.apache.kafka.connect.errors.DataException');
    assert.match(m.get('__connect.errors.exception.stacktrace')!, /\nCaused by: TypeError: x is undefined/);
  });

  test('exception class names: Java names where Kafka has one, the JS name otherwise', () => {
    assert.equal(exceptionClassName(new RetriableException('r')), 'org.apache.kafka.connect.errors.RetriableException');
    assert.equal(exceptionClassName(new ConfigException('k', 'v', 'r')), 'org.apache.kafka.common.config.ConfigException');
    assert.equal(exceptionClassName(new TypeError('t')), 'TypeError');
    assert.equal(exceptionClassName('a string'), 'java.lang.Exception');
  });

  test('an empty message is left out, as Kafka does for a null message', () => {
    const keys = contextHeaders({ id: { connector: 'c', task: 0 }, stage: 'TASK_PUT', executingClass: 'T', error: new Error('') }).map((h) => h.key);
    assert.ok(!keys.includes('__connect.errors.exception.message'));
    assert.ok(keys.includes('__connect.errors.exception.stacktrace'));
  });

  test('withoutErrorHeaders keeps the original headers (duplicates and nulls included); headerText reads one', () => {
    const enc = new TextEncoder();
    const headers = [
      { key: 'trace-id', value: enc.encode('t1') },
      { key: 'empty', value: null },
      { key: 'trace-id', value: enc.encode('t2') },
      ...contextHeaders({ id: { connector: 'c', task: 1 }, stage: 'TASK_PUT', executingClass: 'T', error: new Error('e'), topic: 'orig', partition: 0, offset: 7 }),
    ];
    assert.deepEqual(
      withoutErrorHeaders(headers).map((h) => [h.key, h.value && dec.decode(h.value)]),
      [['trace-id', 't1'], ['empty', null], ['trace-id', 't2']],
    );
    assert.equal(headerText(headers, '__connect.errors.topic'), 'orig');
    assert.equal(headerText(headers, 'trace-id'), 't2');
    assert.equal(headerText(headers, 'missing'), undefined);
  });
});

describe('errors.* settings', () => {
  test('Kafka\'s defaults', () => {
    assert.deepEqual(errorHandlingSettings({}), {
      tolerance: 'none',
      retry: { timeoutMs: 0, maxDelayMs: 60_000 },
      logEnable: false,
      logIncludeMessages: false,
      dlqTopic: null,
      dlqReplicationFactor: 3,
      dlqContextHeaders: false,
    });
  });

  test('every key parsed; a blank DLQ name is no DLQ', () => {
    const s = errorHandlingSettings({
      'errors.tolerance': 'all',
      'errors.retry.timeout': '-1',
      'errors.retry.delay.max.ms': '5000',
      'errors.log.enable': 'true',
      'errors.log.include.messages': 'TRUE',
      'errors.deadletterqueue.topic.name': ' dlq-orders ',
      'errors.deadletterqueue.topic.replication.factor': '1',
      'errors.deadletterqueue.context.headers.enable': 'true',
    });
    assert.deepEqual(s, {
      tolerance: 'all',
      retry: { timeoutMs: -1, maxDelayMs: 5000 },
      logEnable: true,
      logIncludeMessages: true,
      dlqTopic: 'dlq-orders',
      dlqReplicationFactor: 1,
      dlqContextHeaders: true,
    });
    assert.equal(errorHandlingSettings({ 'errors.deadletterqueue.topic.name': '  ' }).dlqTopic, null);
  });

  test('bad values name their key', () => {
    assert.throws(() => errorHandlingSettings({ 'errors.tolerance': 'some' }), (e: ConfigException) => e.key === 'errors.tolerance');
    assert.throws(() => errorHandlingSettings({ 'errors.retry.timeout': '1s' }), (e: ConfigException) => e.key === 'errors.retry.timeout');
    assert.throws(() => errorHandlingSettings({ 'errors.log.enable': 'yes' }), (e: ConfigException) => e.key === 'errors.log.enable');
    assert.deepEqual(errorHandlingProblems({ 'errors.deadletterqueue.topic.replication.factor': 'three' }, { dlqValues: true }).map((p) => p.key), ['errors.deadletterqueue.topic.replication.factor']);
    assert.deepEqual(errorHandlingProblems({ 'errors.deadletterqueue.topic.replication.factor': 'three' }), []);
    assert.deepEqual(errorHandlingProblems({ 'errors.deadletterqueue.topic.replication.factor': '0', 'errors.deadletterqueue.topic.nam': 'x' }).map((p) => p.key), [
      'errors.deadletterqueue.topic.nam',
      'errors.deadletterqueue.topic.replication.factor',
    ]);
  });
});
