/**
 * The KafkaClient port across a thread boundary: `remoteKafkaClient` (in a task thread) forwards every call to
 * `serveKafkaClient` (on the main thread), which runs it on the real client there: the in-process broker's, which
 * every thread shares. Records cross packed in one transferred buffer per batch (record-packing.ts); a send
 * resolves, and a consumed batch is answered, only when the other side is done with it, so the broker's bounds
 * hold across threads.
 */
import type { TopicPartition } from '../../connectors/api/index.js';
import type {
  AdminOptions,
  ConsumedBatch,
  ConsumerHandlers,
  ConsumerOptions,
  KafkaAdmin,
  KafkaClient,
  KafkaConsumer,
  KafkaProducer,
  ProducedRecordMetadata,
  ProducerOptions,
  ProducerRecord,
  Subscription,
  TopicPartitionOffset,
} from '../../streams/kafka/client.js';
import {
  packConsumedMessages,
  packProducedMetadata,
  packProducerRecords,
  unpackConsumedMessages,
  unpackProducedMetadata,
  unpackProducerRecords,
} from './record-packing.js';
import { remoteError, toWireError, type Rpc, type WireError } from './rpc.js';

interface BatchArgs {
  readonly cid: number;
  readonly topic: string;
  readonly partition: number;
  readonly highWatermark?: number;
  readonly nextOffset?: number;
  readonly buffer: ArrayBuffer;
}

export const ADMIN_METHODS = [
  'connect', 'createTopics', 'listTopics', 'partitions', 'fetchGroupOffsets', 'commitGroupOffsets', 'deleteGroup',
  'clusterId', 'watermarks', 'topicConfigs', 'disconnect',
] as const;

