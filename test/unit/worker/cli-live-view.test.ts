import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ratesBetween, renderView } from '../../../src/cli/live-view.js';
import type { TaskProgress } from '../../../src/worker/herder.js';

const task = (connector: string, type: 'source' | 'sink', records: number, extra: Partial<TaskProgress> = {}): TaskProgress => ({
  connector,
  task: 0,
  type,
  state: 'RUNNING',
  finished: false,
  metrics: { recordsPolled: records, recordsWritten: records, recordsFiltered: 0, batches: 1, offsetCommits: 2, offsetCommitFailures: 0, lastOffsetCommitMs: null, inFlightBatches: 0 },
  ...extra,
});

describe('live view', () => {
  test('rates are records per second between two samples', () => {
    const rates = ratesBetween([task('gen', 'source', 1000)], [task('gen', 'source', 3500), task('new', 'sink', 10)], 500);
    assert.deepEqual([...rates], [['gen-0', 5000], ['new-0', 0]]);
  });

  test('shows each task with state, totals, rates and failures', () => {
    const lines = renderView({
      title: 'sluice — test',
      uptimeMs: 3_723_000,
      tasks: [task('gen', 'source', 12345, { finished: true }), task('out', 'sink', 12000, { state: 'FAILED' })],
      rates: new Map([['gen-0', 1500.4]]),
      failures: new Map([['out-0', 'Error: disk full']]),
      waitingFor: 'sinks to catch up (12000 of 12345 records)',
      recentLog: ['12:00:00 ERROR [out-0] task failed: disk full'],
    });
    const text = lines.join('\n');
    assert.match(lines[0]!, /sluice — test\s+up 01:02:03/);
    assert.match(text, /CONNECTOR\s+TASK\s+TYPE\s+STATE\s+RECORDS\s+REC\/S\s+COMMITS/);
    assert.match(text, /gen\s+0\s+source\s+RUNNING\s+12,345\s+1,500\s+2\s+finished/);
    assert.match(text, /out\s+0\s+sink\s+FAILED\s+12,000\s+0\s+2/);
    assert.match(text, /total: 12,345 records written by sources, 12,000 put by sinks/);
    assert.match(text, /FAILED out-0: Error: disk full/);
    assert.match(text, /waiting for sinks to catch up/);
    assert.match(text, /ERROR \[out-0\] task failed/);
  });
});
