/**
 * The registry's records in a file, for when there is no Kafka broker: JSON lines `{"key":…,"value":…}` whose key
 * and value are the very JSON Confluent's registry writes to `_schemas` (records.ts), appended and fsynced before
 * they apply. The file only grows (a hard delete appends a null value). A last line torn by a crash is cut off at
 * start; a bad line anywhere else stops the start with its line number.
 */
import { mkdir, open, readFile, truncate, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { decodeRecord, encodeKey, encodeValue, type RegistryRecord } from './records.js';
import { RegistryStoreError, type ApplyRecord, type RegistryStore } from './store.js';

export interface FileStoreOptions {
  readonly path: string;
  /** Told about a torn last line that was cut off. */
  readonly warn?: (message: string) => void;
}

/** One line of the file: the key and value texts exactly as the topic holds them. */
export function fileLine(record: RegistryRecord): string {
  const value = encodeValue(record);
  return `{"key":${encodeKey(record.key)},"value":${value ?? 'null'}}\n`;
}

function parseLine(line: string): RegistryRecord {
  const o = JSON.parse(line) as { key?: unknown; value?: unknown };
  if (typeof o !== 'object' || o === null || typeof o.key !== 'object' || o.key === null) throw new Error('not {"key":{…},"value":…}');
  return decodeRecord(JSON.stringify(o.key), o.value === null || o.value === undefined ? null : JSON.stringify(o.value));
}

export class FileStore implements RegistryStore {
  readonly #path: string;
  readonly #warn: (message: string) => void;
  #apply: ApplyRecord | undefined;
  #handle: FileHandle | undefined;

  constructor(options: FileStoreOptions) {
    this.#path = options.path;
    this.#warn = options.warn ?? (() => {});
  }

  get description(): string {
    return `file ${this.#path}`;
  }

  async start(apply: ApplyRecord): Promise<void> {
    let text = '';
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new RegistryStoreError(`cannot read the registry file ${this.#path}: ${(e as Error).message}`, { cause: e });
    }
    const lines = text.split('\n');
    let goodBytes = 0;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const last = i === lines.length - 1;
      if (line.trim() === '') {
        if (!last) goodBytes += Buffer.byteLength(line) + 1;
        continue;
      }
      let record: RegistryRecord;
      try {
        record = parseLine(line);
      } catch (e) {
        if (last) {
          this.#warn(`the registry file ${this.#path} ends in an incomplete line (a write cut short); it is cut off`);
          await truncate(this.#path, goodBytes);
          break;
        }
        throw new RegistryStoreError(`the registry file ${this.#path} has a bad line ${i + 1}: ${(e as Error).message}`, { cause: e });
      }
      apply(record);
      goodBytes += Buffer.byteLength(line) + (last ? 0 : 1);
      if (last) {
        // A complete record without its newline: end the line so the next append starts a new one.
        await this.#append('\n');
      }
    }
    this.#apply = apply;
  }

  async write(records: readonly RegistryRecord[]): Promise<void> {
    if (!this.#apply) throw new RegistryStoreError(`the registry ${this.description} is written before start()`);
    if (records.length === 0) return;
    await this.#append(records.map(fileLine).join(''));
    for (const r of records) this.#apply(r);
  }

  async sync(): Promise<void> {}

  async close(): Promise<void> {
    const h = this.#handle;
    this.#handle = undefined;
    await h?.close();
  }

  async #append(text: string): Promise<void> {
    try {
      if (!this.#handle) {
        await mkdir(dirname(this.#path), { recursive: true });
        this.#handle = await open(this.#path, 'a', 0o600);
      }
      await this.#handle.write(text);
      await this.#handle.datasync();
    } catch (e) {
      throw new RegistryStoreError(`cannot write the registry file ${this.#path}: ${(e as Error).message}`, { cause: e });
    }
  }
}
