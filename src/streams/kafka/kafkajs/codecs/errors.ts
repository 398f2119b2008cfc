export type CodecName = 'snappy' | 'lz4' | 'zstd';

/** Compressed bytes that cannot be decoded (or a codec that cannot run here), with the codec and the position. */
export class CodecError extends Error {
  override readonly name = 'CodecError';
  constructor(
    readonly codec: CodecName,
    message: string,
  ) {
    super(`${codec}: ${message}`);
  }
}
