/**
 * The write-ahead log of one topic-partition, at `<logs.dir>/<topic>/<partition>/log` (previous: `log.1`), in
 * the format of Confluent's kafka-connect-hdfs (WALFile), so logs left by Confluent's connector are applied on
 * recovery and ours read by it:
 *   header: 'W' 'A' 'L' 0, then a 16-byte sync marker;
 *   record: int32 total length, int32 key length, key bytes, value bytes (big-endian ints);
 *   a sync escape (int32 -1 + the marker) at the start of every append session and about every 2000 bytes;
 *   key and value are Hadoop `Text.writeString`: a Hadoop vint length, then UTF-8.
 * A commit is one block: BEGIN (empty value), one (tempPath, committedPath) entry per file, END. A block is
 * applied only when it is complete; renames whose target exists are skipped, so applying is idempotent.
 */
import { randomBytes } from 'node:crypto';
import type { Storage } from './storage/storage.js';
import { baseName } from './storage/storage.js';
import { parseCommittedFileName } from './naming.js';

const MAGIC = Buffer.from([0x57, 0x41, 0x4c, 0x00]); // W A L 0
const SYNC_SIZE = 16;
const SYNC_INTERVAL = 100 * (4 + SYNC_SIZE);
export const WAL_BEGIN = 'BEGIN';
export const WAL_END = 'END';

export interface WalEntry {
  readonly tempFile: string;
  readonly committedFile: string;
}

export interface WalReadResult {
  /** Complete BEGIN…END blocks in order. */
  readonly blocks: WalEntry[][];
  /** True when the file ended inside a block or a record (a crash while appending). */
  readonly truncatedTail: boolean;
  readonly corrupt: boolean;
}

/** Hadoop WritableUtils.writeVLong. */
export function writeVLong(n: number): Buffer {
  if (n >= -112 && n <= 127) return Buffer.from([n & 0xff]);
  let len = -112;
  let i = BigInt(n);
  if (i < 0n) {
    i = ~i;
    len = -120;
  }
  let tmp = i;
  while (tmp !== 0n) {
    tmp >>= 8n;
    len--;
  }
  const bytes = [len & 0xff];
  const count = len < -120 ? -(len + 120) : -(len + 112);
  for (let idx = count; idx !== 0; idx--) bytes.push(Number((i >> BigInt((idx - 1) * 8)) & 0xffn));
  return Buffer.from(bytes);
}

/** Hadoop WritableUtils.readVLong: value and bytes used, or undefined when `buf` ends early. */
export function readVLong(buf: Uint8Array, pos: number): { value: number; size: number } | undefined {
  if (pos >= buf.length) return undefined;
  const first = (buf[pos]! << 24) >> 24; // signed byte
  if (first >= -112) return { value: first, size: 1 };
  const negative = first < -120;
  const size = negative ? -119 - first : -111 - first;
  if (pos + size > buf.length) return undefined;
  let i = 0n;
  for (let k = 1; k < size; k++) i = (i << 8n) | BigInt(buf[pos + k]!);
  return { value: Number(negative ? ~i : i), size };
}

function text(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([writeVLong(b.length), b]);
}

function readText(buf: Uint8Array, pos: number, end: number): { value: string; next: number } | undefined {
  const len = readVLong(buf, pos);
  if (!len || len.value < 0 || pos + len.size + len.value > end) return undefined;
  const start = pos + len.size;
  return { value: Buffer.from(buf.buffer, buf.byteOffset + start, len.value).toString('utf8'), next: start + len.value };
}

/** Parses a WAL file. Never throws: damage ends the read (what came before is still returned). */
export function readWal(data: Uint8Array): WalReadResult {
  const blocks: WalEntry[][] = [];
  if (data.length < MAGIC.length + SYNC_SIZE) return { blocks, truncatedTail: data.length > 0, corrupt: false };
  for (let i = 0; i < 3; i++) if (data[i] !== MAGIC[i]) return { blocks, truncatedTail: false, corrupt: true };
  const sync = data.subarray(4, 4 + SYNC_SIZE);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let pos = 4 + SYNC_SIZE;
  let current: WalEntry[] | null = null;
  while (pos < data.length) {
    if (pos + 4 > data.length) return { blocks, truncatedTail: true, corrupt: false };
    const total = view.getInt32(pos);
    if (total === -1) {
      if (pos + 4 + SYNC_SIZE > data.length) return { blocks, truncatedTail: true, corrupt: false };
      for (let k = 0; k < SYNC_SIZE; k++) {
        if (data[pos + 4 + k] !== sync[k]) return { blocks, truncatedTail: false, corrupt: true };
      }
      pos += 4 + SYNC_SIZE;
      continue;
    }
    if (pos + 8 > data.length) return { blocks, truncatedTail: true, corrupt: false };
    const keyLen = view.getInt32(pos + 4);
    if (total < 0 || keyLen < 0 || keyLen > total) return { blocks, truncatedTail: false, corrupt: true };
    const start = pos + 8;
    const end = start + total;
    if (end > data.length) return { blocks, truncatedTail: true, corrupt: false };
    const key = readText(data, start, start + keyLen);
    const value = readText(data, start + keyLen, end);
    if (!key || !value) return { blocks, truncatedTail: false, corrupt: true };
    pos = end;
    if (key.value === WAL_BEGIN) current = [];
    else if (key.value === WAL_END) {
      if (current) blocks.push(current);
      current = null;
    } else if (current) current.push({ tempFile: key.value, committedFile: value.value });
  }
  return { blocks, truncatedTail: current !== null, corrupt: false };
}

