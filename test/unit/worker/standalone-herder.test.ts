import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { PluginRegistry } from '../../../src/connectors/registry.js';
import { ConnectorConfigError } from '../../../src/connectors/validation.js';
import { StandaloneHerder } from '../../../src/worker/standalone-herder.js';
import { AlreadyExistsError, NotFoundError, WorkerConfigError } from '../../../src/worker/errors.js';
import { FakeRuntime, ShardConnector, ShardTask, eventually, nullSinkPlugin, shardPlugin } from './fixtures.js';

let runtime: FakeRuntime;
let herder: StandaloneHerder;

async function startHerder(worker: Record<string, string> = {}): Promise<void> {
  runtime = new FakeRuntime();
  const registry = new PluginRegistry().register(shardPlugin).register(nullSinkPlugin);
  herder = new StandaloneHerder({ worker: { 'rest.advertised.host.name': 'w1', ...worker }, registry, runtime: () => runtime });
  await herder.start();
}

const states = (name: string) => {
  const s = herder.connectorStatus(name);
  return [s.connector.state, ...s.tasks.map((t) => t.state)].join(' ');
};
const until = (name: string, expected: string) => eventually(() => states(name) === expected, `${name}: ${expected} (now ${states(name)})`);

describe('standalone herder', () => {
  beforeEach(() => startHerder());
  afterEach(() => herder.stop());

  test('runs a connector and one task per task config, in Kafka Connect shapes', async () => {
    const info = await herder.addConnector('src', { 'connector.class': 'shards', shards: 'a,b', 'tasks.max': '2' });
    assert.deepEqual(info, {
      name: 'src',
      config: { 'connector.class': 'shards', shards: 'a,b', 'tasks.max': '2', name: 'src' },
      tasks: [],
      type: 'source',
    });
    await until('src', 'RUNNING RUNNING RUNNING');
    assert.deepEqual(herder.connectorStatus('src'), {
      name: 'src',
      connector: { state: 'RUNNING', worker_id: 'w1:8083' },
      tasks: [
        { id: 0, state: 'RUNNING', worker_id: 'w1:8083' },
        { id: 1, state: 'RUNNING', worker_id: 'w1:8083' },
      ],
      type: 'source',
    });
    assert.deepEqual(herder.taskConfigs('src'), [
      { id: { connector: 'src', task: 0 }, config: { shard: 'a', 'task.class': 'test.ShardTask' } },
      { id: { connector: 'src', task: 1 }, config: { shard: 'b', 'task.class': 'test.ShardTask' } },
    ]);
    assert.deepEqual(herder.connectorInfo('src').tasks, [{ connector: 'src', task: 0 }, { connector: 'src', task: 1 }]);
    assert.deepEqual(herder.connectors(), ['src']);
    const started = runtime.started.map((s) => [s.spec.type, s.spec.taskConfig['shard'], s.spec.task instanceof ShardTask]);
    assert.deepEqual(started, [['source', 'a', true], ['source', 'b', true]]);
  });

  test('sink task configs carry the connector topics', async () => {
    await herder.addConnector('sink', { 'connector.class': 'null-sink', topics: 't1,t2', 'tasks.max': '2' });
    await until('sink', 'RUNNING RUNNING RUNNING');
    assert.deepEqual(herder.taskConfigs('sink')[1]!.config, { topics: 't1,t2', 'task.class': 'NullSinkTask' });
  });

  test('refuses an invalid config with every key and reason, and starts nothing', async () => {
    await assert.rejects(
      herder.addConnector('bad', { 'connector.class': 'shards', 'tasks.max': '0', 'sluice.restart.policy': 'always', shardz: 'a' }),
      (e: unknown) => {
        assert.ok(e instanceof ConnectorConfigError);
        const keys = e.problems.map((p) => p.key).sort();
        assert.deepEqual(keys, ['sluice.restart.policy', 'tasks.max'], 'an unknown key is kept, as Kafka Connect does');
        assert.match(e.message, /tasks\.max: .*at least 1/);
        assert.match(e.message, /sluice\.restart\.policy: .*none, on-failure/);
        return true;
      },
    );
    await assert.rejects(herder.addConnector('bad', { 'connector.class': 'NoSuchThing' }), /connector\.class|NoSuchThing/);
    assert.deepEqual(herder.connectors(), []);
    assert.equal(runtime.started.length, 0);
  });

  test('duplicate names are refused; unknown names are not found', async () => {
    await herder.addConnector('src', { 'connector.class': 'shards' });
    await assert.rejects(herder.addConnector('src', { 'connector.class': 'shards' }), AlreadyExistsError);
    assert.throws(() => herder.connectorStatus('nope'), NotFoundError);
    await assert.rejects(herder.pauseConnector('nope'), NotFoundError);
  });

  test('pause pauses the tasks and stops the connector instance; resume brings both back', async () => {
    await herder.addConnector('src', { 'connector.class': 'shards', shards: 'a,b', 'tasks.max': '2' });
    await until('src', 'RUNNING RUNNING RUNNING');
    await herder.pauseConnector('src');
    assert.equal(states('src'), 'PAUSED PAUSED PAUSED');
    assert.deepEqual(runtime.runs('src').map((r) => r.paused), [true, true]);
    await herder.resumeConnector('src');
    await until('src', 'RUNNING RUNNING RUNNING');
    assert.deepEqual(runtime.runs('src').map((r) => r.paused), [false, false]);
    assert.equal(runtime.started.length, 2, 'resume with unchanged task configs keeps the same tasks');
  });

  test('stop removes the tasks (STOPPED, tasks []); resume starts them again', async () => {
    await herder.addConnector('src', { 'connector.class': 'shards', shards: 'a,b', 'tasks.max': '2' });
    await until('src', 'RUNNING RUNNING RUNNING');
    await herder.stopConnector('src');
    assert.deepEqual(herder.connectorStatus('src').tasks, []);
    assert.equal(herder.connectorStatus('src').connector.state, 'STOPPED');
    assert.deepEqual(herder.taskConfigs('src'), []);
    assert.deepEqual(runtime.runs('src').map((r) => r.calls), [['stop'], ['stop']]);
    await herder.resumeConnector('src');
    await until('src', 'RUNNING RUNNING RUNNING');
    assert.equal(runtime.started.length, 4);
  });

  test('initial state PAUSED starts tasks paused; STOPPED starts nothing', async () => {
    await herder.addConnector('p', { 'connector.class': 'shards' }, 'PAUSED');
    await herder.addConnector('s', { 'connector.class': 'shards' }, 'STOPPED');
    assert.equal(states('s'), 'STOPPED');
    assert.equal(states('p'), 'PAUSED');
    await herder.resumeConnector('p');
    await until('p', 'RUNNING RUNNING');
  });

  test('a failing task goes FAILED with its trace; the other tasks keep running; restartTask brings it back', async () => {
    await herder.addConnector('src', { 'connector.class': 'shards', shards: 'a,b,c', 'tasks.max': '3' });
    await until('src', 'RUNNING RUNNING RUNNING RUNNING');
    runtime.run('src', 1).fail(new Error('upstream closed the connection'));
    await until('src', 'RUNNING RUNNING FAILED RUNNING');
    const failed = herder.taskStatus('src', 1);
    assert.match(failed.trace!, /^Error: upstream closed the connection\n\s+at /);
    assert.equal(runtime.run('src', 0).calls.length, 0);
    await herder.restartTask('src', 1);
    assert.equal(states('src'), 'RUNNING RUNNING RUNNING RUNNING');
    assert.equal(herder.taskStatus('src', 1).trace, undefined);
  });

  test('a task that cannot start goes FAILED', async () => {
    runtime.failNextStart.add('src-0');
    await herder.addConnector('src', { 'connector.class': 'shards' });
    await until('src', 'RUNNING FAILED');
    assert.match(herder.taskStatus('src', 0).trace!, /cannot start src-0/);
  });

  test('with the restart policy on, a failed task comes back by itself and the status shows the count', async () => {
    await herder.addConnector('src', {
      'connector.class': 'shards',
      'sluice.restart.policy': 'on-failure',
      'sluice.restart.backoff.initial.ms': '1',
      'sluice.restart.backoff.max.ms': '5',
    });
    await until('src', 'RUNNING RUNNING');
    runtime.run('src', 0).fail(new Error('transient'));
    await eventually(() => runtime.runs('src').length === 2 && states('src') === 'RUNNING RUNNING', 'automatic restart');
    assert.equal(herder.taskStatus('src', 0).restart?.restarts, 1);
    assert.equal(herder.taskStatus('src', 0).restart?.policy, 'on-failure');
  });

  test('restart with includeTasks&onlyFailed restarts only the failed task and predicts RESTARTING', async () => {
    await herder.addConnector('src', { 'connector.class': 'shards', shards: 'a,b', 'tasks.max': '2' });
    await until('src', 'RUNNING RUNNING RUNNING');
    runtime.run('src', 0).fail(new Error('boom'));
    await until('src', 'RUNNING FAILED RUNNING');
    const predicted = await herder.restartConnector('src', { includeTasks: true, onlyFailed: true });
    assert.deepEqual(
      [predicted.connector.state, ...predicted.tasks.map((t) => t.state)],
      ['RUNNING', 'RESTARTING', 'RUNNING'],
    );
    await until('src', 'RUNNING RUNNING RUNNING');
    assert.equal(runtime.started.length, 3);
    assert.equal(ShardConnector.instances.filter((c) => c.shards.join() === 'a,b').length >= 1, true);
  });

  test('a reconfiguration with new task configs restarts the tasks with them', async () => {
    ShardConnector.instances = [];
    await herder.addConnector('src', { 'connector.class': 'shards', shards: 'a,b', 'tasks.max': '3' });
    await until('src', 'RUNNING RUNNING RUNNING');
    const connector = ShardConnector.instances.at(-1)!;
    connector.reshard(['a', 'b', 'c']);
    await until('src', 'RUNNING RUNNING RUNNING RUNNING');
    assert.deepEqual(herder.taskConfigs('src').map((t) => t.config['shard']), ['a', 'b', 'c']);
    assert.deepEqual(runtime.runs('src').slice(0, 2).map((r) => r.calls), [['stop'], ['stop']]);
    const before = runtime.started.length;
    connector.reshard(['a', 'b', 'c']); // unchanged: no restart
    await eventually(() => herder.connectorStatus('src').connector.state === 'RUNNING', 'settled');
    assert.equal(runtime.started.length, before);
  });

  test('more task configs than tasks.max fails the connector', async () => {
    await herder.addConnector('src', { 'connector.class': 'shards', shards: 'a,b', 'tasks.max': '1' });
    await eventually(() => herder.connectorStatus('src').connector.state === 'FAILED', 'connector FAILED');
    assert.match(herder.connectorStatus('src').connector.trace!, /generated 2 tasks, which is greater than 1/);
    assert.equal(runtime.started.length, 0);
  });

  test('progress shows finished source tasks and metrics', async () => {
    await herder.addConnector('src', { 'connector.class': 'shards' });
    await until('src', 'RUNNING RUNNING');
    assert.deepEqual(herder.progress().map((p) => [p.connector, p.task, p.type, p.state, p.finished]), [['src', 0, 'source', 'RUNNING', false]]);
    (runtime.started[0]!.spec.task as ShardTask).finished = true;
    assert.equal(herder.progress()[0]!.finished, true);
    assert.equal(herder.progress()[0]!.metrics?.recordsPolled, 0);
  });

  test('delete stops the tasks and forgets the connector', async () => {
    await herder.addConnector('src', { 'connector.class': 'shards', shards: 'a,b', 'tasks.max': '2' });
    await until('src', 'RUNNING RUNNING RUNNING');
    await herder.deleteConnector('src');
    assert.deepEqual(herder.connectors(), []);
    assert.deepEqual(runtime.runs('src').map((r) => r.calls), [['stop'], ['stop']]);
    await herder.addConnector('src', { 'connector.class': 'shards' });
    await until('src', 'RUNNING RUNNING');
  });

  test('stop stops every task and closes the runtime', async () => {
    await herder.addConnector('a', { 'connector.class': 'shards' });
    await herder.addConnector('b', { 'connector.class': 'null-sink', topics: 't' });
    await until('a', 'RUNNING RUNNING');
    await until('b', 'RUNNING RUNNING');
    await herder.stop();
    assert.deepEqual(runtime.started.map((s) => s.run.calls), [['stop'], ['stop']]);
    assert.equal(runtime.closed, true);
  });
});

