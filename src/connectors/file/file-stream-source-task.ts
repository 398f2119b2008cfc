/**
 * Reads lines from a file (tail-like: follows a file that grows) or stdin. Reads are bounded (64 KiB chunks,
 * at most `batch.size` lines per poll), so memory does not depend on the file size. Resumes from the stored
 * `{"position"}` of its `{"filename"}` partition.
 */
import type { Readable } from 'node:stream';
import { ConnectException, SourceTask, sleep, type ConnectorConfig } from '../api/index.js';
import { Schema, SourceRecord, type OffsetMap } from '../../data/index.js';
import { FileByteSource, StreamByteSource, type ByteSource } from './byte-source.js';
import { LineSplitter, type Line } from './line-splitter.js';
import { FILENAME_FIELD, POSITION_FIELD, fileStreamSourceConfigDef } from './file-source-config.js';
import { FILE_CONNECTORS_VERSION } from './version.js';

/** How long an idle poll waits for new data before returning null (Kafka waits 1 s). */
const IDLE_WAIT_MS = 1000;

export class FileStreamSourceTask extends SourceTask {
  static readonly className = 'org.apache.kafka.connect.file.FileStreamSourceTask';

  #filename: string | null = null;
  #topic = '';
  #batchSize = 2000;
  #partition: OffsetMap = {};
  #source: ByteSource | undefined;
  #splitter: LineSplitter | undefined;
  #finished = false;
  /** Bytes per read (default 64 KiB); a test hook. */
  chunkSize: number | undefined;
  /** The stream read when `file` is absent (default process.stdin); a test hook. */
  stdin: Readable | undefined;

  version(): string {
    return FILE_CONNECTORS_VERSION;
  }

  start(config: ConnectorConfig): void {
    const v = fileStreamSourceConfigDef().parse(config);
    this.#filename = (v['file'] as string | null) || null;
    this.#topic = v['topic'] as string;
    this.#batchSize = v['batch.size'] as number;
    this.#partition = Object.freeze({ [FILENAME_FIELD]: this.#filename });
    this.#finished = false;
  }

  override isFinished(): boolean {
    return this.#finished;
  }

  async poll(signal: AbortSignal): Promise<SourceRecord[] | null> {
    if (this.#finished || signal.aborted) return null;
    if (!this.#source && !(await this.#open(signal))) return null;
    let records = await this.#collect();
    if (records.length > 0) return records;
    if (this.#source!.ended) {
      const last = this.#splitter!.pendingBytes > 0 ? this.#flushTail() : null;
      this.#finished = true;
      return last ? this.#toRecords([last]) : null;
    }
    await this.#source!.waitForData(IDLE_WAIT_MS, signal);
    if (signal.aborted) return null;
    records = await this.#collect();
    return records.length > 0 ? records : null;
  }

  async stop(): Promise<void> {
    const source = this.#source;
    this.#source = undefined;
    await source?.close();
  }

  async #open(signal: AbortSignal): Promise<boolean> {
    if (this.#filename === null) {
      this.#source = new StreamByteSource(this.stdin ?? process.stdin, this.chunkSize);
      this.#splitter = new LineSplitter(0);
      return true;
    }
    const position = await this.#storedPosition();
    try {
      this.#source = await FileByteSource.open(this.#filename, position, this.chunkSize);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        // As Kafka: wait for the file to be created.
        await sleep(IDLE_WAIT_MS, signal);
        return false;
      }
      throw new ConnectException(`FileStreamSourceTask could not open ${this.#filename}: ${(e as Error).message}`, { cause: e });
    }
    this.#splitter = new LineSplitter(position);
    return true;
  }

  async #storedPosition(): Promise<number> {
    const offset = await this.context.offsetStorageReader.offset(this.#partition);
    const raw = offset?.[POSITION_FIELD];
    if (raw === undefined || raw === null) return 0;
    const n = typeof raw === 'bigint' ? Number(raw) : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      throw new ConnectException(
        `Offset position is the incorrect type for ${this.#filename}: ${JSON.stringify(offset, (_k, x) => (typeof x === 'bigint' ? String(x) : x))}`,
      );
    }
    return n;
  }

  async #collect(): Promise<SourceRecord[]> {
    const lines: Line[] = [];
    const splitter = this.#splitter!;
    while (lines.length < this.#batchSize) {
      const line = splitter.next();
      if (line) {
        lines.push(line);
        continue;
      }
      const chunk = await this.#source!.read();
      if (!chunk) break;
      splitter.feed(chunk);
    }
    return this.#toRecords(lines);
  }

  /** At the end of a stream, the bytes after the last terminator are a line too. */
  #flushTail(): Line | null {
    const splitter = this.#splitter!;
    splitter.feed(Buffer.from('\n'));
    return splitter.next();
  }

  #toRecords(lines: readonly Line[]): SourceRecord[] {
    const now = Date.now();
    const out = new Array<SourceRecord>(lines.length);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      out[i] = new SourceRecord({
        topic: this.#topic,
        sourcePartition: this.#partition,
        sourceOffset: { [POSITION_FIELD]: this.#filename === null ? null : line.end },
        valueSchema: Schema.STRING,
        value: line.text,
        timestamp: now,
      });
    }
    return out;
  }
}
