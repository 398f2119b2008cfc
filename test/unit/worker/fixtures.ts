/** Test plugins and a runtime whose task runs the test controls (the herder's own logic, no data path). */
import {
  ConfigDef,
  SinkConnector,
  SinkTask,
  SourceConnector,
  SourceTask,
  type ConnectorConfig,
  type ConnectorPlugin,
  type SinkTaskClass,
  type SourceTaskClass,
} from '../../../src/connectors/api/index.js';
import type { SinkRecord, SourceRecord } from '../../../src/data/index.js';
import { MemoryOffsetStore } from '../../../src/streams/offsets/memory-offset-store.js';
import type { TaskRun } from '../../../src/streams/contracts.js';
import type { TaskStartSpec, WorkerRuntime } from '../../../src/worker/runtime.js';
import { FakeRun } from '../actors/fake-run.js';

export class ShardTask extends SourceTask {
  static readonly className = 'test.ShardTask';
  finished = false;
  version(): string {
    return '1';
  }
  start(): void {}
  async poll(): Promise<SourceRecord[] | null> {
    return null;
  }
  stop(): void {}
  override isFinished(): boolean {
    return this.finished;
  }
}

/** A source connector with one task per entry of `shards` (comma list). */
export class ShardConnector extends SourceConnector {
  static instances: ShardConnector[] = [];
  shards: string[] = [];
  constructor() {
    super();
    ShardConnector.instances.push(this);
  }
  version(): string {
    return '1';
  }
  start(config: ConnectorConfig): void {
    this.shards = (config['shards'] ?? 'a').split(',');
  }
  taskConfigs(): ConnectorConfig[] {
    return this.shards.map((shard) => ({ shard }));
  }
  /** What a connector does when its source changes shape. */
  reshard(shards: string[]): void {
    this.shards = shards;
    this.context.requestTaskReconfiguration();
  }
  stop(): void {}
  config(): ConfigDef {
    return shardConfigDef();
  }
  taskClass(): SourceTaskClass {
    return ShardTask;
  }
}

function shardConfigDef(): ConfigDef {
  return new ConfigDef().define({ name: 'shards', type: 'LIST', defaultValue: 'a', importance: 'HIGH', documentation: 'shards' });
}

export class NullSinkTask extends SinkTask {
  version(): string {
    return '1';
  }
  start(): void {}
  put(_records: readonly SinkRecord[]): void {}
  stop(): void {}
}

export class NullSinkConnector extends SinkConnector {
  version(): string {
    return '1';
  }
  start(): void {}
  taskConfigs(maxTasks: number): ConnectorConfig[] {
    return Array.from({ length: maxTasks }, () => ({}));
  }
  stop(): void {}
  config(): ConfigDef {
    return new ConfigDef();
  }
  taskClass(): SinkTaskClass {
    return NullSinkTask;
  }
}

export const shardPlugin: ConnectorPlugin = {
  type: 'source',
  className: 'test.ShardConnector',
  aliases: ['shards'],
  version: '1',
  create: () => new ShardConnector(),
  configDef: shardConfigDef,
};

export const nullSinkPlugin: ConnectorPlugin = {
  type: 'sink',
  className: 'test.NullSinkConnector',
  aliases: ['null-sink'],
  version: '1',
  create: () => new NullSinkConnector(),
  configDef: () => new ConfigDef(),
};

/** A runtime that hands out FakeRuns and remembers what it was asked to start. */
export class FakeRuntime implements WorkerRuntime {
  readonly offsets = new MemoryOffsetStore();
  readonly started: Array<{ spec: TaskStartSpec; run: FakeRun }> = [];
  closed = false;
  /** When set, the next start of this task throws. */
  failNextStart = new Set<string>();
  async start(): Promise<void> {}
  startTask(spec: TaskStartSpec): TaskRun {
    const key = `${spec.id.connector}-${spec.id.task}`;
    if (this.failNextStart.delete(key)) throw new Error(`cannot start ${key}`);
    const run = new FakeRun(spec.id);
    this.started.push({ spec, run });
    return run;
  }
  /** The latest run of a task. */
  run(connector: string, task: number): FakeRun {
    const found = this.started.filter((s) => s.spec.id.connector === connector && s.spec.id.task === task).at(-1);
    if (!found) throw new Error(`no run for ${connector}-${task}`);
    return found.run;
  }
  runs(connector: string): FakeRun[] {
    return this.started.filter((s) => s.spec.id.connector === connector).map((s) => s.run);
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

/** Polls `check` until it returns true (a bounded wait for asynchronous state, not a timing assertion). */
export async function eventually(check: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
