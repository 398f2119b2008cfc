import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { StatusWriter, type StatusBucket } from '../../../src/cluster/status-writer.js';
import type { StatusValue } from '../../../src/cluster/status-state.js';
import { decodeJson } from '../../../src/cluster/nats.js';
import { silentLog } from '../../../src/actors/index.js';

/** A bucket that records its writes; each put takes `delayMs`, a put of `failKey` fails once. */
function bucket(delayMs = 0, failKey?: string) {
  const log: string[] = [];
  let failed = false;
  const kv: StatusBucket = {
    async put(key, value) {
      await new Promise((r) => setTimeout(r, delayMs));
      if (key === failKey && !failed) {
        failed = true;
        throw new Error('nats down');
      }
      log.push(`put ${key} ${(decodeJson(value) as StatusValue).state}`);
    },
    async delete(key) {
      log.push(`delete ${key}`);
    },
  };
  return { kv, log };
}

const st = (state: StatusValue['state'], worker_id: string, generation: number): StatusValue => ({ state, trace: null, worker_id, generation });

describe('status writer', () => {
  test("writes to one key go out in order, one at a time; flush waits for them", async () => {
    const { kv, log } = bucket(5);
    const w = new StatusWriter(kv, 'w1', silentLog);
    w.write('task.c.0', st('RUNNING', 'w1', 1));
    w.write('task.c.0', st('PAUSED', 'w1', 1));
    w.delete('task.c.0');
    await w.flush();
    assert.deepEqual(log, ['put task.c.0 RUNNING', 'put task.c.0 PAUSED', 'delete task.c.0']);
  });

  test('a failed write is logged, not thrown; the next one still goes out', async () => {
    const { kv, log } = bucket(0, 'connector.c');
    const w = new StatusWriter(kv, 'w1', silentLog);
    w.write('connector.c', st('RUNNING', 'w1', 1));
    w.write('connector.c', st('FAILED', 'w1', 1));
    await w.flush();
    assert.deepEqual(log, ['put connector.c FAILED']);
  });

  test("the safe write (Kafka's putSafe): UNASSIGNED never replaces a newer owner's status", async () => {
    const { kv, log } = bucket();
    const w = new StatusWriter(kv, 'w1', silentLog);
    w.writeSafely('task.c.0', st('RUNNING', 'w2', 4), 3); // another worker's, newer: kept
    w.writeSafely('task.c.1', st('RUNNING', 'w2', 3), 3); // another worker's, same generation: replaced
    w.writeSafely('task.c.2', st('RUNNING', 'w1', 2), 3); // our own: replaced
    w.writeSafely('task.c.3', undefined, 3); // none held: written
    await w.flush();
    assert.deepEqual(log.sort(), ['put task.c.1 UNASSIGNED', 'put task.c.2 UNASSIGNED', 'put task.c.3 UNASSIGNED']);
  });
});
