// Writes one record with a null header value, as only Kafka's own clients can (kafkajs cannot):
//   java -cp '.stack/kafka/libs/*' NullHeaderProducer.java <bootstrap> <topic>
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

public class NullHeaderProducer {
  public static void main(String[] args) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", args[0]);
    p.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    p.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      RecordHeaders headers = new RecordHeaders();
      headers.add(new RecordHeader("nothing", (byte[]) null));
      headers.add(new RecordHeader("empty", new byte[0]));
      headers.add(new RecordHeader("text", "v".getBytes("UTF-8")));
      headers.add(new RecordHeader("nothing", (byte[]) null));
      producer.send(new ProducerRecord<>(args[1], 0, "k", "v", headers)).get();
    }
  }
}
