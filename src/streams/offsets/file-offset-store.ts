/**
 * Standalone mode's offset store: one JSON file mapping Kafka Connect's offset key bytes
 * (`["<connector>",{partition}]`) to the offset JSON. Kafka Connect itself writes a Java-serialized HashMap here
 * with the same keys and values: such a file is imported once (java-offsets-file.ts), the original kept beside it
 * as `<file>.kafka-connect`.
 *
 * Every write replaces the file atomically: temp file, fsync, rename, fsync of the folder. A crash leaves either
 * the old or the new file, never a torn one; a leftover temp file is ignored at start.
 */
import { copyFile, readFile } from 'node:fs/promises';
import type { OffsetMap } from '../../data/index.js';
import type { OffsetStore } from '../contracts.js';
import { SerialQueue } from '../../async/index.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import { KeyedOffsets } from './keyed-offsets.js';
import { OffsetFormatException, readJson, writeJson } from './offset-json.js';
import { isJavaSerialized, readJavaByteArrayMap } from './java-offsets-file.js';
import type { StreamLogger } from '../kafka/client.js';

/** Where the original of an imported Kafka Connect standalone offsets file is kept. */
export const importedOriginalPath = (path: string): string => `${path}.kafka-connect`;

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

  constructor(
    readonly path: string,
    readonly log?: StreamLogger,
  ) {}

  async start(): Promise<void> {
    if (this.#started) return;
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new OffsetStoreException('cannot read', this.path, { cause: e });
      bytes = Buffer.alloc(0);
    }
    if (isJavaSerialized(bytes)) await this.#importJava(bytes);
    else this.#loadJson(bytes);
    this.#started = true;
  }

  #loadJson(bytes: Buffer): void {
    const text = bytes.toString('utf8');
    if (text.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = readJson(text);
    } catch (e) {
      throw new OffsetStoreException(`corrupt: ${(e as Error).message}; ${formatFound(bytes)}`, this.path, { cause: e });
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new OffsetStoreException(`corrupt: not a JSON object; ${formatFound(bytes)}`, this.path);
    }
    for (const [k, v] of Object.entries(parsed)) this.#offsets.data.set(k, writeJson(v));
  }

  /** Kafka Connect's standalone file: its entries become Sluice's JSON file, the original kept beside it. */
  async #importJava(bytes: Buffer): Promise<void> {
    let entries: Array<[Buffer | null, Buffer | null]>;
    try {
      entries = readJavaByteArrayMap(bytes);
    } catch (e) {
      throw new OffsetStoreException(`a Java-serialized file that is not Kafka Connect's offsets map: ${(e as Error).message}`, this.path, { cause: e });
    }
    for (const [key, value] of entries) {
      if (key === null || value === null) continue; // a deleted offset (Kafka Connect keeps its tombstone)
      let offset: unknown;
      try {
        offset = readJson(value.toString('utf8'));
      } catch (e) {
        throw new OffsetStoreException(`Kafka Connect offsets file: the offset of ${key.toString('utf8')} is not JSON`, this.path, { cause: e });
      }
      this.#offsets.data.set(key.toString('utf8'), writeJson(offset));
    }
    const original = importedOriginalPath(this.path);
    try {
      await copyFile(this.path, original);
      await this.#persist();
    } catch (e) {
      throw new OffsetStoreException('cannot import Kafka Connect\'s offsets file', this.path, { cause: e });
    }
    this.log?.info(
      { path: this.path, original, entries: this.#offsets.data.size },
      `imported ${this.#offsets.data.size} offsets from Kafka Connect's standalone offsets file; the file is now Sluice's JSON and the original is kept at ${original}`,
    );
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

/** What the start of a file that is not Sluice's offsets JSON looks like, for the refusal. */
function formatFound(bytes: Buffer): string {
  const head = bytes.subarray(0, 8);
  const printable = head.every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127));
  return printable
    ? 'expected Sluice\'s JSON offsets or Kafka Connect\'s Java-serialized offsets map'
    : `found binary data starting 0x${head.toString('hex')}, neither Sluice's JSON offsets nor Kafka Connect's Java-serialized offsets map (0xaced0005…)`;
}

export { OffsetFormatException };
