/**
 * An idle source task costs about no CPU: a poll that returns nothing at once is backed off, and a finished task
 * waiting for acknowledgements is not polled at all. Measured as the process's CPU time over wall time; the bound
 * (5% of one core) is a behaviour check — a spinning poll loop takes 30–100%.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SourceRecord } from '../../../src/data/index.js';
import { SourceTask, type ConnectorConfig } from '../../../src/connectors/api/index.js';
import {
  MemoryOffsetStore,
  startSourceTask,
  type KafkaProducer,
  type ProducedRecordMetadata,
  type ProducerRecord,
  type SourceTaskInput,
} from '../../../src/streams/index.js';
import { IdleBackoff } from '../../../src/streams/util/idle-backoff.js';
import { identity, jsonConverters, taskId, until } from './support.js';

/** Returns `records` records once, then nothing, at once; `finishes` says whether it then reports isFinished. */
class OneBatchTask extends SourceTask {
  polls = 0;
  constructor(
    readonly records: number,
    readonly finishes: boolean,
  ) {
    super();
  }
  version(): string {
    return 'test';
  }
  async start(_config: ConnectorConfig): Promise<void> {}
  async stop(): Promise<void> {}
  override isFinished(): boolean {
    return this.finishes && this.polls > 0;
  }
  async poll(): Promise<SourceRecord[] | null> {
    if (this.polls++ > 0) return [];
    return Array.from({ length: this.records }, (_, n) => new SourceRecord({ topic: 't', sourcePartition: { p: 0 }, sourceOffset: { n }, value: n }));
  }
}

/** Acknowledges at once, or never (`hold`): a broker that does not answer. */
class Producer implements KafkaProducer {
  sends = 0;
  constructor(readonly hold: boolean) {}
  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}
  send(records: readonly ProducerRecord[]): Promise<ProducedRecordMetadata[]> {
    this.sends++;
    if (this.hold) return new Promise(() => {});
    return Promise.resolve(records.map((r, i) => ({ topic: r.topic, partition: 0, offset: i, timestamp: null })));
  }
}

function input(task: SourceTask): SourceTaskInput {
  return {
    id: taskId('idle'),
    task,
    config: {},
    converters: jsonConverters(),
    transform: identity,
    offsets: new MemoryOffsetStore(),
    options: { maxInFlightBatches: 4, offsetFlushIntervalMs: 60_000, offsetFlushTimeoutMs: 200 },
  };
}

/** Share of one core the process used over `ms` of wall time. */
async function cpuShareOver(ms: number): Promise<number> {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1000 / (performance.now() - wall);
}

describe('an idle source task', () => {
  test('a poll that keeps returning nothing costs under 5% of a core and is polled a few times a second', async () => {
    const task = new OneBatchTask(3, false);
    const run = startSourceTask(input(task), { producer: new Producer(false) });
    await until(() => run.metrics().recordsWritten === 3, 'the batch acknowledged');
    await new Promise((r) => setTimeout(r, 300)); // past the backoff's ramp
    const pollsBefore = task.polls;
    const share = await cpuShareOver(2000);
    const pollsPerSecond = (task.polls - pollsBefore) / 2;
    await run.stop(1000);
    assert.ok(share < 0.05, `idle CPU ${(share * 100).toFixed(1)}% of a core`);
    assert.ok(pollsPerSecond >= 5 && pollsPerSecond <= 20, `${pollsPerSecond} polls/s (backoff capped at 100 ms)`);
  });

  test('a finished task waiting for acknowledgements is not polled again and costs under 5% of a core', async () => {
    const task = new OneBatchTask(3, true);
    const producer = new Producer(true);
    const run = startSourceTask(input(task), { producer });
    await until(() => producer.sends === 1 && task.polls >= 2, 'the batch sent and the empty poll made');
    const polls = task.polls;
    const share = await cpuShareOver(2000);
    assert.equal(task.polls, polls, 'no poll after the task said it is finished');
    assert.equal(run.metrics().recordsPolled - run.metrics().recordsWritten, 3, 'the batch is still waiting for its ack');
    await run.stop(500);
    assert.ok(share < 0.05, `CPU while waiting for acks ${(share * 100).toFixed(1)}% of a core`);
  });

  test('the backoff doubles up to its cap, counts the time the poll took, and resets on data', async () => {
    const b = new IdleBackoff(1, 100);
    const signal = new AbortController().signal;
    for (let i = 0; i < 10; i++) await b.rest(1000, signal); // a slow poll rests nothing extra
    assert.equal(b.nextMs, 100);
    const started = performance.now();
    await b.rest(0, signal);
    assert.ok(performance.now() - started >= 90, 'rested about the cap');
    b.reset();
    assert.equal(b.nextMs, 1);
    const aborted = new AbortController();
    aborted.abort();
    const b2 = new IdleBackoff(10_000, 10_000);
    const t = performance.now();
    await b2.rest(0, aborted.signal);
    assert.ok(performance.now() - t < 1000, 'a stop ends the rest');
  });
});
