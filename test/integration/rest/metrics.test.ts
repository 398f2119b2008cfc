// GET /metrics while a datagen → file pipeline runs: the exposition parses, counters only grow, and at the end
// they equal the records moved (and the lines in the output file).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseExposition, EXPOSITION_CONTENT_TYPE } from '../../../src/rest/index.js';
import { api, eventually, startWorker, tempDir, waitForStates } from './support.js';

const lines = (file: string): number => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0);

test('metrics scraped during a datagen → file pipeline match the records moved', { timeout: 120_000 }, async () => {
  const n = 4000;
  const out = join(tempDir('metrics'), 'out.txt');
  const w = await startWorker({ 'value.converter': 'json', 'value.converter.schemas.enable': 'false' });
  const scrape = async () => {
    const r = await fetch(`${w.base}/metrics`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), EXPOSITION_CONTENT_TYPE);
    return parseExposition(await r.text());
  };
  const sum = (m: Map<string, number>, prefix: string) =>
    [...m].filter(([k]) => k.startsWith(prefix)).reduce((s, [, v]) => s + v, 0);
  const POLL = 'kafka_connect_source_task_metrics_source_record_poll_total{connector="gen"';
  const WRITE = 'kafka_connect_source_task_metrics_source_record_write_total{connector="gen"';
  const READ = 'kafka_connect_sink_task_metrics_sink_record_read_total{connector="out"';
  const SEND = 'kafka_connect_sink_task_metrics_sink_record_send_total{connector="out"';
  try {
    assert.equal((await api(w.base, 'POST', '/connectors', {
      name: 'out', config: { 'connector.class': 'FileStreamSink', topics: 'orders', file: out },
    })).status, 201);
    assert.equal((await api(w.base, 'POST', '/connectors', {
      name: 'gen',
      config: { 'connector.class': 'datagen', 'kafka.topic': 'orders', 'max.records': String(n), 'tasks.max': '2', 'records.per.second': '1500', 'batch.size': '100' },
    })).status, 201);
    await waitForStates(w.base, 'gen', 'RUNNING RUNNING RUNNING');

    // Scrape while records move: every counter only grows and never passes what was produced.
    let previous = new Map<string, number>();
    let sawMidRun = false;
    let sawRate = false;
    while (lines(out) < n) {
      const m = await scrape();
      for (const prefix of [POLL, WRITE, READ, SEND]) {
        const now = sum(m, prefix);
        assert.ok(now >= sum(previous, prefix), `${prefix} only grows`);
        assert.ok(now <= n, `${prefix} ≤ ${n}`);
      }
      assert.ok(sum(m, WRITE) <= sum(m, POLL), 'acked ≤ polled');
      assert.ok(sum(m, SEND) <= sum(m, READ), 'put ≤ read');
      const polled = sum(m, POLL);
      if (polled > 0 && polled < n) sawMidRun = true;
      if (sum(m, 'kafka_connect_source_task_metrics_source_record_poll_rate{connector="gen"') > 0) sawRate = true;
      previous = m;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(sawMidRun, 'scraped while the pipeline was running');
    assert.ok(sawRate, 'a poll rate above zero was reported while running');

    const m = await eventually(async () => {
      const s = await scrape();
      return sum(s, SEND) === n && sum(s, WRITE) === n ? s : null;
    }, 'final counters');
    assert.equal(lines(out), n);
    assert.equal(sum(m, POLL), n);
    assert.equal(sum(m, WRITE), n);
    assert.equal(sum(m, READ), n);
    assert.equal(sum(m, SEND), n);
    assert.equal(m.get('kafka_connect_source_task_metrics_source_record_poll_total{connector="gen",task="0"}'), n / 2);
    assert.equal(m.get('kafka_connect_source_task_metrics_source_record_poll_total{connector="gen",task="1"}'), n / 2);
    assert.equal(sum(m, 'sluice_task_records_total{connector="gen",task="0",stage="acked"}'), n / 2);
    assert.equal(sum(m, 'sluice_task_records_total{connector="out",task="0",stage="put"}'), n);
    assert.equal(sum(m, 'sluice_task_records_total{connector="out",task="0",stage="consumed"}'), n);

    assert.equal(m.get('kafka_connect_connect_worker_metrics_connector_count'), 2);
    assert.equal(m.get('kafka_connect_connect_worker_metrics_task_count'), 3);
    assert.equal(m.get('kafka_connect_connect_worker_metrics_connector_startup_attempts_total'), 2);
    assert.equal(m.get('kafka_connect_connect_worker_metrics_connector_startup_success_total'), 2);
    assert.equal(m.get('kafka_connect_connect_worker_metrics_task_startup_success_total'), 3);
    assert.equal(m.get('kafka_connect_connect_worker_metrics_task_startup_failure_total'), 0);
    assert.equal(m.get('kafka_connect_connect_worker_metrics_connector_running_task_count{connector="gen"}'), 2);
    assert.equal(m.get('kafka_connect_connector_metrics_status{connector="gen",status="running"}'), 1);
    assert.equal(m.get('kafka_connect_connector_task_metrics_status{connector="out",task="0",status="running"}'), 1);
    const batchMax = m.get('kafka_connect_connector_task_metrics_batch_size_max{connector="gen",task="0"}')!;
    assert.ok(batchMax > 0 && batchMax <= 100, `largest batch ${batchMax} within batch.size`);
    assert.equal(m.get('kafka_connect_task_error_metrics_total_record_errors{connector="out",task="0"}'), 0);
    assert.equal(m.get('kafka_connect_task_error_metrics_deadletterqueue_produce_requests{connector="gen",task="1"}'), 0);
    assert.ok(m.get('kafka_connect_sink_task_metrics_put_batch_avg_time_ms{connector="out",task="0"}')! >= 0);
    assert.equal(m.get('kafka_connect_source_task_metrics_source_record_active_count{connector="gen",task="0"}'), 0);

    // Offset commits are counted (offset.flush.interval.ms=500 in these tests).
    await eventually(async () => (await scrape()).get('kafka_connect_connector_task_metrics_offset_commit_success_percentage{connector="out",task="0"}') === 1, 'sink offset commits');
    const after = await scrape();
    assert.ok(after.get('sluice_task_offset_commits_total{connector="gen",task="0",result="success"}')! >= 1);
    assert.equal(after.get('kafka_connect_connector_task_metrics_offset_commit_failure_percentage{connector="gen",task="0"}'), 0);

    // A paused connector shows up as paused.
    assert.equal((await api(w.base, 'PUT', '/connectors/out/pause')).status, 202);
    await waitForStates(w.base, 'out', 'PAUSED PAUSED');
    const paused = await scrape();
    assert.equal(paused.get('kafka_connect_connector_metrics_status{connector="out",status="paused"}'), 1);
    assert.equal(paused.get('kafka_connect_connect_worker_metrics_connector_paused_task_count{connector="out"}'), 1);
  } finally {
    await w.stop();
  }
});

