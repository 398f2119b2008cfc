// A sink's consumer lag per partition on the real broker (`bash scripts/stack.sh up`): records behind each
// partition's end while a slow sink catches up, zero on every partition once it has, in the task metrics and in
// /metrics (sluice_task_consumer_lag_records).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sluice } from '../../../src/index.js';
import { RestServer, parseExposition } from '../../../src/rest/index.js';
import { KAFKA_BROKERS, uniqueName } from '../../support/services.js';
import { freePort } from '../../support/ports.js';

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').length : 0);

async function until<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a slow sink shows its lag per partition, and zero once it caught up', { timeout: 120_000 }, async () => {
  const topic = uniqueName('lagging');
  const file = join(mkdtempSync(join(tmpdir(), 'sluice-lag-')), 'out.jsonl');
  const total = 2000;
  const sinkName = uniqueName('slow');
  const base = `http://127.0.0.1:${await freePort()}`;
  const p = await Sluice.pipeline({
    worker: { 'bootstrap.servers': KAFKA_BROKERS.join(','), listeners: base, 'value.converter': 'json', 'value.converter.schemas.enable': false, 'offset.flush.interval.ms': 500 },
    connectors: [
      {
        name: uniqueName('gen'),
        config: {
          'connector.class': 'datagen', 'kafka.topic': topic, 'max.records': total, 'random.seed': 2, 'batch.size': 200, 'key.field': 'order_id',
          'topic.creation.default.partitions': 2, 'topic.creation.default.replication.factor': 1,
        },
      },
      { name: sinkName, config: { 'connector.class': 'FileStreamSink', topics: topic, file, 'sluice.rate.limit.records.per.second': 400, 'consumer.override.max.poll.records': 50 } },
    ],
  });
  await p.start();
  const rest = await RestServer.start({ herder: p.herder });
  const lagOf = () => p.progress().find((t) => t.type === 'sink')?.metrics?.consumerLag ?? [];
  try {
    const behind = await until('a lag above zero', () => lagOf().some((l) => l.lag > 0) && lagOf());
    for (const l of behind) {
      assert.equal(l.topic, topic);
      assert.ok(l.lag <= total, `lag ${l.lag} of partition ${l.partition}`);
    }
    await until('every record written', () => lines(file) >= total);
    const caughtUp = await until('both partitions at their end', () => {
      const lag = lagOf();
      return lag.length === 2 && lag.every((l) => l.lag === 0) && lag;
    });
    assert.deepEqual(caughtUp.map((l) => l.partition), [0, 1]);
    const metrics = parseExposition(await (await fetch(`${base}/metrics`)).text());
    for (const partition of [0, 1]) {
      const key = `sluice_task_consumer_lag_records{connector="${sinkName}",task="0",topic="${topic}",partition="${partition}"}`;
      assert.equal(metrics.get(key), 0, `${key} in /metrics`);
    }
    assert.equal(lines(file), total);
  } finally {
    await rest.stop();
    await p.stop();
  }
});
