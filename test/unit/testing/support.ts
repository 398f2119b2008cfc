/**
 * Small plugins for the harness tests: a ticking source (one record every `interval.ms`, offsets per task,
 * resumed from the offset store, failing its first polls when asked) and a rotating sink (keeps records in
 * memory and "writes a file" every `rotate.interval.ms`; only rotated records may be committed).
 */
import {
  ConfigDef,
  SinkConnector,
  SinkTask,
  SourceConnector,
  SourceTask,
  sleep,
  type ConnectorConfig,
  type ConnectorPlugin,
  type SinkTaskClass,
  type SourceTaskClass,
  type TopicPartition,
  type TopicPartitionOffsets,
} from '../../../src/connectors/api/index.js';
import { SourceRecord, type SinkRecord } from '../../../src/data/index.js';

/** The real wall clock in ms, which no virtual clock replaces. */
export const realMs = (): number => Number(process.hrtime.bigint() / 1_000_000n);

/** How many more polls of task `task` of connector `connector` throw. */
export const pollFailures = new Map<string, number>();

class TickTask extends SourceTask {
  #topic = '';
  #interval = 1000;
  #task = 0;
  #key = '';
  #n = 0;
  version(): string {
    return '1';
  }
  async start(config: ConnectorConfig): Promise<void> {
    this.#topic = config['topic']!;
    this.#interval = Number(config['interval.ms'] ?? 1000);
    this.#task = Number(config['task.id']);
    this.#key = `${config['connector.name']}/${this.#task}`;
    const stored = await this.context.offsetStorageReader.offset({ task: this.#task });
    this.#n = stored ? Number(stored['n']) + 1 : 0;
  }
  async poll(signal: AbortSignal): Promise<SourceRecord[] | null> {
    await sleep(this.#interval, signal);
    if (signal.aborted) return null;
    const left = pollFailures.get(this.#key) ?? 0;
    if (left > 0) {
      pollFailures.set(this.#key, left - 1);
      throw new Error(`tick task ${this.#key} lost its upstream`);
    }
    const n = this.#n++;
    return [new SourceRecord({ topic: this.#topic, sourcePartition: { task: this.#task }, sourceOffset: { n }, value: { task: this.#task, n, at: Date.now() } })];
  }
  stop(): void {}
}

const tickDef = () =>
  new ConfigDef()
    .define({ name: 'topic', type: 'STRING', importance: 'HIGH', documentation: 'Topic.' })
    .define({ name: 'interval.ms', type: 'LONG', defaultValue: 1000, importance: 'MEDIUM', documentation: 'Poll every.' });

class TickConnector extends SourceConnector {
  #config: ConnectorConfig = {};
  version(): string {
    return '1';
  }
  start(config: ConnectorConfig): void {
    tickDef().parse(config);
    this.#config = config;
  }
  taskConfigs(maxTasks: number): ConnectorConfig[] {
    return Array.from({ length: maxTasks }, (_, i) => ({
      topic: this.#config['topic']!,
      'interval.ms': this.#config['interval.ms'] ?? '1000',
      'connector.name': this.#config['name']!,
      'task.id': String(i),
    }));
  }
  stop(): void {}
  config(): ConfigDef {
    return tickDef();
  }
  taskClass(): SourceTaskClass {
    return TickTask;
  }
}

export const tickPlugin: ConnectorPlugin = {
  type: 'source',
  className: 'test.TickSource',
  aliases: ['tick'],
  version: '1',
  create: () => new TickConnector(),
  configDef: tickDef,
};

/** The "files" each rotating sink wrote, by connector name: one array of values per rotation. */
export const rotatedFiles = new Map<string, { at: number; values: unknown[] }[]>();

class RotatingSinkTask extends SinkTask {
  #name = '';
  #buffer: SinkRecord[] = [];
  #rotated = new Map<string, { tp: TopicPartition; offset: number }>();
  #timer: NodeJS.Timeout | undefined;
  version(): string {
    return '1';
  }
  start(config: ConnectorConfig): void {
    this.#name = config['name']!;
    rotatedFiles.set(this.#name, rotatedFiles.get(this.#name) ?? []);
    this.#timer = setInterval(() => this.#rotate(), Number(config['rotate.interval.ms']));
  }
  put(records: readonly SinkRecord[]): void {
    this.#buffer.push(...records);
  }
  #rotate(): void {
    if (this.#buffer.length === 0) return;
    rotatedFiles.get(this.#name)!.push({ at: Date.now(), values: this.#buffer.map((r) => r.value) });
    for (const r of this.#buffer) {
      const tp = { topic: r.topic, partition: r.kafkaPartition ?? 0 };
      this.#rotated.set(`${r.topic}-${tp.partition}`, { tp, offset: r.kafkaOffset + 1 });
    }
    this.#buffer = [];
  }
  /** Only what a rotation wrote may be committed. */
  override async preCommit(_offsets: TopicPartitionOffsets): Promise<TopicPartitionOffsets> {
    return new Map(this.#rotated);
  }
  stop(): void {
    clearInterval(this.#timer);
  }
}

const rotatingDef = () => new ConfigDef().define({ name: 'rotate.interval.ms', type: 'LONG', importance: 'HIGH', documentation: 'Rotate every.' });

class RotatingSinkConnector extends SinkConnector {
  #config: ConnectorConfig = {};
  version(): string {
    return '1';
  }
  start(config: ConnectorConfig): void {
    this.#config = config;
  }
  taskConfigs(): ConnectorConfig[] {
    return [{ name: this.#config['name']!, 'rotate.interval.ms': this.#config['rotate.interval.ms']! }];
  }
  stop(): void {}
  config(): ConfigDef {
    return rotatingDef();
  }
  taskClass(): SinkTaskClass {
    return RotatingSinkTask;
  }
}

export const rotatingSinkPlugin: ConnectorPlugin = {
  type: 'sink',
  className: 'test.RotatingSink',
  aliases: ['rotating'],
  version: '1',
  create: () => new RotatingSinkConnector(),
  configDef: rotatingDef,
};
