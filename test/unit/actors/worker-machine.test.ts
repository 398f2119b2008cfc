import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from 'xstate';
import { childOf, crashOf, startWorkerActor } from '../../../src/actors/worker-machine.js';
import { taskStatus, type TaskActor } from '../../../src/actors/task-machine.js';
import { FakeRun, runFactory } from './fake-run.js';

class PauseBomb extends FakeRun {
  override pause(): void {
    throw new Error('pause exploded');
  }
}

describe('worker supervisor', () => {
  test('a child that throws is stopped and recorded; the worker and its siblings carry on', async () => {
    const worker = startWorkerActor();
    const healthy = runFactory({ connector: 'a', task: 0 });
    worker.send({
      type: 'SPAWN_TASK',
      id: 'task:a-0',
      input: { id: { connector: 'a', task: 0 }, start: healthy.start, target: 'STARTED', shutdownTimeoutMs: 100 },
    });
    worker.send({
      type: 'SPAWN_TASK',
      id: 'task:b-0',
      input: { id: { connector: 'b', task: 0 }, start: async () => new PauseBomb({ connector: 'b', task: 0 }), target: 'STARTED', shutdownTimeoutMs: 100 },
    });
    const a = childOf<TaskActor>(worker, 'task:a-0')!;
    const b = childOf<TaskActor>(worker, 'task:b-0')!;
    await waitFor(a, (s) => taskStatus(s).state === 'RUNNING');
    await waitFor(b, (s) => taskStatus(s).state === 'RUNNING');

    b.send({ type: 'PAUSE' });
    await waitFor(worker, (s) => s.context.crashed['task:b-0'] !== undefined);
    assert.match(crashOf(worker, 'task:b-0')!.trace, /pause exploded/);
    assert.equal(childOf(worker, 'task:b-0'), undefined);
    assert.equal(worker.getSnapshot().status, 'active');
    assert.equal(taskStatus(a.getSnapshot()).state, 'RUNNING');
    a.send({ type: 'PAUSE' });
    assert.equal(taskStatus(a.getSnapshot()).state, 'PAUSED');

    // Spawning again under the same id clears the crash.
    worker.send({
      type: 'SPAWN_TASK',
      id: 'task:b-0',
      input: { id: { connector: 'b', task: 0 }, start: runFactory({ connector: 'b', task: 0 }).start, target: 'STARTED', shutdownTimeoutMs: 100 },
    });
    assert.equal(crashOf(worker, 'task:b-0'), undefined);
    await waitFor(childOf<TaskActor>(worker, 'task:b-0')!, (s) => taskStatus(s).state === 'RUNNING');
    worker.stop();
  });

  test('children that finish are removed from the snapshot', async () => {
    const worker = startWorkerActor();
    for (let i = 0; i < 20; i++) {
      const id = { connector: 'c', task: i };
      worker.send({ type: 'SPAWN_TASK', id: `task:c-${i}`, input: { id, start: runFactory(id).start, target: 'STARTED', shutdownTimeoutMs: 100 } });
    }
    const children = Object.values(worker.getSnapshot().children) as TaskActor[];
    assert.equal(children.length, 20);
    for (const child of children) {
      await waitFor(child, (s) => taskStatus(s).state === 'RUNNING');
      child.send({ type: 'SHUTDOWN' });
    }
    await waitFor(worker, (s) => Object.keys(s.children).length === 0);
    worker.stop();
  });
});
