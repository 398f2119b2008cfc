/**
 * Record-batch compression codecs kafkajs lacks (it ships gzip only): snappy, lz4 and zstd, registered into
 * kafkajs's codec table once, when kafkajs is first loaded. Each codec writes what Java's producer writes
 * for the same `compression.type`, and reads what any Kafka client writes (codecs/ has one module per codec).
 */
import { kafkajs } from './lib.js';
import { lz4Compress, lz4Decompress } from './codecs/lz4.js';
import { snappyCompress, snappyDecompress } from './codecs/snappy.js';
import { zstd } from './codecs/zstd.js';

/** The shape of a kafkajs codec: it compresses a record encoder's bytes and decompresses a batch's records. */
export interface KafkajsCodec {
  compress(encoder: { readonly buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

export const snappyCodec: KafkajsCodec = {
  compress: async (encoder) => snappyCompress(encoder.buffer),
  decompress: async (buffer) => snappyDecompress(buffer),
};

export const lz4Codec: KafkajsCodec = {
  compress: async (encoder) => lz4Compress(encoder.buffer),
  decompress: async (buffer) => lz4Decompress(buffer),
};

export const zstdCodec: KafkajsCodec = {
  compress: (encoder) => zstd.compress(encoder.buffer),
  decompress: (buffer) => zstd.decompress(buffer),
};

/** Puts the codecs into kafkajs's table. */
export function registerCodecs(): void {
  const { CompressionCodecs, CompressionTypes } = kafkajs();
  CompressionCodecs[CompressionTypes.Snappy] = () => snappyCodec;
  CompressionCodecs[CompressionTypes.LZ4] = () => lz4Codec;
  CompressionCodecs[CompressionTypes.ZSTD] = () => zstdCodec;
}
