/**
 * Transforms and error handling through the worker (embedded API), in-process (no broker): the transform chain
 * of a source and of a sink, filtered records counting as committed, validation of transform keys, and a
 * source-side dead letter queue that another connector of the same worker reads.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Sluice, PipelineConfigError } from '../../../src/index.js';
import { harness } from '../../../src/testing/index.js';
import { orderIds, tempDir, until } from '../cli/support.js';
import { REJECT_TRANSFORM, registerRejectTransform } from './support.js';

const WORKER = { 'value.converter': 'json', 'value.converter.schemas.enable': false, 'key.converter': 'string', 'offset.flush.interval.ms': 100 };
const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l !== '') : []);

describe('transforms through the worker (in-process)', () => {
  test('InsertField + RegexRouter on datagen (source side), ReplaceField (sink side) → file', { timeout: 60_000 }, async () => {
    const n = 300;
    const out = join(tempDir('smt'), 'routed.jsonl');
    // sluice/testing's harness: the same embedded pipeline on a virtual clock (offset flushes and the completion
    // checks take no real time); its recorder also keeps what went through the routed topic.
    const h = await harness({
      worker: WORKER,
      connectors: [
        {
          name: 'gen',
          config: {
            'connector.class': 'datagen', 'kafka.topic': 'orders', 'max.records': n, 'random.seed': 7,
            transforms: 'insert,route',
            'transforms.insert.type': 'org.apache.kafka.connect.transforms.InsertField$Value',
            'transforms.insert.static.field': 'pipeline',
            'transforms.insert.static.value': 'sluice',
            'transforms.insert.topic.field': 'src_topic',
            'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter',
            'transforms.route.regex': '(.*)',
            'transforms.route.replacement': 'routed-$1',
          },
        },
        {
          name: 'out',
          config: {
            'connector.class': 'FileStreamSink', topics: 'routed-orders', file: out,
            transforms: 'drop,tag',
            'transforms.drop.type': 'ReplaceField$Value',
            'transforms.drop.exclude': 'address,tags',
            // Only on records of topics matching the predicate: all of them here; negate=false is explicit.
            'transforms.tag.type': 'InsertField$Value',
            'transforms.tag.static.field': 'sink_side',
            'transforms.tag.static.value': 'yes',
            'transforms.tag.predicate': 'routed',
            'transforms.tag.negate': 'false',
            predicates: 'routed',
            'predicates.routed.type': 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches',
            'predicates.routed.pattern': 'routed-.*',
          },
        },
      ],
    });
    try {
      await h.finished();
    } finally {
      await h.stop();
    }
    const records = lines(out).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(records.length, n);
    assert.equal(h.values('routed-orders').length, n);
    assert.deepEqual(h.topics(), ['routed-orders'], 'the source side routed every record');
    assert.deepEqual(orderIds(out).sort((a, b) => a - b), [...Array(n).keys()]);
    for (const r of records) {
      assert.equal(r['pipeline'], 'sluice');
      assert.equal(r['src_topic'], 'orders');
      assert.equal(r['sink_side'], 'yes');
      assert.ok(!('address' in r) && !('tags' in r));
    }
  });

  test('a record a transform filters still counts as committed: the source offset advances past it', { timeout: 60_000 }, async () => {
    const n = 200;
    const h = await harness({
      worker: WORKER,
      connectors: [
        {
          name: 'gen',
          config: {
            'connector.class': 'datagen', 'kafka.topic': 'orders', 'max.records': n,
            transforms: 'dropAll', 'transforms.dropAll.type': 'org.apache.kafka.connect.transforms.Filter',
          },
        },
      ],
      record: false,
    });
    try {
      await h.finished();
      // Committed at the next offset.flush.interval.ms (100 ms of virtual time).
      await h.runUntil(async () => JSON.stringify((await h.committedOffsets('gen')).map((o) => o.offset)) === JSON.stringify([{ seq: n - 1 }]), { description: 'offsets' });
      const [t] = h.progress();
      assert.equal(t!.metrics?.recordsFiltered, n);
      assert.equal(t!.metrics?.recordsWritten, 0);
    } finally {
      await h.stop();
    }
  });

  test('validation names the transform key: a missing required key, a bad regex, an unknown class, negate without predicate', async () => {
    const problems = async (extra: Record<string, string>) => {
      try {
        await Sluice.pipeline({ worker: WORKER, connectors: [{ name: 'gen', config: { 'connector.class': 'datagen', 'kafka.topic': 'orders', ...extra } }] });
        return [];
      } catch (e) {
        assert.ok(e instanceof PipelineConfigError);
        return e.problems.map((p) => `${p.key}: ${p.reason}`);
      }
    };
    const route = { transforms: 'route', 'transforms.route.type': 'RegexRouter' };
    assert.deepEqual(await problems({ ...route, 'transforms.route.replacement': 'x' }), [
      'transforms.route.regex: Missing required configuration "transforms.route.regex" which has no default value.',
    ]);
    const bad = await problems({ ...route, 'transforms.route.regex': '(.*', 'transforms.route.replacement': 'x' });
    assert.equal(bad.length, 1);
    assert.match(bad[0]!, /^transforms\.route\.regex: .*(regex|group)/i);
    assert.deepEqual(await problems({ transforms: 'x', 'transforms.x.type': 'com.example.Nope' }), ['transforms.x.type: Invalid value com.example.Nope for configuration transforms.x.type: Class com.example.Nope could not be found.']);
    const negate = await problems({ transforms: 'f', 'transforms.f.type': 'Filter', 'transforms.f.negate': 'true' });
    assert.equal(negate.length, 1);
    assert.match(negate[0]!, /^transforms\.f\.negate: /);
    assert.deepEqual(await problems({ 'errors.deadletterqueue.topic.name': 'dlq', 'errors.tolerance': 'all' }), [], 'a source may have a DLQ');
  });
});

describe('source dead letter queue through the worker (in-process)', () => {
  registerRejectTransform();

  test('records a transform rejects go to the DLQ topic, which a FileStreamSink of the same worker keeps; good + DLQ = total', { timeout: 60_000 }, async () => {
    const n = 500;
    const dir = tempDir('srcdlq');
    const good = join(dir, 'good.jsonl');
    const dead = join(dir, 'dead.jsonl');
    const p = await Sluice.pipeline({
      worker: WORKER,
      connectors: [
        {
          name: 'gen',
          config: {
            'connector.class': 'datagen', 'kafka.topic': 'orders', 'max.records': n, 'random.seed': 1,
            transforms: 'reject', 'transforms.reject.type': REJECT_TRANSFORM,
            'errors.tolerance': 'all',
            'errors.deadletterqueue.topic.name': 'orders-dlq',
            'errors.deadletterqueue.context.headers.enable': 'true',
          },
        },
        { name: 'good', config: { 'connector.class': 'FileStreamSink', topics: 'orders', file: good } },
        { name: 'dead', config: { 'connector.class': 'FileStreamSink', topics: 'orders-dlq', file: dead, 'value.converter': 'string' } },
      ],
    });
    await p.start();
    try {
      await until(() => orderIds(good).length + orderIds(dead).length >= n, 'every record in one of the files');
      const [gen] = p.progress().filter((t) => t.connector === 'gen');
      assert.equal(gen!.metrics?.recordsSkipped, n / 10);
      assert.equal(gen!.metrics?.deadLetterQueueProduceRequests, n / 10);
      await until(async () => JSON.stringify((await p.herder.connectorOffsets('gen')).offsets.map((o) => o.offset)) === JSON.stringify([{ seq: n - 1 }]), 'source offsets past all');
    } finally {
      await p.stop();
    }
    const goodIds = orderIds(good);
    const deadIds = orderIds(dead);
    assert.deepEqual(deadIds.sort((a, b) => a - b), [...Array(n).keys()].filter((i) => i % 10 === 7));
    assert.equal(goodIds.length + deadIds.length, n);
    assert.deepEqual([...goodIds, ...deadIds].sort((a, b) => a - b), [...Array(n).keys()]);
  });

  test('tolerance none: the task fails and its status trace names the source partition and offset', { timeout: 60_000 }, async () => {
    const p = await Sluice.pipeline({
      worker: WORKER,
      connectors: [
        {
          name: 'gen',
          config: { 'connector.class': 'datagen', 'kafka.topic': 'orders', 'max.records': 100, transforms: 'reject', 'transforms.reject.type': REJECT_TRANSFORM },
        },
        { name: 'sink', config: { 'connector.class': 'FileStreamSink', topics: 'orders', file: join(tempDir('none'), 'o.jsonl') } },
      ],
    });
    await p.start();
    try {
      await until(() => p.herder.connectorStatus('gen').tasks[0]?.state === 'FAILED', 'task FAILED');
      const trace = p.herder.connectorStatus('gen').tasks[0]!.trace!;
      assert.match(trace, /failed in TRANSFORMATION at \{"topic":"orders","sourcePartition":\{"task":0\},"offset":"\{\\"seq\\":7\}"\}/);
      assert.match(trace, /record 7 rejected on purpose/);
    } finally {
      await p.stop();
    }
  });
});
