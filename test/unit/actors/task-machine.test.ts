import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SimulatedClock, createActor, waitFor } from 'xstate';
import { taskMachine, taskStatus, type TaskActor } from '../../../src/actors/task-machine.js';
import type { RestartPolicy } from '../../../src/actors/restart-policy.js';
import { runFactory } from './fake-run.js';

const id = { connector: 'c', task: 0 };

function startTask(opts: { target?: 'STARTED' | 'PAUSED'; failStarts?: number; policy?: RestartPolicy; clock?: SimulatedClock } = {}) {
  const runs = runFactory(id, { failStarts: opts.failStarts ?? 0 });
  const clock = opts.clock;
  const actor = createActor(taskMachine, {
    input: {
      id,
      start: runs.start,
      target: opts.target ?? 'STARTED',
      shutdownTimeoutMs: 1000,
      ...(opts.policy ? { restartPolicy: opts.policy } : {}),
      ...(clock ? { now: () => clock.now(), random: () => 0.5 } : {}),
    },
    ...(clock ? { clock } : {}),
  });
  actor.subscribe({ error: (e) => assert.fail(`task actor errored: ${String(e)}`) });
  actor.start();
  return { actor, runs };
}

const state = (a: TaskActor) => taskStatus(a.getSnapshot()).state;
const reaches = (a: TaskActor, s: string) => waitFor(a, (snap) => taskStatus(snap).state === s);

