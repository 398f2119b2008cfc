/**
 * HDFS over its REST API (WebHDFS), with the global `fetch` (node:http for the DataNode uploads, see #upload).
 * Data operations go to the NameNode first, which answers `307` with a DataNode `Location`; the bytes are then
 * sent there. Writes are buffered and sent as one
 * CREATE followed by APPENDs of `chunkBytes` each, so memory per open file stays bounded. Each request
 * completes (the DataNode closes the block) before the next starts, so a finished `close()` is a complete file.
 *
 * Selected by `hdfs.url` / `store.url`: `webhdfs://nn:9870/base`, `swebhdfs://…`, `http(s)://nn:9870/base`, or
 * `hdfs://nn:8020/base` (the HTTP address then comes from `hadoop.conf.dir`'s hdfs-site.xml
 * `dfs.namenode.http-address[.<nameservice>.<nn>]`, default port 9870). With an HA nameservice every NameNode's
 * HTTP address is tried in turn; a StandbyException or a refused connection moves to the next.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { sleep } from '../../api/index.js';
import { joinPath, parentPath, StorageException, type FileStatus, type OutputFile, type Storage } from './storage.js';

export interface WebHdfsOptions {
  /** As configured, for messages and WAL entries. */
  readonly url: string;
  /** `http://host:port` of each NameNode, tried in order. */
  readonly httpBases: readonly string[];
  readonly basePath: string;
  readonly user: string;
  /** Bytes buffered per CREATE/APPEND request. Default 8 MiB. */
  readonly chunkBytes?: number;
  /** Per-request timeout. Default 120 s. */
  readonly requestTimeoutMs?: number;
}

/** RemoteException names that mean "try again later" (lease held, NameNode in standby/safe mode, …). */
const RETRIABLE_REMOTE = new Set([
  'AlreadyBeingCreatedException', 'RecoveryInProgressException', 'RetriableException', 'StandbyException',
  'SafeModeException', 'LeaseExpiredException', 'NotReplicatedYetException', 'IOException',
]);

interface RemoteError {
  exception: string;
  message: string;
}

function encodePath(path: string): string {
  return path.split('/').map((seg) => encodeURIComponent(seg)).join('/');
}

function isNetworkError(e: unknown): boolean {
  return e instanceof TypeError || (e as { name?: string })?.name === 'AbortError' || (e as { name?: string })?.name === 'TimeoutError';
}

/** Resolves the HTTP endpoints for an `hdfs://`, `webhdfs://`, `swebhdfs://` or `http(s)://` URL. */
export function webHdfsEndpoints(url: string, hadoopConfDir = ''): { httpBases: string[]; basePath: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new StorageException(`not a valid URL: ${url}`, { retriable: false });
  }
  const basePath = decodeURIComponent(u.pathname).replace(/\/+$/, '');
  const scheme = u.protocol.replace(/:$/, '');
  if (scheme === 'http' || scheme === 'https') return { httpBases: [`${scheme}://${u.host}`], basePath };
  if (scheme === 'webhdfs' || scheme === 'swebhdfs') {
    const proto = scheme === 'webhdfs' ? 'http' : 'https';
    return { httpBases: [`${proto}://${u.hostname}:${u.port || '9870'}`], basePath };
  }
  if (scheme !== 'hdfs') throw new StorageException(`unsupported filesystem scheme ${scheme}: in ${url}`, { retriable: false });
  const props = hadoopConfDir ? readHadoopSite(hadoopConfDir) : new Map<string, string>();
  const authority = u.hostname;
  const nns = props.get(`dfs.ha.namenodes.${authority}`);
  const https = props.get('dfs.http.policy') === 'HTTPS_ONLY';
  const proto = https ? 'https' : 'http';
  const key = https ? 'dfs.namenode.https-address' : 'dfs.namenode.http-address';
  if (nns) {
    const bases: string[] = [];
    for (const nn of nns.split(',').map((s) => s.trim()).filter(Boolean)) {
      const addr = props.get(`${key}.${authority}.${nn}`);
      if (addr) bases.push(`${proto}://${addr}`);
    }
    if (bases.length > 0) return { httpBases: bases, basePath };
  }
  const addr = props.get(`${key}.${authority}`) ?? props.get(key);
  if (addr) {
    const [host, port] = addr.split(':');
    const h = !host || host === '0.0.0.0' ? u.hostname : host;
    return { httpBases: [`${proto}://${h}:${port ?? '9870'}`], basePath };
  }
  return { httpBases: [`${proto}://${u.hostname}:${https ? 9871 : 9870}`], basePath };
}

