/**
 * Record-batch codec throughput: MB/s of uncompressed bytes through compress and decompress for gzip (kafkajs's
 * own, the baseline), snappy, lz4 and zstd as Sluice registers them into kafkajs, and on Node with a native zstd
 * also the portable zstd that Node 20 uses. Inputs are the records part of a batch of JSON values (what a
 * source connector with the JsonConverter sends), at a small and a large batch size. One call at a time, so
 * this is per-core speed; native zlib work (gzip, zstd on Node >= 22.15) runs off the main thread.
 *
 *   node --import tsx bench/kafka-codecs.ts [--seconds S]
 */
import kafkajs from 'kafkajs';
import { registerCodecs, type KafkajsCodec } from '../src/streams/kafka/kafkajs/codecs.js';
import { nativeZstd, portableZstd } from '../src/streams/kafka/kafkajs/codecs/zstd.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SECONDS = arg('seconds', 1);

registerCodecs();
const { CompressionCodecs, CompressionTypes } = kafkajs;

/** Records as kafkajs lays them out: a varint length, then JSON like a JsonConverter envelope-less value. */
function batchBytes(size: number): Buffer {
  const parts: Buffer[] = [];
  let n = 0;
  for (let i = 0; n < size; i++) {
    const value = JSON.stringify({ id: 1_000_000 + i, name: `Customer ${i}`, email: `c${i}@example.com`, age: 18 + (i % 60),
      score: Math.round((i / 7) * 1000) / 1000, active: i % 2 === 0, created: 1_700_000_000_000 + i * 1000, country: 'NL' });
    const b = Buffer.from([value.length & 0x7f, ...Buffer.from(value)]);
    parts.push(b);
    n += b.length;
  }
  return Buffer.concat(parts).subarray(0, size);
}

async function rate(work: () => Promise<unknown>, bytes: number): Promise<number> {
  const end = performance.now() + SECONDS * 1000;
  let done = 0;
  const start = performance.now();
  while (performance.now() < end || done < 3) {
    await work();
    done++;
  }
  return (done * bytes) / ((performance.now() - start) / 1000) / 1e6;
}

const codecs: Array<[string, KafkajsCodec]> = [
  ['gzip (kafkajs)', CompressionCodecs[CompressionTypes.GZIP]()],
  ['snappy', CompressionCodecs[CompressionTypes.Snappy]()],
  ['lz4', CompressionCodecs[CompressionTypes.LZ4]()],
  [`zstd (${(nativeZstd ?? portableZstd).name})`, CompressionCodecs[CompressionTypes.ZSTD]()],
];
if (nativeZstd) {
  codecs.push([`zstd (${portableZstd.name})`, { compress: (e) => portableZstd.compress(e.buffer), decompress: (b) => portableZstd.decompress(b) }]);
}

console.log(`Node ${process.version}; ${SECONDS} s per figure; MB/s of uncompressed bytes`);
for (const size of [16 * 1024, 1024 * 1024]) {
  const input = batchBytes(size);
  console.log(`\nbatch records of ${size / 1024} KiB`);
  console.log(`${'codec'.padEnd(36)} ${'ratio'.padStart(6)} ${'compress'.padStart(10)} ${'decompress'.padStart(11)}`);
  for (const [name, codec] of codecs) {
    const compressed = await codec.compress({ buffer: input });
    const back = await codec.decompress(compressed);
    if (!back.equals(input)) throw new Error(`${name} did not round trip`);
    const c = await rate(() => codec.compress({ buffer: input }), size);
    const d = await rate(() => codec.decompress(compressed), size);
    console.log(`${name.padEnd(36)} ${(size / compressed.length).toFixed(2).padStart(6)} ${c.toFixed(0).padStart(10)} ${d.toFixed(0).padStart(11)}`);
  }
}
