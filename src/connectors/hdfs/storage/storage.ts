/**
 * The small filesystem interface the HDFS sink writes through. Paths are absolute, `/`-separated paths inside
 * the filesystem named by `hdfs.url` / `store.url` (its path part is already prefixed by the caller).
 *
 * Guarantees the sink relies on for exactly-once:
 * - `create` + `OutputFile.close()` leave a complete, durable file (fsync / HDFS close);
 * - `rename` is atomic, refuses to overwrite, creates nothing else (callers `mkdirs` the parent first);
 * - `append` is durable when it resolves (fsync / HDFS close of the append).
 */
export interface FileStatus {
  /** Absolute path. */
  readonly path: string;
  /** Last path component. */
  readonly name: string;
  readonly isDirectory: boolean;
  /** Bytes, or -1 when the backend did not report it cheaply. */
  readonly length: number;
}

/** A file being written: chunks in order, then `close` (durable) or `abort` (deleted). */
export interface OutputFile {
  readonly path: string;
  write(chunk: Uint8Array): Promise<void>;
  /** Completes the file and makes it durable. */
  close(): Promise<void>;
  /** Closes (if open) and deletes the file, ignoring errors. */
  abort(): Promise<void>;
}

export interface Storage {
  /** What the sink was configured with (`file:///…`, `hdfs://…`, …), for messages and WAL entries. */
  readonly url: string;
  /** The path part of the URL (no trailing slash, `''` for the root): every path the sink uses starts with it. */
  readonly basePath: string;
  /** A short name for logs and errors: `local`, `webhdfs`. */
  readonly kind: string;
  exists(path: string): Promise<boolean>;
  /** Creates the directory and its parents; fine if it exists. */
  mkdirs(path: string): Promise<void>;
  /** Direct children; an empty list when the directory does not exist. */
  list(path: string): Promise<FileStatus[]>;
  /** A new file (an existing one is overwritten); parent directories are created. */
  create(path: string): Promise<OutputFile>;
  /** Appends `data` durably, creating the file (and parents) if missing. */
  append(path: string, data: Uint8Array): Promise<void>;
  /** The whole file, or null when it does not exist. */
  read(path: string): Promise<Uint8Array | null>;
  /** Atomic rename; throws when `to` exists or `from` does not. The parent of `to` must exist. */
  rename(from: string, to: string): Promise<void>;
  /** True if something was deleted. */
  delete(path: string, recursive?: boolean): Promise<boolean>;
  close(): Promise<void>;
}

/** `a/b` + `c` with exactly one `/` between non-empty parts; keeps a leading `/`. */
export function joinPath(...parts: string[]): string {
  const kept = parts.filter((p) => p !== '');
  if (kept.length === 0) return '';
  const lead = kept[0]!.startsWith('/') ? '/' : '';
  const body = kept
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter((p) => p !== '')
    .join('/');
  return (lead + body).replace(/\/{2,}/g, '/');
}

export function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** Every file below `dir` (recursively), depth-first in name order. */
export async function listFilesRecursive(storage: Storage, dir: string): Promise<FileStatus[]> {
  const out: FileStatus[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = (await storage.list(d)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.isDirectory) await walk(e.path);
      else out.push(e);
    }
  };
  await walk(dir);
  return out;
}

/** A storage error the sink may retry (I/O failure, HTTP 5xx, connection refused). */
export class StorageException extends Error {
  override readonly name = 'StorageException';
  readonly retriable: boolean;
  constructor(message: string, options?: { cause?: unknown; retriable?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.retriable = options?.retriable ?? true;
  }
}
