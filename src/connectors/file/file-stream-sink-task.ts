/**
 * Appends each record's value plus `\n` to the file (created if missing) or writes to stdout; `flush`
 * fsyncs so the offsets committed after it never point past data that a crash could lose.
 */
import { open, mkdir, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Buffer } from 'node:buffer';
import { ConnectException, SinkTask, type ConnectorConfig, type TopicPartitionOffsets } from '../api/index.js';
import type { SinkRecord } from '../../data/index.js';
import { Utf8Out } from '../../data/utf8-out.js';
import { writeValueText } from './value-text.js';
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

/** A line buffer grown past this by one big put is let go at the next. */
const LINE_BUFFER_KEPT_BYTES = 4 * 1024 * 1024;

/** The lines of one put as UTF-8, in a buffer reused from put to put (a put's write is awaited before the next). */
class LineBuffer {
  readonly #out = new Utf8Out();

  fill(records: readonly SinkRecord[]): Buffer {
    const out = this.#out;
    out.reset(LINE_BUFFER_KEPT_BYTES);
    for (const r of records) {
      writeValueText(r.value, out);
      out.byte(0x0a);
    }
    return out.view();
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
