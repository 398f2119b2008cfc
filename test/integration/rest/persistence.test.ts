// Connectors created over REST survive a worker restart (standalone), in their target state; the file is written
// atomically beside the offsets file and is itself a pipeline file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { api, startWorker, tempDir, waitForStates } from './support.js';

test('connectors created over REST persist across a worker restart', { timeout: 120_000 }, async () => {
  const dir = tempDir('persist');
  const offsets = join(dir, 'connect.offsets');
  const worker = { 'offset.storage.file.filename': offsets };
  const gen = (topic: string) => ({ 'connector.class': 'datagen', 'kafka.topic': topic, 'records.per.second': '20' });
  const sink = { 'connector.class': 'FileStreamSink', topics: 'a', file: join(dir, 'a.txt'), 'value.converter': 'string' };

  let w = await startWorker(worker);
  try {
    assert.equal((await api(w.base, 'POST', '/connectors', { name: 'a', config: gen('a') })).status, 201);
    assert.equal((await api(w.base, 'POST', '/connectors', { name: 'b', config: gen('b'), initial_state: 'paused' })).status, 201);
    assert.equal((await api(w.base, 'PUT', '/connectors/sink/config', sink)).status, 201);
    assert.equal((await api(w.base, 'POST', '/connectors', { name: 'gone', config: gen('c') })).status, 201);
    assert.equal((await api(w.base, 'PUT', '/connectors/a/config', { ...gen('a'), 'batch.size': '7' })).status, 200);
    assert.equal((await api(w.base, 'PATCH', '/connectors/sink/config', { 'tasks.max': '1' })).status, 200);
    assert.equal((await api(w.base, 'PUT', '/connectors/sink/stop')).status, 204);
    assert.equal((await api(w.base, 'DELETE', '/connectors/gone')).status, 204);
    await waitForStates(w.base, 'a', 'RUNNING RUNNING');
  } finally {
    await w.stop();
  }

  const file = `${offsets}.connectors.json`;
  assert.ok(existsSync(file), 'kept beside the offsets file');
  assert.ok(!readdirSync(dir).some((f) => f.endsWith('.tmp')), 'no temp file left behind');
  const stored = JSON.parse(readFileSync(file, 'utf8'));
  assert.deepEqual(stored.connectors.map((c: { name: string; initial_state: string }) => [c.name, c.initial_state]), [
    ['a', 'RUNNING'],
    ['b', 'PAUSED'],
    ['sink', 'STOPPED'],
  ]);

  w = await startWorker(worker);
  try {
    assert.deepEqual((await api(w.base, 'GET', '/connectors')).body.sort(), ['a', 'b', 'sink']);
    assert.deepEqual((await api(w.base, 'GET', '/connectors/a/config')).body, { ...gen('a'), 'batch.size': '7', name: 'a' });
    assert.deepEqual((await api(w.base, 'GET', '/connectors/sink/config')).body, { ...sink, 'tasks.max': '1', name: 'sink' });
    await waitForStates(w.base, 'a', 'RUNNING RUNNING');
    // Created PAUSED: the connector never started, so it has no task configs yet (as in Kafka Connect).
    await waitForStates(w.base, 'b', 'PAUSED');
    await waitForStates(w.base, 'sink', 'STOPPED');
    assert.equal((await api(w.base, 'PUT', '/connectors/b/resume')).status, 202);
    assert.equal((await api(w.base, 'DELETE', '/connectors/a')).status, 204);
  } finally {
    await w.stop();
  }

  w = await startWorker(worker);
  try {
    assert.deepEqual((await api(w.base, 'GET', '/connectors')).body.sort(), ['b', 'sink']);
    await waitForStates(w.base, 'b', 'RUNNING RUNNING');
  } finally {
    await w.stop();
  }
});

test('without an offsets file nothing is kept', async () => {
  const w = await startWorker();
  try {
    assert.equal(w.rest.store, null);
  } finally {
    await w.stop();
  }
});