describe('task machine', () => {
  test('starts the run and reports RUNNING', async () => {
    const { actor, runs } = startTask();
    assert.equal(state(actor), 'UNASSIGNED');
    await reaches(actor, 'RUNNING');
    assert.equal(runs.runs.length, 1);
  });

  test('a run whose done rejects goes FAILED with the stack trace, and stays there without a policy', async () => {
    const clock = new SimulatedClock();
    const { actor, runs } = startTask({ clock });
    await reaches(actor, 'RUNNING');
    const cause = new Error('disk on fire');
    runs.last.fail(new Error('task c-0 failed in TASK_POLL: disk on fire', { cause }));
    await reaches(actor, 'FAILED');
    const status = taskStatus(actor.getSnapshot());
    assert.match(status.trace!, /task c-0 failed in TASK_POLL/);
    assert.match(status.trace!, /Caused by: Error: disk on fire/);
    assert.match(status.trace!, /task-machine\.test\.ts/); // a real stack, not just the message
    assert.equal(status.restart, undefined);
    clock.increment(24 * 3600_000);
    assert.equal(state(actor), 'FAILED');
    assert.equal(runs.runs.length, 1);
  });

  test('a start that throws goes FAILED', async () => {
    const { actor } = startTask({ failStarts: 1 });
    await reaches(actor, 'FAILED');
    assert.match(taskStatus(actor.getSnapshot()).trace!, /start failed on purpose/);
  });

  test('initial target PAUSED starts the run paused', async () => {
    const { actor, runs } = startTask({ target: 'PAUSED' });
    await reaches(actor, 'PAUSED');
    assert.equal(runs.last.paused, true);
  });

  test('pause and resume reach the run', async () => {
    const { actor, runs } = startTask();
    await reaches(actor, 'RUNNING');
    actor.send({ type: 'PAUSE' });
    assert.equal(state(actor), 'PAUSED');
    actor.send({ type: 'PAUSE' });
    actor.send({ type: 'RESUME' });
    assert.equal(state(actor), 'RUNNING');
    assert.deepEqual(runs.last.calls, ['pause', 'resume']);
  });

  test('pause while starting is applied once the run exists', async () => {
    const { actor, runs } = startTask();
    actor.send({ type: 'PAUSE' });
    await reaches(actor, 'PAUSED');
    assert.equal(runs.last.paused, true);
  });

  test('SHUTDOWN stops the run and ends the actor', async () => {
    const { actor, runs } = startTask();
    await reaches(actor, 'RUNNING');
    actor.send({ type: 'SHUTDOWN' });
    await waitFor(actor, (s) => s.status === 'done');
    assert.deepEqual(runs.last.calls, ['stop']);
  });

  test('SHUTDOWN while starting stops the run as soon as it exists', async () => {
    const { actor, runs } = startTask();
    actor.send({ type: 'SHUTDOWN' });
    await waitFor(actor, (s) => s.status === 'done');
    assert.deepEqual(runs.last.calls, ['stop']);
  });

  test('RESTART stops the old run and starts a new one', async () => {
    const { actor, runs } = startTask();
    await reaches(actor, 'RUNNING');
    actor.send({ type: 'RESTART' });
    assert.equal(state(actor), 'RESTARTING');
    await waitFor(actor, (s) => taskStatus(s).state === 'RUNNING' && runs.runs.length === 2);
    assert.deepEqual(runs.runs[0]!.calls, ['stop']);
  });

  test('RESTART brings a FAILED task back', async () => {
    const { actor, runs } = startTask();
    await reaches(actor, 'RUNNING');
    runs.last.fail(new Error('boom'));
    await reaches(actor, 'FAILED');
    actor.send({ type: 'RESTART' });
    await reaches(actor, 'RUNNING');
    assert.equal(runs.runs.length, 2);
    assert.equal(taskStatus(actor.getSnapshot()).trace, undefined);
  });

  test('a run that ends by itself is finished, still RUNNING in Kafka Connect terms', async () => {
    const { actor, runs } = startTask();
    await reaches(actor, 'RUNNING');
    runs.last.finish();
    await waitFor(actor, (s) => s.matches('finished'));
    assert.deepEqual(taskStatus(actor.getSnapshot()), { state: 'RUNNING', finished: true });
  });

  test('restart policy on-failure restarts after the backoff, and gives up after max restarts', async () => {
    const clock = new SimulatedClock();
    clock.set(1_000_000);
    const policy: RestartPolicy = { kind: 'on-failure', initialBackoffMs: 100, maxBackoffMs: 1000, maxRestarts: 2, windowMs: 60_000 };
    const { actor, runs } = startTask({ clock, policy });
    await reaches(actor, 'RUNNING');

    runs.last.fail(new Error('first'));
    await reaches(actor, 'FAILED');
    let status = taskStatus(actor.getSnapshot());
    assert.deepEqual(status.restart, { policy: 'on-failure', restarts: 0, next_attempt_at: 1_000_075, exhausted: false });
    clock.increment(74);
    assert.equal(state(actor), 'FAILED');
    clock.increment(1);
    await waitFor(actor, (s) => taskStatus(s).state === 'RUNNING' && runs.runs.length === 2);
    assert.equal(taskStatus(actor.getSnapshot()).restart?.restarts, 1);

    runs.last.fail(new Error('second'));
    await reaches(actor, 'FAILED');
    status = taskStatus(actor.getSnapshot());
    assert.equal(status.restart?.next_attempt_at, 1_000_075 + 150); // 200 ms step, equal jitter at 0.5
    clock.increment(150);
    await waitFor(actor, (s) => taskStatus(s).state === 'RUNNING' && runs.runs.length === 3);

    runs.last.fail(new Error('third'));
    await reaches(actor, 'FAILED');
    status = taskStatus(actor.getSnapshot());
    assert.deepEqual(status.restart, { policy: 'on-failure', restarts: 2, next_attempt_at: null, exhausted: true });
    clock.increment(3_600_000);
    assert.equal(state(actor), 'FAILED');
    assert.equal(runs.runs.length, 3);

    actor.send({ type: 'RESTART' }); // by hand: a fresh history
    await reaches(actor, 'RUNNING');
    assert.deepEqual(taskStatus(actor.getSnapshot()).restart, { policy: 'on-failure', restarts: 0, next_attempt_at: null, exhausted: false });
  });
});
