/**
 * Zstandard. Node's own zlib binding where it has one (Node >= 22.15: native, off the main thread); elsewhere
 * (Node 20) fzstd decompresses (pure JS, and it reads frames without a content size, as Java's zstd-jni
 * streaming writes them) and zstd's reference C library compiled to WebAssembly (@bokuweb/zstd-wasm)
 * compresses, loaded on first use.
 */
import zlib from 'node:zlib';
import { decompress as fzstdDecompress } from 'fzstd';
import { CodecError } from './errors.js';

/** zstd's default level, Kafka's default `compression.zstd.level`. */
export const ZSTD_DEFAULT_LEVEL = 3;

export interface ZstdImplementation {
  readonly name: string;
  compress(src: Uint8Array, level?: number): Promise<Buffer>;
  decompress(src: Uint8Array): Promise<Buffer>;
}

type Callback = (error: Error | null, result: Buffer) => void;
interface NodeZstd {
  zstdCompress(src: Uint8Array, options: { params: Record<number, number> }, callback: Callback): void;
  zstdDecompress(src: Uint8Array, callback: Callback): void;
  constants: { ZSTD_c_compressionLevel: number };
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function nodeZstd(): ZstdImplementation | null {
  const z = zlib as unknown as Partial<NodeZstd>;
  if (typeof z.zstdCompress !== 'function' || typeof z.zstdDecompress !== 'function' || !z.constants) return null;
  const { zstdCompress, zstdDecompress, constants } = z as NodeZstd;
  const run = (f: (cb: Callback) => void) =>
    new Promise<Buffer>((resolve, reject) =>
      f((error, result) => (error ? reject(new CodecError('zstd', error.message)) : resolve(result))),
    );
  return {
    name: 'node:zlib',
    compress: (src, level = ZSTD_DEFAULT_LEVEL) =>
      run((cb) => zstdCompress(src, { params: { [constants.ZSTD_c_compressionLevel]: level } }, cb)),
    decompress: (src) => run((cb) => zstdDecompress(src, cb)),
  };
}

type ZstdWasm = typeof import('@bokuweb/zstd-wasm');
let wasm: Promise<ZstdWasm> | undefined;

function loadWasm(): Promise<ZstdWasm> {
  wasm ??= import('@bokuweb/zstd-wasm').then(async (m) => {
    const mod = ((m as { default?: ZstdWasm }).default ?? m) as ZstdWasm;
    await mod.init();
    return mod;
  });
  return wasm;
}

/** fzstd and zstd-wasm: what Node 20 uses. */
export const portableZstd: ZstdImplementation = {
  name: 'fzstd + @bokuweb/zstd-wasm',
  async compress(src, level = ZSTD_DEFAULT_LEVEL) {
    const mod = await loadWasm();
    try {
      return toBuffer(mod.compress(src, level));
    } catch (e) {
      throw new CodecError('zstd', (e as Error).message);
    }
  },
  async decompress(src) {
    try {
      return toBuffer(fzstdDecompress(src));
    } catch (e) {
      throw new CodecError('zstd', `invalid compressed data: ${(e as Error).message}`);
    }
  },
};

export const nativeZstd: ZstdImplementation | null = nodeZstd();

export const zstd: ZstdImplementation = nativeZstd ?? portableZstd;
