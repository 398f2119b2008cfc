/**
 * The local / POSIX filesystem (`file:///…`): also what a cluster filesystem mounted over NFS or FUSE looks
 * like. Durability as a commit protocol needs it: every written file is fsynced before it is closed, and after
 * a rename or a create both directories involved are fsynced, so a committed name never points at data a
 * power cut could lose, and a rename once done stays done.
 */
import { constants } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { joinPath, parentPath, StorageException, type FileStatus, type OutputFile, type Storage } from './storage.js';

function isErrno(e: unknown, ...codes: string[]): boolean {
  return typeof e === 'object' && e !== null && codes.includes((e as NodeJS.ErrnoException).code ?? '');
}

function wrap(op: string, path: string, e: unknown): StorageException {
  return new StorageException(`local filesystem: ${op} ${path} failed: ${(e as Error).message}`, { cause: e });
}

/** fsync a directory so a create/rename inside it is durable; filesystems that cannot (some FUSE) are skipped. */
async function syncDir(dir: string): Promise<void> {
  let h: FileHandle | undefined;
  try {
    h = await open(dir, constants.O_RDONLY | (constants.O_DIRECTORY ?? 0));
    await h.sync();
  } catch (e) {
    if (!isErrno(e, 'EINVAL', 'EISDIR', 'EPERM', 'EACCES', 'ENOTSUP', 'EBADF')) throw e;
  } finally {
    await h?.close().catch(() => {});
  }
}

async function writeAll(h: FileHandle, chunk: Uint8Array): Promise<void> {
  let off = 0;
  while (off < chunk.length) {
    const { bytesWritten } = await h.write(chunk, off, chunk.length - off);
    off += bytesWritten;
  }
}

class LocalOutputFile implements OutputFile {
  readonly path: string;
  #h: FileHandle | undefined;
  #closed = false;

  constructor(path: string, h: FileHandle) {
    this.path = path;
    this.#h = h;
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (!this.#h) throw new StorageException(`local filesystem: write to closed file ${this.path}`, { retriable: false });
    try {
      await writeAll(this.#h, chunk);
    } catch (e) {
      throw wrap('write', this.path, e);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    const h = this.#h;
    this.#h = undefined;
    this.#closed = true;
    if (!h) return;
    try {
      await h.sync();
    } catch (e) {
      await h.close().catch(() => {});
      throw wrap('fsync', this.path, e);
    }
    try {
      await h.close();
    } catch (e) {
      throw wrap('close', this.path, e);
    }
  }

  async abort(): Promise<void> {
    const h = this.#h;
    this.#h = undefined;
    this.#closed = true;
    await h?.close().catch(() => {});
    await rm(this.path, { force: true }).catch(() => {});
  }
}

export class LocalStorage implements Storage {
  readonly url: string;
  readonly basePath: string;
  readonly kind = 'local';

  /** `url` is `file:///abs/dir` (or `file:/abs/dir`), or a plain absolute path. */
  constructor(url: string) {
    this.url = url;
    let path: string;
    if (url.startsWith('file:')) {
      path = decodeURIComponent(url.replace(/^file:(\/\/[^/]*)?/, ''));
    } else {
      path = url;
    }
    if (!path.startsWith('/')) throw new StorageException(`local filesystem URL must be absolute: ${url}`, { retriable: false });
    this.basePath = path === '/' ? '' : path.replace(/\/+$/, '');
  }

  async exists(path: string): Promise<boolean> {
    try {
      await stat(path);
      return true;
    } catch (e) {
      if (isErrno(e, 'ENOENT', 'ENOTDIR')) return false;
      throw wrap('stat', path, e);
    }
  }

  async mkdirs(path: string): Promise<void> {
    try {
      const first = await mkdir(path, { recursive: true });
      if (first === undefined) return;
      // mkdir returned the first directory it created: make each new entry durable in its parent.
      const created = [first];
      for (const part of path.slice(first.length).split('/').filter((p) => p !== '')) {
        created.push(joinPath(created[created.length - 1]!, part));
      }
      for (const dir of created) await syncDir(parentPath(dir));
    } catch (e) {
      throw wrap('mkdirs', path, e);
    }
  }

  async list(path: string): Promise<FileStatus[]> {
    try {
      const entries = await readdir(path, { withFileTypes: true });
      return entries.map((d) => ({ path: joinPath(path, d.name), name: d.name, isDirectory: d.isDirectory(), length: -1 }));
    } catch (e) {
      if (isErrno(e, 'ENOENT', 'ENOTDIR')) return [];
      throw wrap('list', path, e);
    }
  }

  async create(path: string): Promise<OutputFile> {
    try {
      await this.mkdirs(parentPath(path));
      const h = await open(path, 'w');
      return new LocalOutputFile(path, h);
    } catch (e) {
      if (e instanceof StorageException) throw e;
      throw wrap('create', path, e);
    }
  }

  async append(path: string, data: Uint8Array): Promise<void> {
    let h: FileHandle | undefined;
    try {
      const existed = await this.exists(path);
      if (!existed) await this.mkdirs(parentPath(path));
      h = await open(path, 'a');
      await writeAll(h, data);
      await h.sync();
      await h.close();
      h = undefined;
      if (!existed) await syncDir(parentPath(path));
    } catch (e) {
      await h?.close().catch(() => {});
      if (e instanceof StorageException) throw e;
      throw wrap('append', path, e);
    }
  }

  async read(path: string): Promise<Uint8Array | null> {
    try {
      return await readFile(path);
    } catch (e) {
      if (isErrno(e, 'ENOENT', 'ENOTDIR')) return null;
      throw wrap('read', path, e);
    }
  }

  async rename(from: string, to: string): Promise<void> {
    if (await this.exists(to)) {
      throw new StorageException(`local filesystem: cannot rename ${from} to ${to}: the target exists`, { retriable: false });
    }
    try {
      await rename(from, to);
    } catch (e) {
      throw wrap(`rename to ${to}:`, from, e);
    }
    try {
      await syncDir(parentPath(to));
      if (parentPath(to) !== parentPath(from)) await syncDir(parentPath(from));
    } catch (e) {
      throw wrap('fsync directory of', to, e);
    }
  }

  async delete(path: string, recursive = false): Promise<boolean> {
    try {
      const existed = await this.exists(path);
      if (!existed) return false;
      await rm(path, { recursive, force: true });
      await syncDir(parentPath(path));
      return true;
    } catch (e) {
      throw wrap('delete', path, e);
    }
  }

  async close(): Promise<void> {}
}

