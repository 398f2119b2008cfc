import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SimulatedClock, createActor, waitFor } from 'xstate';
import { ConfigDef, SourceConnector, type ConnectorConfig, type SourceTaskClass } from '../../../src/connectors/api/index.js';
import { connectorMachine, connectorStatus, type ConnectorActor, type ConnectorSnapshot } from '../../../src/actors/connector-machine.js';
import type { TargetState } from '../../../src/actors/status.js';
import type { RestartPolicy } from '../../../src/actors/restart-policy.js';

class FakeConnector extends SourceConnector {
  calls: string[] = [];
  tasks = 2;
  failStarts = 0;
  reconfigure(): void {
    this.context.requestTaskReconfiguration();
  }
  raise(e: Error): void {
    this.context.raiseError(e);
  }
  version(): string {
    return '1';
  }
  start(config: ConnectorConfig): void {
    this.calls.push('start');
    if (this.failStarts > 0) {
      this.failStarts--;
      throw new Error(`cannot reach ${config['db'] ?? 'db'}`);
    }
  }
  taskConfigs(maxTasks: number): ConnectorConfig[] {
    this.calls.push(`taskConfigs(${maxTasks})`);
    return Array.from({ length: this.tasks }, (_, i) => ({ shard: String(i) }));
  }
  stop(): void {
    this.calls.push('stop');
  }
  config(): ConfigDef {
    return new ConfigDef();
  }
  taskClass(): SourceTaskClass {
    throw new Error('not used');
  }
}

function startConnector(opts: { target?: TargetState; config?: ConnectorConfig; policy?: RestartPolicy; clock?: SimulatedClock } = {}) {
  const connector = new FakeConnector();
  const published: ConnectorConfig[][] = [];
  const clock = opts.clock;
  const actor = createActor(connectorMachine, {
    input: {
      name: 'c',
      connector,
      config: { name: 'c', 'tasks.max': '2', ...opts.config },
      target: opts.target ?? 'STARTED',
      onTaskConfigs: (configs) => {
        published.push(configs);
      },
      ...(opts.policy ? { restartPolicy: opts.policy } : {}),
      ...(clock ? { now: () => clock.now(), random: () => 0 } : {}),
    },
    ...(clock ? { clock } : {}),
  });
  actor.subscribe({ error: (e) => assert.fail(`connector actor errored: ${String(e)}`) });
  return { actor, connector, published };
}

const state = (a: ConnectorActor) => connectorStatus(a.getSnapshot()).state;
const settled = (a: ConnectorActor, value: Parameters<ConnectorSnapshot['matches']>[0]) => waitFor(a, (s) => s.matches(value));