/** `name → value` of hdfs-site.xml and core-site.xml in `dir` (missing files are fine). */
export function readHadoopSite(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of ['core-site.xml', 'hdfs-site.xml']) {
    let xml: string;
    try {
      xml = readFileSync(join(dir, file), 'utf8');
    } catch {
      continue;
    }
    const re = /<property>[\s\S]*?<name>\s*([^<]+?)\s*<\/name>[\s\S]*?<value>\s*([^<]*?)\s*<\/value>[\s\S]*?<\/property>/g;
    for (let m = re.exec(xml); m; m = re.exec(xml)) out.set(m[1]!, m[2]!);
  }
  return out;
}

export function defaultHdfsUser(): string {
  const env = process.env['HADOOP_USER_NAME'];
  if (env) return env;
  try {
    return userInfo().username;
  } catch {
    return 'root';
  }
}

class WebHdfsOutputFile implements OutputFile {
  readonly path: string;
  readonly #fs: WebHdfsStorage;
  readonly #chunkBytes: number;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #created = false;
  #closed = false;

  constructor(fs: WebHdfsStorage, path: string, chunkBytes: number) {
    this.#fs = fs;
    this.path = path;
    this.#chunkBytes = chunkBytes;
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.#closed) throw new StorageException(`webhdfs: write to closed file ${this.path}`, { retriable: false });
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    if (this.#pendingBytes >= this.#chunkBytes) await this.#send();
  }

  async #send(): Promise<void> {
    const data = concat(this.#pending, this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    if (!this.#created) {
      await this.#fs.createWith(this.path, data);
      this.#created = true;
    } else if (data.length > 0) {
      await this.#fs.appendExisting(this.path, data);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#created || this.#pendingBytes > 0) await this.#send();
  }

  async abort(): Promise<void> {
    this.#closed = true;
    this.#pending = [];
    this.#pendingBytes = 0;
    await this.#fs.delete(this.path).catch(() => false);
  }
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

export class WebHdfsStorage implements Storage {
  readonly url: string;
  readonly basePath: string;
  readonly kind = 'webhdfs';
  readonly #bases: readonly string[];
  #active = 0;
  readonly #user: string;
  readonly #chunkBytes: number;
  readonly #timeoutMs: number;

  constructor(opts: WebHdfsOptions) {
    if (opts.httpBases.length === 0) throw new StorageException('webhdfs: no NameNode HTTP address', { retriable: false });
    this.url = opts.url;
    this.basePath = opts.basePath.replace(/\/+$/, '');
    this.#bases = opts.httpBases.map((b) => b.replace(/\/+$/, ''));
    this.#user = opts.user;
    this.#chunkBytes = opts.chunkBytes ?? 8 * 1024 * 1024;
    this.#timeoutMs = opts.requestTimeoutMs ?? 120_000;
  }

  // ------------------------------------------------------------------------------------------------ requests

  #query(op: string, params: Record<string, string>): string {
    const q = new URLSearchParams({ op, 'user.name': this.#user, ...params });
    return q.toString();
  }

  /**
   * A NameNode request. Idempotent ones (`retry`) are retried on network errors and 5xx, trying the other
   * NameNodes of an HA pair as well. `redirect: 'manual'` keeps the DataNode `Location` of CREATE/APPEND.
   */
  async #nn(method: string, path: string, op: string, params: Record<string, string> = {}, retry = true): Promise<Response> {
    const attempts = retry ? 3 * this.#bases.length : this.#bases.length;
    let lastError: unknown;
    for (let i = 0; i < attempts; i++) {
      const base = this.#bases[this.#active]!;
      const url = `${base}/webhdfs/v1${encodePath(path)}?${this.#query(op, params)}`;
      try {
        const res = await fetch(url, { method, redirect: 'manual', signal: AbortSignal.timeout(this.#timeoutMs) });
        if (res.status >= 500 || res.status === 403) {
          const err = await this.#remoteError(res);
          if (err?.exception === 'StandbyException' && this.#bases.length > 1) {
            this.#active = (this.#active + 1) % this.#bases.length;
            lastError = new StorageException(`webhdfs ${op} ${path}: ${err.message}`);
            continue;
          }
          const ex = this.#toException(op, path, res.status, err);
          if (!retry || !ex.retriable || i === attempts - 1) throw ex;
          lastError = ex;
          await sleep(200 * (i + 1));
          continue;
        }
        return res;
      } catch (e) {
        if (e instanceof StorageException) throw e;
        if (!isNetworkError(e)) throw new StorageException(`webhdfs ${op} ${path}: ${(e as Error).message}`, { cause: e });
        lastError = e;
        if (this.#bases.length > 1) this.#active = (this.#active + 1) % this.#bases.length;
        if (!retry && i >= this.#bases.length - 1) break;
        await sleep(200 * (i + 1));
      }
    }
    if (lastError instanceof StorageException) throw lastError;
    throw new StorageException(`webhdfs ${op} ${path}: ${(lastError as Error)?.message ?? 'failed'} (${this.#bases.join(', ')})`, { cause: lastError });
  }

  async #remoteError(res: Response): Promise<RemoteError | undefined> {
    const text = await res.text().catch(() => '');
    try {
      const j = JSON.parse(text) as { RemoteException?: RemoteError };
      if (j.RemoteException) return j.RemoteException;
    } catch {
      // not JSON (an HTML error page)
    }
    return text ? { exception: `HTTP ${res.status}`, message: text.slice(0, 500) } : undefined;
  }

  #toException(op: string, path: string, status: number, err: RemoteError | undefined): StorageException {
    const retriable = status >= 500 || (err !== undefined && RETRIABLE_REMOTE.has(err.exception));
    const what = err ? `${err.exception}: ${err.message}` : `HTTP ${status}`;
    return new StorageException(`webhdfs ${op} ${path} failed: ${what}`, { retriable });
  }

  async #expectOk(op: string, path: string, res: Response): Promise<Response> {
    if (res.ok) return res;
    throw this.#toException(op, path, res.status, await this.#remoteError(res));
  }

  async #booleanOp(method: string, path: string, op: string, params: Record<string, string> = {}, retry = true): Promise<boolean> {
    const res = await this.#expectOk(op, path, await this.#nn(method, path, op, params, retry));
    const j = (await res.json()) as { boolean?: boolean };
    return j.boolean === true;
  }

  /** CREATE/APPEND: NameNode → 307 Location → send the bytes to the DataNode. */
  async #dataOp(method: 'PUT' | 'POST', path: string, op: 'CREATE' | 'APPEND', params: Record<string, string>, data: Uint8Array): Promise<void> {
    const first = await this.#nn(method, path, op, params, op === 'CREATE');
    let target: string | null = null;
    if (first.status === 307 || first.status === 302 || first.status === 301) {
      target = first.headers.get('location');
      await first.body?.cancel().catch(() => {});
    } else if (first.ok) {
      // Some gateways answer with a JSON Location instead of a redirect (noredirect=true style).
      const j = (await first.json().catch(() => ({}))) as { Location?: string };
      target = j.Location ?? null;
    } else {
      throw this.#toException(op, path, first.status, await this.#remoteError(first));
    }
    if (!target) throw new StorageException(`webhdfs ${op} ${path}: the NameNode gave no DataNode location`);
    const res = await this.#upload(method, target, data, op, path);
    if (res.status < 200 || res.status >= 300) {
      let err: RemoteError | undefined;
      try {
        err = (JSON.parse(res.body) as { RemoteException?: RemoteError }).RemoteException;
      } catch {
        err = res.body ? { exception: `HTTP ${res.status}`, message: res.body.slice(0, 500) } : undefined;
      }
      throw this.#toException(op, path, res.status, err);
    }
  }

  /**
   * Sends the bytes to the DataNode with node:http rather than fetch: Hadoop's DataNode answers every upload
   * with an unsolicited `100 Continue` before the final status, which undici's fetch rejects ("bad response",
   * Node 20 and 22); node:http skips informational responses.
   */
  #upload(method: string, target: string, data: Uint8Array, op: string, path: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      let url: URL;
      try {
        url = new URL(target);
      } catch {
        reject(new StorageException(`webhdfs ${op} ${path}: bad DataNode location ${target}`));
        return;
      }
      const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
        method,
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(data.length) },
        timeout: this.#timeoutMs,
      });
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (e) => reject(new StorageException(`webhdfs ${op} ${path}: reading the DataNode's answer failed: ${e.message}`, { cause: e })));
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.#timeoutMs} ms`)));
      req.on('error', (e) => reject(new StorageException(`webhdfs ${op} ${path}: sending ${data.length} bytes to the DataNode failed: ${e.message}`, { cause: e })));
      req.end(data);
    });
  }

  // ------------------------------------------------------------------------------------------------ Storage

  async exists(path: string): Promise<boolean> {
    const res = await this.#nn('GET', path, 'GETFILESTATUS');
    if (res.status === 404) {
      await res.body?.cancel().catch(() => {});
      return false;
    }
    await this.#expectOk('GETFILESTATUS', path, res);
    await res.body?.cancel().catch(() => {});
    return true;
  }

  async mkdirs(path: string): Promise<void> {
    if (!(await this.#booleanOp('PUT', path, 'MKDIRS'))) throw new StorageException(`webhdfs MKDIRS ${path} returned false`);
  }

  async list(path: string): Promise<FileStatus[]> {
    const res = await this.#nn('GET', path, 'LISTSTATUS');
    if (res.status === 404) {
      await res.body?.cancel().catch(() => {});
      return [];
    }
    await this.#expectOk('LISTSTATUS', path, res);
    const j = (await res.json()) as { FileStatuses?: { FileStatus?: { pathSuffix: string; type: string; length: number }[] } };
    const out: FileStatus[] = [];
    for (const s of j.FileStatuses?.FileStatus ?? []) {
      if (s.pathSuffix === '') return []; // `path` is a file
      out.push({ path: joinPath(path, s.pathSuffix), name: s.pathSuffix, isDirectory: s.type === 'DIRECTORY', length: s.length });
    }
    return out;
  }

  async create(path: string): Promise<OutputFile> {
    return new WebHdfsOutputFile(this, path, this.#chunkBytes);
  }

  /** @internal: used by the output file. */
  async createWith(path: string, data: Uint8Array): Promise<void> {
    await this.#dataOp('PUT', path, 'CREATE', { overwrite: 'true', createparent: 'true' }, data);
  }

  /** @internal: used by the output file. */
  async appendExisting(path: string, data: Uint8Array): Promise<void> {
    await this.#dataOp('POST', path, 'APPEND', {}, data);
  }

  async append(path: string, data: Uint8Array): Promise<void> {
    if (await this.exists(path)) await this.appendExisting(path, data);
    else {
      await this.mkdirs(parentPath(path));
      await this.createWith(path, data);
    }
  }

  async read(path: string): Promise<Uint8Array | null> {
    const first = await this.#nn('GET', path, 'OPEN');
    if (first.status === 404) {
      await first.body?.cancel().catch(() => {});
      return null;
    }
    let res = first;
    if (first.status === 307 || first.status === 302) {
      const loc = first.headers.get('location');
      await first.body?.cancel().catch(() => {});
      if (!loc) throw new StorageException(`webhdfs OPEN ${path}: no DataNode location`);
      try {
        res = await fetch(loc, { signal: AbortSignal.timeout(this.#timeoutMs) });
      } catch (e) {
        throw new StorageException(`webhdfs OPEN ${path}: reading from the DataNode failed: ${(e as Error).message}`, { cause: e });
      }
    }
    await this.#expectOk('OPEN', path, res);
    return new Uint8Array(await res.arrayBuffer());
  }

  /** HDFS's RENAME answers false (and does nothing) when the target file exists, so no separate check is needed. */
  async rename(from: string, to: string): Promise<void> {
    let ok: boolean;
    try {
      ok = await this.#booleanOp('PUT', from, 'RENAME', { destination: to }, false);
    } catch (e) {
      // The rename may have happened with the answer lost: then `to` exists and `from` does not.
      if ((await this.exists(to).catch(() => false)) && !(await this.exists(from).catch(() => true))) return;
      throw e;
    }
    if (!ok) {
      const [toExists, fromExists] = [await this.exists(to), await this.exists(from)];
      if (toExists && !fromExists) return;
      if (toExists) throw new StorageException(`webhdfs: cannot rename ${from} to ${to}: the target exists`, { retriable: false });
      throw new StorageException(`webhdfs RENAME ${from} to ${to} returned false (${fromExists ? 'no parent directory?' : 'the source does not exist'})`);
    }
  }

  async delete(path: string, recursive = false): Promise<boolean> {
    return this.#booleanOp('DELETE', path, 'DELETE', { recursive: String(recursive) });
  }

  async close(): Promise<void> {}
}

