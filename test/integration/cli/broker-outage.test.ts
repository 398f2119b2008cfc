/**
 * A broker outage in the middle of a stream, as Kafka Connect rides it out: `sluice run` of datagen → Kafka →
 * FileStreamSink against a private broker (test/support/private-broker.ts; never the shared one), the broker
 * killed with SIGKILL while records flow and started again ~10 s later on the same ports and data. The producer
 * retries until delivery.timeout.ms and the consumer reconnects, so the run finishes by itself with every
 * generated record in the file (at-least-once: duplicates are allowed, and counted), no FAILED task and no
 * restart by hand.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PrivateBroker } from '../../support/private-broker.js';
import { completeness, orderIds, sluice, tempDir, until, writeJson } from './support.js';

const N = 30_000;
const RATE = 1_500; // records/s: the stream lasts ~20 s, so the outage falls in its middle
const OUTAGE_MS = 10_000;

describe('a broker outage during datagen → Kafka → file', () => {
  let broker: PrivateBroker | undefined;
  after(async () => {
    await broker?.close();
  });

  test('kill -9 and restart of the broker loses nothing and needs no manual restart', { timeout: 420_000 }, async (t) => {
    broker = await PrivateBroker.start();
    const dir = tempDir('outage');
    const out = join(dir, 'orders.jsonl');
    const pipeline = writeJson(dir, 'pipeline.json', {
      worker: {
        'bootstrap.servers': broker.bootstrap,
        'offset.storage.file.filename': join(dir, 'offsets.json'),
        'offset.flush.interval.ms': 1000,
        'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
        'key.converter.schemas.enable': false,
        'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
        'value.converter.schemas.enable': false,
      },
      connectors: [
        {
          name: 'gen',
          config: { 'connector.class': 'datagen', 'kafka.topic': 'orders', quickstart: 'orders', 'max.records': N, 'records.per.second': RATE, 'random.seed': 11 },
        },
        {
          name: 'out',
          config: { 'connector.class': 'FileStreamSink', topics: 'orders', file: out, 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' },
        },
      ],
    });
    const run = sluice(['run', '--no-rest', '--log-level', 'info', pipeline]);
    let ended: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    void run.exited.then((e) => (ended = e));
    try {
      await until(() => ended !== null || orderIds(out).length >= N / 5, 'a fifth of the records in the file', 120_000);
      assert.equal(ended, null, `sluice ended before the outage:\n${run.stderr()}`);
      const before = orderIds(out).length;
      await broker.kill();
      t.diagnostic(`broker killed (kill -9) with ${before} records in the file`);
      await new Promise((r) => setTimeout(r, OUTAGE_MS));
      const restartedAt = Date.now();
      await broker.restart();
      t.diagnostic(`broker back after ${OUTAGE_MS + Date.now() - restartedAt} ms of outage`);
      await until(() => ended !== null, 'sluice run to finish by itself', 240_000);
    } finally {
      if (ended === null) run.child.kill('SIGKILL');
      // What the run said about the outage, for a failing run's report.
      writeJson(dir, 'sluice.log', run.stdout() + run.stderr());
      const noted = run.logs().filter((l) => Number(l['level']) >= 40);
      t.diagnostic(`${orderIds(out).length} lines in the file; ${noted.length} warnings/errors (all in ${join(dir, 'sluice.log')}); the last:`);
      for (const l of noted.slice(-8)) t.diagnostic(JSON.stringify({ msg: l['msg'], err: (l['err'] as { message?: string } | undefined)?.message }).slice(0, 400));
    }
    const logs = run.logs();
    const failures = logs.filter((l) => /failed/.test(String(l['msg'])) && Number(l['level']) >= 50);
    const ids = orderIds(out);
    const { missing, duplicates } = completeness(ids, N);
    t.diagnostic(`${ids.length} lines for ${N} records: ${missing.length} missing, ${duplicates} duplicates`);
    assert.equal((ended as { code: number | null } | null)?.code, 0, `exit code; stderr:\n${run.stderr()}\nerrors:\n${failures.map((l) => JSON.stringify(l)).join('\n')}`);
    assert.deepEqual(failures, [], 'no task or connector failed');
    assert.deepEqual(missing.slice(0, 20), [], `${missing.length} records lost`);
    const end = logs.find((l) => l['msg'] === 'run ended')!;
    assert.equal(end['reason'], 'pipeline finished');
  });
});