test('restart policy state is exported', { timeout: 60_000 }, async () => {
  const w = await startWorker();
  try {
    assert.equal((await api(w.base, 'POST', '/connectors', {
      name: 'gen',
      config: { 'connector.class': 'datagen', 'kafka.topic': 't', 'records.per.second': '10', 'sluice.restart.policy': 'on-failure' },
    })).status, 201);
    await waitForStates(w.base, 'gen', 'RUNNING RUNNING');
    const text = await (await fetch(`${w.base}/metrics`)).text();
    const m = parseExposition(text);
    assert.equal(m.get('sluice_connector_restart_policy_restarts{connector="gen",policy="on-failure"}'), 0);
    assert.equal(m.get('sluice_task_restart_policy_exhausted{connector="gen",task="0",policy="on-failure"}'), 0);
    assert.match(text, /^# TYPE sluice_task_restart_policy_restarts gauge$/m);
  } finally {
    await w.stop();
  }
});

test('error tolerance: skipped records and dead letter queue writes are counted', { timeout: 60_000 }, async () => {
  const n = 50;
  const w = await startWorker();
  try {
    // The source writes plain text; the sink expects JSON: every record fails conversion and goes to the DLQ.
    assert.equal((await api(w.base, 'POST', '/connectors', {
      name: 'gen',
      config: { 'connector.class': 'datagen', 'kafka.topic': 'text', 'max.records': String(n), 'value.converter': 'string' },
    })).status, 201);
    assert.equal((await api(w.base, 'POST', '/connectors', {
      name: 'out',
      config: {
        'connector.class': 'FileStreamSink', topics: 'text', file: join(tempDir('dlq'), 'out.txt'),
        'value.converter': 'json', 'value.converter.schemas.enable': 'false',
        'errors.tolerance': 'all', 'errors.deadletterqueue.topic.name': 'dlq',
      },
    })).status, 201);
    const labels = '{connector="out",task="0"}';
    const m = await eventually(async () => {
      const s = parseExposition(await (await fetch(`${w.base}/metrics`)).text());
      return s.get(`kafka_connect_task_error_metrics_total_records_skipped${labels}`) === n ? s : null;
    }, `${n} records skipped`);
    assert.equal(m.get(`kafka_connect_task_error_metrics_total_record_errors${labels}`), n);
    assert.equal(m.get(`kafka_connect_sink_task_metrics_sink_record_read_total${labels}`), n);
    assert.equal(m.get(`kafka_connect_sink_task_metrics_sink_record_send_total${labels}`), 0);
    await eventually(async () => {
      const s = parseExposition(await (await fetch(`${w.base}/metrics`)).text());
      return s.get(`kafka_connect_task_error_metrics_deadletterqueue_produce_requests${labels}`) === n;
    }, `${n} dead letter queue writes`);
    await waitForStates(w.base, 'out', 'RUNNING RUNNING');
  } finally {
    await w.stop();
  }
});
