import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { stopsFor } from '../../../src/cluster/reconciler.js';
import type { LocalConnector, LocalTask } from '../../../src/cluster/assigned-work.js';
import type { TargetState } from '../../../src/actors/index.js';

/** A config replica: connectors with their revision, target states, committed task counts and generations. */
function cfg(connectors: Record<string, { revision: number; target?: TargetState; tasks: number; generation: number }>) {
  return {
    connectors: new Map(Object.entries(connectors).map(([name, c]) => [name, { config: {}, revision: c.revision }])),
    targetState: (name: string): TargetState => connectors[name]?.target ?? 'STARTED',
    taskConfigs: (name: string) => Array.from({ length: connectors[name]?.tasks ?? 0 }, () => ({})),
    taskGeneration: (name: string) => connectors[name]?.generation ?? 0,
  };
}

const task = (connector: string, n: number, generation = 1, connectorRevision = 10) =>
  ({ connector, task: n, key: `${connector}-${n}`, generation, connectorRevision }) as LocalTask;
const connector = (name: string, revision = 10) => ({ name, revision }) as LocalConnector;
const names = (s: ReturnType<typeof stopsFor>) => ({
  tasks: s.tasks.map((x) => `${x.task.key}:${x.why}`),
  connectors: s.connectors.map((x) => `${x.connector.name}:${x.why}`),
});

describe('reconciler: what to stop', () => {
  const replica = cfg({ a: { revision: 10, tasks: 2, generation: 1 }, b: { revision: 10, tasks: 1, generation: 1 } });

  test('keeps what is still ours and unchanged', () => {
    const mine = { connectors: new Set(['a']), tasks: new Set(['a-0', 'a-1']) };
    assert.deepEqual(names(stopsFor(replica, mine, false, [task('a', 0), task('a', 1)], [connector('a')])), { tasks: [], connectors: [] });
  });

  test('stops what the assignment took away (revoked), or everything when fenced', () => {
    const mine = { connectors: new Set<string>(), tasks: new Set(['a-0']) };
    const local = [task('a', 0), task('a', 1)];
    assert.deepEqual(names(stopsFor(replica, mine, false, local, [connector('a')])), { tasks: ['a-1:revoked'], connectors: ['a:revoked'] });
    const none = { connectors: new Set<string>(), tasks: new Set<string>() };
    assert.deepEqual(names(stopsFor(replica, none, true, local, [connector('a')])), {
      tasks: ['a-0:fenced', 'a-1:fenced'],
      connectors: ['a:fenced'],
    });
  });

  test('stops what changed underneath: a new task generation, a new connector revision, STOPPED', () => {
    const mine = { connectors: new Set(['a', 'b']), tasks: new Set(['a-0', 'b-0']) };
    const changed = cfg({ a: { revision: 11, tasks: 1, generation: 1 }, b: { revision: 10, tasks: 1, generation: 2 } });
    assert.deepEqual(names(stopsFor(changed, mine, false, [task('a', 0), task('b', 0)], [connector('a'), connector('b')])), {
      tasks: ['a-0:revoked', 'b-0:revoked'],
      connectors: ['a:revoked'],
    });
    const stopped = cfg({ a: { revision: 10, tasks: 1, generation: 1, target: 'STOPPED' } });
    assert.deepEqual(names(stopsFor(stopped, mine, false, [task('a', 0)], [connector('a')])), { tasks: ['a-0:revoked'], connectors: [] });
  });

  test('deleted connectors and tasks past the committed set are stopped as deleted (even when fenced)', () => {
    const mine = { connectors: new Set(['a', 'gone']), tasks: new Set(['a-0', 'a-1', 'gone-0']) };
    const shrunk = cfg({ a: { revision: 10, tasks: 1, generation: 1 } });
    assert.deepEqual(names(stopsFor(shrunk, mine, true, [task('a', 1), task('gone', 0)], [connector('gone')])), {
      tasks: ['a-1:deleted', 'gone-0:deleted'],
      connectors: ['gone:deleted'],
    });
  });
});
