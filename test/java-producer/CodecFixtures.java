// Writes the codec fixtures of test/fixtures/codecs/ with Kafka's own compression streams (kafka-clients, as its
// producer uses them) and snappy-java's raw codec. Run once from the repository root, then commit the files:
//   java -cp '.stack/kafka/libs/*' test/java-producer/CodecFixtures.java test/fixtures/codecs
// The payloads are made by the same generators as test/unit/streams/codecs-java.test.ts.
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.utils.ByteBufferOutputStream;
import org.xerial.snappy.Snappy;

public class CodecFixtures {
  static final String[] WORDS = {"sluice", "kafka", "connect", "record", "batch", "offset", "topic", "partition",
      "header", "key", "value", "null", "snappy", "lz4", "zstd", "gzip"};

  /** Words picked by xorshift32, a space after each and a newline every 12: compressible, not repetitive. */
  static byte[] textPayload(int size) {
    byte[] out = new byte[size];
    int x = 0x2545F491, n = 0, words = 0;
    while (n < size) {
      x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
      byte[] w = WORDS[(x >>> 28) & 15].getBytes();
      for (int i = 0; i < w.length && n < size; i++) out[n++] = w[i];
      if (n < size) out[n++] = (byte) (++words % 12 == 0 ? '\n' : ' ');
    }
    return out;
  }

  /** Bytes of xorshift32: incompressible. */
  static byte[] randomPayload(int size) {
    byte[] out = new byte[size];
    int x = 0x9E3779B9;
    for (int i = 0; i < size; i++) {
      x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
      out[i] = (byte) (x >>> 24);
    }
    return out;
  }

  static byte[] kafkaCompress(CompressionType type, byte magic, byte[] data) throws Exception {
    ByteBufferOutputStream buffer = new ByteBufferOutputStream(1024);
    try (OutputStream out = Compression.of(type).build().wrapForOutput(buffer, magic)) {
      out.write(data);
    }
    ByteBuffer b = buffer.buffer();
    b.flip();
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    return bytes;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Files.createDirectories(dir);
    byte[] text = textPayload(100_000);
    byte[] random = randomPayload(66_000);
    byte v2 = RecordBatch.MAGIC_VALUE_V2;
    Files.write(dir.resolve("java-gzip.bin"), kafkaCompress(CompressionType.GZIP, v2, text));
    Files.write(dir.resolve("java-snappy.bin"), kafkaCompress(CompressionType.SNAPPY, v2, text));
    Files.write(dir.resolve("java-lz4.bin"), kafkaCompress(CompressionType.LZ4, v2, text));
    Files.write(dir.resolve("java-zstd.bin"), kafkaCompress(CompressionType.ZSTD, v2, text));
    // Message format v0 (KAFKA-3160): the LZ4 frame's header checksum also covers the magic number.
    Files.write(dir.resolve("java-lz4-magic0.bin"), kafkaCompress(CompressionType.LZ4, RecordBatch.MAGIC_VALUE_V0, text));
    // An incompressible 64 KiB block, which LZ4 stores uncompressed (the block size's high bit set).
    Files.write(dir.resolve("java-lz4-random.bin"), kafkaCompress(CompressionType.LZ4, v2, random));
    // Plain snappy without xerial's framing, as some non-Java producers write it.
    Files.write(dir.resolve("snappy-raw.bin"), Snappy.compress(text));
  }
}