/** Main thread: serves the clients a thread's tasks ask for on `client`. Returns what closes them all. */
export function serveKafkaClient(rpc: Rpc, client: KafkaClient): () => Promise<void> {
  const producers = new Map<number, KafkaProducer>();
  const consumers = new Map<number, KafkaConsumer>();
  const admins = new Map<number, KafkaAdmin>();
  const get = <T>(m: Map<number, T>, cid: number): T => {
    const c = m.get(cid);
    if (!c) throw new Error(`client ${cid} is closed`);
    return c;
  };
  rpc
    .handle('producer.open', ({ cid, options }: { cid: number; options: ProducerOptions }) => void producers.set(cid, client.producer(options)))
    .handle('producer.connect', ({ cid }: { cid: number }) => get(producers, cid).connect())
    .handle('producer.send', async ({ cid, buffer }: { cid: number; buffer: ArrayBuffer }, transfer) => {
      const answer = packProducedMetadata(await get(producers, cid).send(unpackProducerRecords(buffer)));
      transfer.push(answer);
      return answer;
    })
    .handle('producer.disconnect', async ({ cid }: { cid: number }) => {
      const p = producers.get(cid);
      producers.delete(cid);
      await p?.disconnect();
    })
    .handle('consumer.open', ({ cid, options }: { cid: number; options: ConsumerOptions }) => void consumers.set(cid, client.consumer(options)))
    .handle('consumer.connect', ({ cid }: { cid: number }) => get(consumers, cid).connect())
    .handle('consumer.subscribe', ({ cid, subscription }: { cid: number; subscription: Subscription }) => get(consumers, cid).subscribe(subscription))
    .handle('consumer.run', ({ cid }: { cid: number }) =>
      get(consumers, cid).run({
        onBatch: async (batch) => {
          const buffer = packConsumedMessages(batch.messages);
          const args: BatchArgs = {
            cid, topic: batch.topic, partition: batch.partition, buffer,
            ...(batch.highWatermark !== undefined ? { highWatermark: batch.highWatermark } : {}),
            ...(batch.nextOffset !== undefined ? { nextOffset: batch.nextOffset } : {}),
          };
          await rpc.call('consumer.onBatch', args, [buffer]);
        },
        onAssigned: (partitions) => rpc.call('consumer.onAssigned', { cid, partitions }),
        onRevoked: (partitions) => rpc.call('consumer.onRevoked', { cid, partitions }),
        onCrash: (error) => rpc.notify('consumer.onCrash', { cid, error: toWireError(error) }),
        onCommitWanted: () => rpc.notify('consumer.onCommitWanted', { cid }),
        onSkipped: (topic, partition, nextOffset) => rpc.notify('consumer.onSkipped', { cid, topic, partition, nextOffset }),
      }),
    )
    .handle('consumer.pause', ({ cid, partitions }: { cid: number; partitions: TopicPartition[] }) => consumers.get(cid)?.pause(partitions))
    .handle('consumer.resume', ({ cid, partitions }: { cid: number; partitions: TopicPartition[] }) => consumers.get(cid)?.resume(partitions))
    .handle('consumer.seek', ({ cid, tp, offset }: { cid: number; tp: TopicPartition; offset: number }) => consumers.get(cid)?.seek(tp, offset))
    .handle('consumer.commit', ({ cid, offsets }: { cid: number; offsets: TopicPartitionOffset[] }) => get(consumers, cid).commit(offsets))
    .handle('consumer.disconnect', async ({ cid }: { cid: number }) => {
      const c = consumers.get(cid);
      consumers.delete(cid);
      await c?.disconnect();
    })
    .handle('admin.open', ({ cid, options }: { cid: number; options?: AdminOptions }) => void admins.set(cid, client.admin(options)))
    .handle('admin.call', async ({ cid, method, args }: { cid: number; method: AdminMethod; args: unknown[] }) => {
      const admin = get(admins, cid);
      const fn = admin[method] as ((...a: unknown[]) => Promise<unknown>) | undefined;
      if (typeof fn !== 'function') throw new Error(`admin ${method} is not supported here`);
      const value = await fn.apply(admin, args);
      if (method === 'disconnect') admins.delete(cid);
      return value;
    });
  return async () => {
    const all = [...producers.values(), ...consumers.values(), ...admins.values()];
    producers.clear();
    consumers.clear();
    admins.clear();
    await Promise.allSettled(all.map((c) => c.disconnect()));
  };
}

type AdminMethod = (typeof ADMIN_METHODS)[number];

/** The admin methods `client`'s admins have (the optional ones vary by client): what a remote admin offers. */
export function adminMethodsOf(client: KafkaClient): AdminMethod[] {
  const probe = client.admin() as unknown as Record<string, unknown>;
  return ADMIN_METHODS.filter((m) => typeof probe[m] === 'function');
}

/** Task thread: a KafkaClient whose clients live on the main thread (see serveKafkaClient). */
export function remoteKafkaClient(rpc: Rpc, adminMethods: readonly AdminMethod[]): KafkaClient {
  let next = 1;
  const consumers = new Map<number, RemoteConsumer>();
  rpc
    .handle('consumer.onBatch', (a) => {
      const { cid, buffer, ...rest } = a as BatchArgs;
      const batch: ConsumedBatch = { ...rest, messages: unpackConsumedMessages(buffer) };
      return consumers.get(cid)?.handlers?.onBatch(batch);
    })
    .handle('consumer.onAssigned', ({ cid, partitions }: { cid: number; partitions: TopicPartition[] }) => consumers.get(cid)?.assigned(partitions))
    .handle('consumer.onRevoked', ({ cid, partitions }: { cid: number; partitions: TopicPartition[] }) => consumers.get(cid)?.revoked(partitions))
    .handle('consumer.onCrash', ({ cid, error }: { cid: number; error: WireError }) => consumers.get(cid)?.handlers?.onCrash(remoteError(error)))
    .handle('consumer.onCommitWanted', ({ cid }: { cid: number }) => consumers.get(cid)?.handlers?.onCommitWanted?.())
    .handle('consumer.onSkipped', ({ cid, topic, partition, nextOffset }: { cid: number; topic: string; partition: number; nextOffset: number }) =>
      consumers.get(cid)?.handlers?.onSkipped?.(topic, partition, nextOffset),
    );
  return {
    producer(options) {
      const cid = next++;
      rpc.notify('producer.open', { cid, options });
      return new RemoteProducer(rpc, cid);
    },
    consumer(options) {
      const cid = next++;
      rpc.notify('consumer.open', { cid, options });
      const c = new RemoteConsumer(rpc, cid, () => consumers.delete(cid));
      consumers.set(cid, c);
      return c;
    },
    admin(options) {
      const cid = next++;
      rpc.notify('admin.open', { cid, options });
      const call = (method: AdminMethod) => (...args: unknown[]) => rpc.call<never>('admin.call', { cid, method, args });
      return Object.fromEntries(adminMethods.map((m) => [m, call(m)])) as unknown as KafkaAdmin;
    },
  };
}

