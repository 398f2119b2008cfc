// sluice.rate.limit.* on the real broker (`bash scripts/stack.sh up`): a source producing to Kafka and a sink
// consuming from it, each held to its records per second — every record arrives, no faster than the limit allows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sluice } from '../../../src/index.js';
import { KAFKA_BROKERS, uniqueName } from '../../support/services.js';

const WORKER = { 'bootstrap.servers': KAFKA_BROKERS.join(','), 'value.converter': 'json', 'value.converter.schemas.enable': false, 'key.converter': 'string', 'offset.flush.interval.ms': 500 };
const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').length : 0);

test('a rate-limited source into Kafka and a rate-limited sink out of it: every record, at the limits', { timeout: 120_000 }, async () => {
  const topic = uniqueName('rate-limited');
  const file = join(mkdtempSync(join(tmpdir(), 'sluice-rate-')), 'out.jsonl');
  const total = 3000;
  const p = await Sluice.pipeline({
    worker: WORKER,
    connectors: [
      { name: uniqueName('gen'), config: { 'connector.class': 'datagen', 'kafka.topic': topic, 'max.records': total, 'random.seed': 4, 'batch.size': 100, 'sluice.rate.limit.records.per.second': 1000 } },
      { name: uniqueName('out'), config: { 'connector.class': 'FileStreamSink', topics: topic, file, 'value.converter': 'string', 'sluice.rate.limit.records.per.second': 600, 'consumer.override.max.poll.records': 100 } },
    ],
  });
  const started = performance.now();
  await p.start();
  try {
    let produced = -1;
    while (lines(file) < total) {
      await new Promise((r) => setTimeout(r, 20));
      const source = p.progress().find((t) => t.type === 'source');
      if (produced < 0 && (source?.metrics?.recordsWritten ?? 0) >= total) produced = performance.now() - started;
    }
    const consumed = performance.now() - started;
    // 3000 at 1000/s: at least (3000 − 1000 burst − 100 batch) / 1000 s; at 600/s: (3000 − 600 − 100) / 600 s.
    assert.ok(produced < 0 || produced >= 1900, `the source produced ${total} in ${produced} ms`);
    assert.ok(consumed >= 3800, `the sink wrote ${total} in ${consumed} ms`);
    // (The source's own throttle time depends on how fast this machine produces; its limit is checked by the time above.)
    const sink = p.progress().find((t) => t.type === 'sink')!;
    assert.ok((sink.metrics?.throttleTimeMs ?? 0) > 2000, `sink throttled ${sink.metrics?.throttleTimeMs} ms`);
    assert.equal(lines(file), total);
  } finally {
    await p.stop();
  }
});
