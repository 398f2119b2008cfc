/**
 * A source connector: named counters, each counting 0, 1, 2, … into a topic. Each counter is a source
 * partition (`{ counter: 'a' }`) whose offset is the last position written (`{ position: 41 }`), so a restarted
 * task goes on where the committed offsets say. The counters are split among the tasks (`taskConfigs`).
 *
 * Keys: `topic` (required), `counters` (names, at least one), `counter.max` (positions per counter; -1 = count
 * for ever), `batch.size` (records a poll returns per counter), `poll.interval.ms` (pause before each poll).
 */
import { ConfigDef, SourceConnector, SourceTask, Validators, sleep, type ConnectorConfig, type SourceTaskClass } from 'sluice/plugin';
import { Schema, SchemaBuilder, SourceRecord, Struct } from 'sluice/data';
import { VERSION } from './version.js';

export const TOPIC = 'topic';
export const COUNTERS = 'counters';
export const COUNTER_MAX = 'counter.max';
export const BATCH_SIZE = 'batch.size';
export const POLL_INTERVAL_MS = 'poll.interval.ms';
/** Set by the connector for each task: the counters that task owns. */
export const TASK_COUNTERS = 'task.counters';

const names = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/** The connector's keys: what `sluice validate`, `sluice plugins` and `GET /connector-plugins/…/config` show. */
export function counterSourceConfigDef(): ConfigDef {
  return new ConfigDef()
    .define({ name: TOPIC, type: 'STRING', validator: Validators.nonEmptyString(), importance: 'HIGH', documentation: 'The topic the counters are written to.' })
    .define({
      name: COUNTERS,
      type: 'LIST',
      defaultValue: 'a',
      validator: Validators.custom('a non-empty list of distinct names', (v) => {
        const list = names(v);
        if (list.length === 0) return 'needs at least one counter';
        if (list.some((n) => n.trim() === '')) return 'a counter name may not be empty';
        if (new Set(list).size !== list.length) return 'counter names must be distinct';
        return undefined;
      }),
      importance: 'HIGH',
      documentation: 'The counters, comma-separated: each is a source partition, and tasks share them out.',
    })
    .define({ name: COUNTER_MAX, type: 'LONG', defaultValue: -1, validator: Validators.atLeast(-1), importance: 'MEDIUM', documentation: 'How many positions each counter writes, then the task is finished; -1 counts for ever.' })
    .define({ name: BATCH_SIZE, type: 'INT', defaultValue: 10, validator: Validators.between(1, 10_000), importance: 'LOW', documentation: 'Positions per counter in one poll.' })
    .define({ name: POLL_INTERVAL_MS, type: 'LONG', defaultValue: 1000, validator: Validators.atLeast(0), importance: 'LOW', documentation: 'How long each poll waits before it counts on.' })
    .define({ name: TASK_COUNTERS, type: 'LIST', defaultValue: '', importance: 'LOW', documentation: 'The counters of one task (set by the connector).', internal: true });
}

export const VALUE_SCHEMA = SchemaBuilder.struct().name('com.example.sluice.Count').field('counter', Schema.STRING).field('position', Schema.INT64).build();

export class CounterSourceTask extends SourceTask {
  #topic = '';
  #max = -1;
  #batch = 10;
  #intervalMs = 1000;
  /** The next position of each counter this task owns. */
  #next = new Map<string, number>();

  version(): string {
    return VERSION;
  }

  async start(config: ConnectorConfig): Promise<void> {
    const c = counterSourceConfigDef().parse(config);
    this.#topic = c[TOPIC] as string;
    this.#max = c[COUNTER_MAX] as number;
    this.#batch = c[BATCH_SIZE] as number;
    this.#intervalMs = c[POLL_INTERVAL_MS] as number;
    // Resume: the committed offset of each partition is the last position written.
    const partitions = names(c[TASK_COUNTERS]).map((counter) => ({ counter }));
    const offsets = await this.context.offsetStorageReader.offsets(partitions);
    for (const [partition, offset] of offsets) {
      this.#next.set(partition['counter'] as string, offset ? Number(offset['position']) + 1 : 0);
    }
  }

  async poll(signal: AbortSignal): Promise<SourceRecord[] | null> {
    await sleep(this.#intervalMs, signal);
    if (signal.aborted) return null;
    const records: SourceRecord[] = [];
    for (const [counter, next] of this.#next) {
      const end = this.#max < 0 ? next + this.#batch : Math.min(this.#max, next + this.#batch);
      for (let position = next; position < end; position++) {
        records.push(
          new SourceRecord({
            topic: this.#topic,
            sourcePartition: { counter },
            sourceOffset: { position },
            keySchema: Schema.STRING,
            key: counter,
            valueSchema: VALUE_SCHEMA,
            value: new Struct(VALUE_SCHEMA).put('counter', counter).put('position', position),
          }),
        );
      }
      this.#next.set(counter, end);
    }
    return records;
  }

  /** A bounded run ends once every counter reached `counter.max` (then `sluice run` exits by itself). */
  override isFinished(): boolean {
    return this.#max >= 0 && [...this.#next.values()].every((n) => n >= this.#max);
  }

  stop(): void {}
}

export class CounterSourceConnector extends SourceConnector {
  #config: Record<string, unknown> = {};
  #raw: ConnectorConfig = {};

  version(): string {
    return VERSION;
  }

  start(config: ConnectorConfig): void {
    this.#config = counterSourceConfigDef().parse(config); // throws a ConfigException naming the key
    this.#raw = config;
  }

  /** At most one task per counter; the counters dealt out round-robin. */
  taskConfigs(maxTasks: number): ConnectorConfig[] {
    const counters = names(this.#config[COUNTERS]);
    const n = Math.max(1, Math.min(maxTasks, counters.length));
    return Array.from({ length: n }, (_, i) => ({
      ...this.#raw,
      [TASK_COUNTERS]: counters.filter((_, j) => j % n === i).join(','),
    }));
  }

  stop(): void {}

  config(): ConfigDef {
    return counterSourceConfigDef();
  }

  taskClass(): SourceTaskClass {
    return CounterSourceTask;
  }
}
