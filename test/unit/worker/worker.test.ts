import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Worker, type AnyTask } from '../../../src/worker/worker.js';
import { parseWorkerSettings } from '../../../src/worker/worker-config.js';
import type { WorkerRuntime } from '../../../src/worker/runtime.js';
import { NO_RESTART, silentLog } from '../../../src/actors/index.js';
import type { ConnectorConfig } from '../../../src/connectors/api/index.js';
import { FakeRuntime, ShardConnector, ShardTask, eventually } from './fixtures.js';

const ENV_PROVIDER = {
  'config.providers': 'env',
  'config.providers.env.class': 'org.apache.kafka.common.config.provider.EnvVarConfigProvider',
};

async function startedWorker(): Promise<{ worker: Worker; runtime: FakeRuntime }> {
  const worker = new Worker({ settings: parseWorkerSettings(ENV_PROVIDER), log: silentLog });
  const runtime = new FakeRuntime();
  await worker.start(runtime);
  return { worker, runtime };
}

describe('Worker', () => {
  test('a connector actor starts the instance with its resolved config and hands back task configs; startups are counted', async () => {
    const { worker } = await startedWorker();
    const received: ConnectorConfig[][] = [];
    const connector = new ShardConnector();
    process.env['SLUICE_TEST_SHARDS'] = 'a,b';
    worker.startConnector({
      name: 'c',
      type: 'source',
      connector,
      config: { 'connector.class': 'shards', name: 'c', shards: '${env:SLUICE_TEST_SHARDS}', 'tasks.max': '2' },
      target: 'STARTED',
      restartPolicy: NO_RESTART,
      onTaskConfigs: (configs) => {
        received.push(configs);
      },
    });
    await eventually(() => received.length > 0 && worker.connectorState('c').state === 'RUNNING', 'task configs computed');
    assert.deepEqual(received, [[{ shard: 'a' }, { shard: 'b' }]]);
    assert.equal(worker.connectorState('c').state, 'RUNNING');
    assert.equal(worker.counters().connectorStartupAttempts, 1);
    assert.equal(worker.counters().connectorStartupSuccesses, 1);
    await worker.stopConnector('c');
    assert.equal(worker.connectorState('c').state, 'UNASSIGNED');
    await worker.stop();
  });

  test('a task gets a fresh instance and its configs resolved per start; a failing start is counted and FAILED; a budgeted stop reaches the run', async () => {
    const { worker, runtime } = await startedWorker();
    const instances: AnyTask[] = [];
    const spec = {
      id: { connector: 'c', task: 0 },
      type: 'source' as const,
      taskClass: () => ShardTask,
      connectorConfig: { 'connector.class': 'shards', name: 'c' },
      taskConfig: { shard: '${env:SLUICE_TEST_SHARD}' },
      target: 'STARTED' as const,
      restartPolicy: NO_RESTART,
      onInstance: (t: AnyTask) => instances.push(t),
      onTopic: () => {},
    };
    process.env['SLUICE_TEST_SHARD'] = 'a';
    worker.startTask(spec);
    await eventually(() => worker.taskState('c', 0).state === 'RUNNING', 'task running');
    assert.deepEqual(runtime.started[0]!.spec.taskConfig, { shard: 'a' });
    assert.equal(instances.length, 1);
    await worker.stopTask('c', 0, 100);
    assert.ok(runtime.run('c', 0).calls.includes('stop'));

    runtime.failNextStart.add('c-1');
    worker.startTask({ ...spec, id: { connector: 'c', task: 1 } });
    await eventually(() => worker.taskState('c', 1).state === 'FAILED', 'task failed');
    assert.match(worker.taskState('c', 1).trace ?? '', /cannot start c-1/);
    const n = worker.counters();
    assert.deepEqual([n.taskStartupAttempts, n.taskStartupSuccesses, n.taskStartupFailures], [2, 1, 1]);
    await worker.stopTask('c', 1);
    await worker.stop();
    assert.equal(runtime.closed, true);
  });

  test('a task whose start has not finished is not finished, whatever its unstarted instance says; a run that reports for itself is asked', async () => {
    // A task thread loading its modules on a busy machine: the start takes a while, and the instance the Worker
    // made on this thread (never started, so `isFinished()` of an empty share is true) is not the one that runs.
    const runtime = new FakeRuntime();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let saysFinished = false;
    const started = runtime.startTask.bind(runtime);
    const slowStart: WorkerRuntime['startTask'] = (spec) => gate.then(() => Object.assign(started(spec), { finished: () => saysFinished }));
    runtime.startTask = slowStart as FakeRuntime['startTask'];
    const worker = new Worker({ settings: parseWorkerSettings({}), log: silentLog });
    await worker.start(runtime);
    const instance = new ShardTask();
    instance.finished = true;
    const id = { connector: 'slow', task: 0 };
    worker.startTask({
      id, type: 'source', taskClass: () => ShardTask, connectorConfig: { 'connector.class': 'shards', name: 'slow' }, taskConfig: {},
      target: 'STARTED', restartPolicy: NO_RESTART, onInstance: () => {}, onTopic: () => {},
    });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(worker.taskProgress(id, 'source', instance, 'RUNNING').finished, false, 'not started: not finished');
    release();
    await eventually(() => worker.taskState('slow', 0).state === 'RUNNING' && runtime.started.length === 1, 'task running');
    assert.equal(worker.taskProgress(id, 'source', instance).finished, false, 'the run says not yet, the local instance is not asked');
    saysFinished = true;
    assert.equal(worker.taskProgress(id, 'source', instance).finished, true);
    await worker.stopTask('slow', 0, 100);
    await worker.stop();
  });
});
