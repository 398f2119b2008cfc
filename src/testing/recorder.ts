/**
 * The harness's recorder: a sink connector of its own that reads the in-process topics (all of them, or the
 * ones asked for) and keeps every record it is given, so a test can assert on what the pipeline wrote. It is
 * an ordinary consumer group (`connect-<recorder name>`), so, like any reader of an in-process topic, it holds
 * records back until it commits: it commits whenever it is idle, which never slows the pipeline down.
 */
import { ConfigDef, SinkConnector, SinkTask, type ConnectorConfig, type ConnectorPlugin, type SinkTaskClass } from '../connectors/api/index.js';
import type { SinkRecord } from '../data/index.js';

export const RECORDER_CLASS = 'sluice.testing.RecorderSinkConnector';
const STORE_ID_CONFIG = 'sluice.testing.recorder.id';

/** The records of one harness, in the order the recorder was given them, by topic. */
export class RecordStore {
  readonly #byTopic = new Map<string, SinkRecord[]>();
  add(records: readonly SinkRecord[]): void {
    for (const r of records) {
      let list = this.#byTopic.get(r.topic);
      if (!list) this.#byTopic.set(r.topic, (list = []));
      list.push(r);
    }
  }
  records(topic: string): readonly SinkRecord[] {
    return [...(this.#byTopic.get(topic) ?? [])];
  }
  topics(): string[] {
    return [...this.#byTopic.keys()].sort();
  }
}

const stores = new Map<string, RecordStore>();
let nextId = 0;

/** A fresh store and the id a recorder connector config names it by. */
export function newRecordStore(): { id: string; store: RecordStore; release(): void } {
  const id = `h${++nextId}`;
  const store = new RecordStore();
  stores.set(id, store);
  return { id, store, release: () => void stores.delete(id) };
}

export function recorderConfig(storeId: string): Record<string, string> {
  return { [STORE_ID_CONFIG]: storeId };
}

class RecorderSinkTask extends SinkTask {
  #store: RecordStore | undefined;
  version(): string {
    return '1';
  }
  start(config: ConnectorConfig): void {
    this.#store = stores.get(config[STORE_ID_CONFIG] ?? '');
  }
  put(records: readonly SinkRecord[]): void {
    this.#store?.add(records);
  }
  stop(): void {}
}

const configDef = () =>
  new ConfigDef().define({
    name: STORE_ID_CONFIG,
    type: 'STRING',
    importance: 'LOW',
    documentation: 'The harness whose record store the recorder fills (set by sluice/testing).',
  });

class RecorderSinkConnector extends SinkConnector {
  #config: ConnectorConfig = {};
  version(): string {
    return '1';
  }
  start(config: ConnectorConfig): void {
    this.#config = config;
  }
  taskClass(): SinkTaskClass {
    return RecorderSinkTask;
  }
  taskConfigs(): ConnectorConfig[] {
    return [{ [STORE_ID_CONFIG]: this.#config[STORE_ID_CONFIG] ?? '' }];
  }
  stop(): void {}
  config(): ConfigDef {
    return configDef();
  }
}

export const recorderPlugin: ConnectorPlugin = {
  type: 'sink',
  className: RECORDER_CLASS,
  aliases: [],
  version: '1',
  create: () => new RecorderSinkConnector(),
  configDef,
};