describe('connector machine', () => {
  test('starts the connector and publishes its task configs', async () => {
    const { actor, connector, published } = startConnector();
    actor.start();
    await settled(actor, 'running');
    assert.equal(state(actor), 'RUNNING');
    assert.deepEqual(connector.calls, ['start', 'taskConfigs(2)']);
    assert.deepEqual(published, [[{ shard: '0' }, { shard: '1' }]]);
  });

  test('more task configs than tasks.max fails the connector', async () => {
    const { actor, connector, published } = startConnector({ config: { 'tasks.max': '1' } });
    actor.start();
    await settled(actor, 'failed');
    const status = connectorStatus(actor.getSnapshot());
    assert.equal(status.state, 'FAILED');
    assert.match(status.trace!, /generated 2 tasks, which is greater than 1/);
    assert.deepEqual(published, []);
    assert.deepEqual(connector.calls, ['start', 'taskConfigs(1)']);
  });

  test('tasks.max.enforce=false lets the extra configs through', async () => {
    const { actor, published } = startConnector({ config: { 'tasks.max': '1', 'tasks.max.enforce': 'false' } });
    actor.start();
    await settled(actor, 'running');
    assert.equal(published[0]!.length, 2);
  });

  test('requestTaskReconfiguration recomputes the task configs', async () => {
    const { actor, connector, published } = startConnector();
    actor.start();
    await settled(actor, 'running');
    connector.tasks = 1;
    connector.reconfigure();
    await waitFor(actor, (s) => s.matches('running') && published.length === 2);
    assert.deepEqual(published[1], [{ shard: '0' }]);
  });

  test('PAUSED stops the Connector instance; resume starts it again and recomputes configs', async () => {
    const { actor, connector, published } = startConnector();
    actor.start();
    await settled(actor, 'running');
    actor.send({ type: 'PAUSE' });
    await settled(actor, 'paused');
    assert.equal(state(actor), 'PAUSED');
    assert.deepEqual(connector.calls, ['start', 'taskConfigs(2)', 'stop']);
    actor.send({ type: 'RESUME' });
    await settled(actor, 'running');
    assert.deepEqual(connector.calls, ['start', 'taskConfigs(2)', 'stop', 'start', 'taskConfigs(2)']);
    assert.equal(published.length, 2);
  });

  test('STOPPED stops the instance; the actor stays and reports STOPPED', async () => {
    const { actor, connector } = startConnector();
    actor.start();
    await settled(actor, 'running');
    actor.send({ type: 'STOP' });
    await settled(actor, 'stopped');
    assert.equal(state(actor), 'STOPPED');
    assert.deepEqual(connector.calls.at(-1), 'stop');
  });

  test('an initial target of PAUSED or STOPPED never starts the instance', async () => {
    for (const target of ['PAUSED', 'STOPPED'] as const) {
      const { actor, connector } = startConnector({ target });
      actor.start();
      assert.equal(state(actor), target);
      assert.deepEqual(connector.calls, []);
    }
  });

  test('a pause that arrives while starting is applied once start returns', async () => {
    const { actor, connector } = startConnector();
    actor.start();
    actor.send({ type: 'PAUSE' });
    await settled(actor, 'paused');
    assert.deepEqual(connector.calls, ['start', 'stop']);
  });

  test('start throwing → FAILED with trace; RESTART brings it back', async () => {
    const { actor, connector } = startConnector({ config: { db: 'db.example:5432' } });
    connector.failStarts = 1;
    actor.start();
    await settled(actor, 'failed');
    assert.match(connectorStatus(actor.getSnapshot()).trace!, /cannot reach db\.example:5432/);
    actor.send({ type: 'RESTART' });
    await settled(actor, 'running');
    assert.equal(connectorStatus(actor.getSnapshot()).trace, undefined);
  });

  test('raiseError fails the connector', async () => {
    const { actor, connector } = startConnector();
    actor.start();
    await settled(actor, 'running');
    connector.raise(new Error('source table dropped'));
    await settled(actor, 'failed');
    assert.match(connectorStatus(actor.getSnapshot()).trace!, /source table dropped/);
  });

  test('restart of a running connector stops and starts the instance', async () => {
    const { actor, connector } = startConnector();
    actor.start();
    await settled(actor, 'running');
    actor.send({ type: 'RESTART' });
    assert.equal(state(actor), 'RESTARTING');
    await settled(actor, 'running');
    assert.deepEqual(connector.calls, ['start', 'taskConfigs(2)', 'stop', 'start', 'taskConfigs(2)']);
  });

  test('SHUTDOWN stops the instance and ends the actor', async () => {
    const { actor, connector } = startConnector();
    actor.start();
    await settled(actor, 'running');
    actor.send({ type: 'SHUTDOWN' });
    await waitFor(actor, (s) => s.status === 'done');
    assert.equal(connector.calls.at(-1), 'stop');
  });

  test('restart policy brings a failed connector back after the backoff', async () => {
    const clock = new SimulatedClock();
    const policy: RestartPolicy = { kind: 'on-failure', initialBackoffMs: 1000, maxBackoffMs: 1000, maxRestarts: 5, windowMs: 60_000 };
    const { actor, connector } = startConnector({ policy, clock });
    connector.failStarts = 1;
    actor.start();
    await settled(actor, 'failed');
    assert.equal(connectorStatus(actor.getSnapshot()).restart?.next_attempt_at, 500);
    clock.increment(500);
    await settled(actor, 'running');
    assert.deepEqual(connectorStatus(actor.getSnapshot()).restart, { policy: 'on-failure', restarts: 1, next_attempt_at: null, exhausted: false });
  });
});
