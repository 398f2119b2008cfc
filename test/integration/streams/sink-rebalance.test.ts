/**
 * Sinks through consumer group rebalances on the real broker:
 * - a second sink task joins under load: no record is delivered again once a commit covered it (the
 *   at-least-once window is everything after the previous owner's last commit), nothing is lost, and a
 *   partition's `close` at its old owner runs before its `open` (or any `put`) at the new one;
 * - a member killed with SIGKILL: how long its successor stalls before records flow again, with
 *   group.instance.id (static membership) and without (the old member's session must expire first). A run in
 *   which the broker lost the group's coordinator, or the old member's session ran out before it was killed, is
 *   repeated, not judged (see judgedRun).
 */
import { test, describe, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import kafkajs, { type logCreator as LogCreator } from 'kafkajs';
import { until, jsonConverters } from './sink-support.js';
import type { SinkRecord } from '../../../src/data/index.js';
import { SinkTask, type TopicPartition } from '../../../src/connectors/api/index.js';
import {
  parseClientSettings,
  silentLogger,
  startSinkTask,
  type ConsumerSettings,
  type KafkaConsumer,
  type PipelineOptions,
} from '../../../src/streams/index.js';
import { KafkajsConsumer } from '../../../src/streams/kafka/kafkajs/consumer.js';
import { KAFKA_BROKERS, uniqueName } from '../../support/services.js';
import { REPO, tsScriptArgs } from '../../support/processes.js';
import { createTopicsReady } from '../../support/kafka-topics.js';

const { Kafka, logLevel } = kafkajs;
const kafka = new Kafka({ brokers: KAFKA_BROKERS, clientId: 'sink-rebalance', logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const options: PipelineOptions = { maxInFlightBatches: 4, offsetFlushIntervalMs: 300, offsetFlushTimeoutMs: 10_000 };

function consumerOf(groupId: string, properties: Record<string, string> = {}, extra: Partial<ConsumerSettings> = {}, logCreator?: LogCreator): KafkajsConsumer {
  const parsed = parseClientSettings('consumer', properties);
  return new KafkajsConsumer(
    new Kafka({ brokers: KAFKA_BROKERS, clientId: groupId, ...(logCreator ? { logLevel: logLevel.DEBUG, logCreator } : { logLevel: logLevel.NOTHING }) }),
    { groupId, clientId: groupId, properties, fromBeginning: true },
    silentLogger,
    { connection: parsed.connection, consumer: { ...parsed.consumer, ...extra } },
  );
}

/** One line of what happened, in the order it happened (both tasks run in this process). */
type Event =
  | { kind: 'open' | 'close'; task: string; partition: number }
  | { kind: 'put'; task: string; partition: number; offset: number }
  | { kind: 'commit'; task: string; partition: number; offset: number };

class LoggingSink extends SinkTask {
  constructor(
    readonly name: string,
    readonly log: Event[],
  ) {
    super();
  }
  version() {
    return 'it';
  }
  start() {}
  override open(tps: readonly TopicPartition[]) {
    for (const tp of tps) this.log.push({ kind: 'open', task: this.name, partition: tp.partition });
  }
  // Flushing and closing take a while, as they do for a sink writing to a database or files: the window in
  // which a revoke-unsafe consumer lets the next owner start before the old one committed and closed.
  override async flush() {
    await new Promise((r) => setTimeout(r, 200));
  }
  override async close(tps: readonly TopicPartition[]) {
    await new Promise((r) => setTimeout(r, 100));
    for (const tp of tps) this.log.push({ kind: 'close', task: this.name, partition: tp.partition });
  }
  async put(records: readonly SinkRecord[]) {
    for (const r of records) this.log.push({ kind: 'put', task: this.name, partition: r.kafkaPartition!, offset: r.kafkaOffset });
    await new Promise((r) => setTimeout(r, 5)); // a sink that takes a moment per batch
  }
  stop() {}
}

/** The consumer, with every commit the broker accepted written to the log. */
function loggingCommits(consumer: KafkaConsumer, task: string, log: Event[]): KafkaConsumer {
  return new Proxy(consumer, {
    get(target, prop, receiver) {
      if (prop === 'commit') {
        return async (offsets: Parameters<KafkaConsumer['commit']>[0]) => {
          await target.commit(offsets);
          // The adapter drops partitions it does not own; log only what it sent.
          const owned = new Set(target.assignment().map((tp) => tp.partition));
          for (const o of offsets) if (owned.has(o.partition)) log.push({ kind: 'commit', task, partition: o.partition, offset: o.offset });
        };
      }
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

describe('sink tasks through consumer group rebalances', () => {
  before(async () => {
    await admin.connect();
  });
  after(async () => {
    await admin.disconnect();
  });

  test('a second sink task joins under load: no redelivery past a commit, nothing lost, close before the next open', async (t) => {
    const topic = uniqueName('rebalance');
    const connector = uniqueName('conn');
    const partitions = 4;
    await createTopicsReady(admin, [{ topic, numPartitions: partitions }]);
    const log: Event[] = [];
    const start = (name: string, n: number) =>
      startSinkTask(
        { id: { connector, task: n }, task: new LoggingSink(name, log), config: { topics: topic }, converters: jsonConverters(), transform: (r) => r, options },
        { consumer: loggingCommits(consumerOf(`connect-${connector}`), name, log) },
      );

    const producer = kafka.producer();
    await producer.connect();
    let producing = true;
    let n = 0;
    const writing = (async () => {
      while (producing) {
        const messages = Array.from({ length: 40 }, () => {
          const partition = n % partitions;
          return { partition, value: JSON.stringify({ n: n++ }) };
        });
        await producer.send({ topic, messages });
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const puts = (task: string) => log.filter((e) => e.kind === 'put' && e.task === task).length;

    const a = start('A', 0);
    await until(() => puts('A') >= 300, 'A delivering');
    const b = start('B', 1);
    await until(() => puts('B') >= 300, 'B delivering after the rebalance');
    await new Promise((r) => setTimeout(r, 1500)); // both deliver for a while
    producing = false;
    await writing;
    await producer.disconnect();
    // The topic's end offsets, not the count sent: a produce request that timed out under load and was retried
    // (kafkajs' producer is not idempotent here) wrote its records twice, and the sink must deliver both copies.
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.high)]));
    const total = [...ends.values()].reduce((a, b) => a + b, 0);
    assert.ok(total >= n, `the topic holds every record sent (${total} of ${n})`);
    const delivered = () => new Set(log.filter((e) => e.kind === 'put').map((e) => `${e.partition}:${(e as { offset: number }).offset}`)).size;
    await until(() => delivered() >= total, `all ${total} records delivered`);
    await Promise.all([a.stop(10_000), b.stop(10_000)]);

    // Walk the log in order.
    const owner = new Map<number, string>();
    const committed = new Map<number, number>(); // highest offset committed so far per partition
    const seen = new Set<string>();
    const violations: string[] = [];
    let duplicates = 0;
    let beyondWindow = 0;
    let handovers = 0;
    for (const e of log) {
      if (e.kind === 'open') {
        const prev = owner.get(e.partition);
        if (prev !== undefined) violations.push(`${e.task} opened ${e.partition} while ${prev} still had it open`);
        owner.set(e.partition, e.task);
      } else if (e.kind === 'close') {
        if (owner.get(e.partition) !== e.task) violations.push(`${e.task} closed ${e.partition} it did not have open`);
        owner.delete(e.partition);
        handovers++;
      } else if (e.kind === 'put') {
        if (owner.get(e.partition) !== e.task) violations.push(`${e.task} got a record of ${e.partition} without having it open`);
        const key = `${e.partition}:${e.offset}`;
        if (seen.has(key)) {
          duplicates++;
          if ((committed.get(e.partition) ?? -1) > e.offset) beyondWindow++;
        }
        seen.add(key);
      } else if (e.kind === 'commit') {
        committed.set(e.partition, Math.max(committed.get(e.partition) ?? -1, e.offset));
      }
    }
    t.diagnostic(`${total} records, ${handovers} partition closes, ${duplicates} redelivered within the at-least-once window, ${beyondWindow} beyond it`);
    assert.deepEqual(violations.slice(0, 10), []);
    assert.equal(beyondWindow, 0, 'records delivered again although a commit had covered them');
    assert.equal(seen.size, total, 'every record delivered');
    for (const [p, end] of ends) assert.equal(committed.get(p), end, `partition ${p} committed up to its end`);
    assert.ok(new Set(log.filter((e) => e.kind === 'open' && e.task === 'B').map((e) => e.partition)).size > 0, 'B got partitions');
  });

  /**
   * What kafkajs logs when the broker lost the group's coordinator or a partition's leader, or did not answer (the
   * same test as consumer-member.ts makes in the first member's process).
   */
  const DISTURBANCE = /coordinator|leader|timed out|connection (error|timeout)|closed connection/i;

  interface StallRun {
    /** Time from a successor joining after a SIGKILLed member until it receives records (none: it got none). */
    stall?: number;
    /**
     * How long the killed member's session had left at least when the successor joined: from the last request that
     * renewed it (consumer-member.ts prints when it sent each) plus session.timeout.ms. Negative: it may have expired.
     */
    sessionLeft: number;
    /** From the earliest the killed member's session could expire until the successor received records. */
    afterExpiry?: number;
    /** What the first member and the successor were told that says the broker was disturbed meanwhile. */
    disturbed: string[];
  }

  /**
   * One run: a member in a process of its own consumes, is killed with SIGKILL, and a successor (with the same
   * group.instance.id, if given) joins. Throws if the first member never consumes, or the successor never receives
   * records or crashes, unless the broker was disturbed meanwhile.
   */
  async function restartStall(sessionTimeoutMs: number, instanceId?: string): Promise<StallRun> {
    const topic = uniqueName('stall');
    const groupId = uniqueName('stall_group');
    await createTopicsReady(admin, [{ topic, numPartitions: 2 }]);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 20 }, (_, i) => ({ partition: i % 2, value: String(i) })) });
    await producer.disconnect();
    const args = [KAFKA_BROKERS.join(','), topic, groupId, String(sessionTimeoutMs), ...(instanceId ? [instanceId] : [])];
    const child = spawn(process.execPath, tsScriptArgs(join(REPO, 'test', 'integration', 'streams', 'consumer-member.ts'), args), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let exit: string | undefined;
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    const exited = new Promise((r) => child.once('exit', (code, signal) => r((exit = `exit code ${code}, signal ${signal}`))));
    const last = (re: RegExp) => Math.max(0, ...[...out.matchAll(re)].map((m) => Number(m[1])));
    const consumed = () => last(/^consumed (\d+)$/gm);
    const disturbed = () => [...out.matchAll(/^disturbed (.*)$/gm)].map((m) => m[1]!);
    try {
      await until(() => consumed() >= 20 || exit !== undefined, 'the first member consuming').catch(() => {});
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const sessionExpiresAfter = last(/^session (\d+)$/gm) + sessionTimeoutMs;
    if (consumed() < 20) {
      if (disturbed().length > 0) return { sessionLeft: sessionExpiresAfter - Date.now(), disturbed: disturbed() };
      throw new Error(`the first member consumed ${consumed()} of 20 records (${exit}); its stdout:\n${out}its stderr:\n${err}`);
    }

    const successorSaw: string[] = [];
    const noting: LogCreator =
      () =>
      ({ level, log }) => {
        const { message, error } = log as { message: string; error?: unknown };
        if (error === undefined && level > logLevel.WARN) return;
        const what = `${message}${error === undefined ? '' : `: ${String(error)}`}`;
        if (DISTURBANCE.test(what)) successorSaw.push(what.replace(/\s+/g, ' '));
      };
    const successor = consumerOf(groupId, { 'session.timeout.ms': String(sessionTimeoutMs) }, instanceId ? { groupInstanceId: instanceId } : {}, noting);
    let first = 0;
    let crashed: Error | undefined;
    const joined = Date.now();
    await successor.connect();
    await successor.subscribe({ topics: [topic] });
    await successor.run({
      onBatch: async () => {
        first ||= Date.now();
      },
      onAssigned: async () => {},
      onRevoked: async () => {},
      onCrash: (e) => {
        crashed = e;
      },
    });
    let run: StallRun;
    try {
      await until(() => first > 0 || crashed !== undefined, 'the successor receiving records', sessionTimeoutMs + 30_000).catch(() => {});
      // What was said until now: leaving the group below is not part of the run.
      run = {
        ...(first > 0 ? { stall: first - joined, afterExpiry: first - sessionExpiresAfter } : {}),
        sessionLeft: sessionExpiresAfter - joined,
        disturbed: [...disturbed(), ...successorSaw],
      };
    } finally {
      await successor.disconnect();
    }
    if (run.disturbed.length === 0 && crashed) throw new Error(`the successor crashed: ${crashed.message}`, { cause: crashed });
    if (run.disturbed.length === 0 && run.stall === undefined) throw new Error('gave up waiting for the successor receiving records');
    return run;
  }

  /**
   * restartStall until a run that shows what the test is about, at most 3 runs; the others are reported, not judged:
   * - the broker was disturbed: on a loaded machine the single-node broker can miss its heartbeats to its own KRaft
   *   controller (broker.session.timeout.ms), which then fences it: every partition loses its leader and the group
   *   coordinator unloads every group, answering NOT_COORDINATOR until it has loaded them again (seen: 10 s and
   *   more), and kafkajs retries the join with a backoff that doubles up to 30 s. A stall measured across that is the
   *   broker's outage (the first member may not even consume within 90 s), not the group protocol's.
   * - the killed member's session had less than `minSessionLeftMs` left when the successor joined: kafkajs heartbeats
   *   only from its fetch loop, and on a loaded machine a member's first fetch can come later than session.timeout.ms
   *   after it joined, so its session expired before it was killed. Its successor then joins an empty group, which
   *   says nothing about either static membership or the dead member's session holding its partitions.
   */
  async function judgedRun(t: TestContext, sessionTimeoutMs: number, staticMembership: boolean, minSessionLeftMs: number): Promise<StallRun> {
    const runs = 3;
    for (let i = 1; i <= runs; i++) {
      const run = await restartStall(sessionTimeoutMs, staticMembership ? uniqueName('instance') : undefined);
      const why =
        run.disturbed.length > 0
          ? `the broker was disturbed meanwhile: ${[...new Set(run.disturbed)].slice(0, 4).join(' | ')}`
          : run.sessionLeft < minSessionLeftMs
            ? `the killed member's session had ${run.sessionLeft} ms left when the successor joined`
            : undefined;
      if (why === undefined) return run;
      t.diagnostic(`run ${i} not judged (stall ${run.stall ?? 'none'} ms): ${why}`);
    }
    assert.fail(`none of ${runs} runs could be judged (see the diagnostics)`);
  }

  test('a member killed with SIGKILL: with group.instance.id its successor gets records at once', async (t) => {
    // The successor joins while the killed member's session still runs (for up to 45 s) and takes its place at once.
    const { stall, sessionLeft } = await judgedRun(t, 45_000, true, 10_000);
    t.diagnostic(`stall after SIGKILL with group.instance.id (session.timeout.ms=45000): ${stall} ms (the dead member's session had ${sessionLeft} ms left)`);
    assert.ok(stall! < 10_000, `stalled ${stall} ms`);
  });

  test('a member killed with SIGKILL: without group.instance.id its successor waits about session.timeout.ms', async (t) => {
    const { stall, sessionLeft, afterExpiry } = await judgedRun(t, 8_000, false, 4_000);
    t.diagnostic(
      `stall after SIGKILL without group.instance.id (session.timeout.ms=8000): ${stall} ms (the dead member's session had ${sessionLeft} ms left; records came ${afterExpiry} ms after it could expire)`,
    );
    assert.ok(stall! >= 4_000, `stalled ${stall} ms: the dead member's session should have held the partitions`);
    // Sharper: not before the dead member's session could have expired (its last renewal + session.timeout.ms; 100 ms
    // for the broker's timer).
    assert.ok(afterExpiry! >= -100, `records came ${-afterExpiry!} ms before the dead member's session could expire`);
  });
});
