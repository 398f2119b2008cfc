/**
 * Buffers small encoded pieces into large writes and keeps at most one write in flight, so encoding the next
 * chunk overlaps the previous write and memory stays at about two chunks per open file.
 */
import type { OutputFile } from '../storage/storage.js';

export const DEFAULT_OUTPUT_CHUNK = 1024 * 1024;

export class BufferedOutput {
  readonly file: OutputFile;
  readonly #threshold: number;
  #chunks: Uint8Array[] = [];
  #size = 0;
  #inflight: Promise<void> | undefined;
  #error: unknown;
  #written = 0;

  constructor(file: OutputFile, threshold = DEFAULT_OUTPUT_CHUNK) {
    this.file = file;
    this.#threshold = threshold;
  }

  /** Bytes handed to this output so far (buffered or written). */
  get position(): number {
    return this.#written + this.#size;
  }

  /**
   * Queues `bytes` (not copied: the caller must not reuse them). Returns a promise only when the caller should
   * wait: a chunk is full and the previous write has not finished yet.
   */
  push(bytes: Uint8Array): void | Promise<void> {
    if (this.#error !== undefined) throw this.#error;
    if (bytes.length === 0) return;
    this.#chunks.push(bytes);
    this.#size += bytes.length;
    if (this.#size >= this.#threshold) return this.#startWrite();
  }

  #startWrite(): void | Promise<void> {
    if (this.#inflight) {
      return this.#inflight.then(() => this.#startWrite());
    }
    if (this.#error !== undefined) throw this.#error;
    if (this.#size === 0) return;
    const data = concat(this.#chunks, this.#size);
    this.#written += this.#size;
    this.#chunks = [];
    this.#size = 0;
    const p = this.file.write(data).then(
      () => {
        if (this.#inflight === p) this.#inflight = undefined;
      },
      (e: unknown) => {
        this.#error = e;
        if (this.#inflight === p) this.#inflight = undefined;
      },
    );
    this.#inflight = p;
  }

  /** Writes everything buffered and waits for it. */
  async drain(): Promise<void> {
    while (this.#inflight || this.#size > 0) {
      if (this.#inflight) await this.#inflight;
      else await this.#startWrite();
    }
    if (this.#error !== undefined) throw this.#error;
  }

  /** Drains, then completes the file durably. */
  async close(): Promise<void> {
    await this.drain();
    await this.file.close();
  }

  async abort(): Promise<void> {
    this.#chunks = [];
    this.#size = 0;
    await this.#inflight?.catch(() => {});
    await this.file.abort();
  }
}

export function concat(chunks: readonly Uint8Array[], total?: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const size = total ?? chunks.reduce((n, c) => n + c.length, 0);
  const out = Buffer.allocUnsafe(size);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}