class RemoteProducer implements KafkaProducer {
  constructor(private readonly rpc: Rpc, private readonly cid: number) {}
  connect(): Promise<void> {
    return this.rpc.call('producer.connect', { cid: this.cid });
  }
  send(records: readonly ProducerRecord[]): Promise<ProducedRecordMetadata[]> {
    if (records.length === 0) return Promise.resolve([]);
    const buffer = packProducerRecords(records);
    // Only the topics wait for the answer, not the records (their bytes crossed in `buffer`).
    const topics = records.map((r) => r.topic);
    return this.rpc.call<ArrayBuffer>('producer.send', { cid: this.cid, buffer }, [buffer]).then((answer) => unpackProducedMetadata(answer, topics));
  }
  disconnect(): Promise<void> {
    return this.rpc.call('producer.disconnect', { cid: this.cid });
  }
}

class RemoteConsumer implements KafkaConsumer {
  handlers: ConsumerHandlers | undefined;
  readonly #assignment = new Map<string, TopicPartition>();
  constructor(private readonly rpc: Rpc, private readonly cid: number, private readonly closed: () => void) {}
  connect(): Promise<void> {
    return this.rpc.call('consumer.connect', { cid: this.cid });
  }
  subscribe(subscription: Subscription): Promise<void> {
    return this.rpc.call('consumer.subscribe', { cid: this.cid, subscription });
  }
  run(handlers: ConsumerHandlers): Promise<void> {
    this.handlers = handlers;
    return this.rpc.call('consumer.run', { cid: this.cid });
  }
  async assigned(partitions: readonly TopicPartition[]): Promise<void> {
    for (const tp of partitions) this.#assignment.set(`${tp.topic}\u0000${tp.partition}`, tp);
    await this.handlers?.onAssigned(partitions);
  }
  async revoked(partitions: readonly TopicPartition[]): Promise<void> {
    try {
      await this.handlers?.onRevoked(partitions);
    } finally {
      for (const tp of partitions) this.#assignment.delete(`${tp.topic}\u0000${tp.partition}`);
    }
  }
  assignment(): TopicPartition[] {
    return [...this.#assignment.values()];
  }
  pause(partitions: readonly TopicPartition[]): void {
    this.rpc.notify('consumer.pause', { cid: this.cid, partitions });
  }
  resume(partitions: readonly TopicPartition[]): void {
    this.rpc.notify('consumer.resume', { cid: this.cid, partitions });
  }
  seek(tp: TopicPartition, offset: number): void {
    this.rpc.notify('consumer.seek', { cid: this.cid, tp, offset });
  }
  commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    return this.rpc.call('consumer.commit', { cid: this.cid, offsets });
  }
  async disconnect(): Promise<void> {
    try {
      await this.rpc.call('consumer.disconnect', { cid: this.cid });
    } finally {
      this.closed();
    }
  }
}