/** Storage path of a WAL entry: Confluent writes full URLs (`hdfs://nn:8020/topics/…`), we accept both. */
export function walEntryPath(entry: string): string {
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/]*(\/.*)$/.exec(entry);
  if (m) return decodeURIComponent(m[1]!);
  const f = /^file:(\/.*)$/.exec(entry);
  if (f) return decodeURIComponent(f[1]!);
  return entry;
}

export class Wal {
  readonly logFile: string;
  readonly oldLogFile: string;
  readonly #storage: Storage;
  /** How WAL entries name files: the storage URL's scheme and authority + the path. */
  readonly #prefix: string;
  /** Sync marker of the log file this instance created (appends to another writer's file read its header). */
  #sync: Buffer | undefined;

  constructor(storage: Storage, logDir: string) {
    this.#storage = storage;
    this.logFile = `${logDir}/log`;
    this.oldLogFile = `${logDir}/log.1`;
    const m = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/]*)/.exec(storage.url);
    this.#prefix = m ? m[1]! : '';
  }

  /** The string stored for a path (a full URL like Confluent's, when the storage URL has an authority part). */
  entryName(path: string): string {
    return this.#prefix ? `${this.#prefix}${path}` : path;
  }

  async #read(file: string): Promise<WalReadResult | null> {
    const data = await this.#storage.read(file);
    return data ? readWal(data) : null;
  }

  /**
   * Finishes every complete block of `log.1` then `log`: renames whose target does not exist yet and whose
   * temp file does. Returns the largest committed end offset named in the last complete block (of `log`, or of
   * `log.1` when `log` has none), or -1.
   */
  async apply(): Promise<number> {
    let latest = -1;
    for (const file of [this.oldLogFile, this.logFile]) {
      const r = await this.#read(file);
      if (!r) continue;
      for (const block of r.blocks) {
        for (const e of block) {
          const temp = walEntryPath(e.tempFile);
          const committed = walEntryPath(e.committedFile);
          if (await this.#storage.exists(committed)) continue;
          if (!(await this.#storage.exists(temp))) continue;
          const dir = committed.slice(0, committed.lastIndexOf('/'));
          await this.#storage.mkdirs(dir);
          await this.#storage.rename(temp, committed);
        }
      }
      for (let i = r.blocks.length - 1; i >= 0; i--) {
        const end = maxEndOffset(r.blocks[i]!);
        if (end >= 0) {
          latest = end;
          break;
        }
      }
    }
    return latest;
  }

  /** Confluent's truncate: `log` becomes `log.1` (the old `log.1` is deleted). A missing `log` leaves `log.1` alone. */
  async truncate(): Promise<void> {
    if (!(await this.#storage.exists(this.logFile))) return;
    await this.#storage.delete(this.oldLogFile);
    await this.#storage.rename(this.logFile, this.oldLogFile);
    this.#sync = undefined;
  }

  /** Appends BEGIN, the entries, END in one durable append. */
  async append(entries: readonly WalEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const parts: Buffer[] = [];
    let sinceSync = 0;
    const record = (k: string, v: string): void => {
      const key = text(k);
      const value = text(v);
      const head = Buffer.alloc(8);
      head.writeInt32BE(key.length + value.length, 0);
      head.writeInt32BE(key.length, 4);
      parts.push(head, key, value);
      sinceSync += 8 + key.length + value.length;
    };
    let fresh = false;
    if (!this.#sync) {
      const existing = await this.#storage.read(this.logFile);
      const parsed = existing && existing.length >= 4 + SYNC_SIZE ? readWal(existing) : undefined;
      if (existing && parsed && !parsed.corrupt && !parsed.truncatedTail) {
        this.#sync = Buffer.from(existing.subarray(4, 4 + SYNC_SIZE));
      } else {
        if (existing && existing.length > 0) {
          // Unreadable leftovers: start a fresh log rather than append after garbage.
          await this.#storage.delete(this.oldLogFile);
          await this.#storage.rename(this.logFile, this.oldLogFile);
        }
        this.#sync = randomBytes(SYNC_SIZE);
        fresh = true;
      }
    }
    const sync = this.#sync;
    const syncEscape = (): void => {
      const b = Buffer.alloc(4);
      b.writeInt32BE(-1, 0);
      parts.push(b, sync);
      sinceSync = 0;
    };
    if (fresh) parts.push(MAGIC, sync);
    else syncEscape();
    record(WAL_BEGIN, '');
    for (const e of entries) {
      if (sinceSync >= SYNC_INTERVAL) syncEscape();
      record(e.tempFile, e.committedFile);
    }
    record(WAL_END, '');
    await this.#storage.append(this.logFile, Buffer.concat(parts));
  }
}

/** The largest end offset among committed file names of a block (-1 if none parse). */
export function maxEndOffset(block: readonly WalEntry[]): number {
  let max = -1;
  for (const e of block) {
    const parsed = parseCommittedFileName(baseName(walEntryPath(e.committedFile)));
    if (parsed && parsed.endOffset > max) max = parsed.endOffset;
  }
  return max;
}
