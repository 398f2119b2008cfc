/**
 * A synthetic source for demos, tests and benchmarks. Task t of T makes ids t, t+T, t+2T, … (record seq k has
 * id k·T + t), so with `max.records` N the tasks together produce exactly ids 0..N-1, and a restarted task
 * resumes after its last committed seq. Source partition `{"task": t}`, offset `{"seq": k}`.
 */
import { ConnectException, SourceConnector, type ConfigDef, type ConfigValue, type ConnectorConfig, type SourceTaskClass, type ExactlyOnceSupport } from '../api/index.js';
import {
  KEY_FIELD_CONFIG, MAX_RECORDS_CONFIG, QUICKSTART_CONFIG, SEED_CONFIG, TASK_COUNT_CONFIG, TASK_ID_CONFIG,
  TOPIC_ALIAS_CONFIG, TOPIC_CONFIG, datagenConfigDef,
} from './config.js';
import { DatagenTask } from './datagen-task.js';
import { QUICKSTARTS } from './quickstarts.js';
import { DATAGEN_VERSION } from './version.js';

export class DatagenConnector extends SourceConnector {
  static readonly className = 'io.sluice.connect.datagen.DatagenConnector';
  #props: Record<string, string> = {};
  #seed = '0';
  #maxRecords = -1;

  version(): string {
    return DATAGEN_VERSION;
  }

  start(config: ConnectorConfig): void {
    const v = this.config().parse(config);
    const problems = crossKeyProblems(config);
    if (problems.length > 0) throw new ConnectException(`Invalid datagen configuration: ${problems.map(([k, m]) => `${k}: ${m}`).join('; ')}`);
    this.#props = { ...config };
    this.#maxRecords = v[MAX_RECORDS_CONFIG] as number;
    // One seed for all tasks, fixed in their configs, so task restarts regenerate the same values.
    this.#seed = v[SEED_CONFIG] === null ? String(Math.floor(Math.random() * 2 ** 48)) : String(v[SEED_CONFIG]);
  }

  /** KIP-618: a task resumes after its last committed seq, and seq k is the same record (given the seed). */
  override exactlyOnceSupport(): ExactlyOnceSupport {
    return 'SUPPORTED';
  }

  taskClass(): SourceTaskClass {
    return DatagenTask;
  }

  taskConfigs(maxTasks: number): ConnectorConfig[] {
    const count = this.#maxRecords >= 0 ? Math.max(1, Math.min(maxTasks, this.#maxRecords)) : maxTasks;
    return Array.from({ length: count }, (_, t) => ({
      ...this.#props,
      [SEED_CONFIG]: this.#seed,
      [TASK_ID_CONFIG]: String(t),
      [TASK_COUNT_CONFIG]: String(count),
    }));
  }

  stop(): void {}

  config(): ConfigDef {
    return datagenConfigDef();
  }

  override async validate(config: ConnectorConfig): Promise<Map<string, ConfigValue>> {
    const values = this.config().validate(config);
    for (const [key, message] of crossKeyProblems(config)) values.get(key)?.errorMessages.push(message);
    return values;
  }
}

function crossKeyProblems(config: ConnectorConfig): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const topic = config[TOPIC_CONFIG]?.trim();
  const alias = config[TOPIC_ALIAS_CONFIG]?.trim();
  if (!topic && !alias) out.push([TOPIC_CONFIG, 'Must configure one of kafka.topic or topic']);
  if (topic && alias && topic !== alias) out.push([TOPIC_ALIAS_CONFIG, `topic (${alias}) and kafka.topic (${topic}) disagree; set only one`]);
  const qs = QUICKSTARTS[config[QUICKSTART_CONFIG]?.trim() ?? 'orders'];
  const keyField = config[KEY_FIELD_CONFIG]?.trim();
  if (qs && keyField && !qs.schema.field(keyField)) {
    out.push([KEY_FIELD_CONFIG, `No field ${keyField} in the ${qs.name} schema; fields are ${qs.schema.fields.map((f) => f.name).join(', ')}`]);
  }
  return out;
}
