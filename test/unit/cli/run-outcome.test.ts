/**
 * How `sluice run` ends: its exit code per cause, the failures it names, and the summary's counters. Driven
 * in-process (in-process transport, no services); log lines go to a temporary file.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { runCommand } from '../../../src/cli/run.js';
import type { RunOptions } from '../../../src/cli/args.js';
import type { CliIo } from '../../../src/cli/io.js';
import { EXIT_CONFIG, EXIT_CONNECTOR, EXIT_OK, EXIT_TASK_FAILED, EXIT_UNAVAILABLE } from '../../../src/cli/command-exit.js';
import { startHerder } from '../../../src/cli/command-setup.js';
import { WorkerConfigError } from '../../../src/worker/errors.js';
import type { Herder } from '../../../src/worker/herder.js';
import { messageWithNewCauses } from '../../../src/cli/logger.js';
import { CompletionTracker } from '../../../src/worker/completion.js';
import type { TaskProgress } from '../../../src/worker/herder.js';
import { newMetrics } from '../../../src/streams/task-metrics.js';
import { VirtualClock } from '../../../src/testing/index.js';

interface Ran {
  code: number;
  stderr: string;
  logs: Array<Record<string, unknown>>;
}

async function run(pipeline: unknown, over: Partial<RunOptions> = {}): Promise<Ran> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-run-outcome-'));
  const file = join(dir, 'pipeline.json');
  writeFileSync(file, JSON.stringify(pipeline));
  const logFile = join(dir, 'log.jsonl');
  const fd = openSync(logFile, 'w');
  const err: string[] = [];
  const io = {
    stdout: { write: () => true, isTTY: false },
    stdoutFd: fd,
    stderr: { write: (s: string) => err.push(s) },
    onSignal: () => () => {},
    exit: (code: number): never => {
      throw new Error(`exit ${code}`);
    },
  } as unknown as CliIo;
  const options: RunOptions = { files: [file], plugins: [], untilIdle: false, keepRunning: false, idleMs: 300, view: 'json', logLevel: 'info', noRest: true, ...over };
  let code: number;
  try {
    code = await runCommand(options, io);
  } finally {
    closeSync(fd);
  }
  const logs = readFileSync(logFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code, stderr: err.join(''), logs };
}

const converters = {
  'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'key.converter.schemas.enable': false,
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter.schemas.enable': false,
};

const datagen = (n: number) => ({ name: 'gen', config: { 'connector.class': 'datagen', 'kafka.topic': 'orders', quickstart: 'orders', 'max.records': n, 'random.seed': 3 } });

interface SummaryTask {
  connector: string;
  type: string;
  records: number;
  recordsPerSecond: number;
  offsetCommits: number;
}

const summary = (r: Ran) => r.logs.find((l) => l['msg'] === 'run ended')!;

describe('sluice run: how it ends', () => {
  test('a finished run exits 0 and its summary counts the offset commits of the stop and the average rate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-run-ok-'));
    // On sluice/testing's virtual clock: the completion checks and the stop take no real time.
    const clock = VirtualClock.install();
    let r: Ran;
    try {
      r = await clock.drive(
        run({
          worker: converters,
          connectors: [datagen(2000), { name: 'out', config: { 'connector.class': 'FileStreamSink', topics: 'orders', file: join(dir, 'out.jsonl') } }],
        }),
      );
    } finally {
      clock.uninstall();
    }
    assert.equal(r.code, EXIT_OK, r.stderr);
    const end = summary(r);
    assert.equal(end['reason'], 'pipeline finished');
    const tasks = end['tasks'] as SummaryTask[];
    assert.deepEqual(tasks.map((t) => [t.connector, t.records]), [['gen', 2000], ['out', 2000]]);
    for (const t of tasks) {
      // offset.flush.interval.ms is 60 s: the only commit is the one the stop makes, after the last sample.
      assert.ok(t.offsetCommits >= 1, `${t.connector}: offsetCommits ${t.offsetCommits}`);
      assert.ok(t.recordsPerSecond > 0, `${t.connector}: recordsPerSecond ${t.recordsPerSecond}`);
    }
  });

  test('a run that ends with a FAILED task exits 4 and names the task, its stage and its cause', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-run-failtask-'));
    // On sluice/testing's virtual clock: the stop waits out task.shutdown.graceful.timeout.ms (5 s) for the
    // source's records that no sink will ever acknowledge, in virtual time.
    const clock = VirtualClock.install();
    let r: Ran;
    try {
      r = await clock.drive(
        run({
          worker: converters,
          // A directory is no file to append to: the sink task fails at start.
          connectors: [datagen(100), { name: 'out', config: { 'connector.class': 'FileStreamSink', topics: 'orders', file: dir } }],
        }),
      );
    } finally {
      clock.uninstall();
    }
    assert.equal(r.code, EXIT_TASK_FAILED, r.stderr);
    assert.match(r.stderr, /^sluice: task out-0 FAILED: TaskFailure: task out-0 failed in TASK_START: .*EISDIR/m);
    assert.match(r.stderr, /the run ended with 1 failure\n$/);
    assert.equal(summary(r)['reason'], 'pipeline failed');
    // One error line for the failure, and its message does not repeat its cause.
    const errors = r.logs.filter((l) => l['level'] === 50 && (l['err'] as { message?: string } | undefined)?.message?.includes('EISDIR'));
    const messages = errors.map((l) => (l['err'] as { message: string }).message);
    for (const m of messages) assert.equal(m.split('EISDIR').length - 1, 1, `cause repeated in: ${m}`);
  });

  test('--until-idle ends when a connector fails at start, with exit 3 and the connector named', async () => {
    const r = await run(
      {
        connectors: [
          {
            name: 'pg',
            config: {
              'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
              'connection.url': 'jdbc:postgresql://127.0.0.1:1/nothing',
              'connection.attempts': 1,
              mode: 'bulk',
              'topic.prefix': 'x-',
            },
          },
        ],
      },
      { untilIdle: true },
    );
    assert.equal(r.code, EXIT_CONNECTOR, r.stderr);
    assert.match(r.stderr, /^sluice: connector "pg" FAILED: /m);
  });
});

describe('worker start failures exit by cause', () => {
  const log = pino({ level: 'silent' });
  const failing = (e: Error) => ({ start: () => Promise.reject(e) }) as unknown as Herder;

  test('a bad worker config exits 2; an unreachable service exits 5', async () => {
    await assert.rejects(startHerder(() => failing(new WorkerConfigError([{ key: 'x', reason: 'bad' }])), log), (e: { exitCode: number }) => e.exitCode === EXIT_CONFIG);
    await assert.rejects(
      startHerder(() => failing(new Error('cannot reach Kafka at 127.0.0.1:1 (bootstrap.servers): connect ECONNREFUSED')), log),
      (e: { exitCode: number; message: string }) => e.exitCode === EXIT_UNAVAILABLE && /could not start: cannot reach Kafka/.test(e.message),
    );
  });
});

describe('log lines do not repeat a cause', () => {
  test('a cause already in the message is not appended again; a new one is', () => {
    const root = new Error('connect ECONNREFUSED 127.0.0.1:1');
    const mid = new Error(`could not connect: ${root.message}`, { cause: root });
    const top = new Error(`task x-0 failed in TASK_START: ${mid.message}`, { cause: mid });
    assert.equal(messageWithNewCauses(top), 'task x-0 failed in TASK_START: could not connect: connect ECONNREFUSED 127.0.0.1:1');
    const wrapped = new Error('the flush failed', { cause: new Error('disk full') });
    assert.equal(messageWithNewCauses(wrapped), 'the flush failed: disk full');
  });
});

describe('completion with failures and stuck records', () => {
  const task = (over: Partial<TaskProgress> & { polled?: number; written?: number }): TaskProgress => {
    const m = newMetrics();
    m.recordsPolled = over.polled ?? 0;
    m.recordsWritten = over.written ?? 0;
    return { connector: 'c', task: 0, type: 'source', state: 'RUNNING', finished: false, metrics: m, ...over };
  };

  test('a connector FAILED for good ends the pipeline once nothing else moved, under either rule', () => {
    for (const untilIdle of [false, true]) {
      const t = new CompletionTracker({ untilIdle, idleMs: 100 });
      const failed = [{ connector: 'pg', task: null, trace: 'ConnectException: no database' }];
      assert.equal(t.observe([], 0, failed).done, false);
      assert.equal(t.observe([], 150, failed).done, true);
      assert.equal(new CompletionTracker({ untilIdle, idleMs: 100 }).observe([], 150).done, false, 'no failure: still waiting for tasks');
    }
  });

  test('until-idle ends with records stuck in flight after a long quiet (10 × idleMs, at least 10 s); the bounded rule does not', () => {
    const stuck = [task({ polled: 100, written: 0, finished: true })];
    const idle = new CompletionTracker({ untilIdle: true, idleMs: 100 });
    assert.equal(idle.observe(stuck, 0).done, false);
    assert.equal(idle.observe(stuck, 5_000).done, false);
    const v = idle.observe(stuck, 10_000);
    assert.equal(v.done, true);
    assert.equal(v.stuckInFlight, 100);
    const bounded = new CompletionTracker({ untilIdle: false, idleMs: 100 });
    bounded.observe(stuck, 0);
    assert.equal(bounded.observe(stuck, 60_000).done, false);
  });
});
