// planReload: what a reload of the pipeline files does — added, removed, changed and re-stated connectors, worker
// keys reported — and nothing for the connectors that did not change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planReload, isEmptyPlan, type RunningConnector } from '../../../src/cli/pipeline-reload.js';
import type { PipelineConnectorSpec } from '../../../src/cli/pipeline-file.js';

const c = (name: string, config: Record<string, string>, initialState: PipelineConnectorSpec['initialState'] = 'RUNNING'): PipelineConnectorSpec => ({
  name,
  config: { name, ...config },
  initialState,
  file: 'p.json',
});
const running = (...cs: PipelineConnectorSpec[]) => new Map<string, RunningConnector>(cs.map((x) => [x.name, { config: x.config, initialState: x.initialState }]));

test('unchanged files plan nothing; key order does not count as a change', () => {
  const a = c('a', { 'connector.class': 'datagen', 'kafka.topic': 't' });
  const reordered = { ...a, config: { 'kafka.topic': 't', name: 'a', 'connector.class': 'datagen' } };
  const plan = planReload(running(a), { x: '1' }, { worker: { x: '1' }, connectors: [reordered] });
  assert.ok(isEmptyPlan(plan));
  assert.deepEqual(plan.workerKeys, []);
});

test('added, removed, changed and re-stated connectors, and the worker keys that changed', () => {
  const a = c('a', { 'connector.class': 'datagen', 'kafka.topic': 't' });
  const b = c('b', { 'connector.class': 'FileStreamSink', topics: 't', file: '/tmp/b' });
  const d = c('d', { 'connector.class': 'datagen', 'kafka.topic': 'u' });
  const plan = planReload(running(a, b, d), { 'offset.flush.interval.ms': '1000', gone: 'x' }, {
    worker: { 'offset.flush.interval.ms': '2000', fresh: 'y' },
    connectors: [
      { ...a, config: { ...a.config, 'kafka.topic': 't2' } },
      { ...d, initialState: 'PAUSED' },
      c('e', { 'connector.class': 'datagen', 'kafka.topic': 'v' }),
    ],
  });
  assert.deepEqual(plan.update.map((x) => [x.name, x.config['kafka.topic']]), [['a', 't2']]);
  assert.deepEqual(plan.state.map((x) => [x.name, x.initialState]), [['d', 'PAUSED']]);
  assert.deepEqual(plan.add.map((x) => x.name), ['e']);
  assert.deepEqual(plan.remove, ['b']);
  assert.deepEqual(plan.workerKeys, ['fresh', 'gone', 'offset.flush.interval.ms']);
});
