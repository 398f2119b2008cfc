/**
 * Standalone mode's offset store: one JSON file mapping Kafka Connect's offset key bytes
 * (`["<connector>",{partition}]`) to the offset JSON. Kafka Connect itself writes a Java-serialized HashMap here
 * (not readable outside the JVM); the keys and values are the same bytes.
 *
 * Every write replaces the file atomically: temp file, fsync, rename, fsync of the folder. A crash leaves either
 * the old or the new file, never a torn one; a leftover temp file is ignored at start.
 */
import { readFile } from 'node:fs/promises';
import type { OffsetMap } from '../../data/index.js';
import type { OffsetStore } from '../contracts.js';
import { SerialQueue } from '../../async/index.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import { KeyedOffsets } from './keyed-offsets.js';
import { OffsetFormatException, readJson, writeJson } from './offset-json.js';

export class OffsetStoreException extends Error {
  override readonly name = 'OffsetStoreException';
  constructor(message: string, readonly path: string, options?: { cause?: unknown }) {
    super(`${message} (offset file ${path})`, options);
  }
}

export class FileOffsetStore implements OffsetStore {
  readonly #offsets = new KeyedOffsets();
  readonly #writes = new SerialQueue();
  #started = false;

  constructor(readonly path: string) {}

  async start(): Promise<void> {
    if (this.#started) return;
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new OffsetStoreException('cannot read', this.path, { cause: e });
      text = '';
    }
    if (text.trim() !== '') {
      let parsed: unknown;
      try {
        parsed = readJson(text);
      } catch (e) {
        throw new OffsetStoreException(`corrupt: ${(e as Error).message}`, this.path, { cause: e });
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new OffsetStoreException('corrupt: not a JSON object', this.path);
      }
      for (const [k, v] of Object.entries(parsed)) this.#offsets.data.set(k, writeJson(v));
    }
    this.#started = true;
  }

  async get(connector: string, partitions: readonly OffsetMap[]): Promise<Map<OffsetMap, OffsetMap | null>> {
    this.#assertStarted();
    return this.#offsets.get(connector, partitions);
  }

  set(connector: string, entries: ReadonlyArray<readonly [OffsetMap, OffsetMap | null]>): Promise<void> {
    this.#assertStarted();
    if (entries.length === 0) return Promise.resolve();
    return this.#writes.run(async () => {
      const previous = this.#offsets.apply(connector, entries);
      try {
        await this.#persist();
      } catch (e) {
        this.#offsets.rollback(previous);
        throw new OffsetStoreException('cannot write', this.path, { cause: e });
      }
    });
  }

  async all(connector: string): Promise<Array<[OffsetMap, OffsetMap]>> {
    this.#assertStarted();
    return this.#offsets.all(connector);
  }

  async stop(): Promise<void> {
    await this.#writes.idle();
  }

  #assertStarted(): void {
    if (!this.#started) throw new OffsetStoreException('used before start()', this.path);
  }

  /** The file's text: one entry per line, key as a JSON string, value as raw JSON. */
  serialize(): string {
    const lines = [...this.#offsets.data].map(([k, v]) => `${JSON.stringify(k)}:${v}`);
    return lines.length ? `{\n${lines.join(',\n')}\n}\n` : '{}\n';
  }

  async #persist(): Promise<void> {
    await writeFileAtomic(this.path, this.serialize());
  }
}

export { OffsetFormatException };
