/**
 * Appends each record's value plus `\n` to the file (created if missing) or writes to stdout; `flush`
 * fsyncs so the offsets committed after it never point past data that a crash could lose.
 */
import { open, mkdir, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConnectException, SinkTask, type ConnectorConfig, type TopicPartitionOffsets } from '../api/index.js';
import type { SinkRecord } from '../../data/index.js';
import { valueToText } from './value-text.js';
import { FILE_CONNECTORS_VERSION } from './version.js';

const SINK_FILE_CONFIG = 'file';

export class FileStreamSinkTask extends SinkTask {
  static readonly className = 'org.apache.kafka.connect.file.FileStreamSinkTask';
  #filename: string | null = null;
  #handle: FileHandle | undefined;
  #dirty = false;

  version(): string {
    return FILE_CONNECTORS_VERSION;
  }

  async start(config: ConnectorConfig): Promise<void> {
    this.#filename = config[SINK_FILE_CONFIG]?.trim() || null;
    if (this.#filename === null) return;
    try {
      await mkdir(dirname(this.#filename), { recursive: true });
      this.#handle = await open(this.#filename, 'a');
    } catch (e) {
      throw new ConnectException(`Couldn't find or create file '${this.#filename}' for FileStreamSinkTask: ${(e as Error).message}`, { cause: e });
    }
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    if (records.length === 0) return;
    let text = '';
    for (const r of records) text += valueToText(r.value) + '\n';
    if (this.#handle) {
      await this.#handle.write(text);
      this.#dirty = true;
    } else {
      await writeStdout(text);
    }
  }

  override async flush(_offsets: TopicPartitionOffsets): Promise<void> {
    if (this.#handle && this.#dirty) {
      await this.#handle.sync();
      this.#dirty = false;
    }
  }

  async stop(): Promise<void> {
    const h = this.#handle;
    this.#handle = undefined;
    if (h) {
      try {
        if (this.#dirty) await h.sync();
      } finally {
        await h.close();
      }
    }
  }
}

function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (err) => (err ? reject(err) : resolve()));
  });
}
