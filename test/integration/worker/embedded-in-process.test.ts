// The embedded API with no broker (bootstrap.servers absent): records go through the in-process transport.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ConfigDef,
  SourceConnector,
  SourceRecord,
  SourceTask,
  Sluice,
  type ConnectorConfig,
  type ConnectorPlugin,
  type SourceTaskClass,
} from '../../../src/index.js';
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

/** A bounded source (5 records) whose connector takes 600 ms to start: its tasks appear well after datagen's. */
class LateTask extends SourceTask {
  #sent = false;
  version(): string {
    return '1';
  }
  start(): void {}
  async poll(): Promise<SourceRecord[] | null> {
    if (this.#sent) return null;
    this.#sent = true;
    return Array.from({ length: 5 }, (_, n) => new SourceRecord({ topic: 'orders', kafkaPartition: 0, key: `late-${n}`, value: `late-${n}`, sourcePartition: { late: 0 }, sourceOffset: { n } }));
  }
  override isFinished(): boolean {
    return this.#sent;
  }
  stop(): void {}
}
class LateConnector extends SourceConnector {
  version(): string {
    return '1';
  }
  async start(_config: ConnectorConfig): Promise<void> {
    await new Promise((r) => setTimeout(r, 600));
  }
  taskConfigs(): ConnectorConfig[] {
    return [{}];
  }
  stop(): void {}
  config(): ConfigDef {
    return new ConfigDef();
  }
  taskClass(): SourceTaskClass {
    return LateTask;
  }
}
const latePlugin: ConnectorPlugin = { type: 'source', className: 'com.example.LateConnector', aliases: [], version: '1', create: () => new LateConnector(), configDef: () => new ConfigDef() };

test('finished() waits for a source connector that is slow to start, though every record so far was committed', { timeout: 60_000 }, async () => {
  const out = join(tempDir('embedded-late'), 'lines.txt');
  const p = await Sluice.pipeline({
    worker: { 'value.converter': 'string', 'key.converter': 'string' },
    plugins: [latePlugin],
    connectors: [
      { name: 'gen', config: { 'connector.class': 'datagen', 'kafka.topic': 'orders', 'max.records': 200, 'random.seed': 3 } },
      { name: 'late', config: { 'connector.class': 'com.example.LateConnector' } },
      { name: 'out', config: { 'connector.class': 'FileStreamSink', topics: 'orders', file: out } },
    ],
  });
  await p.start();
  try {
    await p.finished();
  } finally {
    await p.stop();
  }
  const lines = readFileSync(out, 'utf8').split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 205, "datagen's 200 records and the late source's 5");
  assert.deepEqual(lines.filter((l) => l.startsWith('late-')), ['late-0', 'late-1', 'late-2', 'late-3', 'late-4']);
});