describe('standalone herder config', () => {
  test('an invalid worker config is refused with every key and reason', () => {
    assert.throws(
      () => new StandaloneHerder({ worker: { 'task.shutdown.graceful.timeout.ms': 'soon', 'offset.flush.interval.ms': '-1' }, runtime: () => new FakeRuntime() }),
      (e: unknown) => {
        assert.ok(e instanceof WorkerConfigError);
        assert.deepEqual(e.problems.map((p) => p.key).sort(), ['offset.flush.interval.ms', 'task.shutdown.graceful.timeout.ms']);
        assert.match(e.message, /at least 0/);
        return true;
      },
    );
  });

  test('a key no worker defines is kept and warned about once, with a did-you-mean (as Kafka logs unused keys)', () => {
    const warnings: string[] = [];
    const log = { debug() {}, info() {}, error() {}, warn: (_: unknown, msg?: string) => void warnings.push(String(msg)) };
    const herder = new StandaloneHerder({ worker: { 'offset.flush.intervl.ms': '5' }, runtime: () => new FakeRuntime(), log });
    assert.equal(herder.settings.raw['offset.flush.intervl.ms'], '5');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /unknown worker configuration key "offset\.flush\.intervl\.ms" \(did you mean "offset\.flush\.interval\.ms"\?\)/);
  });
});
