/**
 * Parquet's codecs as `parquet.codec` names them, and their compressors (node:zlib). No Parquet writer is loaded
 * here: the connector's config checks use this module, and hyparquet-writer loads with the first Parquet file.
 */
import * as zlib from 'node:zlib';
import { ConfigException } from '../../api/index.js';

export const PARQUET_FORMAT_CLASS = 'io.confluent.connect.hdfs.parquet.ParquetFormat';

export type ParquetCodec = 'UNCOMPRESSED' | 'SNAPPY' | 'GZIP' | 'ZSTD' | 'BROTLI';

type Compressor = (input: Uint8Array) => Uint8Array;

/** The compressor for a codec, or a ConfigException saying why this Node cannot do it. */
export function parquetCompressor(codec: ParquetCodec): Compressor | undefined {
  switch (codec) {
    case 'UNCOMPRESSED':
    case 'SNAPPY':
      return undefined; // built into hyparquet-writer
    case 'GZIP':
      return (input) => zlib.gzipSync(input);
    case 'BROTLI':
      return (input) => zlib.brotliCompressSync(input);
    case 'ZSTD': {
      const zstd = (zlib as unknown as { zstdCompressSync?: (b: Uint8Array) => Buffer }).zstdCompressSync;
      if (typeof zstd !== 'function') {
        throw new ConfigException(
          'parquet.codec',
          'zstd',
          `zstd needs Node.js >= 22.15 (zlib.zstdCompressSync); this is Node.js ${process.versions.node}. Use snappy, gzip, brotli or none`,
        );
      }
      return (input) => zstd(input);
    }
  }
}

/** `parquet.codec` (storage-common's names) → the Parquet codec; lz4/lzo are refused. */
export function parquetCodecOf(name: string): ParquetCodec {
  switch (name.trim().toLowerCase()) {
    case 'none':
    case 'uncompressed':
      return 'UNCOMPRESSED';
    case 'snappy':
      return 'SNAPPY';
    case 'gzip':
      return 'GZIP';
    case 'zstd':
      parquetCompressor('ZSTD');
      return 'ZSTD';
    case 'brotli':
      return 'BROTLI';
    case 'lz4':
    case 'lzo':
      throw new ConfigException('parquet.codec', name, `${name} is not supported by this sink; use snappy, gzip, zstd, brotli or none`);
    default:
      throw new ConfigException('parquet.codec', name, 'must be one of none, snappy, gzip, zstd, brotli');
  }
}

