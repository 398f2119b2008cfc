/**
 * Bounded reads from a file (from a byte position, tail-like: a file that grows yields the new bytes) or
 * from a stream such as stdin. `read` returns null when there is nothing new right now.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { sleep } from '../api/index.js';

export interface ByteSource {
  /** The next bytes (at most the chunk size), or null when nothing new is available now. */
  read(): Promise<Buffer | null>;
  /** Resolves when new bytes may be available, or after `ms`, or when `signal` aborts. */
  waitForData(ms: number, signal: AbortSignal): Promise<void>;
  /** True once no byte will ever come again (a stream that ended; never for a file). */
  readonly ended: boolean;
  close(): Promise<void>;
}

export const DEFAULT_CHUNK_SIZE = 64 * 1024;


export class FileByteSource implements ByteSource {
  readonly ended = false;
  #position: number;

  private constructor(
    private readonly handle: FileHandle,
    position: number,
    private readonly chunkSize: number,
  ) {
    this.#position = position;
  }

  /** Opens `path` for reading from byte `position`. Rejects with the fs error (ENOENT, EACCES, …). */
  static async open(path: string, position: number, chunkSize = DEFAULT_CHUNK_SIZE): Promise<FileByteSource> {
    return new FileByteSource(await open(path, 'r'), position, chunkSize);
  }

  async read(): Promise<Buffer | null> {
    // A fresh buffer per read: lines are decoded out of it, and the splitter copies any unfinished tail.
    const buf = Buffer.allocUnsafe(this.chunkSize);
    const { bytesRead } = await this.handle.read(buf, 0, buf.length, this.#position);
    if (bytesRead === 0) return null;
    this.#position += bytesRead;
    return bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
  }

  async waitForData(ms: number, signal: AbortSignal): Promise<void> {
    const deadline = Date.now() + ms;
    while (!signal.aborted && Date.now() < deadline) {
      if ((await this.handle.stat()).size > this.#position) return;
      await sleep(Math.min(100, deadline - Date.now()), signal);
    }
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

export class StreamByteSource implements ByteSource {
  #ended = false;
  #error: Error | undefined;

  constructor(
    private readonly stream: Readable,
    private readonly chunkSize = DEFAULT_CHUNK_SIZE,
  ) {
    stream.once('end', () => (this.#ended = true));
    stream.once('error', (e: Error) => (this.#error = e));
  }

  get ended(): boolean {
    return this.#ended;
  }

  async read(): Promise<Buffer | null> {
    if (this.#error) throw this.#error;
    const chunk = (this.stream.read(Math.min(this.chunkSize, this.stream.readableLength || this.chunkSize)) ??
      this.stream.read()) as Buffer | string | null;
    if (chunk === null) return null;
    return typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  }

  waitForData(ms: number, signal: AbortSignal): Promise<void> {
    if (this.#ended || this.stream.readableLength > 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.stream.off('readable', done);
        this.stream.off('end', done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.stream.on('readable', done);
      this.stream.on('end', done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  async close(): Promise<void> {
    // stdin belongs to the process; only stop listening.
    this.stream.pause();
  }
}
