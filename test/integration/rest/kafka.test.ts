// The REST API of a worker on the real broker: cluster id, source and sink offsets (KIP-875) including a sink
// reset that makes the sink read the topic again, active topics, /metrics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KAFKA_BROKERS, uniqueName } from '../../support/services.js';
import { parseExposition } from '../../../src/rest/index.js';
import { api, eventually, startWorker, tempDir, waitForStates } from './support.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const lines = (file: string): number => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0);

test('REST API against Kafka: offsets of a source and a sink, reset, topics, metrics', { timeout: 180_000 }, async () => {
  const n = 600;
  const dir = tempDir('kafka');
  const topic = uniqueName('rest_orders');
  // The sink's consumer group is connect-<name>: a name of its own, so no other run shares the group.
  const sinkName = uniqueName('rest_out');
  const out = join(dir, 'out.txt');
  const w = await startWorker({
    'bootstrap.servers': KAFKA_BROKERS.join(','),
    'offset.storage.file.filename': join(dir, 'connect.offsets'),
    'value.converter': 'json',
    'value.converter.schemas.enable': 'false',
  });
  const base = w.base;
  try {
    const root = await api(base, 'GET', '/');
    assert.equal(root.status, 200);
    assert.match(root.body.kafka_cluster_id, /^[A-Za-z0-9_-]{10,}$/, 'the broker cluster id');

    assert.equal((await api(base, 'POST', '/connectors', {
      name: 'gen',
      config: {
        'connector.class': 'datagen', 'kafka.topic': topic, 'max.records': String(n), 'random.seed': '7',
        'topic.creation.default.partitions': '2', 'topic.creation.default.replication.factor': '1',
      },
    })).status, 201);
    // Created at once with the source: the sink waits for the topic the source creates.
    assert.equal((await api(base, 'POST', '/connectors', {
      name: sinkName, config: { 'connector.class': 'FileStreamSink', topics: topic, file: out },
    })).status, 201);
    await eventually(() => lines(out) === n, `${n} lines in the sink file`, 60_000, 200);

    // Sink offsets: next offsets of group connect-<sinkName>, per partition, summing to what was written.
    const sink = await eventually(async () => {
      const r = await api(base, 'GET', `/connectors/${sinkName}/offsets`);
      const total = r.body.offsets.reduce((s: number, o: { offset: { kafka_offset: number } }) => s + o.offset.kafka_offset, 0);
      return total === n ? r.body : null;
    }, 'sink offsets committed', 30_000, 200);
    assert.deepEqual(sink.offsets.map((o: { partition: unknown }) => o.partition), [
      { kafka_topic: topic, kafka_partition: 0 },
      { kafka_topic: topic, kafka_partition: 1 },
    ]);
    const p1 = sink.offsets[1].offset.kafka_offset as number;

    // Source offsets: datagen's partition → offset.
    const source = await eventually(async () => {
      const r = await api(base, 'GET', '/connectors/gen/offsets');
      return r.body.offsets[0]?.offset.seq === n - 1 ? r.body : null;
    }, 'source offsets committed', 30_000, 200);
    assert.deepEqual(source, { offsets: [{ partition: { task: 0 }, offset: { seq: n - 1 } }] });

    assert.deepEqual((await api(base, 'GET', '/connectors/gen/topics')).body, { gen: { topics: [topic] } });
    assert.deepEqual((await api(base, 'GET', `/connectors/${sinkName}/topics`)).body, { [sinkName]: { topics: [topic] } });

    const m = parseExposition(await (await fetch(`${base}/metrics`)).text());
    assert.equal(m.get('kafka_connect_source_task_metrics_source_record_write_total{connector="gen",task="0"}'), n);
    assert.equal(m.get(`kafka_connect_sink_task_metrics_sink_record_send_total{connector="${sinkName}",task="0"}`), n);

    // Altering a running connector's offsets is refused.
    const running = await api(base, 'PATCH', `/connectors/${sinkName}/offsets`, {
      offsets: [{ partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 0 } }],
    });
    assert.equal(running.status, 400);
    assert.match(running.body.message, /^Connectors must be in the STOPPED state/);

    // Stopped: alter partition 0 back to 0, partition 1 untouched.
    assert.equal((await api(base, 'PUT', `/connectors/${sinkName}/stop`)).status, 204);
    await waitForStates(base, sinkName, 'STOPPED');
    const altered = await api(base, 'PATCH', `/connectors/${sinkName}/offsets`, {
      offsets: [{ partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 0 } }],
    });
    assert.deepEqual([altered.status, altered.body], [200, { message: 'The offsets for this connector have been altered successfully' }]);
    assert.deepEqual((await api(base, 'GET', `/connectors/${sinkName}/offsets`)).body.offsets.map((o: { offset: { kafka_offset: number } }) => o.offset.kafka_offset), [0, p1]);

    // A null offset resets one partition (the others keep theirs).
    const nulled = await api(base, 'PATCH', `/connectors/${sinkName}/offsets`, {
      offsets: [{ partition: { kafka_topic: topic, kafka_partition: 1 }, offset: null }],
    });
    assert.equal(nulled.status, 200);
    assert.deepEqual((await api(base, 'GET', `/connectors/${sinkName}/offsets`)).body.offsets, [
      { partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 0 } },
    ]);

    // Reset: the consumer group is gone; resumed, the sink reads the whole topic again.
    const reset = await api(base, 'DELETE', `/connectors/${sinkName}/offsets`);
    assert.deepEqual([reset.status, reset.body], [200, { message: 'The offsets for this connector have been reset successfully' }]);
    assert.deepEqual((await api(base, 'GET', `/connectors/${sinkName}/offsets`)).body, { offsets: [] });
    assert.equal((await api(base, 'PUT', `/connectors/${sinkName}/resume`)).status, 202);
    await eventually(() => lines(out) === 2 * n, `the topic read again (${2 * n} lines)`, 60_000, 200);

    // Source offsets alter and reset.
    assert.equal((await api(base, 'PUT', '/connectors/gen/stop')).status, 204);
    assert.equal((await api(base, 'PATCH', '/connectors/gen/offsets', { offsets: [{ partition: { task: 0 }, offset: { seq: 9 } }] })).status, 200);
    assert.deepEqual((await api(base, 'GET', '/connectors/gen/offsets')).body, { offsets: [{ partition: { task: 0 }, offset: { seq: 9 } }] });
    assert.equal((await api(base, 'DELETE', '/connectors/gen/offsets')).status, 200);
    assert.deepEqual((await api(base, 'GET', '/connectors/gen/offsets')).body, { offsets: [] });
  } finally {
    await w.stop();
  }
});
