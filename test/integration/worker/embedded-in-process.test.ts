// The embedded API with no broker (bootstrap.servers absent): records go through the in-process transport.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Sluice } from '../../../src/index.js';
import { orderIds, tempDir } from '../cli/support.js';

test('embedded in-process pipeline: datagen → FileStreamSink, finished() then stop()', { timeout: 60_000 }, async () => {
  const n = 2500;
  const out = join(tempDir('embedded'), 'orders.jsonl');
  const p = await Sluice.pipeline({
    worker: { 'value.converter': 'json', 'value.converter.schemas.enable': false, 'key.converter': 'string' },
    connectors: [
      { name: 'gen', config: { 'connector.class': 'datagen', 'kafka.topic': 'orders', 'max.records': n, 'tasks.max': 2, 'random.seed': 3 } },
      { name: 'out', config: { 'connector.class': 'FileStreamSink', topics: 'orders', file: out, 'value.converter': 'string' } },
    ],
  });
  await p.start();
  try {
    assert.deepEqual(p.status().map((s) => [s.name, s.type]), [['gen', 'source'], ['out', 'sink']]);
    await p.finished();
    assert.deepEqual(
      p.progress().map((t) => [t.connector, t.task, t.finished, t.metrics?.recordsWritten]),
      [['gen', 0, true, n / 2], ['gen', 1, true, n / 2], ['out', 0, false, n]],
    );
  } finally {
    await p.stop();
  }
  const ids = orderIds(out).sort((a, b) => a - b);
  assert.deepEqual(ids, Array.from({ length: n }, (_, i) => i), 'two tasks together made ids 0..N-1, each once');
});
