// The embedded API with a plugin of the "service" (registered through Sluice.pipeline), against the real broker:
// a task that throws goes FAILED with its trace while the other tasks keep moving records; with the restart
// policy on it comes back RUNNING by itself.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { KAFKA_BROKERS, uniqueName } from '../../support/services.js';
import {
  ConfigDef,
  PipelineConfigError,
  SourceConnector,
  SourceRecord,
  SourceTask,
  Sluice,
  type ConnectorConfig,
  type ConnectorPlugin,
  type Pipeline,
  type SourceTaskClass,
} from '../../../src/index.js';
import { until } from '../cli/support.js';
import { createTopicsReady } from '../../support/kafka-topics.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

/** How many more times task 1 of a connector throws from poll, by connector name. */
const failuresLeft = new Map<string, number>();

class CounterTask extends SourceTask {
  #connector = '';
  #task = 0;
  #n = 0;
  version(): string {
    return '1';
  }
  start(config: ConnectorConfig): void {
    this.#connector = config['connector.name']!;
    this.#task = Number(config['task.id']);
  }
  async poll(signal: AbortSignal): Promise<SourceRecord[] | null> {
    await new Promise((r) => setTimeout(r, 20));
    if (signal.aborted) return null;
    const left = failuresLeft.get(this.#connector) ?? 0;
    if (this.#task === 1 && left > 0) {
      failuresLeft.set(this.#connector, left - 1);
      throw new Error(`counter task 1 of ${this.#connector} lost its upstream`);
    }
    return Array.from({ length: 10 }, () => {
      const n = this.#n++;
      return new SourceRecord({
        topic: this.#connector,
        kafkaPartition: 0,
        value: { task: this.#task, n },
        sourcePartition: { task: this.#task },
        sourceOffset: { n },
      });
    });
  }
  stop(): void {}
}

class CounterConnector extends SourceConnector {
  #config: ConnectorConfig = {};
  version(): string {
    return '1';
  }
  start(config: ConnectorConfig): void {
    this.#config = config;
  }
  taskConfigs(maxTasks: number): ConnectorConfig[] {
    return Array.from({ length: maxTasks }, (_, i) => ({ 'connector.name': this.#config['name']!, 'task.id': String(i) }));
  }
  stop(): void {}
  config(): ConfigDef {
    return new ConfigDef();
  }
  taskClass(): SourceTaskClass {
    return CounterTask;
  }
}

const counterPlugin: ConnectorPlugin = {
  type: 'source',
  className: 'com.example.CounterConnector',
  aliases: ['counter'],
  version: '1',
  create: () => new CounterConnector(),
  configDef: () => new ConfigDef(),
};

let admin: Admin;
before(async () => {
  admin = new Kafka({ clientId: 'sluice-embedded-test', brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
});
after(async () => {
  await admin.disconnect();
});

async function counterPipeline(extra: Record<string, string> = {}): Promise<{ p: Pipeline; name: string }> {
  const name = uniqueName('counter');
  await createTopicsReady(admin, [{ topic: name, numPartitions: 1, replicationFactor: 1 }]);
  failuresLeft.set(name, 1);
  const p = await Sluice.pipeline({
    worker: {
      'bootstrap.servers': KAFKA_BROKERS.join(','),
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': false,
      'offset.flush.interval.ms': 200,
    },
    connectors: [{ name, config: { 'connector.class': 'counter', 'tasks.max': 3, ...extra } }],
    plugins: [counterPlugin],
  });
  return { p, name };
}

const written = (p: Pipeline, task: number) => p.progress().find((t) => t.task === task)?.metrics?.recordsWritten ?? 0;
const topicSize = async (topic: string) => Number((await admin.fetchTopicOffsets(topic))[0]!.high);

describe('embedded API against Kafka', { timeout: 120_000 }, () => {
  test('a task that throws goes FAILED with its trace; the other tasks keep running', async () => {
    const { p, name } = await counterPipeline();
    await p.start();
    try {
      await until(() => p.status()[0]?.tasks[1]?.state === 'FAILED', 'task 1 FAILED');
      const status = p.status()[0]!;
      assert.equal(status.connector.state, 'RUNNING');
      assert.deepEqual(status.tasks.map((t) => t.state), ['RUNNING', 'FAILED', 'RUNNING']);
      const trace = status.tasks[1]!.trace!;
      assert.match(trace, /lost its upstream/);
      assert.match(trace, /\n\s+at .*embedded\.test\.ts/, 'the trace is the stack, down to the plugin');
      assert.equal(status.tasks[1]!.restart, undefined, 'no restart policy by default');

      const before = [written(p, 0), written(p, 2)];
      const inTopic = await topicSize(name);
      await until(async () => written(p, 0) > before[0]! + 50 && written(p, 2) > before[1]! + 50 && (await topicSize(name)) > inTopic + 100, 'tasks 0 and 2 still moving records to Kafka');
      assert.equal(p.status()[0]!.tasks[1]!.state, 'FAILED', 'stays FAILED without a policy');
    } finally {
      await p.stop();
    }
  });

  test('with the restart policy on, the failed task comes back RUNNING by itself', async () => {
    const { p } = await counterPipeline({
      'sluice.restart.policy': 'on-failure',
      'sluice.restart.backoff.initial.ms': '200',
      'sluice.restart.backoff.max.ms': '1000',
    });
    await p.start();
    try {
      await until(() => (p.status()[0]?.tasks[1]?.restart?.restarts ?? 0) >= 1 && p.status()[0]!.tasks[1]!.state === 'RUNNING', 'task 1 restarted and RUNNING');
      const task1 = p.status()[0]!.tasks[1]!;
      assert.deepEqual(task1.restart, { policy: 'on-failure', restarts: 1, next_attempt_at: null, exhausted: false });
      assert.equal(task1.trace, undefined);
      const after = written(p, 1);
      await until(() => written(p, 1) > after + 50, 'the restarted task moves records');
    } finally {
      await p.stop();
    }
  });

  test('an invalid definition is refused before anything starts, with every problem', async () => {
    await assert.rejects(
      Sluice.pipeline({
        worker: { 'bootstrap.servers': 'not a host' },
        connectors: [{ name: 'c', config: { 'connector.class': 'counter', 'tasks.max': 0 } }],
        plugins: [counterPlugin],
      }),
      (e: unknown) => {
        assert.ok(e instanceof PipelineConfigError);
        assert.ok(e.problems.some((x) => x.key === 'bootstrap.servers' && x.connector === undefined));
        assert.ok(e.problems.some((x) => x.key === 'tasks.max' && x.connector === 'c'));
        return true;
      },
    );
  });
});
