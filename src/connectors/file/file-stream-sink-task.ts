/**
 * Appends each record's value plus `\n` to the file (created if missing) or writes to stdout; `flush`
 * fsyncs so the offsets committed after it never point past data that a crash could lose.
 */
import { open, mkdir, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Buffer } from 'node:buffer';
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
  readonly #lines = new LineBuffer();

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
    const lines = this.#lines.fill(records);
    if (this.#handle) {
      await writeAll(this.#handle, lines);
      this.#dirty = true;
    } else {
      await writeStdout(lines);
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

/**
 * The lines of one put as UTF-8 in a buffer reused from put to put (a put's write is awaited before the next):
 * encoding each line as it is made was cheaper in profiles than one string of the whole batch, whose many
 * small pieces are joined only when it is written.
 */
const LINE_BUFFER_BYTES = 64 * 1024;
/** A buffer grown past this for one big put is let go at the next. */
const LINE_BUFFER_KEPT_BYTES = 4 * 1024 * 1024;

class LineBuffer {
  #buf = Buffer.allocUnsafe(LINE_BUFFER_BYTES);

  fill(records: readonly SinkRecord[]): Buffer {
    if (this.#buf.length > LINE_BUFFER_KEPT_BYTES) this.#buf = Buffer.allocUnsafe(LINE_BUFFER_BYTES);
    let at = 0;
    for (const r of records) {
      const line = valueToText(r.value);
      const most = line.length * 3 + 1;
      if (this.#buf.length - at < most) {
        const bigger = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, at + most));
        this.#buf.copy(bigger, 0, 0, at);
        this.#buf = bigger;
      }
      at += this.#buf.write(line, at, 'utf8');
      this.#buf[at++] = 0x0a;
    }
    return this.#buf.subarray(0, at);
  }
}

async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  for (let at = 0; at < bytes.length; ) at += (await handle.write(bytes, at, bytes.length - at)).bytesWritten;
}

/** Resolves once stdout took the bytes (the buffer is reused by the next put only then). */
function writeStdout(bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(bytes, (err) => (err ? reject(err) : resolve()));
  });
}
