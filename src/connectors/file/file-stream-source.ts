/**
 * Kafka Connect's FileStreamSourceConnector: lines of a file (or stdin) as STRING records. One task.
 * Source partition `{"filename": <file>}`, offset `{"position": <byte offset after the line>}`.
 */
import { ConnectException, SourceConnector, type ConfigDef, type ConnectorConfig, type SourceTaskClass, type ExactlyOnceSupport } from '../api/index.js';
import {
  FILENAME_FIELD, FILE_CONFIG, POSITION_FIELD, TASK_BATCH_SIZE_CONFIG, TOPIC_CONFIG, fileStreamSourceConfigDef,
} from './file-source-config.js';
import { FileStreamSourceTask } from './file-stream-source-task.js';
import { FILE_CONNECTORS_VERSION } from './version.js';

export class FileStreamSourceConnector extends SourceConnector {
  static readonly className = 'org.apache.kafka.connect.file.FileStreamSourceConnector';
  #props: ConnectorConfig = {};

  version(): string {
    return FILE_CONNECTORS_VERSION;
  }

  start(config: ConnectorConfig): void {
    this.config().parse(config);
    this.#props = config;
  }

  /** KIP-618: a file's byte position is exact; stdin cannot be read again from an offset. */
  override exactlyOnceSupport(config: ConnectorConfig): ExactlyOnceSupport {
    return (config[FILE_CONFIG] ?? '').trim() === '' ? 'UNSUPPORTED' : 'SUPPORTED';
  }

  taskClass(): SourceTaskClass {
    return FileStreamSourceTask;
  }

  /** Only one input stream makes sense. */
  taskConfigs(_maxTasks: number): ConnectorConfig[] {
    const out: Record<string, string> = {};
    for (const k of [FILE_CONFIG, TOPIC_CONFIG, TASK_BATCH_SIZE_CONFIG]) if (this.#props[k] !== undefined) out[k] = this.#props[k]!;
    return [out];
  }

  stop(): void {}

  config(): ConfigDef {
    return fileStreamSourceConfigDef();
  }

  /** Offsets must be null (reset) or `{"position": <non-negative integer>}` under a `{"filename": …}` partition. */
  override alterOffsets(_config: ConnectorConfig, offsets: Map<unknown, unknown>): boolean {
    for (const [rawPartition, offset] of offsets) {
      if (offset === null || offset === undefined) continue;
      if (typeof offset !== 'object' || !Object.hasOwn(offset, POSITION_FIELD)) {
        throw new ConnectException(`Offset objects should either be null or contain the key '${POSITION_FIELD}'`);
      }
      const pos = (offset as Record<string, unknown>)[POSITION_FIELD];
      if (!(typeof pos === 'bigint' || (typeof pos === 'number' && Number.isInteger(pos)))) {
        throw new ConnectException(`The value for the '${POSITION_FIELD}' key in the offset is expected to be a Long value`);
      }
      if (pos < 0) throw new ConnectException(`The value for the '${POSITION_FIELD}' key in the offset should be a non-negative value`);
      const partition = typeof rawPartition === 'string' ? parseJson(rawPartition) : rawPartition;
      if (partition === null || partition === undefined) throw new ConnectException('Partition objects cannot be null');
      if (typeof partition !== 'object' || !Object.hasOwn(partition, FILENAME_FIELD)) {
        throw new ConnectException(`Partition objects should contain the key '${FILENAME_FIELD}'`);
      }
    }
    return true;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
