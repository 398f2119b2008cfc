import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { assertStoppedForOffsets, frameworkOnly, sinkGroupId } from '../../../src/worker/offsets-api.js';
import { connectorEntryOf, connectorInfoOf, patchedConfig, taskEntryOf, taskInfosOf } from '../../../src/worker/status.js';
import { BadRequestError } from '../../../src/worker/errors.js';

describe('offsets API plumbing', () => {
  test("offsets change only when STOPPED with no task configs, else Kafka's message", () => {
    assert.doesNotThrow(() => assertStoppedForOffsets('c', 'STOPPED', 0));
    for (const [target, tasks] of [['STARTED', 0], ['PAUSED', 0], ['STOPPED', 1]] as const) {
      assert.throws(
        () => assertStoppedForOffsets('c', target, tasks),
        (e: unknown) =>
          e instanceof BadRequestError &&
          e.message ===
            "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/c/stop' endpoint",
      );
    }
  });

  test("a sink's consumer group and the framework-only answer", () => {
    assert.equal(sinkGroupId('orders'), 'connect-orders');
    assert.match(frameworkOnly('reset'), /^The Connect framework-managed offsets for this connector have been reset successfully\. However/);
  });
});

describe('status shapes', () => {
  test('connector info lists its task ids; task infos copy the configs', () => {
    const config = { 'connector.class': 'X', name: 'c' };
    const info = connectorInfoOf('c', config, 2, 'source');
    assert.deepEqual(info, { name: 'c', config, tasks: [{ connector: 'c', task: 0 }, { connector: 'c', task: 1 }], type: 'source' });
    assert.notEqual(info.config, config);
    assert.deepEqual(taskInfosOf('c', [{ a: '1' }]), [{ id: { connector: 'c', task: 0 }, config: { a: '1' } }]);
  });

  test('state entries carry the trace and restart info only when there is one, keys in Kafka order', () => {
    assert.deepEqual(Object.keys(connectorEntryOf({ state: 'FAILED', trace: 'boom' }, 'w:8083')), ['state', 'worker_id', 'trace']);
    assert.deepEqual(connectorEntryOf({ state: 'RUNNING' }, 'w:8083'), { state: 'RUNNING', worker_id: 'w:8083' });
    assert.deepEqual(Object.keys(taskEntryOf(3, { state: 'FAILED', trace: 't' }, 'w')), ['id', 'state', 'worker_id', 'trace']);
  });

  test('a patch sets keys and removes those given null', () => {
    assert.deepEqual(patchedConfig({ a: '1', b: '2' }, { b: null, c: '3' }), { a: '1', c: '3' });
  });
});
