/**
 * A source task's offset store across a thread boundary: the store stays on the main thread (one writer per file
 * or topic, shared with the REST offsets API), the task thread reads and writes it through `remoteOffsetStore`.
 * `get` answers in the order it was asked and is keyed again by the caller's own partition objects.
 */
import type { OffsetMap } from '../../data/index.js';
import type { OffsetStore } from '../../streams/contracts.js';
import type { Rpc } from './rpc.js';

/** Main thread: serves the store of each task by its key (`connector-task`); `storeOf` picks it. */
export function serveOffsetStores(rpc: Rpc, storeOf: (taskKey: string) => OffsetStore | undefined): void {
  const store = (taskKey: string) => {
    const s = storeOf(taskKey);
    if (!s) throw new Error(`no offset store for task ${taskKey}`);
    return s;
  };
  rpc
    .handle('offsets.get', async ({ taskKey, connector, partitions }: { taskKey: string; connector: string; partitions: OffsetMap[] }) => {
      const found = await store(taskKey).get(connector, partitions);
      return partitions.map((p) => found.get(p) ?? null);
    })
    .handle('offsets.set', ({ taskKey, connector, entries }: { taskKey: string; connector: string; entries: Array<[OffsetMap, OffsetMap | null]> }) =>
      store(taskKey).set(connector, entries),
    )
    .handle('offsets.all', ({ taskKey, connector }: { taskKey: string; connector: string }) => store(taskKey).all(connector));
}

/** Task thread: the task's store on the main thread. start/stop are the main thread's business. */
export function remoteOffsetStore(rpc: Rpc, taskKey: string): OffsetStore {
  return {
    async start() {},
    async get(connector, partitions) {
      const offsets = await rpc.call<Array<OffsetMap | null>>('offsets.get', { taskKey, connector, partitions });
      return new Map(partitions.map((p, i) => [p, offsets[i] ?? null]));
    },
    set: (connector, entries) => rpc.call('offsets.set', { taskKey, connector, entries }),
    all: (connector) => rpc.call('offsets.all', { taskKey, connector }),
    async stop() {},
  };
}
