// Java's own consumer reads <count> records from partition 0 of each <topic> and prints one line per record:
//   java -cp '.stack/kafka/libs/*' test/java-producer/ConsumeRecords.java <bootstrap> <count> <topic>...
// topic TAB offset TAB key TAB value TAB headers, bytes in base64 and "~" for null; headers as name:value joined by ",".
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

public class ConsumeRecords {
  static String b64(byte[] bytes) {
    return bytes == null ? "~" : Base64.getEncoder().encodeToString(bytes);
  }

  public static void main(String[] args) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", args[0]);
    p.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    p.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    p.put("enable.auto.commit", "false");
    int count = Integer.parseInt(args[1]);
    StringBuilder out = new StringBuilder();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      for (int a = 2; a < args.length; a++) {
        TopicPartition tp = new TopicPartition(args[a], 0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        int read = 0;
        long deadline = System.currentTimeMillis() + 60_000;
        while (read < count) {
          if (System.currentTimeMillis() > deadline) throw new IllegalStateException("read " + read + " of " + count + " from " + tp);
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            StringBuilder headers = new StringBuilder();
            for (Header h : r.headers()) {
              if (headers.length() > 0) headers.append(',');
              headers.append(b64(h.key().getBytes("UTF-8"))).append(':').append(b64(h.value()));
            }
            out.append(r.topic()).append('\t').append(r.offset()).append('\t').append(b64(r.key())).append('\t')
                .append(b64(r.value())).append('\t').append(headers).append('\n');
            read++;
          }
        }
      }
    }
    System.out.print(out);
  }
}
