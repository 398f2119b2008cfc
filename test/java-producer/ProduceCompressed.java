// Java's own producer writes <count> records into each <topic> with that topic's compression.type, then exits:
//   java -cp '.stack/kafka/libs/*' test/java-producer/ProduceCompressed.java <bootstrap> <count> <topic>=<codec>...
// Record i (the same rule as test/integration/streams/kafka-codecs.test.ts): key "key-i" (null when i % 7 == 0),
// value "value-i " and words (null for the last record), headers seq="i", none=null, empty="".
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

public class ProduceCompressed {
  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String value(int i) {
    StringBuilder b = new StringBuilder("value-" + i);
    for (int w = 0; w < 20; w++) b.append(' ').append("word").append((i * 31 + w * 7) % 13);
    return b.toString();
  }

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    int count = Integer.parseInt(args[1]);
    for (int a = 2; a < args.length; a++) {
      String[] topicCodec = args[a].split("=", 2);
      Properties p = new Properties();
      p.put("bootstrap.servers", bootstrap);
      p.put("compression.type", topicCodec[1]);
      p.put("linger.ms", "50");
      p.put("batch.size", "262144");
      p.put("acks", "all");
      p.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
      p.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          RecordHeaders headers = new RecordHeaders();
          headers.add(new RecordHeader("seq", utf8(Integer.toString(i))));
          headers.add(new RecordHeader("none", (byte[]) null));
          headers.add(new RecordHeader("empty", new byte[0]));
          byte[] key = i % 7 == 0 ? null : utf8("key-" + i);
          byte[] value = i == count - 1 ? null : utf8(value(i));
          sent.add(producer.send(new ProducerRecord<>(topicCodec[0], 0, key, value, headers)));
        }
        for (Future<RecordMetadata> f : sent) f.get();
      }
      System.out.println("produced " + count + " to " + topicCodec[0] + " with " + topicCodec[1]);
    }
  }
}
