/**
 * A test source connector whose records say where their task ran: the value of each is
 * `<task>:<threadId>:<seq>` (threadId 0 is the main thread). `probe.records` records per task, then the task is
 * finished. With `probe.crash.task=<n>`, task n throws from a timer after its first batch: an uncaught exception
 * that ends the thread it runs in; with `probe.hang.task=<n>`, task n spins forever after its first batch (its thread
 * never answers again). Loaded by `sluice run --plugin`.
 */
import { threadId } from 'node:worker_threads';
import { ConfigDef, SourceConnector, SourceTask, type ConnectorConfig, type ConnectorPlugin, type SourceTaskClass } from '../../../../src/connectors/api/index.js';
import { Schema, SourceRecord } from '../../../../src/data/index.js';

export class ThreadProbeTask extends SourceTask {
  static readonly className = 'test.threads.ThreadProbeTask';
  #task = 0;
  #records = 0;
  #next = 0;
  #topic = '';
  #crash = false;
  #hang = false;
  version(): string {
    return '1';
  }
  start(config: ConnectorConfig): void {
    this.#task = Number(config['probe.task']);
    this.#records = Number(config['probe.records'] ?? 100);
    this.#topic = config['topic']!;
    this.#crash = config['probe.crash.task'] === String(this.#task);
    this.#hang = config['probe.hang.task'] === String(this.#task);
  }
  override isFinished(): boolean {
    return this.#next >= this.#records;
  }
  async poll(): Promise<SourceRecord[] | null> {
    if (this.isFinished()) return null;
    if (this.#crash && this.#next > 0) {
      setTimeout(() => {
        throw new Error(`probe crash in task ${this.#task}`);
      }, 0);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return null;
    }
    if (this.#hang && this.#next > 0) {
      for (;;) {
        // spins: the thread's event loop never turns again
      }
    }
    const n = Math.min(50, this.#records - this.#next);
    const out: SourceRecord[] = [];
    for (let i = 0; i < n; i++, this.#next++) {
      out.push(
        new SourceRecord({
          topic: this.#topic,
          sourcePartition: { task: this.#task },
          sourceOffset: { seq: this.#next },
          valueSchema: Schema.STRING,
          value: `${this.#task}:${threadId}:${this.#next}`,
        }),
      );
    }
    return out;
  }
  stop(): void {}
}

export class ThreadProbeConnector extends SourceConnector {
  static readonly className = 'test.threads.ThreadProbeConnector';
  #config: ConnectorConfig = {};
  version(): string {
    return '1';
  }
  start(config: ConnectorConfig): void {
    this.#config = config;
  }
  taskConfigs(maxTasks: number): ConnectorConfig[] {
    return Array.from({ length: maxTasks }, (_, t) => ({ ...this.#config, 'probe.task': String(t) }));
  }
  stop(): void {}
  config(): ConfigDef {
    return probeConfigDef();
  }
  taskClass(): SourceTaskClass {
    return ThreadProbeTask;
  }
}

function probeConfigDef(): ConfigDef {
  return new ConfigDef()
    .define({ name: 'topic', type: 'STRING', importance: 'HIGH', documentation: 'where the records go' })
    .define({ name: 'probe.records', type: 'INT', defaultValue: 100, importance: 'LOW', documentation: 'records per task' })
    .define({ name: 'probe.crash.task', type: 'STRING', defaultValue: null, importance: 'LOW', documentation: 'the task that crashes its thread' })
    .define({ name: 'probe.hang.task', type: 'STRING', defaultValue: null, importance: 'LOW', documentation: 'the task that blocks its thread' });
}

const plugin: ConnectorPlugin = {
  type: 'source',
  className: ThreadProbeConnector.className,
  aliases: ['ThreadProbe'],
  version: '1',
  create: () => new ThreadProbeConnector(),
  configDef: probeConfigDef,
};

export default plugin;
